"""The HTML pages: one Jinja2 template per page type, autoescaped, with their CSS inlined.

Labels come from sources anyone can edit, so every value reaches the page escaped: through Jinja's
autoescaping, or through :mod:`citykg.pages.rows`, which writes the repeated parts (tables, timeline, quotes,
names) from values it escapes itself; the other markup not escaped again is the map, which
:mod:`citykg.pages.geo` writes from numbers and escaped names.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from pyoxigraph import NamedNode, Quad

from ..kg import KnowledgeGraph
from ..labels import normalise
from ..vocab import CKG
from . import facts, geo
from .links import ServerLinks, SiteLinks
from .negotiate import SUFFIXES
from .rows import Writer
from .view import View, kind_of

__all__ = ["render_page", "render_search", "render_ontology", "search"]

#: Page type by the kind of IRI (``/id/{kind}/…``); every other kind gets the generic page.
PAGE_TYPES = {"municipality": facts.municipality, "partnership": facts.partnership,
              "agreement": facts.agreement, "person": facts.person, "source": facts.source,
              "province": facts.municipality}
#: A province twins, signs and hosts as a municipality does (East Java): it gets the same page.
_TEMPLATES = {"province": "municipality"}
_TWINS = [(fmt, SUFFIXES[fmt]) for fmt in ("ttl", "jsonld", "nt", "rdf")]


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates, compiled once per process; not re-checked on disk for each page (``auto_reload``),
    since they are package files, not edited while a server runs."""
    return Environment(loader=PackageLoader("citykg.pages", "templates"),
                       autoescape=select_autoescape(["html"], default_for_string=True, default=True),
                       trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def _anchor(links: ServerLinks | SiteLinks, view: View, compact_names: bool = False):
    """The ``a()`` of the templates: a link dict, a term or text, as an escaped ``<a>`` (or plain text)."""
    writer = Writer(links, view, compact_names)

    def anchor(item, text: str | None = None) -> Markup:
        return Markup(writer.link(item, text))

    return anchor


def _functions(links: ServerLinks | SiteLinks, view: View) -> dict:
    """What the entity templates call: ``a()`` and ``names()`` for links, and the page's repeated parts
    (:mod:`citykg.pages.rows`), each giving ``Markup``."""
    writer, compact_writer = Writer(links, view), Writer(links, view, compact_names=True)

    def markup(write):
        return lambda *args, **kwargs: Markup(write(*args, **kwargs))

    return {"a": markup(writer.link), "names": markup(writer.names), "tie_rows": markup(writer.tie_rows),
            "source_sections": markup(writer.source_sections), "quotes": markup(writer.quotes),
            "agreements": markup(writer.agreements), "events": markup(writer.events),
            "positions": markup(writer.positions), "labels": markup(writer.labels),
            "statement_rows": markup(compact_writer.statement_rows)}


def render_page(kg: KnowledgeGraph, iri: str, base: str | None = None, *,
                links: ServerLinks | SiteLinks | None = None, today: datetime.date | None = None,
                view: View | None = None) -> str | None:
    """The HTML page of ``iri``, or ``None`` when the store says nothing about it.

    ``base`` is where the server answers ``/id/…`` (default: the w3id IRIs themselves); the static site
    passes its own relative ``links`` instead. ``today`` decides which agreements are in force.

    :raises ValueError: for a malformed IRI.
    """
    node = NamedNode(iri)
    view = view or View(kg)
    own = view.named(node)
    if not own and not view.is_named(node):
        return None
    links = links or ServerLinks(base or "https://w3id.org/citykg/")
    kind = kind_of(iri) or "term"
    build = PAGE_TYPES.get(kind, facts.generic)
    found = build(view, node, today or datetime.date.today())
    template = environment().get_template(f"{_TEMPLATES.get(kind, kind) if kind in PAGE_TYPES else 'generic'}.html")
    return template.render(
        f=found, iri=iri, title=view.label(node), kind_label=kind, links=links, **_functions(links, view),
        twins=_TWINS if not links.static else _TWINS[:2], statements=_statements(own),
        map=_map(view, node, found))


def _statements(quads: list[Quad]) -> list[dict]:
    """The entity's own statements, each with the graphs that state it (the incoming ones are in its RDF)."""
    graphs: dict[tuple, list] = {}
    for quad in quads:
        graphs.setdefault((quad.predicate, quad.object), []).append(quad.graph_name)
    return [{"predicate": p, "object": o, "graphs": sorted(g, key=str)}
            for (p, o), g in sorted(graphs.items(), key=lambda item: (item[0][0].value, str(item[0][1])))]


def _map(view: View, node: NamedNode, found: dict) -> str | None:
    point = found.get("point")
    if not point:
        return None
    country = found["country"][0]["iri"] if found.get("country") else None
    iso2 = view.cache.remember("iso2", country, lambda: view.value(NamedNode(country), CKG + "iso2")) \
        if country else None  # a country's code is the vocabulary's, kept for the build
    highlight = geo.numeric_code(iso2.value) if iso2 is not None else None
    return geo.svg_map(point[0], point[1], label=view.label(node), highlight=highlight)


def search(kg: KnowledgeGraph, text: str, limit: int = 50) -> list[dict[str, str]]:
    """Municipalities with a name containing ``text``, accents, case and spacing folded
    (:func:`citykg.labels.normalise`): exact names first, then names that start with it, then the rest."""
    wanted = normalise(text)
    if not wanted:
        return []
    ranked: dict[str, tuple[int, str]] = {}
    for iri, label, key in name_index(kg):
        if wanted in key:
            rank = 0 if key == wanted else 1 if key.startswith(wanted) else 2
            if iri not in ranked or (rank, label) < ranked[iri]:
                ranked[iri] = (rank, label)
    best = sorted(ranked.items(), key=lambda item: (item[1], item[0]))[:limit]
    return [{"iri": iri, "label": label} for iri, (_, label) in best]


#: Municipalities and provinces (a province twins too: "East Java"), by any of their names.
_NAMES = """SELECT ?x ?label WHERE {
  VALUES ?kind { ckg:Municipality ckg:Province }
  ?x a ?kind ; rdfs:label|ckg:localName|skos:altLabel|ckg:nameInSource ?label }"""
_INDEX: dict[int, tuple[object, list[tuple[str, str, str]]]] = {}


def name_index(kg: KnowledgeGraph) -> list[tuple[str, str, str]]:
    """(IRI, name, folded name) for every name of every municipality and province; built once per open store."""
    store = kg.store
    cached = _INDEX.get(id(kg))
    if cached is None or cached[0] is not store:
        rows = [(row["x"].value, row["label"].value, normalise(row["label"].value)) for row in View(kg).select(_NAMES)]
        _INDEX[id(kg)] = cached = (store, sorted(set(rows)))
    return cached[1]  # type: ignore[return-value]


def render_search(kg: KnowledgeGraph, text: str, base: str | None = None) -> str:
    """The server's search page for ``?q=text``."""
    links = ServerLinks(base or "https://w3id.org/citykg/")
    view = View(kg)
    hits = [dict(hit, country=facts.place(view, NamedNode(hit["iri"]))) for hit in search(kg, text)]
    return environment().get_template("search.html").render(
        f={}, hits=hits, query=text, iri="", title=f"Cities named “{text}”", kind_label="search",
        links=links, a=_anchor(links, view), twins=[], statements=[], map=None)


_KINDS = {"Class": "Classes", "ObjectProperty": "Object properties", "DatatypeProperty": "Data properties"}


def render_ontology(kg: KnowledgeGraph, base: str | None = None) -> str:
    """The server's ``/ontology`` page: every class and property with its label and comment; each row's
    ``id`` is the term's local name, so ``/ontology#Partnership`` lands on its row."""
    from .city import query_text

    links = ServerLinks(base or "https://w3id.org/citykg/")
    view = View(kg)
    groups: dict[str, list[dict[str, str]]] = {}
    for row in view.select(query_text("ontology-terms")):
        if not row["term"].value.startswith(CKG):
            continue
        kind = _KINDS.get(row["kind"].value.rsplit("#", 1)[-1], "Terms")
        groups.setdefault(kind, []).append({"name": row["term"].value[len(CKG):],
                                            "label": row["label"].value if row["label"] else "",
                                            "comment": row["comment"].value if row["comment"] else ""})
    return environment().get_template("ontology.html").render(
        f={}, groups=list(groups.items()), iri=CKG, title="The citykg ontology", kind_label="ontology",
        links=links, a=_anchor(links, view), twins=[], statements=[], map=None,
        formats=[(fmt, SUFFIXES[fmt]) for fmt in ("ttl", "jsonld", "nt", "rdf")])
