"""The query catalogue: every query's exact answer on the curated seed graph, label resolution, checked
parameters, hostile values, and the VALUES binding used for remote endpoints.

Expected answers come from the five seed articles (/work/shared/seeds) as curated in graph/sources/*.trig,
e.g. source 001 gives Bandung's cooperations with Kawasaki, Hamamatsu, Toyota and talks with Japan; source
004 gives the Bandung–Petaling Jaya MoU signed 2015-11-27 for five years (P5Y).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal

from citykg import KnowledgeGraph
from citykg.errors import UsageError
from citykg.query.catalogue import bind, load_catalogue, mask, with_values
from citykg.query.render import term_text

from .conftest import CITYKG, REPO, copy_project, run_cli

#: Queries of the catalogue that this file asserts; network-*.rq belong to the network analytics suite.
OWN = ("partners", "partnerships", "agreements-in-force", "renewal-watch", "partnerships-by-sector",
       "sector-counts", "officials", "timeline", "provenance", "country-links", "municipalities",
       "partnership-edges", "class-stats")

PJ_MOU = "agreement:id-bandung--my-petaling-jaya--mou-2015"

#: A made-up second "Bandung" (in a temporary copy of the project only), to make a label ambiguous.
SECOND_BANDUNG = """
@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/citykg/id/municipality/my-bandung-test> a ckg:City ;
    rdfs:label "Bandung"@en ;
    ckg:inCountry <https://w3id.org/citykg/id/country/my> .
"""


def rows(kg: KnowledgeGraph, name: str, **params: str) -> list[dict[str, str]]:
    """A catalogue query's rows as dicts of readable strings (IRIs compacted, @lang kept)."""
    result = kg.run(name, params)
    names = [v.value for v in result.variables]
    return [{n: term_text(row[n]) for n in names} for row in result]


def column(table: list[dict[str, str]], name: str) -> list[str]:
    return [row[name] for row in table]


def split(cell: str) -> set[str]:
    """A " | "-joined list cell as a set, its language tag dropped."""
    return set(cell.removesuffix(" @en").split(" | "))


# ---------------------------------------------------------------- the catalogue itself

def test_catalogue_lists_every_rq_file_including_network_queries(kg):
    on_disk = sorted(p.stem for p in (kg.project.root / "queries").glob("*.rq"))
    assert sorted(kg.catalogue()) == on_disk
    assert set(OWN) <= set(on_disk)


def test_every_query_declares_title_description_and_runnable_defaults(kg):
    assert kg.catalogue()["partners"].title == "Partners of a municipality"
    for query in kg.catalogue().values():
        assert query.title and query.description, query.name
        assert not query.title.startswith(":") and not query.description.startswith(":"), query.name
        for parameter in query.parameters:
            assert parameter.default is not None and parameter.description, (query.name, parameter.name)
        kg.run(query.name)  # runs with its defaults


def test_cli_queries_lists_names_titles_and_parameters(built_project):
    done = run_cli("queries", project=built_project)
    assert done.code == 0
    assert "partners" in done.stdout and "Partners of a municipality" in done.stdout
    assert "city (municipality, default Bandung)" in done.stdout
    assert "months (integer, default 6)" in done.stdout


# ---------------------------------------------------------------- exact answers

def test_partners_of_bandung(kg):
    table = rows(kg, "partners", city="Bandung")
    assert [(r["partner"], r["partnerLabel"], r["country"], r["type"], r["status"]) for r in table] == [
        ("municipality:jp-hamamatsu", "Hamamatsu @en", "JP", "ckg:Cooperation", "ckg:Active"),
        ("country:jp", "Japan @en", "JP", "ckg:ExploratoryTalks", "ckg:Exploring"),
        ("municipality:jp-kawasaki", "Kawasaki @en", "JP", "ckg:Cooperation", "ckg:Active"),
        ("municipality:jp-toyota", "Toyota @en", "JP", "ckg:Cooperation", "ckg:Active"),
        ("municipality:kr-daegu", "Daegu @en", "KR", "ckg:SisterCity", "ckg:Active"),
        ("municipality:my-petaling-jaya", "Petaling Jaya @en", "MY", "ckg:SisterCity", "ckg:RenewalPlanned"),
    ]
    assert set(column(table, "city")) == {"municipality:id-bandung"}


