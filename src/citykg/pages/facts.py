"""What each page shows, read from the store: plain dictionaries the templates lay out.

One function per page type (municipality, partnership, agreement, person, source) and a generic one for
every other entity; each starts from the entity's own term (see :mod:`citykg.pages.view`).
"""

from __future__ import annotations

import datetime

from pyoxigraph import Literal, NamedNode

from ..query.catalogue import with_rows
from ..vocab import CKG, DCTERMS, RDF, RDFS
from . import city
from .view import View, kind_of

__all__ = ["municipality", "partnership", "agreement", "person", "source", "generic", "in_force", "place", "Link"]

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
#: Entities a source page lists; the large imported data sets state tens of thousands.
SOURCE_LIMIT = 500
_XSD_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")

Link = dict[str, str]


def link(view: View, node, lang: str = "en") -> Link:
    """A node as the templates link it: its IRI and its label (or a literal's text)."""
    if isinstance(node, NamedNode):
        return {"iri": node.value, "label": view.label(node, lang)}
    return {"iri": "", "label": node.value if isinstance(node, Literal) else str(node)}


def place(view: View, node: NamedNode) -> str:
    """Where a municipality is, as a reader tells homonyms apart: its province, then its country
    ("Georgia, United States" for one Columbus, "Indiana, United States" for another)."""
    where = [*view.values(node, CKG + "inProvince"), *view.values(node, CKG + "inCountry")]
    return ", ".join(view.label(p) for p in where)


def _text(term) -> str:
    return term.value if term is not None else ""


def _links(view: View, nodes) -> list[Link]:
    return sorted((link(view, n) for n in nodes), key=lambda item: item["label"].casefold())


def _quotes(view: View, nodes) -> list[dict]:
    """Quotes about ``nodes``, each with its source, the sources in IRI order."""
    return [{"source": link(view, src), "about": link(view, node), "quote": quote}
            for node in nodes for src, quote in view.quotes(node)]


def in_force(view: View, agreements: dict[NamedNode, list], today: datetime.date) -> dict[NamedNode, str]:
    """``yes``, ``no`` or ``unknown`` for each agreement, decided by the catalogue's own rule: the
    ``agreements-in-force`` query (queries/agreements-in-force.rq) is run for these agreements, so the page
    and ``citykg query agreements-in-force`` cannot disagree. ``yes``: the query lists it on ``today``.
    ``no``: it does not, but lists it on one of the agreement's own days (its signing date or start,
    given as a day), so the rule can place it in time. ``unknown``: neither; the rule cannot tell (a start
    or end given only as a year or month, or no start at all), and the page does not guess.

    ``agreements`` maps each agreement to its ``signedOn`` and ``validFrom`` values, the days probed.
    """
    if not agreements:
        return {}
    day = Literal(today.isoformat(), datatype=_XSD_DATE)
    probes = {day.value: day} | {d.value: d for dates in agreements.values() for d in dates
                                 if isinstance(d, Literal) and d.datatype == _XSD_DATE}
    rule = view.kg.catalogue()["agreements-in-force"].sparql
    text = with_rows(with_rows(rule, "agreement", sorted(agreements, key=str)), "date",
                     [probes[k] for k in sorted(probes)])
    placed: dict[NamedNode, str] = {}
    for row in view.select(text):
        agreement = row["agreement"]
        if row["date"].value == day.value:
            placed[agreement] = "yes"
        else:
            placed.setdefault(agreement, "no")
    return {agreement: placed.get(agreement, "unknown") for agreement in agreements}


