"""A final ``ORDER BY`` of IRIs done in Python, for the embedded store.

pyoxigraph 0.5.13 reads both terms of a comparison from the store each time its sort compares two rows:
sorting the 30,205 partnership edges of the full graph by their IRIs costs 2.2 s of the query's 3.4 s, and
no rewrite of the key helps much (docs/bench-queries.md). SPARQL orders IRIs by their text (§15.1), and
Python sorts 30,000 strings in milliseconds, so a catalogue query that declares its keys are IRIs
(``# sort: iris``) is evaluated without its final ORDER BY, serialised by pyoxigraph, sorted here and handed
back as a real ``QuerySolutions`` (parsed by pyoxigraph from the sorted rows), which every caller already
reads and serialises. If a key turns out not to be an IRI, the store sorts after all: the order stays the query's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

from .catalogue import mask

#: The query's last clause: ``ORDER BY`` and plain variables only (no DESC, no expression).
_ORDER = re.compile(r"\bORDER\s+BY\s+((?:\?\w+\s*)+)$", re.IGNORECASE)


def split_order(sparql: str) -> tuple[str, list[str]] | None:
    """The query without its final ``ORDER BY ?a ?b …`` and the names of those keys, or None when the
    query does not end that way (comments and strings do not count)."""
    found = _ORDER.search(mask(sparql).rstrip())
    if found is None:
        return None
    return sparql[:found.start()], [variable[1:] for variable in found.group(1).split()]


def sorted_by_iris(unordered: QuerySolutions, keys: Sequence[str]) -> QuerySolutions | None:
    """The solutions sorted by ``keys``, or None if a key is bound to something other than an IRI (a
    literal, a blank node, a quoted triple ``<< … >>``).

    The rows travel as SPARQL TSV, written and read by pyoxigraph: a row is a line, a cell an N-Triples
    term with tabs and line breaks escaped, an IRI ``<…>``, an unbound cell empty. So each row is sorted as
    one string, with no Python term objects made (JSON cost seven times as much on 30,000 rows).
    """
    body = unordered.serialize(format=QueryResultsFormat.TSV)
    assert body is not None  # serialize() returns the bytes when it is given no output
    head, _, rest = body.decode("utf-8").partition("\n")
    names = [variable[1:] for variable in head.split("\t")]
    if not set(keys) <= set(names):
        return None  # a key the query does not project: only the store can sort by it
    at = [names.index(name) for name in keys]
    rows = rest.split("\n")[:-1]  # the text ends with a line break
    cells = [row.split("\t") for row in rows]
    if any(row[i] and (row[i][0] != "<" or row[i].startswith("<<")) for row in cells for i in at):
        return None
    # unbound ("") sorts first (§15.1), IRIs by their text, without the brackets; rows the keys leave tied
    # keep the store's order of evaluation (Python's sort is stable, pyoxigraph's is not: SPARQL leaves the
    # order of ties open, so both are the query's answer)
    order = sorted(range(len(rows)), key=lambda n: tuple(cells[n][i][1:-1] for i in at))
    text = "\n".join([head, *(rows[n] for n in order), ""])
    solutions = parse_query_results(text.encode("utf-8"), format=QueryResultsFormat.TSV)
    assert isinstance(solutions, QuerySolutions)
    return solutions
