"""``citykg viz`` without a browser: what the HTML file holds (one file, every asset inline, hostile text
escaped), the data the page's filters use, the selection and trimming, the layouts, and the CLI.

The fixture project tests/data/viz/ is a made-up world of five cities (Alpha ID, Beta MY without coordinates,
Gamma KR, and two Japanese cities whose labels are XSS payloads) tied by four partnerships:
Alpha–img sister city, active, 2015, education (with a hostile quote); Alpha–script cooperation, lapsed, 2001,
culture; Alpha–Beta friendship city, exploring, 2020-05, education; Beta–Gamma sister city, active, 1999, trade.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

from citykg import KnowledgeGraph
from citykg.errors import UsageError
from citykg.viz import PHYSICS_LIMIT, Selection, select, visualise

from .conftest import copy_project, run_cli

DATA = Path(__file__).parent / "data" / "viz"
IMG = "<img src=x onerror=\"window.__xss='img'\">"
SCRIPT = "</script><script>window.__xss='script'</script>"
QUOTE = "Quote one </script><img src=x onerror=\"window.__xss='quote'\"> & <b>bold</b>"
ALPHA, BETA, GAMMA = "municipality:id-alpha", "municipality:my-beta", "municipality:kr-gamma"
XIMG, XSCRIPT = "municipality:jp-xss-img", "municipality:jp-xss-script"


def viz_project(target: Path) -> Path:
    """The fixture project: the repository's ontology and queries with the made-up graph of tests/data/viz."""
    copy_project(target, ("ontology", "queries"))
    shutil.copytree(DATA / "graph", target / "graph")
    return target


@pytest.fixture(scope="module")
def fixture_kg(tmp_path_factory) -> KnowledgeGraph:
    kg = KnowledgeGraph(viz_project(tmp_path_factory.mktemp("viz-project")))
    kg.build()
    return kg


