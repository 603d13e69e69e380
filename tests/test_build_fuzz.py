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

from .conftest import REPO, copy_project

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
    (project / relative).write_text(data.draw(mutated(original.read_text(encoding="utf-8")), label="mutated"),
                                    encoding="utf-8")
    try:
        KnowledgeGraph(project).build()
    except CityKGError as error:
        assert str(error)  # a message for the user, never empty
        assert _snapshot(project) == fuzz_project["store"]
    else:
        fuzz_project["store"] = _snapshot(project)  # a valid mutation is the new last good store
    finally:
        shutil.copyfile(original, project / relative)
