"""Inside a query worker process: open one build of the store, then answer jobs from the pool until its
socket closes (the parent side is :mod:`citykg.server.pool`; the frames are :mod:`citykg.server.wire`'s).

A job is a plain dict (sent as JSON), answered by a :class:`Reply` that the worker writes to the client
itself. Serialising happens here too, in Rust (pyoxigraph's writers), because writing a huge result is work
that the time and memory limits must cover as well. The worker first locks
itself down (:mod:`citykg.server.sandbox`): no internet sockets, a memory cap, and it ends with the server.
"""

from __future__ import annotations

import functools
import itertools
import os
import signal
import socket
from typing import Any

from pyoxigraph import NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, parse_query_results
from pyoxigraph import serialize as serialize_triples

from ..errors import CityKGError, QueryError
from ..query.catalogue import bind, prologue, with_values
from ..vocab import PREFIXES
from .protocol import CONTENT_TYPES, GRAPH_TYPES, SOLUTION_TYPES, Refused, Reply, error_reply, refuse_service
from .wire import decode_job, recv_frame, response_bytes, send_frame

#: Jobs answered by :mod:`citykg.server.linked` (pages and entity descriptions).
LINKED_DATA_JOBS = frozenset({"entity", "ontology", "search", "void", "viz"})

#: The exit status of a worker that ran out of memory in Python (a Rust allocation failure aborts: SIGABRT).
MEMORY_EXIT = 3


def serve_jobs(sock, writing, project: str, build: str, max_memory: int) -> None:
    """A worker's life: lock down, open the build, say ready, answer jobs until the server's socket closes.

    A job arrives as one frame with the client's connection attached; the answer is written to the client
    from here, without blocking (``writing`` is set first, so that the server knows not to answer a
    request this worker has begun answering), and what the socket could not take at once goes back to
    the server in the ``done`` frame, so a slow reader holds the server's thread, never a worker.
    """
    from . import sandbox

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then ends its workers
    sandbox.die_with_parent()
    warning = None
    try:
        sandbox.forbid_network()
    except sandbox.SandboxUnavailable as error:
        warning = f"query workers can open network connections ({error}); SERVICE is still refused"
    try:
        sandbox.limit_memory(max_memory)
        from ..kg import KnowledgeGraph

        kg = KnowledgeGraph(project, build)
        kg.store  # noqa: B018 - open now, so that a missing store fails at start-up, not on a query
    except Exception as error:  # noqa: BLE001 - reported to the parent as the reason
        send_frame(sock, b"F", 0, str(error).encode())
        return
    send_frame(sock, b"R", 0, (warning or "").encode())
    while True:
        try:
            _, _, payload, fds = recv_frame(sock)
        except (EOFError, OSError):
            return
        try:
            job, framing, family = decode_job(payload)
            try:
                reply = _answer(kg, job)
            except Exception as error:  # noqa: BLE001 - one job's failure is its reply, the worker goes on
                reply = error_reply(500, "internal", f"The query could not be answered: {error}")
            data = response_bytes(reply, framing)
        except MemoryError:
            os._exit(MEMORY_EXIT)  # the heap may be in any state: the server replaces this worker
        rest, gone = _write(socket.socket(family, socket.SOCK_STREAM, 0, fds[0]), data, writing)
        send_frame(sock, b"G" if gone else b"D", reply.status, rest)


def _write(connection: socket.socket, data: bytes, writing) -> tuple[bytes, bool]:
    """Send what the client's socket takes now; returns (the rest, whether the client has gone)."""
    writing.value = 1
    sent = 0
    with connection:  # closes this process's copy of the connection
        view = memoryview(data)
        try:
            while sent < len(data):
                sent += connection.send(view[sent:], socket.MSG_DONTWAIT)
        except BlockingIOError:
            pass
        except OSError:
            return b"", True
    return data[sent:], False


