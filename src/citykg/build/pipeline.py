"""parse → (infer, validate) ∥ load: turn the curated text files into a fresh on-disk store.

Nothing touches the existing store until every step has succeeded; then the new store is swapped in.
The load into a fresh directory overlaps inference and validation (docs/bench-build.md has the figures):
it is thrown away if they fail.
"""

from __future__ import annotations

import queue
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

from pyoxigraph import BlankNode, DefaultGraph, Quad, RdfFormat, serialize

from ..errors import StoreError
from ..labels import LABEL_INDEX
from ..project import CuratedFile, Project
from ..store import build_lock, bulk_load_nquads, discard, inference_cache, new_build_dir, publish
from .infer_cache import infer_files
from .labels import write_label_index
from .parse import ParsedDataset, parse_files
from .validate import validate


class Progress(Protocol):
    """What the build reports while it works; the CLI draws it with rich, the API may ignore it."""

    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self, step: int = 1) -> None: ...


class _Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, step: int = 1) -> None:
        pass


@dataclass
class BuildReport:
    """What a build (or a validation) did, for the summary the user sees."""

    files: int
    asserted: int
    inferred: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    store: str | None = None


def check(project: Project, progress: Progress | None = None) -> tuple[ParsedDataset, BuildReport]:
    """Parse and validate every curated file; raise on the first syntax error or on any violation."""
    progress = progress or _Silent()
    timings: dict[str, float] = {}
    files, dataset = _parse(project, progress, timings)
    _validate(project, dataset, progress, timings)
    asserted = sum(len(parsed.quads) for parsed in dataset.files)
    return dataset, BuildReport(files=len(files), asserted=asserted, seconds=timings)


def _parse(project: Project, progress: Progress, timings: dict[str, float]):
    files = project.curated_files()
    started = time.perf_counter()
    progress.stage("Parsing", total=len(files))
    dataset = parse_files(files, project.root, on_file=lambda _: progress.advance())
    timings["parse"] = time.perf_counter() - started
    return files, dataset


def _validate(project: Project, dataset: ParsedDataset, progress: Progress, timings: dict[str, float]) -> None:
    started = time.perf_counter()
    progress.stage("Validating (curation rules)")
    shapes = [q for parsed in dataset.files if parsed.file.path == project.shapes_path for q in parsed.quads]
    shown = CuratedFile(project.shapes_path, "ontology").display(project.root)
    validate(dataset, shapes, progress, shown)
    timings["validate"] = time.perf_counter() - started


