"""``citykg curate`` on our own test articles (tests/data/curate/): the real CLI, a real seed store, the
draft read back as RDF and compared with the expected draft; quotes verbatim; no invented dates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal, RdfFormat, parse

from citykg import KnowledgeGraph
from citykg.curate.text import quote_in
from citykg.vocab import CKG, RDF, RDFS, XSD, compact

from .conftest import copy_project, run_cli

DATA = Path(__file__).parent / "data" / "curate"
ARTICLES = ["surabaya-liverpool.id", "bekasi-junggu.id", "liverpool-surabaya.en", "busan-surabaya.id",
            "liverpool-busan.en"]
#: The articles written for the sector words, remarks of the day, link lines and organisation short forms.
SECTOR_ARTICLES = ["busan-surabaya.id", "liverpool-busan.en"]
_DATES = {XSD + "date", XSD + "gYear", XSD + "gYearMonth", XSD + "dateTime"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the seed project plus the test places, built (no graph/imported: about a second)."""
    root = copy_project(tmp_path_factory.mktemp("curate"))
    shutil.copy(DATA / "places.trig", root / "graph" / "reference" / "test-places.trig")
    KnowledgeGraph(root).build()
    return root


@pytest.fixture(scope="module")
def drafts(project, tmp_path_factory) -> dict[str, tuple[Path, Path, object]]:
    """Each test article drafted once by the CLI: (draft file, report file, CLI result)."""
    out = tmp_path_factory.mktemp("drafts")
    made = {}
    for name in ARTICLES:
        draft, report = out / f"{name}.trig", out / f"{name}.md"
        result = run_cli("curate", str(DATA / f"{name}.txt"), "--out", str(draft), "--report", str(report),
                         project=project)
        made[name] = (draft, report, result)
    return made


def _graph(path: Path) -> dict[str, dict[str, list]]:
    """subject → predicate → objects, all compacted to the strings the expected drafts use."""
    nodes: dict[str, dict[str, list]] = {}
    for quad in parse(path=path, format=RdfFormat.TRIG):
        value = quad.object.value if isinstance(quad.object, Literal) else compact(quad.object.value)
        nodes.setdefault(compact(quad.subject.value), {}).setdefault(compact(quad.predicate.value), []).append(
            value)
    return nodes


def _of_type(nodes, cls: str) -> dict[str, dict[str, list]]:
    return {s: p for s, p in nodes.items() if cls in p.get("a", p.get(compact(RDF + "type"), []))}


def _expected(name: str) -> dict:
    return json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))


def _matches(partners: list[str], wanted: list) -> bool:
    """``wanted`` lists partner IRIs; a list inside it means "one of these" (an ambiguous name)."""
    if len(partners) != len(wanted):
        return False
    rest = list(partners)
    for want in wanted:
        options = want if isinstance(want, list) else [want]
        hit = next((p for p in rest if p in options), None)
        if hit is None:
            return False
        rest.remove(hit)
    return True


@pytest.mark.parametrize("name", ARTICLES)
def test_curate_exits_zero_and_names_the_next_step(drafts, name):
    draft, _, result = drafts[name]
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"citykg curate --check {draft}" in " ".join(result.stdout.split())


@pytest.mark.parametrize("name", ARTICLES)
def test_the_draft_holds_one_named_graph_describing_its_source(drafts, name):
    draft, _, _ = drafts[name]
    quads = list(parse(path=draft, format=RdfFormat.TRIG))
    graphs = {q.graph_name.value for q in quads}
    assert len(graphs) == 1
    source = _graph(draft)[compact(graphs.pop())]
    expected = _expected(name)
    assert source[compact(RDF + "type")] == ["ckg:Source"]
    assert source["dcterms:language"] == [expected["language"]]
    assert source.get("dcterms:publisher") == ([expected["publisher"]] if expected["publisher"] else None)
    assert "dcterms:issued" not in source  # no --issued, no dateline with a time: no publication date


@pytest.mark.parametrize("name", ARTICLES)
def test_partnerships_are_drafted_with_type_status_since_and_sectors(drafts, name):
    nodes = _graph(drafts[name][0])
    found = _of_type(nodes, "ckg:Partnership")
    wanted = _expected(name)["partnerships"]
    assert len(found) == len(wanted)
    for want in wanted:
        match = [p for p in found.values() if _matches(p["ckg:partner"], want["partners"])]
        assert len(match) == 1, want["partners"]
        props = match[0]
        assert props["ckg:partnershipType"] == [want["type"]]
        assert props.get("ckg:status") == ([want["status"]] if want["status"] else None)
        assert props.get("ckg:since") == ([want["since"]] if want["since"] else None)
        assert sorted(props.get("ckg:sector", [])) == sorted(want["sectors"])