def _answer(kg, job: dict[str, Any]) -> Reply:
    try:
        if job["kind"] in LINKED_DATA_JOBS:
            from .linked import answer

            return answer(kg, job)
        if job["kind"] == "bind":
            query = kg.catalogue()[job["name"]]
            text = with_values(query.sparql, bind(query, job["params"], kg.resolve))
            return Reply(200, (prologue(_used_prefixes(text, PREFIXES)) + text).encode(),
                         "application/sparql-query; charset=utf-8")
        if job["kind"] == "catalogue":
            def evaluate():
                return kg.run(job["name"], job["params"])
        else:
            def evaluate():
                return _query(kg, job)
        result = evaluate()
    except Refused as refusal:
        return error_reply(refusal.status, refusal.kind, str(refusal))
    except CityKGError as error:
        return error_reply(400, "bad-query", str(error))
    return _serialise(result, job["accept"], job["max_rows"], evaluate)


def _query(kg, job: dict[str, Any]):
    """A protocol query. ``default-graph-uri`` / ``named-graph-uri`` replace the whole dataset, as FROM and
    FROM NAMED do: naming only default graphs leaves no named graph visible, and the other way round.
    Relative IRIs resolve against the endpoint's URL."""
    from ..store import sparql_syntax_message

    refuse_service(job["text"])
    dataset = {}
    if job["default_graphs"] or job["named_graphs"]:
        try:
            dataset = {"default_graph": [NamedNode(iri) for iri in job["default_graphs"]],
                       "named_graphs": [NamedNode(iri) for iri in job["named_graphs"]]}
        except ValueError as error:
            raise QueryError(f"A default-graph-uri or named-graph-uri is not an IRI: {error}") from None
    try:
        return kg.store.query(job["text"], base_iri=job["base"], prefixes=PREFIXES, **dataset)
    except SyntaxError as error:
        raise QueryError(sparql_syntax_message(str(error))) from None
    except (RuntimeError, OSError, ValueError) as error:
        raise QueryError(f"The query failed: {error}") from None


def _serialise(result, accept: list[str], max_rows: int, evaluate) -> Reply:
    """Write the result in the first accepted media type that fits its kind, at most ``max_rows`` rows.

    A capped result says so in the ``CityKG-Truncated`` header (the standard results formats have no
    place for it).
    """
    is_graph = not isinstance(result, (QuerySolutions, QueryBoolean))
    table = GRAPH_TYPES if is_graph else SOLUTION_TYPES
    chosen = next((table[media] for media in accept if media in table), None)
    if chosen is None:
        kind = "CONSTRUCT or DESCRIBE" if is_graph else "SELECT or ASK"
        return error_reply(406, "not-acceptable", f"None of the accepted media types ({', '.join(accept)}) "
                           f"fits a {kind} result; this endpoint gives {', '.join(sorted(table))}.")
    headers: dict[str, str] = {}
    if isinstance(result, QueryBoolean):
        body = result.serialize(format=getattr(QueryResultsFormat, chosen))
    elif isinstance(result, QuerySolutions) and chosen in _row_markers() and (
            (body := _written_whole(result, chosen, max_rows)) is not None):
        pass
    elif isinstance(result, QuerySolutions):
        if chosen in _row_markers():  # it may have more rows than the cap: evaluated again, to be cut
            result = evaluate()
        table_text, capped = _rows_as_tsv(result, max_rows)
        if capped:
            headers["CityKG-Truncated"] = str(max_rows)
        body = table_text if chosen == "TSV" else parse_query_results(
            table_text, format=QueryResultsFormat.TSV).serialize(format=getattr(QueryResultsFormat, chosen))
    else:
        triples = list(itertools.islice(result, max_rows + 1))
        if len(triples) > max_rows:
            triples, headers["CityKG-Truncated"] = triples[:max_rows], str(max_rows)
        body = serialize_triples(triples, format=getattr(RdfFormat, chosen))
    assert body is not None  # serialize() returns the bytes when it is given no output
    return Reply(200, body, CONTENT_TYPES[chosen], headers)


class _EnoughRows(Exception):
    pass


#: What pyoxigraph's writer puts between two solutions (JSON; a literal may contain it too, so it counts at
#: least the solutions there are) or at the start of each one (XML, which escapes ``<`` in text: exact).
_ROW_MARKERS = {"JSON": (b"},{", 1), "XML": (b"<result>", 0)}


