"""Each SHACL shape fires on the mistake it is for, with the message a curator reads, and only then.

The fixtures in tests/data/shapes/ state their expected message on their first line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citykg import KnowledgeGraph, ValidationError

from .conftest import REPO

FIXTURES = Path(__file__).parent / "data" / "shapes"
BAD = sorted(FIXTURES.glob("bad-*.ttl"))


def _project_with(tmp_path: Path, fixture: Path) -> KnowledgeGraph:
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    (tmp_path / "graph" / "reference").mkdir(parents=True)
    shutil.copyfile(fixture, tmp_path / "graph" / "reference" / fixture.name)
    return KnowledgeGraph(tmp_path)


def test_the_good_fixture_conforms(tmp_path):
    _project_with(tmp_path, FIXTURES / "good.ttl").validate()


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_each_bad_fixture_gives_its_message(tmp_path, fixture):
    expected = fixture.read_text(encoding="utf-8").splitlines()[0].split("expected violation: ", 1)[1]
    with pytest.raises(ValidationError) as caught:
        _project_with(tmp_path, fixture).validate()
    messages = [v.message for v in caught.value.violations]
    assert messages == [expected]
    assert caught.value.violations[0].files == (f"graph/reference/{fixture.name}",)