def test_partners_of_daegu_and_of_bekasi_regency(kg):
    assert column(rows(kg, "partners", city="Daegu"), "partner") == ["municipality:id-bandung"]
    assert column(rows(kg, "partners", city="Kabupaten Bekasi"), "partner") == ["country:kr"]


def test_partnerships_with_type_status_since_and_sectors(kg):
    table = {r["partnership"].removeprefix("partnership:"): r for r in rows(kg, "partnerships")}
    expected = {
        "id-bandung--kr-daegu": ("ckg:SisterCity", "ckg:Active", "2022", {"Bandung", "Daegu"},
                                 {"Information technology", "Creative economy",
                                  "Micro, small and medium enterprises", "Environment"}),
        "id-bandung--jp": ("ckg:ExploratoryTalks", "ckg:Exploring", "", {"Bandung", "Japan"},
                           {"Labour", "Environment"}),
        "id-bandung--jp-kawasaki": ("ckg:Cooperation", "ckg:Active", "", {"Bandung", "Kawasaki"},
                                    {"Environment", "Waste management", "Water environment", "Air quality"}),
        "id-bandung--jp-hamamatsu": ("ckg:Cooperation", "ckg:Active", "", {"Bandung", "Hamamatsu"},
                                     {"Environment", "Academic cooperation", "Culture", "Research", "Creative city",
                                      "Water supply", "Sanitation", "Vocational training"}),
        "id-bandung--jp-toyota": ("ckg:Cooperation", "ckg:Active", "", {"Bandung", "Toyota"},
                                  {"Labour", "Information technology", "Sustainable transport", "Environment",
                                   "Social welfare", "Education", "Human resources development",
                                   "Administrative reform"}),
        # type and status from source 004, since and the 2015–2020 sectors from source 002
        "id-bandung--my-petaling-jaya": ("ckg:SisterCity", "ckg:RenewalPlanned", "2015", {"Bandung", "Petaling Jaya"},
                                         {"Arts and culture", "Education", "Trade", "Technology",
                                          "Human resources development", "Micro, small and medium enterprises",
                                          "Public administration", "Public services"}),
        "id-kabupaten-bekasi--kr": ("ckg:ExploratoryTalks", "ckg:Exploring", "", {"Bekasi Regency", "South Korea"},
                                    {"Labour", "Seasonal workers"}),
        "id-kadin-kabupaten-bekasi--kr-dics-us": (
            "ckg:Cooperation", "", "",
            {"Bekasi Regency Chamber of Commerce and Industry (Kadin Kabupaten Bekasi)", "Dics US Co Ltd"},
            {"Labour", "Seasonal workers"}),
    }
    assert set(table) == set(expected)
    for slug, (kind, status, since, partners, sectors) in expected.items():
        row = table[slug]
        assert (row["type"], row["status"], row["since"]) == (kind, status, since), slug
        assert split(row["partners"]) == partners, slug
        assert split(row["sectors"]) == sectors, slug
        assert sorted(split(row["sectors"])) == row["sectors"].removesuffix(" @en").split(" | ")  # alphabetical


@pytest.mark.parametrize(("day", "in_force"), [
    ("2015-11-26", False),  # the day before signing
    ("2015-11-27", True),   # signed that day
    ("2018-06-01", True),
    ("2020-11-26", True),   # last day of the five-year term
    ("2020-11-27", False),  # signed + P5Y
    ("2022-01-01", False),
])
def test_agreements_in_force_follow_signing_date_plus_term(kg, day, in_force):
    table = rows(kg, "agreements-in-force", date=day)
    assert column(table, "agreement") == ([PJ_MOU] if in_force else [])
    if in_force:
        assert (table[0]["start"], table[0]["end"], table[0]["term"]) == ("2015-11-27", "2020-11-27", "P5Y")