@functools.cache
def _row_markers() -> dict[str, tuple[bytes, int]]:
    """The formats of _ROW_MARKERS whose markers this pyoxigraph writes as counted (three solutions: two JSON
    separators, three XML results), checked once per worker; the others are cut through TSV. A pyoxigraph
    that wrote them otherwise would else let every answer in that format pass the row cap uncounted."""
    from pyoxigraph import Store

    written = {}
    for name, (marker, between) in _ROW_MARKERS.items():
        body = Store().query("SELECT ?x WHERE { VALUES ?x { 1 2 3 } }").serialize(
            format=getattr(QueryResultsFormat, name))
        if body is not None and body.count(marker) == 3 - between:
            written[name] = (marker, between)
    return written


class _MarkerCounter:
    """A binary output that keeps what pyoxigraph writes and stops it once ``limit`` markers are seen."""

    def __init__(self, marker: bytes, limit: int) -> None:
        self.parts: list[bytes] = []
        self.marker, self.limit, self.seen, self.tail = marker, limit, 0, b""

    def write(self, data) -> int:
        if self.seen >= self.limit:  # the writer's buffer, flushed again as it is dropped
            return len(data)
        chunk = bytes(data)
        self.parts.append(chunk)
        self.seen += (self.tail + chunk).count(self.marker)  # a marker may straddle two chunks
        self.tail = chunk[-(len(self.marker) - 1):]
        if self.seen >= self.limit:
            raise _EnoughRows
        return len(chunk)

    def flush(self) -> None:
        pass


def _written_whole(result, chosen: str, max_rows: int) -> bytes | None:
    """The solutions written in ``chosen`` by pyoxigraph directly, or None if there may be more than
    ``max_rows`` of them (the writer is stopped there; the caller evaluates again and cuts the rows).

    The common answer, under the cap, so costs one Rust pass; writing TSV first and converting it cost
    more than some queries do.
    """
    marker, between = _row_markers()[chosen]
    counter = _MarkerCounter(marker, max_rows + 1 - between)
    try:
        result.serialize(counter, format=getattr(QueryResultsFormat, chosen))
    except _EnoughRows:
        return None
    except OSError as error:  # pyoxigraph may report the writer's exception as an I/O error
        if counter.seen >= counter.limit:
            return None
        raise error from None
    return b"".join(counter.parts)


class _LineCounter:
    """A binary output for pyoxigraph's TSV writer that stops it once ``limit`` lines are written."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.lines, self.limit = 0, limit

    def write(self, data) -> int:
        if self.lines > self.limit:  # the writer's buffer, flushed again as it is dropped
            return len(data)
        chunk = bytes(data)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _EnoughRows
        return len(chunk)

    def flush(self) -> None:
        pass


def _rows_as_tsv(result, max_rows: int) -> tuple[bytes, bool]:
    """The solutions as SPARQL TSV (header and at most ``max_rows`` rows), and whether rows were left out.

    pyoxigraph writes only whole results, so the rows are written as TSV (one line per row: newlines in
    literals are escaped) by its Rust writer into a counter that stops it after the cap; the other formats
    are then written from that table, again in Rust. Building the JSON cell by cell in Python cost more than
    the query for most small answers.
    """
    counter = _LineCounter(max_rows + 1)  # the header line, then the rows
    try:
        result.serialize(counter, format=QueryResultsFormat.TSV)
    except _EnoughRows:
        pass
    except OSError as error:  # pyoxigraph may report the writer's exception as an I/O error
        if not isinstance(error.__cause__ or error.__context__, _EnoughRows) and counter.lines <= max_rows + 1:
            raise
    text = b"".join(counter.parts)
    if counter.lines <= max_rows + 1:
        return text, False
    end = -1
    for _ in range(max_rows + 1):
        end = text.index(b"\n", end + 1)
    return text[:end + 1], True


def _used_prefixes(text: str, prefixes: dict[str, str]) -> dict[str, str]:
    import re

    from ..query.catalogue import mask

    masked = mask(text)
    return {name: iri for name, iri in prefixes.items() if re.search(rf"(?<![\w?$:-]){re.escape(name)}:", masked)}
