"""The store location: citykg builds only where it built before, and never loses a build it finished (issue 11.1).

Every test runs the real ``citykg`` program in a child process on a real on-disk store; the killed build is
killed with a real SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, Store

from .conftest import CliResult, copy_project, run_cli

MARKER, PARTIAL_MARKER = "citykg-store.json", "citykg-build.partial"  # as citykg.store names them

REFUSED_TAIL = "citykg leaves it untouched: choose another --store (or CITYKG_STORE)."


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "p")


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: what must not change."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_in(folder: Path, *args: str) -> CliResult:
    """``citykg ARGS`` run from ``folder``, so that a relative --store is read as a user types it there."""
    environment = {k: v for k, v in os.environ.items() if k not in ("CITYKG_STORE", "CITYKG_PROJECT")}
    done = subprocess.run([sys.executable, "-m", "citykg", *args], capture_output=True, text=True, cwd=folder,
                          env={**environment, "NO_COLOR": "1", "COLUMNS": "200"}, timeout=300)
    return CliResult(done.returncode, done.stdout, done.stderr)


def builds_of(store: Path) -> Path:
    return store.parent / f"{store.name}.builds"


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_folder_of_curated_files_named_as_the_store_is_refused_twice_and_kept(project, how):
    graph = project / "graph"
    before = contents(graph)
    for _ in range(2):
        if how == "option":
            result = _run_in(project, "--store", "graph", "build", "--seeds-only", "-q")
        else:
            result = run_cli("build", "--seeds-only", "-q", project=project, env={"CITYKG_STORE": str(graph)})
        assert result.code == 2
        assert result.stderr.strip() == (f"Error: The store location {graph} is a folder that is not a citykg "
                                         f"store; {REFUSED_TAIL}")
    assert contents(graph) == before
    assert not builds_of(graph).exists() and not (project / "graph.lock").exists()


def test_a_file_named_as_the_store_is_refused_and_kept(project):
    target = project / "notes.txt"
    target.write_text("my notes\n")
    result = run_cli("--store", str(target), "build", "--seeds-only", "-q", project=project)
    assert result.code == 2
    assert result.stderr.strip() == f"Error: The store location {target} is a file, not a citykg store; {REFUSED_TAIL}"
    assert target.read_text() == "my notes\n"
    assert not builds_of(target).exists()


def test_an_oxigraph_store_citykg_did_not_build_is_refused_and_keeps_its_data(project, tmp_path):
    mine = tmp_path / "mine"
    store = Store(str(mine))
    fact = Quad(NamedNode("http://example.org/a"), NamedNode("http://example.org/b"), NamedNode("http://example.org/c"))
    store.add(fact)
    store.flush()
    del store
    result = run_cli("--store", str(mine), "build", "--seeds-only", "-q", project=project)
    assert result.code == 2
    assert "holds an Oxigraph store that citykg did not build" in result.stderr
    assert "move it away or delete it and build again" in result.stderr
    assert list(Store.read_only(str(mine))) == [fact]


def test_a_link_to_a_folder_citykg_did_not_build_is_refused_and_kept(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "store"
    link.symlink_to(elsewhere)
    result = run_cli("--store", str(link), "build", "--seeds-only", "-q", project=project)
    assert result.code == 2
    assert result.stderr.strip() == (f"Error: The store location {link} is a link to {elsewhere}, which citykg did "
                                     f"not build; {REFUSED_TAIL}")
    assert link.is_symlink() and link.resolve() == elsewhere


def test_an_empty_folder_becomes_the_store(project, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("--store", str(empty), "build", "--seeds-only", "-q", project=project).code == 0
    assert empty.is_symlink()
    built = json.loads((empty / MARKER).read_text())
    assert built["files"] > 0 and built["kinds"] == ["ontology", "reference", "sources"]
    result = run_cli("--store", str(empty), "stats", "--format", "json", project=project)
    assert json.loads(result.stdout)["Source"] == 5


def test_a_store_built_by_the_previous_version_is_recognised_and_its_folders_kept(project, tmp_path):
    """The previous version's layout had no marker files; it also left ``previous-*`` folders (the store
    locations it moved away), which may hold a user's files and are never deleted."""
    store = tmp_path / "store"
    assert run_cli("--store", str(store), "build", "--seeds-only", "-q", project=project).code == 0
    for mark in store.resolve().glob("citykg-*"):
        mark.unlink()  # as the previous version left it: no marker, no label index
    moved = builds_of(store) / "previous-20261130T101010"
    moved.mkdir()
    (moved / "x.trig").write_text("# a user's file the old version moved here\n")
    result = run_cli("--store", str(store), "query", "partners", "-p", "city=Bandung", "--format", "csv",
                     project=project)
    assert result.code == 0 and "/id/municipality/my-petaling-jaya," in result.stdout  # labels: asked of the store
    for _ in range(3):
        assert run_cli("--store", str(store), "build", "--seeds-only", "-q", project=project).code == 0
    assert (moved / "x.trig").read_text() == "# a user's file the old version moved here\n"
    builds = sorted(p.name for p in builds_of(store).iterdir() if not p.name.startswith("previous-"))
    assert len(builds) == 2 and store.resolve().name in builds


