#!/usr/bin/env python
"""Benchmark the network analytics at world scale and write docs/bench-network.md.

For each expensive metric: pure networkx (timed on a sample of sources and scaled up where a full run would
take tens of minutes), each library's own single call (igraph; rustworkx if installed), and citykg's path
(igraph in chunks over worker processes). Then the full report (every metric, summary, communities, charts)
against the sum of the fastest library time of each of its parts.

    python scripts/bench_network.py                              # 26,000 nodes / 48,000 edges
    python scripts/bench_network.py --nodes 3000 --edges 5500    # a quick run
    python scripts/bench_network.py --from graph.graphml --out docs/bench-network.md
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_world_network import world_network  # noqa: E402

from citykg.network import analytics, fastpaths, report  # noqa: E402


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def networkx_estimate(graph: nx.Graph, name: str, sample: int) -> tuple[float, str]:
    """Seconds for the full networkx run: measured if the graph is small, else from ``sample`` sources
    (all three are a sum over sources of one BFS each, so time scales linearly with the sources)."""
    n = graph.number_of_nodes()
    if n <= sample:
        function = {"betweenness": nx.betweenness_centrality, "closeness": nx.closeness_centrality,
                    "harmonic": nx.harmonic_centrality}[name]
        return timed(function, graph)[0], "measured"
    nodes = list(graph)[:sample]
    if name == "betweenness":
        seconds = timed(nx.betweenness_centrality_subset, graph, nodes, list(graph))[0]
    elif name == "closeness":
        seconds = timed(lambda: [nx.closeness_centrality(graph, u) for u in nodes])[0]
    else:
        seconds = timed(nx.harmonic_centrality, graph, nbunch=None, sources=nodes)[0]
    return seconds * n / sample, f"estimated from {sample} sources"


class StageClock:
    """A citykg Progress that records how long each stage of the report took (the first stage starts when
    the clock is made; un-staged work before a stage is charged to the stage before it)."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []
        self._name, self._start = "projection-free start", time.perf_counter()

    def stage(self, name: str, total: int | None = None) -> None:
        now = time.perf_counter()
        self.stages.append((self._name, now - self._start))
        self._name, self._start = name, now

    def advance(self, step: int = 1) -> None:
        pass

    def finish(self) -> None:
        self.stage("end")


