"""Queries of the HTTP endpoint run in a pool of worker processes that can be killed.

Why processes: pyoxigraph cannot cancel a query from Python (STACK.md: a cross product ignored SIGINT for
13 minutes, SIGALRM fires only after the query ends), so the only time limit that really stops the work
is to kill the process doing it. A worker (:mod:`citykg.server.worker`) opens one build of the store
read-only and takes jobs over a Unix socket, each with the client's connection attached (``SCM_RIGHTS``): it
writes the answer to the client itself and then says so, so an answer crosses no process boundary but the
one it must. Until the worker says it has begun writing, the server can still answer for it (a time or
memory limit: 503; a worker lost: 500); after that, a stopped worker's connection is closed. A worker that
overruns the time limit or its memory limit is killed
and a fresh one started in the background (retried until it starts: the store may be missing for a
moment), so one bad query costs one worker for a moment, never the server.

Builds: the store path is a link to the current build directory. The pool watches it; after a rebuild it
starts a whole new *generation* of workers on the new build and switches to it at once, so every answer
comes from one build and no two workers serve different builds; the old workers end as they finish, which
closes the deleted build's files.

Fairness: a query that hit a limit is remembered (by its text) for a while; at most half the workers may run
such remembered queries at once, and the rest are refused at once instead of queueing. And when every worker
is held by a query running for more than a second while others wait, an extra worker is started (up to twice
the pool size; the extras end when idle again). So clients looping a pathological query cannot starve the
others: there are always more workers than expensive queries.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import select
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .wire import AnswerCut, Client, Delivered, encode_job, recv_frame, send_frame
from .worker import MEMORY_EXIT, Reply, error_reply, serve_jobs

__all__ = ["AnswerCut", "Client", "Delivered", "PoolError", "Reply", "WorkerPool", "error_reply"]

#: How long a query that hit a limit counts as expensive.
REMEMBER_EXPENSIVE_S = 600.0
#: A job running this long while others wait for a worker makes the pool start an extra one.
SLOW_S = 1.0
#: How much longer than the time limit a request may wait for a worker (a fresh one takes a moment).
QUEUE_GRACE_S = 5.0


class PoolError(Exception):
    """The pool could not answer: ``reply`` says why (time limit, memory limit, busy, worker lost)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.body.decode())
        self.reply = reply


class _Worker:
    def __init__(self, context, project: Path, build: Path, max_memory: int) -> None:
        self.max_memory = max_memory
        self.sock, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.writing = context.RawValue("b", 0)  # set by the worker before it writes to a client
        self.process = context.Process(target=serve_jobs, args=(child, self.writing, str(project), str(build),
                                                                max_memory),
                                       daemon=True, name="citykg-query-worker")
        self.process.start()
        child.close()
        self._poll = select.poll()
        self._poll.register(self.sock, select.POLLIN)
        self.busy_since: float | None = None

    def wait(self, seconds: float) -> bool:
        """Whether the worker has something to say (or has ended) within ``seconds``."""
        return bool(self._poll.poll(max(0, int(seconds * 1000))))

    def wait_ready(self, seconds: float) -> str | None:
        """Wait for the worker to open its build; returns its warning, if any (e.g. no network filter)."""
        try:
            if not self.wait(seconds):
                raise RuntimeError("a query worker did not start in time")
            kind, _, payload, _ = recv_frame(self.sock, kinds=b"RF", max_length=2**20, max_fds=0)
            status, detail = ("ready" if kind == b"R" else "failed"), payload.decode()
        except (EOFError, OSError):
            self.process.join(5)
            status, detail = "failed", f"a query worker ended while starting (exit status {self.process.exitcode}"
            if self.process.exitcode in (-signal.SIGABRT, MEMORY_EXIT):
                detail += f"; {self.max_memory // 2**20} MiB of memory is too little to open the store"
            detail += ")"
        except BaseException:
            self.kill()
            raise
        if status != "ready":
            self.kill()
            raise RuntimeError(detail)
        return detail or None

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.sock.close()


@dataclass(eq=False)
class _Generation:
    """The workers serving one build directory."""

    build: Path
    idle: list[_Worker] = field(default_factory=list)
    busy: set[_Worker] = field(default_factory=set)
    starting: int = 0  # workers being started for it
    retired: bool = False

    @property
    def live(self) -> int:
        return len(self.idle) + len(self.busy) + self.starting