def test_a_year_stays_a_gyear_and_a_day_an_xsd_date(drafts):
    for name in ("surabaya-liverpool.id", "liverpool-surabaya.en"):
        for quad in parse(path=drafts[name][0], format=RdfFormat.TRIG):
            if quad.predicate.value == CKG + "since":
                kind = "gYear" if len(quad.object.value) == 4 else "date"
                assert quad.object.datatype.value == XSD + kind


@pytest.mark.parametrize("name", ARTICLES)
def test_agreements_carry_their_signing_date_and_term(drafts, name):
    found = _of_type(_graph(drafts[name][0]), "ckg:Agreement")
    wanted = _expected(name)["agreements"]
    assert len(found) == len(wanted)
    for want, props in zip(wanted, found.values(), strict=True):
        assert props["ckg:agreementType"] == [want["type"]]
        assert sorted(props["ckg:signatory"]) == sorted(want["signatories"])
        assert props.get("ckg:signedOn") == ([want["signedOn"]] if want["signedOn"] else None)
        assert props.get("ckg:term") == ([want["term"]] if want["term"] else None)
        assert props["ckg:formalizes"][0].startswith("partnership:")


@pytest.mark.parametrize("name", ARTICLES)
def test_events_are_dated_as_the_text_dates_them(drafts, name):
    nodes = _graph(drafts[name][0])
    events = sorted((p[compact(RDF + "type")][0], p["ckg:date"][0]) for p in nodes.values() if "ckg:date" in p)
    assert events == sorted((e["class"], e["date"]) for e in _expected(name)["events"])


@pytest.mark.parametrize("name", ARTICLES)
def test_people_are_drafted_with_their_posts(drafts, project, name):
    nodes = _graph(drafts[name][0])
    labels = {s: p[compact(RDFS + "label")][0] for s, p in nodes.items() if s.startswith("person:")}
    graph = KnowledgeGraph(project)

    def person(iri: str) -> str:
        """A new person's label is in the draft; a known one's in the graph."""
        if iri in labels:
            return labels[iri]
        rows = list(graph.query(f"SELECT ?l WHERE {{ {iri} rdfs:label ?l }}"))
        return rows[0]["l"].value

    positions = sorted((person(p["ckg:heldBy"][0]), p["ckg:role"][0], p["ckg:postIn"][0])
                       for p in _of_type(nodes, "ckg:Position").values())
    assert positions == sorted(tuple(person) for person in _expected(name)["people"])


@pytest.mark.parametrize("name", ARTICLES)
def test_every_quote_is_verbatim_and_in_the_article_language(drafts, name):
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    quotes = [q.object for q in parse(path=drafts[name][0], format=RdfFormat.TRIG)
              if q.predicate.value == CKG + "evidence"]
    assert quotes
    for quote in quotes:
        assert quote_in(quote.value, text), quote.value
        assert quote.language == _expected(name)["language"]


@pytest.mark.parametrize("name", ARTICLES)
def test_every_fact_has_a_quote_and_a_confidence(drafts, name):
    nodes = _graph(drafts[name][0])
    for subject, props in nodes.items():
        if subject.startswith("source:"):
            continue
        assert props.get("ckg:evidence"), subject
        assert 0 <= float(props["ckg:draftConfidence"][0]) <= 1, subject


@pytest.mark.parametrize("name", ARTICLES)
def test_no_date_is_invented(drafts, name):
    """Every date in the draft is one the article states; "Kamis pagi" and "on Monday" give none."""
    dates = {q.object.value for q in parse(path=drafts[name][0], format=RdfFormat.TRIG)
             if isinstance(q.object, Literal) and q.object.datatype.value in _DATES}
    assert dates == set(_expected(name)["dates"])


@pytest.mark.parametrize("name", ARTICLES)
def test_the_review_sheet_lists_ambiguous_names_and_unknown_sector_phrases(drafts, name):
    draft, report, result = drafts[name]
    sheet = report.read_text(encoding="utf-8")
    expected = _expected(name)
    names = sheet.split("## Names to settle")[1].split("## Sector phrases")[0]
    sectors = sheet.split("## Sector phrases")[1]
    for ambiguous in expected["ambiguous"]:
        assert f"'{ambiguous}' is ambiguous" in names
        assert f"'{ambiguous}' is ambiguous" in result.stdout
    if not expected["ambiguous"]:
        assert "(none)" in names
    for phrase in expected["unknown_sectors"]:
        assert f"- {phrase}" in sectors
    assert "| confidence | kind | node |" in sheet


