"""The named homonyms split by the evidence the data sets hold (issue 12): the United States page's state
sections, the Wikidata items of the name, and GeoNames' places.

The fixture (tests/data/import-states/) is a made-up slice in the data set's layout; GeoNames is the real
packaged gazetteer, and every import runs the real importer into a copy of the project.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from citykg import KnowledgeGraph
from citykg.importers.gazetteer import gazetteer
from citykg.importers.hekman import import_hekman, read_rows
from citykg.importers.levels import subdivision_level
from citykg.importers.report import ImportReport
from citykg.importers.sections import read_sections
from citykg.importers.states import LEFT, SECTION
from citykg.importers.strays import SECTION as STRAYS
from citykg.project import Project

from .conftest import REPO, copy_project, run_cli

DATA = REPO / "tests" / "data" / "import-states"
M = "https://w3id.org/citykg/id/municipality/"
P = "https://w3id.org/citykg/id/province/"
CKG = "https://w3id.org/citykg/ontology#"


def test_the_us_page_is_read_as_state_sections_and_a_lone_town_carries_none():
    rows = read_rows(DATA / "pairs.csv", ImportReport("t"))
    sections = read_sections(rows, gazetteer())
    found = [(s.state, [(m.name, carried) for m, carried in s.carriers()]) for s in sections]
    assert found == [
        ("KS", [("Hays", "KS"), ("Kansas City", "KS"), ("Lawrence", "KS")]),
        ("MN", [("Duluth", "MN"), ("Rochester", "MN"), ("Winona", "MN")]),
        ("MO", [("Columbia", "MO"), ("Kansas City", "MO"), ("St. Louis", "MO")]),
        ("OR", [("Eugene", "OR"), ("Gresham", "OR"), ("Portland", "OR")]),
    ]  # Jackson, alone between Minnesota and Missouri, is in no section


def test_a_run_that_continues_the_alphabet_is_cut_where_the_state_changes(tmp_path):
    towns = ["Athens", "Cullman", "Foley", "Nome", "Palmer", "Sitka", "Wilmington"]  # Alabama, then Alaska
    csv = tmp_path / "run.csv"
    csv.write_text("city1,country1,city2,country2\n" + "".join(f"{t},United States,Lyon,France\n" for t in towns),
                   encoding="utf-8")
    sections = read_sections(read_rows(csv, ImportReport("t")), gazetteer())
    assert [(s.state, [(m.name, c) for m, c in s.carriers()]) for s in sections] == [
        ("AL", [("Athens", "AL"), ("Cullman", "AL"), ("Foley", "AL")]),
        # Wilmington is in Delaware or North Carolina, never Alaska: it carries no state
        ("AK", [("Nome", "AK"), ("Palmer", "AK"), ("Sitka", "AK"), ("Wilmington", None)]),
    ]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, Store, ImportReport]:
    root = copy_project(tmp_path_factory.mktemp("states"))
    report = import_hekman(Project.locate(root), DATA / "pairs.csv",
                           wikidata=(DATA / "relations.tsv", DATA / "names.tsv"))
    store = Store()
    for name in ("hekman-twin-cities.trig", "geonames-positions.trig"):
        store.load(path=root / "graph" / "imported" / name, format=RdfFormat.TRIG)
    return root, store, report


def _partners(store: Store, node: str) -> set[str]:
    found = set()
    for quad in store.quads_for_pattern(None, None, None):
        if quad.predicate.value == CKG + "partner" and quad.object.value == M + node:
            ends = {q.object.value for q in store.quads_for_pattern(quad.subject, quad.predicate, None)}
            found |= {e.removeprefix(M) for e in ends if e != M + node}
    return found


def _values(store: Store, node: str, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(NamedNode(M + node), NamedNode(predicate), None)}


def test_kansas_city_is_two_towns_each_in_its_state(imported):
    _, store, _ = imported
    assert _partners(store, "us-kansas-city") == {"tz-arusha", "sl-freetown", "es-seville"}
    assert _partners(store, "us-kansas-city-ks") == {"ie-limerick", "at-linz"}
    assert _values(store, "us-kansas-city", CKG + "inProvince") == {P + "us-missouri"}
    assert _values(store, "us-kansas-city-ks", CKG + "inProvince") == {P + "us-kansas"}
    # the geocoder put both at Kansas City, Missouri; the Kansas town gets GeoNames' position in Kansas
    lat = "http://www.w3.org/2003/01/geo/wgs84_pos#lat"
    assert {round(float(v), 1) for v in _values(store, "us-kansas-city", lat)} == {39.1}
    assert {round(float(v), 2) for v in _values(store, "us-kansas-city-ks", lat)} == {39.11}


def test_the_split_and_the_pair_no_town_explains_are_in_the_review_list(imported):
    _, _, report = imported
    assert ("municipality:us-kansas-city-ks split from municipality:us-kansas-city ('Kansas City'): the Kansas "
            "section lists Limerick (its Wikidata item: Q2); with it go Linz; municipality:us-kansas-city keeps "
            "the Missouri section's town (2 partners)") in report.notes[SECTION]
    assert report.notes[LEFT] == ["municipality:us-kansas-city–Seville: no section or item of 'Kansas City' "
                                  "places it (or several do)"]


def test_an_item_that_lists_none_of_the_section_is_another_town(imported):
    _, store, report = imported
    assert _partners(store, "us-rochester-mn") == {"np-kathmandu"}
    assert _values(store, "us-rochester-mn", CKG + "inProvince") == {P + "us-minnesota"}
    assert _partners(store, "us-rochester") == {"fr-rennes", "de-wurzburg", "jp-hamamatsu"}
    assert _values(store, "us-rochester", CKG + "inProvince") == set()  # no source says New York
    assert any(line.startswith("municipality:us-rochester-mn split from municipality:us-rochester") for line in
               report.notes[SECTION])


def test_partners_no_item_lists_become_a_second_town_that_claims_nothing(imported):
    _, store, report = imported
    assert _partners(store, "us-portland") == {"il-ashkelon", "jp-sapporo", "mx-guadalajara"}
    assert _partners(store, "us-portland-2") == {"gr-mytilene", "jp-shinagawa", "ru-arkhangelsk", "ke-garissa"}
    for predicate in (CKG + "inProvince", "http://www.w3.org/2003/01/geo/wgs84_pos#lat"):
        assert _values(store, "us-portland-2", predicate) == set()
    [line] = report.notes[STRAYS]
    assert line.startswith("municipality:us-portland-2 split from municipality:us-portland ('Portland', Oregon): "
                           "Q3 lists 5 partners (3 of the node's), and no item of the name lists Arkhangelsk, "
                           "Garissa, Mytilene, Shinagawa; GeoNames lists another in US: Portland, Maine")
    assert report.ties[(STRAYS, line)] == 4


def test_a_lone_town_and_a_town_of_no_section_get_no_state(imported):
    _, store, _ = imported
    assert _values(store, "us-jackson", CKG + "inProvince") == set()
    assert _values(store, "us-hays", CKG + "inProvince") == {P + "us-kansas"}


def test_the_provinces_are_described_and_the_shapes_accept_them(imported):
    root, store, _ = imported
    quads = store.quads_for_pattern(NamedNode(P + "us-kansas"), None, None)
    kansas = {(q.predicate.value, q.object.value) for q in quads}
    assert kansas == {("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", CKG + "Province"),
                      ("http://www.w3.org/2000/01/rdf-schema#label", "Kansas"),
                      (CKG + "inCountry", "https://w3id.org/citykg/id/country/us")}
    KnowledgeGraph(root).build()  # validates every node against ontology/shapes.ttl


def test_the_user_is_asked_which_kansas_city_and_can_say_it(imported):
    root, _, _ = imported
    if not (root / ".citykg").exists():
        KnowledgeGraph(root).build()
    result = run_cli("query", "partners", "-p", "city=Kansas City", project=root)
    assert result.code == 2
    assert "municipality:us-kansas-city  (Kansas City, Missouri, United States)" in result.stderr
    assert "municipality:us-kansas-city-ks  (Kansas City, Kansas, United States)" in result.stderr
    chosen = run_cli("query", "partners", "-p", "city=Kansas City, Kansas", "--format", "csv", project=root)
    assert chosen.code == 0 and "at-linz" in chosen.stdout and "tz-arusha" not in chosen.stdout


@pytest.mark.parametrize(("country", "name", "flagged"), [
    ("ID", "East Java", True),  # pycountry knows only "Jawa Timur"; GeoNames' English name catches it
    ("IT", "Tuscany", True),
    ("SI", "Šempeter-Vrtojba", False),  # Slovenia's first level is its municipalities
])
def test_english_names_of_provinces_are_flagged(country, name, flagged):
    assert (subdivision_level(gazetteer(), country, name) is not None) is flagged


def _import_rows(tmp_path: Path, rows: str, names: str, relations: str) -> tuple[Store, ImportReport]:
    root = copy_project(tmp_path / "p")
    (tmp_path / "pairs.csv").write_text("city1,country1,city2,country2\n" + rows, encoding="utf-8")
    (tmp_path / "names.tsv").write_text(names, encoding="utf-8")
    (tmp_path / "relations.tsv").write_text(relations, encoding="utf-8")
    report = import_hekman(Project.locate(root), tmp_path / "pairs.csv",
                           wikidata=(tmp_path / "relations.tsv", tmp_path / "names.tsv"))
    store = Store()
    store.load(path=root / "graph" / "imported" / "hekman-twin-cities.trig", format=RdfFormat.TRIG)
    return store, report


def test_an_item_that_merely_lacks_the_section_partner_is_the_same_town(tmp_path):
    # GeoNames knows no other sizeable Minneapolis: the item's partners are the Minnesota town's
    rows = ("Tours,France,Minneapolis,United States\nIbaraki,Japan,Minneapolis,United States\n"
            "Duluth,United States,Växjö,Sweden\nMinneapolis,United States,Bosaso,Somalia\n"
            "Winona,United States,Misato,Japan\n")
    store, report = _import_rows(tmp_path, rows, "Q1\tMinneapolis\nQ2\tTours\nQ3\tIbaraki\n", "Q1\tQ2\nQ1\tQ3\n")
    assert _partners(store, "us-minneapolis") == {"fr-tours", "jp-ibaraki", "so-bosaso"}
    assert _values(store, "us-minneapolis", CKG + "inProvince") == {P + "us-minnesota"}
    assert SECTION not in report.notes


def test_a_few_partners_no_item_lists_stay_when_the_item_confirms_more(tmp_path):
    # Newark, New Jersey: three partners no item lists, four the item lists: no second town
    foreign = ("Rio de Janeiro,Brazil", "Xuzhou,China", "Belo Horizonte,Brazil", "Porto Alegre,Brazil",
               "Funchal,Portugal")
    rows = "".join(f"{town},Newark,United States\n" for town in foreign) + (
        "Jersey City,United States,Cusco,Peru\nMontclair,United States,Barnet,England\n"
        "Newark,United States,Banjul,Gambia\nNewark,United States,Kumasi,Ghana\n")
    names = "Q1\tNewark\nQ2\tRio de Janeiro\nQ3\tXuzhou\nQ4\tBanjul\nQ5\tKumasi\nQ6\tAveiro\n"
    store, report = _import_rows(tmp_path, rows, names, "Q1\tQ2\nQ1\tQ3\nQ1\tQ4\nQ1\tQ5\nQ1\tQ6\n")
    assert len(_partners(store, "us-newark")) == 7 and STRAYS not in report.notes
    assert _values(store, "us-newark", CKG + "inProvince") == {P + "us-new-jersey"}
