"""The data set described in VoID and DCAT: what a crawler or a catalogue reads first.

Counts come from the store (triples, entities per class, triples per source graph); licences are the ones
the sources state (``dcterms:license``), never one assumed for the whole graph: citykg's data is a mix of
sources under different terms, and the graph states no licence of its own.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from ..kg import SUMMARY_CLASSES, KnowledgeGraph
from ..vocab import CKG, DCTERMS, ID, RDF, XSD
from .describe import CITYKG_ROOT, prefixes_for, rebase
from .view import View

__all__ = ["dataset_description", "DATASET"]

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
#: The IRI of the data set as a whole.
DATASET = CITYKG_ROOT

_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_SOURCES = """SELECT ?source ?label ?publisher ?license WHERE {
  ?source a ckg:Source .
  OPTIONAL { ?source rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source dcterms:license ?license } }"""
_CLASSES = ("City", "Regency", *SUMMARY_CLASSES)


def _n(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def dataset_description(kg: KnowledgeGraph, endpoint: str | None = None, base: str | None = None) -> str:
    """VoID + DCAT Turtle for the whole graph: triples, entities per class, one subset per source graph
    (its triples, title, publisher and licence), the IRI space and, when given, the SPARQL ``endpoint``."""
    view = View(kg)
    dataset = NamedNode(DATASET)
    out: list[Triple] = []

    def add(subject, predicate: str, obj) -> None:
        out.append(Triple(subject, NamedNode(predicate), obj))

    stats = kg.stats()
    add(dataset, RDF + "type", NamedNode(VOID + "Dataset"))
    add(dataset, RDF + "type", NamedNode(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", Literal("citykg: a knowledge graph of city diplomacy", language="en"))
    add(dataset, DCTERMS + "description", Literal(
        "Municipalities, their partnerships, agreements, events and officials, each fact in the named graph "
        "of the source that states it.", language="en"))
    add(dataset, VOID + "triples", _n(stats["triples"]))
    add(dataset, VOID + "uriSpace", Literal(ID if not base else base + ID[len(CITYKG_ROOT):]))
    add(dataset, VOID + "vocabulary", NamedNode(CKG))
    add(dataset, VOID + "rootResource", NamedNode(CITYKG_ROOT + "ontology"))
    for fmt in ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"):
        add(dataset, VOID + "feature", NamedNode(f"http://www.w3.org/ns/formats/{_FORMAT_NAMES[fmt]}"))
    if endpoint:
        add(dataset, VOID + "sparqlEndpoint", NamedNode(endpoint))
        service = BlankNode("endpoint")
        add(dataset, DCAT + "distribution", service)
        add(service, RDF + "type", NamedNode(DCAT + "Distribution"))
        add(service, DCAT + "accessURL", NamedNode(endpoint))
        add(service, DCTERMS + "conformsTo", NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    counts = _class_counts(view)
    for name in _CLASSES:
        partition = BlankNode(f"class-{name}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", NamedNode(CKG + name))
        add(partition, VOID + "entities", _n(counts.get(CKG + name, 0)))
    per_graph = {row["g"].value: int(row["n"].value) for row in view.select(_PER_GRAPH)}
    for row in view.select(_SOURCES):
        source = row["source"]
        add(dataset, VOID + "subset", source)
        add(source, RDF + "type", NamedNode(VOID + "Dataset"))
        add(source, VOID + "triples", _n(per_graph.get(source.value, 0)))
        for key, predicate in (("label", DCTERMS + "title"), ("publisher", DCTERMS + "publisher"),
                               ("license", DCTERMS + "license")):
            if row[key] is not None:
                add(source, predicate, row[key])
                if key == "license":
                    add(dataset, DCTERMS + "license", row[key])
    unique = list(dict.fromkeys(rebase(out, base)))
    prefixes = dict(prefixes_for(base), void=VOID, dcat=DCAT)
    written = serialize(unique, format=RdfFormat.TURTLE, prefixes=prefixes)
    assert written is not None
    return written.decode()


_FORMAT_NAMES = {"text/turtle": "Turtle", "application/ld+json": "JSON-LD", "application/n-triples": "N-Triples",
                 "application/rdf+xml": "RDF_XML"}


def _class_counts(view: View) -> dict[str, int]:
    rows = view.select("SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES ?class { "
                    + " ".join(str(NamedNode(CKG + name)) for name in _CLASSES)
                    + " } ?x a ?class } GROUP BY ?class")
    return {row["class"].value: int(row["n"].value) for row in rows}



