"""The HTML pages: one Jinja2 template per page type, autoescaped, with their CSS inlined.

Labels come from sources anyone can edit, so every value reaches the page through Jinja's autoescaping;
the only markup not escaped is the map, which :mod:`citykg.pages.geo` writes from numbers and escaped names.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from pyoxigraph import Literal, NamedNode, Quad

from ..kg import KnowledgeGraph
from ..labels import normalise
from ..vocab import CKG, compact
from . import facts, geo
from .links import ServerLinks, SiteLinks
from .negotiate import SUFFIXES
from .view import View, kind_of

__all__ = ["render_page", "render_search", "render_ontology", "search"]

#: Page type by the kind of IRI (``/id/{kind}/…``); every other kind gets the generic page.
PAGE_TYPES = {"municipality": facts.municipality, "partnership": facts.partnership,
              "agreement": facts.agreement, "person": facts.person, "source": facts.source}
_TWINS = [(fmt, SUFFIXES[fmt]) for fmt in ("ttl", "jsonld", "nt", "rdf")]


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates, compiled once per process; not re-checked on disk for each page (``auto_reload``),
    since they are package files, not edited while a server runs."""
    return Environment(loader=PackageLoader("citykg.pages", "templates"),
                       autoescape=select_autoescape(["html"], default_for_string=True, default=True),
                       trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def _anchor(links: ServerLinks | SiteLinks, view: View, compact_names: bool = False):
    """The ``a()`` of the templates: a link dict, a term or text, as an escaped ``<a>`` (or plain text).
    With ``compact_names`` a term reads as its prefixed name (``ckg:partner``), not its label: the
    statements table, where the exact term matters and a label look-up per cell would double the cost."""

    made: dict[tuple, Markup] = {}  # a page links the same types, statuses and countries many times

    def anchor(item, text: str | None = None) -> Markup:
        if isinstance(item, dict):
            key: tuple = (item.get("iri", ""), item.get("label", ""), text)
            if key not in made:
                made[key] = _link_markup(key[0], key[1], text)
            return made[key]
        if isinstance(item, NamedNode | Literal):
            key = (item, text)
            if key not in made:
                made[key] = _term_markup(item, text)
            return made[key]
        return _term_markup(item, text)

    def _term_markup(item, text: str | None) -> Markup:
        if isinstance(item, NamedNode) and text is None and compact_names:
            iri, label = item.value, _compact(item.value)
        elif isinstance(item, NamedNode):
            iri, label = item.value, view.label(item)
        elif isinstance(item, Literal):
            iri, label = "", item.value + (f"@{item.language}" if item.language else "")
        else:
            iri, label = "", str(item)
        return _link_markup(iri, label, text)

    def _link_markup(iri: str, label: str, text: str | None) -> Markup:
        if not iri:
            return escape(label)
        return Markup(f'<a href="{escape(links.href(iri))}">{escape(text or label)}</a>')

    return anchor


def _names(anchor):
    """The ``names()`` of the templates: items as links, separated by commas. A Python function rather
    than a Jinja macro, since a page calls it a few hundred times and a macro call costs ten times more."""
    comma = Markup(", ")

    def names(items) -> Markup:
        return comma.join([anchor(item) for item in items])

    return names


def _tie_rows(anchor, names):
    """The rows of a municipality's partners table, written here rather than in a template loop: a
    city with a hundred ties has seven hundred cells, and a Jinja loop cost three times as much."""

    def tie_rows(ties) -> Markup:
        return Markup("".join(
            f'<tr><td>{names(t["partners"])}</td>\n<td>{escape(t["countries"])}</td>\n'
            f'<td>{names(t["type"])}</td><td>{names(t["status"])}</td><td>{escape(t["since"])}</td>'
            f'<td class="n">{escape(t["sources"])}</td><td>{anchor(t["tie"], "details")}</td></tr>\n' for t in ties))

    return tie_rows


def _statement_rows(compact_anchor):
    """The rows of the statements table (property, value, the graphs that state it), written here for the
    same reason as :func:`_tie_rows`: the city with the most ties has over a hundred statements."""
    names = _names(compact_anchor)

    def statement_rows(statements) -> Markup:
        return Markup("".join(f'<tr><td>{compact_anchor(row["predicate"])}</td><td>{compact_anchor(row["object"])}'
                              f'</td>\n<td>{names(row["graphs"])}</td></tr>\n' for row in statements))

    return statement_rows


def _source_sections(anchor):
    """The "what the sources say" sections of a municipality's page: each source with every quote of its
    graph and what the quote supports. Written here for the reason of :func:`_tie_rows`: Bandung's page
    shows 63 quotes, each a macro call with two links in the template's version."""

    def quote_items(quotes) -> str:
        return "".join(f'<li><blockquote>{escape(q["quote"])}</blockquote><p class="cite">— about {anchor(q["about"])}'
                       f'</p></li>\n' for q in quotes)

    def source_sections(sources) -> Markup:
        return Markup("".join(
            f'<section class="source"><h4>{anchor(s["source"])}</h4>'
            + (f'<ul class="quotes">\n{quote_items(s["quotes"])}</ul>' if s["quotes"]
               else '<p class="none">No quote.</p>')
            + "</section>\n" for s in sources))

    return source_sections


@lru_cache(maxsize=4096)
def _compact(iri: str) -> str:
    """A term's prefixed name (``ckg:partner``), kept: the statements table repeats a few dozen terms."""
    return compact(iri).strip("<>")


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
    template = environment().get_template(f"{kind if kind in PAGE_TYPES else 'generic'}.html")
    anchor, compact_anchor = _anchor(links, view), _anchor(links, view, compact_names=True)
    names = _names(anchor)
    return template.render(
        f=found, iri=iri, title=view.label(node), kind_label=kind, links=links, a=anchor, names=names,
        tie_rows=_tie_rows(anchor, names), source_sections=_source_sections(anchor),
        statement_rows=_statement_rows(compact_anchor),
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


_NAMES = """SELECT ?x ?label WHERE {
  ?x a ckg:Municipality ; rdfs:label|ckg:localName|skos:altLabel|ckg:nameInSource ?label }"""
_INDEX: dict[int, tuple[object, list[tuple[str, str, str]]]] = {}


def name_index(kg: KnowledgeGraph) -> list[tuple[str, str, str]]:
    """(IRI, name, folded name) for every name of every municipality; built once per open store."""
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