def municipality(view: View, node: NamedNode, today: datetime.date) -> dict:
    """A city's page: names, place, ties (with their partners' facts), agreements, events, officials,
    sectors, and every quote of every source that states something about it, its ties, agreements, events
    or posts. Four queries from the city (``sparql/city-*.rq``), index look-ups for the sources of the
    agreements, events and posts found (:func:`citykg.pages.city.other_sources`) and one of the catalogue's
    queries for the agreements in force; the city's own statements were read by :meth:`View.named`."""
    ties, tie_rows = city.ties(view, node)
    tie_sources = city.tie_sources(view, node)
    agreements, positions = city.records(view, node)
    events, event_rows = city.events(view, node)
    sources = set(view.sources(node))
    for row in tie_rows:
        graphs = tie_sources.get(row.pop("node"), [])
        sources.update(graphs)
        row["sources"] = len(graphs)
    sources |= city.other_sources(view, [*agreements, *positions, *events], sources)
    forced = in_force(view, {a: [*f.get("signed", ()), *f.get("from", ())] for a, f in agreements.items()}, today)
    lat, long = view.value(node, GEO + "lat"), view.value(node, GEO + "long")
    sectors = {s for n in [*ties, *agreements, *events] for s in view.sectors(n)}
    types = view.stated(node, RDF + "type")
    # a province's page (it gets a municipality's) also lists the municipalities in it
    members = view.incoming(node, CKG + "inProvince") if NamedNode(CKG + "Province") in types else []
    return {
        "names": view.labels(node),
        "types": _links(view, types),
        "members": _links(view, members),
        "country": [link(view, c) for c in view.values(node, CKG + "inCountry")],
        "province": [link(view, p) for p in view.values(node, CKG + "inProvince")],
        "point": (float(lat.value), float(long.value)) if lat is not None and long is not None else None,
        "ties": tie_rows,
        "agreements": sorted((_agreement_record(view, a, f, forced[a]) for a, f in sorted(agreements.items(),
                                                                                          key=lambda i: str(i[0]))),
                             key=lambda a: a["signed"]),
        "events": event_rows,
        "officials": sorted((_position_record(view, p, f, node) for p, f in positions.items()),
                            key=lambda p: (p["from"], p["person"]["label"])),
        "sectors": _links(view, sectors),
        "quotes": [{"source": {"iri": s.value, "label": city.source_label(view, s)},
                    "quotes": city.source_quotes(view, s)} for s in sorted(sources, key=str)],
    }


def _first(found: dict, name: str):
    """The first of a record's values for ``name`` in IRI / text order (as :meth:`View.value`), or None."""
    values = found.get(name)
    return min(values, key=str) if values else None


def _agreement_record(view: View, node: NamedNode, found: dict, force: str) -> dict:
    """An agreement's row from what ``sparql/city-records.rq`` read (the same columns as
    :func:`_agreement_row`)."""
    label = _first(found, "label")
    return {"agreement": {"iri": node.value, "label": label.value if label is not None else view.label(node)},
            "type": [link(view, t) for t in sorted(found.get("type", ()), key=str)],
            "signed": _text(_first(found, "signed")), "from": _text(_first(found, "from")),
            "until": _text(_first(found, "until")), "term": _text(_first(found, "term")), "in_force": force}


def _position_record(view: View, node: NamedNode, found: dict, post: NamedNode) -> dict:
    """A post's row from what ``sparql/city-records.rq`` read (the same columns as :func:`_position_row`)."""
    person, label = _first(found, "person"), _first(found, "label")
    dates = {name: _text(_first(found, name)) for name in ("attested", "start", "end")}
    return {"position": {"iri": node.value, "label": ""},  # the city's officials table names the person, not the post
            "person": ({"iri": person.value, "label": label.value if label is not None else view.label(person)}
                       if person is not None else {"iri": "", "label": "?"}),
            "role": [link(view, r) for r in sorted(found.get("role", ()), key=str)],
            "post": [link(view, post)],
            "from": dates["start"] or dates["attested"], "until": dates["end"], "attested": dates["attested"]}


def _tie(view: View, tie: NamedNode, seen_from: NamedNode | None) -> dict:
    partners = [p for p in view.values(tie, CKG + "partner") if p != seen_from]
    return {
        "tie": link(view, tie),
        "partners": [dict(link(view, p), country=", ".join(view.label(c) for c in view.values(p, CKG + "inCountry")))
                     for p in partners],
        "type": [link(view, t) for t in view.values(tie, CKG + "partnershipType")],
        "status": [link(view, s) for s in view.values(tie, CKG + "status")],
        "since": _text(view.value(tie, CKG + "since")),
        "sources": len(view.sources(tie)),
    }


def _agreement_row(view: View, node: NamedNode, today: datetime.date) -> dict:
    signed, start = view.values(node, CKG + "signedOn"), view.values(node, CKG + "validFrom")
    return {"agreement": link(view, node), "type": [link(view, t) for t in view.values(node, CKG + "agreementType")],
            "signed": _text(signed[0] if signed else None), "from": _text(start[0] if start else None),
            "until": _text(view.value(node, CKG + "validUntil")), "term": _text(view.value(node, CKG + "term")),
            "in_force": in_force(view, {node: [*signed, *start]}, today)[node]}


