"""A municipality's page as its queries, look-ups and Python-written rows assemble it (issue 14): sources
found through the city's events, the escaping of every value, the agreements in force."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from citykg import KnowledgeGraph
from citykg.errors import ValidationError
from citykg.pages import city, render_page

from .conftest import copy_project

ID = "https://w3id.org/citykg/id/"
BANDUNG = ID + "municipality/id-bandung"
MOU = ID + "agreement/id-bandung--my-petaling-jaya--mou-2015"
DAY = datetime.date(2026, 12, 1)

#: A source of our own that says something about one of Bandung's events and nothing about the city or its
#: ties, so that only the look-ups for the sources of its events can find it.
EVENT_NOTE = """@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix event: <https://w3id.org/citykg/id/event/> .
@prefix source: <https://w3id.org/citykg/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

source:test-note-on-the-envoy {
    source:test-note-on-the-envoy a ckg:Source ;
        rdfs:label "A test note on the envoy's call"@en ;
        ckg:untitled true ;
        dcterms:language "en" .
    event:2022-02-03-bandung-japan-ambassador ckg:evidence "The envoy <b>met</b> the acting mayor & his staff."@en .
}
"""


@pytest.fixture(scope="module")
def noted(tmp_path_factory) -> KnowledgeGraph:
    folder = tmp_path_factory.mktemp("noted")
    project = copy_project(folder / "project")
    (project / "graph" / "sources" / "900-test-note-on-the-envoy.trig").write_text(EVENT_NOTE, "utf-8")
    kg = KnowledgeGraph(project, store=folder / "store")
    kg.build()
    return kg


def test_a_source_that_speaks_only_of_an_event_of_the_city_is_on_its_page_with_its_quote(noted):
    page = render_page(noted, BANDUNG, "http://127.0.0.1:8000/", today=DAY)
    assert page is not None
    assert '<h4><a href="http://127.0.0.1:8000/id/source/test-note-on-the-envoy">A test note on the envoy&#39;s call' \
           "</a></h4>" in page
    assert "<blockquote>The envoy &lt;b&gt;met&lt;/b&gt; the acting mayor &amp; his staff.</blockquote>" in page


def test_reading_the_events_statements_finds_the_same_sources_as_looking_each_source_up(noted, monkeypatch):
    """Past SEEK_LIMIT sources left to check, the page reads its events' statements instead of asking each
    source graph: the same page either way."""
    looked_up = render_page(noted, BANDUNG, "http://127.0.0.1:8000/", today=DAY)
    monkeypatch.setattr(city, "SEEK_LIMIT", 0)
    assert render_page(noted, BANDUNG, "http://127.0.0.1:8000/", today=DAY) == looked_up


def test_the_citys_timeline_officials_and_agreements_rows(kg):
    page = render_page(kg, BANDUNG, "http://127.0.0.1:8000/", today=DAY)
    assert page is not None
    assert ('<li><time>2022-02-03</time> <a href="http://127.0.0.1:8000/id/event/2022-02-03-bandung-japan-ambassador">'
            in page)
    assert '<span class="tag">Audience</span></li>\n' in page
    assert '<td><a href="http://127.0.0.1:8000/id/person/yana-mulyana">Yana Mulyana</a></td>' in page
    assert '<td>2015-11-27</td><td></td><td></td><td>P5Y</td><td class="force no">no</td></tr>' in page
    assert '<dl class="names"><dt>en</dt><dd>Bandung</dd><dt>id</dt><dd>Kota Bandung</dd></dl>' in page


def test_an_agreement_without_an_english_label_never_reaches_the_in_force_rule(tmp_path: Path):
    """queries/agreements-in-force.rq lists only agreements with an English label, so one without would read
    "unknown" on its page whatever its dates; the build's shapes refuse such an agreement (every named thing
    needs one), so the condition never leaves a dated agreement out."""
    project = copy_project(tmp_path / "project")
    article = project / "graph" / "sources" / "004-prolite-2023-02-01-bandung-petaling-jaya.trig"
    text = article.read_text("utf-8")
    english = '"Bandung–Petaling Jaya sister-city MoU (2015)"@en , '
    assert english in text
    article.write_text(text.replace(english, ""), "utf-8")
    with pytest.raises(ValidationError, match="mou-2015 rdfs:label: Every named thing needs an rdfs:label in English"):
        KnowledgeGraph(project, store=tmp_path / "store").build()


def test_the_sources_sections_link_under_the_base_of_each_page(noted):
    """A source's section is written once per build for the server's links: a second base gets its own."""
    first = render_page(noted, BANDUNG, "http://127.0.0.1:8000/", today=DAY)
    second = render_page(noted, BANDUNG, "https://example.org/kg/", today=DAY)
    assert first is not None and second is not None
    assert '<h4><a href="https://example.org/kg/id/source/test-note-on-the-envoy">' in second
    assert "127.0.0.1" not in second
    assert second.replace("https://example.org/kg/", "http://127.0.0.1:8000/") == first


def test_a_province_has_a_partys_page_and_is_found_by_its_names(kg):
    """A province twins, signs and hosts as a municipality does (the lists name East Java as a partner):
    its page is a municipality's, and the search box finds it by its English or Indonesian name."""
    from citykg.pages.render import search

    west_java = ID + "province/id-jawa-barat"
    page = render_page(kg, west_java, "http://127.0.0.1:8000/", today=DAY)
    assert page is not None
    assert ('<p><a href="http://127.0.0.1:8000/ontology#Province">Province</a> in '
            '<a href="http://127.0.0.1:8000/id/country/id">Indonesia</a></p>') in page
    assert "<h3>Partners (0)" in page
    assert ('<h3>Municipalities (3)</h3><p><a href="http://127.0.0.1:8000/id/municipality/id-bandung">Bandung</a>, '
            '<a href="http://127.0.0.1:8000/id/municipality/id-kabupaten-bekasi">Bekasi Regency</a>, ') in page
    # the network view around a node is the municipalities network's, where a province is no node
    assert "Network view around this city" not in page
    assert "Network view around this city" in (render_page(kg, BANDUNG, "http://127.0.0.1:8000/", today=DAY) or "")
    assert [hit["iri"] for hit in search(kg, "west java")] == [west_java]
    assert [hit["iri"] for hit in search(kg, "Jawa Barat")] == [west_java]


