"""The on-disk Oxigraph store: open it for reading, and replace it atomically after a build.

Layout: the store path (default ``.citykg/store``) is a symbolic link to one build directory in
``<store>.builds/``. A build writes a fresh directory (bulk loading is only safe into a fresh directory),
then swaps the link with ``os.replace``, which is atomic on POSIX: a reader sees the old store or the new
one, never a half-written one. The previous build is kept so that readers that opened it keep working.

Each build directory carries a marker file written by citykg: ``citykg-build.partial`` from the moment it is
made, replaced by ``citykg-store.json`` once the load is complete. Only what carries citykg's marks is ever
moved or deleted: a store location that holds anything else is refused (issue 11.1: ``--store graph`` once
moved the curated files away and a later build deleted them), and a build killed half-way leaves a folder
marked partial, which the next build deletes, never a complete one.
"""

from __future__ import annotations

import fcntl
import json
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

from .errors import NotAStoreError, QueryError, StoreError, StoreLockedError, StoreMissingError
from .vocab import PREFIXES

KEEP_BUILDS = 2
#: The marks citykg leaves in a build directory: complete (with what the build says about itself), or not yet.
MARKER = "citykg-store.json"
PARTIAL_MARKER = "citykg-build.partial"
#: The names :func:`new_build_dir` gives; nothing else in ``<store>.builds/`` is ever deleted.
_BUILD_NAME = re.compile(r"^\d{8}T\d{6}-\d+-\d+$")
_STAGING_PREFIX = ".new-"  # a build folder before its partial marker is written (new_build_dir)

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
        self._directory: Path | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            directory = self.path.resolve()
            self._store = open_read_only(self.path, directory)
            self._directory = directory
        return self._store

    @property
    def directory(self) -> Path:
        """The build directory the open snapshot was read from, where the files built with it live
        (the label index): resolved once, so that a build swapping the link meanwhile cannot mix them."""
        self.store  # noqa: B018 -- opens the store, which fixes the directory
        assert self._directory is not None
        return self._directory

    def reopen(self) -> None:
        """Forget the open snapshot: the next query opens the store's current build."""
        self._store = None
        self._directory = None

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


def open_read_only(path: Path, directory: Path | None = None) -> Store:
    """Open the current build for queries. Never takes the write lock, so it works during a build.

    ``directory`` is the build ``path`` resolved to, when the caller has resolved it already.
    """
    if not path.exists():
        raise StoreMissingError(f"There is no store at {path}; run 'citykg build' first.")
    if not path.is_symlink() and not (path / "CURRENT").is_file():  # RocksDB's own error reads "IO error: …"
        raise StoreMissingError(f"{path} is not a citykg store: choose another --store (or CITYKG_STORE), or "
                                "run 'citykg build' to make one at a new path.")
    try:
        return Store.read_only(str(directory or path.resolve()))
    except OSError as error:
        raise StoreError(f"The store at {path} cannot be opened: {_reason(error)}") from None


def open_writable(path: Path) -> Store:
    """Open a store directory for writing, turning RocksDB's lock error into a sentence. Any other error
    (a full disk, a read-only file system: RocksDB may meet either while opening as well as while writing)
    stays an OSError, which the build turns into its one sentence naming the store."""
    try:
        return Store(str(path))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreLockedError(f"The store at {path} is in use by another process.") from None
        raise


