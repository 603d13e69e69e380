"""``citykg queries | query``: list the catalogue, and run a named query, a file or a SPARQL text."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import names
from . import _common


@click.command()
@click.pass_context
def queries(ctx: click.Context) -> None:
    """List the query catalogue: name, title and parameters."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="citykg query catalogue", header_style="bold")
    for column in ("name", "title", "parameters"):
        table.add_column(column, overflow="fold")
    for query in _common.kg(ctx).catalogue().values():
        params = ", ".join(f"{p.name} ({p.kind}{', default ' + p.default if p.default else ''})"
                           for p in query.parameters)
        table.add_row(query.name, query.title, params)
    Console().print(table)


@click.command()
@click.argument("query_file", required=False, metavar="NAME|FILE.rq")
@click.option("-e", "--expression", help="SPARQL text to run instead of a file.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A catalogue query's parameter (repeatable); a place may be given by its label.")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(names.QUERY_FORMATS),
              help="table, a SPARQL results format (SELECT/ASK) or an RDF format (CONSTRUCT/DESCRIBE).")
@click.option("--endpoint", metavar="URL", help=_common.ENDPOINT_HELP)
@click.pass_context
def query(ctx: click.Context, query_file: str | None, expression: str | None, params: tuple[str, ...],
          fmt: str, endpoint: str | None) -> None:
    """Run a catalogue query by NAME, a SPARQL file, or -e TEXT, over all graphs.

    The citykg prefixes (ckg:, municipality:, sector:, …) are predeclared.
    """
    if (query_file is None) == (expression is None):
        raise click.UsageError("Give a catalogue query name, a query file or -e 'SPARQL' (exactly one).")
    kg = _common.kg(ctx, endpoint)
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
        assert expression is not None
        result = kg.query(expression)
    if fmt == "table":
        from rich.console import Console

        from ..query.render import result_table

        Console().print(result_table(result))
        return
    from ..query.render import write_result

    write_result(result, fmt, sys.stdout.buffer)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE.", param_hint="--param")
        params[name.strip()] = text
    return params