@pytest.mark.parametrize(("day", "months", "expected"), [
    ("2020-06-01", "6", [(PJ_MOU, "2020-11-27", "P179D")]),
    ("2020-11-27", "1", [(PJ_MOU, "2020-11-27", "PT0S")]),
    ("2020-05-27", "6", []),  # the end is exactly six months away: not within
    ("2020-06-01", "3", []),
    ("2020-11-28", "6", []),  # already ended
])
def test_renewal_watch_finds_terms_ending_within_n_months(kg, day, months, expected):
    table = rows(kg, "renewal-watch", date=day, months=months)
    assert [(r["agreement"], r["end"], r["remaining"]) for r in table] == expected


def test_partnerships_by_sector_include_narrower_sectors(kg):
    table = {r["partnership"]: split(r["matched"]) for r in rows(kg, "partnerships-by-sector", sector="Environment")}
    assert table == {
        "partnership:id-bandung--kr-daegu": {"Environment"},
        "partnership:id-bandung--jp": {"Environment"},
        "partnership:id-bandung--jp-kawasaki": {"Environment", "Waste management", "Water environment", "Air quality"},
        "partnership:id-bandung--jp-hamamatsu": {"Environment", "Sanitation"},
        "partnership:id-bandung--jp-toyota": {"Environment"},
    }
    # a top field: every partnership with an economy sector (creative city ⊑ creative economy ⊑ field)
    economy = rows(kg, "partnerships-by-sector", sector="sector:field-economy")
    assert {r["partnership"]: split(r["matched"]) for r in economy} == {
        "partnership:id-bandung--kr-daegu": {"Creative economy", "Micro, small and medium enterprises"},
        "partnership:id-bandung--jp-hamamatsu": {"Creative city"},
        "partnership:id-bandung--my-petaling-jaya": {"Trade", "Micro, small and medium enterprises"},
    }


def test_sector_counts(kg):
    table = {r["sector"].removeprefix("sector:"): (int(r["partnerships"]), int(r["agreements"]), int(r["events"]))
             for r in rows(kg, "sector-counts")}
    # partnerships / agreements / events naming each sector directly, counted from graph/sources
    assert table["environment"] == (5, 0, 2)  # Daegu, Japan, Kawasaki, Hamamatsu, Toyota; 2025 statement, 2022 audience
    assert table["labour"] == (4, 1, 3)  # Japan, Toyota, Bekasi–KR, Kadin–Dics; Kadin MoU; audiences + workers offer
    assert table["seasonal-workers"] == (2, 1, 1)
    assert table["smart-city"] == (0, 0, 4)  # 2022 visit, PJ staff placement, Eden ranking, 2023 visit
    assert table["health"] == (0, 0, 2)  # 2022 audience, booster offer
    assert table["human-resources"] == (2, 0, 5)
    assert len(table) == 33
    assert sum(p for p, _, _ in table.values()) == 38  # sector links of the 8 partnerships: 4+2+4+8+8+8+2+2
    assert sum(a for _, a, _ in table.values()) == 2
    assert all(p + a + e > 0 for p, a, e in table.values())


def test_officials_of_bandung_over_time(kg):
    table = rows(kg, "officials", city="Bandung")
    assert [(r["person"], r["role"], r["postIn"], r["firstAttested"], r["lastAttested"]) for r in table] == [
        ("person:yana-mulyana", "ckg:ActingMayor", "municipality:id-bandung", "2022-02-03", "2022-02-03"),
        ("person:yana-mulyana", "ckg:Mayor", "municipality:id-bandung", "2022-08-08", "2023-02-01"),
        ("person:atet-dedi-handiman", "ckg:AgencyHead", "organization:id-bandung-dinas-kumkm", "2023-02-01",
         "2023-02-01"),
        ("person:elly-wasliah", "ckg:AgencyHead", "organization:id-bandung-disdagin", "2023-02-01", "2023-02-01"),
        ("person:asep-mulyadi", "ckg:LegislatureChair", "organization:id-bandung-dprd", "2025-03-25", "2025-03-25"),
        ("person:muhammad-farhan", "ckg:Mayor", "municipality:id-bandung", "2025-03-25", "2025-03-25"),
    ]
    assert [(r["person"], r["role"]) for r in rows(kg, "officials", city="Petaling Jaya")] == [
        ("person:sharipah-marhaini", "ckg:DeputyMayor"), ("person:mohamad-azhan", "ckg:Mayor")]


