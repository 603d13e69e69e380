"""Run a query so that it can be stopped: by Ctrl-C at any time, and by a time limit when one is given.

pyoxigraph has no cancellation, and a query running on the main thread does not see SIGINT until it ends
(STACK.md: a cross product ignored it for 13 minutes). Its queries release the GIL, though, so
:func:`interruptible` runs the work in a worker thread while the main thread waits, free to take Ctrl-C;
the caller then ends the process, and the abandoned thread with it.

A time limit must really stop the work, and only killing a process does that. :func:`in_child` forks a
child that runs the query and sends the answer back through a pipe (SPARQL JSON results, or N-Triples for
a graph, both of which keep every term's datatype and language), and kills it when the time is up. The
child is made only when a limit is asked for: a plain query pays nothing for it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import TypeVar

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from ..errors import CityKGError, QueryError

T = TypeVar("T")


def interruptible(work: Callable[[], T]) -> T:
    """``work()``, run in a daemon thread so that a KeyboardInterrupt reaches the caller at once."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread, raised there
            outcome["error"] = _detached(error)

    thread = threading.Thread(target=target, name="citykg-query", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.1)  # a short wait, so that the signal handler runs between waits
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _detached(error: BaseException) -> BaseException:
    """The error without its tracebacks, whose frames hold the query's results: pyoxigraph's result objects
    must be dropped on the thread that made them (``QuerySolutions is unsendable``)."""
    chain: BaseException | None = error
    while chain is not None:
        chain.__traceback__ = None
        chain = chain.__cause__ or chain.__context__
    return error


def in_child(work: Callable[[], object], timeout: float):
    """The answer of ``work()`` (a query result, read in full) computed in a child process that is killed
    after ``timeout`` seconds; a CityKGError in the child is raised here with its message and exit code."""
    import multiprocessing  # only when a --timeout asks for a child

    context = multiprocessing.get_context("fork")  # the work is a closure: nothing to pickle, nothing to import
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_serve, args=(work, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryError(f"The query did not finish within {timeout:g} seconds (--timeout) and was stopped.")
        try:
            kind, *payload = receiver.recv()
        except EOFError:
            raise QueryError(f"The query process ended without an answer (exit code {child.exitcode}).") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    return _decode(kind, payload)


def _serve(work: Callable[[], object], sender) -> None:
    """In the child: run the work and send back its answer, or the error it raised, as plain data. Ctrl-C
    is the parent's to handle (it kills the child), so the child ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        message = _encode(work())
    except CityKGError as error:
        message = ("error", error.exit_code, str(error))
    except Exception as error:  # noqa: BLE001 - any failure must reach the parent as a sentence
        message = ("error", 1, f"The query failed: {error}")
    sender.send(message)
    sender.close()


def _encode(result: object) -> tuple:
    if isinstance(result, (QuerySolutions, QueryBoolean)):
        return ("results", result.serialize(format=QueryResultsFormat.JSON))
    return ("graph", serialize(result, format=RdfFormat.N_TRIPLES))  # type: ignore[arg-type]


def _decode(kind: str, payload: list):
    if kind == "error":
        code, text = payload
        error = CityKGError(text)
        error.exit_code = code
        raise error
    if kind == "results":
        return parse_query_results(payload[0], format=QueryResultsFormat.JSON)
    return [quad.triple for quad in parse(payload[0], format=RdfFormat.N_TRIPLES)]
