"""Provinces the lists name as towns (rule 10): one node per first-level subdivision, under a province IRI.

The fixture (tests/data/import-provinces/) is a made-up slice in the data set's layout; GeoNames and
pycountry are the real packaged ones, and the imports and the build run for real in a copy of the project.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Store

from citykg import KnowledgeGraph
from citykg.importers.hekman import PROVINCES
from citykg.importers.report import ImportReport

from .conftest import REPO, import_fixture, select

DATA = REPO / "tests" / "data" / "import-provinces"
ID = "https://w3id.org/citykg/id/"
CKG = "https://w3id.org/citykg/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, Store, ImportReport]:
    project, store, report = import_fixture(tmp_path_factory.mktemp("provinces"), DATA, (
        "hekman-twin-cities.trig", "wikidata-p190.trig"), items_for_hekman=False)
    return project.root, store, report


def _about(store: Store, iri: str) -> set[tuple[str, str]]:
    """(predicate, object) of every imported triple about ``iri``, compact enough to read."""
    return {(q.predicate.value.rsplit("#", 1)[-1], q.object.value)
            for q in store.quads_for_pattern(NamedNode(ID + iri), None, None)}


def _partners(store: Store, partnership: str) -> set[str]:
    return {q.object.value.removeprefix(ID) for q in
            store.quads_for_pattern(NamedNode(ID + "partnership/" + partnership), NamedNode(CKG + "partner"), None)}


def test_a_retyped_province_has_the_province_iri_and_no_municipality_is_left(imported):
    _, store, _ = imported
    assert _about(store, "province/us-rhode-island") == {
        ("type", CKG + "Province"), ("label", "Rhode Island"),
        ("inCountry", ID + "country/us")}
    subjects = {q.subject.value.removeprefix(ID) for q in store.quads_for_pattern(None, None, None)}
    objects = {q.object.value.removeprefix(ID) for q in store.quads_for_pattern(None, None, None)}
    for gone in ("us-rhode-island", "cn-shandong", "cn-shandong-province", "cn-zhejiang-province", "jp-kanagawa",
                 "jp-kanagawa-prefecture", "id-west-java-province", "jp-osaka-prefecture"):
        assert f"municipality/{gone}" not in subjects | objects


def test_two_spellings_of_one_province_are_one_node_with_one_english_label(imported):
    _, store, _ = imported
    assert _about(store, "province/cn-shandong") == {
        ("type", CKG + "Province"), ("label", "Shandong"),
        ("inCountry", ID + "country/cn"), ("nameInSource", "Shandong Province")}
    # the pair listed on both pages under the two spellings is one partnership, stated by both lines
    assert _partners(store, "cn-shandong--vn-ho-chi-minh-city") == {"province/cn-shandong",
                                                                    "municipality/vn-ho-chi-minh-city"}
    assert _partners(store, "cn-shandong--mx-coatzacoalcos") == {"province/cn-shandong",
                                                                 "municipality/mx-coatzacoalcos"}


def test_curated_provinces_are_the_nodes_and_the_import_restates_none_of_their_facts(imported):
    root, store, _ = imported
    # Hekman's graph adds only the spellings a curated province lacks; Wikidata's, the item
    hekman, wikidata = (NamedNode(f"{ID}source/{name}") for name in ("hekman-twin-cities-2026",
                                                                      "l3viathan-wikidata-p190-2016-09"))
    said = {iri: {(q.graph_name, q.predicate.value.rsplit("#", 1)[-1], q.object.value)
                  for q in store.quads_for_pattern(NamedNode(ID + "province/" + iri), None, None, None)}
            for iri in ("cn-zhejiang", "jp-kanagawa", "id-jawa-barat")}
    assert said == {"cn-zhejiang": {(hekman, "nameInSource", "Zhejiang Province"),
                                    (wikidata, "sameAs", "http://www.wikidata.org/entity/Q1")},
                    "jp-kanagawa": {(hekman, "nameInSource", "Kanagawa")},  # "Kanagawa Prefecture" is its label
                    "id-jawa-barat": {(hekman, "nameInSource", "West Java Province")}}
    assert _partners(store, "bw-gaborone--cn-zhejiang") == {"province/cn-zhejiang", "municipality/bw-gaborone"}
    assert _partners(store, "cn-zhejiang--dk-odense") == {"province/cn-zhejiang", "municipality/dk-odense"}
    assert _partners(store, "jp-kanagawa--us-san-diego") == {"province/jp-kanagawa", "municipality/us-san-diego"}
    # a province's government twins with another's: both ends are provinces
    assert _partners(store, "au-western-australia--id-jawa-barat") == {"province/id-jawa-barat",
                                                                        "province/au-western-australia"}
    kg = KnowledgeGraph(root)
    kg.build()  # the shapes: one English label per node, one ckg:inCountry per province
    labels = select(kg, "SELECT ?p (STR(?l) AS ?label) WHERE { ?p a ckg:Province ; rdfs:label ?l "
                        "FILTER(langMatches(lang(?l), 'en')) VALUES ?p { province:cn-zhejiang province:cn-shandong "
                        "province:jp-kanagawa province:id-jawa-barat } }")
    assert sorted((row["p"], row["label"]) for row in labels) == [
        ("province:cn-shandong", "Shandong"), ("province:cn-zhejiang", "Zhejiang"),
        ("province:id-jawa-barat", "West Java"), ("province:jp-kanagawa", "Kanagawa Prefecture")]


def test_a_province_named_like_its_city_keeps_its_kind_word_so_their_partnerships_differ(imported):
    _, store, _ = imported
    assert (RDFS_LABEL, Literal("Osaka Prefecture", language="en")) in {
        (q.predicate.value, q.object) for q in store.quads_for_pattern(NamedNode(ID + "province/jp-osaka-prefecture"),
                                                                         None, None)}
    assert _partners(store, "cn-shanghai--jp-osaka-prefecture") == {"municipality/cn-shanghai",
                                                                    "province/jp-osaka-prefecture"}
    assert _partners(store, "cn-shanghai--jp-osaka") == {"municipality/cn-shanghai", "municipality/jp-osaka"}


def test_the_review_list_gives_the_new_iri_and_every_spelling(imported):
    _, _, report = imported
    lines = report.notes[PROVINCES]
    assert ("province:cn-shandong ('Shandong', CN) from 'Shandong' (was municipality:cn-shandong), 'Shandong "
            "Province' (was municipality:cn-shandong-province): the first-level ISO 3166-2 subdivision CN-SD "
            "(province), and no GeoNames place of the country has a name like it") in lines
    assert ("province:jp-kanagawa ('Kanagawa Prefecture', JP, the curated province) from 'Kanagawa' (was "
            "municipality:jp-kanagawa), 'Kanagawa Prefecture' (was municipality:jp-kanagawa-prefecture): the "
            "first-level ISO 3166-2 subdivision JP-14 (prefecture), and no GeoNames place of the country has a name "
            "like it") in lines
    assert len(lines) == 7 and report.counts["provinces (named as towns by the lists)"] == 7
    assert report.counts["names of provinces retyped (municipality nodes they replace)"] == 9
    assert report.counts["partnerships"] == 10  # 11 rows, Shandong–Ho Chi Minh City listed under both spellings
