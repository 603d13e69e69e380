"""``citykg site``: a thin wrapper over citykg.pages.site.write_site. Only click is imported at module level."""

from __future__ import annotations

from pathlib import Path

import click

from . import _common


@click.command()
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write the site into (created if missing; its pages are replaced).")
@click.option("--base", metavar="URL",
              help="Mint IRIs under this URL in the RDF files (e.g. https://example.org/citykg/) instead of "
                   "https://w3id.org/citykg/.")
@click.pass_context
def site(ctx: click.Context, out: Path, base: str | None) -> None:
    """Write a static site: a page (and its Turtle and JSON-LD) for every entity of the curated sources,
    the partners of their cities, a search box and the data set's VoID, as files that open from disk."""
    from ..pages.site import write_site

    if out.exists() and not out.is_dir():
        raise click.UsageError(f"--out {out} is a file; give a folder.")
    report = write_site(_common.kg(ctx), out, base=base)
    click.echo(f"Wrote {report.pages:,} pages ({report.files:,} files) into {out} in {report.seconds:.1f} s; "
               f"open {out / 'index.html'}.")
