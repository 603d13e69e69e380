"""Reading one entity's neighbourhood from the store, term by term.

Every look-up starts from a known term (``quads_for_pattern`` with a subject or an object bound), which
Oxigraph answers from an index: a page costs a few dozen index look-ups however large the graph is, where
a SPARQL query starting from a class would scan all its instances (docs/bench-pages.md). The page's own
entity is read once from the named graphs (so each statement keeps the graphs that state it), and its
labels, values and sources come from those statements; other nodes are read from the union default graph.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, QuerySolutions, Store

from ..kg import KnowledgeGraph
from ..query.catalogue import with_values
from ..vocab import CKG, ID, INFERRED_GRAPH, RDFS, SKOS
from .cache import build_cache, is_vocabulary

__all__ = ["View", "kind_of", "SOURCE_ROOT"]

SOURCE_ROOT = ID + "source/"
_LABELS = (NamedNode(RDFS + "label"), NamedNode(SKOS + "prefLabel"))
_EVIDENCE = NamedNode(CKG + "evidence")
_INFERRED = NamedNode(INFERRED_GRAPH)
_KIND = re.compile(re.escape(ID) + r"([a-z-]+)/")
_NAMED = "SELECT ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_NAMES = {NamedNode(iri) for iri in (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", CKG + "localName",
                                     CKG + "nameInSource")}


def kind_of(iri: str) -> str | None:
    """``…/id/municipality/id-bandung`` → ``municipality``; ``None`` for an IRI outside ``/id/``."""
    match = _KIND.match(iri)
    return match.group(1) if match else None


class View:
    """The store seen from its entities: outgoing and incoming statements, labels, sources (cached)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.store: Store = kg.store
        self._out: dict[NamedNode, list[Quad]] = {}
        self._sources: dict[NamedNode, list[NamedNode]] = {}
        self._values: dict[tuple[NamedNode, str], list] = {}
        self.cache = build_cache(kg)
        self._named_node: NamedNode | None = None
        self._named_quads: list[Quad] = []
        self._named_rows: list[tuple] = []
        self._pairs: list[tuple] | None = None
        self.label = lru_cache(maxsize=4096)(self._label)

    def out(self, node: NamedNode) -> list[Quad]:
        """Statements about ``node``, each once: the build's union default graph (half the quads of
        reading every named graph, and a page shows a fact once whoever states it). For the page's own
        entity they come from its named statements, already read for the statements table."""
        if node not in self._out:
            if node == self._named_node:
                self._out[node] = [Quad(node, p, o) for p, o in self._named_pairs()]
            else:
                self._out[node] = list(self.store.quads_for_pattern(node, None, None, DefaultGraph()))
        return self._out[node]

    def named(self, node: NamedNode, predicate: NamedNode | None = None) -> list[Quad]:
        """Statements about ``node`` in the named graphs, so with the graph that states each (all of them
        kept for the last node asked: the page's entity, whose sources they also give)."""
        if predicate is None and node == self._named_node:
            return self._named_quads
        if predicate is not None:
            return [q for q in self.store.quads_for_pattern(node, predicate, None, None)
                    if not isinstance(q.graph_name, DefaultGraph)]
        # SPARQL's GRAPH reads the named graphs only and decodes just the predicate, object and graph:
        # 0.23 ms against 0.37 ms for quads_for_pattern, which also reads the union default graph (Bandung).
        rows = [tuple(row) for row in self.select(with_values(_NAMED, {"s": node}))]
        found = [Quad(node, p, o, g) for p, o, g in rows]
        self._named_node, self._named_quads, self._named_rows, self._pairs = node, found, rows, None
        return found

    def _named_pairs(self) -> list[tuple]:
        """The page's entity's (predicate, object) pairs, each once, in the order read: from :meth:`named`'s
        rows, without a Python term made again for every question asked of its quads."""
        if self._pairs is None:
            self._pairs = list(dict.fromkeys((p, o) for p, o, _ in self._named_rows))
        return self._pairs

    def is_named(self, node: NamedNode) -> bool:
        """Whether any named graph points at ``node`` (an entity may have no statements of its own)."""
        return any(not isinstance(q.graph_name, DefaultGraph)
                   for q in self.store.quads_for_pattern(None, None, node, None))

    def values(self, node: NamedNode, predicate: str) -> list:
        """The distinct objects of ``node``'s ``predicate`` (a full IRI), in a stable order: one look-up on
        subject and predicate (measured cheaper than reading all of a node's statements and filtering)."""
        key = (node, predicate)
        if key not in self._values:
            if node == self._named_node:
                wanted = NamedNode(predicate)
                found = {o for p, o in self._named_pairs() if p == wanted}
            else:
                quads = self.store.quads_for_pattern(node, NamedNode(predicate), None, DefaultGraph())
                found = {q.object for q in quads}
            self._values[key] = sorted(found, key=str)
        return self._values[key]

    def stated(self, node: NamedNode, predicate: str) -> list:
        """Like :meth:`values`, without what the build inferred (superclasses, inverse links)."""
        wanted = NamedNode(predicate)
        if node == self._named_node:
            return sorted({o for p, o, g in self._named_rows if p == wanted and g != _INFERRED}, key=str)
        return sorted({q.object for q in self.named(node, wanted) if q.graph_name != _INFERRED}, key=str)

    def value(self, node: NamedNode, predicate: str):
        found = self.values(node, predicate)
        return found[0] if found else None

    def select(self, sparql: str) -> QuerySolutions:
        """Rows of one of the pages' own SELECT queries (no user text in them)."""
        rows = self.kg.query(sparql)
        assert isinstance(rows, QuerySolutions)
        return rows

    def incoming(self, node: NamedNode, predicate: str) -> list[NamedNode]:
        """The distinct subjects that point at ``node`` with ``predicate`` (from the union graph)."""
        return sorted({q.subject for q in self.store.quads_for_pattern(None, NamedNode(predicate), node, DefaultGraph())
                       if isinstance(q.subject, NamedNode)}, key=str)

    def _label(self, node: NamedNode, lang: str = "en") -> str:
        """``node``'s label in ``lang``, else English, else any, else the last part of its IRI; the
        vocabulary's labels are read once per build (:mod:`citykg.pages.cache`)."""
        if is_vocabulary(node.value):
            return self.cache.remember("label", (node, lang), lambda: self._read_label(node, lang))
        return self._read_label(node, lang)

    def _read_label(self, node: NamedNode, lang: str) -> str:
        found: dict[str, str] = {}
        for predicate in _LABELS:  # one index look-up each; a VALUES block of many nodes was slower (hash join)
            for quad in self.store.quads_for_pattern(node, predicate, None, DefaultGraph()):
                literal = quad.object
                if isinstance(literal, Literal):
                    found.setdefault(literal.language or "", literal.value)
            if found:
                break
        for wanted in (lang, "en", ""):
            if wanted in found:
                return found[wanted]
        if found:
            return next(iter(sorted(found.items())))[1]
        return re.split(r"[/#]", node.value.rstrip("/"))[-1]

    def en_labels(self, node: NamedNode) -> list[str]:
        """Every English ``rdfs:label`` of ``node`` (any ``en-…`` tag too, as SPARQL's ``LANGMATCHES``),
        sorted; kept for the build when ``node`` is of the vocabulary."""
        if is_vocabulary(node.value):
            return self.cache.remember("en-labels", node, lambda: self._read_en_labels(node))
        return self._read_en_labels(node)

    def _read_en_labels(self, node: NamedNode) -> list[str]:
        return sorted({q.object.value for q in self.store.quads_for_pattern(node, _LABELS[0], None, DefaultGraph())
                       if isinstance(q.object, Literal) and q.object.language
                       and (q.object.language.lower() == "en" or q.object.language.lower().startswith("en-"))})

    def labels(self, node: NamedNode) -> dict[str, list[str]]:
        """Every name of ``node`` by language tag (rdfs:label, skos labels, local names)."""
        names: dict[str, list[str]] = {}
        pairs = self._named_pairs() if node == self._named_node else [(q.predicate, q.object) for q in self.out(node)]
        for predicate, name in pairs:
            if predicate in _NAMES and isinstance(name, Literal):
                bucket = names.setdefault(name.language or "", [])
                if name.value not in bucket:
                    bucket.append(name.value)
        return names

    def sources(self, node: NamedNode) -> list[NamedNode]:
        """The sources whose graphs state something about ``node``."""
        if node not in self._sources:
            if node == self._named_node:
                self._sources[node] = sorted({q.graph_name for q in self._named_quads
                                              if isinstance(q.graph_name, NamedNode)
                                              and q.graph_name.value.startswith(SOURCE_ROOT)}, key=str)
            else:
                self.prefetch_sources([node])
        return self._sources[node]

    def sectors(self, node: NamedNode) -> list:
        """``node``'s ``ckg:sector`` values, from a map of every sector statement read once per build:
        they are the curated layer's (88 statements in the full graph), and a city with a hundred ties
        would otherwise look each tie up."""
        return self.cache.remember("sectors", None, self._read_sectors).get(node, [])

    def _read_sectors(self) -> dict:
        found: dict = {}
        for quad in self.store.quads_for_pattern(None, NamedNode(CKG + "sector"), None, DefaultGraph()):
            found.setdefault(quad.subject, set()).add(quad.object)
        return {node: sorted(values, key=str) for node, values in found.items()}

    def prefetch_sources(self, nodes) -> None:
        """Find the sources of many nodes in one query (a VALUES block of their terms), not one each."""
        wanted = sorted({n for n in nodes if n not in self._sources}, key=str)
        if not wanted:
            return
        found: dict[NamedNode, set[NamedNode]] = {n: set() for n in wanted}
        # VALUES inside GRAPH: measured 1.2 ms against 2.0 ms with it outside (33 nodes, full graph).
        rows = self.select("SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { VALUES ?s { " + " ".join(str(n) for n in wanted)
                           + " } ?s ?p ?o } }")
        for row in rows:
            if row["g"].value.startswith(SOURCE_ROOT):
                found[row["s"]].add(row["g"])
        self._sources.update({n: sorted(g, key=str) for n, g in found.items()})

    def quotes(self, node: NamedNode) -> list[tuple[NamedNode, str]]:
        """``(source, quote)`` for every ``ckg:evidence`` quote about ``node``."""
        return sorted({(q.graph_name, q.object.value) for q in self.named(node, _EVIDENCE)
                       if isinstance(q.graph_name, NamedNode) and isinstance(q.object, Literal)}, key=str)

    def quotes_in(self, source: NamedNode) -> list[tuple[NamedNode, str]]:
        """``(entity, quote)`` for every quote the source's graph holds, in the order of the entities."""
        return sorted({(q.subject, q.object.value) for q in self.store.quads_for_pattern(None, _EVIDENCE, None, source)
                       if isinstance(q.subject, NamedNode) and isinstance(q.object, Literal)}, key=str)
