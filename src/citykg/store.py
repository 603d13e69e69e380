"""The on-disk Oxigraph store: open it for reading, and replace it atomically after a build.

Layout: the store path (default ``.citykg/store``) is a symbolic link to one build directory in
``<store>.builds/``. A build writes a fresh directory (bulk loading is only safe into a fresh directory),
then swaps the link with ``os.replace``, which is atomic on POSIX: a reader sees the old store or the new
one, never a half-written one. The previous build is kept so that readers that opened it keep working.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, Store

from .errors import StoreError, StoreLockedError, StoreMissingError

KEEP_BUILDS = 2


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
    bulk_load_nquads(target, [serialize(quads, format=RdfFormat.N_QUADS)])
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
