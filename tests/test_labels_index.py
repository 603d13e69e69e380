"""Resolving a name: the label index built with the store (issue 10.7) and homonyms said, not hidden (12.3).

The homonyms are written for these tests into graph/imported/ of a copied project: three municipalities
called Portland (two in the United States, in Oregon and in Maine, one in Australia).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citykg import KnowledgeGraph
from citykg.errors import AmbiguousLabelError
from citykg.labels import LABEL_INDEX

from .conftest import copy_project, run_cli

MUNICIPALITY = "https://w3id.org/citykg/ontology#Municipality"
ID = "https://w3id.org/citykg/id/"

HOMONYMS = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix country: <https://w3id.org/citykg/id/country/> .
@prefix province: <https://w3id.org/citykg/id/province/> .
@prefix municipality: <https://w3id.org/citykg/id/municipality/> .
@prefix source: <https://w3id.org/citykg/id/source/> .

source:test-homonyms {
  source:test-homonyms a ckg:Source ;
    rdfs:label "Places that share a name, written for the tests"@en ;
    dcterms:title "Homonyms" ; dcterms:language "en" .
  country:us a ckg:Country ; rdfs:label "United States"@en , "Amerika Serikat"@id ; ckg:iso2 "US" .
  country:au a ckg:Country ; rdfs:label "Australia"@en ; ckg:iso2 "AU" .
  province:us-oregon a ckg:Province ; rdfs:label "Oregon"@en ; ckg:inCountry country:us .
  province:us-maine a ckg:Province ; rdfs:label "Maine"@en ; ckg:inCountry country:us .
  municipality:us-portland-oregon a ckg:Municipality ; rdfs:label "Portland"@en ;
    ckg:inCountry country:us ; ckg:inProvince province:us-oregon .
  municipality:us-portland-maine a ckg:Municipality ; rdfs:label "Portland"@en ;
    ckg:inCountry country:us ; ckg:inProvince province:us-maine .
  municipality:au-portland a ckg:Municipality ; rdfs:label "Portland"@en ; ckg:inCountry country:au .
}
"""

AMBIGUOUS = """\
Error: 'Portland' names 3 municipalities; say which one, by its IRI or as 'Portland, <country or province>':
  municipality:au-portland  (Portland, Australia)
  municipality:us-portland-maine  (Portland, Maine, United States)
  municipality:us-portland-oregon  (Portland, Oregon, United States)"""


@pytest.fixture(scope="module")
def homonyms(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("homonyms"))
    (project / "graph" / "imported").mkdir()
    (project / "graph" / "imported" / "homonyms.trig").write_text(HOMONYMS, encoding="utf-8")
    KnowledgeGraph(project).build()
    return project


def test_the_build_writes_the_label_index_beside_the_store(built_project):
    assert (built_project / ".citykg" / "store" / LABEL_INDEX).is_file()


def test_the_index_answers_as_the_store_does_for_every_label(homonyms, tmp_path):
    """The same answers with the index and without it (asked of the store, as for an older store)."""
    with_index = KnowledgeGraph(homonyms)
    store_dir = homonyms / ".citykg" / "store"
    copy = tmp_path / "store.builds" / "20260101T000000-1-1"
    shutil.copytree(store_dir.resolve(), copy)
    (copy / LABEL_INDEX).unlink()
    (tmp_path / "store").symlink_to(copy)
    without = KnowledgeGraph(homonyms, tmp_path / "store")
    rows = with_index.query("SELECT DISTINCT ?class ?label WHERE { ?x a ?class ; rdfs:label|skos:prefLabel|"
                            "skos:altLabel|ckg:localName|ckg:nameInSource ?label }")
    pairs = {(row["class"].value, row["label"].value) for row in rows}
    assert len(pairs) > 300
    for class_iri, label in sorted(pairs):
        assert with_index._labelled(class_iri, label) == without._labelled(class_iri, label), (class_iri, label)
        assert with_index._labelled(class_iri, f"  {label.upper()} ") == with_index._labelled(class_iri, label)


def test_a_rebuild_brings_its_own_index(tmp_path):
    project = copy_project(tmp_path / "p")
    kg = KnowledgeGraph(project)
    kg.build()
    assert kg.resolve(MUNICIPALITY, "Kota Kembang") == []
    places = project / "graph" / "reference" / "places.trig"
    text = places.read_text(encoding="utf-8")
    assert 'rdfs:label "Bandung"@en , "Kota Bandung"@id ;' in text
    alt = '<http://www.w3.org/2004/02/skos/core#altLabel> "Kota Kembang"@id ;'
    places.write_text(text.replace('rdfs:label "Bandung"@en , "Kota Bandung"@id ;',
                                   f'rdfs:label "Bandung"@en , "Kota Bandung"@id ; {alt}', 1), encoding="utf-8")
    kg.build()
    assert kg.resolve(MUNICIPALITY, "kota kembang") == [ID + "municipality/id-bandung"]
    assert KnowledgeGraph(project).resolve(MUNICIPALITY, "Kota  Kembang") == [ID + "municipality/id-bandung"]


def test_a_name_several_municipalities_bear_is_refused_with_the_candidates(homonyms):
    with pytest.raises(AmbiguousLabelError) as raised:
        KnowledgeGraph(homonyms).resolve(MUNICIPALITY, "portland")
    assert [iri for iri, _ in raised.value.candidates] == [
        "municipality:au-portland", "municipality:us-portland-maine", "municipality:us-portland-oregon"]


@pytest.mark.parametrize(("wanted", "expected"), [
    ("Portland, Oregon", "us-portland-oregon"),
    ("portland,maine", "us-portland-maine"),
    ("Portland, Australia", "au-portland"),
    ("Portland, AU", "au-portland"),
    ("municipality:us-portland-maine", "us-portland-maine"),
    (f"<{ID}municipality/au-portland>", "au-portland"),
])
def test_the_user_picks_a_homonym_by_place_or_iri(homonyms, wanted, expected):
    assert KnowledgeGraph(homonyms).resolve(MUNICIPALITY, wanted) == [f"{ID}municipality/{expected}"]


def test_a_place_that_still_names_several_lists_those_only(homonyms):
    with pytest.raises(AmbiguousLabelError) as raised:
        KnowledgeGraph(homonyms).resolve(MUNICIPALITY, "Portland, Amerika Serikat")
    assert [where for _, where in raised.value.candidates] == ["Portland, Maine, United States",
                                                               "Portland, Oregon, United States"]


def test_a_place_no_homonym_is_in_names_none(homonyms):
    assert KnowledgeGraph(homonyms).resolve(MUNICIPALITY, "Portland, Mars") == []


def test_query_with_an_ambiguous_city_exits_2_listing_the_candidates(homonyms):
    result = run_cli("query", "partners", "-p", "city=Portland", project=homonyms)
    assert result.code == 2
    assert result.stderr.strip() == AMBIGUOUS
    picked = run_cli("query", "partners", "-p", "city=Portland, Maine", "--format", "csv", project=homonyms)
    assert picked.code == 0, picked.stderr
    assert picked.stdout.splitlines() == ["city,partner,partnerLabel,country,type,status,partnership"]


def test_suggest_with_an_ambiguous_name_exits_2_listing_the_candidates(homonyms):
    result = run_cli("suggest", "--for", "Portland", project=homonyms)
    assert result.code == 2
    assert result.stderr.strip() == AMBIGUOUS
