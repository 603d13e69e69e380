"""Entity descriptions with provenance, content negotiation, the pages, the map and the VoID description
(issue 14), on the seed graph."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import rdflib
from markupsafe import escape
from pyld import jsonld
from pyoxigraph import NamedNode
from rdflib.compare import isomorphic

from citykg import KnowledgeGraph
from citykg.pages import (
    dataset_description,
    describe,
    describe_ontology,
    geo,
    iri_for_path,
    negotiate,
    render_ontology,
    render_page,
    render_search,
    search,
)

from .conftest import copy_project

ID = "https://w3id.org/citykg/id/"
CKG = rdflib.Namespace("https://w3id.org/citykg/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
BANDUNG = ID + "municipality/id-bandung"
TIE = ID + "partnership/id-bandung--my-petaling-jaya"
MOU = ID + "agreement/id-bandung--my-petaling-jaya--mou-2015"
PROLITE = ID + "source/prolite-2023-02-01-bandung-petaling-jaya"
RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}


def parsed(kg, iri: str, fmt: str = "ttl") -> rdflib.Graph:
    data = describe(kg, iri, fmt)
    assert data is not None
    return rdflib.Graph().parse(data=data, format=RDF_FORMATS[fmt])


def stated_in(graph: rdflib.Graph, s, p, o) -> set[str]:
    """The graphs the description's reified statement of (s, p, o) derives from."""
    return {str(g) for st in graph.subjects(rdflib.RDF.subject, s) if (st, rdflib.RDF.predicate, p) in graph
            and (st, rdflib.RDF.object, o) in graph for g in graph.objects(st, PROV.wasDerivedFrom)}


def test_description_of_a_partnership_gives_its_facts_and_the_source_of_each(kg):
    graph = parsed(kg, TIE)
    tie = rdflib.URIRef(TIE)
    assert (tie, CKG.partner, rdflib.URIRef(BANDUNG)) in graph
    assert (tie, CKG.status, CKG.RenewalPlanned) in graph
    assert PROLITE in stated_in(graph, tie, CKG.status, CKG.RenewalPlanned)
    assert stated_in(graph, tie, CKG.partnershipType, CKG.SisterCity) >= {PROLITE}


def test_description_of_a_city_includes_the_partnerships_that_name_it_and_their_labels(kg):
    graph = parsed(kg, BANDUNG)
    tie = rdflib.URIRef(TIE)
    assert (tie, CKG.partner, rdflib.URIRef(BANDUNG)) in graph
    assert (tie, rdflib.RDFS.label, rdflib.Literal("Bandung–Petaling Jaya partnership", lang="en")) in graph
    assert stated_in(graph, rdflib.URIRef(BANDUNG), rdflib.RDFS.label, rdflib.Literal("Bandung", lang="en")) == {
        "https://w3id.org/citykg/graph/reference/places"}


@pytest.mark.parametrize("fmt", ["nt", "rdf", "jsonld"])
def test_every_format_carries_the_same_graph_as_turtle(kg, fmt):
    assert isomorphic(parsed(kg, TIE, fmt), parsed(kg, TIE, "ttl"))


def test_jsonld_has_a_compact_context_and_a_jsonld_processor_reads_the_same_triples(kg):
    document = json.loads(describe(kg, MOU, "jsonld"))
    assert document["@context"]["ckg"] == str(CKG)
    node = next(n for n in document["@graph"] if n["@id"] == "agreement:id-bandung--my-petaling-jaya--mou-2015")
    assert node["ckg:signedOn"] == [{"@value": "2015-11-27", "@type": "xsd:date"}]
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(rdflib.Graph().parse(data=nquads, format="nt"), parsed(kg, MOU, "ttl"))


def test_an_iri_the_graph_does_not_know_has_no_description_and_no_page(kg):
    assert describe(kg, ID + "municipality/xx-nowhere", "ttl") is None
    assert render_page(kg, ID + "municipality/xx-nowhere") is None


