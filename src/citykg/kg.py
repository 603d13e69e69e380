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

from .errors import AmbiguousLabelError, QueryError, UsageError
from .labels import LABEL_INDEX, LabelIndex, normalise
from .project import SEED_KINDS, Project
from .query.catalogue import CatalogueQuery, bind, load_catalogue, with_rows, with_values
from .store import EmbeddedStore, QueryResult, Term
from .vocab import CKG, PREFIXES, compact

if TYPE_CHECKING:
    from .build.pipeline import BuildReport, Progress
    from .query.remote import RemoteEndpoint

__all__ = ["KnowledgeGraph", "QueryResult", "Term", "EXPORT_FORMATS", "SUMMARY_CLASSES"]

#: Export formats: name → (pyoxigraph format, keeps named graphs).
EXPORT_FORMATS: dict[str, tuple[RdfFormat, bool]] = {
    "ttl": (RdfFormat.TURTLE, False),
    "nt": (RdfFormat.N_TRIPLES, False),
    "trig": (RdfFormat.TRIG, True),
    "nq": (RdfFormat.N_QUADS, True),
    "jsonld": (RdfFormat.JSON_LD, True),
    "rdfxml": (RdfFormat.RDF_XML, False),
}

#: Classes counted in the summary, in the order it shows them.
SUMMARY_CLASSES = ("Country", "Province", "Municipality", "Organization", "Person", "Position", "Partnership",
                   "Agreement", "Event", "Sector", "Source")

_LABELS = """SELECT ?class ?x ?label WHERE {
  ?x a ?class ; rdfs:label|skos:prefLabel|skos:altLabel|ckg:localName|ckg:nameInSource ?label }"""

#: A node's own names, and those of its country and province, by which "Name, Place" picks among homonyms.
_PLACES = """SELECT ?x ?what ?label WHERE {
  { ?x rdfs:label ?label BIND("name" AS ?what) }
  UNION { ?x ckg:inCountry ?place . ?place rdfs:label|skos:altLabel|ckg:iso2 ?label BIND("country" AS ?what) }
  UNION { ?x ckg:inProvince|<https://schema.org/containedInPlace> ?place .
          ?place rdfs:label|skos:altLabel ?label BIND("province" AS ?what) }
}"""
#: What tells apart homonyms in the same place (two Springfields, neither with a state): the Wikidata item
#: each is the same as, and how many partnerships each is a partner in.
_IDENTITIES = """SELECT ?x ?what ?label WHERE {
  { ?x owl:sameAs ?label FILTER(STRSTARTS(STR(?label), "http://www.wikidata.org/entity/")) BIND("wikidata" AS ?what) }
  UNION { SELECT ?x (COUNT(DISTINCT ?partnership) AS ?label) ("ties" AS ?what)
          WHERE { ?partnership ckg:partner ?x } GROUP BY ?x }
}"""


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
        # The label index beside the open build (None: there is none), with the directory it was read from.
        self._label_index: tuple[Path, LabelIndex | None] | None = None

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
        from .build.pipeline import build  # not on the path of a query: a build is its own command

        report = build(project, progress)
        if isinstance(self.source, EmbeddedStore):
            self.source.reopen()
        self._labels = {}
        return report

    def validate(self, progress: Progress | None = None) -> BuildReport:
        """Run every check of a build without touching the store."""
        from .build.pipeline import check

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
        """Run a catalogue query by name; ``params`` are strings (labels, dates…) checked and bound.

        The values travel as typed terms in a VALUES block opening the query (``with_values``), on the
        embedded store as on an endpoint: pyoxigraph's substitutions are applied only after the whole
        pattern is evaluated, while the join starts from the block (``partners``: 389 ms vs 4 ms).
        """
        queries = self.catalogue()
        if name not in queries:
            raise UsageError(f"There is no catalogue query {name!r}; 'citykg queries' lists them.")
        query = queries[name]
        text = with_values(query.sparql, bind(query, params or {}, self.resolve))
        try:
            if query.sorts_iris and isinstance(self.source, EmbeddedStore):
                return self._sorted_in_python(text)
            return self.query(text)
        except QueryError as error:
            raise QueryError(f"{query.path}: {error}") from None

    def _sorted_in_python(self, sparql: str) -> QueryResult:
        """A query whose final ORDER BY keys are IRIs, sorted here instead of by the store (citykg.query.ordering:
        pyoxigraph's sort reads the terms from disk at every comparison)."""
        from .query.ordering import sorted_by_iris, split_order

        split = split_order(sparql)
        if split is not None:
            unordered = self.query(split[0])
            if isinstance(unordered, QuerySolutions):
                ordered = sorted_by_iris(unordered, split[1])
                if ordered is not None:
                    return ordered
        return self.query(sparql)

    def _select(self, sparql: str, bindings: dict[str, Term] | None = None) -> QuerySolutions:
        """Run one of the façade's own SELECT queries."""
        solutions = self.query(sparql, bindings)
        assert isinstance(solutions, QuerySolutions)
        return solutions

    def resolve(self, class_iri: str, label: str) -> list[str]:
        """The instance of ``class_iri`` that ``label`` names, as a list: empty when none does.

        ``label`` is an IRI (``<…>``, ``https://…``, ``municipality:…``), a label (any language; case,
        accents and spacing do not matter: citykg.labels), or ``"Name, Place"`` where Place is the country
        (name or ISO code) or the province. A label that names several instances is never settled by a
        guess: :class:`citykg.errors.AmbiguousLabelError` lists them, with country and province, and asks
        for one (issue 12.3). Every command that takes a name uses this rule.
        """
        from .query.catalogue import expand

        iri = expand(label)
        if iri is not None:
            return [iri.value]
        matches = self._labelled(class_iri, label)
        places: dict[str, Place] | None = None
        if not matches and "," in label:
            name, _, qualifier = label.rpartition(",")
            candidates = self._labelled(class_iri, name)
            places = self._places(candidates)
            matches = [c for c in candidates if places[c].is_in(qualifier)]
            label = name.strip()
        if len(matches) > 1:
            places = places or self._places(matches)
            told, same_place = self._told_apart(places, matches)
            raise AmbiguousLabelError(label, _plural(class_iri), told, same_place)
        return matches

    def _told_apart(self, places: dict[str, Place], matches: list[str]) -> tuple[list[tuple[str, str]], bool]:
        """Each candidate with where it is; those in the same place also with their Wikidata item and ties
        (and whether there are such, which naming the place cannot tell apart)."""
        wheres = {m: places[m].where() for m in matches}
        alike = [m for m in matches if list(wheres.values()).count(wheres[m]) > 1]
        if alike:
            for row in self._select(with_rows(_IDENTITIES, "x", [NamedNode(iri) for iri in alike])):
                places[row["x"].value].add(row["what"].value, row["label"])
            for m in alike:
                wheres[m] = "; ".join(part for part in (wheres[m], places[m].identity()) if part)
        return [(compact(m), wheres[m]) for m in matches], bool(alike)

    def _labelled(self, class_iri: str, label: str) -> list[str]:
        """The instances of ``class_iri`` whose label is ``label`` under citykg.labels' rule: from the
        index the build wrote beside the store, or, for an endpoint or an older store, from the graph."""
        built = self._index_of_open_build()
        found = built.lookup(class_iri, label) if built is not None else None
        if found is not None:
            return found
        if class_iri not in self._labels:
            index: dict[str, set[str]] = {}
            for row in self._select(_LABELS, {"class": NamedNode(class_iri)}):
                index.setdefault(normalise(row["label"].value), set()).add(row["x"].value)
            self._labels[class_iri] = index
        return sorted(self._labels[class_iri].get(normalise(label), ()))

    def _index_of_open_build(self) -> LabelIndex | None:
        """The label index of the build the source has open, read again when it opens another one."""
        if not isinstance(self.source, EmbeddedStore):
            return None
        directory = self.source.directory
        if self._label_index is None or self._label_index[0] != directory:
            if self._label_index is not None and self._label_index[1] is not None:
                self._label_index[1].close()  # the build it indexes may be pruned: hold nothing of it
            self._label_index = (directory, LabelIndex.open(directory / LABEL_INDEX))
        return self._label_index[1]

    def _places(self, iris: list[str]) -> dict[str, Place]:
        """Where each node is (its name, country and province), to tell homonyms apart."""
        places = {iri: Place(iri) for iri in iris}
        if not iris:
            return places
        for row in self._select(with_rows(_PLACES, "x", [NamedNode(iri) for iri in iris])):
            places[row["x"].value].add(row["what"].value, row["label"])
        return places

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
        from .names import RDF_FORMAT_ALIASES

        fmt = RDF_FORMAT_ALIASES.get(fmt, fmt)  # turtle, nquads, json-ld, xml: as rdflib users type them
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
        except OSError as error:  # the store's own writer says "Read-only file system (os error 30)"
            reason = error.strerror or str(error).split(" (os error")[0]
            raise UsageError(f"Cannot write {output}: {reason}.") from None