#: A partner whose label is markup and a "same as" IRI that is a script: what a hostile or careless
#: curated file could bring to Bandung's page.
HOSTILE = """@prefix ckg: <https://w3id.org/citykg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/citykg/id/municipality/my-hostile-town> a ckg:City ;
    rdfs:label "<img src=x onerror=alert(1)>Evil & Co"@en ;
    owl:sameAs <javascript:alert(2)> ;
    ckg:inCountry <https://w3id.org/citykg/id/country/my> .
<https://w3id.org/citykg/id/partnership/id-bandung--my-hostile-town> a ckg:Partnership ;
    rdfs:label "Bandung–hostile test tie"@en ;
    ckg:partnershipType ckg:SisterCity ;
    ckg:partner <https://w3id.org/citykg/id/municipality/id-bandung> ,
        <https://w3id.org/citykg/id/municipality/my-hostile-town> .
"""


def test_a_partners_markup_label_is_text_and_a_script_iri_is_no_link(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "graph" / "reference" / "zz-hostile.trig").write_text(HOSTILE, "utf-8")
    kg = KnowledgeGraph(project, store=tmp_path / "store")
    kg.build()
    page = render_page(kg, BANDUNG, "http://127.0.0.1:8000/", today=DAY)
    assert page is not None
    assert ('<td><a href="http://127.0.0.1:8000/id/municipality/my-hostile-town">&lt;img src=x onerror=alert(1)&gt;'
            'Evil &amp; Co</a></td>') in page
    assert "<img src=x" not in page
    town = render_page(kg, ID + "municipality/my-hostile-town", "http://127.0.0.1:8000/", today=DAY)
    assert town is not None and "javascript:alert(2)" in town  # shown as text in the statements table
    assert 'href="javascript:' not in town
