"""The repeated parts of the pages (table rows, the timeline, quote lists, names), written in Python.

A municipality's page has a few hundred links and cells; as Jinja macros and loops, with a ``Markup``
object per escaped value, they cost about as much as all the page's queries (docs/bench-pages.md). Here
each value is escaped once (markupsafe) and each link written once per page, and the templates
receive whole fragments as ``Markup``. The output is the same HTML, byte for byte, as the macros it
replaces wrote (the tests compare a page with its facts; the benchmark notes how this was checked).
"""

from __future__ import annotations

from functools import lru_cache, partial

from markupsafe import escape
from pyoxigraph import Literal, NamedNode

from ..vocab import compact
from .links import ServerLinks, SiteLinks
from .view import View

__all__ = ["esc", "Writer"]


def esc(text: str) -> str:
    """``text`` escaped for HTML by ``markupsafe`` (as Jinja's autoescape does), as a plain string: the rows
    are joined into one fragment, which the template receives as ``Markup``."""
    return str(escape(text))


@lru_cache(maxsize=4096)
def _compact(iri: str) -> str:
    """A term's prefixed name (``ckg:partner``), kept: the statements table repeats a few dozen terms."""
    return compact(iri).strip("<>")


class Writer:
    """Writes a page's links and rows; one per page, as it remembers the links it wrote.

    With ``compact_names`` a term reads as its prefixed name (``ckg:partner``), not its label: the
    statements table, where the exact term matters and a label look-up per cell would double the cost.
    """

    def __init__(self, links: ServerLinks | SiteLinks, view: View, compact_names: bool = False) -> None:
        self.links, self.view, self.compact_names = links, view, compact_names
        self._made: dict[tuple, str] = {}  # a page links the same types, statuses and countries many times

    def link(self, item, text: str | None = None) -> str:
        """A link dict (``iri``, ``label``), a term or text as an ``<a>`` (or escaped text)."""
        if isinstance(item, dict):
            key: tuple = (item.get("iri", ""), item.get("label", ""), text)
            made = self._made.get(key)
            if made is None:
                made = self._made[key] = self._anchor(key[0], key[1], text)
            return made
        if isinstance(item, NamedNode | Literal):
            key = (item, text)
            made = self._made.get(key)
            if made is None:
                made = self._made[key] = self._term(item, text)
            return made
        return self._term(item, text)

    def _term(self, item, text: str | None) -> str:
        if isinstance(item, NamedNode) and text is None and self.compact_names:
            iri, label = item.value, _compact(item.value)
        elif isinstance(item, NamedNode):
            iri, label = item.value, self.view.label(item)
        elif isinstance(item, Literal):
            iri, label = "", item.value + (f"@{item.language}" if item.language else "")
        else:
            iri, label = "", str(item)
        return self._anchor(iri, label, text)

    def _anchor(self, iri: str, label: str, text: str | None) -> str:
        href = self.links.href(iri) if iri else ""
        if not href:  # no IRI, or one that is not a web address
            return esc(text or label) if iri else esc(label)
        return f'<a href="{esc(href)}">{esc(text or label)}</a>'

    def names(self, items) -> str:
        """Items as links, separated by commas."""
        return ", ".join([self.link(item) for item in items])

    def tie_rows(self, ties) -> str:
        """The rows of a municipality's partners table."""
        names, link = self.names, self.link
        return "".join(
            f'<tr><td>{names(t["partners"])}</td>\n<td>{esc(t["countries"])}</td>\n'
            f'<td>{names(t["type"])}</td><td>{names(t["status"])}</td><td>{esc(t["since"])}</td>'
            f'<td class="n">{esc(str(t["sources"]))}</td><td>{link(t["tie"], "details")}</td></tr>\n' for t in ties)

    def statement_rows(self, statements) -> str:
        """The rows of the statements table (property, value, the graphs that state it); for the writer
        with ``compact_names``."""
        link, names = self.link, self.names
        return "".join(f'<tr><td>{link(row["predicate"])}</td><td>{link(row["object"])}'
                       f'</td>\n<td>{names(row["graphs"])}</td></tr>\n' for row in statements)

    def source_sections(self, sources) -> str:
        """A municipality's "what the sources say": each source with every quote of its graph. A source's
        label and quotes are the build's (:func:`citykg.pages.city.source_quotes`), so with the server's
        links, under one base for every page, its section is written once per build (Bandung's page shows
        63 quotes of 8 sources); the static site's links are relative to each page."""
        if self.links.static:
            return "".join(self._source_section(s) for s in sources)
        remember, base = self.view.cache.remember, getattr(self.links, "base", "")
        return "".join(remember("source-section", (s["source"]["iri"], base), partial(self._source_section, s))
                       for s in sources)

    def _source_section(self, source: dict) -> str:
        return (f'<section class="source"><h4>{self.link(source["source"])}</h4>'
                + (f'<ul class="quotes">\n{self._quote_items(source["quotes"])}</ul>' if source["quotes"]
                   else '<p class="none">No quote.</p>') + "</section>\n")

    def _quote_items(self, quotes) -> str:
        """Each quote with its source (when given) and what it is about, as list items."""
        link = self.link
        return "".join(f'<li><blockquote>{esc(q["quote"])}</blockquote><p class="cite">— '
                       + (f'{link(q["source"])}, ' if q.get("source") else "")
                       + f'about {link(q["about"])}</p></li>\n' for q in quotes)

    def quotes(self, items) -> str:
        """Quotes, each with its source (when given) and what it is about."""
        if not items:
            return '<p class="none">No quote.</p>'
        return '<ul class="quotes">' + self._quote_items(items) + "</ul>"

    def agreements(self, rows) -> str:
        """The agreements table (signing date, term, in force today)."""
        if not rows:
            return '<p class="none">No agreement.</p>'
        link, names = self.link, self.names
        return ('<table><thead><tr><th>agreement</th><th>type</th><th>signed</th><th>valid from</th>'
                '<th>valid until</th><th>term</th><th>in force today</th></tr></thead><tbody>\n' + "".join(
                    f'<tr><td>{link(r["agreement"])}</td><td>{names(r["type"])}</td><td>{esc(r["signed"])}</td>'
                    f'<td>{esc(r["from"])}</td><td>{esc(r["until"])}</td><td>{esc(r["term"])}</td>'
                    f'<td class="force {esc(r["in_force"])}">{esc(r["in_force"])}</td></tr>\n' for r in rows)
                + "</tbody></table>")

    def events(self, rows) -> str:
        """Events as a timeline: date, link, type and whether only planned."""
        if not rows:
            return '<p class="none">No event.</p>'
        link = self.link
        return '<ol class="timeline">' + "".join(
            f'<li><time>{esc(e["date"] or "undated")}</time> {link(e["event"])}'
            + (f' <span class="tag">{esc(e["type"][0]["label"])}</span>' if e["type"] else "")
            + (' <span class="tag">planned</span>' if e["proposed"] else "") + "</li>\n" for e in rows) + "</ol>"

    def positions(self, rows, show_person: bool = True) -> str:
        """Officials (a city's page, ``show_person``) or posts (a person's page) with their dates."""
        if not rows:
            return '<p class="none">No official.</p>'
        link, names = self.link, self.names
        return (f'<table><thead><tr><th>{"person" if show_person else "post"}</th><th>role</th><th>from</th>'
                '<th>until</th><th>attested on</th></tr></thead><tbody>\n' + "".join(
                    f'<tr><td>{link(p["person"]) if show_person else names(p["post"])}</td><td>{names(p["role"])}'
                    f'</td><td>{esc(p["from"])}</td><td>{esc(p["until"])}</td><td>{esc(p["attested"])}</td></tr>\n'
                    for p in rows) + "</tbody></table>")

    def labels(self, names: dict[str, list[str]]) -> str:
        """Every name by language tag, the tags in Jinja's ``dictsort`` order (case folded)."""
        return '<dl class="names">' + "".join(
            f'<dt>{esc(lang or "name")}</dt><dd>{esc(" · ".join(values))}</dd>'
            for lang, values in sorted(names.items(), key=lambda item: item[0].lower())) + "</dl>"
