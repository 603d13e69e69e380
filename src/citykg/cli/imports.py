"""``citykg import``: turn an external data set into TriG under graph/imported/, with a report.

Thin: the importers (citykg.importers) do the work; this module only parses options and prints.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import _common

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(name="import")
def import_group() -> None:
    """Import an external data set into graph/imported/ (then run 'citykg build')."""


@import_group.command()
@click.argument("path", type=_FILE)
@click.option("--coordinates", type=_FILE, help="A geocoded CSV of the same data set, to fill in lat/lng.")
@click.option("--wikidata", type=(_FILE, _FILE), default=None, metavar="RELATIONS NAMES",
              help="Wikidata P190 files (as for 'import wikidata-p190'): their items split towns of one name.")
@click.option("--report", "report_path", type=_common.FILE,
              help="Write the full report (bad rows, merges, unsure cases) to this Markdown file.")
@click.pass_context
def hekman(ctx: click.Context, path: Path, coordinates: Path | None, wikidata: tuple[Path, Path] | None,
           report_path: Path | None) -> None:
    """Twin-city pairs from Wikipedia's lists (Hekman's CSV).

    PATH has the columns city1,country1,city2,country2 and, in the geocoded file, lat1,lng1,lat2,lng2.
    Writes graph/imported/hekman-twin-cities.trig and graph/imported/countries.trig.
    """
    from ..importers.hekman import import_hekman

    report = import_hekman(_common.project(ctx), path, coordinates, wikidata=wikidata)
    _finish(report, report_path)


@import_group.command(name="wikidata-p190")
@click.argument("relations", type=_FILE)
@click.argument("names", type=_FILE)
@click.option("--report", "report_path", type=_common.FILE,
              help="Write the full report (resolution, items left out) to this Markdown file.")
@click.pass_context
def wikidata_p190(ctx: click.Context, relations: Path, names: Path, report_path: Path | None) -> None:
    """Wikidata P190 twinning statements, resolved against the graph.

    RELATIONS has lines Qa<TAB>Qb, NAMES lines Qid<TAB>name. Run after the Wikipedia import: items join
    the graph only through municipalities it has. Writes graph/imported/wikidata-p190.trig.
    """
    from ..importers.wikidata import import_wikidata

    report = import_wikidata(_common.project(ctx), relations, names)
    _finish(report, report_path)


def _finish(report, report_path: Path | None) -> None:
    for line in report.summary():
        click.echo(line)
    for output in report.outputs:
        click.echo(f"Wrote {output}", err=True)
    if report_path is not None:
        try:
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_text(report.markdown(), encoding="utf-8")
        except OSError as error:
            raise click.FileError(str(report_path), error.strerror) from None
        click.echo(f"Wrote the report to {report_path}", err=True)