def test_timeline_of_bandung_dated_first_then_proposed(kg):
    table = rows(kg, "timeline", city="Bandung")
    dated = [(r["date"], r["event"].removeprefix("event:"), r["type"]) for r in table if r["date"]]
    assert dated == [
        ("2015-11-27", "2015-11-27-bandung-petaling-jaya-mou-signing", "ckg:Signing"),
        ("2019", "2019-petaling-jaya-youth-leadership-camp", "ckg:ExchangeProgramme"),
        ("2022-02-03", "2022-02-03-bandung-japan-ambassador", "ckg:Audience"),
        ("2022-03", "2022-03-eden-top-50-smart-city-government-rankings", "ckg:Ranking"),  # ranked 28th
        ("2022-08-08", "2022-08-08-petaling-jaya-deputy-mayor-visit-bandung", "ckg:Visit"),
        ("2023", "2023-bandung-civil-servants-internship-daegu", "ckg:ExchangeProgramme"),
        ("2023-02-01", "2023-02-01-petaling-jaya-mayor-visit-bandung", "ckg:Visit"),
        ("2025-03-25", "2025-03-25-dprd-bandung-daegu-statement", "ckg:Statement"),
    ]
    undated = table[len(dated):]
    assert {r["event"].removeprefix("event:") for r in undated} == {
        "proposed-bandung-covid-booster-for-japanese-residents", "proposed-bandung-petaling-jaya-staff-exchange",
        "proposed-petaling-jaya-staff-placement-bandung-smart-city", "proposed-bandung-daegu-student-exchange",
        "proposed-bandung-skilled-workers-to-japan", "proposed-petaling-jaya-entrepreneurs-visit-bandung"}
    assert {r["proposed"] for r in undated} == {"true"} and {r["proposed"] for r in table[:8]} == {"false"}


def test_provenance_names_sources_and_quotes(kg):
    table = rows(kg, "provenance", entity="partnership:id-bandung--jp-kawasaki")
    assert [(r["source"], r["publisher"], r["quote"]) for r in table] == [
        ("source:unattributed-2022-02-03-bandung-japan-ambassador", "",
         "Kerja sama antara Bandung dan Kawasaki berfokus pada manajemen limbah, manajemen lingkungan air, dan "
         "manajemen kualitas udara. @id"),
        ("source:unattributed-2022-02-03-bandung-japan-ambassador", "",
         "“Kami menyampaikan beberapa hal terutama kerja sama yang sudah terjalin dengan tiga kota di Jepang,” "
         "ujar Yana. @id"),
    ]
    default = rows(kg, "provenance")  # the Bandung–Petaling Jaya partnership, told by sources 002 and 004
    assert sorted({(r["source"], r["publisher"]) for r in default}) == [
        ("source:humas-pemkot-bandung-2022-08-08-petaling-jaya-smart-city", "Humas Pemkot Bandung/Golali.id"),
        ("source:prolite-2023-02-01-bandung-petaling-jaya", "Prolite")]
    assert len(default) == 6 and any(r["quote"].startswith("Kerja sama PJ dengan Kota Bandung telah terjalin sejak "
                                                           "2015.") for r in default)


def test_country_links(kg):
    table = [(r["countryA"], r["countryB"], r["partnerships"]) for r in rows(kg, "country-links")]
    assert table == [("ID", "JP", "4"), ("ID", "KR", "3"), ("ID", "MY", "1")]


