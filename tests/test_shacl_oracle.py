"""citykg.build.shapes, the build's only SHACL engine, finds exactly the violations pyshacl finds.

pyshacl (``inference="none"``, as the build ran it before) is the oracle: both engines run on every fixture
of tests/data/shapes/, on the curated graph, and on tests/data/shapes/engine/ (the SHACL features that
ontology/shapes.ttl does not use but the engine implements), and must give equal sets of violations: the
same focus node, path, message and files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from citykg.build.parse import ParsedDataset, parse_files
from citykg.build.shapes import DataIndex, Shapes
from citykg.build.validate import check_shapes as citykg_check_shapes
from citykg.build.validate import compile_shapes
from citykg.project import Project
from citykg.vocab import SH

from .conftest import REPO, copy_project
from .shacl_oracle import check_shapes, pyshacl_results

DATA = Path(__file__).parent / "data" / "shapes"
FIXTURES = sorted(DATA.glob("*.ttl"))
CURATED = "curated-graph"


def _project_with(tmp_path: Path, fixture: Path) -> Project:
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    (tmp_path / "graph" / "reference").mkdir(parents=True)
    shutil.copyfile(fixture, tmp_path / "graph" / "reference" / fixture.name)
    return Project.locate(tmp_path)


def _parsed(project: Project) -> tuple[ParsedDataset, list]:
    dataset = parse_files(project.curated_files(), project.root)
    shapes = [q for parsed in dataset.files if parsed.file.path == project.shapes_path for q in parsed.quads]
    return dataset, shapes


@pytest.mark.parametrize("case", [*FIXTURES, CURATED], ids=[p.stem for p in FIXTURES] + [CURATED])
def test_citykg_shapes_gives_the_results_pyshacl_gives(tmp_path, case):
    if case == CURATED:  # ontology + graph/reference + graph/sources, as the seed build reads them
        project = Project.locate(copy_project(tmp_path, ("ontology", "graph/reference", "graph/sources")))
    else:
        project = _project_with(tmp_path, case)
    dataset, shapes = _parsed(project)
    expected = set(check_shapes(dataset, shapes))
    found = set(citykg_check_shapes(dataset, compile_shapes(dataset, shapes)))
    assert found == expected
    assert {(v.focus, v.path, v.message) for v in found} == {(v.focus, v.path, v.message) for v in expected}
    assert (case == CURATED or case.stem == "good") == (found == set())


def test_the_several_violations_fixture_breaks_many_shapes(tmp_path):
    """So that the comparison above is not won by two empty sets."""
    dataset, shapes = _parsed(_project_with(tmp_path, DATA / "several-violations.ttl"))
    found = citykg_check_shapes(dataset, compile_shapes(dataset, shapes))
    assert len(found) >= 40
    assert len({v.message for v in found}) >= 35


def test_the_features_the_curated_shapes_do_not_use_agree_with_pyshacl():
    shapes = list(parse(path=DATA / "engine" / "shapes.ttl", format=RdfFormat.TURTLE))
    data = list(parse(path=DATA / "engine" / "data.ttl", format=RdfFormat.TURTLE))
    expected = set(pyshacl_results(data, shapes))
    found = set(Shapes(shapes).validate(DataIndex(data)))
    assert found == expected
    messages = {r.message for r in found}
    assert len(messages) == 13
    assert "a warning is not a violation." not in messages
    assert "severity is not inherited: this property shape reports a violation." in messages
    assert not {m for m in messages if "deactivated" in m and "next to" not in m}
    assert all(r.severity == SH + "Violation" for r in found)