@dataclasses.dataclass
class Place:
    """Where a node is, by the names a user may qualify a homonym with ("Portland, Maine")."""

    iri: str
    names: dict[str, list[tuple[str, str]]] = dataclasses.field(default_factory=dict)

    def add(self, what: str, label) -> None:
        """One name (``what``: name, country or province) as a term: a literal with its language, if any."""
        self.names.setdefault(what, []).append((label.value, getattr(label, "language", None) or ""))

    def is_in(self, qualifier: str) -> bool:
        key = normalise(qualifier)
        return any(normalise(value) == key for what in ("country", "province") for value, _ in self.names.get(what, ()))

    def where(self) -> str:
        """"Portland, Maine, United States": the English names first, an ISO code only if nothing else."""
        shown = [self._best(what) for what in ("name", "province", "country")]
        return ", ".join(dict.fromkeys(name for name in shown if name))

    def identity(self) -> str:
        """"Wikidata Q40325, 3 partnerships": what tells this node from a homonym in the same place."""
        items = sorted(value.rsplit("/", 1)[-1] for value, _ in self.names.get("wikidata", ()))
        ties = int(self.names["ties"][0][0]) if "ties" in self.names else 0
        parts = [f"Wikidata {', '.join(items)}"] if items else []
        return ", ".join([*parts, f"{ties} partnership{'s' if ties != 1 else ''}"])

    def _best(self, what: str) -> str:
        names = sorted(self.names.get(what, ()), key=lambda n: (n[1] != "en", n[1] != "", len(n[0]) <= 3, n[0]))
        return names[0][0] if names else ""


def _plural(class_iri: str) -> str:
    """``ckg:Municipality`` → "municipalities", for a message."""
    name = class_iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    name = name[:1].lower() + name[1:]
    return name[:-1] + "ies" if name.endswith("y") and name[-2:-1] not in "aeiou" else name + "s"