def test_municipalities_by_country(kg):
    indonesia = rows(kg, "municipalities", country="Indonesia")
    assert [(r["municipality"], r["kind"], r["province"]) for r in indonesia] == [
        ("municipality:id-bandung", "ckg:City", "West Java @en"),
        ("municipality:id-kabupaten-bekasi", "ckg:Regency", "West Java @en"),
        ("municipality:id-kabupaten-purwakarta", "ckg:Regency", "West Java @en"),
    ]
    assert column(rows(kg, "municipalities", country="Jepang"), "municipality") == [
        "municipality:jp-hamamatsu", "municipality:jp-kawasaki", "municipality:jp-toyota"]
    assert rows(kg, "municipalities", country="Sweden") == []  # present only for a source's mistake


def test_partnership_edges_one_row_per_pair(kg):
    table = [(r["source"], r["target"], r["partnership"].removeprefix("partnership:"))
             for r in rows(kg, "partnership-edges")]
    assert table == [
        ("country:jp", "municipality:id-bandung", "id-bandung--jp"),
        ("country:kr", "municipality:id-kabupaten-bekasi", "id-kabupaten-bekasi--kr"),
        ("municipality:id-bandung", "municipality:jp-hamamatsu", "id-bandung--jp-hamamatsu"),
        ("municipality:id-bandung", "municipality:jp-kawasaki", "id-bandung--jp-kawasaki"),
        ("municipality:id-bandung", "municipality:jp-toyota", "id-bandung--jp-toyota"),
        ("municipality:id-bandung", "municipality:kr-daegu", "id-bandung--kr-daegu"),
        ("municipality:id-bandung", "municipality:my-petaling-jaya", "id-bandung--my-petaling-jaya"),
        ("organization:id-kadin-kabupaten-bekasi", "organization:kr-dics-us", "id-kadin-kabupaten-bekasi--kr-dics-us"),
    ]


def test_class_stats(kg):
    table = {r["class"]: int(r["instances"]) for r in rows(kg, "class-stats")}
    assert {name: table.get("ckg:" + name) for name in (
        "Partnership", "Agreement", "Source", "Country", "Municipality", "City", "Regency", "Person", "Position",
        "Event", "Visit", "Audience", "ExchangeProgramme", "Signing", "Statement", "Ranking", "Sector")} == {
        "Partnership": 8, "Agreement": 2, "Source": 5, "Country": 7, "Municipality": 10, "City": 8, "Regency": 2,
        "Person": 11, "Position": 11, "Event": 16, "Visit": 3, "Audience": 2, "ExchangeProgramme": 5, "Signing": 1,
        "Statement": 1, "Ranking": 1, "Sector": 44}
    assert list(table.values()) == sorted(table.values(), reverse=True)
    assert kg.stats()["Partnership"] == table["ckg:Partnership"]


# ---------------------------------------------------------------- parameters

@pytest.mark.parametrize("label", ["Bandung", "bandung", "Kota Bandung", "  KOTA   bandung ", "municipality:id-bandung",
                                   "https://w3id.org/citykg/id/municipality/id-bandung"])
def test_a_municipality_may_be_named_by_any_label_case_or_iri(kg, label):
    assert len(rows(kg, "partners", city=label)) == 6


def test_indonesian_labels_resolve(kg):
    assert column(rows(kg, "municipalities", country="Jepang"), "country") == ["country:jp"] * 3
    assert rows(kg, "partnerships-by-sector", sector="Lingkungan hidup") == rows(kg, "partnerships-by-sector")


def test_unknown_label_is_an_error_naming_it(kg):
    with pytest.raises(UsageError, match=r"^No municipality is called 'Atlantis'\.$"):
        kg.run("partners", {"city": "Atlantis"})


def test_hostile_value_is_only_a_label_that_matches_nothing(kg):
    hostile = 'Bandung" } ; DROP ALL ; #'
    with pytest.raises(UsageError, match="^No municipality is called "):
        kg.run("partners", {"city": hostile})
    assert kg.stats()["Partnership"] == 8


