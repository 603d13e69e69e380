"""Imported data is held to the same shapes as curated data, by the same engine (citykg.build.shapes): a bad
imported node stops the build with a message naming it, and `--seeds-only` leaves the import out.

That engine agrees with pyshacl on every fixture: tests/test_shacl_oracle.py."""

from __future__ import annotations

import json

import pytest

from citykg import KnowledgeGraph, ValidationError

from .conftest import copy_project, run_cli

BAD_IMPORT = """@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix municipality: <https://w3id.org/citykg/id/municipality/> .
@prefix partnership: <https://w3id.org/citykg/id/partnership/> .
@prefix source: <https://w3id.org/citykg/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
source:bad-import {
    source:bad-import a ckg:Source ; rdfs:label "A broken import"@en ; dcterms:title "Broken" ;
        dcterms:language "en" .
    municipality:xx-nowhere a ckg:Municipality ; rdfs:label "Nowhere"@en ; geo:lat 91.5 .
    partnership:id-bandung--my-petaling-jaya rdfs:label "Bandung–Petaling Jaya sister cities"@en .
}
"""


def test_a_bad_imported_node_stops_the_build_naming_file_node_and_rule(tmp_path):
    project = copy_project(tmp_path)
    (project / "graph" / "imported").mkdir()
    (project / "graph" / "imported" / "bad.trig").write_text(BAD_IMPORT, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        KnowledgeGraph(project).build()
    lines = str(caught.value).splitlines()
    assert lines[0] == "3 violations:"
    assert ("graph/imported/bad.trig: municipality:xx-nowhere ckg:inCountry: A municipality needs exactly one "
            "ckg:inCountry, a ckg:Country.") in lines
    assert ("graph/imported/bad.trig: municipality:xx-nowhere geo:lat: geo:lat: at most one latitude, an "
            "xsd:decimal between -90 and 90.") in lines
    assert any(line.startswith("graph/imported/bad.trig, graph/sources/")
               and line.endswith("partnership:id-bandung--my-petaling-jaya rdfs:label: rdfs:label values must "
                                 "be tagged @en or @id, with at most one label per language.") for line in lines)
    assert not (project / ".citykg" / "store").exists()


def test_a_new_shape_holds_curated_and_imported_nodes_alike(tmp_path):
    project = copy_project(tmp_path)
    shapes = project / "ontology" / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + """
ckgsh:ShortLabelShape a sh:NodeShape ; sh:targetClass ckg:Municipality ;
    sh:property [ sh:path rdfs:label ; sh:maxLength 3 ; sh:message "Labels of three letters at most." ] .
""", encoding="utf-8")
    (project / "graph" / "imported").mkdir()
    (project / "graph" / "imported" / "bad.trig").write_text(BAD_IMPORT, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        KnowledgeGraph(project).validate()
    messages = {(v.focus, v.message) for v in caught.value.violations}
    assert ("municipality:xx-nowhere", "Labels of three letters at most.") in messages
    assert ("municipality:id-bandung", "Labels of three letters at most.") in messages


def test_seeds_only_leaves_graph_imported_out(tmp_path):
    project = copy_project(tmp_path)
    (project / "graph" / "imported").mkdir()
    (project / "graph" / "imported" / "bad.trig").write_text(BAD_IMPORT, encoding="utf-8")
    result = run_cli("build", "--seeds-only", project=project)
    assert result.code == 0, result.stderr
    assert json.loads(run_cli("stats", "--format", "json", project=project).stdout)["Source"] == 5
    assert run_cli("build", project=project).code == 1  # the full build does read graph/imported
