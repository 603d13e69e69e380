"""The graph's IRIs resolve on ``citykg serve``: pages for a browser, RDF with provenance for rdflib, the
ontology, search, the VoID description and the network around one city (issue 14, wired into the server)."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from tests.test_server import http, start_server

BANDUNG = "https://w3id.org/citykg/id/municipality/id-bandung"
PETALING_JAYA = "https://w3id.org/citykg/id/municipality/my-petaling-jaya"
CKG = "https://w3id.org/citykg/ontology#"


@pytest.fixture(scope="module")
def server(built_project):
    with start_server(built_project) as running:
        yield running


def test_a_browser_gets_the_page_of_a_city_with_its_partners_and_quotes(server, kg):
    status, headers, body = http("GET", server.url + "id/municipality/id-bandung",
                                 headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in headers["Vary"]
    assert "Petaling Jaya" in page and "Daegu" in page
    # every quote of a source that names Bandung's ties is on the page
    quote = next(iter(kg.query(
        "SELECT ?q WHERE { ?p ckg:partner municipality:id-bandung , municipality:my-petaling-jaya ; "
        "ckg:evidence ?q } LIMIT 1")))["q"].value
    assert quote in page.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    # links lead to this server, not to w3id.org
    assert server.url + "id/municipality/my-petaling-jaya" in page


@pytest.mark.parametrize("how, extra", [("accept", {"Accept": "text/turtle"}), ("suffix", ".ttl"),
                                        ("accept", {"Accept": "application/ld+json"}), ("suffix", ".jsonld"),
                                        ("accept", {"Accept": "application/rdf+xml"}), ("suffix", ".nt")])
def test_rdflib_parses_the_description_in_every_format(server, how, extra):
    import rdflib

    url = server.url + "id/municipality/id-bandung" + (extra if how == "suffix" else "")
    headers = extra if how == "accept" else {}
    status, response_headers, body = http("GET", url, headers=headers)
    assert status == 200, body[:300]
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
           "application/n-triples": "nt"}[response_headers["Content-Type"].split(";")[0]]
    graph = rdflib.Graph().parse(data=body, format=fmt)
    bandung = rdflib.URIRef(BANDUNG)
    assert (bandung, rdflib.RDFS.label, rdflib.Literal("Bandung", lang="en")) in graph
    # a partnership naming Bandung is described, and a statement carries the graph that states it
    assert any(graph.triples((None, rdflib.URIRef(CKG + "partner"), bandung)))
    assert any(graph.triples((None, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None)))


def test_rdflib_dereferences_the_iri_itself(server):
    import rdflib

    graph = rdflib.Graph().parse(server.url + "id/municipality/id-bandung")  # rdflib's own Accept header
    assert (rdflib.URIRef(BANDUNG), rdflib.RDF.type, rdflib.URIRef(CKG + "City")) in graph


def test_unknown_entities_are_404_and_the_ontology_resolves(server):
    status, _, body = http("GET", server.url + "id/municipality/atlantis", headers={"Accept": "text/turtle"})
    assert status == 404
    assert json.loads(body)["message"] == "The graph says nothing about " \
                                          "https://w3id.org/citykg/id/municipality/atlantis."
    status, headers, body = http("GET", server.url + "ontology", headers={"Accept": "text/html"})
    assert status == 200 and "Partnership" in body.decode()
    status, headers, body = http("GET", server.url + "ontology.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert b"Partnership" in body


def test_search_finds_a_city_by_any_name_accents_folded(server):
    status, _, body = http("GET", server.url + "search?" + urllib.parse.urlencode({"q": "petaling"}))
    assert status == 200 and "id/municipality/my-petaling-jaya" in body.decode()
    status, _, body = http("GET", server.url + "search?" + urllib.parse.urlencode({"q": "KOTA BANDUNG"}))
    assert "id/municipality/id-bandung" in body.decode()


def test_void_names_the_endpoint_and_counts_the_triples(server, kg):
    import rdflib

    status, headers, body = http("GET", server.url + ".well-known/void")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    assert (None, void.sparqlEndpoint, rdflib.URIRef(server.url + "sparql")) in graph
    triples = {int(o) for o in graph.objects(None, void.triples)}
    assert kg.stats()["triples"] in triples


def test_the_network_link_of_a_page_draws_the_city_and_its_partners(server):
    status, _, body = http("GET", server.url + "viz?" + urllib.parse.urlencode({"focus": BANDUNG}))
    page = body.decode()
    assert status == 200, page[:300]
    assert "Petaling Jaya" in page and "Daegu" in page
    status, _, body = http("GET", server.url + "viz?focus=Atlantis")
    assert status == 400 and "Atlantis" in json.loads(body)["message"]


def test_base_makes_pages_link_and_rdf_speak_under_a_deployment(built_project):
    import rdflib

    with start_server(built_project, "--base", "https://example.org/kg") as server:
        status, _, body = http("GET", server.url + "id/municipality/id-bandung", headers={"Accept": "text/html"})
        assert "https://example.org/kg/id/municipality/my-petaling-jaya" in body.decode()
        status, _, body = http("GET", server.url + "id/municipality/id-bandung.ttl")
        graph = rdflib.Graph().parse(data=body, format="turtle")
        assert (rdflib.URIRef("https://example.org/kg/id/municipality/id-bandung"), rdflib.RDF.type,
                rdflib.URIRef("https://example.org/kg/ontology#City")) in graph
