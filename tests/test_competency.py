"""Competency questions: what users ask the graph, answered by SPARQL, checked against the articles.

Every expected value below is read off the seed articles (quoted in the comments), not off the graph.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from citykg.vocab import XSD

from .conftest import select


def test_foreign_partners_of_bandung_with_their_countries(kg):
    # 000: Daegu, Korea Selatan; 001: Pemerintah Jepang and Kawasaki, Hamamatsu, Toyota;
    # 002/004: Petaling Jaya, Malaysia.
    rows = select(kg, """
        SELECT DISTINCT ?partner ?country WHERE {
          ?p a ckg:Partnership ; ckg:partner municipality:id-bandung , ?partner .
          FILTER(?partner != municipality:id-bandung)
          { ?partner ckg:inCountry ?country } UNION { ?partner a ckg:Country BIND(?partner AS ?country) }
          FILTER(?country != country:id)
        } ORDER BY ?partner""")
    assert rows == [
        {"partner": "country:jp", "country": "country:jp"},
        {"partner": "municipality:jp-hamamatsu", "country": "country:jp"},
        {"partner": "municipality:jp-kawasaki", "country": "country:jp"},
        {"partner": "municipality:jp-toyota", "country": "country:jp"},
        {"partner": "municipality:kr-daegu", "country": "country:kr"},
        {"partner": "municipality:my-petaling-jaya", "country": "country:my"},
    ]


def test_sectors_of_each_bandung_japanese_city_tie(kg):
    # 001: "Kerja sama antara Bandung dan Kawasaki berfokus pada manajemen limbah, manajemen lingkungan air,
    # dan manajemen kualitas udara." … Hamamatsu: institusi akademik, budaya dan penelitian untuk kemajuan
    # kota kreatif, sistem penyediaan air, lingkungan dan sanitasi … Toyota: ketenagakerjaan, teknologi
    # informasi, transportasi berkelanjutan, lingkungan, kesejahteraan sosial, pendidikan, SDM, reformasi
    # administrasi.
    rows = select(kg, """
        SELECT ?city (GROUP_CONCAT(?slug; separator=" ") AS ?sectors) WHERE {
          SELECT ?city ?slug WHERE {
            ?p ckg:partner municipality:id-bandung , ?city ; ckg:sector ?sector .
            ?city ckg:inCountry country:jp ; a ckg:Municipality .
            BIND(STRAFTER(STR(?sector), STR(sector:)) AS ?slug)
          } ORDER BY ?city ?slug
        } GROUP BY ?city ORDER BY ?city""")
    assert {row["city"]: set(row["sectors"].split()) for row in rows} == {
        "municipality:jp-hamamatsu": {"academic-cooperation", "creative-city", "culture", "environment",
                                      "research", "sanitation", "vocational-training", "water-supply"},
        "municipality:jp-kawasaki": {"air-quality", "environment", "waste-management", "water-environment"},
        "municipality:jp-toyota": {"administrative-reform", "education", "environment", "human-resources",
                                   "information-technology", "labour", "social-welfare",
                                   "sustainable-transport"},
    }


def test_the_bandung_petaling_jaya_mou_signing_term_and_validity(kg):
    # 004: "telah menandatangani Memorandum of Understanding (MoU) sister city pada 27 November 2015 untuk
    # jangka waktu 5 tahun" — so it ran to 2020-11-27 and was not in force on 2022-01-01.
    query = """
        SELECT ?on ?signed ?term ?until ?inForce WHERE {
          ?mou ckg:formalizes partnership:id-bandung--my-petaling-jaya ; ckg:agreementType ckg:MoU ;
               ckg:signedOn ?signed ; ckg:term ?term .
          BIND(?signed + ?term AS ?until)
          BIND(?signed <= ?on && ?on < ?until AS ?inForce)
        }"""
    on = {"on": Literal("2022-01-01", datatype=NamedNode(XSD + "date"))}
    [row] = list(kg.query(query, on))
    assert (row["signed"].value, row["term"].value, row["until"].value) == ("2015-11-27", "P5Y", "2020-11-27")
    assert row["inForce"].value == "false"
    [during] = list(kg.query(query, {"on": Literal("2018-06-01", datatype=NamedNode(XSD + "date"))}))
    assert during["inForce"].value == "true"


def test_who_met_the_japanese_ambassador_and_in_which_capacity(kg):
    # 001: "Plt. Wali Kota Bandung Yana Mulyana saat menjumpai Duta Besar Jepang di Balaikota, Kamis (3/2/2022)"
    rows = select(kg, """
        SELECT DISTINCT ?person ?role ?post ?date WHERE {
          ?ambassadorship ckg:role ckg:Ambassador ; ckg:heldBy ?ambassador ; ckg:postIn country:jp .
          ?event ckg:participant ?ambassador ; ckg:date ?date .
          ?event ckg:participant|ckg:host ?person . ?person a ckg:Person . FILTER(?person != ?ambassador)
          ?position ckg:heldBy ?person ; ckg:role ?role ; ckg:postIn ?post ; ckg:attestedOn ?date .
        }""")
    assert rows == [{"person": "person:yana-mulyana", "role": "ckg:ActingMayor",
                     "post": "municipality:id-bandung", "date": "2022-02-03"}]
    [name] = select(kg, "SELECT ?name WHERE { person:kenji-kanasugi ckg:nameInSource ?name }")
    assert name == {"name": "Mr. Kanasugi"}


def test_every_event_of_2023(kg):
    # 000: ASN Kota Bandung magang di Daegu "Pada 2023"; 003: audiensi "Selasa (17/1/23)";
    # 004: kunjungan "Rabu 1 Februari 2023".
    rows = select(kg, """
        SELECT ?event ?type ?date WHERE {
          ?event a ckg:Event ; ckg:date ?date ; a ?type . FILTER(YEAR(?date) = 2023)
          FILTER(?type IN (ckg:ExchangeProgramme, ckg:Audience, ckg:Visit))
        } ORDER BY ?date ?event""")
    assert rows == [
        {"event": "event:2023-bandung-civil-servants-internship-daegu", "type": "ckg:ExchangeProgramme",
         "date": "2023"},
        {"event": "event:2023-01-17-kadin-bekasi-audience-acting-regent", "type": "ckg:Audience",
         "date": "2023-01-17"},
        {"event": "event:2023-02-01-petaling-jaya-mayor-visit-bandung", "type": "ckg:Visit",
         "date": "2023-02-01"},
    ]
    all_2023 = select(kg, "SELECT DISTINCT ?e WHERE { ?e a ckg:Event ; ckg:date ?d FILTER(YEAR(?d) = 2023) }")
    assert len(all_2023) == 3


def test_which_sources_support_each_partnership(kg):
    rows = select(kg, """
        SELECT ?partnership (GROUP_CONCAT(?file; separator=" ") AS ?files) WHERE {
          SELECT DISTINCT ?partnership ?file WHERE {
            GRAPH ?source { ?partnership a ckg:Partnership ; ckg:evidence ?quote }
            ?source a ckg:Source ; ckg:seedFile ?file .
          } ORDER BY ?file
        } GROUP BY ?partnership ORDER BY ?partnership""")
    assert {r["partnership"]: r["files"] for r in rows} == {
        "partnership:id-bandung--jp": "001_340017e5e5e83d07.txt",
        "partnership:id-bandung--jp-hamamatsu": "001_340017e5e5e83d07.txt",
        "partnership:id-bandung--jp-kawasaki": "001_340017e5e5e83d07.txt",
        "partnership:id-bandung--jp-toyota": "001_340017e5e5e83d07.txt",
        "partnership:id-bandung--kr-daegu": "000_b1af75f3107b9978.txt",
        "partnership:id-bandung--my-petaling-jaya": "002_00d4fb6a3350e57f.txt 004_73e28596bbca1563.txt",
        "partnership:id-kabupaten-bekasi--kr": "003_140dc876ead23d62.txt",
        "partnership:id-kadin-kabupaten-bekasi--kr-dics-us": "003_140dc876ead23d62.txt",
    }


def test_bandung_daegu_is_a_sister_city_tie_since_2022_in_four_sectors(kg):
    # 000: "Kerja sama sebagai Sister City yang telah terjalin sejak 2022 ini mencakup berbagai sektor,
    # terutama teknologi informasi (IT), ekonomi kreatif, pengembangan UMKM, serta lingkungan."
    rows = select(kg, """
        SELECT ?type ?since ?sinceType WHERE { partnership:id-bandung--kr-daegu ckg:partnershipType ?type ;
          ckg:since ?since BIND(DATATYPE(?since) AS ?sinceType) }""")
    assert rows == [{"type": "ckg:SisterCity", "since": "2022", "sinceType": "xsd:gYear"}]
    sectors = {r["s"] for r in select(kg, "SELECT ?s WHERE { partnership:id-bandung--kr-daegu ckg:sector ?s }")}
    assert {"sector:information-technology", "sector:creative-economy", "sector:msme",
            "sector:environment"} <= sectors


def test_yana_mulyana_was_acting_mayor_then_mayor(kg):
    # 001 (3 Feb 2022): "Plt. Wali Kota"; 002 (8 Aug 2022) and 004 (1 Feb 2023): "Wali Kota".
    rows = select(kg, """
        SELECT ?role ?date WHERE { ?p ckg:heldBy person:yana-mulyana ; ckg:role ?role ;
          ckg:postIn municipality:id-bandung ; ckg:attestedOn ?date } ORDER BY ?date""")
    assert rows == [{"role": "ckg:ActingMayor", "date": "2022-02-03"}, {"role": "ckg:Mayor", "date": "2022-08-08"},
                    {"role": "ckg:Mayor", "date": "2023-02-01"}]


def test_source_errors_are_corrected_and_noted(kg):
    # 002 puts Oslo in Sweden ("Kota Oslo Swedia"); 001 writes "Hanamatsu" once.
    assert select(kg, "SELECT ?c WHERE { municipality:no-oslo ckg:inCountry ?c }") == [{"c": "country:no"}]
    notes = select(kg, "SELECT ?note WHERE { ?x ckg:discrepancy ?note FILTER(CONTAINS(?note, 'Sweden')) }")
    assert notes
    assert select(kg, "SELECT ?n WHERE { municipality:jp-hamamatsu ckg:nameInSource ?n }") == [{"n": "Hanamatsu"}]


def test_smart_city_ranking_of_march_2022(kg):
    # 002: "Kita berada di peringkat 28, diapit oleh Kota Oslo … (peringkat 27) dan Kota Hangzhou … (29)"
    rows = select(kg, """
        SELECT ?entity ?rank ?date WHERE { ?entry ckg:inRanking ?ranking ; ckg:rankedEntity ?entity ;
          ckg:rank ?rank . ?ranking ckg:date ?date } ORDER BY ?rank""")
    assert rows == [{"entity": "municipality:no-oslo", "rank": "27", "date": "2022-03"},
                    {"entity": "municipality:id-bandung", "rank": "28", "date": "2022-03"},
                    {"entity": "municipality:cn-hangzhou", "rank": "29", "date": "2022-03"}]


def test_youth_leadership_camp_2019(kg):
    # 002: "Tahun 2019 kita pernah bersama menyelenggarakan Youth Leadership Camp (YLC). Ada 12 pelajar dari
    # Kota Bandung ikut YLC di Petaling Jaya. Salah satunya Nazma Alia Zahira."
    rows = select(kg, """
        SELECT ?date ?count ?where WHERE { ?e a ckg:ExchangeProgramme ; ckg:date ?date ;
          ckg:participantCount ?count ; ckg:location ?where ; ckg:participant person:nazma-alia-zahira }""")
    assert rows == [{"date": "2019", "count": "12", "where": "municipality:my-petaling-jaya"}]


def test_every_fact_of_a_source_graph_is_backed_by_a_quote(kg):
    unquoted = select(kg, """
        SELECT ?x ?g WHERE { ?g a ckg:Source . GRAPH ?g { ?x a ?class }
          VALUES ?class { ckg:Partnership ckg:Agreement ckg:Event ckg:Position ckg:Constraint ckg:RankingEntry }
          FILTER NOT EXISTS { GRAPH ?g { ?x ckg:evidence ?q } } }""")
    assert unquoted == []


def test_no_day_is_invented_for_dates_given_as_years(kg):
    rows = select(kg, """SELECT DISTINCT ?type WHERE { ?x ckg:since|ckg:date ?d BIND(DATATYPE(?d) AS ?type) }
                         ORDER BY ?type""")
    assert {r["type"] for r in rows} <= {"xsd:date", "xsd:gYear", "xsd:gYearMonth"}


def test_inferred_facts_live_in_their_own_graph(kg):
    assert bool(kg.query("ASK { GRAPH <https://w3id.org/citykg/graph/inferred> { "
                         "municipality:my-petaling-jaya ckg:partnerOf municipality:id-bandung } }"))
    assert bool(kg.query("ASK { municipality:id-bandung a ckg:Party , ckg:Municipality }"))
    assert bool(kg.query("ASK { partnership:id-bandung--kr-daegu ckg:sectorField "
                         "sector:field-science-technology-administration }"))
