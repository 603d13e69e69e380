"""Property: whatever a curator's editor does to a curated file, a build ends in success or a clean
CityKGError — never another exception — and a failed build leaves the previous store exactly as it was.

The mutations are the slips people make in Turtle/TriG: a deleted or doubled line, two lines swapped, a
stray or missing punctuation mark, a truncated file, a changed character inside a literal or an IRI.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citykg import CityKGError, KnowledgeGraph

from .conftest import copy_project

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


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("fuzz"))
    KnowledgeGraph(project).build()
    return project


def _snapshot(project: Path) -> frozenset[str]:
    return frozenset(KnowledgeGraph(project).export("nq").decode("utf-8").splitlines())


def _curated_files() -> list[str]:
    root = Path(__file__).resolve().parents[1]
    folders = ("graph/reference", "graph/sources")
    return [str(p.relative_to(root)) for folder in folders for p in sorted((root / folder).glob("*.trig"))]


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_every_mutation_builds_or_fails_cleanly_and_keeps_the_store(fuzz_project, data):
    relative = data.draw(st.sampled_from(_curated_files()), label="file")
    target = fuzz_project / relative
    original = (Path(__file__).resolve().parents[1] / relative).read_text(encoding="utf-8")
    before = _snapshot(fuzz_project)
    target.write_text(data.draw(mutated(original), label="mutated"), encoding="utf-8")
    try:
        KnowledgeGraph(fuzz_project).build()
    except CityKGError as error:
        assert str(error)  # a message for the user, never empty
        assert _snapshot(fuzz_project) == before
    finally:
        shutil.copyfile(Path(__file__).resolve().parents[1] / relative, target)