def _start_build(project: Path, store: Path) -> subprocess.Popen:
    environment = {**os.environ, "CITYKG_PROJECT": str(project), "CITYKG_STORE": str(store)}
    return subprocess.Popen([sys.executable, "-m", "citykg", "build", "-q"], env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_once_loading(build: subprocess.Popen, builds: Path, known: set[str]) -> str:
    """SIGKILL ``build`` as soon as its new build directory exists (it is loading); return that folder's name."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        new = {p.name for p in builds.iterdir() if not p.name.startswith(".")} - known  # not a staging name
        if new:
            build.send_signal(signal.SIGKILL)
            build.wait()
            return new.pop()
        time.sleep(0.002)
    pytest.fail("the build ended before it could be killed")


def test_after_a_killed_build_the_next_build_deletes_the_partial_folder_and_keeps_the_previous_build(project, tmp_path):
    store = tmp_path / "store"
    for _ in range(2):
        assert run_cli("--store", str(store), "build", "--seeds-only", "-q", project=project).code == 0
    builds = builds_of(store)
    current = store.resolve().name
    previous = next(p.name for p in builds.iterdir() if p.name != current)
    partial = _kill_once_loading(_start_build(project, store), builds, {current, previous})
    assert store.resolve().name == current  # the killed build published nothing
    marked_partial = (builds / partial / PARTIAL_MARKER).exists()
    assert run_cli("--store", str(store), "build", "--seeds-only", "-q", project=project).code == 0
    left = {p.name for p in builds.iterdir()}
    assert partial not in left
    assert current in left and store.resolve().name in left and len(left) == 2
    assert marked_partial
    result = run_cli("--store", str(store), "stats", "--format", "json", project=project)
    assert json.loads(result.stdout)["Source"] == 5


def test_querying_a_folder_that_is_not_a_store_is_one_sentence(project):
    graph = project / "graph"
    result = _run_in(project, "--store", "graph", "query", "-e", "ASK {}")
    assert result.code == 1
    assert result.stderr.strip() == (f"Error: {graph} is not a citykg store: choose another --store (or "
                                     "CITYKG_STORE), or run 'citykg build' to make one at a new path.")


def test_a_build_killed_before_its_folder_was_marked_leaves_nothing_behind(project, tmp_path):
    store = tmp_path / "store"
    assert run_cli("--store", str(store), "build", "--seeds-only", "-q", project=project).code == 0
    builds = builds_of(store)
    staged = builds / ".new-20261201T000000-1-1"  # what new_build_dir makes before it writes the marker
    staged.mkdir()
    assert run_cli("--store", str(store), "build", "--seeds-only", "-q", project=project).code == 0
    assert not staged.exists()
