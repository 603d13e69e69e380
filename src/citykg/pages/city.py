"""The large sections of a municipality's page, each read by one SPARQL query that starts from the city.

A city with many ties needs hundreds of facts (each partner's label and country, each tie's type, status
and sources, each event's date and type). Read one by one from Python they cost about 30 µs of index
look-up each; in one query Oxigraph joins them in Rust, from the city outwards (the queries in ``sparql/``
open with the city's ``VALUES`` block): 1.3 ms against 7.9 ms for Bandung's ties. What is the same on
every page (the labels of countries, types and statuses, each source's quotes, the list of source graphs)
is not joined in but read once per build (:mod:`citykg.pages.cache`): the label joins were 40% of the ties
query. The sources of the city's events, agreements and posts are found by index look-ups of the source
graphs not yet known from the city and its ties (:func:`other_sources`).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from pyoxigraph import Literal, NamedNode

from ..query.catalogue import with_rows, with_values
from ..vocab import CKG, RDFS
from .view import SOURCE_ROOT, View

__all__ = ["ties", "tie_sources", "other_sources", "records", "events", "source_quotes", "source_label",
           "query_text"]


@cache
def query_text(name: str) -> str:
    """The text of ``sparql/{name}.rq``, read once."""
    return files("citykg.pages").joinpath(f"sparql/{name}.rq").read_text("utf-8")


def _rows(view: View, name: str, **terms: NamedNode):
    """The rows of ``sparql/{name}.rq`` with ``terms`` bound in a VALUES block (terms, never text)."""
    return view.select(with_values(query_text(name), terms))


def _label(view: View, term, label) -> str:
    """The English label the query found, else :meth:`View.label`'s choice."""
    return label.value if isinstance(label, Literal) else view.label(term)


def _link(view: View, term, label=None) -> dict[str, str]:
    return {"iri": term.value, "label": _label(view, term, label)}


def ties(view: View, city: NamedNode) -> tuple[list[NamedNode], list[dict]]:
    """The city's partnerships and, for each, its other partners (with country), type, status and start.
    Each row's ``node`` is the tie's term; the caller counts its sources (one query for the whole page).
    The table links a tie as "details", so its own label is not read; the labels of countries, types and
    statuses are the vocabulary's (:meth:`View.en_labels`, kept for the build)."""
    found: dict[NamedNode, dict] = {}
    countries: dict[NamedNode, list[str]] = {}  # a hundred partners share a few dozen countries, types...
    terms: dict[NamedNode, dict[str, str]] = {}
    for tie, partner, partner_label, country, *kinds, since in _rows(view, "city-ties", city=city):
        entry = found.get(tie)
        if entry is None:
            entry = found[tie] = {"tie": {"iri": tie.value, "label": ""}, "partners": {}, "type": {},
                                  "status": {}, "since": set()}
        known = entry["partners"].get(partner)
        if known is None:
            known = entry["partners"][partner] = dict(_link(view, partner, partner_label), country=set())
        if country is not None:
            if country not in countries:
                countries[country] = view.en_labels(country)
            known["country"].update(countries[country])
        for key, term in zip(("type", "status"), kinds, strict=True):
            if term is not None and term not in entry[key]:
                if term not in terms:
                    terms[term] = _vocabulary_link(view, term)
                entry[key][term] = terms[term]
        if since is not None:
            entry["since"].add(since.value)
    nodes = sorted(found, key=str)
    rows = []
    for tie in nodes:
        entry = found[tie]
        partners = [dict(p, country=", ".join(sorted(p["country"]))) for _, p in sorted(entry["partners"].items(),
                                                                                          key=lambda kv: str(kv[0]))]
        rows.append({"tie": entry["tie"], "partners": partners, "countries": ", ".join(p["country"] for p in partners),
                     "type": [entry["type"][k] for k in sorted(entry["type"], key=str)],
                     "status": [entry["status"][k] for k in sorted(entry["status"], key=str)],
                     "since": min(entry["since"], default=""), "node": tie})
    rows.sort(key=lambda t: t["partners"][0]["label"].casefold() if t["partners"] else "")
    return nodes, rows


def _vocabulary_link(view: View, term) -> dict[str, str]:
    """A type, status or class as a link: its (first) English label, else :meth:`View.label`'s choice."""
    english = view.en_labels(term) if isinstance(term, NamedNode) else []
    return {"iri": term.value, "label": english[0] if english else view.label(term)}


def tie_sources(view: View, city: NamedNode) -> dict[NamedNode, list[NamedNode]]:
    """The sources that state something about each of the city's partnerships, in one query from the city
    (a ``VALUES`` block of a hundred ties took three times as long)."""
    found: dict[NamedNode, list[NamedNode]] = {}
    is_source: dict = {}
    for tie, graph in _rows(view, "city-tie-graphs", city=city):
        graphs = found.setdefault(tie, [])
        if graph not in is_source:
            is_source[graph] = graph.value.startswith(SOURCE_ROOT)
        if is_source[graph]:
            graphs.append(graph)
    return {tie: sorted(graphs, key=str) for tie, graphs in found.items()}


