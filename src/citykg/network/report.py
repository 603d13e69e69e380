"""The network report: report.md (with PNGs beside it) and report.html (self-contained: the PNGs are inlined as
data URIs, no script, no external link), built from the plain data of citykg.network.analytics.

Charts are drawn with matplotlib's object API (Figure + Agg canvas): no pyplot state, no display needed.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from ..errors import UsageError
from . import analytics
from .analytics import METRICS, Communities, Row, Summary

#: Published figures for the world sister-city network, to set ours against once real data lands.
PUBLISHED = {"mean_degree": "≈ 3", "average_clustering": "0.05–0.11", "assortativity": "+0.35 to +0.39",
             "mean_distance": "≈ 7.5"}
CHART_METRIC = "betweenness"
#: The ASCII punctuation that means something to Markdown inside a line (CommonMark §2.4, GFM tables).
_MARKUP = re.compile(r"([\\`*_\[\]|~!#])")


@dataclass(frozen=True)
class Report:
    title: str
    summary: Summary
    table: analytics.CentralityTable
    brokers: list[Row]
    communities: Communities
    top: int


def build(graph: nx.Graph, title: str, top: int = 10, seed: int = analytics.DEFAULT_SEED,
          backend: str = "auto", progress=None) -> Report:
    """Compute everything the report shows; the all-pairs searches (closeness) run once and serve both the
    centrality table and the summary's mean distance."""
    table = analytics.centrality(graph, "all", sort=CHART_METRIC, backend=backend, progress=progress)
    closeness = {row.node: row.scores["closeness"] for row in table.rows}
    summary = analytics.summary(graph, closeness=closeness, backend=backend, progress=progress)
    if progress is not None:
        progress.stage("communities (Louvain)")
    found = analytics.communities(graph, seed=seed)
    return Report(title, summary, table, analytics.broker_rows(table, top), found, top)


def write(report: Report, folder: str | Path) -> tuple[Path, Path]:
    """Write report.md, centrality.png, degrees.png and report.html into ``folder`` (made if missing)."""
    folder = Path(folder)
    charts = {"centrality.png": bar_chart(report), "degrees.png": degree_chart(report.summary)}
    md, page = folder / "report.md", folder / "report.html"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, png in charts.items():
            (folder / name).write_bytes(png)
        md.write_text(markdown(report), encoding="utf-8")
        page.write_text(html_page(report, charts), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"Cannot write the report into {folder}: {error.strerror or error}.") from None
    return md, page


# ---------------------------------------------------------------- content shared by both formats


def sections(report: Report) -> list[tuple[str, str, list[str], list[list[str]], str | None]]:
    """(heading, intro, header, rows, chart file) per section, so that Markdown and HTML say the same."""
    s = report.summary
    metrics = report.table.metrics
    return [
        ("Summary", "The figures network scientists compare first; distances are those of the largest "
         "connected component, computed exactly.", ["figure", "this network", "world sister-city network"],
         summary_rows(s), None),
        (f"Centrality: top {report.top} by {METRICS[report.table.sort][0].lower()}",
         "Hop-count paths for betweenness, closeness and harmonic; tie strengths for weighted degree, "
         "eigenvector and PageRank.", ["node", *[METRICS[m][0] for m in metrics]],
         [[row.label, *[number(row.scores[m]) for m in metrics]] for row in report.table.top(report.top)],
         "centrality.png"),
        ("Brokers", "Nodes with at least two ties, lowest Burt constraint first: the go-betweens whose "
         "partners are not tied to each other.", ["node", "type", "country", "constraint", "effective size",
                                                  "degree"],
         [[r.label, r.type, r.country, number(r.scores["constraint"]), number(r.scores["effective_size"]),
           number(r.scores["degree"])] for r in report.brokers], None),
        ("Communities", f"Louvain (seed {report.communities.seed}, resolution {report.communities.resolution:g}"
         f"), modularity {report.communities.modularity:.4f}; communities of two or more nodes, "
         "largest first.", ["#", "size", "hub", "members"], community_rows(report.communities, report.top),
         None),
        ("Degree distribution", degree_text(s), ["degree", "nodes"],
         [[str(k), str(v)] for k, v in s.degree_distribution.items()][:40], "degrees.png"),
    ]


def summary_rows(s: Summary) -> list[list[str]]:
    return [
        ["nodes", f"{s.nodes:,}", ""], ["edges", f"{s.edges:,}", ""], ["density", number(s.density), ""],
        ["mean degree", number(s.mean_degree), PUBLISHED["mean_degree"]],
        ["connected components", f"{s.components:,}", ""],
        ["largest component", f"{s.largest_component:,} nodes ({s.largest_share:.1%})", ""],
        ["diameter (largest component)", number(s.diameter), ""],
        ["mean distance (largest component)", number(s.mean_distance), PUBLISHED["mean_distance"]],
        ["average clustering", number(s.average_clustering), PUBLISHED["average_clustering"]],
        ["transitivity", number(s.transitivity), ""],
        ["degree assortativity", number(s.assortativity), PUBLISHED["assortativity"]],
    ]


def community_rows(found: Communities, top: int) -> list[list[str]]:
    rows = []
    for community in [c for c in found.communities if c.size >= 2][:top]:
        members = ", ".join(community.labels[:8]) + (" …" if community.size > 8 else "")
        rows.append([str(community.index), str(community.size), community.hub, members])
    return rows