def library_times(graph: nx.Graph) -> dict[str, dict[str, float]]:
    """Each library's own single call, no chunks, no workers."""
    import igraph

    index = {node: i for i, node in enumerate(graph)}
    edges = [(index[a], index[b]) for a, b in graph.edges()]
    ig = igraph.Graph(n=len(index), edges=edges)
    times = {"igraph": {
        "betweenness": timed(ig.betweenness, directed=False)[0],
        "closeness": timed(ig.closeness)[0],
        "harmonic": timed(ig.harmonic_centrality)[0],
        "constraint": timed(ig.constraint)[0],
    }}
    try:
        import rustworkx
    except ImportError:
        return times
    rx = rustworkx.PyGraph()
    rx.add_nodes_from(range(len(index)))
    rx.add_edges_from_no_data(edges)
    times["rustworkx"] = {
        "betweenness": timed(rustworkx.betweenness_centrality, rx)[0],
        "closeness": timed(rustworkx.closeness_centrality, rx)[0],
    }
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=26_000)
    parser.add_argument("--edges", type=int, default=48_000)
    parser.add_argument("--from", dest="source", type=Path, help="a GraphML network instead of a generated one")
    parser.add_argument("--sample", type=int, default=300, help="sources for the networkx estimates")
    parser.add_argument("--out", type=Path, help="write the Markdown here (default: print it)")
    args = parser.parse_args()
    if args.source:
        from citykg.network import read

        graph, origin = read(args.source), str(args.source)
    else:
        graph = world_network(args.nodes, args.edges)
        origin = f"scripts/make_world_network.py --nodes {args.nodes} --edges {args.edges} (seed 2026)"
    graph.graph["name"] = "world"
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    print(f"{n:,} nodes, {m:,} edges; timing…", file=sys.stderr)

    rows = []
    libraries = library_times(graph)
    ours = {}
    for name in ("betweenness", "closeness", "harmonic"):
        nx_seconds, how = networkx_estimate(graph, name, args.sample)
        ours[name] = timed(getattr(fastpaths, name), graph)[0]
        rows.append((name, nx_seconds, how, {lib: t.get(name) for lib, t in libraries.items()}, ours[name]))
    cheap: dict[str, float] = {}
    for name in ("degree", "weighted_degree", "eigenvector", "pagerank", "core", "constraint", "effective_size"):
        cheap[name] = timed(analytics.metric, graph, name, True)[0]
    louvain = timed(analytics.communities, graph)[0]
    clock = StageClock()
    total, built = timed(report.build, graph, "Network report: world", progress=clock)
    clock.finish()
    with tempfile.TemporaryDirectory() as folder:
        write_seconds = timed(report.write, built, folder)[0]
    fastest = {name: min(t for t in [*(lib.get(name) for lib in libraries.values())] if t is not None)
               for name in ("betweenness", "closeness", "harmonic")}
    # The report with each shortest-path metric swapped for the fastest library's own single call, and
    # everything else (cheap metrics, diameter, clustering, Louvain) as it is.
    path_stages = sum(t for name, t in clock.stages if name.split(" ")[0] in fastest)
    baseline = total - path_stages + sum(fastest.values())
    s = built.summary
    lines = [
        "# Network analytics at world scale", "",
        f"Network: {origin}: {n:,} nodes, {m:,} edges, mean degree {s.mean_degree:.2f}, largest component "
        f"{s.largest_share:.1%}, assortativity {s.assortativity:+.2f}, average clustering "
        f"{s.average_clustering:.3f}, mean distance {s.mean_distance:.2f}, diameter {s.diameter}.", "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, networkx {nx.__version__}, "
        f"load average at the end {os.getloadavg()[0]:.1f} (the machine is shared: figures vary by ±30%).", "",
        f"Command: `python scripts/bench_network.py {' '.join(sys.argv[1:])}`".rstrip(), "",
        "## Shortest-path metrics (seconds)", "",
        "| metric | networkx | " + " | ".join(libraries) + " | citykg (igraph, chunked, "
        f"{os.cpu_count()} processes) |",
        "|---|---|" + "---|" * len(libraries) + "---|",
    ]
    for name, nx_seconds, how, libs, our in rows:
        cells = " | ".join("–" if libs[lib] is None else f"{libs[lib]:.1f}" for lib in libraries)
        lines.append(f"| {name} | {nx_seconds:,.0f} ({how}) | {cells} | {our:.1f} |")
    lines += ["", "## Other metrics (seconds, networkx unless noted)", "",
              "| metric | seconds |", "|---|---|"]
    lines += [f"| {name}{' (igraph)' if name == 'constraint' else ''} | {t:.2f} |" for name, t in cheap.items()]
    lines += [f"| Louvain communities (networkx, seed 42) | {louvain:.1f} |", "",
              "## Full report", "",
              f"`report.build` (all ten metrics, summary with exact diameter and mean distance, Louvain): "
              f"**{total:.1f} s**, plus {write_seconds:.1f} s to write Markdown, HTML and charts.", "",
              "Where the time goes (stages of `report.build`, seconds):", "",
              "| stage | seconds |", "|---|---|",
              *[f"| {name} | {t:.1f} |" for name, t in clock.stages if t >= 0.05], "",
              f"The same report with each shortest-path metric computed by the fastest library's own single "
              f"call instead: {baseline:.1f} s. Ratio: **{total / baseline:.2f}×** (goal: ≤ 1.2×).", ""]
    text = "\n".join(lines)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"Wrote {args.out}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
