"""The large sections of a municipality's page, each read by one SPARQL query that starts from the city.

A city with many ties needs hundreds of facts (each partner's label and country, each tie's type and
status with their labels, each event's date and type). Read one by one from Python they cost about 30 µs
of index look-up each; in one query Oxigraph joins them in Rust, from the city outwards (the queries in
``sparql/`` open with the city's ``VALUES`` block): 1.3 ms against 7.9 ms for Bandung's ties.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from pyoxigraph import Literal, NamedNode

from ..query.catalogue import with_values
from .view import View

__all__ = ["ties", "events", "source_quotes", "query_text"]


@cache
def query_text(name: str) -> str:
    """The text of ``sparql/{name}.rq``, read once."""
    return files("citykg.pages").joinpath(f"sparql/{name}.rq").read_text("utf-8")


def _rows(view: View, name: str, **terms: NamedNode):
    """The rows of ``sparql/{name}.rq`` with ``terms`` bound in a VALUES block (terms, never text)."""
    return view.select(with_values(query_text(name), dict(terms)))


def _label(view: View, term, label) -> str:
    """The English label the query found, else :meth:`View.label`'s choice."""
    return label.value if isinstance(label, Literal) else view.label(term)


def _link(view: View, term, label=None) -> dict[str, str]:
    return {"iri": term.value, "label": _label(view, term, label)}


def ties(view: View, city: NamedNode) -> tuple[list[NamedNode], list[dict]]:
    """The city's partnerships and, for each, its other partners (with country), type, status and start.
    Each row's ``node`` is the tie's term; the caller counts its sources (one query for the whole page)."""
    found: dict[NamedNode, dict] = {}
    for row in _rows(view, "city-ties", city=city):
        tie = row["tie"]
        entry = found.setdefault(tie, {"tie": _link(view, tie, row["tieLabel"]), "partners": {}, "type": {},
                                       "status": {}, "since": set()})
        partner = entry["partners"].setdefault(row["partner"], dict(_link(view, row["partner"], row["partnerLabel"]),
                                                                   country=set()))
        if row["countryLabel"] is not None:
            partner["country"].add(row["countryLabel"].value)
        for key in ("type", "status"):
            if row[key] is not None:
                entry[key].setdefault(row[key], _link(view, row[key], row[key + "Label"]))
        if row["since"] is not None:
            entry["since"].add(row["since"].value)
    nodes = sorted(found, key=str)
    rows = []
    for tie in nodes:
        entry = found[tie]
        partners = [dict(p, country=", ".join(sorted(p["country"]))) for _, p in sorted(entry["partners"].items(),
                                                                                          key=lambda kv: str(kv[0]))]
        rows.append({"tie": entry["tie"], "partners": partners,
                     "type": [entry["type"][k] for k in sorted(entry["type"], key=str)],
                     "status": [entry["status"][k] for k in sorted(entry["status"], key=str)],
                     "since": min(entry["since"], default=""), "node": tie})
    rows.sort(key=lambda t: t["partners"][0]["label"].casefold() if t["partners"] else "")
    return nodes, rows


def events(view: View, city: NamedNode) -> tuple[list[NamedNode], list[dict]]:
    """Events with the city or about its ties: date, label, the most specific citykg type, planned or not."""
    found: dict[NamedNode, dict] = {}
    for row in _rows(view, "city-events", city=city):
        event = row["event"]
        entry = found.setdefault(event, {"event": _link(view, event, row["label"]), "date": "", "types": {},
                                         "proposed": False})
        if row["date"] is not None:
            entry["date"] = min(filter(None, (entry["date"], row["date"].value)))
        if row["type"] is not None:
            entry["types"].setdefault(row["type"], _link(view, row["type"], row["typeLabel"]))
        if row["proposed"] is not None and row["proposed"].value == "true":
            entry["proposed"] = True
    rows = []
    for entry in found.values():
        types = entry.pop("types")
        rows.append(dict(entry, type=[types[k] for k in sorted(types, key=str)][:1]))
    rows.sort(key=lambda e: (e["date"], e["event"]["label"]))
    return sorted(found, key=str), rows


def source_quotes(view: View, source: NamedNode) -> list[dict]:
    """Every quote in the source's graph, with the entity it supports, in the order of the entities."""
    quotes = {(row["entity"], row["quote"].value): row["label"] for row in _rows(view, "source-quotes", source=source)
              if isinstance(row["entity"], NamedNode)}
    return [{"about": _link(view, entity, label), "quote": quote}
            for (entity, quote), label in sorted(quotes.items(), key=lambda item: (str(item[0][0]), item[0][1]))]
