"""Any SPARQL 1.1 endpoint in place of the embedded store: ``citykg query --endpoint URL`` and
``citykg push --endpoint URL``.

Queries go over the SPARQL 1.1 Protocol (a form-encoded POST, which every server accepts) and come back
as SPARQL JSON results or N-Triples, parsed with pyoxigraph into the same result objects the embedded
store gives, so rendering and the catalogue work unchanged. A remote endpoint has no pyoxigraph
substitutions: catalogue values travel in a ``VALUES`` block built from the terms' N-Triples form
(:func:`citykg.query.catalogue.with_values`; chosen over rdflib's ``initBindings``, which appends the block at
the end of the query, where a FILTER inside the query cannot see it). The citykg prefixes are declared
in a prologue, since a foreign endpoint knows none of them.

``push`` uploads the store with the SPARQL 1.1 Graph Store HTTP Protocol: one PUT per named graph (each
source's graph, the reference data, the ontology, the inferences) and one for the default graph, which in
a citykg store is the de-duplicated union of them all. The remote server then answers catalogue queries
as the embedded store does, with no union-default-graph setting needed.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from pyoxigraph import DefaultGraph, NamedNode, QuerySolutions, Triple

from ..errors import CityKGError, QueryError
from ..store import QueryResult, Term
from ..vocab import PREFIXES
from .catalogue import prologue, with_values

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
TIMEOUT = 60


class RemoteError(CityKGError):
    """The remote endpoint cannot be reached or refused the request."""


class RemoteEndpoint:
    """The query source of a :class:`citykg.KnowledgeGraph` built with ``endpoint=URL``: the same three
    calls as :class:`citykg.store.EmbeddedStore`, over the SPARQL 1.1 Protocol."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = _check_url(endpoint)

    def query(self, sparql: str, bindings: dict[str, Term] | None = None) -> QueryResult:
        """Run a query on the endpoint, values bound in a VALUES block, citykg prefixes predeclared."""
        text = prologue(PREFIXES) + with_values(sparql, bindings or {})
        data = urllib.parse.urlencode({"query": text}).encode()
        request = urllib.request.Request(self.endpoint, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT})
        body, content_type = _send(request)
        return _parse(body, content_type, self.endpoint)

    def named_graphs(self) -> list[NamedNode]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, QuerySolutions)
        return sorted((row["g"] for row in rows if isinstance(row["g"], NamedNode)), key=lambda g: g.value)

    def triples(self, graph: NamedNode | DefaultGraph) -> list[Triple]:
        if isinstance(graph, DefaultGraph):
            answer = self.query("CONSTRUCT WHERE { ?s ?p ?o }")
        else:
            answer = self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
        if not isinstance(answer, list):  # _parse gives a CONSTRUCT's answer as a list of triples
            raise QueryError(f"{self.endpoint} did not answer a CONSTRUCT with triples.")
        return answer


def _parse(body: bytes, content_type: str, endpoint: str) -> QueryResult:
    from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

    media = content_type.split(";")[0].strip().lower()
    if media in ("application/sparql-results+json", "application/json"):
        return parse_query_results(body, format=QueryResultsFormat.JSON)
    if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
        return parse_query_results(body, format=QueryResultsFormat.XML)
    graph_formats = {"application/n-triples": RdfFormat.N_TRIPLES, "text/plain": RdfFormat.N_TRIPLES,
                     "text/turtle": RdfFormat.TURTLE}
    if media in graph_formats:
        return [quad.triple for quad in parse(body, format=graph_formats[media])]
    raise QueryError(f"{endpoint} answered in {media or 'an unnamed format'}, which citykg cannot read.")


@dataclass(frozen=True)
class PushReport:
    graphs: int
    triples: int


def push(kg, store_url: str) -> PushReport:
    """PUT every graph of the local store to a Graph Store Protocol endpoint (replacing what was there).

    ``store_url`` is the server's graph store, e.g. ``http://127.0.0.1:7878/store`` for Oxigraph or
    ``http://host:3030/ds/data`` for Fuseki.
    """
    from pyoxigraph import RdfFormat, serialize

    url = _check_url(store_url)
    graphs: list[NamedNode | DefaultGraph] = [DefaultGraph(), *kg.source.named_graphs()]
    total = 0
    for graph in graphs:
        triples = kg.source.triples(graph)
        target = _graph_url(url, None if isinstance(graph, DefaultGraph) else graph.value)
        request = urllib.request.Request(target, data=serialize(triples, format=RdfFormat.N_TRIPLES),
                                         method="PUT", headers={"Content-Type": "application/n-triples"})
        _send(request)
        total += len(triples)
    return PushReport(len(graphs), total)


def _graph_url(store_url: str, graph: str | None) -> str:
    """The Graph Store Protocol's indirect identification: ``?default`` or ``?graph=IRI``."""
    joiner = "&" if "?" in store_url else "?"
    if graph is None:
        return store_url + joiner + "default"
    return store_url + joiner + urllib.parse.urlencode({"graph": graph})


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"{url!r} is not an http(s) URL of a SPARQL endpoint.")
    return url


def _send(request: urllib.request.Request) -> tuple[bytes, str]:
    """Send one request; every failure becomes one sentence naming the URL and the server's reason."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        detail = _error_detail(error.read())
        raise RemoteError(f"{request.full_url} answered {error.code} {error.reason}"
                          f"{': ' + detail if detail else ''}.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RemoteError(f"Cannot reach {request.full_url}: {reason}.") from None


def _error_detail(body: bytes) -> str:
    """The server's own explanation: a citykg JSON error's message, else the first line of the text."""
    import json

    text = body.decode("utf-8", "replace").strip()
    try:
        return str(json.loads(text)["message"]).rstrip(".")
    except (ValueError, KeyError, TypeError):
        return text.splitlines()[0][:300].rstrip(".") if text else ""
