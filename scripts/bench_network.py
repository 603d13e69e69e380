#!/usr/bin/env python
"""Benchmark the network analytics at world scale and write docs/bench-network.md.

For each expensive metric: pure networkx (timed on a sample of sources and scaled up where a full run would
take tens of minutes), each library's own single call (igraph; rustworkx if installed), and citykg's path
(igraph in chunks). For the shortest-path metrics, "process pool or one call": one igraph call against
citykg's chunks in one process and over a process pool, repeated, on this network and any --pool-also
network; fastpaths' per-metric ``pool`` defaults follow that table. Then the full report (every metric,
summary, communities, charts) against the sum of the fastest library time of each of its parts.

    python scripts/bench_network.py                              # 26,000 nodes / 48,000 edges
    python scripts/bench_network.py --nodes 3000 --edges 5500    # a quick run
    python scripts/bench_network.py --from graph.graphml --out docs/bench-network.md
    citykg export --format graphml --network municipalities -o municipalities.graphml
    python scripts/bench_network.py --pool-also municipalities.graphml --out docs/bench-network.md
    python scripts/bench_network.py --store S --seed-store T --out docs/bench-network.md   # issue 10's ratios

With ``--store`` (a full build, ``citykg --store S build``) and ``--seed-store`` (``... build --seeds-only``)
it times the commands themselves on the knowledge graph instead, in one run, each ratio next to its goal
(issue 10): the municipalities projection against the same networkx graph built from
``Store.quads_for_pattern``; ``citykg centrality --metric betweenness`` against the projection plus the
fastest exact betweenness of igraph, rustworkx and networkit; ``citykg report`` against ``citykg centrality
--metric all``; ``citykg suggest --for Bandung`` against a projection; ``citykg viz --focus Bandung`` on the
full graph against the seed graph.
"""

from __future__ import annotations

import argparse
import datetime
import inspect
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_network_commands import commands_page  # noqa: E402
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
    """Each library's own single call, no chunks, no workers (igraph's shortest-path metrics are timed in
    pool_or_single, which repeats them)."""
    import igraph

    index = {node: i for i, node in enumerate(graph)}
    edges = [(index[a], index[b]) for a, b in graph.edges()]
    ig = igraph.Graph(n=len(index), edges=edges)
    times = {"igraph": {"constraint": timed(ig.constraint)[0]}}
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


PATH_METRICS = ("betweenness", "closeness", "harmonic")
VARIANTS = ("one igraph call", "chunks, this process", "chunks, process pool")


def cpu_seconds() -> float:
    """CPU time of this process and of its reaped children (the pool's workers, once it has shut down)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pool_or_single(graph: nx.Graph, repeat: int) -> dict[str, dict]:
    """Per shortest-path metric: one igraph call over all vertices against citykg's chunks, in this process
    and over a process pool (made and shut down inside the timing, as a report pays it), ``repeat`` times
    interleaved, so that a change of load on a shared machine hits every variant alike. Wall and CPU
    seconds, medians; CPU seconds show the pool's overhead whatever the load (on an idle machine its wall
    time is about its CPU time over the number of cores)."""
    import igraph

    index = {node: i for i, node in enumerate(graph)}
    ig = igraph.Graph(n=len(index), edges=[(index[a], index[b]) for a, b in graph.edges()])
    single = {"betweenness": lambda: ig.betweenness(directed=False), "closeness": ig.closeness,
              "harmonic": ig.harmonic_centrality}
    workers = os.cpu_count() or 1
    results = {}
    for name in PATH_METRICS:
        ours = getattr(fastpaths, name)
        calls = {VARIANTS[0]: single[name], VARIANTS[1]: lambda ours=ours: ours(graph, pool=False)}
        if fastpaths.uses_pool(graph, True, workers):  # (below fastpaths.PARALLEL_WORK a pool is never made)
            calls[VARIANTS[2]] = lambda ours=ours: ours(graph, pool=True, workers=workers)
        samples: dict[str, list[tuple[float, float]]] = {variant: [] for variant in calls}
        load = [os.getloadavg()[0]]
        for _ in range(repeat):
            for variant, call in calls.items():
                cpu = cpu_seconds()
                wall = timed(call)[0]
                samples[variant].append((wall, cpu_seconds() - cpu))
            load.append(os.getloadavg()[0])
        default = inspect.signature(ours).parameters["pool"].default
        results[name] = {
            "wall": {v: statistics.median(w for w, _ in s) for v, s in samples.items()},
            "cpu": {v: statistics.median(c for _, c in s) for v, s in samples.items()},
            "load": (min(load), max(load)),
            "uses": VARIANTS[2] if fastpaths.uses_pool(graph, default, workers) else VARIANTS[1],
        }
        print(f"{name}: {results[name]}", file=sys.stderr)
    return results


def pool_table(networks: list[tuple[str, nx.Graph, dict[str, dict]]], repeat: int, date: str) -> list[str]:
    """The "Process pool or one call" section: the measurement behind fastpaths' ``pool`` defaults."""
    workers = os.cpu_count() or 1
    lines = ["## Process pool or one call (seconds)", "",
             f"{date}, {workers} cores. Medians of {repeat} interleaved runs: wall seconds, CPU seconds (this "
             f"process and its workers) in brackets; the pool has {workers} worker processes and is started "
             "inside the timing (– : the network is below fastpaths.PARALLEL_WORK, where no pool is made). Load "
             "average: lowest–highest seen during that metric's runs.", "",
             "| network | metric | " + " | ".join(VARIANTS) + " | pool ÷ one call | load | citykg uses |",
             "|---|---|" + "---|" * len(VARIANTS) + "---|---|---|"]
    for label, graph, results in networks:
        size = f"{label} ({graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges)"
        for name, r in results.items():
            cells = " | ".join(f"{r['wall'][v]:.1f} ({r['cpu'][v]:.1f})" if v in r["wall"] else "–"
                               for v in VARIANTS)
            ratio = f"{r['wall'][VARIANTS[2]] / r['wall'][VARIANTS[0]]:.2f}" if VARIANTS[2] in r["wall"] else "–"
            low, high = r["load"]
            lines.append(f"| {size} | {name} | {cells} | {ratio} | {low:.1f}–{high:.1f} | {r['uses']} |")
    return [*lines, ""]