def test_the_review_sheet_lists_the_unsure_facts_first(drafts):
    sheet = drafts["liverpool-surabaya.en"][1].read_text(encoding="utf-8")
    rows = [line for line in sheet.splitlines() if line.startswith("| 0.") or line.startswith("| 1.")]
    confidences = [float(row.split("|")[1]) for row in rows]
    assert confidences == sorted(confidences)
    assert "springfield" in rows[0]  # the ambiguous tie is the least sure


def test_a_shared_name_is_settled_by_the_place_written_after_it(drafts):
    nodes = _graph(drafts["bekasi-junggu.id"][0])
    partners = {p for props in _of_type(nodes, "ckg:Partnership").values() for p in props["ckg:partner"]}
    assert "municipality:kr-jung-gu-seoul" in partners
    assert "municipality:kr-jung-gu-busan" not in partners




def test_link_lines_and_ties_within_one_country_are_not_drafted(drafts):
    """"Baca Juga: Kota Semarang …" links to another article; Surabaya–Bekasi is a domestic tie."""
    text = drafts["surabaya-liverpool.id"][0].read_text(encoding="utf-8")
    assert "Semarang" not in text
    assert "partnership:id-surabaya--id-kabupaten-bekasi" not in text


def test_a_closing_quotation_mark_does_not_glue_two_sentences(drafts):
    """'… bagi pemuda," ujar Wahyu. Sementara itu …': the quote ends with the first sentence."""
    nodes = _graph(drafts["bekasi-junggu.id"][0])
    quotes = nodes["partnership:id-kabupaten-bekasi--jp"]["ckg:evidence"]
    assert quotes == ["Sementara itu Konsul Jenderal Jepang di Surabaya, Kenta Mori yang turut hadir menyampaikan "
                      "bahwa Pemerintah Jepang juga terbuka untuk kerja sama di bidang kesehatan."]


@pytest.mark.parametrize(("text", "wanted"), [
    ("ditemui Senin (19/3/2018) siang", [("2018-03-19", "date")]),
    ("audiensi Selasa (17/1/23) malam", [("2023-01-17", "date")]),
    ("di Balai Kota, Rabu 1 Februari 2023.", [("2023-02-01", "date")]),
    ("pada 27 November 2015 untuk", [("2015-11-27", "date")]),
    ("agreed on 11 January 1993", [("1993-01-11", "date")]),
    ("signed on January 11, 1993", [("1993-01-11", "date")]),
    ("dirilis pada Maret 2022 silam", [("2022-03", "gYearMonth")]),
    ("telah terjalin sejak 2015.", [("2015", "gYear")]),
    ("sejak 2015-2020 antara lain", []),  # a span of years is no start date
    ("pada Kamis pagi", []),  # a weekday alone is no date
    ("tanggal 31/2/2023", []),  # no such day
    ("surat edaran No. 193/1652/PUOD", []),
])
def test_dates_in_the_forms_the_press_writes_them(text, wanted):
    from citykg.curate.dates import find_dates

    assert [(d.value, d.datatype.rsplit("#", 1)[1]) for d in find_dates(text)] == wanted


def test_a_dateline_gives_the_publication_time_with_its_zone():
    from citykg.curate.dates import dateline

    assert dateline("Selasa, 25 Mar 2025 21:24 WIB") == "2025-03-25T21:24:00+07:00"
    assert dateline("Selasa, 25 Mar 2025") is None


@pytest.mark.parametrize("name", SECTOR_ARTICLES)
def test_the_days_remarks_give_the_occasion_their_sectors(drafts, name):
    """Undated reported remarks ('…," ujar Rina' / 'officers added that …') were made at the one visit."""
    nodes = _graph(drafts[name][0])
    wanted = _expected(name)["event_sectors"]
    found = {p["ckg:date"][0]: sorted(p.get("ckg:sector", [])) for p in nodes.values() if "ckg:date" in p}
    assert found == {date: sorted(sectors) for date, sectors in wanted.items()}


@pytest.mark.parametrize("name", SECTOR_ARTICLES)
def test_a_chamber_of_commerce_and_industry_is_no_industry_sector(drafts, name):
    text = drafts[name][0].read_text(encoding="utf-8")
    assert "Dagang dan Industri" in text or "Commerce and Industry" in text  # the sentence is quoted
    assert "sector:industry" not in text and "sector/industry" not in text


@pytest.mark.parametrize(("name", "kept", "link"), [
    ("busan-surabaya.id", "Kim Seo-yeon menambahkan, pihaknya siap menerima ASN", "Kuliner"),
    ("liverpool-busan.en", "Council officers added that internships", "food market"),
])
def test_a_link_line_does_not_swallow_the_sentence_after_it(drafts, name, kept, link):
    quotes = [q for props in _graph(drafts[name][0]).values() for q in props.get("ckg:evidence", [])]
    assert any(q.startswith(kept) for q in quotes)
    assert not any(link in q for q in quotes)
    assert "sector:culinary" not in drafts[name][0].read_text(encoding="utf-8")


