"""Issue 10's ratios for the network commands, measured in one run on a built store (used by
``scripts/bench_network.py --store S --seed-store T``): each command against its yardstick, next to its goal.

Commands run as a user runs them (``citykg --store S …`` in a fresh process, wall time); the projection and
the libraries run in this process. Medians of ``repeat`` runs, the thing and its yardstick back to back.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import networkx as nx
from pyoxigraph import NamedNode

from citykg import KnowledgeGraph
from citykg.network import projections
from citykg.vocab import CKG

CITYKG = str(Path(sys.executable).with_name("citykg"))
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def floor(store) -> nx.Graph:
    """The municipalities network (nodes with label, kind, country and coordinates; an edge per pair with
    its partnership's type, status and start) straight from ``Store.quads_for_pattern``: the cost of reading
    the same facts out of Oxigraph into networkx with no SPARQL at all."""
    def c(name: str) -> NamedNode:
        return NamedNode(CKG + name)

    def objects(predicate: NamedNode) -> dict:
        return {q.subject.value: q.object for q in store.quads_for_pattern(None, predicate, None)}

    graph: nx.Graph[str] = nx.Graph()
    towns = {q.subject.value for q in store.quads_for_pattern(None, RDF_TYPE, c("Municipality"))}
    kinds = {q.subject.value: kind for kind in ("City", "Regency")
             for q in store.quads_for_pattern(None, RDF_TYPE, c(kind))}
    labels = {q.subject.value: q.object.value for q in store.quads_for_pattern(None, LABEL, None)
              if getattr(q.object, "language", None) == "en"}
    country = {k: v.value for k, v in objects(c("inCountry")).items()}
    lat, lon = objects(NamedNode(GEO + "lat")), objects(NamedNode(GEO + "long"))
    for town in sorted(towns):
        attributes = {"iri": town, "label": labels.get(town, town), "type": kinds.get(town, "Municipality"),
                      "country": labels.get(country.get(town, ""), "")}
        if town in lat and town in lon:
            attributes.update(lat=round(float(lat[town].value), 6), lon=round(float(lon[town].value), 6))
        graph.add_node(town, **attributes)
    partners = defaultdict(list)
    for q in store.quads_for_pattern(None, c("partner"), None):
        partners[q.subject.value].append(q.object.value)
    kind, status, since = objects(c("partnershipType")), objects(c("status")), objects(c("since"))
    for partnership, parties in partners.items():
        ends = sorted(p for p in set(parties) if p in towns)
        for i, a in enumerate(ends):
            for b in ends[i + 1:]:
                graph.add_edge(a, b, weight=1, partnership_type=_value(kind, partnership),
                               status=_value(status, partnership), since=_value(since, partnership))
    return graph


def _value(table: dict, key: str) -> str:
    return table[key].value if key in table else ""


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def command(store: Path, *arguments: str) -> float:
    """Wall seconds of ``citykg --store store …`` in a fresh process (a failure stops the benchmark)."""
    start = time.perf_counter()
    subprocess.run([CITYKG, "--store", str(store), *arguments], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(repeat: int, function, *args) -> float:
    return statistics.median(timed(function, *args)[0] for _ in range(repeat))


def betweenness_libraries(graph: nx.Graph, only: str | None = None) -> dict[str, float]:
    """Each installed library's own exact betweenness of ``graph`` (or only the library ``only``), one call,
    building its graph included."""
    n = graph.number_of_nodes()
    index = {node: i for i, node in enumerate(graph)}
    edges = [(index[a], index[b]) for a, b in graph.edges()]

    def with_igraph():
        import igraph

        return igraph.Graph(n=n, edges=edges).betweenness(directed=False)

    def with_rustworkx():
        import rustworkx

        rx = rustworkx.PyGraph()
        rx.add_nodes_from(range(n))
        rx.add_edges_from_no_data(edges)
        return rustworkx.betweenness_centrality(rx, normalized=True)

    def with_networkit():
        import networkit

        nk = networkit.Graph(n)
        for a, b in edges:
            nk.addEdge(a, b)
        run = networkit.centrality.Betweenness(nk, normalized=True)
        run.run()
        return run.scores()

    calls = {"igraph": with_igraph, "rustworkx": with_rustworkx, "networkit": with_networkit}
    times = {}
    for name, call in calls.items():
        if only in (None, name) and importlib.util.find_spec(name) is not None:
            times[name] = timed(call)[0]
    return times


def commands_page(store: Path, seed: Path | None, repeat: int, date: str, argv: list[str]) -> list[str]:
    loads = [os.getloadavg()[0]]
    kg = KnowledgeGraph(store=store)
    kg.catalogue()
    rows: list[tuple[str, float, str, float, str, str]] = []

    # 3. projection vs quads_for_pattern, interleaved
    ours, base = [], []
    for _ in range(repeat):
        t, graph = timed(projections.project, kg, "municipalities")
        ours.append(t)
        base.append(timed(floor, kg.store)[0])
    projection = statistics.median(ours)
    rows.append(("municipalities projection (in process)", projection, "the same graph from quads_for_pattern",
                 statistics.median(base), "≤ 1.5", "3"))
    loads.append(os.getloadavg()[0])

    # 4a. betweenness vs projection + the fastest library (chosen once, then timed interleaved with the command)
    libraries = betweenness_libraries(graph)
    fastest = min(libraries, key=libraries.__getitem__)
    commands, yardsticks = [], []
    for _ in range(repeat):
        commands.append(command(store, "centrality", "--metric", "betweenness", "--top", "10"))
        seconds, graph = timed(projections.project, kg, "municipalities")
        yardsticks.append(seconds + betweenness_libraries(graph, only=fastest)[fastest])
    rows.append(("citykg centrality --metric betweenness --top 10", statistics.median(commands),
                 f"projection + {fastest}'s betweenness (one call each, first run: "
                 f"{', '.join(f'{k} {v:.1f} s' for k, v in libraries.items())})",
                 statistics.median(yardsticks), "≤ 1.2", "4"))
    loads.append(os.getloadavg()[0])

    # 4b. report vs centrality --metric all
    with tempfile.TemporaryDirectory() as folder:
        every = command(store, "centrality", "--metric", "all")
        written = command(store, "report", "--out", folder)
    rows.append(("citykg report --out DIR", written, "citykg centrality --metric all", every, "≤ 1.5", "4"))
    loads.append(os.getloadavg()[0])

    # 4c/5. suggest vs a projection; viz --focus full vs seed
    suggest = median_of(repeat, command, store, "suggest", "--for", "Bandung")
    rows.append(("citykg suggest --for Bandung", suggest, "the municipalities projection", projection, "≤ 2", "4"))
    if seed is not None:
        with tempfile.TemporaryDirectory() as folder:
            page = str(Path(folder) / "focus.html")
            full = median_of(repeat, command, store, "viz", "--focus", "Bandung", "--out", page)
            small = median_of(repeat, command, seed, "viz", "--focus", "Bandung", "--out", page)
        rows.append(("citykg viz --focus Bandung, full graph", full, "the same on the seed graph", small, "≤ 3", "5"))
        with tempfile.TemporaryDirectory() as folder:
            page = str(Path(folder) / "focus.html")
            every = ("viz", "--network", "full", "--focus", "Bandung", "--out", page)
            full, small = median_of(repeat, command, store, *every), median_of(repeat, command, seed, *every)
        rows.append(("citykg viz --network full --focus Bandung, full graph", full, "the same on the seed graph",
                     small, "≤ 3", "5"))
    loads.append(os.getloadavg()[0])

    lines = ["# Network commands at world scale (issue 10)", "",
             f"Store: {store} (the full graph, `citykg --store S build`); seed store: {seed}. Date: {date}.", "",
             f"Machine: {os.cpu_count()} cores shared with other work, Python {platform.python_version()}, "
             f"networkx {nx.__version__}; 1-minute load average {min(loads):.1f}–{max(loads):.1f} during the run.",
             "", f"Command: `python scripts/bench_network.py {' '.join(argv)}`", "",
             f"Medians of {repeat} (report and centrality --metric all: one run each); commands in a fresh "
             "process, wall seconds.", "",
             "| goal | what | seconds | yardstick | seconds | ratio | goal |", "|---|---|---|---|---|---|---|"]
    for what, seconds, yardstick, base_seconds, goal, number in rows:
        lines.append(f"| {number} | {what} | {seconds:.2f} | {yardstick} | {base_seconds:.2f} | "
                     f"**{seconds / base_seconds:.2f}×** | {goal} |")
    return [*lines, ""]