def test_bad_date_unknown_parameter_and_missing_query_are_errors(kg):
    with pytest.raises(UsageError,
                       match=r"^Parameter 'date' takes a date written YYYY-MM-DD; '2022-02-30' is not one\.$"):
        kg.run("agreements-in-force", {"date": "2022-02-30"})
    with pytest.raises(UsageError, match=r"^Query 'partners' has no parameter 'town' \(its parameters: city\)\.$"):
        kg.run("partners", {"town": "Bandung"})
    with pytest.raises(UsageError, match=r"^There is no catalogue query 'partnrs'"):
        kg.run("partnrs")


def test_today_is_a_date(kg):
    import datetime

    table = rows(kg, "agreements-in-force")  # default: today
    assert table == []  # the only dated agreement ended on 2020-11-27
    assert rows(kg, "agreements-in-force", date="today") == table
    query = kg.catalogue()["agreements-in-force"]
    assert bind(query, {}, kg.resolve)["date"].value == datetime.date.today().isoformat()


def built_with(tmp_path: Path, name: str, text: str) -> tuple[Path, KnowledgeGraph]:
    """A copy of the project with one more reference file, built: (the project, its graph)."""
    project = copy_project(tmp_path)
    (project / "graph" / "reference" / name).write_text(text, encoding="utf-8")
    kg = KnowledgeGraph(project)
    kg.build()
    return project, kg


def test_ambiguous_label_lists_the_candidates(tmp_path):
    project, kg = built_with(tmp_path, "zz-second-bandung.trig", SECOND_BANDUNG)
    with pytest.raises(UsageError) as caught:
        kg.run("partners", {"city": "Bandung"})
    assert str(caught.value) == ("'Bandung' names 2 municipalities; say which one, by its IRI or as "
                                 "'Bandung, <country or province>':\n"
                                 "  municipality:id-bandung  (Bandung, West Java, Indonesia)\n"
                                 "  municipality:my-bandung-test  (Bandung, Malaysia)")
    assert len(rows(kg, "partners", city="Bandung, Indonesia")) == 6  # the qualifier picks one
    done = run_cli("query", "partners", "--param", "city=Bandung", project=project)
    assert done.code == 2 and "Traceback" not in done.stderr
    assert "'Bandung' names 2 municipalities; say which one" in done.stderr


#: Two more Bandungs in Indonesia with no province: only their Wikidata items and ties tell them apart.
TWIN_BANDUNGS = """
@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/citykg/id/municipality/id-bandung-2> a ckg:City ;
    rdfs:label "Bandung"@en ;
    owl:sameAs <http://www.wikidata.org/entity/Q999001> ;
    ckg:inCountry <https://w3id.org/citykg/id/country/id> .
<https://w3id.org/citykg/id/municipality/id-bandung-3> a ckg:City ;
    rdfs:label "Bandung"@en ;
    ckg:inCountry <https://w3id.org/citykg/id/country/id> .
<https://w3id.org/citykg/id/partnership/id-bandung-3--my-petaling-jaya> a ckg:Partnership ;
    rdfs:label "Bandung–Petaling Jaya test tie"@en ;
    ckg:partnershipType ckg:SisterCity ;
    ckg:partner <https://w3id.org/citykg/id/municipality/id-bandung-3> ,
        <https://w3id.org/citykg/id/municipality/my-petaling-jaya> .
"""


def test_homonyms_in_one_place_are_told_apart_by_item_and_ties(tmp_path):
    _, kg = built_with(tmp_path, "zz-twin-bandungs.trig", TWIN_BANDUNGS)
    with pytest.raises(UsageError) as caught:
        kg.run("partners", {"city": "Bandung, Indonesia"})
    assert str(caught.value).splitlines()[0] == ("'Bandung' names 3 municipalities; say which one, by its IRI "
                                                 "(some are in the same place):")
    assert str(caught.value).splitlines()[1:] == [
        "  municipality:id-bandung  (Bandung, West Java, Indonesia)",
        "  municipality:id-bandung-2  (Bandung, Indonesia; Wikidata Q999001, 0 partnerships)",
        "  municipality:id-bandung-3  (Bandung, Indonesia; 1 partnership)"]


