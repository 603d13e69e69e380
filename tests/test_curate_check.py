"""The review loop of ``citykg curate``: --check, bad input, the default draft folder, and the end to end
(press release → draft → check → move into graph/sources/ → build → query the new partnership's quote)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from citykg import KnowledgeGraph
from citykg.project import Project

from .conftest import copy_project, run_cli

DATA = Path(__file__).parent / "data" / "curate"
ARTICLE = DATA / "surabaya-liverpool.id.txt"
QUOTE = "Nota kesepahaman kedua kota ditandatangani pada Senin (19/3/2018) untuk jangka waktu 5 tahun."


@pytest.fixture()
def project(tmp_path) -> Path:
    """A fresh seed project with the test places, built; each test may change it."""
    root = copy_project(tmp_path / "project")
    shutil.copy(DATA / "places.trig", root / "graph" / "reference" / "test-places.trig")
    KnowledgeGraph(root).build()
    return root


def _draft(project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "draft.trig"
    result = run_cli("curate", str(ARTICLE), "--out", str(out), project=project)
    assert result.code == 0, result.stderr
    return out


def test_check_passes_on_a_fresh_draft(project, tmp_path):
    draft = _draft(project, tmp_path)
    result = run_cli("curate", "--check", str(draft), str(ARTICLE), project=project)
    assert result.code == 0, result.stdout + result.stderr
    assert "quotes found verbatim" in result.stdout
    assert "passes the build's shapes" in result.stdout


def test_check_catches_an_edited_quote(project, tmp_path):
    draft = _draft(project, tmp_path)
    text = draft.read_text(encoding="utf-8")
    assert QUOTE in text
    draft.write_text(text.replace(QUOTE, QUOTE.replace("5 tahun", "10 tahun")), encoding="utf-8")
    result = run_cli("curate", "--check", str(draft), str(ARTICLE), project=project)
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert "ckg:evidence: the quote is not in surabaya-liverpool.id.txt: “Nota kesepahaman" in result.stderr
    assert "agreement:id-surabaya--gb-liverpool--mou-2018" in result.stderr


def test_check_applies_the_build_shapes(project, tmp_path):
    draft = _draft(project, tmp_path)
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("ckg:partnershipType ckg:SisterCity ;", ""), encoding="utf-8")
    result = run_cli("curate", "--check", str(draft), str(ARTICLE), project=project)
    assert result.code == 1
    assert ("partnership:id-surabaya--gb-liverpool ckg:partnershipType: A partnership needs exactly one "
            "ckg:partnershipType") in result.stderr


def test_check_reports_a_syntax_error_with_its_position(project, tmp_path):
    draft = _draft(project, tmp_path)
    lines = draft.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if "ckg:partnershipType" in line)
    lines[number] = lines[number].replace(" ;", " ;;;(")
    draft.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("curate", "--check", str(draft), str(ARTICLE), project=project)
    assert result.code == 2
    assert result.stderr.startswith(f"Error: {draft}:{number + 1}:")
    assert "Traceback" not in result.stderr


def test_a_missing_article_is_one_sentence_and_exit_2(project, tmp_path):
    result = run_cli("curate", str(tmp_path / "nope.txt"), project=project)
    assert result.code == 2
    assert result.stderr.strip() == f"Error: Cannot read {tmp_path / 'nope.txt'}: No such file or directory."


def test_a_malformed_issued_date_is_refused(project, tmp_path):
    result = run_cli("curate", str(ARTICLE), "--issued", "17 Jan 2023", "--out", str(tmp_path / "d.trig"),
                     project=project)
    assert result.code == 2
    assert "--issued '17 Jan 2023' is not a date (2025-03-25)" in result.stderr
    assert not (tmp_path / "d.trig").exists()


def test_issued_and_url_are_recorded_when_given(project, tmp_path):
    out = tmp_path / "d.trig"
    result = run_cli("curate", str(ARTICLE), "--issued", "2023-01-18", "--url", "https://example.org/a/1",
                     "--publisher", "Warta Uji Daring", "--out", str(out), project=project)
    assert result.code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert 'dcterms:issued "2023-01-18"^^xsd:date' in text
    assert "schema:url <https://example.org/a/1>" in text
    assert 'dcterms:publisher "Warta Uji Daring"' in text
    assert "source:warta-uji-daring-2023-01-18-" in text


def test_the_default_draft_goes_to_graph_drafts_which_the_build_ignores(project):
    result = run_cli("curate", str(ARTICLE), project=project)
    assert result.code == 0, result.stderr
    drafts = list((project / "graph" / "drafts").glob("*.trig"))
    assert len(drafts) == 1
    assert drafts[0].name.startswith("warta-uji-2023-01-17-")
    assert all("graph/drafts" not in str(f.path) for f in Project.locate(project).curated_files())


def test_end_to_end_a_reviewed_draft_moved_into_sources_is_built_and_queried(project, tmp_path):
    draft = _draft(project, tmp_path)
    # the review: the reviewer writes the English label the sheet asks for
    text = draft.read_text(encoding="utf-8")
    text = text.replace('"Surabaya dan Liverpool Perpanjang Kerja Sama Kota Kembar (Warta Uji, 2023-01-17)"@en',
                        '"Surabaya and Liverpool to renew their sister-city cooperation (Warta Uji)"@en')
    draft.write_text(text, encoding="utf-8")
    assert run_cli("curate", "--check", str(draft), str(ARTICLE), project=project).code == 0
    shutil.move(draft, project / "graph" / "sources" / "900-warta-uji-surabaya-liverpool.trig")
    built = run_cli("build", "--seeds-only", "-q", project=project)
    assert built.code == 0, built.stderr
    query = ("SELECT ?type ?quote WHERE { GRAPH ?g { partnership:id-surabaya--gb-liverpool "
             "ckg:partnershipType ?type ; ckg:evidence ?quote } } ORDER BY ?quote")
    result = run_cli("query", "-e", query, "--format", "tsv", project=project)
    assert result.code == 0, result.stderr
    assert "<https://w3id.org/citykg/ontology#SisterCity>" in result.stdout
    assert "Hubungan sister city kedua kota telah terjalin sejak 2015" in result.stdout


def test_citykg_query_does_not_import_the_curation_libraries():
    code = ("import sys; import citykg.cli.main, citykg.cli.query, citykg.kg; "
            "print(sorted(m for m in ('dateparser', 'rapidfuzz', 'citykg.curate') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
