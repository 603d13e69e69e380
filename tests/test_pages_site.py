"""``citykg site``: the static pages open from disk in headless Chromium, their links work, nothing is
fetched from outside, the search box finds a city, and labels with markup print as text (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from citykg import KnowledgeGraph

from .conftest import REPO, copy_project, run_cli

MARKUP_SOURCE = REPO / "tests" / "data" / "pages" / "900-markup-label.trig"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site of the seed graph plus one test source whose labels carry HTML, written by the CLI."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    shutil.copy(MARKUP_SOURCE, project / "graph" / "sources")
    KnowledgeGraph(project).build()
    out = project / "site"
    result = run_cli("site", "--out", str(out), project=project)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Wrote ") and "pages" in result.stdout
    return out


@pytest.fixture
def page(browser):
    """A browser page that records every request it makes."""
    context = browser.new_context()
    tab = context.new_page()
    tab.requested = []
    tab.on("request", lambda request: tab.requested.append(request.url))
    yield tab
    context.close()


def test_site_writes_pages_twins_search_index_and_void(site):
    bandung = site / "id" / "municipality" / "id-bandung"
    for suffix in (".html", ".ttl", ".jsonld"):
        assert bandung.with_suffix(suffix).is_file()
    for name in ("index.html", "search-index.json", "search-index.js", "search.js", "void.ttl", "ontology.ttl"):
        assert (site / name).is_file()
    assert (site / "id" / "partnership" / "id-bandung--my-petaling-jaya.html").is_file()
    assert (site / "id" / "municipality" / "my-petaling-jaya.html").is_file()  # a partner of a curated city
    entries = json.loads((site / "search-index.json").read_text("utf-8"))
    assert ["Kota Bandung", "kota bandung", "id/municipality/id-bandung.html", "West Java, Indonesia",
            "Bandung"] in entries  # the place says province and country, so homonyms can be told apart


def test_site_refuses_a_file_as_its_folder(tmp_path):
    project = copy_project(tmp_path / "p")
    (tmp_path / "taken").write_text("x")
    result = run_cli("site", "--out", str(tmp_path / "taken"), project=project)
    assert result.code == 2
    assert "is a file" in result.stderr and "Traceback" not in result.stderr


def test_every_relative_link_of_a_city_page_points_at_a_file_of_the_site(site, page):
    target = site / "id" / "municipality" / "id-bandung.html"
    page.goto(target.as_uri())
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    local = [h for h in hrefs if h.startswith("file://")]
    assert len(local) > 30
    for href in local:
        assert Path(unquote(urlsplit(href).path)).is_file(), href
    assert all(url.startswith(("file://", "data:")) for url in page.requested), page.requested


def test_a_reader_walks_from_the_index_to_a_partner_and_their_tie(site, page):
    page.goto((site / "index.html").as_uri())
    page.click("text=Bandung")
    assert page.locator("h2.title").inner_text() == "Bandung"
    row = page.locator("table tr", has_text="Petaling Jaya").first
    assert "Malaysia" in row.inner_text() and "Renewal planned" in row.inner_text()
    row.locator("a", has_text="details").click()
    assert page.locator("h2.title").inner_text() == "Bandung–Petaling Jaya partnership"
    assert "sources (2)" in page.content()
    page.click("a:has-text('Petaling Jaya')")
    assert page.locator("h2.title").inner_text() == "Petaling Jaya"
    assert all(url.startswith(("file://", "data:")) for url in page.requested), page.requested


@pytest.mark.parametrize("typed", ["kota bandung", "KOTA BÁNDUNG"])
def test_search_box_finds_a_city_by_any_of_its_names_offline(site, page, typed):
    page.goto((site / "id" / "source" / "prolite-2023-02-01-bandung-petaling-jaya.html").as_uri())
    page.fill("form.search input", typed)
    hit = page.locator("#hits a").first
    assert hit.inner_text().startswith("Bandung")
    hit.click()
    assert page.locator("h2.title").inner_text() == "Bandung"


def test_labels_and_quotes_with_markup_print_as_text(site, page):
    page.goto((site / "id" / "municipality" / "id-bandung.html").as_uri())
    assert page.evaluate("window.__pwned") is None
    assert '<script>window.__pwned=3</script>' in page.locator("blockquote", has_text="an ampersand").inner_text()
    names = page.locator("dl.names").inner_text()
    assert '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>Bandung & Co' in names
    page.goto((site / "id" / "source" / "test-markup-label.html").as_uri())
    assert page.locator("h2.title").inner_text() == "A made-up <b>bold</b> source for the tests"
    assert page.evaluate("window.__pwned") is None
