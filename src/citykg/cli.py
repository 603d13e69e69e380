"""The ``citykg`` command. Thin: each command parses options, calls citykg.KnowledgeGraph, renders.

Imports are lazy so that ``citykg query`` starts fast (no networkx, pyvis or pyshacl on that path).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import CityKGError


class CityKGException(click.ClickException):
    """A CityKGError on its way to the terminal: its message, no traceback, its own exit code."""

    def __init__(self, error: CityKGError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


class Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CityKGError as error:
            raise CityKGException(error) from None


@click.group(cls=Group)
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), envvar="CITYKG_PROJECT",
              help="Project folder (with ontology/ and graph/). Default: found from the current folder.")
@click.option("--store", type=click.Path(path_type=Path), envvar="CITYKG_STORE",
              help="Store location. Default: .citykg/store in the project.")
@click.version_option(package_name="citykg")
@click.pass_context
def main(ctx: click.Context, project: Path | None, store: Path | None) -> None:
    """citykg: a knowledge graph of city diplomacy, each fact traced to its source."""
    ctx.obj = {"project": project, "store": store}


def _kg(ctx: click.Context):
    from .kg import KnowledgeGraph

    try:
        return KnowledgeGraph(ctx.obj["project"], ctx.obj["store"])
    except CityKGError as error:
        raise CityKGException(error) from None


@main.command()
@click.option("--quiet", "-q", is_flag=True, help="No progress, no summary.")
@click.option("--seeds-only", is_flag=True, help="Leave graph/imported/ out: the curated seed graph alone.")
@click.pass_context
def build(ctx: click.Context, quiet: bool, seeds_only: bool) -> None:
    """Parse, validate and infer, then swap in a new store."""
    kg = _kg(ctx)
    if seeds_only:
        import dataclasses

        from .project import SEED_KINDS

        kg.project = dataclasses.replace(kg.project, kinds=SEED_KINDS)
    if quiet:
        kg.build()
        return
    from rich.console import Console

    from .progress import RichProgress

    with RichProgress() as progress:
        report = kg.build(progress)
    console = Console()
    console.print(f"Built [bold]{kg.project.store_path}[/] from {report.files} files: "
                  f"{report.asserted} asserted + {report.inferred} inferred triples "
                  f"in {sum(report.seconds.values()):.1f} s.")
    console.print(_stats_table(kg.stats()))


@main.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Run every check of a build without touching the store."""
    from rich.console import Console

    from .progress import RichProgress

    kg = _kg(ctx)
    with RichProgress() as progress:
        report = kg.validate(progress)
    Console().print(f"[green]Valid[/]: {report.files} files, {report.asserted} triples.")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Count triples, graphs and the instances of each core class."""
    counts = _kg(ctx).stats()
    if fmt == "json":
        import json

        click.echo(json.dumps(counts, indent=2))
        return
    from rich.console import Console

    Console().print(_stats_table(counts))


@main.command()
@click.pass_context
def queries(ctx: click.Context) -> None:
    """List the query catalogue: name, title and parameters."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="citykg query catalogue", header_style="bold")
    for column in ("name", "title", "parameters"):
        table.add_column(column, overflow="fold")
    for query in _kg(ctx).catalogue().values():
        params = ", ".join(f"{p.name} ({p.kind}{', default ' + p.default if p.default else ''})"
                           for p in query.parameters)
        table.add_row(query.name, query.title, params)
    Console().print(table)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE.", param_hint="--param")
        params[name.strip()] = text
    return params


@main.command()
@click.argument("query_file", required=False, metavar="NAME|FILE.rq")
@click.option("-e", "--expression", help="SPARQL text to run instead of a file.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A catalogue query's parameter (repeatable); a place may be given by its label.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]),
              help="table, a SPARQL results format (SELECT/ASK) or an RDF format (CONSTRUCT/DESCRIBE).")
@click.option("--endpoint", metavar="URL",
              help="Run on this SPARQL 1.1 endpoint instead of the local store (e.g. http://127.0.0.1:8000/sparql).")
@click.pass_context
def query(ctx: click.Context, query_file: str | None, expression: str | None, params: tuple[str, ...],
          fmt: str, endpoint: str | None) -> None:
    """Run a catalogue query by NAME, a SPARQL file, or -e TEXT, over all graphs.

    The citykg prefixes (ckg:, municipality:, sector:, …) are predeclared.
    """
    if (query_file is None) == (expression is None):
        raise click.UsageError("Give a catalogue query name, a query file or -e 'SPARQL' (exactly one).")
    if endpoint:
        from .remote import RemoteGraph

        kg = RemoteGraph(endpoint, ctx.obj["project"])
    else:
        kg = _kg(ctx)
    if query_file is not None and not query_file.endswith(".rq") and not Path(query_file).is_file():
        result = kg.run(query_file, _parse_params(params))
    else:
        if query_file is not None:
            try:
                expression = Path(query_file).read_text(encoding="utf-8")
            except OSError as error:
                raise click.FileError(query_file, error.strerror) from None
        if params:
            raise click.UsageError("--param applies to catalogue queries only.")
        result = kg.query(expression)
    if fmt == "table":
        from rich.console import Console

        from .render import result_table

        Console().print(result_table(result))
        return
    from .render import write_result

    write_result(result, fmt, sys.stdout.buffer)


@main.command()
@click.option("--format", "fmt", required=True,
              type=click.Choice(["ttl", "nt", "trig", "nq", "jsonld", "graphml", "gexf"]),
              help="ttl/nt: the union of all graphs; trig/nq/jsonld: every named graph; graphml/gexf: a network.")
@click.option("--network", type=click.Choice(["municipalities", "countries", "actors", "sectors", "shared-sectors"]),
              help="Export this network projection (with --format graphml or gexf) instead of the RDF.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@click.pass_context
def export(ctx: click.Context, fmt: str, network: str | None, out: Path | None) -> None:
    """Write the whole store in an RDF format, or a network projection as GraphML/GEXF (for Gephi)."""
    if (network is not None) != (fmt in ("graphml", "gexf")):
        raise click.UsageError("--network NAME goes with --format graphml or gexf, and those need --network.")
    if network is not None:
        from .cli_network import export_network

        return export_network(ctx, network, fmt, out)
    kg = _kg(ctx)
    if out is None:
        sys.stdout.buffer.write(kg.export(fmt))
    else:
        kg.export(fmt, out)
        click.echo(f"Wrote {out}", err=True)


def _stats_table(counts: dict[str, int]):
    from rich.table import Table

    table = Table(title="citykg store", header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    return table


# Commands of other areas live in their own modules and register themselves on `main` when imported;
# each such module imports only click at import time, so start-up stays fast.
from . import cli_import, cli_network, cli_sparql, cli_viz  # noqa: E402,F401
