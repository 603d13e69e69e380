"""Namespace IRIs of the citykg vocabulary and the graph names the build writes.

Kept as plain strings so that importing this module costs nothing; callers wrap them in
``pyoxigraph.NamedNode`` where needed.
"""

from __future__ import annotations

CKG = "https://w3id.org/citykg/ontology#"
ID = "https://w3id.org/citykg/id/"
GRAPH = "https://w3id.org/citykg/graph/"

#: Named graph holding the inferences the build materialises (see citykg.build.infer).
INFERRED_GRAPH = GRAPH + "inferred"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"

#: The prefixes every query and every export may use without declaring them.
PREFIXES: dict[str, str] = {
    "ckg": CKG,
    "sector": ID + "sector/",
    "country": ID + "country/",
    "province": ID + "province/",
    "municipality": ID + "municipality/",
    "organization": ID + "organization/",
    "person": ID + "person/",
    "position": ID + "position/",
    "partnership": ID + "partnership/",
    "agreement": ID + "agreement/",
    "event": ID + "event/",
    "venue": ID + "venue/",
    "source": ID + "source/",
    "constraint": ID + "constraint/",
    "ranking-entry": ID + "ranking-entry/",
    "regulation": ID + "regulation/",
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "wd": "http://www.wikidata.org/entity/",
}


def graph_name_for(kind: str, stem: str) -> str:
    """Name of the graph that holds a non-source file's triples (ontology or reference data)."""
    return f"{GRAPH}{kind}/{stem}"


def compact(iri: str) -> str:
    """``https://w3id.org/citykg/ontology#partner`` → ``ckg:partner``: how messages name things."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, name = namespace, f"{prefix}:{iri[len(namespace):]}"
    return name if best else f"<{iri}>"
