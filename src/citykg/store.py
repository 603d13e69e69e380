"""The on-disk Oxigraph store: open it for reading, and replace it atomically after a build.

Layout: the store path (default ``.citykg/store``) is a symbolic link to one build directory in
``<store>.builds/``. A build writes a fresh directory (bulk loading is only safe into a fresh directory),
then swaps the link with ``os.replace``, which is atomic on POSIX: a reader sees the old store or the new
one, never a half-written one. The previous build is kept so that readers that opened it keep working.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    Variable,
)

from .errors import QueryError, StoreError, StoreLockedError, StoreMissingError
from .vocab import PREFIXES

KEEP_BUILDS = 2

#: A value bound to a query variable, and what a query answers.
Term = NamedNode | Literal
QueryResult = QuerySolutions | QueryBoolean | QueryTriples | list[Triple]  # a list: from a remote CONSTRUCT

_SPARQL_POSITION = re.compile(r"^error at (\d+):(\d+): ")


class EmbeddedStore:
    """The query source of a :class:`citykg.KnowledgeGraph` on this machine: the on-disk store, opened
    read-only on first use (so a concurrent build cannot be disturbed) and again after a build.

    Its twin for a SPARQL endpoint is :class:`citykg.query.remote.RemoteEndpoint`; both answer
    ``query``, ``named_graphs`` and ``triples``, which is all the façade asks of a source.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_read_only(self.path)
        return self._store

    def reopen(self) -> None:
        """Forget the open snapshot: the next query opens the store's current build."""
        self._store = None

    def query(self, sparql: str, bindings: dict[str, Term] | None = None, *,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult:
        """Run a query with the citykg prefixes; ``bindings`` are pyoxigraph substitutions, never text.

        ``default_graphs`` / ``named_graphs`` (IRIs) replace the dataset, as the SPARQL Protocol's
        ``default-graph-uri`` and ``named-graph-uri`` ask.
        """
        substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
            Variable(name): value for name, value in (bindings or {}).items()}
        try:
            return self.store.query(sparql, prefixes=PREFIXES, substitutions=substitutions,
                                    default_graph=[NamedNode(g) for g in default_graphs or ()] or None,
                                    named_graphs=[NamedNode(g) for g in named_graphs or ()] or None)
        except SyntaxError as error:
            raise QueryError(sparql_syntax_message(str(error))) from None
        except (RuntimeError, OSError, ValueError) as error:
            raise QueryError(f"The query failed: {error}") from None

    def named_graphs(self) -> list[NamedNode]:
        return sorted((g for g in self.store.named_graphs() if isinstance(g, NamedNode)), key=lambda g: g.value)

    def triples(self, graph: NamedNode | DefaultGraph) -> list[Triple]:
        """The triples of one graph (the default graph is the de-duplicated union of all of them)."""
        return [quad.triple for quad in self.store.quads_for_pattern(None, None, None, graph)]


def sparql_syntax_message(raw: str) -> str:
    """pyoxigraph's ``error at 1:26: …`` as the sentence users read, with line and column."""
    match = _SPARQL_POSITION.match(raw)
    if match:
        line, column = match.groups()
        return f"SPARQL syntax error at line {line}, column {column}: {raw[match.end():]}"
    return f"SPARQL syntax error: {raw}"


def open_read_only(path: Path) -> Store:
    """Open the current build for queries. Never takes the write lock, so it works during a build."""
    if not path.exists():
        raise StoreMissingError(f"There is no store at {path}; run 'citykg build' first.")
    try:
        return Store.read_only(str(path.resolve()))
    except OSError as error:
        raise StoreError(f"The store at {path} cannot be opened: {_reason(error)}") from None


def open_writable(path: Path) -> Store:
    """Open a store directory for writing, turning RocksDB's lock error into a sentence."""
    try:
        return Store(str(path))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreLockedError(f"The store at {path} is in use by another process.") from None
        raise StoreError(f"The store at {path} cannot be opened: {_reason(error)}") from None


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for the duration of a build, so two builds never race on the swap."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f"{path.name}.lock"
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreLockedError(f"The store at {path} is being built by another process "
                                   f"(lock held on {lock_path}).") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_and_swap(path: Path, quads: Iterable[Quad]) -> Path:
    """Load ``quads`` into a new build directory and make it the store; return the new directory.

    On any failure the new directory is removed and the store link is untouched.
    """
    from pyoxigraph import serialize

    target = new_build_dir(path)
    data = serialize(quads, format=RdfFormat.N_QUADS)
    assert data is not None  # serialize() returns the bytes when it is given no output
    bulk_load_nquads(target, [data])
    return publish(path, target)


def new_build_dir(path: Path) -> Path:
    """A fresh, not yet published build directory for the store at ``path``."""
    builds = path.parent / f"{path.name}.builds"
    builds.mkdir(parents=True, exist_ok=True)
    return builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"


def bulk_load_nquads(target: Path, chunks: Iterable[bytes | list[Quad]], on_chunk=None) -> None:
    """Bulk-load N-Quads chunks into the fresh directory ``target`` (parsed in Rust, without the GIL).

    A chunk may also be a list of quads, loaded as they are (their blank nodes keep their identifiers).

    ``on_chunk()`` is called after each chunk, for a progress bar. On failure the directory is removed.
    """
    try:
        store = open_writable(target)
        for chunk in chunks:
            if isinstance(chunk, bytes):
                store.bulk_load(input=chunk, format=RdfFormat.N_QUADS)
            else:
                store.bulk_extend(chunk)
            if on_chunk is not None:
                on_chunk()
        store.flush()
        del store  # closes RocksDB and releases its lock before the directory is published
    except BaseException:
        discard(target)
        raise


def publish(path: Path, target: Path) -> Path:
    """Make the loaded build directory ``target`` the store (atomic link swap); prune old builds."""
    try:
        _swap_link(path, target)
    except BaseException:
        discard(target)
        raise
    _prune(target.parent, keep={target.name, *_current_name(path)})
    return target


def discard(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)


def _swap_link(path: Path, target: Path) -> None:
    if path.exists() and not path.is_symlink():
        # A store made by hand or by an older citykg: keep it as a previous build rather than delete it.
        path.rename(target.parent / f"previous-{time.strftime('%Y%m%dT%H%M%S')}")
    temporary = path.parent / f".{path.name}.link-{os.getpid()}"
    if temporary.is_symlink():
        temporary.unlink()
    os.symlink(os.path.relpath(target, path.parent), temporary)
    os.replace(temporary, path)


def _current_name(path: Path) -> list[str]:
    return [Path(os.readlink(path)).name] if path.is_symlink() else []


def _prune(builds: Path, keep: set[str]) -> None:
    """Delete all but the newest builds; the store's own target is always kept."""
    entries = sorted((p for p in builds.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    kept = 0
    for entry in entries:
        if entry.name in keep or kept < KEEP_BUILDS:
            kept += 1
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
