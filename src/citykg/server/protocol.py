"""The SPARQL 1.1 Protocol rules of the endpoint, apart from the HTTP plumbing: what a request asks for
(content negotiation), what is refused before any work is done (updates, SERVICE), and the service
description.

Refusals look at the query text with comments, strings and IRIs blanked out (:func:`citykg.query.catalogue.mask`),
so ``"SERVICE"`` inside a label is allowed while ``SERVICE <http://…>`` is not. pyoxigraph would really
make the outbound request for SERVICE (STACK.md), hence the check before the query reaches a worker.
"""

from __future__ import annotations

import re

from ..query.catalogue import mask

#: Media types a SELECT/ASK result can be written in, and the pyoxigraph QueryResultsFormat name.
SOLUTION_TYPES = {
    "application/sparql-results+json": "JSON", "application/json": "JSON",
    "application/sparql-results+xml": "XML", "application/xml": "XML", "text/xml": "XML",
    "text/csv": "CSV", "text/tab-separated-values": "TSV",
}
#: Media types a CONSTRUCT/DESCRIBE result can be written in, and the pyoxigraph RdfFormat name.
GRAPH_TYPES = {
    "text/turtle": "TURTLE", "application/x-turtle": "TURTLE", "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES", "application/ld+json": "JSON_LD", "application/rdf+xml": "RDF_XML",
}
#: The Content-Type sent for each format.
CONTENT_TYPES = {
    "JSON": "application/sparql-results+json", "XML": "application/sparql-results+xml",
    "CSV": "text/csv; charset=utf-8", "TSV": "text/tab-separated-values; charset=utf-8",
    "TURTLE": "text/turtle; charset=utf-8", "N_TRIPLES": "application/n-triples",
    "JSON_LD": "application/ld+json", "RDF_XML": "application/rdf+xml",
}

#: ``format=`` shorthands (as in Fuseki and the CLI) → the media type they stand for.
FORMAT_NAMES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle", "turtle": "text/turtle",
    "nt": "application/n-triples", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
#: What ``*/*`` (or no Accept header) means: JSON for solutions, Turtle for graphs.
DEFAULTS = ["application/sparql-results+json", "text/turtle"]

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_PROLOGUE_THEN_FORM = re.compile(r"^(?:\s*(?:BASE\b|PREFIX\s*[\w.-]*:))*\s*([A-Za-z]+)", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:.-])", re.IGNORECASE)


class Refused(Exception):
    """A request the endpoint will not run; ``status`` and ``kind`` go into the JSON error body."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind = status, kind


def check_query(text: str) -> None:
    """Refuse updates (LOAD included) and federated queries before they cost anything."""
    masked = mask(text)
    form = _PROLOGUE_THEN_FORM.match(masked)
    if form and form.group(1).upper() in UPDATE_KEYWORDS:
        raise Refused(403, "update-refused", f"SPARQL Update ({form.group(1).upper()}) is refused: "
                      "this endpoint is read-only.")
    if _SERVICE.search(masked):
        raise Refused(403, "service-refused", "SERVICE (federated query) is refused: this endpoint makes "
                      "no outbound requests.")


def accepted(accept_header: str | None, format_name: str | None) -> list[str]:
    """Media types the client takes, best first (q-values honoured, wildcards expanded to ours).

    A ``format`` parameter wins over the header, so a browser link can ask for CSV.
    """
    if format_name:
        media = FORMAT_NAMES.get(format_name.lower(), format_name.lower())
        if media not in SOLUTION_TYPES and media not in GRAPH_TYPES:
            raise Refused(400, "bad-format", f"Unknown format {format_name!r}; use one of "
                          f"{', '.join(sorted(FORMAT_NAMES))} or a media type.")
        return [media]
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_header or "*/*").split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, position, media.lower()))
    ours = [*DEFAULTS, *SOLUTION_TYPES, *GRAPH_TYPES]
    result: list[str] = []
    for _, _, media in sorted(ranges):
        kind, _, _ = media.partition("/")
        matches = ours if media == "*/*" else [m for m in ours if m.startswith(kind + "/")] \
            if media.endswith("/*") else [media]
        result.extend(m for m in matches if m not in result)
    return result


def service_description(endpoint: str, formats: str) -> bytes:
    """A SPARQL 1.1 Service Description of this endpoint, in the RDF format ``formats`` names."""
    from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

    sd = "http://www.w3.org/ns/sparql-service-description#"
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service, dataset, graph = NamedNode(endpoint), BlankNode("dataset"), BlankNode("defaultGraph")
    triples = [
        Triple(service, rdf_type, NamedNode(sd + "Service")),
        Triple(service, NamedNode(sd + "endpoint"), service),
        Triple(service, NamedNode(sd + "supportedLanguage"), NamedNode(sd + "SPARQL11Query")),
        Triple(service, NamedNode(sd + "feature"), NamedNode(sd + "UnionDefaultGraph")),
        Triple(service, NamedNode(sd + "defaultDataset"), dataset),
        Triple(dataset, rdf_type, NamedNode(sd + "Dataset")),
        Triple(dataset, NamedNode(sd + "defaultGraph"), graph),
        Triple(graph, rdf_type, NamedNode(sd + "Graph")),
        Triple(service, NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
               Literal("citykg read-only SPARQL 1.1 endpoint: the default graph is the de-duplicated union of "
                       "all named graphs (one per source document).", language="en")),
    ]
    result_formats = {"JSON": "SPARQL_Results_JSON", "XML": "SPARQL_Results_XML", "CSV": "SPARQL_Results_CSV",
                      "TSV": "SPARQL_Results_TSV", "TURTLE": "Turtle", "N_TRIPLES": "N-Triples",
                      "JSON_LD": "JSON-LD", "RDF_XML": "RDF_XML"}
    triples += [Triple(service, NamedNode(sd + "resultFormat"),
                       NamedNode("http://www.w3.org/ns/formats/" + name)) for name in result_formats.values()]
    data = serialize(triples, format=getattr(RdfFormat, formats))
    assert data is not None  # serialize() returns the bytes when it is given no output
    return data
