"""``citykg push``: upload the store to another server with the SPARQL 1.1 Graph Store HTTP Protocol.

One PUT per named graph (each source's graph, the reference data, the ontology, the inferences) and one
for the default graph, which in a citykg store is the de-duplicated union of them all, so that the
remote server answers catalogue queries as the embedded store does, with no union-default-graph
setting. A server without a writable default graph (Virtuoso, whose default graph is the union of its
graphs) gets the named graphs only. An empty PUT to the default graph comes first (after the union is
read, in case the source is the same server): it tells the two kinds of server apart and settles the
credentials before any large body is sent (Virtuoso resets the connection on a large body it refuses
unread).
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from dataclasses import dataclass

from pyoxigraph import DefaultGraph, NamedNode

from .remote import Client, RemoteError


@dataclass(frozen=True)
class PushReport:
    graphs: int
    triples: int
    #: False when the server refused a default graph and got the named graphs only.
    default_graph: bool = True


class _Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, step: int = 1) -> None:
        pass


def push(kg, store_url: str, user: str | None = None, progress=None) -> PushReport:
    """PUT every graph of ``kg``'s source to ``store_url`` (replacing what was there), reporting each graph
    to ``progress`` (a :class:`citykg.build.pipeline.Progress`).

    ``store_url`` is the server's graph store, e.g. ``http://127.0.0.1:7878/store`` for Oxigraph,
    ``http://host:8890/sparql-graph-crud-auth`` for Virtuoso (with ``user``, the password in
    CITYKG_PASSWORD) or ``http://host:3030/ds/data`` for Fuseki.
    """
    from pyoxigraph import RdfFormat, serialize

    client = Client(store_url, user)
    progress = progress or _Silent()
    named = kg.source.named_graphs()
    union = kg.source.triples(DefaultGraph())  # read before the probe empties it (the source may be the target)
    writable = _default_writable(client)
    graphs: list[NamedNode | DefaultGraph] = [DefaultGraph(), *named] if writable else named
    # the bar counts triples, not graphs: one imported data set holds most of the graph
    progress.stage(f"Pushing {len(graphs)} graphs to {client.url} (triples)",
                   total=_named_size(kg) + (len(union) if writable else 0))
    total = 0
    for graph in graphs:
        triples = union if isinstance(graph, DefaultGraph) else kg.source.triples(graph)
        target = _graph_url(client.url, None if isinstance(graph, DefaultGraph) else graph.value)
        body = serialize(triples, format=RdfFormat.N_TRIPLES)
        client.send(urllib.request.Request(target, data=body, method="PUT",
                                           headers={"Content-Type": "application/n-triples"}))
        total += len(triples)
        progress.advance(len(triples))
    return PushReport(len(graphs), total, default_graph=writable)


def _named_size(kg) -> int:
    """The triples of all named graphs, counted by the source in one query."""
    rows = kg.source.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(next(iter(rows))["n"].value)


def _default_writable(client: Client) -> bool:
    """An empty PUT to the default graph (it is replaced next anyway). A server error or a bad request
    (Virtuoso: 500, "contains 'default' param") means it has no writable default graph; no answer,
    missing credentials or a URL that is not a graph store (404, 405) are errors."""
    request = urllib.request.Request(_graph_url(client.url, None), data=b"", method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    try:
        client.send(request)
    except RemoteError as error:
        if error.status is None or error.status != 400 and error.status < 500:
            raise
        return False
    return True


def _graph_url(store_url: str, graph: str | None) -> str:
    """The Graph Store Protocol's indirect identification: ``?default`` or ``?graph=IRI``."""
    joiner = "&" if "?" in store_url else "?"
    if graph is None:
        return store_url + joiner + "default"
    return store_url + joiner + urllib.parse.urlencode({"graph": graph})
