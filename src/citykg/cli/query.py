"""``citykg queries | query``: list the catalogue, and run a named query, a file or a SPARQL text."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

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
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Stop the query after SECONDS (it then runs in a child process, which is killed).")
@click.pass_context
def query(ctx: click.Context, query_file: str | None, expression: str | None, params: tuple[str, ...],
          fmt: str, endpoint: str | None, timeout: float | None) -> None:
    """Run a catalogue query by NAME, a SPARQL file, or -e TEXT, over all graphs.

    The citykg prefixes (ckg:, municipality:, sector:, …) are predeclared. Ctrl-C stops a query (exit 130).
    """
    if (query_file is None) == (expression is None):
        raise click.UsageError("Give a catalogue query name, a query file or -e 'SPARQL' (exactly one).")
    answer = _work(_common.kg(ctx, endpoint), query_file, expression, params)
    from ..query.timed import in_child, interruptible

    try:
        if timeout is not None:  # waits here, in the main thread, and kills the child on the way out
            output = _render(in_child(answer, timeout), fmt)
        else:  # the rows are read (the query really runs) inside _render
            output = interruptible(lambda: _render(answer(), fmt))
    except KeyboardInterrupt:
        _interrupted()
    if isinstance(output, bytes):
        sys.stdout.buffer.write(output)
        return
    from rich.console import Console

    Console().print(output)


def _work(kg, query_file: str | None, expression: str | None, params: tuple[str, ...]) -> Callable[[], object]:
    """What the command runs: a catalogue query by name, or the SPARQL of a file or of -e, not yet run."""
    if query_file is not None and not query_file.endswith(".rq") and not Path(query_file).is_file():
        values = _parse_params(params)
        return lambda: kg.run(query_file, values)
    if params:
        raise click.UsageError("--param applies to catalogue queries only.")
    text = _read_query_file(query_file) if query_file is not None else expression
    assert text is not None
    return lambda: kg.query(text)


def _render(result, fmt: str):
    """The whole answer, read and formatted: a rich Table, or the bytes of a results or RDF format."""
    if fmt == "table":
        from ..query.render import result_table

        return result_table(result)
    import io

    from ..query.render import write_result

    buffer = io.BytesIO()
    write_result(result, fmt, buffer)
    return buffer.getvalue()


def _interrupted() -> NoReturn:
    """Ctrl-C: one line and exit 130 at once. ``os._exit``, because the query thread cannot be stopped and
    an orderly shutdown would wait on the store it is reading."""
    sys.stdout.flush()
    click.echo("Interrupted: the query was stopped.", err=True)
    sys.stderr.flush()
    os._exit(130)


def _read_query_file(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise click.FileError(path, error.strerror) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise click.FileError(path, f"not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x})") from None


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE.", param_hint="--param")
        params[name.strip()] = text
    return params
