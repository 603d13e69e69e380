"""The query UI in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright): it loads
with no request leaving loopback, runs a catalogue query and shows its rows. The browser is conftest's
``browser``: skipped without Chromium on a developer's machine, failed in CI."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest

from .test_server import Server, start_server


@pytest.fixture(scope="module")
def ui_server(built_project) -> Iterator[Server]:
    with start_server(built_project) as running:
        yield running


@pytest.fixture
def page(browser, ui_server):
    """A fresh page whose every request is recorded; any request off loopback is recorded and aborted."""
    context = browser.new_context()
    requested: list[str] = []
    outside: list[str] = []

    def watch(route, request) -> None:
        requested.append(request.url)
        host = urllib.parse.urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    context.route("**/*", watch)
    page = context.new_page()
    page.requested, page.outside = requested, outside  # type: ignore[attr-defined]
    yield page
    context.close()


def open_ui(page, server: Server) -> None:
    page.goto(server.url)
    page.wait_for_selector("body[data-catalogue-loaded]", timeout=30_000)
    page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)


def test_ui_loads_offline_and_lists_the_catalogue(page, ui_server, kg):
    open_ui(page, ui_server)
    assert page.title() == "citykg SPARQL"
    names = page.eval_on_selector_all("#queries li", "items => items.map(i => i.dataset.query)")
    assert names == list(kg.catalogue())
    assert page.text_content("#endpoint") == ui_server.sparql
    assert page.outside == []
    assert {urllib.parse.urlsplit(url).path for url in page.requested} >= {
        "/", "/static/yasgui.min.js", "/static/yasgui.min.css", "/static/app.js", "/queries"}


def test_catalogue_query_runs_and_shows_its_rows(page, ui_server):
    open_ui(page, ui_server)
    entry = page.locator('#queries li[data-query="partners"]')
    entry.locator("summary").click()
    entry.locator('input[name="city"]').fill("Kota Bandung")
    entry.locator("button.run").click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for(timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.yasr table tbody tr').length === 6", timeout=30_000)
    table = page.text_content(".yasr table tbody")
    for partner in ("Daegu", "Japan", "Kawasaki", "Hamamatsu", "Toyota", "Petaling Jaya"):
        assert partner in table
    editor = page.evaluate("window.citykgYasgui.getTab().getQuery()")
    assert "VALUES (?city) { (<https://w3id.org/citykg/id/municipality/id-bandung>) }" in editor
    assert page.outside == []


def test_unknown_label_is_shown_not_run(page, ui_server):
    open_ui(page, ui_server)
    entry = page.locator('#queries li[data-query="timeline"]')
    entry.locator("summary").click()
    entry.locator('input[name="city"]').fill("Atlantis")
    entry.locator("button.run").click()
    alert = entry.locator("p.error")
    alert.wait_for(timeout=30_000)
    page.wait_for_function("document.querySelector('#queries li[data-query=\"timeline\"] p.error').textContent !== ''")
    assert alert.text_content() == "No municipality is called 'Atlantis'."
    assert page.outside == []