class WorkerPool:
    """``size`` worker processes over the store; :meth:`run` gives each job ``timeout`` seconds and each
    worker ``max_memory`` bytes of private memory."""

    def __init__(self, project: Path, store: Path, size: int, timeout: float, max_memory: int, *,
                 watch_every: float = 0.5) -> None:
        self._context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._project, self._store = project, store
        self.size, self.timeout, self.max_memory = size, timeout, max_memory
        self._cond = threading.Condition()
        self._all: set[_Worker] = set()  # every live worker, busy or idle, of any generation
        self._closed = False
        self._expensive: dict[str, float] = {}  # query fingerprint → when it last hit a limit
        self._expensive_running = 0
        self.expensive_slots = max(1, size // 2)
        build = _current_build(store)
        if build is None:
            raise RuntimeError(f"there is no store at {store}")
        self._generation = self._start_generation(build)
        self._watcher = threading.Thread(target=self._watch, args=(watch_every,), daemon=True,
                                         name="citykg-build-watch")
        self._watcher.start()

    @property
    def build(self) -> Path:
        """The build directory the pool answers from now."""
        return self._generation.build

    # ------------------------------------------------------------ running a job

    def run(self, job: dict[str, Any], client: Client) -> Delivered:
        """Run one job, whose worker writes the answer to ``client``; raises PoolError with a 503 reply
        when a limit is hit or no worker frees up (nothing was written then), AnswerCut when the worker
        was stopped while writing."""
        key = _fingerprint(job) if self._expensive else ""  # nothing remembered: no need to hash
        expensive = self._admit(key)
        try:
            worker, generation = self._acquire()
            return self._ask(worker, generation, job, key, client)
        finally:
            if expensive:
                with self._cond:
                    self._expensive_running -= 1

    def _admit(self, key: str) -> bool:
        """Whether the job is a remembered expensive one (counted while it runs); refuses it when the
        expensive slots are full."""
        if not key:
            return False
        with self._cond:
            since = self._expensive.get(key)
            if since is None or time.monotonic() - since > REMEMBER_EXPENSIVE_S:
                self._expensive.pop(key, None)
                return False
            if self._expensive_running >= self.expensive_slots:
                raise PoolError(error_reply(503, "busy", "This query hit a limit recently and "
                                            f"{self._expensive_running} such queries are running already; "
                                            "try again later."))
            self._expensive_running += 1
            return True

    def _acquire(self) -> tuple[_Worker, _Generation]:
        wait = self.timeout + QUEUE_GRACE_S
        deadline = time.monotonic() + wait
        with self._cond:
            while True:
                generation = self._generation
                if generation.idle and not self._closed:
                    worker = generation.idle.pop()
                    generation.busy.add(worker)
                    worker.busy_since = time.monotonic()
                    return worker, generation
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    raise PoolError(error_reply(503, "busy", f"All query workers stayed busy for {wait:g} s; "
                                                "try again later."))
                if self._all_slow(generation):
                    self._grow(generation)
                self._cond.wait(min(remaining, 0.25))

    def _all_slow(self, generation: _Generation) -> bool:
        """Whether every worker of the generation is held by a job running for more than SLOW_S, none is
        starting, and the pool may still grow."""
        now = time.monotonic()
        return (generation.starting == 0 and generation.live < 2 * self.size and
                all(w.busy_since is not None and now - w.busy_since > SLOW_S for w in generation.busy))

    def _ask(self, worker: _Worker, generation: _Generation, job: dict[str, Any], key: str,
             client: Client) -> Delivered:
        message = encode_job(job, client.framing, client.sock.family)
        try:
            worker.writing.value = 0
            send_frame(worker.sock, b"J", 0, message, (client.sock.fileno(),))
            if worker.wait(self.timeout):
                # what the client's socket did not take yet: never more than the worker's memory
                kind, status, rest, _ = recv_frame(worker.sock, kinds=b"DG", max_length=self.max_memory, max_fds=0)
                self._release(worker, generation)
                return Delivered(status, rest, kind == b"G")
        except (EOFError, OSError):
            worker.process.join(2)
            code = worker.process.exitcode
            self._replace(worker, generation)
            if worker.writing.value:
                raise AnswerCut from None
            if code in (-signal.SIGABRT, MEMORY_EXIT):
                self._remember(key or _fingerprint(job))
                raise PoolError(error_reply(503, "memory-limit", "The query needed more than the memory limit "
                                            f"of {self.max_memory // 2**20} MiB and was stopped.")) from None
            raise PoolError(error_reply(500, "worker-lost", "The query worker stopped unexpectedly; "
                                        "the query was not answered.")) from None
        except BaseException:  # e.g. a malformed frame: the worker is in an unknown state
            self._replace(worker, generation)
            raise
        worker.process.kill()
        multiprocessing.connection.wait([worker.process.sentinel], 2)  # dead before its flag is read
        self._replace(worker, generation)
        if worker.writing.value:
            raise AnswerCut
        self._remember(key or _fingerprint(job))
        raise PoolError(error_reply(503, "timeout", f"The query ran longer than the time limit of "
                                    f"{self.timeout:g} s and was stopped."))

    def _remember(self, key: str) -> None:
        with self._cond:
            self._expensive[key] = time.monotonic()
            if len(self._expensive) > 10_000:  # a client varying its text cannot grow this without bound
                self._expensive.pop(next(iter(self._expensive)))

    def _release(self, worker: _Worker, generation: _Generation) -> None:
        with self._cond:
            generation.busy.discard(worker)
            worker.busy_since = None
            extra = generation.live >= self.size and generation.idle  # an extra, no longer needed
            if generation is self._generation and not self._closed and not extra:
                generation.idle.append(worker)
                self._cond.notify()
                return
        self._end(worker)  # an extra, or a worker of a replaced build: its files are closed with it

    # ------------------------------------------------------------ workers and builds

    def _spawn(self, build: Path) -> _Worker:
        worker = _Worker(self._context, self._project, build, self.max_memory)
        with self._cond:
            self._all.add(worker)
        try:
            warning = worker.wait_ready(60)
        except BaseException:
            self._end(worker)
            raise
        if warning:
            print(f"citykg serve: warning: {warning}.", file=sys.stderr)
        return worker

    def _end(self, worker: _Worker) -> None:
        worker.kill()
        with self._cond:
            self._all.discard(worker)

    def _start_generation(self, build: Path) -> _Generation:
        """Start ``size`` workers on ``build`` (all or none)."""
        generation = _Generation(build)
        try:
            for _ in range(self.size):
                generation.idle.append(self._spawn(build))
        except BaseException:
            for worker in generation.idle:
                self._end(worker)
            raise
        return generation

    def _replace(self, worker: _Worker, generation: _Generation) -> None:
        """Kill a worker now and start its successor in the background, so the reply is not delayed."""
        worker.process.kill()
        with self._cond:
            generation.busy.discard(worker)
        self._grow(generation, worker)

    def _grow(self, generation: _Generation, dead: _Worker | None = None) -> None:
        """Start one worker for ``generation`` in the background (after ending ``dead``), retried until it
        starts (the store may be missing for a moment) or until its build is no longer the one served."""
        with self._cond:
            generation.starting += 1

        def start() -> None:
            if dead is not None:
                self._end(dead)
            pause = 0.2
            try:
                while not self._closed and generation is self._generation:
                    try:
                        fresh = self._spawn(generation.build)
                    except Exception as error:  # noqa: BLE001 - logged, then retried
                        print(f"citykg serve: could not start a query worker ({error}); retrying.",
                              file=sys.stderr)
                        time.sleep(pause)
                        pause = min(pause * 2, 5.0)
                        continue
                    with self._cond:
                        generation.starting -= 1
                        generation.busy.add(fresh)
                    self._release(fresh, generation)
                    return
            except BaseException:
                pass
            with self._cond:
                generation.starting -= 1

        threading.Thread(target=start, daemon=True, name="citykg-worker-start").start()

    def _watch(self, every: float) -> None:
        """Follow the store link: after a rebuild, move every worker to the new build together."""
        failed: tuple[Path, float] | None = None
        while not self._closed:
            time.sleep(every)
            build = _current_build(self._store)
            if build is None or build == self._generation.build:
                continue
            if failed and failed[0] == build and time.monotonic() - failed[1] < 5:
                continue
            try:
                fresh = self._start_generation(build)
            except Exception as error:  # noqa: BLE001 - the old build goes on being served
                print(f"citykg serve: could not open the new build {build.name} ({error}); "
                      "still serving the previous one.", file=sys.stderr)
                failed = (build, time.monotonic())
                continue
            self._switch(fresh)

    def _switch(self, fresh: _Generation) -> None:
        with self._cond:
            old, self._generation = self._generation, fresh
            old.retired = True
            leaving, old.idle = old.idle, []
            self._expensive.clear()  # a new build: what was slow may not be any more
            self._cond.notify_all()
            closed = self._closed
        for worker in leaving + (fresh.idle if closed else []):
            self._end(worker)

    def close(self) -> None:
        """Kill every worker, busy or idle, of every generation: none outlives the server."""
        with self._cond:
            self._closed = True
            workers = list(self._all)
            self._cond.notify_all()
        for worker in workers:
            worker.process.kill()
        for worker in workers:
            worker.process.join()


def _current_build(store: Path) -> Path | None:
    """The build directory the store link points to now (the store itself if it is a plain folder)."""
    try:
        return Path(os.path.realpath(store, strict=True))
    except OSError:
        return None


def _fingerprint(job: dict[str, Any]) -> str:
    """The same question asked again, whatever the formats asked for."""
    question = {key: value for key, value in job.items() if key not in ("accept", "max_rows", "base")}
    return hashlib.sha256(json.dumps(question, sort_keys=True).encode()).hexdigest()
