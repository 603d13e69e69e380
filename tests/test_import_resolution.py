"""Entity resolution, one test per case of docs/import.md, on real rows of the Wikipedia lists
(tests/data/import/hekman-slice.csv) imported into a copy of the curated seed graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from citykg.importers.hekman import import_hekman
from citykg.importers.names import parse_name, slug
from citykg.importers.report import ImportReport
from citykg.importers.resolve import Mention, Row, resolve
from citykg.project import Project

from .conftest import copy_project

SLICE = Path(__file__).parent / "data" / "import" / "hekman-slice.csv"
M = "https://w3id.org/citykg/id/municipality/"
P = "https://w3id.org/citykg/id/partnership/"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    project = Project.locate(copy_project(tmp_path_factory.mktemp("resolution")))
    report = import_hekman(project, SLICE)
    store = Store()
    store.load(path=project.root / "graph" / "imported" / "hekman-twin-cities.trig", format=RdfFormat.TRIG)
    return store, report


def municipalities(store: Store) -> set[str]:
    rows = store.query("SELECT DISTINCT ?m WHERE { GRAPH ?g { ?p <https://w3id.org/citykg/ontology#partner> ?m } }")
    return {row["m"].value.removeprefix(M) for row in rows}


def partners(store: Store, city: str) -> set[str]:
    partner = NamedNode("https://w3id.org/citykg/ontology#partner")
    found = set()
    for link in store.quads_for_pattern(None, partner, NamedNode(M + city)):
        found |= {q.object.value.removeprefix(M) for q in store.quads_for_pattern(link.subject, partner, None)}
    return found - {city}


def names(store: Store, city: str) -> set[str]:
    found = store.quads_for_pattern(NamedNode(M + city), None, None)
    return {q.object.value for q in found if q.predicate.value.endswith(("#label", "#nameInSource"))}


def test_accents_and_duplicated_rows_make_one_node_and_one_partnership(imported):
    store, report = imported
    # "Furth bei Gottweig"–Domažlice and Domažlice–"Furth bei Göttweig": one town, one pair.
    assert names(store, "at-furth-bei-gottweig") == {"Furth bei Gottweig", "Furth bei Göttweig"}
    assert partners(store, "at-furth-bei-gottweig") == {"cz-domazlice"}
    # Listed twice: Furth–Domažlice, York–Münster, Blacktown–Suseong and both Miyoshi pairs.
    assert report.counts["duplicate rows (same pair listed again)"] == 5


def test_bare_name_goes_to_the_qualified_place_with_the_same_partner(imported):
    store, report = imported
    assert partners(store, "jp-miyoshi-saitama") == {"my-petaling-jaya"}
    assert partners(store, "jp-miyoshi-tokushima") == {"us-the-dalles"}
    assert "Miyoshi" in names(store, "jp-miyoshi-saitama")  # the Malaysia page's spelling is kept
    lines = report.notes["Bare names resolved by a shared partner"]
    assert ("line 10: 'Miyoshi' (JP) paired with 'Petaling Jaya' is 'Miyoshi, Saitama', which has the same "
            "partner") in lines


def test_an_undecidable_bare_name_is_kept_apart_and_reported(imported):
    store, report = imported
    # Columbus lists a "Miyoshi" that neither qualified Miyoshi shares a partner with.
    assert partners(store, "jp-miyoshi") == {"us-columbus"}
    assert ("'Miyoshi' (JP, 1 rows, lines 13) may be 'Miyoshi, Saitama', 'Miyoshi, Tokushima': kept as "
            "municipality:jp-miyoshi") in report.notes["Kept apart (unsure)"]


def test_parenthetical_and_dash_qualifiers_name_the_district_not_the_city(imported):
    store, _ = imported
    # "Suseong (Daegu)" and "Daegu – Suseong" are one district of Daegu, never Daegu itself.
    assert names(store, "kr-suseong-daegu") == {"Suseong (Daegu)", "Daegu – Suseong"}
    assert partners(store, "kr-suseong-daegu") == {"au-blacktown"}
    assert "au-blacktown" not in partners(store, "kr-daegu")


def test_same_name_in_two_countries_stays_two(imported):
    store, _ = imported
    assert {"al-berat", "fr-berat"} <= municipalities(store)
    assert partners(store, "al-berat") == {"fr-berat"}


def test_one_slug_geocoded_far_apart_stays_two(imported):
    store, report = imported
    assert partners(store, "de-munster") == {"gb-york"}  # Münster, Westphalia
    assert partners(store, "de-munster-2") == {"fr-eragny"}  # Munster, Lower Saxony
    assert ("one slug, geocoded more than 25 km apart (DE): 'Münster' as municipality:de-munster, 'Munster' "
            "as municipality:de-munster-2") in report.notes["Kept apart (unsure)"]


def test_a_kind_qualifier_never_absorbs_the_bare_town(imported):
    store, _ = imported
    assert partners(store, "de-forchheim") == {"it-rovereto"}
    assert partners(store, "de-forchheim-district") == {"de-charlottenburg-wilmersdorf-berlin"}


def test_curated_municipalities_keep_their_iri_and_their_own_label(imported):
    store, report = imported
    assert partners(store, "id-bandung") == {"be-namur", "de-braunschweig", "us-fort-worth", "my-petaling-jaya",
                                             "kr-suwon"}
    assert names(store, "id-bandung") == set()  # no second label: the curated one stays the only one
    assert "'Bandung' (ID) → municipality:id-bandung" in report.notes["Matched curated municipalities"]


def test_the_same_partnership_iri_as_the_curated_one(imported):
    store, _ = imported
    partnership = NamedNode(P + "id-bandung--my-petaling-jaya")
    predicates = {q.predicate.value.rsplit("#", 1)[1] for q in store.quads_for_pattern(partnership, None, None)}
    assert predicates == {"type", "partner", "partnershipType"}  # the curated label is not repeated


@pytest.mark.parametrize("text, base, qualifier, key", [
    ("Miyoshi, Saitama", "Miyoshi", "Saitama", "miyoshi-saitama"),
    ("Suseong (Daegu)", "Suseong", "Daegu", "suseong-daegu"),
    ("Daegu – Suseong", "Suseong", "Daegu", "suseong-daegu"),
    ("Vienna 9 – Alsergrund", "Alsergrund", "Vienna 9", "alsergrund-vienna"),
    ("Forchheim (district)", "Forchheim", "district", "forchheim-district"),
    ("Bonn (Bonn)", "Bonn", None, "bonn"),
    ("Ch’ŏngjin", "Ch’ŏngjin", None, "chongjin"),
])
def test_name_forms(text, base, qualifier, key):
    name = parse_name(text)
    assert (name.base, name.qualifier, name.key) == (base, qualifier, key)


def test_a_qualifier_that_repeats_the_country_is_dropped():
    assert parse_name("Varna, Bulgaria", (slug("Bulgaria"),)).qualifier is None


def test_bare_name_near_its_only_qualified_form_is_merged_by_coordinates():
    halle = Mention(parse_name("Halle"), "DE", "51.4828", "11.9697")
    halle_saale = Mention(parse_name("Halle (Saale)"), "DE", "51.4833", "11.9667")
    rows = [Row(2, halle, Mention(parse_name("Grenoble"), "FR", "45.1885", "5.7245"), ""),
            Row(3, halle_saale, Mention(parse_name("Oldenburg"), "DE", "53.1435", "8.2146"), "")]
    report = ImportReport("test")
    result = resolve(rows, {}, report)
    assert set(result.pairs) == {(M + "de-halle-saale", M + "fr-grenoble"), (M + "de-halle-saale", M + "de-oldenburg")}
    assert report.notes["Bare names resolved by coordinates"] == [
        "'Halle' (DE, 1 rows) is 'Halle (Saale)': geocoded within 10 km"]
