"""The full graph (curated seeds + both imported data sets, as committed): it builds, and Bandung is one node
carrying its Wikipedia partners, its Wikidata partners and the partners of the seed articles, each with
its sources. Also: the committed graph/imported/ is what the importers make from data/raw/."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from citykg import KnowledgeGraph
from citykg.errors import AmbiguousLabelError
from citykg.importers.hekman import import_hekman
from citykg.importers.wikidata import import_wikidata
from citykg.project import Project
from citykg.vocab import ID, compact

from .conftest import REPO, copy_project, run_cli, select

pytestmark = pytest.mark.slow

FOLDERS = ("ontology", "graph/reference", "graph/sources", "graph/imported", "queries")
HEKMAN = "source:hekman-twin-cities-2026"
WIKIDATA = "source:l3viathan-wikidata-p190-2016-09"

PARTNERS_WITH_SOURCES = """
SELECT ?partner (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources) WHERE {
  GRAPH ?source { ?p ckg:partner municipality:id-bandung , ?partner . ?source a ckg:Source }
  FILTER(?partner != municipality:id-bandung)
} GROUP BY ?partner"""


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> KnowledgeGraph:
    kg = KnowledgeGraph(copy_project(tmp_path_factory.mktemp("full"), FOLDERS))
    kg.build()
    return kg


def test_bandung_has_every_partner_with_its_sources(full):
    found = {row["partner"]: {compact(iri) for iri in row["sources"].split()}
             for row in select(full, PARTNERS_WITH_SOURCES)}
    seed_japan = "source:unattributed-2022-02-03-bandung-japan-ambassador"
    assert found == {
        # the nine partners of Bandung in Wikipedia's list (data/raw/hekman_twin_cities_*.csv)
        "municipality:be-namur": {HEKMAN},
        "municipality:cn-liuzhou": {HEKMAN},
        "municipality:de-braunschweig": {HEKMAN, WIKIDATA},
        "municipality:ph-cotabato-city": {HEKMAN},
        "municipality:ec-cuenca": {HEKMAN},
        "municipality:us-fort-worth": {HEKMAN, WIKIDATA},
        "municipality:kr-suwon": {HEKMAN, WIKIDATA},
        "municipality:cn-yingkou": {HEKMAN},
        "municipality:my-petaling-jaya": {HEKMAN, "source:humas-pemkot-bandung-2022-08-08-petaling-jaya-smart-city",
                                          "source:prolite-2023-02-01-bandung-petaling-jaya"},
        # Wikidata's P190 adds Bari
        "municipality:it-bari": {WIKIDATA},
        # the seed articles
        "municipality:kr-daegu": {"source:detikjabar-2025-03-25-dprd-bandung-daegu"},
        "country:jp": {seed_japan},
        "municipality:jp-kawasaki": {seed_japan},
        "municipality:jp-hamamatsu": {seed_japan},
        "municipality:jp-toyota": {seed_japan},
    }


def test_bandung_is_one_node_with_its_curated_facts_and_its_wikidata_link(full):
    rows = select(full, """SELECT ?label ?lat ?same WHERE { municipality:id-bandung rdfs:label ?label ;
        geo:lat ?lat ; owl:sameAs ?same FILTER(lang(?label) = "en") }""")
    assert rows == [{"label": "Bandung @en", "lat": "-6.9147", "same": "wd:Q10389"}]


def test_the_full_graph_counts(full):
    stats = full.stats()
    assert stats["Source"] == 10  # five articles, two data sets, ISO 3166-1, GeoNames (positions, places)
    assert stats["Municipality"] > 17_000 and stats["Partnership"] > 27_000


@pytest.mark.parametrize("name", ["hekman-twin-cities.trig", "countries.trig", "wikidata-p190.trig",
                                  "geonames-positions.trig", "geonames-places.trig"])
def test_committed_imports_are_what_the_importers_make(tmp_path_factory, name):
    project = _regenerated(tmp_path_factory)
    assert (project.root / "graph" / "imported" / name).read_bytes() == \
        (REPO / "graph" / "imported" / name).read_bytes()


MUNICIPALITY = "https://w3id.org/citykg/ontology#Municipality"


@pytest.mark.parametrize(("label", "candidates"), [
    ("Portland", {"municipality:us-portland": "Portland, Oregon, United States",
                  "municipality:us-portland-2": "Portland, United States"}),
    ("Kansas City", {"municipality:us-kansas-city": "Kansas City, Missouri, United States",
                     "municipality:us-kansas-city-ks": "Kansas City, Kansas, United States"}),
    ("Rochester", {"municipality:us-rochester": "Rochester, United States",
                   "municipality:us-rochester-mn": "Rochester, Minnesota, United States"}),
    ("Cambridge", {"municipality:gb-cambridge": "Cambridge, United Kingdom",
                   "municipality:us-cambridge": "Cambridge, United States",
                   "municipality:us-cambridge-mn": "Cambridge, Minnesota, United States"}),
    ("Columbus", {"municipality:us-columbus": "Columbus, United States",
                  "municipality:us-columbus-ga": "Columbus, Georgia, United States",
                  "municipality:us-columbus-in": "Columbus, Indiana, United States"}),
    # same country, no state: told apart by their Wikidata item and their number of ties
    ("Springfield", {"municipality:us-springfield": "Springfield, United States; 6 partnerships",
                     "municipality:us-springfield-2": "Springfield, United States; Wikidata Q40325, 3 partnerships"}),
])
def test_the_named_homonyms_are_split_and_each_name_lists_its_towns(full, label, candidates):
    with pytest.raises(AmbiguousLabelError) as raised:
        full.resolve(MUNICIPALITY, label)
    assert dict(raised.value.candidates) == candidates


@pytest.mark.parametrize(("label", "node", "partner", "not_partner"), [
    ("Portland, Oregon", "us-portland", "jp-sapporo", "gr-mytilene"),
    ("Kansas City, Kansas", "us-kansas-city-ks", "ie-limerick", "tz-arusha"),
    ("Kansas City, Missouri", "us-kansas-city", "tz-arusha", "ie-limerick"),
    ("Rochester, Minnesota", "us-rochester-mn", "np-kathmandu", "fr-rennes"),
    ("Cambridge, Minnesota", "us-cambridge-mn", "se-rattvik", "jp-tsukuba"),
])
def test_a_homonym_picked_by_its_state_has_its_own_partners(full, label, node, partner, not_partner):
    assert full.resolve(MUNICIPALITY, label) == [f"https://w3id.org/citykg/id/municipality/{node}"]
    found = {row["partner"] for row in select(full, "SELECT ?m ?partner WHERE { ?p ckg:partner ?m , ?partner "
                                              "FILTER(?partner != ?m) }", m=NamedNode(ID + "municipality/" + node))}
    assert f"municipality:{partner}" in found and f"municipality:{not_partner}" not in found


@pytest.mark.parametrize(("node", "item", "partners"), [
    ("us-springfield-2", "wd:Q40325", {"de-wittenberg", "rs-kragujevac", "ro-pitesti"}),
])
def test_the_town_of_one_item_is_linked_to_it_and_the_rest_claims_no_position(full, node, item, partners):
    found = select(full, "SELECT ?m ?partner ?same WHERE { ?m owl:sameAs ?same . ?p ckg:partner ?m , ?partner "
                         "FILTER(?partner != ?m) }", m=NamedNode(ID + "municipality/" + node))
    assert {row["same"] for row in found} == {item}
    assert {row["partner"].removeprefix("municipality:") for row in found} == partners
    rest = node.removesuffix("-2")
    assert select(full, "SELECT ?m ?lat ?same WHERE { ?m geo:lat ?lat OPTIONAL { ?m owl:sameAs ?same } }",
                  m=NamedNode(ID + "municipality/" + rest)) == []


def test_sure_provinces_are_provinces_and_keep_their_ties(full):
    types = {row["m"]: row["type"] for row in select(full, """SELECT ?m ?type WHERE {
        VALUES ?m { province:id-east-java municipality:id-east-java municipality:ua-zaporizhzhia
                    municipality:ps-qalqilya municipality:pw-melekeok }
        ?m a ?type VALUES ?type { ckg:Province ckg:Municipality } }""")}
    assert types == {"province:id-east-java": "ckg:Province", "municipality:ua-zaporizhzhia": "ckg:Municipality",
                     "municipality:ps-qalqilya": "ckg:Municipality", "municipality:pw-melekeok": "ckg:Municipality"}
    partners = {row["partner"] for row in select(full, "SELECT ?partner WHERE { ?p ckg:partner "
                                                 "province:id-east-java , ?partner FILTER(?partner != "
                                                 "province:id-east-java) }")}
    assert partners == {"municipality:cn-shanghai", "municipality:cn-tianjin"}


def test_two_spellings_of_one_town_with_the_same_partners_are_one_node(full):
    rows = select(full, """SELECT ?partner ?name WHERE { ?p ckg:partner municipality:ua-boiarka , ?partner
        FILTER(?partner != municipality:ua-boiarka) municipality:ua-boiarka ckg:nameInSource ?name }""")
    assert {row["partner"] for row in rows} == {"municipality:pl-pulawy", "municipality:sk-bziny",
                                                "municipality:ge-martvili", "municipality:ge-ozurgeti"}
    assert {row["name"] for row in rows} == {"Boyarka"}
    assert select(full, "SELECT ?s ?p WHERE { { ?s ?p municipality:ua-boyarka } UNION "
                        "{ municipality:ua-boyarka ?p ?s } }") == []
    # rule 3 keeps León and Léon apart (geocoded far apart); their shared partner does not merge them back
    assert len(select(full, "SELECT ?m WHERE { VALUES ?m { municipality:es-leon municipality:es-leon-2 } "
                            "?m a ckg:Municipality }")) == 2


def test_each_province_the_lists_name_is_one_node_with_one_english_label(full):
    rows = select(full, """SELECT ?p (STR(?l) AS ?label) WHERE { ?p a ckg:Province ; rdfs:label ?l
        FILTER(langMatches(lang(?l), "en")) VALUES ?p { province:cn-zhejiang province:cn-shandong
        province:us-rhode-island province:jp-osaka-prefecture } }""")
    assert sorted((row["p"], row["label"]) for row in rows) == [
        ("province:cn-shandong", "Shandong"), ("province:cn-zhejiang", "Zhejiang"),
        ("province:jp-osaka-prefecture", "Osaka Prefecture"), ("province:us-rhode-island", "Rhode Island")]
    left = select(full, """SELECT ?m WHERE { ?m a ?type VALUES ?m { municipality:cn-zhejiang-province
        municipality:cn-shandong-province municipality:cn-shandong municipality:us-rhode-island } }""")
    assert left == []
    # the curated province is the one the Wikidata item names, and the lists' spelling is recorded on it
    same = select(full, "SELECT ?same ?name WHERE { province:cn-zhejiang owl:sameAs ?same ; ckg:nameInSource ?name }")
    assert same == [{"same": "wd:Q16967", "name": "Zhejiang Province"}]


def test_the_cli_lists_the_portlands_and_exits_2(full):
    result = run_cli("query", "partners", "-p", "city=Portland", project=full.project.root)
    assert result.code == 2
    assert "municipality:us-portland  (Portland, Oregon, United States)" in result.stderr
    assert "municipality:us-portland-2  (Portland, United States)" in result.stderr


_REGENERATED: list[Project] = []


def _regenerated(tmp_path_factory) -> Project:
    if not _REGENERATED:
        project = Project.locate(copy_project(tmp_path_factory.mktemp("regenerated")))
        raw = REPO / "data" / "raw"
        import_hekman(project, raw / "hekman_twin_cities_raw.csv", raw / "hekman_twin_cities_geocoded.csv",
                      wikidata=(raw / "l3viathan_relations.tsv", raw / "l3viathan_names.tsv"))
        import_wikidata(project, raw / "l3viathan_relations.tsv", raw / "l3viathan_names.tsv")
        _REGENERATED.append(project)
    return _REGENERATED[0]