#: A label that would end a VALUES block and add an update if it were pasted in as text.
HOSTILE = 'Kota "X") } ; DROP ALL ; INSERT DATA { <http://e/a> <http://e/b> "c" } #\\'

HOSTILE_CITY = f"""
@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/citykg/id/municipality/my-hostile-test> a ckg:City ;
    rdfs:label {Literal(HOSTILE)}@en ;
    ckg:inCountry <https://w3id.org/citykg/id/country/my> .
"""

BY_LABEL = """# title: Nodes by exact label
# description: Every node whose label is the text, for the hostile-value test.
# param text: text = x ; The label.
SELECT ?text ?node WHERE { ?node rdfs:label ?label . FILTER (STR(?label) = ?text) }
ORDER BY ?node
"""


def test_hostile_label_stays_a_value_in_the_values_block(tmp_path):
    project = copy_project(tmp_path)
    (project / "graph" / "reference" / "zz-hostile.trig").write_text(HOSTILE_CITY, encoding="utf-8")
    (project / "queries" / "by-label.rq").write_text(BY_LABEL, encoding="utf-8")
    kg = KnowledgeGraph(project)
    kg.build()
    before = len(kg.store)
    # as a label of a labelled kind: resolved to the node, whose partners (none) are listed
    assert rows(kg, "partners", city=HOSTILE) == []
    # as text: bound as one literal, it finds the one node so labelled and nothing else
    assert rows(kg, "by-label", text=HOSTILE) == [
        {"text": HOSTILE, "node": "municipality:my-hostile-test"}]
    assert len(kg.store) == before
    done = run_cli("query", "by-label", "-p", f"text={HOSTILE}", "--format", "csv", project=project)
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        '"' + HOSTILE.replace('"', '""') + '",https://w3id.org/citykg/id/municipality/my-hostile-test']


# ---------------------------------------------------------------- the CLI

@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_cli_query_formats(built_project, fmt):
    done = run_cli("query", "partners", "-p", "city=Kota Bandung", "--format", fmt, project=built_project)
    assert done.code == 0, done.stderr
    assert "https://w3id.org/citykg/id/municipality/my-petaling-jaya" in done.stdout
    assert done.stdout.count("https://w3id.org/citykg/id/partnership/") == 6


def test_cli_hostile_value_exits_with_one_sentence(built_project):
    done = run_cli("query", "partners", "--param", 'city=Bandung" } ; DROP ALL ; #', project=built_project)
    assert done.code == 2
    assert done.stderr.strip() == "Error: No municipality is called 'Bandung\" } ; DROP ALL ; #'."


