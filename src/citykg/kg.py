"""The Python API: one object that builds, queries, summarises and exports a citykg store.

The CLI is a thin wrapper over this class, so whatever the CLI does a script can do too::

    from citykg import KnowledgeGraph
    kg = KnowledgeGraph()
    kg.build()
    for row in kg.query("SELECT ?city WHERE { ?city a ckg:City }"):
        print(row["city"])
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import IO

from pyoxigraph import (
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Variable,
    serialize,
)

from .build import BuildReport, Progress, build, check
from .catalogue import CatalogueQuery, bind, load_catalogue, normalise_label
from .errors import QueryError, UsageError
from .project import Project
from .store import open_read_only
from .vocab import CKG, PREFIXES

Term = NamedNode | Literal
QueryResult = QuerySolutions | QueryBoolean | QueryTriples

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

_SPARQL_POSITION = re.compile(r"^error at (\d+):(\d+): ")


class KnowledgeGraph:
    """A citykg project and its store. Opening the store is lazy: building needs no store yet."""

    def __init__(self, project: str | Path | None = None, store: str | Path | None = None) -> None:
        self.project = Project.locate(project, store)
        self._store: Store | None = None
        # Caches for run(): the catalogue (re-read when a .rq file changes) and, per class, the label
        # index of the open store (a read-only snapshot, so valid until the store is reopened).
        self._catalogue: tuple[tuple, dict[str, CatalogueQuery]] | None = None
        self._catalogue_checked = 0.0
        self._labels: dict[str, dict[str, set[str]]] = {}

    @property
    def store(self) -> Store:
        """The store, opened read-only on first use (so a concurrent build cannot be disturbed)."""
        if self._store is None:
            self._store = open_read_only(self.project.store_path)
        return self._store

    def build(self, progress: Progress | None = None) -> BuildReport:
        """Parse, validate, infer and load; then reopen so that queries see the new store."""
        report = build(self.project, progress)
        self._store = None
        self._labels = {}
        return report

    def validate(self, progress: Progress | None = None) -> BuildReport:
        """Run every check of a build without touching the store."""
        return check(self.project, progress)[1]

    def query(self, sparql: str, bindings: dict[str, Term] | None = None) -> QueryResult:
        """Run a SPARQL query; ``bindings`` are bound, never pasted in.

        The default graph is the de-duplicated union of all graphs (written by the build), so a fact
        stated by two sources is one row; ``GRAPH ?g { … }`` reaches each source's graph. The citykg
        prefixes (``ckg:``, ``municipality:``, …) need no declaration.
        """
        substitutions = {Variable(name): value for name, value in (bindings or {}).items()}
        try:
            return self.store.query(sparql, prefixes=PREFIXES, substitutions=substitutions)
        except SyntaxError as error:
            raise QueryError(_sparql_syntax_message(str(error))) from None
        except (RuntimeError, OSError, ValueError) as error:
            raise QueryError(f"The query failed: {error}") from None

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

    def resolve(self, class_iri: str, label: str) -> list[str]:
        """IRIs of the instances of ``class_iri`` whose label (any language, any case) is ``label``."""
        if class_iri not in self._labels:
            index: dict[str, set[str]] = {}
            for row in self.query(_LABELS, {"class": NamedNode(class_iri)}):
                index.setdefault(normalise_label(row["label"].value), set()).add(row["x"].value)
            self._labels[class_iri] = index
        return sorted(self._labels[class_iri].get(normalise_label(label), ()))

    def stats(self) -> dict[str, int]:
        """Counts a newcomer wants first: triples, graphs, and instances of each core class."""
        triples = next(iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value
        counts = {"triples": int(triples), "graphs": sum(1 for _ in self.store.named_graphs())}
        per_class = {row["class"].value: int(row["n"].value) for row in self.query(
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
        prefixes = PREFIXES if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        if not keeps_graphs:
            target = str(output) if isinstance(output, Path) else output
            return self.store.dump(target, rdf_format, from_graph=DefaultGraph(), prefixes=prefixes)
        named = (q for q in self.store if not isinstance(q.graph_name, DefaultGraph))
        data = serialize(named, format=rdf_format, prefixes=prefixes)
        if output is None:
            return data
        if isinstance(output, (str, Path)):
            Path(output).write_bytes(data)
        else:
            output.write(data)
        return None


def _sparql_syntax_message(raw: str) -> str:
    match = _SPARQL_POSITION.match(raw)
    if match:
        line, column = match.groups()
        return f"SPARQL syntax error at line {line}, column {column}: {raw[match.end():]}"
    return f"SPARQL syntax error: {raw}"