def test_related_headlines_are_read_one_per_line_and_organisations_by_their_short_forms(drafts):
    """Under "Artikel Terkait" each line is one headline; "Kadin Kota Surabaya" and "Haeundae Marine Korea
    Co Ltd" are the graph's "Kamar Dagang dan Industri (Kadin) Kota Surabaya" and "Haeundae Marine Co Ltd"."""
    nodes = _graph(drafts["busan-surabaya.id"][0])
    tie = nodes["partnership:id-kadin-kota-surabaya--kr-haeundae-marine"]
    assert tie["ckg:evidence"] == ["Kadin Kota Surabaya Teken MoU dengan Haeundae Marine Korea Co Ltd Tentang "
                                   "Pelatihan Pelaut"]
    quotes = [q for props in nodes.values() for q in props.get("ckg:evidence", [])]
    assert not any("Artikel Terkait" in q or "Jembatan" in q for q in quotes)
    assert not any(s.startswith("organization:") and s not in (
        "organization:id-kadin-kota-surabaya", "organization:kr-haeundae-marine") for s in nodes)


@pytest.mark.parametrize(("sentence", "wanted"), [
    ("Kerja sama itu mencakup pelatihan dan pertukaran pelajar.", ["vocational-training", "education"]),
    ("The partners will focus on training and student exchanges.", ["vocational-training", "education"]),
    ("Program ini membantu UMKM dan pelaku usaha kecil.", ["msme"]),
    ("They discussed advice for small businesses and entrepreneurs.", ["msme"]),
    ("Fokus pada lingkungan dan pengelolaan limbah.", ["environment", "waste-management"]),
    ("Rapat digelar di lingkungan Pemkot Surabaya.", []),  # "within the city government", no sector
    ("Kerja sama manajemen lingkungan air.", ["water-environment"]),
    ("Magang ASN untuk belajar pemerintahan.", ["human-resources", "public-administration"]),
    ("Pemerintahan Kota Surabaya menerima tamu.", []),  # an institution's name, not a subject
    ("Kadin adalah Kamar Dagang dan Industri daerah.", []),
    ("Vaksinasi di rumah sakit kota.", ["health"]),
    ("Program Musiman Pekerja dibahas.", ["labour", "seasonal-workers"]),
])
def test_sector_words_of_the_press_beyond_the_labels(project, sentence, wanted):
    from citykg.curate.sectors import SectorIndex

    found = SectorIndex(KnowledgeGraph(project)).in_text(sentence)
    assert sorted(iri.rsplit("/", 1)[-1] for iri in found) == sorted(wanted)


def test_fillers_clauses_and_countries_are_not_listed_as_sector_phrases(project):
    """The review sheet lists "robotika kelautan", not "ada", "Jepang" or a clause that ends the list."""
    from citykg.curate.sectors import SectorIndex

    index = SectorIndex(KnowledgeGraph(project))
    text = "Kerja sama di bidang kuliner, Jepang, robotika kelautan, ada juga ini, dan semua berjalan dengan baik."
    assert index.unmatched_items(text) == ["robotika kelautan"]


def test_a_hard_wrapped_paragraph_is_read_as_whole_sentences(project, tmp_path):
    """Only the article's first line can be a headline; a short first line of a later, wrapped paragraph
    belongs to the sentence it starts (a press release pasted from an e-mail is wrapped at 72 columns)."""
    from citykg.curate.text import read_article

    text = ("Surabaya dan Liverpool teken kerja sama baru\n\n"
            "Wakil Wali Kota Surabaya bertemu Wali Kota\n"
            "Liverpool di Inggris pada Senin (4/3/2024) untuk membahas pendidikan.\n")
    article = read_article(text)
    assert article.headline == "Surabaya dan Liverpool teken kerja sama baru"
    wrapped = [s for s in article.sentences if "bertemu Wali Kota" in s.text]
    assert len(wrapped) == 1 and "Liverpool di Inggris pada Senin (4/3/2024)" in wrapped[0].text
    file = tmp_path / "wrapped.id.txt"
    file.write_text(text, encoding="utf-8")
    draft = tmp_path / "wrapped.trig"
    assert run_cli("curate", str(file), "--out", str(draft), project=project).code == 0
    dates = [p["ckg:date"][0] for p in _graph(draft).values() if "ckg:date" in p]
    assert "2024-03-04" in dates
