"""The static site: the pages of the curated graph as plain files (``citykg site --out DIR``).

Which entities get a page: every entity a *curated* source states something about (a source whose graph
quotes its text with ``ckg:evidence``; the imported data sets quote none), the partners and partnerships of
every such municipality or province, and the agreements of those partnerships. Links between pages are
relative, so the folder opens from disk or from any static host; a link to an entity without a page goes
to its IRI.
"""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from pyoxigraph import NamedNode

from ..errors import UsageError
from ..kg import KnowledgeGraph
from ..labels import normalise
from ..vocab import CKG, ID
from .describe import collect, describe_ontology, rebase, serialise, with_provenance
from .facts import place
from .links import SiteLinks, path_of
from .render import _anchor, environment, render_page
from .view import SOURCE_ROOT, View, kind_of
from .void import dataset_description

__all__ = ["SiteReport", "write_site", "site_entities"]

_EVIDENCE = NamedNode(CKG + "evidence")
#: Kinds whose pages list partners, and which the index and the search box list: a province twins too.
PLACE_PAGES = ("municipality", "province")


@dataclass(frozen=True)
class SiteReport:
    """What ``write_site`` wrote: the number of entity pages, of files in all, and the seconds it took."""

    pages: int
    files: int
    seconds: float


def curated_sources(view: View) -> list[NamedNode]:
    """Sources whose named graph holds at least one quote."""
    graphs = {q.graph_name for q in view.store.quads_for_pattern(None, _EVIDENCE, None, None)
              if isinstance(q.graph_name, NamedNode) and q.graph_name.value.startswith(SOURCE_ROOT)}
    return sorted(graphs, key=str)


def site_entities(view: View) -> set[str]:
    """The IRIs the site has a page for (see the module's docstring)."""
    sources = curated_sources(view)
    known: set[str] = {s.value for s in sources}
    for source in sources:
        for quad in view.store.quads_for_pattern(None, None, None, source):
            for term in (quad.subject, quad.object):
                if isinstance(term, NamedNode) and term.value.startswith(ID):
                    known.add(term.value)
    cities = [NamedNode(iri) for iri in known if kind_of(iri) in PLACE_PAGES]
    for city in cities:
        for tie in view.incoming(city, CKG + "partner"):
            known.add(tie.value)
            known.update(p.value for p in view.values(tie, CKG + "partner"))
            known.update(a.value for a in view.incoming(tie, CKG + "formalizes"))
    return {iri for iri in known if path_of(iri) is not None}


def write_site(kg: KnowledgeGraph, out: str | Path, today: datetime.date | None = None,
               base: str | None = None) -> SiteReport:
    """Write the static site into the folder ``out`` (created if missing; existing files are replaced).
    ``base`` moves the IRIs of the RDF files under a deployment's own root (docs/linked-data.md).

    :raises UsageError: when ``out`` cannot be written.
    """
    started = time.perf_counter()
    folder = Path(out)
    view = View(kg)
    known = site_entities(view)
    links = SiteLinks(known)
    written = 0
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for iri in sorted(known):
            page_links = links.for_page(iri)
            html = render_page(kg, iri, links=page_links, today=today, view=view)
            description = collect(kg, iri)
            if html is None or description is None:
                continue
            target = folder / (path_of(iri) or "")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.with_suffix(".html").write_text(html, "utf-8")
            triples = rebase(with_provenance(description), base)
            target.with_suffix(".ttl").write_bytes(serialise(triples, "ttl", base))
            target.with_suffix(".jsonld").write_bytes(serialise(triples, "jsonld", base))
            written += 1
        extra = _write_extras(kg, view, folder, known, links, base)
    except OSError as error:
        raise UsageError(f"Cannot write the site into {folder}: {error.strerror or error}.") from None
    return SiteReport(written, written * 3 + extra, time.perf_counter() - started)


def _write_extras(kg: KnowledgeGraph, view: View, folder: Path, known: set[str], links: SiteLinks,
                  base: str | None) -> int:
    """The index page, the search index and script, the VoID description and the ontology."""
    cities = sorted((iri for iri in known if kind_of(iri) in PLACE_PAGES), key=lambda i: view.label(NamedNode(i)))
    rows, entries = [], []
    for iri in cities:
        node = NamedNode(iri)
        country = place(view, node)  # province and country: homonyms differ by it
        rows.append({"iri": iri, "label": view.label(node), "country": country,
                     "ties": str(len(view.incoming(node, CKG + "partner")))})
        path = (path_of(iri) or "") + ".html"
        names = {name for values in view.labels(node).values() for name in values} | {view.label(node)}
        entries += [[name, normalise(name), path, country, view.label(node)] for name in sorted(names)]
    sources = [{"iri": s.value, "label": view.label(s)} for s in curated_sources(view)]
    index = environment().get_template("index.html").render(
        f={}, cities=rows, sources=sources, iri="", title="City diplomacy, source by source", kind_label="site",
        links=links, a=_anchor(links, view), twins=[], statements=[], map=None)
    (folder / "index.html").write_text(index, "utf-8")
    data = json.dumps(entries, ensure_ascii=False)
    (folder / "search-index.json").write_text(data, "utf-8")
    # A script, not only JSON: a page opened from disk may not fetch() a file beside it.
    (folder / "search-index.js").write_text(f"window.CITYKG_INDEX = {data};\n", "utf-8")
    script = files("citykg.pages").joinpath("static/search.js").read_text("utf-8")
    (folder / "search.js").write_text(script, "utf-8")
    (folder / "void.ttl").write_text(dataset_description(kg, base=base), "utf-8")
    (folder / "ontology.ttl").write_bytes(describe_ontology(kg, "ttl", base))
    return 7
