"""The network report: the files a user gets, their content, and an HTML page that shows its charts in a
real browser with every request off the page refused (self-contained)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import networkx as nx
import pytest

from citykg import network
from citykg.network import report
from citykg.network.analytics import METRICS

from .conftest import run_cli


@pytest.fixture(scope="module")
def written(kg, tmp_path_factory) -> tuple[report.Report, Path]:
    graph = network.project(kg, "municipalities")
    built = report.build(graph, "Network report: municipalities", top=5)
    folder = tmp_path_factory.mktemp("report")
    report.write(built, folder)
    return built, folder


def test_report_files(written):
    _built, folder = written
    assert sorted(p.name for p in folder.iterdir()) == ["centrality.png", "degrees.png", "report.html",
                                                       "report.md"]
    for png in ("centrality.png", "degrees.png"):
        assert (folder / png).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_markdown_has_the_summary_tables_charts_and_methods(written):
    built, folder = written
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "| nodes | 10 |  |" in text
    assert "| largest component | 6 nodes (60.0%) |  |" in text  # Bandung and its five partners
    assert "| mean distance (largest component) | 1.667 | ≈ 7.5 |" in text  # leaves are 2 apart, hub 1: 50/30
    assert "![Centrality: top 5 by betweenness](centrality.png)" in text
    assert "| Bandung | City | Indonesia | 0.2 | 5 | 5 |" in text  # the one broker of a star
    assert re.search(r"^\| 1 \| 6 \| Bandung \| Bandung, ", text, re.M)
    for title, meaning in METRICS.values():
        assert f"- **{title}**: {meaning}" in text
    assert built.summary.diameter == 2


def test_html_is_self_contained(written):
    _built, folder = written
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2
    assert base64.b64decode(images[1]) == (folder / "degrees.png").read_bytes()


def test_html_escapes_labels(tmp_path):
    graph = nx.Graph([("a", "b")])
    graph.nodes["a"]["label"] = "<script>alert(1)</script>"
    report.write(report.build(graph, "x & <y>"), tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<title>x &amp; &lt;y&gt;</title>" in page


def test_html_shows_its_charts_offline_in_chromium(written, browser):
    _built, folder = written
    refused: list[str] = []

    def route(route, request) -> None:
        if request.url.startswith(("data:", "file:")):
            route.continue_()
        else:
            refused.append(request.url)
            route.abort()

    page = browser.new_page()
    try:
        page.route("**/*", route)
        page.goto((folder / "report.html").as_uri())
        widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete && i.naturalWidth)")
        headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    finally:
        page.close()
    assert widths == [700, 700]  # 7 in × 100 dpi, both decoded
    assert headings[-1] == "Methods" and "Brokers" in headings
    assert refused == []


def test_report_command_on_a_network_file(built_project, tmp_path):
    source = tmp_path / "kite.graphml"
    nx.write_graphml(nx.relabel_nodes(nx.krackhardt_kite_graph(), str), source)
    result = run_cli("report", "--from", str(source), "--out", str(tmp_path / "out"), project=built_project)
    assert result.code == 0, result.stderr
    assert result.stdout == f"Wrote {tmp_path / 'out' / 'report.md'} and {tmp_path / 'out' / 'report.html'}\n"
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Network report: kite\n")
    assert "| diameter (largest component) | 4 |  |" in text


def test_report_command_on_the_store(built_project, tmp_path):
    result = run_cli("report", "--network", "countries", "--out", str(tmp_path), project=built_project)
    assert result.code == 0, result.stderr
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| Indonesia | Country | ID |" in text  # the only country with more than one tie brokers


def test_markdown_keeps_a_hostile_label_as_text(tmp_path):
    graph = nx.Graph([("a", "b"), ("a", "c")])
    graph.nodes["a"]["label"] = "**Evil** | [click](https://x.test) <img src=x onerror=alert(1)> `x`_y_\nz"
    report.write(report.build(graph, "Report <b>&</b> | #1"), tmp_path)
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Report &lt;b&gt;&amp;&lt;/b&gt; \\| \\#1\n")
    escaped = ("\\*\\*Evil\\*\\* \\| \\[click\\](https://x.test) &lt;img src=x onerror=alert(1)&gt; "
               "\\`x\\`\\_y\\_ z")
    assert f"| {escaped} | " in text  # the label stays in its own cell of the brokers table
    assert "<img" not in text and "**Evil**" not in text and "[click](" not in text
    rows = [line.replace("\\|", "") for line in text.splitlines() if line.startswith(f"| {escaped} |")]
    # its row in the centrality table (node + ten metrics) and in the brokers table (six cells): no cell more
    assert sorted(row.count("|") for row in rows) == [7, 12]
