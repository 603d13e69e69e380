"""Benchmark of ``citykg viz``: export time in Python and time until the page is interactive in headless
Chromium, for synthetic municipality networks of several sizes (and, with --project, a real store).

"Interactive" = from the start of navigation (file:// URL) to vis-network's first ``afterDrawing`` event,
when the page answers clicks, hover and filters (``window.citykgReadyAt``, a performance.now() stamp). The
goal of issue 5 is ≤ 3 s for a 2,000-node export. "Redraw" = one synchronous ``network.redraw()`` (what a pan
or zoom costs, painted), median of 15. Each geo page is also opened with its country outlines taken out
(issue 14: what the map costs), right after the page itself in the same run.

    .venv/bin/python scripts/bench_viz.py                       # 300, 2,000 and 5,000 nodes
    .venv/bin/python scripts/bench_viz.py --sizes 2000 --runs 5
    .venv/bin/python scripts/bench_viz.py --project /path/with/built/store --network municipalities
    .venv/bin/python scripts/bench_viz.py --markdown docs/bench-viz.md
    .venv/bin/python scripts/bench_viz.py --sizes --screenshot docs/screenshot-network.png   # README picture
    .venv/bin/python scripts/bench_viz.py --focus-stores FULL SEED     # viz --focus: full graph ÷ seed graph

``--focus-stores`` times ``citykg --store S viz --focus Bandung`` (a fresh process, wall time) on a full and a
seeds-only store, interleaved, and prints the ratio next to issue 10's goal (≤ 3×); nothing else is run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx

from citykg.viz import Selection, visualise

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync"]
TYPES = ("SisterCity", "FriendshipCity", "Cooperation", "ExploratoryTalks")
STATUSES = ("Active", "Active", "Active", "Lapsed", "RenewalPlanned", "Exploring")
SECTORS = ("education", "culture", "trade", "tourism", "environment", "health", "smart-city", "labour")
COUNTRIES = ("Indonesia", "Japan", "South Korea", "Malaysia", "Germany", "France", "United States", "China",
             "Brazil", "Italy", "Poland", "Turkey")


def synthetic(n: int, seed: int = 7) -> nx.Graph:
    """A municipalities-like network: preferential attachment (a few hubs, many cities with one or two
    partners, like the twin-city data), with labels, countries, coordinates and partnership attributes."""
    rng = random.Random(seed)
    shape = nx.barabasi_albert_graph(n, 2, seed=seed)
    graph = nx.Graph(name="synthetic")
    for node in shape:
        graph.add_node(f"municipality:x-{node}", label=f"City {node}", type="City", country=rng.choice(COUNTRIES),
                       lat=round(rng.uniform(-50, 65), 4), lon=round(rng.uniform(-170, 175), 4))
    for a, b in shape.edges():
        graph.add_edge(f"municipality:x-{a}", f"municipality:x-{b}", weight=rng.randint(1, 4),
                       partnership_type=rng.choice(TYPES), status=rng.choice(STATUSES),
                       since=str(rng.randint(1960, 2024)), sectors="; ".join(sorted(rng.sample(SECTORS, 2))))
    return graph


#: Milliseconds of one full redraw (what each pan or zoom costs), each read back one pixel so that the canvas
#: has really painted: the median of 15. A geo page alternates redraws with and without its map (the page's
#: Map box), so that both medians come from the same page at the same moment.
REDRAW_MS = """() => {
  const map = citykg.map, times = { with: [], without: [] };
  const context = citykg.network.canvas.frame.canvas.getContext("2d");
  for (let i = 0; i < (map ? 30 : 15); i += 1) {
    if (map) map.shown = i % 2 === 0;
    const start = performance.now();
    citykg.network.redraw();
    context.getImageData(0, 0, 1, 1);
    times[!map || map.shown ? "with" : "without"].push(performance.now() - start);
  }
  if (map) map.shown = true;
  const median = (list) => list.length ? list.sort((a, b) => a - b)[Math.floor(list.length / 2)] : null;
  return [median(times.with), median(times.without)];
}"""


def interactive_seconds(browser, path: Path) -> tuple[float, int, int, list]:
    """Seconds from navigation start to the first drawing, the nodes/edges vis-network drew, and the
    milliseconds of a redraw (with the map, and without it or None)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
        ready_ms = page.evaluate("window.citykgReadyAt")
        drawn = page.evaluate("[citykg.network.body.nodeIndices.length, citykg.network.body.edgeIndices.length]")
        return ready_ms / 1000, drawn[0], drawn[1], page.evaluate(REDRAW_MS)
    finally:
        page.close()


def without_outlines(path: Path) -> Path:
    """The same geo page with an empty map (no country drawn): the yardstick for what the outlines cost."""
    html = path.read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="citykg-map">')
    end = html.index("</script>", start)
    empty = '<script type="application/json" id="citykg-map">{"countries": [], "scale": 10.0, "width": 3600}'
    bare = path.with_name(path.stem + "-bare.html")
    bare.write_text(html[:start] + empty + html[end:], encoding="utf-8")
    return bare


