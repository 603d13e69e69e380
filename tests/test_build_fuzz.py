"""Property: whatever a curator's editor does to a curated file, a build ends in success or a clean
CityKGError — never another exception — and a failed build leaves the previous store exactly as it was.

The mutations are the slips people make in Turtle/TriG: a deleted or doubled line, two lines swapped, a
stray or missing punctuation mark, a truncated file, a changed character inside a literal or an IRI; and what
tools and disks do to bytes: a changed or inserted byte (invalid UTF-8, NUL), a file cut inside a character.
A build the engine calls valid is checked again by the test-time oracle (pyshacl, tests/shacl_oracle.py) on
what really is in the store; and the real program, run on mutated files, never prints a traceback (issue 11).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Quad

from citykg import CityKGError, KnowledgeGraph
from citykg.build.parse import parse_files
from citykg.project import CuratedFile
from citykg.vocab import INFERRED_GRAPH

from .conftest import REPO, copy_project
from .shacl_oracle import pyshacl_results

PUNCTUATION = list('<>"{}.;,@^#:\\_ \n') + ["^^xsd:date", "ckg:", "a", '"""', "@id", "<http://x/>"]


@st.composite
def mutated(draw, text: str) -> str:
    lines = text.split("\n")
    kind = draw(st.sampled_from(["delete-line", "double-line", "swap-lines", "insert", "delete-span",
                                 "truncate", "replace-char"]))
    if kind in ("delete-line", "double-line", "swap-lines"):
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete-line":
            del lines[i]
        elif kind == "double-line":
            lines.insert(i, lines[i])
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    at = draw(st.integers(0, len(text)))
    if kind == "insert":
        return text[:at] + draw(st.sampled_from(PUNCTUATION) | st.text(max_size=3)) + text[at:]
    if kind == "delete-span":
        return text[:at] + text[at + draw(st.integers(1, 12)):]
    if kind == "truncate":
        return text[:at]
    return text[:at] + draw(st.characters(codec="utf-8")) + text[at + 1:]


@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:
    """A byte-level change: any byte value, inserted bytes (a NUL, invalid UTF-8), a cut inside a character."""
    at = draw(st.integers(0, len(data)))
    kind = draw(st.sampled_from(["replace-byte", "insert-bytes", "delete-bytes", "truncate"]))
    if kind == "replace-byte":
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    if kind == "insert-bytes":
        inserted = draw(st.sampled_from([b"\x00", b"\xff\xfe", b"\xc3", b"\xe2\x80", b"\r", b"\x1b[2J"])
                        | st.binary(min_size=1, max_size=6))
        return data[:at] + inserted + data[at:]
    if kind == "delete-bytes":
        return data[:at] + data[at + draw(st.integers(1, 3)):]
    return data[:at]


def mutation(draw, original: Path) -> bytes:
    """Half the time a slip in the text, half the time a change to the bytes."""
    if draw(st.booleans(), label="bytes"):
        return draw(mutated_bytes(original.read_bytes()), label="mutated")
    return draw(mutated(original.read_text(encoding="utf-8")), label="mutated").encode("utf-8")


def assert_store_passes_the_oracle(project: Path) -> None:
    """What the store holds (every named graph but the inferred one) has no violation by pyshacl's reading of
    the same shapes: a build called valid is valid."""
    kg = KnowledgeGraph(project)
    data = [Quad(t.subject, t.predicate, t.object, graph) for graph in kg.source.named_graphs()
            if graph.value != INFERRED_GRAPH for t in kg.source.triples(graph)]
    shapes = parse_files([CuratedFile(project / "ontology" / "shapes.ttl", "ontology")], project).files[0].quads
    assert pyshacl_results(data, shapes) == []


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory) -> dict:
    """The project and the content of its store as last built (a failed build must leave it so)."""
    project = copy_project(tmp_path_factory.mktemp("fuzz"))
    KnowledgeGraph(project).build()
    return {"path": project, "store": _snapshot(project)}


def _snapshot(project: Path) -> frozenset[str]:
    return frozenset(KnowledgeGraph(project).export("nq").decode("utf-8").splitlines())


def _curated_files(folder: str) -> list[str]:
    return [str(p.relative_to(REPO)) for p in sorted((REPO / folder).glob("*.trig"))]


#: The hypothesis profile's max_examples (tests/conftest.py), split between the mutations of the source files and
#: those of the reference files (two tests, so that pytest-xdist can run the halves on both cores): the "ci"
#: profile gives 500 + 500 = 1,000 mutations in all, the "dev" default 25 + 25.
EXAMPLES = max(1, settings().max_examples // 2)


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["graph/sources", "graph/reference"])
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_every_mutation_builds_or_fails_cleanly_and_keeps_the_store(fuzz_project, folder, data):
    project = fuzz_project["path"]
    relative = data.draw(st.sampled_from(_curated_files(folder)), label="file")
    original = REPO / relative
    (project / relative).write_bytes(mutation(data.draw, original))
    try:
        KnowledgeGraph(project).build()
    except CityKGError as error:
        assert str(error)  # a message for the user, never empty
        assert _snapshot(project) == fuzz_project["store"]
    else:
        assert_store_passes_the_oracle(project)
        fuzz_project["store"] = _snapshot(project)  # a valid mutation is the new last good store
    finally:
        shutil.copyfile(original, project / relative)


@pytest.mark.slow
@settings(max_examples=max(1, EXAMPLES // 5), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_the_program_on_a_mutated_file_prints_one_error_and_no_traceback(fuzz_project, data):
    """The real ``citykg build`` in a child process (a fifth as many examples: each costs a process)."""
    project = fuzz_project["path"]
    relative = data.draw(st.sampled_from(_curated_files("graph/sources") + _curated_files("graph/reference")),
                         label="file")
    original = REPO / relative
    (project / relative).write_bytes(mutation(data.draw, original))
    try:
        done = subprocess.run([sys.executable, "-m", "citykg", "build", "-q"], capture_output=True, text=True,
                              env={**os.environ, "CITYKG_PROJECT": str(project), "NO_COLOR": "1"}, timeout=300)
    finally:
        shutil.copyfile(original, project / relative)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 1, 2), done.stderr
    if done.returncode:
        assert done.stderr.startswith("Error: ") and done.stderr.count("Error: ") == 1, done.stderr
        assert _snapshot(project) == fuzz_project["store"]
    else:
        fuzz_project["store"] = _snapshot(project)