def test_a_base_moves_the_iris_under_a_deployments_own_root(kg):
    graph = rdflib.Graph().parse(data=describe(kg, TIE, "ttl", base="https://example.org/ckg/"), format="turtle")
    moved = rdflib.URIRef("https://example.org/ckg/id/partnership/id-bandung--my-petaling-jaya")
    assert (moved, rdflib.URIRef("https://example.org/ckg/ontology#partner"),
            rdflib.URIRef("https://example.org/ckg/id/municipality/id-bandung")) in graph
    assert not any("w3id.org/citykg" in str(term) for triple in graph for term in triple)


def test_the_ontology_document_declares_the_classes_and_its_page_lists_them(kg):
    graph = rdflib.Graph().parse(data=describe_ontology(kg, "ttl"), format="turtle")
    assert (CKG.Municipality, rdflib.RDF.type, rdflib.OWL.Class) in graph
    page = render_ontology(kg, "http://127.0.0.1:8000/")
    assert '<tr id="Partnership"><td><code>ckg:Partnership</code>' in page
    assert 'href="http://127.0.0.1:8000/ontology.ttl"' in page


@pytest.mark.parametrize(("path", "accept", "expected"), [
    ("/id/municipality/id-bandung.ttl", "text/html", ("text/turtle", "ttl")),
    ("/id/municipality/id-bandung.json", None, ("application/ld+json", "json")),
    ("/id/municipality/id-bandung.jsonld", None, ("application/ld+json", "jsonld")),
    ("/id/municipality/id-bandung.rdf", None, ("application/rdf+xml", "rdf")),
    ("/id/municipality/id-bandung.nt", None, ("application/n-triples", "nt")),
    ("/id/municipality/id-bandung.html", "text/turtle", ("text/html", "html")),
    ("/id/municipality/id-bandung", None, ("text/html", "html")),
    ("/id/municipality/id-bandung", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     ("text/html", "html")),
    ("/id/municipality/id-bandung", "application/rdf+xml;q=0.5, text/turtle", ("text/turtle", "ttl")),
    ("/id/municipality/id-bandung", "text/turtle;q=0.2, application/ld+json;q=0.9", ("application/ld+json", "jsonld")),
    ("/id/municipality/id-bandung", "application/n-triples", ("application/n-triples", "nt")),
    ("/id/municipality/id-bandung", "text/turtle;q=0, */*;q=0.1", ("text/html", "html")),
    ("/id/municipality/id-bandung", "image/png", ("text/html", "html")),
    ("/id/municipality/st.petersburg", "text/turtle", ("text/turtle", "ttl")),
])
def test_negotiate_honours_suffixes_then_q_values(path, accept, expected):
    assert negotiate(path, accept) == expected


def test_request_paths_map_to_the_stores_iris():
    assert iri_for_path("/id/municipality/id-bandung.ttl") == BANDUNG
    assert iri_for_path("/id/municipality/id-bandung") == BANDUNG
    assert iri_for_path("/sparql") is None and iri_for_path("/id/") is None


def test_city_page_shows_its_partners_facts_and_every_quote_of_its_sources(kg):
    page = render_page(kg, BANDUNG, "http://127.0.0.1:8000/", today=datetime.date(2026, 12, 1))
    for fact in ("Petaling Jaya", "Malaysia", "Daegu", "South Korea", "Renewal planned", "Sister city",
                 "Kota Bandung", "West Java", "2015-11-27", "P5Y", "Yana Mulyana", "Micro, small and medium"):
        assert fact in page
    assert 'href="http://127.0.0.1:8000/id/partnership/id-bandung--my-petaling-jaya"' in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map"' in page and 'class="pin"' in page
    rows = kg.query("""SELECT DISTINCT ?city ?quote WHERE {
        GRAPH ?source { { ?city ?p ?o } UNION { ?s ?p ?city } } ?source a ckg:Source .
        GRAPH ?source { ?entity ckg:evidence ?quote } }""", {"city": NamedNode(BANDUNG)})
    quotes = [row["quote"].value for row in rows]
    assert len(quotes) > 40
    for quote in quotes:
        assert str(escape(quote)) in page