@pytest.fixture(scope="module")
def page(fixture_kg, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("viz-page") / "network.html"
    visualise(fixture_kg, out)
    return out.read_text(encoding="utf-8")


def blob(html: str, element_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


# ---------------------------------------------------------------- the file


def test_page_is_one_file_written_at_out_only(fixture_kg, tmp_path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "pages" / "net.html"
    out.parent.mkdir()
    result = visualise(fixture_kg, out)
    assert result.path == out
    assert sorted(p.name for p in out.parent.iterdir()) == ["net.html"]
    assert list(work.iterdir()) == []  # pyvis' "local" mode would have copied lib/ here


def test_every_script_and_style_is_inline(page):
    assert re.findall(r"<script\b[^>]*\bsrc=", page, re.I) == []
    assert re.findall(r"<link\b", page, re.I) == []
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I) == []
    assert len(re.findall(r"^<script\b", page, re.M)) == 4  # page data, vis data, vis-network, ours
    assert 'id="citykg-map"' not in page  # the force layout draws no map
    assert "sourceMappingURL" not in page  # devtools would fetch the map
    assert "default-src 'none'" in page  # the Content-Security-Policy forbids every request too
    assert "vis-network" in page and "@version 9.1.2" in page


def test_hostile_labels_and_quotes_never_reach_the_html_as_markup(page):
    for payload in (IMG, SCRIPT, QUOTE, "<script>window.__xss='source'</script>", "<b>&amp;</b>"):
        assert payload not in page
    assert "window.__xss" in page  # present, but only inside escaped JSON strings
    assert page.count("</script>") == 4


def test_hostile_text_comes_back_literally_from_the_page_data(page):
    data = blob(page, "citykg-page")
    assert data["nodes"][XIMG]["label"] == IMG
    assert data["nodes"][XSCRIPT]["label"] == SCRIPT
    [source] = data["nodes"][XIMG]["sources"]
    assert source["label"] == "Viz fixture <script>window.__xss='source'</script>"
    assert source["publisher"] == "Fixture Press <b>&amp;</b>"
    assert source["quotes"] == [{"text": QUOTE, "about": "Alpha–img partnership"}]
    network = blob(page, "citykg-vis")
    assert {n["id"]: n["label"] for n in network["nodes"]}[XSCRIPT] == SCRIPT
    assert {n["id"]: n["title"] for n in network["nodes"]}[XIMG] == f"{IMG}\nCity · Japan\ndegree: 1"


def test_title_is_escaped(fixture_kg, tmp_path):
    out = tmp_path / "t.html"
    visualise(fixture_kg, out, title="<script>alert(1)</script>")
    html = out.read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert blob(html, "citykg-page")["title"] == "<script>alert(1)</script>"


# ---------------------------------------------------------------- what the page draws and filters


def test_nodes_and_ties_with_their_style(page):
    network = blob(page, "citykg-vis")
    nodes = {n["id"]: n for n in network["nodes"]}
    assert sorted(nodes) == sorted([ALPHA, BETA, GAMMA, XIMG, XSCRIPT])
    assert {n["value"] for n in nodes.values()} == {3.0, 2.0, 1.0}  # sized by degree
    assert nodes[ALPHA]["value"] == 3.0 and nodes[BETA]["value"] == 2.0
    assert {n["color"]["background"] for n in nodes.values()} == {"#0072B2"}  # all municipalities
    ties = {frozenset((e["from"], e["to"])): e for e in network["edges"]}
    assert len(ties) == 4
    sister = ties[frozenset((ALPHA, XIMG))]
    assert (sister["color"]["color"], sister["dashes"]) == ("#C0392B", False)  # sister city, active
    assert ties[frozenset((ALPHA, XSCRIPT))]["dashes"] == [2, 12]  # lapsed
    assert ties[frozenset((ALPHA, BETA))]["color"]["color"] == "#E67E22"  # friendship city
    assert ties[frozenset((ALPHA, BETA))]["dashes"] == [6, 10]  # exploring
    assert all(e["arrows"] == {"to": {"enabled": False}} for e in network["edges"])
    options = json.loads(network["options"])
    assert options["physics"]["enabled"] is True


def test_filter_data_and_legend(page):
    data = blob(page, "citykg-page")
    assert data["filters"] == {"sector": ["culture", "education", "trade"],
                               "country": ["Indonesia", "Japan", "Malaysia", "South Korea"],
                               "status": ["Active", "Exploring", "Lapsed"], "years": [1999, 2020]}
    network = blob(page, "citykg-vis")
    by_pair = {frozenset((e["from"], e["to"])): data["edges"][e["id"]] for e in network["edges"]}
    assert by_pair[frozenset((ALPHA, BETA))] == {"sectors": ["education"], "status": ["Exploring"], "year": 2020}
    assert [item["label"] for item in data["legend"]["nodes"]] == ["municipality"]
    assert [item["label"] for item in data["legend"]["edges"]] == [
        "sister city", "friendship city", "cooperation", "active", "exploring", "lapsed"]


@pytest.mark.parametrize(("selection", "nodes", "ties"), [
    (Selection(sector="education"), {ALPHA, XIMG, BETA}, 2),
    (Selection(sector="Education"), {ALPHA, XIMG, BETA}, 2),
    (Selection(status="lapsed"), {ALPHA, XSCRIPT}, 1),
    (Selection(since=2010), {ALPHA, XIMG, BETA}, 2),
    (Selection(country="KR"), {GAMMA, BETA}, 1),
    (Selection(country="south korea"), {GAMMA, BETA}, 1),
    (Selection(country="Japan", status="active"), {ALPHA, XIMG}, 1),
    (Selection(focus="Beta"), {BETA, ALPHA, GAMMA}, 2),
    (Selection(focus="beta", depth=2), {BETA, ALPHA, GAMMA, XIMG, XSCRIPT}, 4),
    (Selection(focus="Gamma", sector="education"), None, None),
])
def test_selection(fixture_kg, selection, nodes, ties):
    from citykg.network import project

    graph = project(fixture_kg, "municipalities")
    if nodes is None:
        with pytest.raises(UsageError, match="^Gamma has no tie left in the municipalities network after the filters"):
            select(graph, selection)
        return
    chosen = select(graph, selection)
    assert (set(chosen), chosen.number_of_edges()) == (nodes, ties)


@pytest.mark.parametrize(("selection", "message"), [
    (Selection(sector="nope"), "No tie of the municipalities network is in the sector 'nope' ('citykg query "
                               "sector-counts' lists the sectors in use)."),
    (Selection(country="Atlantis"), "No node of the municipalities network is in the country 'Atlantis'."),
    (Selection(focus="Nowhere"), "No node of the municipalities network is called 'Nowhere'."),
    (Selection(since=2030), "Nothing of the municipalities network is left after the filters (since 2030)."),
])
def test_selection_errors(fixture_kg, selection, message):
    from citykg.network import project

    with pytest.raises(UsageError) as error:
        select(project(fixture_kg, "municipalities"), selection)
    assert str(error.value) == message


def test_trimmed_page_keeps_the_best_connected_and_says_how_to_get_all(fixture_kg, tmp_path):
    result = visualise(fixture_kg, tmp_path / "t.html", max_nodes=2)
    assert (result.nodes, result.edges, result.total_nodes, result.total_edges) == (2, 1, 5, 4)
    assert result.trimmed
    assert result.notice.startswith("Showing the 2 best-connected of 5 nodes (by number of ties) and the 1 of 4 "
                                    "ties among them. To draw all of it: citykg viz --max-nodes 0")
    html = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert sorted(blob(html, "citykg-page")["nodes"]) == [ALPHA, BETA]
    assert blob(html, "citykg-page")["notice"] == result.notice
    assert not visualise(fixture_kg, tmp_path / "all.html", max_nodes=None).trimmed


def test_geo_layout_is_equirectangular(fixture_kg, tmp_path):
    out = tmp_path / "geo.html"
    result = visualise(fixture_kg, out, layout="geo")
    assert not result.physics
    html = out.read_text(encoding="utf-8")
    nodes = {n["id"]: n for n in blob(html, "citykg-vis")["nodes"]}
    assert (nodes[ALPHA]["x"], nodes[ALPHA]["y"]) == (1076.0, 69.0)  # 107.6 E, 6.9 S at 10 px per degree
    assert (nodes[GAMMA]["x"], nodes[GAMMA]["y"]) == (1286.0, -359.0)
    # Beta has no coordinates: it sits between its partners Alpha and Gamma, and the page says so.
    assert (nodes[BETA]["x"], nodes[BETA]["y"]) == (1181.0, -145.0)
    assert json.loads(blob(html, "citykg-vis")["options"])["physics"]["enabled"] is False
    assert blob(html, "citykg-page")["notice"].startswith("1 of 5 nodes have no coordinates")


def inside(x: float, y: float, ring: list[int]) -> bool:
    """Even-odd rule on a flat [x0, y0, x1, y1, …] ring, as the page's canvas fills it."""
    points = list(zip(ring[::2], ring[1::2], strict=True))
    crossings = sum((ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay)
                    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=True))
    return crossings % 2 == 1


def country_at(outlines: dict, x: float, y: float) -> list[str]:
    return [c["name"] for c in outlines["countries"] if sum(inside(x, y, ring) for ring in c["rings"]) % 2]


def test_geo_page_embeds_country_outlines_in_the_layouts_pixels(fixture_kg, tmp_path):
    out = tmp_path / "geo.html"
    visualise(fixture_kg, out, layout="geo")
    html = out.read_text(encoding="utf-8")
    outlines = blob(html, "citykg-map")
    assert (outlines["scale"], outlines["width"]) == (blob(html, "citykg-page")["geoScale"], 3600)
    by_name = {c["name"]: c for c in outlines["countries"]}
    assert len(by_name) == 177  # every country of Natural Earth's 1:110m map
    # Shaded: the countries of the drawn nodes (Beta, without coordinates, still counts for Malaysia).
    assert sorted(c["name"] for c in outlines["countries"] if c["here"]) == [
        "Indonesia", "Japan", "Malaysia", "South Korea"]
    nodes = {n["id"]: n for n in blob(html, "citykg-vis")["nodes"]}
    assert country_at(outlines, nodes[ALPHA]["x"], nodes[ALPHA]["y"]) == ["Indonesia"]  # 107.6 E, 6.9 S
    assert country_at(outlines, nodes[GAMMA]["x"], nodes[GAMMA]["y"]) == ["South Korea"]
    assert country_at(outlines, 1330, 0) == []  # the sea north of New Guinea
    # Whole pixels, and each ring a closed figure of at least three points.
    rings = [ring for c in outlines["countries"] for ring in c["rings"]]
    assert all(len(ring) >= 6 and len(ring) % 2 == 0 and all(isinstance(v, int) for v in ring) for ring in rings)
    assert len(re.findall(r"^<script\b", html, re.M)) == 5  # page data, map, vis data, vis-network, ours


def test_bandung_of_the_seed_graph_lies_inside_indonesia(kg, tmp_path):
    out = tmp_path / "geo.html"
    visualise(kg, out, "municipalities", layout="geo")
    html = out.read_text(encoding="utf-8")
    nodes = {n["id"]: n for n in blob(html, "citykg-vis")["nodes"]}
    bandung = nodes["municipality:id-bandung"]
    assert country_at(blob(html, "citykg-map"), bandung["x"], bandung["y"]) == ["Indonesia"]


def test_the_antimeridian_and_the_pole_leave_closed_rings(fixture_kg, tmp_path):
    out = tmp_path / "geo.html"
    visualise(fixture_kg, out, layout="geo")
    by_name = {c["name"]: c["rings"] for c in blob(out.read_text(encoding="utf-8"), "citykg-map")["countries"]}
    # Chukotka is one piece past 180 E (the page draws it again at the west edge); no ring jumps across the map.
    for name in ("Russia", "Fiji", "Antarctica"):
        for ring in by_name[name]:
            points = list(zip(ring[::2], ring[1::2], strict=True))
            assert all(abs(a[0] - b[0]) <= 1800 or a[1] == b[1] == 900  # only along the pole's edge
                       for a, b in zip(points, points[1:] + points[:1], strict=True)), name
    assert max(max(ring[::2]) for ring in by_name["Russia"]) > 1800
    assert country_at({"countries": [{"name": "Russia", "rings": by_name["Russia"]}]}, 1780, -660) == ["Russia"]
    # Antarctica goes round the pole: closed along the bottom edge of the map (90 S = 900 px).
    assert any(900 in ring[1::2] for ring in by_name["Antarctica"])
    assert country_at({"countries": [{"name": "A", "rings": by_name["Antarctica"]}]}, 0, 880) == ["A"]


@pytest.mark.parametrize(("label", "key"), [
    ("Indonesia", "360"), ("ID", "360"), ("south korea", "410"), ("Korea, Republic of", "410"),
    ("Russian Federation", "643"), ("Democratic Republic of the Congo", "180"), ("Kosovo", "Kosovo"),
    ("Atlantis", None), ("", None),
])
def test_a_nodes_country_finds_its_outline(label, key):
    from citykg.viz.outlines import country_code

    assert country_code(label) == key


def test_big_network_is_laid_out_in_python_with_physics_off(tmp_path):
    graph = nx.barabasi_albert_graph(PHYSICS_LIMIT + 50, 2, seed=3)
    graph = nx.relabel_nodes(graph, {n: f"n{n}" for n in graph})
    first = visualise(None, tmp_path / "a.html", graph=graph)
    visualise(None, tmp_path / "b.html", graph=graph)
    assert (first.physics, first.nodes, first.edges) == (False, 200, graph.number_of_edges())
    pages = [(tmp_path / name).read_text(encoding="utf-8") for name in ("a.html", "b.html")]
    positions = [{n["id"]: (n["x"], n["y"]) for n in blob(p, "citykg-vis")["nodes"]} for p in pages]
    assert len(positions[0]) == 200 and positions[0] == positions[1]  # seeded: the same picture twice
    assert json.loads(blob(pages[0], "citykg-vis")["options"])["physics"]["enabled"] is False
    assert "laid out before opening, physics off" in blob(pages[0], "citykg-page")["notice"]


def test_full_network_of_the_seed_graph_has_every_kind(kg, tmp_path):
    out = tmp_path / "full.html"
    result = visualise(kg, out, "full", colour_by="kind")
    data = blob(out.read_text(encoding="utf-8"), "citykg-page")
    assert [item["label"] for item in data["legend"]["nodes"]] == [
        "municipality", "country", "organisation", "person", "event"]
    assert result.nodes == len(data["nodes"])
    bandung = data["nodes"]["municipality:id-bandung"]
    # Source 003 (Kadin Bekasi) does not mention Bandung; the other four do.
    assert sorted(s["iri"].rsplit("/", 1)[-1] for s in bandung["sources"]) == [
        "detikjabar-2025-03-25-dprd-bandung-daegu", "humas-pemkot-bandung-2022-08-08-petaling-jaya-smart-city",
        "prolite-2023-02-01-bandung-petaling-jaya", "unattributed-2022-02-03-bandung-japan-ambassador"]


# ---------------------------------------------------------------- the command


def test_cli_writes_the_page_and_says_what_it_drew(fixture_kg, tmp_path):
    done = run_cli("viz", "--sector", "education", "--out", str(tmp_path / "e.html"), project=fixture_kg.project.root)
    assert done.code == 0, done.stderr
    assert done.stdout == (f"Wrote {tmp_path / 'e.html'}: 3 nodes, 2 ties (force layout, physics settles, "
                           f"then stops).\n")
    done = run_cli("viz", "--max-nodes", "1", "--layout", "geo", "--out", str(tmp_path / "t.html"),
                   project=fixture_kg.project.root)
    assert done.code == 0, done.stderr
    assert done.stdout == f"Wrote {tmp_path / 't.html'}: 1 node, 0 ties (geo layout, physics off).\n"
    assert done.stderr.startswith("Showing the 1 best-connected of 5 nodes")


@pytest.mark.parametrize(("args", "message"), [
    (("--network", "countries", "--sector", "education"),
     "Error: The ties of the countries network have no sectors; --network municipalities or full has them.\n"),
    (("--focus", "Nowhere"), "Error: No node of the municipalities network is called 'Nowhere'.\n"),
    (("--network", "countries", "--from", "x.csv"), "Error: Give either --network/--endpoint or --from, not both.\n"),
])
def test_cli_errors(fixture_kg, tmp_path, args, message):
    done = run_cli("viz", *args, "--out", str(tmp_path / "x.html"), project=fixture_kg.project.root)
    assert (done.code, done.stderr.splitlines()[-1] + "\n", done.stdout) == (2, message, "")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.html").exists()


def test_cli_draws_a_network_file(tmp_path):
    edges = tmp_path / "ties.csv"
    edges.write_text("source,target,weight\nA <b>,B,2\nB,C,1\n", encoding="utf-8")
    done = run_cli("viz", "--from", str(edges), "--out", str(tmp_path / "f.html"), project=tmp_path)
    assert done.code == 0, done.stderr
    data = blob((tmp_path / "f.html").read_text(encoding="utf-8"), "citykg-page")
    assert sorted(data["nodes"]) == ["A <b>", "B", "C"]
    assert data["nodes"]["A <b>"]["sources"] == []


@pytest.mark.parametrize("selection", [
    Selection(focus="Beta"), Selection(focus="beta", depth=2), Selection(focus="Alpha", sector="education"),
    Selection(focus="Alpha", depth=3, country="Japan"), Selection(focus="Gamma", sector="education"),
    Selection(focus="Nowhere"),
])
def test_focus_projects_only_the_neighbourhood_and_draws_the_same(fixture_kg, tmp_path, selection):
    """--focus projects the nodes within --depth ties (queries bound to them, issue 10), and the page is the
    one the whole network gives: same nodes, ties, attributes and layout, or the same error."""
    from citykg.network import project
    from citykg.viz.draw import around_focus

    whole = project(fixture_kg, "municipalities")
    around = around_focus(fixture_kg, "municipalities", selection)
    outcomes = []
    for graph in (None, whole):
        try:
            result = visualise(fixture_kg, tmp_path / "p.html", graph=graph, selection=selection)
        except UsageError as error:
            outcomes.append(str(error))
            continue
        html = (tmp_path / "p.html").read_text(encoding="utf-8")
        outcomes.append((result.nodes, result.edges, blob(html, "citykg-page")))
    assert outcomes[0] == outcomes[1]
    # a page: drawn from the neighbourhood alone; an error: the whole network's message answers
    assert (around is None) == isinstance(outcomes[0], str)


def test_focus_takes_any_name_the_label_rule_takes(kg, tmp_path):
    """--focus resolves as query -p and suggest --for do (KnowledgeGraph.resolve): Indonesian name, IRI."""
    from citykg.viz import Selection, visualise

    drawn = {}
    for name in ("Bandung", "Kota Bandung", "municipality:id-bandung",
                 "https://w3id.org/citykg/id/municipality/id-bandung"):
        result = visualise(kg, tmp_path / "focus.html", selection=Selection(focus=name))
        drawn[name] = (result.nodes, result.edges)
    assert len(set(drawn.values())) == 1 and drawn["Bandung"][0] > 1


@pytest.mark.parametrize("selection", [
    Selection(focus="Bandung"), Selection(focus="Petaling Jaya", depth=2), Selection(focus="person:yana-mulyana"),
    Selection(focus="Bandung", sector="education"), Selection(focus="Kawasaki", depth=3, country="Japan"),
])
def test_full_network_focus_projects_only_the_neighbourhood_and_draws_the_same(kg, tmp_path, selection):
    """viz --network full --focus asks for the nodes within --depth ties only (parties and events), and
    draws what the whole full network gives: the same nodes and ties with the same attributes (the page
    may list them in another order), or the same error."""
    from citykg.viz.data import full
    from citykg.viz.draw import around_focus, resolved, select

    lookup = resolved(kg, selection)
    around, whole = around_focus(kg, "full", lookup), full(kg)
    assert around is not None and around.number_of_nodes() < whole.number_of_nodes()

    def drawn(graph):
        try:
            chosen = select(graph, lookup, "full")
        except UsageError as error:
            return str(error)
        return (dict(chosen.nodes(data=True)),
                {frozenset(edge): data for *edge, data in chosen.edges(data=True)})

    assert drawn(around) == drawn(whole)
    assert isinstance(drawn(whole), tuple) or "sector" in drawn(whole)
    result = visualise(kg, tmp_path / "p.html", "full", selection=selection)
    assert result.nodes > 1
