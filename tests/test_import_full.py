"""The full graph (curated seeds + both imported data sets, as committed): it builds, and Bandung is one node
carrying its Wikipedia partners, its Wikidata partners and the partners of the seed articles, each with
its sources. Also: the committed graph/imported/ is what the importers make from data/raw/."""

from __future__ import annotations

import pytest

from citykg import KnowledgeGraph
from citykg.importers.hekman import import_hekman
from citykg.importers.wikidata import import_wikidata
from citykg.project import Project
from citykg.vocab import compact

from .conftest import REPO, copy_project, select

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
