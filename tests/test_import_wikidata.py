"""`citykg import wikidata-p190`: Wikidata items join the graph only through a municipality it knows."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from citykg.importers.hekman import import_hekman
from citykg.importers.known import KnownGraph, Place
from citykg.importers.report import ImportReport
from citykg.importers.wikidata import import_wikidata, resolve_items
from citykg.project import Project

from .conftest import copy_project, run_cli

DATA = Path(__file__).parent / "data" / "import"
M = "https://w3id.org/citykg/id/municipality/"
WD = "http://www.wikidata.org/entity/"
SAME_AS = NamedNode("http://www.w3.org/2002/07/owl#sameAs")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    project = Project.locate(copy_project(tmp_path_factory.mktemp("wikidata")))
    import_hekman(project, DATA / "hekman-slice.csv")
    report = import_wikidata(project, DATA / "wikidata-relations.tsv", DATA / "wikidata-names.tsv")
    store = Store()
    store.load(path=project.root / "graph" / "imported" / "wikidata-p190.trig", format=RdfFormat.TRIG)
    return store, report


def same_as(store: Store) -> dict[str, str]:
    return {q.subject.value.removeprefix(M): q.object.value.removeprefix(WD)
            for q in store.quads_for_pattern(None, SAME_AS, None)}


def test_each_item_resolved_by_the_surest_evidence(imported):
    store, report = imported
    assert same_as(store) == {
        "id-bandung": "Q10389", "kr-daegu": "Q20927",  # curated owl:sameAs: the Wikidata id itself
        "de-braunschweig": "Q2773", "us-fort-worth": "Q16558", "kr-suwon": "Q20714",  # name and partner
        "it-bari": "Q3519",  # name only: one Bari in the graph
        "tw-taipei": "Q1867",  # "Taipeh": Taipei's German name (GeoNames), and Daegu is a partner of both
    }
    assert report.counts["items resolved (Wikidata id)"] == 2
    assert report.counts["items resolved (name and partner)"] == 4
    assert report.counts["items resolved (name only)"] == 1
    assert report.notes["Resolved by name only (check these)"] == [
        "Q3519 'Bari' → municipality:it-bari: the only place of that name in the graph; no partner confirms or "
        "contradicts it"]


def test_a_similar_name_with_a_shared_partner_resolves_an_unknown_spelling():
    # "Taipeih" is no name GeoNames knows; Daegu, its partner, has one partner of a similar name.
    known = KnownGraph(
        places={M + "kr-daegu": Place(M + "kr-daegu", "KR", {"Daegu"}, "Daegu"),
                M + "tw-taipei": Place(M + "tw-taipei", "TW", {"Taipei"}, "Taipei")},
        countries={}, partnership_types={}, labelled_partnerships=set(),
        partners={M + "kr-daegu": {M + "tw-taipei"}, M + "tw-taipei": {M + "kr-daegu"}})
    report = ImportReport("test")
    items = resolve_items({"Q1": "Daegu", "Q2": "Taipeih"}, {("Q1", "Q2")}, known, report)
    assert items.place["Q2"] == M + "tw-taipei" and items.how["Q2"] == "similar name and partner"
    assert report.notes["Resolved by a similar name and a shared partner (check these)"] == [
        "Q2 'Taipeih' → municipality:tw-taipei"]


def test_the_other_spelling_is_kept_as_name_in_source(imported):
    store, _ = imported
    found = {q.object.value for q in store.quads_for_pattern(NamedNode(M + "tw-taipei"), None, None)
             if q.predicate.value.endswith("#nameInSource")}
    assert found == {"Taipeh"}


def test_an_item_without_a_known_municipality_is_left_out_and_listed(imported):
    store, report = imported
    assert report.notes["Items left out (no known municipality)"] == ["Q656 'Sankt Petersburg'"]
    assert report.counts["pairs left out (an end unresolved)"] == 1
    assert not any("656" in q.object.value for q in store)


def test_pairs_are_undirected_and_a_new_one_is_added(imported):
    store, report = imported
    # Bandung–Braunschweig is stated both ways and is also in the Wikipedia lists; Bandung–Bari is new.
    assert report.counts["undirected pairs"] == 6
    assert report.counts["pairs already in the graph (corroborated)"] == 4
    assert report.counts["pairs new to the graph"] == 1
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    labels = {q.subject.value.rsplit("/", 1)[1]: q.object.value for q in store.quads_for_pattern(None, label, None)
              if "partnership" in q.subject.value}
    assert labels == {"id-bandung--it-bari": "Bandung–Bari sister cities"}  # the others already have one


def test_bad_lines_are_counted_not_fatal(imported):
    _, report = imported
    assert {(row.line, row.reason) for row in report.bad_rows} == {
        (9, "city paired with itself"), (10, "unknown Wikidata id"), (11, "malformed line")}


def test_a_name_shared_by_two_partners_with_equal_evidence_is_kept_apart():
    known = KnownGraph(
        places={M + "de-soest": Place(M + "de-soest", "DE", {"Soest"}, "Soest"),
                M + "nl-soest": Place(M + "nl-soest", "NL", {"Soest"}, "Soest"),
                M + "pl-kamen": Place(M + "pl-kamen", "PL", {"Kamen"}, "Kamen")},
        countries={}, partnership_types={}, labelled_partnerships=set(),
        partners={M + "de-soest": {M + "pl-kamen"}, M + "nl-soest": {M + "pl-kamen"},
                  M + "pl-kamen": {M + "de-soest", M + "nl-soest"}})
    report = ImportReport("test")
    items = resolve_items({"Q1": "Soest", "Q2": "Kamen"}, {("Q1", "Q2")}, known, report)
    assert "Q1" not in items.place
    assert report.notes["Kept apart (unsure)"] == [
        "Q1 'Soest' matches several municipalities with shared partners: municipality:de-soest (1), "
        "municipality:nl-soest (1)"]


def test_cli_reports_and_refuses_a_missing_file(tmp_path):
    project = copy_project(tmp_path / "p")
    result = run_cli("import", "wikidata-p190", str(DATA / "wikidata-relations.tsv"),
                     str(DATA / "wikidata-names.tsv"), project=project)
    assert result.code == 0, result.stderr
    assert "items resolved (Wikidata id): 2" in result.stdout
    missing = run_cli("import", "wikidata-p190", str(tmp_path / "nope.tsv"), str(DATA / "wikidata-names.tsv"),
                      project=project)
    assert missing.code == 2 and "does not exist" in missing.stderr


def test_a_name_only_match_that_its_partners_contradict_is_kept_apart():
    # Wikidata's Q49236 is St. Petersburg, Florida, named "Saint Petersburg" in the crawl. The graph's only
    # "Saint Petersburg" is the Russian city, none of whose partners are Q49236's (Takamatsu, Figueres):
    # the name alone must not make Florida's twins Russia's.
    known = KnownGraph(
        places={M + "ru-saint-petersburg": Place(M + "ru-saint-petersburg", "RU", {"Saint Petersburg"},
                                                 "Saint Petersburg"),
                M + "jp-takamatsu": Place(M + "jp-takamatsu", "JP", {"Takamatsu"}, "Takamatsu"),
                M + "es-figueres": Place(M + "es-figueres", "ES", {"Figueres"}, "Figueres"),
                M + "it-venice": Place(M + "it-venice", "IT", {"Venice"}, "Venice")},
        countries={}, partnership_types={}, labelled_partnerships=set(),
        partners={M + "ru-saint-petersburg": {M + "it-venice", M + "x-a", M + "x-b"},
                  M + "it-venice": {M + "ru-saint-petersburg"}})
    report = ImportReport("test")
    names = {"Q49236": "Saint Petersburg", "Q2": "Takamatsu", "Q3": "Figueres"}
    items = resolve_items(names, {("Q49236", "Q2"), ("Q49236", "Q3")}, known, report)
    assert "Q49236" not in items.place
    assert ("Q49236 'Saint Petersburg' has the name of municipality:ru-saint-petersburg, but none of its 2 "
            "partners known to the graph is a partner of that place") in report.notes["Kept apart (unsure)"]
    # with one testable partner only, the name is still trusted (Bari: the only Bari in the graph)
    alone = resolve_items({"Q49236": "Saint Petersburg", "Q2": "Takamatsu"}, {("Q49236", "Q2")}, known,
                          ImportReport("test"))
    assert alone.place["Q49236"] == M + "ru-saint-petersburg"
    # nor when the graph knows too few partners of that place for their absence to prove anything
    known.partners[M + "ru-saint-petersburg"] = {M + "it-venice"}
    sparse = resolve_items(names, {("Q49236", "Q2"), ("Q49236", "Q3")}, known, ImportReport("test"))
    assert sparse.place["Q49236"] == M + "ru-saint-petersburg"