#: Above this many source graphs left to check, :func:`other_sources` reads the nodes' statements instead.
SEEK_LIMIT = 8


def other_sources(view: View, nodes, known: set[NamedNode]) -> set[NamedNode]:
    """The sources, other than ``known`` (the city's and its ties'), that state something about any of
    ``nodes`` (the city's events, agreements and posts); none when there are no nodes.

    Each source graph left is asked for each node, one index look-up (graph and subject) that stops at its
    first statement: Bandung's 17 nodes and 4 sources left took 0.16 ms, against 0.52 ms for reading every
    statement of the nodes to collect their graphs (``sparql/graphs-of.rq``), which is what is done when
    more than :data:`SEEK_LIMIT` sources are left (a look-up costs about a tenth of reading a node's
    statements)."""
    wanted = sorted(set(nodes), key=str)
    left = [graph for graph in source_graphs(view) if graph not in known]
    if not wanted or not left:
        return set()
    if len(left) <= SEEK_LIMIT:
        quads = view.store.quads_for_pattern
        return {graph for graph in left if any(next(quads(node, None, None, graph), None) is not None
                                               for node in wanted)}
    rows = view.select(with_rows(query_text("graphs-of"), "node", wanted))
    return {graph for (graph,) in rows if graph in left}


def source_graphs(view: View) -> list[NamedNode]:
    """The named graphs of sources (``…/id/source/…``), read once per build: there are a few dozen."""
    return view.cache.remember("source-graphs", None, lambda: sorted(
        (graph for graph in view.store.named_graphs()
         if isinstance(graph, NamedNode) and graph.value.startswith(SOURCE_ROOT)), key=str))


def records(view: View, city: NamedNode) -> tuple[dict[NamedNode, dict], dict[NamedNode, dict]]:
    """The city's agreements and posts with the facts their tables show, each a dict of lists of terms by
    column name (``sparql/city-records.rq``), keyed by the agreement's or the post's term; a post's
    ``label`` is the English label of who holds it."""
    found: tuple[dict, dict, dict] = ({}, {}, {})  # agreements, posts, their holders
    for kind, node, predicate, term in _rows(view, "city-records", city=city):
        entry = found[int(kind.value) - 1].setdefault(node, {})
        if predicate is None:  # a node with none of its kind's facts
            continue
        values = entry.setdefault(_RECORD_COLUMNS[predicate.value], [])
        if term not in values:
            values.append(term)
    agreements, positions, people = found
    for entry in positions.values():
        labels = [label for person in entry.get("person", ()) for label in people.get(person, {}).get("label", ())]
        if labels:
            entry["label"] = labels
    return agreements, positions


_RECORD_COLUMNS = {RDFS + "label": "label", CKG + "agreementType": "type", CKG + "signedOn": "signed",
                   CKG + "validFrom": "from", CKG + "validUntil": "until", CKG + "term": "term",
                   CKG + "heldBy": "person", CKG + "role": "role", CKG + "attestedOn": "attested",
                   CKG + "startDate": "start", CKG + "endDate": "end"}


def events(view: View, city: NamedNode) -> tuple[list[NamedNode], list[dict]]:
    """Events with the city or about its ties: date, label, the citykg type a source states (the most
    specific: the build infers only ckg:Event and non-citykg superclasses), planned or not."""
    found: dict[NamedNode, dict] = {}
    for event, label, date, kind, proposed in _rows(view, "city-events", city=city):
        entry = found.get(event)
        if entry is None:
            entry = found[event] = {"event": _link(view, event, label), "date": "", "types": {}, "proposed": False}
        if date is not None and date.value and (not entry["date"] or date.value < entry["date"]):
            entry["date"] = date.value
        if kind is not None and kind not in entry["types"] and kind.value.startswith(CKG):
            entry["types"][kind] = _vocabulary_link(view, kind)
        if proposed is not None and proposed.value == "true":
            entry["proposed"] = True
    rows = []
    for entry in found.values():
        types = entry.pop("types")
        rows.append(dict(entry, type=[types[k] for k in sorted(types, key=str)][:1]))
    rows.sort(key=lambda e: (e["date"], e["event"]["label"]))
    return sorted(found, key=str), rows


def source_quotes(view: View, source: NamedNode) -> list[dict]:
    """Every quote in the source's graph, with the entity it supports, in the order of the entities; read
    once per build (:mod:`citykg.pages.cache`), as every page about one of its entities shows them all."""
    return list(view.cache.remember("source-quotes", source, lambda: _source_quotes(view, source)))


def _source_quotes(view: View, source: NamedNode) -> tuple[dict, ...]:
    quotes = {(row["entity"], row["quote"].value): row["label"] for row in _rows(view, "source-quotes", source=source)
              if isinstance(row["entity"], NamedNode)}
    return tuple({"about": _link(view, entity, label), "quote": quote}
                 for (entity, quote), label in sorted(quotes.items(), key=lambda item: (str(item[0][0]), item[0][1])))


def source_label(view: View, source: NamedNode) -> str:
    """A source's label, kept for the build with its quotes (a source is a document, not an entity that
    grows with the cities, and every page about one of its entities names it)."""
    return view.cache.remember("source-label", source, lambda: view.label(source))