def test_a_rebuilt_store_shows_new_country_labels_though_pages_keep_the_vocabulary(tmp_path: Path):
    """Country labels are kept per open store (pages/cache.py); a build reopens the store, so a renamed
    country shows under its new name on the next page, in the city's place and in its partners' table."""
    project = copy_project(tmp_path / "project")
    kg = KnowledgeGraph(project, store=tmp_path / "store")
    kg.build()
    before = render_page(kg, BANDUNG)
    assert before is not None and "<td>Malaysia</td>" in before and "Federation of Malaysia" not in before
    places = project / "graph" / "reference" / "places.trig"
    places.write_text(places.read_text("utf-8").replace('"Malaysia"@en', '"Federation of Malaysia"@en', 1), "utf-8")
    kg.build()
    after = render_page(kg, BANDUNG)
    assert after is not None and "<td>Federation of Malaysia</td>" in after
    assert render_page(kg, ID + "country/my").count("Federation of Malaysia") >= 1


def test_partnership_page_counts_its_sources_and_lists_its_agreement(kg):
    page = render_page(kg, TIE)
    assert "sources (2)" in page
    assert "Bandung–Petaling Jaya sister-city MoU (2015)" in page


@pytest.mark.parametrize(("day", "expected"), [("2015-11-26", "no"), ("2015-11-27", "yes"), ("2020-11-26", "yes"),
                                             ("2020-11-27", "no"), ("2026-12-01", "no")])
def test_agreement_in_force_is_the_catalogue_querys_answer(kg, day, expected):
    """Signed 2015-11-27 for five years: in force up to 2020-11-26, on the page as in the catalogue query."""
    listed = {row["agreement"].value for row in kg.run("agreements-in-force", {"date": day})}
    assert (MOU in listed) == (expected == "yes")
    today = datetime.date.fromisoformat(day)
    assert f'class="force {expected}">{expected}' in render_page(kg, MOU, today=today)
    assert f'class="force {expected}">{expected}' in render_page(kg, BANDUNG, today=today)


def test_an_agreement_the_rule_cannot_place_in_time_is_unknown_not_no(kg, tmp_path: Path):
    """No signing date (Kadin Bekasi's MoU), or one given only as a year: the catalogue query leaves it
    out on every day, and the page says it cannot tell."""
    bekasi = ID + "agreement/id-kadin-kabupaten-bekasi--kr-dics-us--mou"
    assert 'class="force unknown">unknown' in render_page(kg, bekasi, today=datetime.date(2024, 1, 1))
    project = copy_project(tmp_path / "project")
    article = project / "graph" / "sources" / "004-prolite-2023-02-01-bandung-petaling-jaya.trig"
    text = article.read_text("utf-8")
    assert 'ckg:signedOn "2015-11-27"^^xsd:date' in text
    article.write_text(text.replace('ckg:signedOn "2015-11-27"^^xsd:date', 'ckg:signedOn "2015"^^xsd:gYear'), "utf-8")
    year_only = KnowledgeGraph(project, store=tmp_path / "store")
    year_only.build()
    assert not list(year_only.run("agreements-in-force", {"date": "2017-06-01"}))
    for iri in (MOU, BANDUNG):
        assert 'class="force unknown">unknown' in render_page(year_only, iri, today=datetime.date(2017, 6, 1))


def test_person_and_source_pages(kg):
    person = render_page(kg, ID + "person/yana-mulyana")
    assert "Acting Mayor" in person and "2022-02-03" in person
    source = render_page(kg, PROLITE)
    assert "Prolite" in source and "agreement/id-bandung--my-petaling-jaya--mou-2015" in source


@pytest.mark.parametrize("text", ["Kota Bandung", "kota  BANDUNG", "Kota Bándung", "bandu"])
def test_search_finds_a_city_by_any_of_its_names_accents_folded(kg, text):
    assert search(kg, text)[0]["iri"] == BANDUNG