#: A query that runs for hours on any graph: a three-way cross product.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def start_cli(*args: str, project: Path) -> subprocess.Popen:
    """The real program in a child process, with SIGINT at its default (a background shell ignores it)."""
    env = {**os.environ, "CITYKG_PROJECT": str(project), "NO_COLOR": "1"}
    env.pop("CITYKG_STORE", None)
    return subprocess.Popen([*CITYKG, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.parametrize("extra", [(), ("--timeout", "600")])
def test_ctrl_c_stops_a_long_query_with_one_line_and_exit_130(built_project, extra):
    process = start_cli("query", "-e", ENDLESS, *extra, project=built_project)
    try:
        time.sleep(2)  # started, and deep in the query
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130
    assert err == "Interrupted: the query was stopped.\n" and out == ""


def test_timeout_stops_a_query_and_says_so(built_project):
    done = run_cli("query", "-e", ENDLESS, "--timeout", "1.5", project=built_project)
    assert done.code == 1
    assert done.stderr == "Error: The query did not finish within 1.5 seconds (--timeout) and was stopped.\n"


def test_timeout_changes_nothing_in_an_answer_or_an_error(built_project):
    for args in (("partners", "--format", "tsv"), ("timeline", "-p", "city=Daegu", "--format", "json"),
                 ("-e", "CONSTRUCT WHERE { ?s a ckg:Sector }", "--format", "nt"), ("partners", "-p", "city=Atlantis"),
                 ("-e", "SELECT ?x WHERE { ?x }")):
        plain = run_cli("query", *args, project=built_project)
        limited = run_cli("query", *args, "--timeout", "60", project=built_project)
        assert (limited.code, limited.stdout, limited.stderr) == (plain.code, plain.stdout, plain.stderr), args
    assert plain.code == 1 and plain.stderr.startswith("Error: SPARQL syntax error at line 1")


def test_a_binary_or_non_utf8_query_file_is_one_sentence_naming_it(tmp_path):
    project = copy_project(tmp_path)
    bad = project / "queries" / "latin1.rq"
    bad.write_bytes("# title: Caf\u00e9\nSELECT * WHERE { ?s ?p ?o }\n".encode("latin-1"))
    done = run_cli("queries", project=project)
    assert done.code == 2 and "Traceback" not in done.stderr
    assert done.stderr == (f"Error: {bad}:1:13: a catalogue query must be UTF-8 text; the byte 0xe9 is not.\n")
    bad.write_bytes(b"# title: x\nSELECT\x00 * WHERE { ?s ?p ?o }\n")
    done = run_cli("query", "partners", project=project)
    assert done.code == 2
    assert done.stderr == (f"Error: {bad}:2: a catalogue query must be text; this file holds NUL bytes "
                           "(a binary file?).\n")


# ---------------------------------------------------------------- VALUES binding (for remote endpoints)

@pytest.mark.parametrize("name", sorted(load_catalogue(REPO / "queries")))
def test_values_binding_gives_the_same_answer_as_substitution(kg, name):
    query = kg.catalogue()[name]
    params = {"date": "2020-06-01"} if any(p.name == "date" for p in query.parameters) else {}
    bound = bind(query, params, kg.resolve)
    by_substitution = kg.query(query.sparql, bound)
    by_values = kg.query(with_values(query.sparql, bound))
    names = [v.value for v in by_substitution.variables]
    assert [v.value for v in by_values.variables] == names
    assert [[row[n] for n in names] for row in by_values] == [[row[n] for n in names] for row in by_substitution]


def test_values_block_escapes_hostile_text_and_opens_the_outer_where():
    from pyoxigraph import Literal, NamedNode, Store

    sparql = ('# WHERE { in a comment\n'
              'SELECT ?x ?name WHERE { { SELECT ?y WHERE { ?y ?p ?o } } ?x <http://e/name> ?name }')
    text = with_values(sparql, {"name": Literal('Bandung" } ; DROP ALL ; #'), "x": NamedNode("http://e/a")})
    assert 'SELECT ?x ?name WHERE { VALUES (?name ?x) { ("Bandung\\" } ; DROP ALL ; #" <http://e/a>) }' in text
    store = Store()
    assert [[row["name"].value] for row in store.query(text)] == []  # parses: the value stayed a value
    assert mask('"SERVICE" <http://a#b> # x').strip() == ""


def test_values_binding_needs_an_explicit_where():
    from pyoxigraph import NamedNode

    with pytest.raises(UsageError, match="explicit 'WHERE {'"):
        with_values("SELECT ?x { ?x ?p ?o }", {"x": NamedNode("http://e/a")})


def test_catalogue_header_errors_name_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: Bad\n# param city: town = Bandung\nSELECT ?city WHERE {}\n", encoding="utf-8")
    with pytest.raises(UsageError, match=rf"^{bad}:2: a parameter is written"):
        load_catalogue(tmp_path)


def test_a_municipality_asked_for_by_a_provinces_name_gets_the_provinces_iri(kg):
    with pytest.raises(UsageError, match=r"^No municipality is called 'West Java'\. province:id-jawa-barat is a "
                                         r"province of that name; give its IRI to use it here\.$"):
        kg.run("partners", {"city": "West Java"})
    assert rows(kg, "partners", city="province:id-jawa-barat") == []  # the IRI is taken: no partner yet