def with_union_default_graph(quads: list[Quad]) -> list[Quad]:
    """Add every distinct triple to the default graph as well.

    Queries then read the default graph, where each fact appears once however many sources state it
    (Oxigraph's union-default-graph mode repeats a triple per graph), while ``GRAPH ?g`` still tells
    which sources state it.
    """
    union = dict.fromkeys(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    return quads + list(union)


def build(project: Project, progress: Progress | None = None) -> BuildReport:
    """Parse, infer, validate and load; the previous store keeps answering until the new one is complete.

    A loader thread bulk-loads into a fresh directory (in Rust, without the GIL) while the main thread
    infers and validates: the asserted quads are handed over as soon as they are parsed, the inferred ones
    when they are known. The directory is published only if validation passed, and deleted otherwise.
    """
    progress = progress or _Silent()
    try:
        return _build(project, progress)
    except (OSError, sqlite3.Error) as error:
        # Disk full, a read-only file system, a file where a folder should be: the store as it was stays.
        raise StoreError(f"Cannot write the store at {project.store_path}: {_reason(error, project)}.") from None


def _reason(error: OSError | sqlite3.Error, project: Project) -> str:
    """The cause as a user reads it: "No space left on device", not RocksDB's "IO error: …: While …"."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    if isinstance(error, sqlite3.Error):  # SQLite says "disk I/O error" or "unable to open database file"
        folder = next(p for p in project.store_path.parents if p.exists())
        if shutil.disk_usage(folder).free < 16 * 2**20:
            return "No space left on device"
        return f"the label index could not be written ({error})"
    # RocksDB nests its causes ("DB::Open() failed --- …: IO error: No space left on device: While …"):
    # the innermost one is the reason
    text = str(error).rsplit("IO error: ", 1)[-1]
    return text.split(": While ", 1)[0].rstrip(".")


def _build(project: Project, progress: Progress) -> BuildReport:
    with build_lock(project.store_path):
        timings: dict[str, float] = {}
        files, dataset = _parse(project, progress, timings)
        target = new_build_dir(project.store_path)
        loader = _Loader(target)
        try:
            started = time.perf_counter()
            progress.stage("Inferring")
            asserted: list[Quad] = list(dataset.quads)
            loader.put(asserted)
            inferred = infer_files(dataset.files, inference_cache(project.store_path))
            loader.put(inferred)
            loader.close()
            timings["infer"] = time.perf_counter() - started
            started = time.perf_counter()
            write_label_index(target / LABEL_INDEX, asserted + inferred)  # while the loader works
            timings["labels"] = time.perf_counter() - started
            _validate(project, dataset, progress, timings)
            started = time.perf_counter()
            progress.stage("Loading the store", total=loader.chunks)
            loader.wait(progress)
            timings["load"] = time.perf_counter() - started
        except BaseException:
            loader.abort()
            discard(target)
            raise
        report = BuildReport(files=len(files), asserted=len(asserted), inferred=len(inferred), seconds=timings)
        about = {"files": report.files, "asserted": report.asserted, "inferred": report.inferred,
                 "kinds": list(project.kinds)}
        report.store = str(publish(project.store_path, target, about))
    return report


def _has_blank_node(quad: Quad) -> bool:
    return isinstance(quad.subject, BlankNode) or isinstance(quad.object, BlankNode)


#: Quads per bulk_load call: small enough for a lively progress bar, large enough to cost nothing.
CHUNK = 100_000


class _Loader:
    """A thread that bulk-loads N-Quads chunks, in the order given, into a fresh store directory."""

    def __init__(self, target) -> None:
        self.chunks = 0
        self._todo: queue.Queue = queue.Queue()
        self._done: queue.Queue = queue.Queue()
        self._closed = False
        self._aborted = False
        self.thread = threading.Thread(target=self._run, args=(target,), daemon=True)
        self.thread.start()

    def put(self, quads: list[Quad]) -> None:
        """Queue ``quads`` in their graphs and, again without a graph, for the union default graph.

        Serialising is done in Rust, and the store, a set, de-duplicates a triple that several graphs
        state (see :func:`with_union_default_graph`), which is much faster than doing it in Python.
        ``bulk_load`` gives the blank nodes of each document fresh identifiers, which would break a blank
        node's links across chunks and between a graph and the union; so quads with a blank node go in as
        Python objects (``bulk_extend`` keeps their identifiers), and only the others as N-Quads text.
        """
        blank = [q for q in quads if _has_blank_node(q)]
        plain = [q for q in quads if not _has_blank_node(q)] if blank else quads
        for i in range(0, len(plain), CHUNK):
            part = plain[i:i + CHUNK]
            self._todo.put(serialize(part, format=RdfFormat.N_QUADS))
            self._todo.put(serialize((q.triple for q in part), format=RdfFormat.N_TRIPLES))
            self.chunks += 2
        if blank:
            self._todo.put(with_union_default_graph(blank))
            self.chunks += 1

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._todo.put(None)

    def abort(self) -> None:
        """Stop after the chunk being loaded (the build failed) and wait for the thread to end."""
        self._aborted = True
        self.close()
        self.thread.join()

    def wait(self, progress: Progress) -> None:
        """Advance ``progress`` per loaded chunk until all are in; re-raise the loader's error."""
        while True:
            item = self._done.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            progress.advance(item)

    def _chunks(self):
        while not self._aborted:
            chunk = self._todo.get()
            if chunk is None or self._aborted:
                return
            yield chunk

    def _run(self, target) -> None:
        try:
            bulk_load_nquads(target, self._chunks(), on_chunk=lambda: self._done.put(1))
            self._done.put(None)
        except BaseException as error:  # handed to the main thread, which re-raises it
            self._done.put(error)