HOMONYMS = """
municipality:jp-hoshimachi-kanagawa a ckg:City ;
    rdfs:label "Hōshimachi"@en ;
    ckg:inCountry country:jp ;
    ckg:inProvince province:jp-kanagawa ;
    geo:lat "35.4500"^^xsd:decimal ;
    geo:long "139.6300"^^xsd:decimal .

municipality:jp-hoshimachi-shizuoka a ckg:City ;
    rdfs:label "Hōshimachi"@en ;
    ckg:localName "Hoshi-no-machi"@ja ;
    ckg:inCountry country:jp ;
    ckg:inProvince province:jp-shizuoka ;
    geo:lat "34.9700"^^xsd:decimal ;
    geo:long "138.3800"^^xsd:decimal .
"""


def test_split_homonyms_show_their_province_and_country_on_their_pages_and_in_search(tmp_path: Path):
    """Two made-up towns of one name in two prefectures: each page says where it is, the search finds both
    by the name written without its macron, and its hits tell them apart by province."""
    project = copy_project(tmp_path / "project")
    places = project / "graph" / "reference" / "places.trig"
    places.write_text(places.read_text("utf-8") + HOMONYMS, "utf-8")
    kg = KnowledgeGraph(project, store=tmp_path / "store")
    kg.build()
    for slug, province in (("kanagawa", "Kanagawa Prefecture"), ("shizuoka", "Shizuoka Prefecture")):
        page = render_page(kg, ID + "municipality/jp-hoshimachi-" + slug, "http://127.0.0.1:8000/")
        assert page is not None
        assert (f'in <a href="http://127.0.0.1:8000/id/province/jp-{slug}">{province}</a>, '
                '<a href="http://127.0.0.1:8000/id/country/jp">Japan</a></p>') in page
    assert [hit["iri"] for hit in search(kg, "HOSHIMACHI")] == [ID + "municipality/jp-hoshimachi-kanagawa",
                                                                  ID + "municipality/jp-hoshimachi-shizuoka"]
    assert [hit["iri"] for hit in search(kg, "hoshi-no-MACHI")] == [ID + "municipality/jp-hoshimachi-shizuoka"]
    hits = render_search(kg, "hoshimachi", "http://127.0.0.1:8000/")
    assert "Hōshimachi</a> (Kanagawa Prefecture, Japan)" in hits
    assert "Hōshimachi</a> (Shizuoka Prefecture, Japan)" in hits


def test_dataset_description_counts_triples_classes_and_sources(kg):
    graph = rdflib.Graph().parse(data=dataset_description(kg, "http://127.0.0.1:8000/sparql"), format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("https://w3id.org/citykg/")
    assert graph.value(dataset, void.triples).toPython() == kg.stats()["triples"]
    assert graph.value(dataset, void.sparqlEndpoint) == rdflib.URIRef("http://127.0.0.1:8000/sparql")
    partition = next(p for p in graph.objects(dataset, void.classPartition)
                     if graph.value(p, void["class"]) == CKG.Municipality)
    assert graph.value(partition, void.entities).toPython() == kg.stats()["Municipality"]
    assert len(set(graph.objects(dataset, void.subset))) == kg.stats()["Source"]
    assert graph.value(rdflib.URIRef(PROLITE), void.triples).toPython() > 50


def test_map_draws_the_country_outlines_around_the_pin():
    indonesia = next(c for c in geo.countries() if c.name == "Indonesia")
    assert indonesia.code == geo.numeric_code("ID") == "360"
    west, south, east, north = indonesia.bbox
    assert west < 107.6 < east and south < -6.9 < north
    svg = geo.svg_map(-6.9147, 107.6098, label="<Bandung>", highlight="360")
    assert 'class="country here"' in svg and "<title>Indonesia</title>" in svg
    assert "<title>Brazil</title>" not in svg  # only what the window touches
    assert "&lt;Bandung&gt;" in svg
