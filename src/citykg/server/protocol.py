"""The SPARQL 1.1 Protocol rules of the endpoint, apart from the HTTP plumbing: what a request asks for
(content negotiation), what is refused before any work is done (updates, SERVICE), and the service
description.

SERVICE is refused from the query's parse tree (rdflib's SPARQL parser: pyoxigraph has no parser of its own
for Python), so every spelling the grammar allows is caught: any case, after a ``.`` or a comment, with
``SILENT``, a variable or a prefixed name, in a nested group or a sub-select, written with ``\\u`` escapes.
pyoxigraph would really make the outbound request (STACK.md); the query workers also cannot open an
internet socket at all (:mod:`citykg.server.sandbox`), so this refusal is the clear message, not the only
guard.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field

from ..query.catalogue import mask


@dataclass
class Reply:
    """What a worker answers: an HTTP status, a body and its type, and extra headers."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def error_reply(status: int, kind: str, message: str) -> Reply:
    """Every error the endpoint gives: a status and a JSON body ``{"status", "error", "message"}``."""
    body = json.dumps({"status": status, "error": kind, "message": message}).encode()
    return Reply(status, body)

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
    # What SPARQLWrapper asks for Turtle, N3 and JSON-LD: Turtle is a subset of N3, so it answers N3 too.
    "application/turtle": "TURTLE", "text/n3": "TURTLE", "text/rdf+n3": "TURTLE", "application/n3": "TURTLE",
    "application/x-json+ld": "JSON_LD",
}
#: The Content-Type sent for each format.
CONTENT_TYPES = {
    "JSON": "application/sparql-results+json", "XML": "application/sparql-results+xml",
    "CSV": "text/csv; charset=utf-8", "TSV": "text/tab-separated-values; charset=utf-8",
    "TURTLE": "text/turtle; charset=utf-8", "N_TRIPLES": "application/n-triples",
    "JSON_LD": "application/ld+json", "RDF_XML": "application/rdf+xml",
}

#: ``format=`` shorthands (as in Fuseki, SPARQLWrapper and the CLI) → the media types they stand for, one
#: per result kind where the name fits both (SPARQLWrapper sends ``format=xml`` for a CONSTRUCT in RDF/XML).
FORMAT_NAMES = {
    "json": ["application/sparql-results+json", "application/ld+json"],
    "xml": ["application/sparql-results+xml", "application/rdf+xml"],
    "csv": ["text/csv"], "tsv": ["text/tab-separated-values"],
    "ttl": ["text/turtle"], "turtle": ["text/turtle"], "n3": ["text/turtle"],
    "nt": ["application/n-triples"], "ntriples": ["application/n-triples"],
    "jsonld": ["application/ld+json"], "json-ld": ["application/ld+json"],
    "rdfxml": ["application/rdf+xml"], "rdf+xml": ["application/rdf+xml"],
}
#: What ``*/*`` (or no Accept header) means: JSON for solutions, Turtle for graphs.
DEFAULTS = ["application/sparql-results+json", "text/turtle"]

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_PROLOGUE_THEN_FORM = re.compile(r"^(?:\s*(?:BASE\b|PREFIX\s*[\w.-]*:))*\s*([A-Za-z]+)", re.IGNORECASE)
#: The same on the raw text, for the usual prologue (declarations with plain IRIs, comments): reading it
#: this way skips masking a long query whole, which cost more than the rest of routing.
_PLAIN_PROLOGUE_THEN_FORM = re.compile(
    r"^(?:\s+|#[^\n]*(?:\n|$)|BASE\s*<[^<>\"{}|^`\\\x00-\x20]*>|PREFIX\s*[\w.-]*:\s*<[^<>\"{}|^`\\\x00-\x20]*>)*"
    r"([A-Za-z]+)(?![\w:-])", re.IGNORECASE)
#: The fallback when rdflib cannot parse a query pyoxigraph may accept: SERVICE as a word, not a variable.
_SERVICE_WORD = re.compile(r"(?<![\w?$])SERVICE(?![\w])", re.IGNORECASE)
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
SERVICE_REFUSAL = "SERVICE (federated query) is refused: this endpoint makes no outbound requests."


class Refused(Exception):
    """A request the endpoint will not run; ``status`` and ``kind`` go into the JSON error body."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind = status, kind


def check_query(text: str) -> None:
    """Refuse updates (LOAD included) before they cost anything; pyoxigraph's query parser would reject
    them too, but with a syntax error instead of the reason."""
    form = _PLAIN_PROLOGUE_THEN_FORM.match(text) or _PROLOGUE_THEN_FORM.match(mask(text))
    if form and form.group(1).upper() in UPDATE_KEYWORDS:
        raise Refused(403, "update-refused", f"SPARQL Update ({form.group(1).upper()}) is refused: "
                      "this endpoint is read-only.")


def refuse_service(text: str) -> None:
    """Refuse a query whose parse tree has a SERVICE pattern (raises :class:`Refused`, 403).

    Runs in the query worker, under its time and memory limits, since parsing a hostile text costs.
    Escapes (``\\u0053ERVICE``) are undone first, as the SPARQL grammar says and pyoxigraph does; a
    query without the letters "service" anywhere cannot have the keyword and skips the parser.
    """
    text = _CODEPOINT_ESCAPE.sub(_codepoint, text)
    if "service" in text.lower() and _has_service(text):
        raise Refused(403, "service-refused", SERVICE_REFUSAL)


def _codepoint(match: re.Match[str]) -> str:
    number = int(match.group(1) or match.group(2), 16)
    return chr(number) if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else match.group()


@functools.lru_cache(maxsize=256)
def _has_service(text: str) -> bool:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except (ParseException, RecursionError, ValueError, TypeError):
        # rdflib's grammar and pyoxigraph's differ at the edges: be strict where rdflib cannot tell.
        return _SERVICE_WORD.search(mask(text)) is not None
    return _tree_has_service(tree)


def _tree_has_service(node: object) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    return False


def accepted(accept_header: str | None, format_name: str | None) -> list[str]:
    """Media types the client takes, best first (q-values honoured, wildcards expanded to ours).

    A ``format`` parameter comes before the header, so a browser link can ask for CSV; a format name this
    endpoint does not know is left to the Accept header (clients such as SPARQLWrapper send both).
    """
    header = _accept_header(accept_header)
    if not format_name:
        return header
    named = FORMAT_NAMES.get(format_name.lower(), [format_name.lower()])
    named = [media for media in named if media in SOLUTION_TYPES or media in GRAPH_TYPES]
    if not named and not accept_header:
        raise Refused(400, "bad-format", f"Unknown format {format_name!r}; use one of "
                      f"{', '.join(sorted(FORMAT_NAMES))} or a media type.")
    return [*named, *(media for media in header if media not in named)]


def _accept_header(accept_header: str | None) -> list[str]:
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