def degree_text(s: Summary) -> str:
    text = (f"Maximum degree {s.max_degree}; 90% of nodes have degree ≤ {s.degree_p90}, 99% ≤ {s.degree_p99}.")
    if s.tail_exponent is not None:
        text += (f" A power law fitted to the tail (degree ≥ {s.tail_from}, discrete maximum likelihood) has "
                 f"exponent α ≈ {s.tail_exponent:.2f}.")
    return text


def methods() -> list[tuple[str, str]]:
    """The methods note: what each figure means for city diplomacy, and how it is computed."""
    notes = [(title, text) for title, text in METRICS.values()]
    notes += [
        ("Communities (Louvain)", "Groups of cities more tied among themselves than to the rest: regional or "
         "linguistic blocs, a country's twinning programme. Louvain with a fixed seed, so reruns agree; "
         "modularity says how clear-cut the grouping is (above ~0.3 is a marked structure)."),
        ("Paths and weights", "Shortest paths count hops (a partnership is one step, however strong). "
         "Weighted degree, eigenvector, PageRank and Louvain use tie strength; constraint and effective size "
         "use binary ties."),
        ("Summary figures", "Density: share of possible ties present. Clustering: how often two partners of a "
         "city are partners themselves (average of local values; transitivity is the global ratio). "
         "Assortativity: whether well-connected cities partner well-connected ones (positive) or small "
         "ones (negative). Diameter and mean distance: the longest and the average shortest chain of "
         "partnerships in the largest component."),
        ("Partner suggestions", "citykg suggest scores cities not yet partnered by shared partners "
         "(resource allocation: a shared partner with few ties counts more) plus the Jaccard similarity of "
         "their sectors, and says which partners and sectors are shared."),
    ]
    return notes


def number(value) -> str:
    """4 significant digits; whole numbers as such; '–' for undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.4g}"


# ---------------------------------------------------------------- Markdown and HTML


def markdown(report: Report) -> str:
    lines = [f"# {md_text(report.title)}", ""]
    for heading, intro, header, rows, chart in sections(report):
        lines += [f"## {heading}", "", intro, ""]
        if chart:
            lines += [f"![{heading}]({chart})", ""]
        lines += md_table(header, rows) + [""]
    lines += ["## Methods", ""]
    lines += [f"- **{title}**: {text}" for title, text in methods()]
    return "\n".join(lines) + "\n"


def md_table(header: Sequence[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table whose cells are text (see md_text): a label cannot end a cell or add markup."""
    out = ["| " + " | ".join(map(md_text, header)) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(map(md_text, row)) + " |" for row in rows]
    return out


def md_text(text: str) -> str:
    """``text`` as literal text in Markdown: HTML made inert (``&``, ``<``, ``>`` as entities, which every
    Markdown renderer shows as the characters), the characters that open emphasis, code, links, tables
    or strike-through backslash-escaped (CommonMark §2.4), and line breaks as spaces (one row per line)."""
    return _MARKUP.sub(r"\\\1", html.escape(text, quote=False)).replace("\r", " ").replace("\n", " ")


def html_page(report: Report, charts: dict[str, bytes]) -> str:
    e = html.escape
    body = [f"<h1>{e(report.title)}</h1>"]
    for heading, intro, header, rows, chart in sections(report):
        body += [f"<h2>{e(heading)}</h2>", f"<p>{e(intro)}</p>"]
        if chart:
            data = base64.b64encode(charts[chart]).decode("ascii")
            body.append(f'<img alt="{e(heading)}" src="data:image/png;base64,{data}">')
        body.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr></thead><tbody>")
        body += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        body.append("</tbody></table>")
    body += ["<h2>Methods</h2>", "<dl>"]
    body += [f"<dt>{e(title)}</dt><dd>{e(text)}</dd>" for title, text in methods()]
    body.append("</dl>")
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
             "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
             "text-align:left}th{background:#f3f3f3}img{max-width:100%}dt{font-weight:600;margin-top:.5rem}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(report.title)}</title><style>{style}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


# ---------------------------------------------------------------- charts


def bar_chart(report: Report) -> bytes:
    """Horizontal bars of the top nodes by the report's sort metric, best at the top."""
    metric = report.table.sort
    rows = report.table.top(report.top)[::-1]
    figure, axes = _figure(height=max(2.5, 0.35 * len(rows) + 1))
    axes.barh([row.label for row in rows], [_finite(row.scores[metric]) for row in rows], color="#3b6ea5")
    axes.set_xlabel(METRICS[metric][0])
    axes.set_title(f"Top {len(rows)} by {METRICS[metric][0].lower()}")
    return _png(figure)


def degree_chart(s: Summary) -> bytes:
    """The degree distribution on log–log axes (count of nodes per degree), degree 0 left out."""
    figure, axes = _figure(height=3.5)
    points = [(k, v) for k, v in s.degree_distribution.items() if k > 0]
    if points:
        axes.scatter([k for k, _ in points], [v for _, v in points], s=14, color="#3b6ea5")
        axes.set_xscale("log")
        axes.set_yscale("log")
    axes.set_xlabel("degree (partners)")
    axes.set_ylabel("nodes")
    axes.set_title("Degree distribution")
    return _png(figure)


def _figure(height: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, height), dpi=100, layout="tight")
    return figure, figure.add_subplot()


def _png(figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _finite(value: float) -> float:
    return 0.0 if value is None or math.isnan(value) else value
