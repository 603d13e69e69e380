"""An entity's description in RDF, with the provenance of every statement.

The description of an IRI is what a reader of its page needs: the statements whose subject it is, the
statements that point at it (a partnership naming a city), and the labels of everything either names.
Each statement carries the named graphs that state it (a source's graph is named by the source's IRI;
reference data, the ontology and the build's inferences have graphs of their own), written as standard
RDF reification (``rdf:Statement`` + ``prov:wasDerivedFrom``) so that every triple format, RDF/XML
included, can carry it; a TriG-only design would lose it in three of the four formats asked for.

Statements come from ``quads_for_pattern`` on the entity's term: an index look-up, never a scan.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Triple, serialize

from ..kg import KnowledgeGraph
from ..vocab import ID, PREFIXES, RDF, RDFS
from .jsonld import to_jsonld

__all__ = ["Description", "collect", "describe", "describe_ontology", "rebase", "DESCRIBE_FORMATS",
           "INCOMING_LIMIT", "CITYKG_ROOT"]

PROV = "http://www.w3.org/ns/prov#"
#: The root every citykg IRI lives under; a deployment's ``base`` replaces it (docs/linked-data.md).
CITYKG_ROOT = ID.removesuffix("id/")
#: Incoming statements kept per entity: a country is named by thousands of municipalities.
INCOMING_LIMIT = 2000
#: Graph names of the ontology, the ``/ontology`` document.
ONTOLOGY_GRAPHS = ("graph/ontology/citykg", "graph/ontology/sectors")

DESCRIBE_FORMATS: dict[str, RdfFormat | None] = {
    "ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "rdf": RdfFormat.RDF_XML, "jsonld": None, "json": None}

_TYPE = NamedNode(RDF + "type")
_LABEL = NamedNode(RDFS + "label")
_STATEMENT = NamedNode(RDF + "Statement")
_SUBJECT, _PREDICATE, _OBJECT = (NamedNode(RDF + name) for name in ("subject", "predicate", "object"))
_DERIVED = NamedNode(PROV + "wasDerivedFrom")


@dataclass
class Description:
    """The statements about one entity, each with the sorted names of the graphs that state it."""

    iri: NamedNode
    graphs: dict[Triple, list[NamedNode]] = field(default_factory=dict)
    incoming_truncated: bool = False

    def add(self, quads: Iterable[Quad]) -> None:
        for quad in quads:
            if isinstance(quad.graph_name, NamedNode):
                names = self.graphs.setdefault(quad.triple, [])
                if quad.graph_name not in names:
                    names.append(quad.graph_name)

    def outgoing(self) -> list[Triple]:
        return [t for t in self.graphs if t.subject == self.iri]

    def incoming(self) -> list[Triple]:
        return [t for t in self.graphs if t.object == self.iri and t.subject != self.iri]

    def triples(self) -> list[Triple]:
        return sorted(self.graphs, key=str)


def collect(kg: KnowledgeGraph, iri: str) -> Description | None:
    """The description of ``iri`` from the store, or ``None`` when no graph states anything about it."""
    node = NamedNode(iri)
    store = kg.store
    description = Description(node)
    description.add(store.quads_for_pattern(node, None, None, None))
    incoming = (q for q in store.quads_for_pattern(None, None, node, None)
                if q.predicate != _TYPE and not isinstance(q.graph_name, DefaultGraph))
    kept = list(itertools.islice(incoming, INCOMING_LIMIT + 1))
    description.incoming_truncated = len(kept) > INCOMING_LIMIT
    description.add(kept[:INCOMING_LIMIT])
    if not description.graphs:
        return None
    neighbours = {t.object for t in description.outgoing() if isinstance(t.object, NamedNode)}
    neighbours |= {t.subject for t in description.incoming() if isinstance(t.subject, NamedNode)}
    for neighbour in sorted(neighbours - {node}, key=str):
        description.add(store.quads_for_pattern(neighbour, _LABEL, None, None))
    return description


def with_provenance(description: Description) -> list[Triple]:
    """The description's triples, then one reified statement per triple naming the graphs that state it."""
    triples = description.triples()
    out = list(triples)
    for number, triple in enumerate(triples):
        statement = BlankNode(f"s{number}")
        out += [Triple(statement, _TYPE, _STATEMENT), Triple(statement, _SUBJECT, triple.subject),
                Triple(statement, _PREDICATE, triple.predicate), Triple(statement, _OBJECT, triple.object)]
        out += [Triple(statement, _DERIVED, graph) for graph in description.graphs[triple]]
    return out


def rebase(triples: Iterable[Triple], base: str | None) -> list[Triple]:
    """The triples with every IRI under ``https://w3id.org/citykg/`` moved under ``base``: the IRIs a
    deployment mints for itself (``--base``). No base, or the w3id one, changes nothing."""
    triples = list(triples)
    if not base or base == CITYKG_ROOT:
        return triples

    def move(term):
        if isinstance(term, NamedNode) and term.value.startswith(CITYKG_ROOT):
            return NamedNode(base + term.value[len(CITYKG_ROOT):])
        return term

    return [Triple(move(t.subject), t.predicate if not t.predicate.value.startswith(CITYKG_ROOT)
                   else move(t.predicate), move(t.object)) for t in triples]


def prefixes_for(base: str | None) -> dict[str, str]:
    """The citykg prefixes, moved under ``base`` like the IRIs they abbreviate."""
    if not base or base == CITYKG_ROOT:
        return dict(PREFIXES, prov=PROV)
    moved = {name: base + iri[len(CITYKG_ROOT):] if iri.startswith(CITYKG_ROOT) else iri
             for name, iri in PREFIXES.items()}
    return dict(moved, prov=PROV)


def serialise(triples: list[Triple], fmt: str, base: str | None = None) -> bytes:
    """Triples in one of :data:`DESCRIBE_FORMATS` (JSON-LD compacted with the citykg prefixes)."""
    if fmt not in DESCRIBE_FORMATS:
        raise ValueError(f"unknown description format {fmt!r}")
    prefixes = prefixes_for(base)
    rdf_format = DESCRIBE_FORMATS[fmt]
    if rdf_format is None:
        return to_jsonld(triples, prefixes)
    written = serialize(triples, format=rdf_format,
                        prefixes=None if rdf_format == RdfFormat.N_TRIPLES else prefixes)
    assert written is not None  # serialize() returns the bytes when it is given no output
    return written


def describe(kg: KnowledgeGraph, iri: str, fmt: str = "ttl", base: str | None = None) -> bytes | None:
    """``iri``'s description with provenance in ``fmt`` (ttl, nt, jsonld/json, rdf), or ``None`` when the
    store says nothing about it. ``base`` rewrites citykg IRIs for a deployment minting its own.

    :raises ValueError: for a malformed IRI or an unknown format.
    """
    description = collect(kg, iri)
    if description is None:
        return None
    return serialise(rebase(with_provenance(description), base), fmt, base)


def describe_ontology(kg: KnowledgeGraph, fmt: str = "ttl", base: str | None = None) -> bytes:
    """The ontology (classes, properties and the sector scheme) as one document, for ``/ontology``."""
    store = kg.store
    triples: dict[Triple, None] = {}
    for name in ONTOLOGY_GRAPHS:
        for quad in store.quads_for_pattern(None, None, None, NamedNode(CITYKG_ROOT + name)):
            triples.setdefault(quad.triple)
    return serialise(rebase(sorted(triples, key=str), base), fmt, base)

