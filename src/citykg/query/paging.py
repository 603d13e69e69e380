"""The SPARQL text of one page of a SELECT, for endpoints that cut long answers at a row cap (issue 11.9).

A page is the query with a total order and a slice: its own ``ORDER BY`` (if any) followed by every
projected variable as a tie-breaker, then ``LIMIT``/``OFFSET``. Two rows that tie on every projected
variable are the same row, so consecutive pages neither overlap nor skip (SPARQL 1.1 §15.1). The query's
own order comes first, so the pages joined read as the uncut answer would.

Virtuoso refuses to sort past ``MaxSortedTopRows`` (10,000 by default: error SR353 from the second page
on) and documents its way out: the ordered query as a sub-select, the slice outside it
(:func:`nested_page`). That relies on the sub-select's order surviving the outer slice, which the standard
does not promise, so it is only the fallback.

The text is edited, not parsed: :func:`citykg.query.catalogue.mask` blanks strings, IRIs and comments, so
keywords found at brace depth 0 are the query's own solution modifiers. (rdflib's parser would cost
150 ms of import on every remote query, and its algebra does not write back to text faithfully.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import mask

_KEYWORD = r"(?<![\w?$:]){}(?![\w:-])"
_FORM = re.compile(_KEYWORD.format("(SELECT|ASK|CONSTRUCT|DESCRIBE)"), re.IGNORECASE)
_SLICE = re.compile(_KEYWORD.format("(LIMIT|OFFSET)"), re.IGNORECASE)
_ORDER = re.compile(_KEYWORD.format(r"ORDER\s+BY"), re.IGNORECASE)
_VALUES = re.compile(_KEYWORD.format("VALUES"), re.IGNORECASE)
_FROM = re.compile(_KEYWORD.format("FROM"), re.IGNORECASE)


def query_form(sparql: str) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first query-form keyword after the prologue
    (a sub-select comes later in the text than its query's own form)."""
    found = _FORM.search(mask(sparql))
    return found.group(1).upper() if found else None


@dataclass(frozen=True)
class Pageable:
    """A SELECT split where a page's modifiers go: ``head`` (prologue), ``body`` (the query up to the
    end of its ORDER BY, or of its WHERE/GROUP BY/HAVING), ``tail`` (a trailing VALUES clause)."""

    head: str
    body: str
    tail: str
    ordered: bool
    #: variables the query already orders by, bare or in ASC()/DESC(), which a page does not repeat:
    #: Virtuoso 7.2 answers ``ORDER BY ?a ?b ?a … LIMIT`` with values of one row moved to another.
    keys: frozenset[str] = frozenset()
    #: the query names its dataset (FROM): a sub-select cannot, so no nested page
    dataset: bool = False


def pageable(sparql: str) -> Pageable | str:
    """The query split for paging, or the reason it cannot be paged (one phrase, for the error)."""
    masked = mask(sparql)
    form = _FORM.search(masked)
    if form is None or form.group(1).upper() != "SELECT":
        return "only a SELECT can be fetched page by page"
    top = _top_level(masked, form.start())
    if any(_SLICE.match(masked, at) for at in top):
        return "it has its own LIMIT or OFFSET"
    values = next((at for at in top if _VALUES.match(masked, at)), len(sparql))
    order = next((found for at in top if (found := _ORDER.match(masked, at))), None)
    keys = _keys(masked[order.end():values]) if order else frozenset()
    dataset = any(_FROM.match(masked, at) for at in top)
    return Pageable(sparql[:form.start()], sparql[form.start():values], sparql[values:], order is not None, keys,
                    dataset)


def page(query: Pageable, variables: list[str], limit: int, offset: int) -> str:
    """The standard page: ORDER BY (the query's own keys, then every variable) LIMIT OFFSET."""
    return query.head + _ordered(query, variables) + f"\nLIMIT {limit} OFFSET {offset}\n" + query.tail


def nested_page(query: Pageable, variables: list[str], limit: int, offset: int) -> str:
    """Virtuoso's page: the ordered query as a sub-select, sliced outside (see the module docstring)."""
    names = " ".join("?" + name for name in variables)
    return (query.head + f"SELECT {names} WHERE {{ {{\n" + _ordered(query, variables) + "\n" + query.tail
            + f"\n}} }}\nLIMIT {limit} OFFSET {offset}\n")


def _ordered(query: Pageable, variables: list[str]) -> str:
    names = " ".join("?" + name for name in variables if name not in query.keys)
    # a newline first: the body may end in a comment, which would swallow the keys
    return query.body + ("\n  " if query.ordered else "\nORDER BY ") + names


def _keys(conditions: str) -> frozenset[str]:
    """The variables an ORDER BY sorts on directly: ``?x``, ``ASC(?x)``, ``DESC(?x)`` (not ``STR(?x)``)."""
    plain = re.sub(r"(?i)(?<![\w:])(?:ASC|DESC)\s*\(\s*([?$]\w+)\s*\)", r" \1 ", conditions)
    depth, keys = 0, set()
    for match in re.finditer(r"[()]|[?$](\w+)", plain):
        if match.group() == "(":
            depth += 1
        elif match.group() == ")":
            depth -= 1
        elif depth == 0:
            keys.add(match.group(1))
    return frozenset(keys)


def _top_level(masked: str, start: int) -> list[int]:
    """Offsets from ``start`` at brace depth 0 where a word begins (candidates for a modifier keyword)."""
    depth, found = 0, []
    for match in re.finditer(r"[{}]|(?<![\w?$:])[A-Za-z]", masked[start:]):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            found.append(start + match.start())
    return found
