"""Turn query results into what a terminal or a pipe wants: a table, or a standard results format.

CSV, TSV, JSON and XML are the SPARQL 1.1 results formats as pyoxigraph writes them (CSV drops datatypes
and language tags, per the spec; TSV keeps them). CONSTRUCT/DESCRIBE results are RDF: Turtle, N-Triples
or JSON-LD.
"""

from __future__ import annotations

from typing import IO

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    serialize,
)

from ..errors import UsageError
from ..vocab import PREFIXES, compact

SOLUTION_FORMATS = {"csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV,
                    "json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML}
GRAPH_FORMATS = {"ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD,
                 "rdfxml": RdfFormat.RDF_XML}
FORMATS = ("table", *SOLUTION_FORMATS, *GRAPH_FORMATS)


def write_result(result, fmt: str, out: IO[bytes]) -> None:
    """Write a SELECT, ASK or CONSTRUCT result to a binary stream in ``fmt`` (not ``table``)."""
    if isinstance(result, (QuerySolutions, QueryBoolean)):
        if fmt not in SOLUTION_FORMATS:
            raise UsageError(f"Format {fmt!r} is for graphs; a select or ask query gives table, "
                             f"{', '.join(SOLUTION_FORMATS)}.")
        data = result.serialize(format=SOLUTION_FORMATS[fmt])
        assert data is not None  # serialize() returns the bytes when it is given no output
        out.write(data)
        return
    from ..names import RDF_FORMAT_ALIASES

    fmt = RDF_FORMAT_ALIASES.get(fmt, fmt)  # rdflib's names: turtle, ntriples, json-ld, xml (RDF/XML)
    if fmt not in GRAPH_FORMATS:
        raise UsageError(f"Format {fmt!r} is for solutions; a construct or describe query gives table, "
                         f"{', '.join(GRAPH_FORMATS)}.")
    prefixes = PREFIXES if fmt == "ttl" else None
    data = serialize(result, format=GRAPH_FORMATS[fmt], prefixes=prefixes)
    assert data is not None
    out.write(data)


def result_table(result, title: str | None = None):
    """A rich Table for SELECT (a row per solution), CONSTRUCT (a row per triple) or ASK (one cell)."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    if isinstance(result, QueryBoolean):
        table.add_column("answer")
        table.add_row("yes" if bool(result) else "no")
        return table
    if isinstance(result, QuerySolutions):
        names = [v.value for v in result.variables]
        for name in names:
            table.add_column(name, overflow="fold")
        for solution in result:
            table.add_row(*(term_text(solution[name]) for name in names))
        return table
    for name in ("subject", "predicate", "object"):
        table.add_column(name, overflow="fold")
    for triple in result:
        table.add_row(term_text(triple.subject), term_text(triple.predicate), term_text(triple.object))
    return table


def term_text(term) -> str:
    """How a term reads in a table: IRIs compacted, literals with their language, blanks as ``_:``."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal) and term.language:
        return f"{term.value} @{term.language}"
    return term.value
