"""What each page shows, read from the store: plain dictionaries the templates lay out.

One function per page type (municipality, partnership, agreement, person, source) and a generic one for
every other entity; each starts from the entity's own term (see :mod:`citykg.pages.view`).
"""

from __future__ import annotations

import datetime
import re

from pyoxigraph import Literal, NamedNode

from ..vocab import CKG, DCTERMS, RDF, RDFS
from . import city
from .view import View, kind_of

__all__ = ["municipality", "partnership", "agreement", "person", "source", "generic", "in_force", "Link"]

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
#: Entities a source page lists; the large imported data sets state tens of thousands.
SOURCE_LIMIT = 500
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")

Link = dict[str, str]


def link(view: View, node, lang: str = "en") -> Link:
    """A node as the templates link it: its IRI and its label (or a literal's text)."""
    if isinstance(node, NamedNode):
        return {"iri": node.value, "label": view.label(node, lang)}
    return {"iri": "", "label": node.value if isinstance(node, Literal) else str(node)}


def _text(term) -> str:
    return term.value if term is not None else ""


def _links(view: View, nodes) -> list[Link]:
    return sorted((link(view, n) for n in nodes), key=lambda item: item["label"].casefold())


def _quotes(view: View, nodes) -> list[dict]:
    """Quotes about ``nodes``, each with its source, the sources in IRI order."""
    return [{"source": link(view, src), "about": link(view, node), "quote": quote}
            for node in nodes for src, quote in view.quotes(node)]


def in_force(start: Literal | None, end: Literal | None, term: Literal | None, today: datetime.date) -> str:
    """``yes``, ``no`` or ``unknown``: as the ``agreements-in-force`` query decides it (start is validFrom
    or the signing date; end is validUntil, else start plus term; no end means open-ended). A start or end
    given only as a year or month is not a day, so the answer is ``unknown`` rather than a guess."""
    start_day = _day(start)
    if start_day is None:
        return "unknown"
    end_day = _day(end) if end is not None else _plus(start_day, _text(term)) if term is not None else None
    if (end is not None or term is not None) and end_day is None:
        return "unknown"
    return "yes" if start_day <= today and (end_day is None or today < end_day) else "no"


def _day(value: Literal | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.value) if value is not None else None
    except ValueError:
        return None


def _plus(day: datetime.date, duration: str) -> datetime.date | None:
    match = _DURATION.match(duration)
    if not match or not any(match.groups()):
        return None
    years, months, days = (int(g or 0) for g in match.groups())
    month_index = day.month - 1 + months
    year, month = day.year + years + month_index // 12, month_index % 12 + 1
    try:
        moved = day.replace(year=year, month=month)
    except ValueError:  # 29 February, or the 31st of a shorter month: the month's last day
        moved = (day.replace(day=1, year=year, month=month % 12 + 1) - datetime.timedelta(days=1)) \
            if month != 12 else day.replace(year=year, month=12, day=31)
    return moved + datetime.timedelta(days=days)


def municipality(view: View, node: NamedNode, today: datetime.date) -> dict:
    """A city's page: names, place, ties (with their partners' facts), agreements, events, officials,
    sectors, and every quote of every source that states something about it or its ties."""
    ties, tie_rows = city.ties(view, node)
    tie_sources, formalized = city.tie_sources(view, node)
    view.remember_sources(tie_sources)
    agreements = sorted({a for tie in ties for a in formalized.get(tie, ())}
                        | set(view.incoming(node, CKG + "signatory")), key=str)
    events, event_rows = city.events(view, node)
    positions = view.incoming(node, CKG + "postIn")
    related = [node, *ties, *agreements, *events, *positions]
    view.prefetch_sources([*agreements, *events, *positions])
    sources = sorted({s for n in related for s in view.sources(n)}, key=str)
    for row in tie_rows:
        row["sources"] = len(view.sources(row.pop("node")))
    lat, long = view.value(node, GEO + "lat"), view.value(node, GEO + "long")
    sectors = {s for n in [*ties, *agreements, *events] for s in view.sectors(n)}
    return {
        "names": view.labels(node),
        "types": _links(view, view.stated(node, RDF + "type")),
        "country": [link(view, c) for c in view.values(node, CKG + "inCountry")],
        "province": [link(view, p) for p in view.values(node, CKG + "inProvince")],
        "point": (float(lat.value), float(long.value)) if lat is not None and long is not None else None,
        "ties": tie_rows,
        "agreements": sorted((_agreement_row(view, a, today) for a in agreements), key=lambda a: a["signed"]),
        "events": event_rows,
        "officials": sorted((_position_row(view, p) for p in positions),
                            key=lambda p: (p["from"], p["person"]["label"])),
        "sectors": _links(view, sectors),
        "quotes": [{"source": link(view, s), "quotes": city.source_quotes(view, s)} for s in sources],
    }


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
    signed = view.value(node, CKG + "signedOn")
    start = view.value(node, CKG + "validFrom") or signed
    end, term = view.value(node, CKG + "validUntil"), view.value(node, CKG + "term")
    return {"agreement": link(view, node), "type": [link(view, t) for t in view.values(node, CKG + "agreementType")],
            "signed": _text(signed), "from": _text(view.value(node, CKG + "validFrom")), "until": _text(end),
            "term": _text(term), "in_force": in_force(start, end, term, today)}


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