def full_benchmark(graph: nx.Graph, origin: str, args, pools: list) -> list[str]:
    """Every metric, the full report and its stages, with the pool-or-one-call table of ``pools``."""
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    paths = pools[-1][2]  # the benchmark network's own pool-or-one-call figures
    rows = []
    libraries = library_times(graph)
    libraries["igraph"].update({name: paths[name]["wall"][VARIANTS[0]] for name in PATH_METRICS})
    for name in PATH_METRICS:
        nx_seconds, how = networkx_estimate(graph, name, args.sample)
        ours = paths[name]["wall"][paths[name]["uses"]], paths[name]["uses"] == VARIANTS[2]
        rows.append((name, nx_seconds, how, {lib: t.get(name) for lib, t in libraries.items()}, ours))
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
               for name in PATH_METRICS}
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
        f"load average at the end {os.getloadavg()[0]:.1f} (the machine is shared: figures vary by ±30%). "
        f"Date: {args.date}.", "",
        f"Command: `python scripts/bench_network.py {' '.join(sys.argv[1:])}`".rstrip(), "",
        "## Shortest-path metrics (seconds)", "",
        "| metric | networkx | " + " | ".join(libraries) + " | citykg (igraph, chunked) |",
        "|---|---|" + "---|" * len(libraries) + "---|",
    ]
    for name, nx_seconds, how, libs, (our, pooled) in rows:
        cells = " | ".join("–" if libs.get(lib) is None else f"{libs[lib]:.1f}" for lib in libraries)
        where = f"{os.cpu_count()}-process pool" if pooled else "one process"
        lines.append(f"| {name} | {nx_seconds:,.0f} ({how}) | {cells} | {our:.1f} ({where}) |")
    lines += ["", "igraph: one call over all vertices, median of the pool-or-one-call runs below.", "",
              *pool_table(pools, args.repeat, args.date),
              "## Other metrics (seconds, networkx unless noted)", "",
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
    return lines


#: Below this line the page holds notes written by hand (what changed, earlier measurements), which a run of
#: ``--store`` keeps: it rewrites only the part above.
NOTES = "<!-- notes below: kept by scripts/bench_network.py --store -->"


def write_above_the_notes(out: Path, text: str) -> None:
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    notes = old[old.index(NOTES):] if NOTES in old else NOTES + "\n"
    out.write_text(text.rstrip("\n") + "\n\n" + notes, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=26_000)
    parser.add_argument("--edges", type=int, default=48_000)
    parser.add_argument("--from", dest="source", type=Path, help="a GraphML network instead of a generated one")
    parser.add_argument("--sample", type=int, default=300, help="sources for the networkx estimates")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant in the pool-or-one-call table")
    parser.add_argument("--pool-also", type=Path, action="append", default=[], metavar="NETWORK",
                        help="another network file (e.g. from citykg export --format graphml --network "
                             "municipalities) for the pool-or-one-call table only; repeatable")
    parser.add_argument("--pool-only", action="store_true", help="write only the pool-or-one-call table")
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="the date the figures carry")
    parser.add_argument("--out", type=Path, help="write the Markdown here (default: print it)")
    parser.add_argument("--store", type=Path, help="time the commands on this full store (see above)")
    parser.add_argument("--seed-store", type=Path, help="the seeds-only store, for viz --focus's yardstick")
    args = parser.parse_args()
    if args.store:
        text = "\n".join(commands_page(args.store, args.seed_store, args.repeat, args.date, sys.argv[1:]))
        if args.out:
            write_above_the_notes(args.out, text)
        print(text)
        return
    from citykg.network import read

    if args.source:
        graph, origin = read(args.source), str(args.source)
    else:
        graph = world_network(args.nodes, args.edges)
        origin = f"scripts/make_world_network.py --nodes {args.nodes} --edges {args.edges} (seed 2026)"
    graph.graph["name"] = "world"
    print(f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; timing…", file=sys.stderr)
    networks = [(path.stem, read(path)) for path in args.pool_also]
    networks.append((args.source.stem if args.source else "world", graph))
    pools = [(label, network, pool_or_single(network, args.repeat)) for label, network in networks]
    lines = pool_table(pools, args.repeat, args.date) if args.pool_only else full_benchmark(graph, origin, args,
                                                                                           pools)
    text = "\n".join(lines)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"Wrote {args.out}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
