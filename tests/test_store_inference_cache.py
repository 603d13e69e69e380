"""The inference cache (issue 10.6): file by file and cached, inference gives exactly what inferring the whole
graph at once gives, after any edit, and a damaged or stale entry is never used."""

from __future__ import annotations

from pathlib import Path

import pytest

from citykg import KnowledgeGraph
from citykg.build.infer import infer
from citykg.build.infer_cache import infer_files
from citykg.build.parse import parse_files
from citykg.project import Project
from citykg.store import inference_cache

from .conftest import copy_project

SOURCE = "graph/sources/004-prolite-2023-02-01-bandung-petaling-jaya.trig"


@pytest.fixture
def project(tmp_path) -> Project:
    return Project.locate(copy_project(tmp_path / "p"))


def both_ways(project: Project, cache: Path) -> tuple[set, set]:
    files = parse_files(project.curated_files(), project.root).files
    return set(infer_files(files, cache)), set(infer([q for parsed in files for q in parsed.quads]))


def test_cached_inference_equals_whole_graph_inference_cold_and_warm(project, tmp_path):
    cache = tmp_path / "cache"
    cold, whole = both_ways(project, cache)
    assert cold == whole and len(whole) > 500
    entries = sorted(cache.iterdir())
    assert len(entries) == len([f for f in project.curated_files() if f.kind != "ontology"])
    warm, _ = both_ways(project, cache)
    assert warm == whole and sorted(cache.iterdir()) == entries


def test_after_an_edit_only_that_file_has_a_new_entry_and_the_answer_follows(project, tmp_path):
    cache = tmp_path / "cache"
    both_ways(project, cache)
    before = {p.name for p in cache.iterdir()}
    source = project.root / SOURCE
    text = source.read_text(encoding="utf-8")
    assert "ckg:partner municipality:id-bandung" in text
    source.write_text(text.replace("ckg:partner municipality:id-bandung",
                                   "ckg:partner municipality:id-bandung , municipality:jp-kawasaki", 1),
                      encoding="utf-8")
    cached, whole = both_ways(project, cache)
    assert cached == whole
    after = {p.name for p in cache.iterdir()}
    assert len(before - after) == 1 and len(after - before) == 1  # the old entry is pruned


def test_a_schema_triple_in_a_data_file_is_inferred_over_the_whole_graph(project, tmp_path):
    source = project.root / SOURCE
    schema = "ckg:Municipality <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://example.org/Town> ."
    source.write_text(source.read_text(encoding="utf-8").replace("{\n", "{\n    " + schema + "\n", 1),
                      encoding="utf-8")
    cached, whole = both_ways(project, tmp_path / "cache")
    assert cached == whole
    assert any(q.object.value == "http://example.org/Town" for q in whole)


def test_a_damaged_entry_is_computed_again(project, tmp_path):
    cache = tmp_path / "cache"
    _, whole = both_ways(project, cache)
    for entry in cache.iterdir():
        entry.write_text("<not n-quads")
    cached, _ = both_ways(project, cache)
    assert cached == whole


def test_the_build_keeps_its_cache_beside_the_store(project):
    KnowledgeGraph(project.root).build()
    assert any(inference_cache(project.store_path).glob("*.nq"))
