"""``citykg viz`` pages in a real headless Chromium (Debian's, driven by playwright): they draw the expected
nodes and ties, make no request, filter, search, show facts on click and tooltips on hover as text, and
hostile labels never run. One browser for the module (conftest's ``browser``: skipped without Chromium on a
developer's machine, failed in CI); the pages are made once from the fixture project.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from citykg import KnowledgeGraph
from citykg.viz import visualise

from .test_viz import ALPHA, BETA, GAMMA, IMG, QUOTE, SCRIPT, XIMG, XSCRIPT, viz_project

DRAWN = "[citykg.network.body.nodeIndices.slice().sort(), citykg.network.body.edgeIndices.length]"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    kg = KnowledgeGraph(viz_project(tmp_path_factory.mktemp("viz-browser-project")))
    kg.build()
    folder = tmp_path_factory.mktemp("viz-browser-pages")
    visualise(kg, folder / "force.html")
    visualise(kg, folder / "geo.html", layout="geo")
    big = nx.barabasi_albert_graph(2000, 2, seed=5)
    visualise(None, folder / "big.html", graph=nx.relabel_nodes(big, {n: f"n{n}" for n in big}), max_nodes=None)
    return {path.stem: path for path in folder.iterdir()}


class Visit:
    """One open page and everything it did: requests, dialogs, console errors and page errors."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1300, "height": 800})
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.url = path.as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)

    def drawn(self) -> tuple[list[str], int]:
        nodes, edges = self.page.evaluate(DRAWN)
        return nodes, edges

    def node_point(self, node: str) -> tuple[float, float]:
        """Where a node is on the screen (its canvas position through vis-network's own transform)."""
        point = self.page.evaluate("(id) => citykg.network.canvasToDOM(citykg.network.getPositions([id])[id])",
                                   node)
        box = self.page.locator("#network").bounding_box()
        return box["x"] + point["x"], box["y"] + point["y"]

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser, pages):
    opened: list[Visit] = []

    def open_page(name: str) -> Visit:
        opened.append(Visit(browser, pages[name]))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


def test_page_draws_every_node_and_tie_and_makes_no_request(visit):
    page = visit("force")
    assert page.drawn() == (sorted([ALPHA, BETA, GAMMA, XIMG, XSCRIPT]), 4)
    assert page.page.text_content("#counts") == "Showing 5 of 5 nodes, 4 of 4 ties"
    page.page.wait_for_timeout(300)
    assert page.requests == [page.url]  # the file itself, nothing else
    assert page.errors == []
    assert page.page.evaluate("citykg.network.physics.physicsEnabled") is False  # settled, then stopped


@pytest.mark.parametrize(("control", "value", "nodes", "ties"), [
    ("#sector", "education", [ALPHA, BETA, XIMG], 2),
    ("#status", "Lapsed", [ALPHA, XSCRIPT], 1),
    ("#country", "South Korea", [BETA, GAMMA], 1),
    ("#year", "2010", [ALPHA, BETA, XIMG], 2),
])
def test_filters_change_what_is_visible(visit, control, value, nodes, ties):
    page = visit("force")
    if control == "#year":
        page.page.fill(control, value)
    else:
        page.page.select_option(control, value)
    assert page.drawn() == (sorted(nodes), ties)
    assert page.page.text_content("#counts") == f"Showing {len(nodes)} of 5 nodes, {ties} of 4 ties"
    page.page.click("#reset")
    assert page.drawn() == (sorted([ALPHA, BETA, GAMMA, XIMG, XSCRIPT]), 4)


def test_search_selects_the_matching_nodes(visit):
    page = visit("force")
    page.page.fill("#search", "ALP")
    assert page.page.evaluate("citykg.network.getSelectedNodes()") == [ALPHA]
    assert page.page.text_content("#counts") == "1 match"


def test_hostile_labels_and_quotes_are_shown_as_text_and_never_run(visit):
    page = visit("force")
    x, y = page.node_point(XIMG)
    page.page.mouse.move(x, y)
    tooltip = page.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert tooltip.inner_text() == f"{IMG}\nCity · Japan\ndegree: 1"
    assert tooltip.evaluate("t => [...t.querySelectorAll('*')].map(e => e.tagName)") == ["BR", "BR"]
    page.page.mouse.click(x, y)
    details = page.page.locator("#details")
    assert details.locator("h2").text_content() == IMG
    assert details.locator("blockquote").evaluate_all("bs => bs.map(b => b.firstChild.textContent)") == [QUOTE]
    assert details.locator(".source strong").text_content() == "Viz fixture <script>window.__xss='source'</script>"
    assert details.locator("img, script, b").count() == 0
    page.page.mouse.click(*page.node_point(XSCRIPT))
    assert details.locator("h2").text_content() == SCRIPT
    assert page.page.evaluate("window.__xss") is None
    assert page.dialogs == [] and page.errors == []
    assert page.requests == [page.url]  # an <img src=x> that ran would have asked for "x"


def test_geo_layout_places_cities_at_their_coordinates(visit):
    page = visit("geo")
    positions = page.page.evaluate("citykg.network.getPositions()")
    assert (positions[ALPHA]["x"], positions[ALPHA]["y"]) == (1076, 69)
    assert (positions[GAMMA]["x"], positions[GAMMA]["y"]) == (1286, -359)
    assert page.page.evaluate("citykg.network.physics.physicsEnabled") is False
    assert page.page.text_content("#notice").startswith("1 of 5 nodes have no coordinates")


def test_a_2000_node_page_opens_with_physics_off(visit):
    page = visit("big")
    nodes, edges = page.drawn()
    assert (len(nodes), edges) == (2000, 3996)
    assert page.page.evaluate("citykg.network.physics.physicsEnabled") is False
    # A network file without countries, sectors, statuses or years: those filters are not offered.
    for control in ("#country-filter", "#sector-filter", "#status-filter", "#year-filter"):
        assert page.page.locator(control).is_hidden(), control
    assert page.requests == [page.url] and page.errors == []