def bench(browser, label: str, make, runs: int, folder: Path, yardstick: bool = False) -> list[dict]:
    """The row of a case; with ``yardstick`` (a geo page) also the row of the same page without outlines,
    opened right after it in each run, so that both see the same machine."""
    export: list[float] = []
    ready: dict[str, list[float]] = {"with": [], "without": []}
    redraw: dict[str, list[float]] = {"with": [], "without": []}
    sizes: dict[str, float] = {}
    result = None
    for i in range(runs):
        out = folder / f"{label}-{i}.html"
        start = time.perf_counter()
        result = make(out)
        export.append(time.perf_counter() - start)
        for variant, path in [("with", out)] + ([("without", without_outlines(out))] if yardstick else []):
            seconds, nodes, edges, ms = interactive_seconds(browser, path)
            assert (nodes, edges) == (result.nodes, result.edges), (nodes, edges, result)
            ready[variant].append(seconds)
            sizes[variant] = path.stat().st_size / 1e6
            if variant == "with":  # the page itself, its map on and off
                redraw["with"].append(ms[0])
                if ms[1] is not None:
                    redraw["without"].append(ms[1])
    assert result is not None
    rows = []
    for variant in ("with", "without") if yardstick else ("with",):
        rows.append({"case": label if variant == "with" else label.replace("(geo)", "(geo, no outlines)"),
                     "nodes": result.nodes, "edges": result.edges, "layout": result.layout,
                     "physics": "on, then off" if result.physics else "off (laid out in Python)",
                     "size_mb": sizes[variant], "export_s": statistics.median(export),
                     "interactive_s": statistics.median(ready[variant]), "max_interactive_s": max(ready[variant]),
                     "redraw_ms": statistics.median(redraw[variant])})
    return rows


def screenshot(browser, path: Path, folder: Path, layout: str = "force") -> None:
    """The README picture: the curated seed graph's municipalities, coloured by country, Bandung clicked."""
    import shutil

    from citykg import KnowledgeGraph

    repo = Path(__file__).resolve().parents[1]
    project = folder / "seed"
    for part in ("ontology", "queries", "graph/reference", "graph/sources"):
        shutil.copytree(repo / part, project / part)
    kg = KnowledgeGraph(project)
    kg.build()
    out = folder / "seed.html"
    visualise(kg, out, "municipalities", colour_by="country", layout=layout)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(out.as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    page.wait_for_timeout(500)
    point = page.evaluate("citykg.network.canvasToDOM(citykg.network.getPositions(['municipality:id-bandung'])"
                          "['municipality:id-bandung'])")
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.close()
    print(f"Wrote {path}")


def focus_ratio(full: Path, seed: Path, focus: str, runs: int) -> None:
    """citykg viz --focus on the full graph against the seed graph, interleaved runs, medians."""
    import subprocess
    import sys

    citykg = str(Path(sys.executable).with_name("citykg"))
    times: dict[Path, list[float]] = {full: [], seed: []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            for store in (full, seed):
                start = time.perf_counter()
                subprocess.run([citykg, "--store", str(store), "viz", "--focus", focus, "--out",
                                str(Path(folder) / "focus.html")], check=True, capture_output=True)
                times[store].append(time.perf_counter() - start)
    a, b = statistics.median(times[full]), statistics.median(times[seed])
    print(f"| citykg viz --focus {focus} | {a:.2f} s (full graph) | {b:.2f} s (seed graph) | **{a / b:.2f}×** | "
          f"≤ 3× | load {os.getloadavg()[0]:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[300, 2000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--layouts", nargs="+", choices=("force", "geo"), default=["force", "geo"],
                        help="Layouts of the synthetic networks; geo is also timed without its outlines.")
    parser.add_argument("--project", type=Path, help="Also draw this project's built store.")
    parser.add_argument("--network", default="municipalities")
    parser.add_argument("--max-nodes", type=int, default=2000, help="For --project; 0 = all.")
    parser.add_argument("--markdown", type=Path, help="Write the table to this Markdown file.")
    parser.add_argument("--screenshot", type=Path, help="Also save a screenshot of the seed graph's page here.")
    parser.add_argument("--screenshot-layout", choices=("force", "geo"), default="force")
    parser.add_argument("--focus-stores", type=Path, nargs=2, metavar=("FULL", "SEED"),
                        help="Only time viz --focus on these two stores (see above).")
    parser.add_argument("--focus", default="Bandung", help="The node for --focus-stores.")
    args = parser.parse_args()
    if args.focus_stores:
        focus_ratio(*args.focus_stores, args.focus, args.runs)
        return

    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as temporary, sync_playwright() as playwright:
        folder = Path(temporary)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        if args.screenshot:
            screenshot(browser, args.screenshot, folder, args.screenshot_layout)
        for n in args.sizes:
            graph = synthetic(n)
            for layout in args.layouts:
                rows += bench(browser, f"synthetic {n:,} ({layout})",
                              lambda out, g=graph, lay=layout: visualise(None, out, graph=g, layout=lay,
                                                                        max_nodes=None),
                              args.runs, folder, yardstick=layout == "geo")
                print(*rows[-2 if layout == "geo" else -1:], sep="\n", flush=True)
        if args.project:
            from citykg import KnowledgeGraph

            kg = KnowledgeGraph(args.project)
            rows += bench(browser, f"{args.network} of {args.project.name}",
                          lambda out: visualise(kg, out, args.network, selection=Selection(),
                                                max_nodes=args.max_nodes or None),
                          args.runs, folder)
            print(rows[-1], flush=True)
        browser.close()
    table = ["| case | nodes | edges | physics | file MB | export s | interactive s (median) | worst s | redraw ms |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|"]
    table += [f"| {r['case']} | {r['nodes']:,} | {r['edges']:,} | {r['physics']} | {r['size_mb']:.2f} | "
              f"{r['export_s']:.2f} | {r['interactive_s']:.2f} | {r['max_interactive_s']:.2f} | "
              f"{r['redraw_ms']:.1f} |" for r in rows]
    if not rows:
        return
    print("\n".join(table))
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")
    if args.markdown:
        args.markdown.write_text("\n".join(table) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
