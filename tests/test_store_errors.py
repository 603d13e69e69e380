"""Build-side errors a user can cause are one sentence and a non-zero exit, and the last good store stays (issue 11).

Run through the real ``citykg`` program. The disk-full and read-only cases mount a small tmpfs (root only;
skipped with the reason elsewhere).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import copy_project, run_cli

SOURCE = "graph/sources/000-detikjabar-2025-03-25-dprd-bandung-daegu.trig"
GRAPH_OPENS = "source:detikjabar-2025-03-25-dprd-bandung-daegu {\n"


@pytest.fixture
def project(tmp_path) -> Path:
    project = copy_project(tmp_path / "p")
    assert run_cli("build", "-q", project=project).code == 0
    return project


def sources_count(project: Path, store: Path | None = None) -> int:
    where = ["--store", str(store)] if store else []
    result = run_cli(*where, "stats", "--format", "json", project=project)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)["Source"]


def one_error(result, code: int) -> str:
    """The single ``Error: …`` line a failed command prints, after checking its exit code."""
    assert result.code == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("how", ["empty", "comments only", "missing"])
def test_a_shapes_file_without_shapes_fails_the_build(project, how):
    shapes = project / "ontology" / "shapes.ttl"
    if how == "missing":
        shapes.unlink()
    else:
        shapes.write_text("" if how == "empty" else "# the shapes went here\n")
    result = run_cli("build", "-q", project=project)
    assert one_error(result, 1) == ("Error: ontology/shapes.ttl: there are no SHACL shapes with a target to "
                                    "validate the graph against; the build does not run unchecked (restore the "
                                    "file from git).")
    checked = run_cli("validate", project=project)  # draws its progress on stderr, then the error
    assert checked.code == 1 and checked.stderr.strip().splitlines()[-1] == one_error(result, 1)
    assert sources_count(project) == 5


def test_a_16_mib_token_is_one_sentence(project):
    source = project / SOURCE
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(GRAPH_OPENS, GRAPH_OPENS + f'<x:a> <x:b> "{"x" * (16 << 20)}" .\n', 1),
                      encoding="utf-8")
    assert one_error(run_cli("build", "-q", project=project), 2) == (
        f"Error: {SOURCE}: a single term (a literal or an IRI) is longer than 16 MiB, the parser's limit; is a "
        "closing quote or '>' missing?")
    assert sources_count(project) == 5


def test_a_long_list_of_violations_is_capped_with_a_count_and_each_is_listed_once(project):
    source = project / SOURCE
    nodes = "".join(f"  municipality:test-{i:03} a ckg:City , ckg:Municipality .\n" for i in range(40))
    source.write_text(source.read_text(encoding="utf-8").replace(GRAPH_OPENS, GRAPH_OPENS + nodes, 1),
                      encoding="utf-8")
    result = run_cli("build", "-q", project=project)
    assert result.code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "Error: 80 violations:"  # 40 nodes, each without a label and without a country
    listed = lines[1:-1]
    assert len(listed) == 50 and len(set(listed)) == 50
    assert all(line.startswith(f"{SOURCE}: municipality:test-") for line in listed)
    assert lines[-1] == "… and 30 more (the first 50 are listed; fix them and build again)."
    assert sources_count(project) == 5


def test_a_store_inside_a_file_is_one_sentence(project, tmp_path):
    (tmp_path / "a-file").write_text("x")
    store = tmp_path / "a-file" / "store"
    assert one_error(run_cli("--store", str(store), "build", "-q", project=project), 2) == (
        f"Error: The store location {store} is inside {tmp_path / 'a-file'}, which is a file, not a folder.")


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 64 MiB tmpfs mounted for the test (and unmounted after it)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs to fill (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("left", [256 << 10, 0], ids=["full-while-writing", "full-before-opening"])
def test_a_full_disk_is_one_sentence_and_keeps_the_store(project, small_disk, left):
    """The disk fills while RocksDB writes the new build, or it is full already when RocksDB opens it (its
    options file cannot be written): the same sentence either way."""
    store = small_disk / "store"
    assert run_cli("--store", str(store), "build", "-q", project=project).code == 0
    filler = small_disk / "filler"
    with open(filler, "wb") as handle:  # fill the disk, all but `left` bytes
        try:
            while True:
                handle.write(b"\0" * (1 << 20))
                handle.flush()
        except OSError:
            pass
    if left:
        filler.write_bytes(b"\0" * (filler.stat().st_size - left))
    else:
        with open(filler, "ab", buffering=0) as handle:  # the last bytes too
            try:
                while True:
                    handle.write(b"\0" * 4096)
                    handle.flush()
            except OSError:
                pass
    assert one_error(run_cli("--store", str(store), "build", "-q", project=project), 1) == (
        f"Error: Cannot write the store at {store}: No space left on device.")
    filler.unlink()
    assert sources_count(project, store) == 5
    assert len(list((small_disk / "store.builds").iterdir())) == 1  # the failed build left nothing behind


def test_a_read_only_file_system_is_one_sentence_and_keeps_the_store(project, small_disk):
    store = small_disk / "store"
    assert run_cli("--store", str(store), "build", "-q", project=project).code == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert one_error(run_cli("--store", str(store), "build", "-q", project=project), 1) == (
        f"Error: Cannot write the store at {store}: Read-only file system.")
    assert sources_count(project, store) == 5


def test_export_into_a_read_only_folder_is_one_sentence(project, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    out = small_disk / "all.ttl"
    assert one_error(run_cli("export", "--format", "ttl", "--out", str(out), project=project), 2) == (
        f"Error: Cannot write {out}: Read-only file system.")
