"""Queries of the HTTP endpoint run in a pool of worker processes that can be killed.

Why processes: pyoxigraph cannot cancel a query from Python (STACK.md: a cross product ignored SIGINT for
13 minutes, SIGALRM fires only after the query ends), so the only time limit that really stops the work
is to kill the process doing it. Each worker opens the store read-only once and answers jobs over a pipe;
a worker that overruns the limit is killed and a fresh one is started in the background, so one bad
query costs one worker for a moment, never the server.

A job is a plain dict (picklable), answered by a :class:`Reply`. Serialising happens in the worker too,
because writing a huge result is work that the time limit must cover as well.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import queue
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .protocol import CONTENT_TYPES, GRAPH_TYPES, SOLUTION_TYPES


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


class PoolError(Exception):
    """The pool could not answer: ``reply`` says why (time limit, busy, worker lost)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.body.decode())
        self.reply = reply


class _Worker:
    def __init__(self, context, project: Path, store: Path) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve_jobs, args=(child, str(project), str(store)),
                                       daemon=True, name="citykg-query-worker")
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float) -> None:
        if not self.conn.poll(seconds):
            self.kill()
            raise RuntimeError("a query worker did not start in time")
        message = self.conn.recv()
        if message != "ready":
            self.kill()
            raise RuntimeError(str(message))

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """``size`` worker processes over one store; :meth:`run` gives each job ``timeout`` seconds."""

    def __init__(self, project: Path, store: Path, size: int, timeout: float) -> None:
        self._context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._project, self._store = project, store
        self.size, self.timeout = size, timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        workers = [_Worker(self._context, project, store) for _ in range(size)]
        for worker in workers:
            worker.wait_ready(60)
            self._idle.put(worker)

    def run(self, job: dict[str, Any]) -> Reply:
        """Run one job; raises PoolError with a 503 reply when the limit is hit or no worker frees up."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolError(error_reply(503, "busy", f"All {self.size} query workers stayed busy for "
                                        f"{self.timeout:g} s; try again later.")) from None
        try:
            worker.conn.send(job)
            if worker.conn.poll(self.timeout):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError):
            self._replace(worker)
            raise PoolError(error_reply(500, "worker-lost", "The query worker stopped unexpectedly; "
                                        "the query was not answered.")) from None
        self._replace(worker)
        raise PoolError(error_reply(503, "timeout", f"The query ran longer than the time limit of "
                                    f"{self.timeout:g} s and was stopped."))

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker now and start its successor in the background, so the reply is not delayed."""
        worker.process.kill()

        def restart() -> None:
            worker.kill()
            if self._closed:
                return
            try:
                fresh = _Worker(self._context, self._project, self._store)
                fresh.wait_ready(60)
            except Exception as error:  # noqa: BLE001 - logged: the pool goes on with one worker fewer
                print(f"citykg serve: could not restart a query worker: {error}", file=sys.stderr)
                return
            self._idle.put(fresh)

        threading.Thread(target=restart, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


# ---------------------------------------------------------------- inside a worker process

def _serve_jobs(conn, project: str, store: str) -> None:
    """A worker's life: open the store, say ready, answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then ends its workers
    try:
        from ..kg import KnowledgeGraph

        kg = KnowledgeGraph(project, store)
        kg.store  # noqa: B018 - open now, so that a missing store fails at start-up, not on a query
    except Exception as error:  # noqa: BLE001 - reported to the parent as the reason
        conn.send(str(error))
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = _answer(kg, job)
        except Exception as error:  # noqa: BLE001 - one job's failure is its reply, the worker goes on
            reply = error_reply(500, "internal", f"The query could not be answered: {error}")
        conn.send(reply)


def _answer(kg, job: dict[str, Any]) -> Reply:
    from ..errors import CityKGError
    from ..query.catalogue import bind, prologue, with_values
    from ..vocab import PREFIXES

    try:
        if job["kind"] == "bind":
            query = kg.catalogue()[job["name"]]
            text = with_values(query.sparql, bind(query, job["params"], kg.resolve))
            return Reply(200, (prologue(_used_prefixes(text, PREFIXES)) + text).encode(),
                         "application/sparql-query; charset=utf-8")
        if job["kind"] == "catalogue":
            result = kg.run(job["name"], job["params"])
        else:
            result = _query(kg, job)
    except CityKGError as error:
        return error_reply(400, "bad-query", str(error))
    return _serialise(result, job["accept"], job["max_rows"])


def _query(kg, job: dict[str, Any]):
    """A protocol query; the dataset parameters (default-graph-uri, named-graph-uri) are honoured."""
    if not job.get("default_graphs") and not job.get("named_graphs"):
        return kg.query(job["text"])
    return kg.source.query(job["text"], default_graphs=job.get("default_graphs"),
                           named_graphs=job.get("named_graphs"))


def _serialise(result, accept: list[str], max_rows: int) -> Reply:
    """Write the result in the first accepted media type that fits its kind, at most ``max_rows`` rows.

    A capped result says so in the ``CityKG-Truncated`` header (the standard results formats have no
    place for it).
    """
    from pyoxigraph import (
        QueryBoolean,
        QueryResultsFormat,
        QuerySolutions,
        RdfFormat,
        parse_query_results,
        serialize,
    )

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
    elif isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = list(itertools.islice(result, max_rows + 1))
        if len(rows) > max_rows:
            rows, headers["CityKG-Truncated"] = rows[:max_rows], str(max_rows)
        body = _solutions_json(variables, rows)
        if chosen != "JSON":
            body = parse_query_results(body, format=QueryResultsFormat.JSON).serialize(
                format=getattr(QueryResultsFormat, chosen))
    else:
        triples = list(itertools.islice(result, max_rows + 1))
        if len(triples) > max_rows:
            triples, headers["CityKG-Truncated"] = triples[:max_rows], str(max_rows)
        body = serialize(triples, format=getattr(RdfFormat, chosen))
    assert body is not None  # serialize() returns the bytes when it is given no output
    return Reply(200, body, CONTENT_TYPES[chosen], headers)


def _solutions_json(variables: list[str], rows: list) -> bytes:
    """SPARQL 1.1 Query Results JSON for the rows kept (pyoxigraph serialises only whole results)."""
    bindings = []
    for row in rows:
        cells = {}
        for name in variables:
            term = row[name]
            if term is not None:
                cells[name] = _term_json(term)
        bindings.append(cells)
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode()


def _term_json(term) -> dict[str, Any]:
    from pyoxigraph import BlankNode, Literal, NamedNode

    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        cell: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            cell["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            cell["datatype"] = term.datatype.value
        return cell
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


def _used_prefixes(text: str, prefixes: dict[str, str]) -> dict[str, str]:
    import re

    from ..query.catalogue import mask

    masked = mask(text)
    return {name: iri for name, iri in prefixes.items() if re.search(rf"(?<![\w?$:-]){re.escape(name)}:", masked)}

