"""Materialise the few inferences users expect to find without writing a reasoner into their query.

Each rule is a SPARQL CONSTRUCT run over the parsed graph (ontology included). Results go into one named
graph, ``https://w3id.org/citykg/graph/inferred``, so a user can always tell asserted from derived facts
(``GRAPH ?g``) and the curated text stays the only truth. Triples already asserted anywhere are not repeated.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad, QueryTriples, Store, Triple

from ..vocab import INFERRED_GRAPH

#: rule name → CONSTRUCT query. RDFS subclass/subproperty entailment restricted to named classes, the
#: symmetric ``ckg:partnerOf`` between the partners of one partnership, and each sector's top field.
RULES: dict[str, str] = {
    "types from subclasses": """
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        CONSTRUCT { ?x a ?super } WHERE {
          ?x a ?class . ?class rdfs:subClassOf+ ?super . FILTER(isIRI(?super))
        }""",
    "superproperties": """
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        CONSTRUCT { ?s ?super ?o } WHERE {
          ?p rdfs:subPropertyOf+ ?super . FILTER(isIRI(?super)) ?s ?p ?o .
        }""",
    "partners of one partnership": """
        PREFIX ckg: <https://w3id.org/citykg/ontology#>
        CONSTRUCT { ?a ckg:partnerOf ?b } WHERE {
          ?p ckg:partner ?a , ?b . FILTER(?a != ?b)
        }""",
    "sector fields": """
        PREFIX ckg: <https://w3id.org/citykg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        CONSTRUCT { ?x ckg:sectorField ?field } WHERE {
          ?x ckg:sector ?sector . ?sector skos:broader* ?field . ?field skos:topConceptOf ckg:sectors .
        }""",
}


def infer(quads: Iterable[Quad], rules: Iterable[str] = tuple(RULES)) -> list[Quad]:
    """Return the inferred quads (in the inferred graph) for the given asserted quads; ``rules`` names the
    rules to apply (all by default)."""
    store = Store()
    store.bulk_extend(quads)
    graph = NamedNode(INFERRED_GRAPH)
    inferred: dict[Quad, None] = {}
    for query in (RULES[name] for name in rules):
        triples = store.query(query, use_default_graph_as_union=True)
        assert isinstance(triples, QueryTriples)  # every rule is a CONSTRUCT
        for triple in triples:
            if not _asserted(store, triple):
                inferred[Quad(triple.subject, triple.predicate, triple.object, graph)] = None
    return list(inferred)


def _asserted(store: Store, triple: Triple) -> bool:
    return next(iter(store.quads_for_pattern(triple.subject, triple.predicate, triple.object)), None) is not None
