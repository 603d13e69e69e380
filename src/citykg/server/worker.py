"""Inside a query worker process: open one build of the store, then answer jobs from the pool until the pipe
closes (the parent side is :mod:`citykg.server.pool`).

A job is a plain dict (picklable), answered by a :class:`Reply`. Serialising happens here too, because
writing a huge result is work that the time and memory limits must cover as well. The worker first locks
itself down (:mod:`citykg.server.sandbox`): no internet sockets, a memory cap, and it ends with the server.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
from typing import Any

from .protocol import CONTENT_TYPES, GRAPH_TYPES, SOLUTION_TYPES, Refused, Reply, error_reply

#: Jobs answered by :mod:`citykg.server.linked` (pages and entity descriptions).
LINKED_DATA_JOBS = frozenset({"entity", "ontology", "search", "void", "viz"})

#: The exit status of a worker that ran out of memory in Python (a Rust allocation failure aborts: SIGABRT).
MEMORY_EXIT = 3


def serve_jobs(conn, project: str, build: str, max_memory: int) -> None:
    """A worker's life: lock down, open the build, say ready, answer jobs until the pipe closes."""
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
        conn.send(("failed", str(error)))
        return
    conn.send(("ready", warning))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(_answer(kg, job))
        except MemoryError:
            os._exit(MEMORY_EXIT)  # the heap may be in any state: the pool replaces this worker
        except Exception as error:  # noqa: BLE001 - one job's failure is its reply, the worker goes on
            conn.send(error_reply(500, "internal", f"The query could not be answered: {error}"))


def _answer(kg, job: dict[str, Any]) -> Reply:
    from ..errors import CityKGError
    from ..query.catalogue import bind, prologue, with_values
    from ..vocab import PREFIXES

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
            result = kg.run(job["name"], job["params"])
        else:
            result = _query(kg, job)
    except Refused as refusal:
        return error_reply(refusal.status, refusal.kind, str(refusal))
    except CityKGError as error:
        return error_reply(400, "bad-query", str(error))
    return _serialise(result, job["accept"], job["max_rows"])


def _query(kg, job: dict[str, Any]):
    """A protocol query. ``default-graph-uri`` / ``named-graph-uri`` replace the whole dataset, as FROM and
    FROM NAMED do: naming only default graphs leaves no named graph visible, and the other way round.
    Relative IRIs resolve against the endpoint's URL."""
    from pyoxigraph import NamedNode

    from ..errors import QueryError
    from ..store import sparql_syntax_message
    from ..vocab import PREFIXES
    from .protocol import refuse_service

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
