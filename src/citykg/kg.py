"""The Python API: one object that builds, queries, summarises and exports a citykg store.

The CLI is a thin wrapper over this class, so whatever the CLI does a script can do too::

    from citykg import KnowledgeGraph
    kg = KnowledgeGraph()
    kg.build()
    for row in kg.query("SELECT ?city WHERE { ?city a ckg:City }"):
        print(row["city"])
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from pyoxigraph import DefaultGraph, NamedNode, Quad, QuerySolutions, RdfFormat, Store, serialize

from .build.pipeline import BuildReport, Progress, build, check
from .errors import UsageError
from .labels import normalise
from .project import SEED_KINDS, Project
from .query.catalogue import CatalogueQuery, bind, load_catalogue
from .store import EmbeddedStore, QueryResult, Term
from .vocab import CKG, PREFIXES

if TYPE_CHECKING:
    from .query.remote import RemoteEndpoint

__all__ = ["KnowledgeGraph", "QueryResult", "Term", "EXPORT_FORMATS", "SUMMARY_CLASSES"]

#: Export formats: name → (pyoxigraph format, keeps named graphs).
EXPORT_FORMATS: dict[str, tuple[RdfFormat, bool]] = {
    "ttl": (RdfFormat.TURTLE, False),
    "nt": (RdfFormat.N_TRIPLES, False),
    "trig": (RdfFormat.TRIG, True),
    "nq": (RdfFormat.N_QUADS, True),
    "jsonld": (RdfFormat.JSON_LD, True),
}

#: Classes counted in the summary, in the order it shows them.
SUMMARY_CLASSES = ("Country", "Municipality", "Organization", "Person", "Position", "Partnership",
                   "Agreement", "Event", "Sector", "Source")

_LABELS = """SELECT ?class ?x ?label WHERE {
  ?x a ?class ; rdfs:label|skos:prefLabel|skos:altLabel|ckg:localName|ckg:nameInSource ?label }"""


class KnowledgeGraph:
    """A citykg project and the graph its queries run on.

    The graph is a *source* the façade holds: the project's on-disk store (the default), or any SPARQL
    1.1 endpoint (``endpoint=URL``). Every method that reads goes through the source, so querying, the
    catalogue, ``stats`` and ``export`` work on both; ``build`` always writes the project's own store.
    """

    def __init__(self, project: str | Path | None = None, store: str | Path | None = None, *,
                 endpoint: str | None = None) -> None:
        self.project = Project.locate(project, store)
        self.source: EmbeddedStore | RemoteEndpoint
        if endpoint is None:
            self.source = EmbeddedStore(self.project.store_path)
        else:
            from .query.remote import RemoteEndpoint

            self.source = RemoteEndpoint(endpoint)
        # Caches for run(): the catalogue (re-read when a .rq file changes) and, per class, the label
        # index of the open store (a read-only snapshot, so valid until the store is reopened).
        self._catalogue: tuple[tuple, dict[str, CatalogueQuery]] | None = None
        self._catalogue_checked = 0.0
        self._labels: dict[str, dict[str, set[str]]] = {}

    @property
    def store(self) -> Store:
        """The embedded store itself (pyoxigraph), for what SPARQL cannot do; there is none behind an
        endpoint (:class:`citykg.query.remote.RemoteError`)."""
        if isinstance(self.source, EmbeddedStore):
            return self.source.store
        from .query.remote import RemoteError

        raise RemoteError(f"The graph is at {self.source.endpoint}; there is no local store to open.")

    def build(self, progress: Progress | None = None, *, seeds_only: bool = False) -> BuildReport:
        """Parse, validate, infer and load the project's store; then reopen it so that queries see it.

        ``seeds_only`` leaves graph/imported/ out: the curated articles alone, in about a second.
        """
        project = dataclasses.replace(self.project, kinds=SEED_KINDS) if seeds_only else self.project
        report = build(project, progress)
        if isinstance(self.source, EmbeddedStore):
            self.source.reopen()
        self._labels = {}
        return report

    def validate(self, progress: Progress | None = None) -> BuildReport:
        """Run every check of a build without touching the store."""
        return check(self.project, progress)[1]

    def query(self, sparql: str, bindings: dict[str, Term] | None = None) -> QueryResult:
        """Run a SPARQL query; ``bindings`` are bound as terms, never pasted in as text.

        The default graph is the de-duplicated union of all graphs (written by the build), so a fact
        stated by two sources is one row; ``GRAPH ?g { … }`` reaches each source's graph. The citykg
        prefixes (``ckg:``, ``municipality:``, …) need no declaration.
        """
        return self.source.query(sparql, bindings)

    def catalogue(self) -> dict[str, CatalogueQuery]:
        """The named queries of ``queries/``, by name.

        Read again when a file changed; that is checked at most once a second, since stat-ing every file
        costs as much as a small query (docs/bench-queries.md).
        """
        now = time.monotonic()
        if self._catalogue is None or now - self._catalogue_checked > 1.0:
            self._catalogue_checked = now
            folder = self.project.root / "queries"
            stamp = tuple(sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
                                 for entry in os.scandir(folder) if entry.name.endswith(".rq")))
            if self._catalogue is None or self._catalogue[0] != stamp:
                self._catalogue = (stamp, load_catalogue(folder))
        return self._catalogue[1]

    def run(self, name: str, params: dict[str, str] | None = None) -> QueryResult:
        """Run a catalogue query by name; ``params`` are strings (labels, dates…) checked and bound."""
        queries = self.catalogue()
        if name not in queries:
            raise UsageError(f"There is no catalogue query {name!r}; 'citykg queries' lists them.")
        query = queries[name]
        return self.query(query.sparql, bind(query, params or {}, self.resolve))

    def _select(self, sparql: str, bindings: dict[str, Term] | None = None) -> QuerySolutions:
        """Run one of the façade's own SELECT queries."""
        solutions = self.query(sparql, bindings)
        assert isinstance(solutions, QuerySolutions)
        return solutions

    def resolve(self, class_iri: str, label: str) -> list[str]:
        """IRIs of the instances of ``class_iri`` whose label (any language, any case) is ``label``."""
        if class_iri not in self._labels:
            index: dict[str, set[str]] = {}
            for row in self._select(_LABELS, {"class": NamedNode(class_iri)}):
                index.setdefault(normalise(row["label"].value), set()).add(row["x"].value)
            self._labels[class_iri] = index
        return sorted(self._labels[class_iri].get(normalise(label), ()))

    def stats(self) -> dict[str, int]:
        """Counts a newcomer wants first: triples, graphs, and instances of each core class."""
        triples = next(iter(self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value
        counts = {"triples": int(triples), "graphs": len(self.source.named_graphs())}
        per_class = {row["class"].value: int(row["n"].value) for row in self._select(
            "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class")}
        counts.update({name: per_class.get(CKG + name, 0) for name in SUMMARY_CLASSES})
        return counts

    def export(self, fmt: str, output: str | Path | IO[bytes] | None = None) -> bytes | None:
        """Serialise the store: graph formats (ttl, nt) get the union of all graphs, each triple once;
        dataset formats (trig, nq, jsonld) get every named graph, the provenance, and not the union
        (a build derives it again)."""
        if fmt not in EXPORT_FORMATS:
            raise UsageError(f"Unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")
        rdf_format, keeps_graphs = EXPORT_FORMATS[fmt]
        if isinstance(output, (str, Path)):
            UsageError.unless_folder_exists(Path(output))
        prefixes = PREFIXES if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        target = str(output) if isinstance(output, Path) else output
        try:
            if not keeps_graphs and isinstance(self.source, EmbeddedStore):
                # Written by the store itself, without a Python object per triple.
                return self.source.store.dump(target, rdf_format, from_graph=DefaultGraph(), prefixes=prefixes)
            if keeps_graphs:
                quads = (Quad(t.subject, t.predicate, t.object, graph) for graph in self.source.named_graphs()
                         for t in self.source.triples(graph))
                return serialize(quads, target, rdf_format, prefixes=prefixes)
            return serialize(self.source.triples(DefaultGraph()), target, rdf_format, prefixes=prefixes)
        except OSError as error:
            raise UsageError(f"Cannot write {output}: {error.strerror or error}.") from None
