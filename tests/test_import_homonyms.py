"""The last named homonyms (issue 12): a node that is several towns of one name, told apart by one Wikidata
item's partners; and provinces listed as towns, retyped ``ckg:Province`` when that is sure.

The fixture (tests/data/import-homonyms/) is a made-up slice in the data set's layout; GeoNames is the real
packaged gazetteer, and the imports and the build run for real in a copy of the project.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Store

from citykg import KnowledgeGraph
from citykg.importers.gazetteer import gazetteer
from citykg.importers.hekman import PROVINCES
from citykg.importers.homonyms import KEPT, SECTION
from citykg.importers.levels import province_evidence
from citykg.importers.report import ImportReport

from .conftest import REPO, import_fixture, run_cli

DATA = REPO / "tests" / "data" / "import-homonyms"
M = "https://w3id.org/citykg/id/municipality/"
P = "https://w3id.org/citykg/id/province/"
CKG = "https://w3id.org/citykg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LAT = "http://www.w3.org/2003/01/geo/wgs84_pos#lat"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
FLAGGED = "Provinces or regions listed as municipalities (check these)"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, Store, ImportReport]:
    project, store, report = import_fixture(tmp_path_factory.mktemp("homonyms"), DATA, (
        "hekman-twin-cities.trig", "geonames-positions.trig", "wikidata-p190.trig"))
    return project.root, store, report


def _partners(store: Store, node: str, prefix: str = M) -> set[str]:
    found = set()
    for quad in store.quads_for_pattern(None, NamedNode(CKG + "partner"), NamedNode(prefix + node)):
        ends = {q.object.value for q in store.quads_for_pattern(quad.subject, quad.predicate, None)}
        found |= {e.removeprefix(M) for e in ends if e != prefix + node}
    return found


def _values(store: Store, node: str, predicate: str, prefix: str = M) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(NamedNode(prefix + node), NamedNode(predicate), None)}


def test_the_partners_one_item_lists_are_a_town_of_their_own(imported):
    _, store, _ = imported
    assert _partners(store, "us-springfield-2") == {"de-wittenberg", "rs-kragujevac", "ro-pitesti"}
    assert _partners(store, "us-springfield") == {"jp-ashikaga", "jp-isesaki", "mx-tlaquepaque", "ie-killarney"}


def test_the_wikidata_import_links_the_item_to_its_town_only(imported):
    _, store, _ = imported
    assert _values(store, "us-springfield-2", SAME_AS) == {"http://www.wikidata.org/entity/Q1"}
    assert _values(store, "us-springfield", SAME_AS) == set()  # Q2 lists no partner of either: left out


def test_neither_springfield_claims_the_geocoders_position_or_a_state(imported):
    _, store, _ = imported
    for node in ("us-springfield", "us-springfield-2"):
        assert _values(store, node, LAT) == set()
        assert _values(store, node, CKG + "inProvince") == set()


def test_the_split_is_in_the_review_list_with_its_evidence(imported):
    _, _, report = imported
    [line] = report.notes[SECTION]
    assert line == ("municipality:us-springfield-2 split from municipality:us-springfield ('Springfield'): Q1 lists "
                    "Kragujevac, Pitești, Wittenberg (4 partners in all); no item of the name lists Ashikaga, "
                    "Isesaki, Killarney, Tlaquepaque, which stay with municipality:us-springfield, and GeoNames lists "
                    "'Springfield' in MO (170,188), MA (154,341), IL (114,394), OR (60,870), OH (59,680): neither "
                    "node gets a state or a position; municipality:us-springfield loses its position 39.799, "
                    "-89.644 (the geocoder's for every town of the name)")
    assert report.ties[(SECTION, line)] == 3


def test_no_split_without_a_second_sizeable_town_or_when_the_item_lists_as_many(imported):
    _, store, _ = imported
    # GeoNames' second Buffalo (Minnesota, 16,026) is too small to make the name ambiguous
    assert len(_partners(store, "us-buffalo")) == 5 and _values(store, "us-buffalo", LAT) == {"42.8864"}
    # the Jackson item lists three of the node's five partners: two that no item lists are too few
    assert len(_partners(store, "us-jackson")) == 5
    assert _values(store, "us-jackson-2", RDF_TYPE) == set()


def test_no_split_when_each_item_lists_a_single_partner(imported):
    """Glendale's two items list Memmingen and Kapan, one each: that says nothing of the three partners no
    item lists (Glendale, California's in the real data, as Kapan is), so the node stays whole and is listed."""
    _, store, report = imported
    assert len(_partners(store, "us-glendale")) == 5
    assert _values(store, "us-glendale-2", RDF_TYPE) == set()
    (line,) = [line for line in report.notes[KEPT] if line.startswith("municipality:us-glendale ")]
    assert line.startswith("municipality:us-glendale ('Glendale'): Q51 lists only Memmingen; Q52 lists only Kapan, "
                           "of its 5 partners")
    assert report.ties[(KEPT, line)] == 5


def test_a_sure_province_is_retyped_and_keeps_its_ties(imported):
    _, store, report = imported
    assert _values(store, "id-east-java", RDF_TYPE, P) == {CKG + "Province"}
    assert _values(store, "id-east-java", RDF_TYPE) == set()  # no municipality:id-east-java is left
    assert _values(store, "id-east-java", LAT, P) == set()  # the geocoder's point is Surabaya's
    assert _partners(store, "id-east-java", P) == {"cn-shanghai", "cn-tianjin"}
    assert report.notes[PROVINCES] == [
        "province:id-east-java ('East Java', ID) from 'East Java' (was municipality:id-east-java): the English name "
        "of the first-level subdivision ID.08 (GeoNames), and no GeoNames place of the country has a name like it"]
    assert report.counts["provinces (named as towns by the lists)"] == 1


def test_the_wikidata_import_resolves_an_item_to_a_province_that_is_a_partner(imported):
    _, store, _ = imported
    assert _values(store, "id-east-java", SAME_AS, P) == {"http://www.wikidata.org/entity/Q41"}


def test_a_province_named_like_its_city_stays_a_municipality_and_is_flagged(imported):
    _, store, report = imported
    assert _values(store, "ua-zaporizhia", RDF_TYPE) == {CKG + "Municipality"}
    assert report.notes[FLAGGED] == ["municipality:ua-zaporizhia ('Zaporizhia', UA): the English name of the "
                                     "first-level subdivision UA.26 (GeoNames)"]


@pytest.mark.parametrize(("country", "name", "sure"), [
    ("ID", "East Java", True),
    ("JP", "Osaka Prefecture", True),  # the base is a prefecture's name, the word says which
    ("IT", "Ravenna Province", False),  # an Italian province is second-level
    ("PS", "Qalqilya", False),  # GeoNames' "Qalqīlyah"
    ("PW", "Melekeok", False),  # GeoNames' "Melekeok Village"
    ("KZ", "Akmola Region", False),  # only the word says so: no first-level name matches
])
def test_only_a_first_level_name_with_no_town_like_it_is_sure(country, name, sure):
    assert (province_evidence(gazetteer(), country, name) is not None) is sure


def test_the_shapes_accept_the_province_as_a_partner_and_the_user_is_asked_which_springfield(imported):
    root, _, _ = imported
    KnowledgeGraph(root).build()  # validates every node, the partnerships of East Java included
    result = run_cli("query", "partners", "-p", "city=Springfield", project=root)
    assert result.code == 2
    assert "municipality:us-springfield  (Springfield, United States; 4 partnerships)" in result.stderr
    assert "municipality:us-springfield-2  (Springfield, United States; Wikidata Q1, 3 partnerships)" in result.stderr
    towns = run_cli("query", "-e", "SELECT ?m WHERE { ?m a ckg:Municipality }", "--format", "csv", project=root)
    assert towns.code == 0 and "id-east-java" not in towns.stdout and "ua-zaporizhia" in towns.stdout
    provinces = run_cli("query", "-e", "SELECT ?p WHERE { ?p a ckg:Province }", "--format", "csv", project=root)
    assert provinces.code == 0 and "province/id-east-java" in provinces.stdout