def _event_row(view: View, node: NamedNode) -> dict:
    kinds = [t for t in view.values(node, RDF + "type") if t.value.startswith(CKG) and t.value != CKG + "Event"]
    proposed = view.value(node, CKG + "proposed")
    return {"event": link(view, node), "date": _text(view.value(node, CKG + "date")),
            "type": _links(view, kinds[:1]), "proposed": proposed is not None and proposed.value == "true"}


def _position_row(view: View, node: NamedNode) -> dict:
    held = view.value(node, CKG + "heldBy")
    dates = {name: _text(view.value(node, CKG + name)) for name in ("attestedOn", "startDate", "endDate")}
    return {"position": link(view, node), "person": link(view, held) if held else {"iri": "", "label": "?"},
            "role": [link(view, r) for r in view.values(node, CKG + "role")],
            "post": [link(view, p) for p in view.values(node, CKG + "postIn")],
            "from": dates["startDate"] or dates["attestedOn"], "until": dates["endDate"],
            "attested": dates["attestedOn"]}


def partnership(view: View, node: NamedNode, today: datetime.date) -> dict:
    agreements = view.incoming(node, CKG + "formalizes")
    events = view.incoming(node, CKG + "about")
    return dict(_tie(view, node, None),
                sectors=_links(view, view.values(node, CKG + "sector")),
                agreements=sorted((_agreement_row(view, a, today) for a in agreements), key=lambda a: a["signed"]),
                events=sorted((_event_row(view, e) for e in events), key=lambda e: e["date"]),
                source_list=_links(view, view.sources(node)),
                quotes=_quotes(view, [node, *agreements, *events]))


def agreement(view: View, node: NamedNode, today: datetime.date) -> dict:
    events = view.incoming(node, CKG + "about")
    return dict(_agreement_row(view, node, today),
                signatories=_links(view, view.values(node, CKG + "signatory")),
                formalizes=_links(view, view.values(node, CKG + "formalizes")),
                sectors=_links(view, view.values(node, CKG + "sector")),
                events=sorted((_event_row(view, e) for e in events), key=lambda e: e["date"]),
                source_list=_links(view, view.sources(node)), quotes=_quotes(view, [node]))


def person(view: View, node: NamedNode, today: datetime.date) -> dict:
    positions = view.incoming(node, CKG + "heldBy")
    events = {e for p in ("participant", "host") for e in view.incoming(node, CKG + p)}
    return {"names": view.labels(node),
            "positions": sorted((_position_row(view, p) for p in positions), key=lambda p: p["from"]),
            "events": sorted((_event_row(view, e) for e in events), key=lambda e: e["date"]),
            "source_list": _links(view, {s for n in [node, *positions] for s in view.sources(n)}),
            "quotes": _quotes(view, [node, *positions])}


def source(view: View, node: NamedNode, today: datetime.date) -> dict:
    """A source's page: its bibliographic facts and what its graph states, entity by entity."""
    fields = {name: [_text(v) for v in view.values(node, DCTERMS + name)]
              for name in ("title", "publisher", "creator", "issued", "language", "license")}
    counts: dict[NamedNode, int] = {}
    for quad in view.store.quads_for_pattern(None, None, None, node):
        if isinstance(quad.subject, NamedNode):
            counts[quad.subject] = counts.get(quad.subject, 0) + 1
            if len(counts) > SOURCE_LIMIT:
                break
    stated = sorted(counts, key=str)[:SOURCE_LIMIT]
    return {"fields": {k: v for k, v in fields.items() if v},
            "urls": [v.value for p in (CKG + "url", "https://schema.org/url", DCTERMS + "source", RDFS + "seeAlso")
                     for v in view.values(node, p)],
            "comment": [_text(c) for c in view.values(node, RDFS + "comment")],
            "states": [dict(link(view, s), kind=kind_of(s.value) or "", statements=counts[s]) for s in stated],
            "truncated": len(counts) > SOURCE_LIMIT,
            "quotes": [{"about": link(view, n), "quote": q} for n, q in view.quotes_in(node)]}


def generic(view: View, node: NamedNode, today: datetime.date) -> dict:
    return {"names": view.labels(node), "quotes": _quotes(view, [node])}