def check_location(path: Path) -> None:
    """Refuse, before anything is written, a store location that holds something citykg did not build.

    Accepted: nothing there yet, an empty folder, or a link into ``<store>.builds/`` (the layout of every
    citykg build, this version's, marked, and the previous one's, recognised by that layout alone).
    """
    if not path.exists() and not path.is_symlink():
        existing = next(p for p in path.parents if p.exists())
        if not existing.is_dir():
            raise NotAStoreError(f"The store location {path} is inside {existing}, which is a file, not a folder.")
        return
    if path.is_symlink():
        if _builds_dir(path).is_dir() and path.resolve().parent == _builds_dir(path).resolve():
            return
        raise NotAStoreError(f"The store location {path} is a link to {os.readlink(path)}, which citykg did not "
                             "build; citykg leaves it untouched: choose another --store (or CITYKG_STORE).")
    if path.is_dir():
        if not any(path.iterdir()):
            return
        if (path / "CURRENT").is_file():
            raise NotAStoreError(f"The store location {path} holds an Oxigraph store that citykg did not build "
                                 "(made by hand or by a citykg older than the <store>.builds layout); citykg "
                                 "leaves it untouched: move it away or delete it and build again, or choose "
                                 "another --store (or CITYKG_STORE).")
        raise NotAStoreError(f"The store location {path} is a folder that is not a citykg store; citykg leaves "
                             "it untouched: choose another --store (or CITYKG_STORE).")
    raise NotAStoreError(f"The store location {path} is a file, not a citykg store; citykg leaves it untouched: "
                         "choose another --store (or CITYKG_STORE).")


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for the duration of a build, so two builds never race on the swap.

    The location is checked first (:func:`check_location`), so that a refused one gets not even a lock file;
    then, under the lock, what a killed build left behind is deleted (:func:`remove_partial_builds`).
    """
    check_location(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f"{path.name}.lock"
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreLockedError(f"The store at {path} is being built by another process "
                                   f"(lock held on {lock_path}).") from None
        try:
            check_location(path)  # again: what was checked may have changed before the lock was ours
            remove_partial_builds(path)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_and_swap(path: Path, quads: Iterable[Quad]) -> Path:
    """Load ``quads`` into a new build directory and make it the store; return the new directory.

    On any failure the new directory is removed and the store link is untouched. It holds the build lock,
    as a build does, so it never races one.
    """
    from pyoxigraph import serialize

    data = serialize(quads, format=RdfFormat.N_QUADS)
    assert data is not None  # serialize() returns the bytes when it is given no output
    with build_lock(path):
        target = new_build_dir(path)
        bulk_load_nquads(target, [data])
        return publish(path, target)


def new_build_dir(path: Path) -> Path:
    """A fresh, not yet published build directory for the store at ``path``, marked partial until
    :func:`publish` marks it complete."""
    builds = _builds_dir(path)
    builds.mkdir(parents=True, exist_ok=True)
    target = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    # Made under a staging name and renamed once marked, so that a kill at any moment leaves either a
    # staging folder or a marked one, both of which the next build deletes, never an unmarked build.
    staging = builds / f"{_STAGING_PREFIX}{target.name}"
    staging.mkdir()
    try:
        (staging / PARTIAL_MARKER).write_text("A citykg build that has not finished; the next build deletes it.\n")
        staging.rename(target)
    except OSError:  # a full disk has no room for the marker: leave nothing behind
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _builds_dir(path: Path) -> Path:
    return path.parent / f"{path.name}.builds"


def inference_cache(path: Path) -> Path:
    """Where the build keeps what it inferred from each input file, by content hash (citykg.build.infer_cache):
    beside the store, as derived as the store, and safe to delete."""
    return path.parent / f"{path.name}.cache" / "inference"


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
        # Compacts RocksDB's files, as pyoxigraph advises after a bulk load: every later look-up reads
        # fewer files (full graph: 0.8 s here; list and join queries then take half the time,
        # docs/bench-queries.md), and the store is read-only from now on.
        store.optimize()
        del store  # closes RocksDB and releases its lock before the directory is published
    except BaseException:
        discard(target)
        raise


def publish(path: Path, target: Path, about: dict | None = None) -> Path:
    """Mark the loaded build directory ``target`` complete, make it the store (atomic link swap), and
    prune old builds. ``about`` (counts, timings) goes into the marker, for whoever looks at the folder."""
    try:
        from importlib.metadata import version  # not citykg.__version__: the package imports the façade

        marker = {"citykg": version("citykg"), "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **(about or {})}
        (target / MARKER).write_text(json.dumps(marker, indent=1) + "\n")
        (target / PARTIAL_MARKER).unlink(missing_ok=True)
        _swap_link(path, target)
    except BaseException:
        discard(target)
        raise
    _prune(target.parent, keep={target.name, *_current_name(path)})
    return target


def remove_partial_builds(path: Path) -> None:
    """Delete the build directories a killed build left (marked partial). Called under the build lock, so
    no running build owns them; the published build is never among them."""
    builds = _builds_dir(path)
    if not builds.is_dir():
        return
    current = _current_name(path)
    for entry in builds.iterdir():
        staged = entry.name.startswith(_STAGING_PREFIX) and _BUILD_NAME.match(entry.name[len(_STAGING_PREFIX):])
        if staged or (_is_build(entry) and (entry / PARTIAL_MARKER).exists() and entry.name not in current):
            shutil.rmtree(entry, ignore_errors=True)


def discard(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)


def _swap_link(path: Path, target: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        path.rmdir()  # check_location let only an empty folder through; a non-empty one raises, untouched
    temporary = path.parent / f".{path.name}.link-{os.getpid()}"
    if temporary.is_symlink():
        temporary.unlink()
    os.symlink(os.path.relpath(target, path.parent), temporary)
    os.replace(temporary, path)


def _current_name(path: Path) -> list[str]:
    return [Path(os.readlink(path)).name] if path.is_symlink() else []


def _is_build(entry: Path) -> bool:
    return entry.is_dir() and not entry.is_symlink() and _BUILD_NAME.match(entry.name) is not None


def _prune(builds: Path, keep: set[str]) -> None:
    """Delete all but the newest complete builds; the store's own target is always kept.

    Only citykg's own build directories count: named as :func:`new_build_dir` names them and not marked
    partial (a build of the previous version has no marker at all). Anything else in the folder, such as the
    ``previous-*`` folders an older citykg made of a store location it should have refused, is left alone.
    """
    complete = [p for p in builds.iterdir() if _is_build(p) and not (p / PARTIAL_MARKER).exists()]
    complete.sort(key=_built_at, reverse=True)
    kept = 0
    for entry in complete:
        if entry.name in keep or kept < KEEP_BUILDS:
            kept += 1
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _built_at(entry: Path) -> float:
    marker = entry / MARKER
    return (marker if marker.exists() else entry).stat().st_mtime


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
