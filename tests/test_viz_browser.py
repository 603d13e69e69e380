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


# ---------------------------------------------------------------- the map under the geo layout

#: The canvas colours of the geo page (templates/network.html): sea, another country, a country with a node.
SEA, LAND, HERE = [242, 246, 249], [230, 230, 225], [220, 235, 210]
#: The colours of the canvas at points of the network's canvas coordinates (one readback for all of them:
#: Chromium warns on the console when a canvas is read back often).
PIXELS = """(points) => {
  const canvas = citykg.network.canvas.frame.canvas, ratio = window.devicePixelRatio;
  const image = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  return points.map(([x, y]) => {
    const dom = citykg.network.canvasToDOM({ x: x, y: y });
    const at = 4 * (Math.round(dom.y * ratio) * canvas.width + Math.round(dom.x * ratio));
    return [...image.data.slice(at, at + 3)];
  });
}"""


def geo_point(lon: float, lat: float) -> list[float]:
    """A point of the network's canvas in the geo layout's projection (GEO_SCALE px per degree)."""
    return [lon * 10, -lat * 10]


def test_geo_page_draws_country_outlines_under_the_nodes(visit):
    page = visit("geo")
    embedded = page.page.evaluate("JSON.parse(document.getElementById('citykg-map').textContent)"
                                  ".countries.reduce((n, c) => n + c.rings.length, 0)")
    rings, drawn = page.page.evaluate("[citykg.map.rings, citykg.map.drawnRings]")
    # Every ring, plus a copy of the three that cross the antimeridian (Fiji, Chukotka, Antarctica).
    assert (rings, drawn) == (embedded + 3, embedded + 3)
    assert page.page.evaluate("citykg.map.here") == ["Indonesia", "South Korea", "Malaysia", "Japan"]
    # Kalimantan (Indonesia, has a node) is shaded, Australia (none) is land, the Indian Ocean is sea.
    kalimantan, australia, ocean = geo_point(113.5, -1.5), geo_point(134.0, -25.0), geo_point(80.0, -20.0)
    assert page.page.evaluate(PIXELS, [kalimantan, australia, ocean]) == [HERE, LAND, SEA]
    assert page.drawn()[0] == sorted([ALPHA, BETA, GAMMA, XIMG, XSCRIPT])  # outlines are no nodes
    assert page.requests == [page.url] and page.errors == []
    # The Map box takes the outlines away (the graticule stays) and brings them back.
    page.page.uncheck("#map")
    assert page.page.evaluate("citykg.map.drawnRings") == 0
    assert page.page.evaluate(PIXELS, [kalimantan, ocean]) == [[0, 0, 0], [0, 0, 0]]  # nothing painted
    page.page.check("#map")
    assert page.page.evaluate("citykg.map.drawnRings") == rings
    assert page.page.evaluate(PIXELS, [kalimantan]) == [HERE]
    assert page.requests == [page.url]


def test_a_node_sits_inside_its_country_and_the_outlines_cannot_be_clicked(visit):
    page = visit("geo")
    assert page.page.evaluate("(id) => { const p = citykg.network.getPositions([id])[id];"
                              " return citykg.map.countryAt(p.x, p.y); }", ALPHA) == ["Indonesia"]
    assert page.page.evaluate("(id) => { const p = citykg.network.getPositions([id])[id];"
                              " return citykg.map.countryAt(p.x, p.y); }", GAMMA) == ["South Korea"]
    point = page.page.evaluate("([x, y]) => citykg.network.canvasToDOM({ x: x, y: y })", geo_point(134.0, -25.0))
    box = page.page.locator("#network").bounding_box()
    page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])  # on Australia
    assert page.page.evaluate("citykg.network.getSelection()") == {"nodes": [], "edges": []}
    assert page.page.locator("#details h2").count() == 0
    assert page.page.locator("div.vis-tooltip").is_hidden()


def test_the_force_layout_draws_no_map(visit):
    page = visit("force")
    assert page.page.evaluate("[document.getElementById('citykg-map'), window.citykg.map]") == [None, None]
    assert page.page.locator("#map-filter").is_hidden()
    corner = "[...citykg.network.canvas.frame.canvas.getContext('2d').getImageData(2, 2, 1, 1).data]"
    assert page.page.evaluate(corner) == [0, 0, 0, 0]  # nothing behind the network: no sea, no land
