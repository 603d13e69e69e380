"""The shortest-path metrics (betweenness, closeness, harmonic) and Burt's constraint with igraph's C core,
so that a world-scale network takes minutes, not hours; cut into chunks of vertices so that a progress bar
can say how far it is, and, for the metrics where a measurement shows a gain, spread over worker processes.

Why chunks are exact: betweenness is a sum over source vertices of their dependencies (Brandes 2001), so
betweenness restricted to a set of sources, summed over a partition of the vertices, is the betweenness;
closeness and harmonic centrality of a vertex need only that vertex's own breadth-first search. Chunks are
added up in a fixed order, so results do not depend on which worker finished first.

Which metrics use the process pool is each function's ``pool`` default, chosen from docs/bench-network.md
("Process pool or one call"); the figures are quoted where the defaults are set. Nothing is kept between
calls: a pool lives for one call, and a worker gets the graph in the arguments of each task.

Every function returns values in networkx's conventions (tests compare them with networkx's own functions
to 1e-9): unweighted shortest paths, normalised betweenness, Wasserman–Faust closeness, unnormalised harmonic.
"""

from __future__ import annotations

import math
import os
from array import array
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

import networkx as nx

#: Below this much work (nodes × edges) the pool is not used even where it is the default: starting worker
#: processes (spawn, import igraph) costs about a second, more than the work it would share.
PARALLEL_WORK = 200_000_000
#: The pool is used only with at least this many cores free (cores − 1-minute load average). On a busy
#: machine it costs more than it shares: 2026-12-01, municipalities network, betweenness, load 5.4–5.8:
#: one igraph call 14.7 s, the 2-process pool 16.3 s (rustworkx 45 s and networkit 109 s, both threaded,
#: did worse still); at load ≤ 1.3 the pool took 0.56–0.66 of one call's time (table below).
FREE_CORE = 0.7
#: The number of chunks a computation is cut into (enough for a smooth progress bar).
CHUNKS = 64

# Each metric's ``pool`` default, from the measurement in docs/bench-network.md ("Process pool or one call",
# 2026-12-01, 2 cores, load ≈ 1.3, medians of 3): chunks over a 2-process pool against one igraph call, wall s.
#                 municipalities (17,011 nodes)   world (26,000 nodes)
#   betweenness   5.1 vs 8.4                      13.5 vs 24.0          → pool
#   closeness     3.5 vs 5.3                      8.1 vs 14.4           → pool
#   harmonic      3.4 vs 5.1                      7.8 vs 13.6           → pool
# The three cost alike (a breadth-first search per vertex), and so does the pool: 1.5–2.7 CPU seconds to start
# workers, rebuild the graph per chunk and pickle. The older figure of 85 s vs 27 s for closeness did not
# reproduce (the code of that run gave 7.4 s vs 14.4 s the same day). The gain needs a free core: with the
# machine busy with other work (load 3–6, municipalities) the pool was 0.87, 0.88 and 1.33 times one call.


def available() -> bool:
    """Whether igraph is installed (it is a dependency; a trimmed install falls back to networkx)."""
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def betweenness(graph: nx.Graph, progress=None, workers: int | None = None,
                pool: bool = True) -> dict[Any, float]:
    """Normalised betweenness, as ``nx.betweenness_centrality(graph)``. ``pool``: spread the chunks over
    ``workers`` processes (default: one a core) if the graph is big enough (see PARALLEL_WORK)."""
    nodes = list(graph)
    n = len(nodes)
    raw = _run(graph, "betweenness", progress, workers, pool)
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 1.0  # networkx's normalisation for undirected graphs
    # igraph counts each unordered pair once; networkx halves its ordered-pair sum: the same number.
    return {node: raw[i] * scale for i, node in enumerate(nodes)}


def closeness(graph: nx.Graph, progress=None, workers: int | None = None,
              pool: bool = True) -> dict[Any, float]:
    """Wasserman–Faust closeness (distances within a vertex's own component), as
    ``nx.closeness_centrality(graph)``: (r − 1)/(n − 1) · (r − 1)/Σd, with r the vertices it reaches."""
    nodes = list(graph)
    n = len(nodes)
    inverse_mean = _run(graph, "closeness", progress, workers, pool)
    reach = _component_sizes(graph)
    values = {}
    for i, node in enumerate(nodes):
        r = reach[node]
        value = inverse_mean[i]
        values[node] = 0.0 if r <= 1 or n <= 1 or math.isnan(value) else value * (r - 1) / (n - 1)
    return values


def harmonic(graph: nx.Graph, progress=None, workers: int | None = None,
             pool: bool = True) -> dict[Any, float]:
    """Harmonic centrality Σ 1/d(v, u), as ``nx.harmonic_centrality(graph)``."""
    values = _run(graph, "harmonic", progress, workers, pool)
    return {node: values[i] for i, node in enumerate(graph)}


def constraint(graph: nx.Graph) -> dict[Any, float]:
    """Burt's constraint on binary ties, as ``nx.constraint(graph)`` (NaN for an isolated vertex)."""
    return dict(zip(graph, _igraph(graph.number_of_nodes(), _edges(graph)).constraint(), strict=True))


def uses_pool(graph: nx.Graph, pool: bool, workers: int | None = None) -> bool:
    """Whether a call with these arguments runs in worker processes (the benchmark reports it): only if a
    core is free, by the 1-minute load average (see FREE_CORE)."""
    workers = workers or os.cpu_count() or 1
    big = graph.number_of_nodes() * graph.number_of_edges() >= PARALLEL_WORK
    return pool and workers > 1 and big and free_cores(workers) >= FREE_CORE


def free_cores(workers: int) -> float:
    """Cores not taken by other work, by the 1-minute load average (0 where the platform has none)."""
    try:
        return workers - os.getloadavg()[0]
    except OSError:
        return 0.0


def _run(graph: nx.Graph, kind: str, progress, workers: int | None, pool: bool) -> list[float]:
    n = graph.number_of_nodes()
    if n == 0:
        return []
    size = max(1, math.ceil(n / CHUNKS))
    chunks = [list(range(start, min(n, start + size))) for start in range(0, n, size)]
    if progress is not None:
        progress.stage(f"{kind} ({n:,} nodes)", len(chunks))
    edges = _edges(graph)
    if uses_pool(graph, pool, workers):
        parts = _in_pool(n, edges, kind, chunks, workers or os.cpu_count() or 1, progress)
    else:  # chunks in this process: the same C calls as one call over all vertices, with a progress bar
        ig_graph = _igraph(n, edges)
        parts = []
        for chunk in chunks:
            parts.append(_compute(ig_graph, kind, chunk))
            if progress is not None:
                progress.advance()
    return _combine(kind, n, chunks, parts)


def _in_pool(n: int, edges: list[tuple[int, int]], kind: str, chunks: list[list[int]], workers: int,
             progress) -> list[list[float]]:
    """The chunks over a pool of ``workers`` processes made for this call. Spawn, not fork, so that no lock
    held by another thread (the server's, a progress bar's) is copied into a worker."""
    packed = array("i", [i for edge in edges for i in edge]).tobytes()  # 8 bytes an edge, cheap to pickle
    executor = ProcessPoolExecutor(min(workers, len(chunks)), mp_context=get_context("spawn"))
    try:
        futures = [executor.submit(_chunk_task, n, packed, kind, chunk) for chunk in chunks]
        parts = []
        for future in futures:  # in submission order: a fixed order of addition, reproducible sums
            parts.append(future.result())
            if progress is not None:
                progress.advance()
        return parts
    finally:  # on Ctrl-C or a failed chunk, drop the chunks not started instead of running them all
        executor.shutdown(wait=True, cancel_futures=True)


def _chunk_task(n: int, packed: bytes, kind: str, vertices: list[int]) -> list[float]:
    """One chunk in a worker process. The worker rebuilds the graph from the task's packed edges rather than
    keeping one between tasks: about 5–10 ms for 50,000 edges, against seconds of searches per chunk."""
    flat = array("i")
    flat.frombytes(packed)
    return _compute(_igraph(n, list(zip(flat[0::2], flat[1::2], strict=True))), kind, vertices)


def _compute(ig_graph, kind: str, vertices: list[int]) -> list[float]:
    if kind == "betweenness":  # every vertex's share of the shortest paths from these sources
        return ig_graph.betweenness(directed=False, sources=vertices)
    if kind == "closeness":
        return ig_graph.closeness(vertices=vertices, normalized=True)
    return ig_graph.harmonic_centrality(vertices=vertices, normalized=False)


def _combine(kind: str, n: int, chunks: list[list[int]], parts: list[list[float]]) -> list[float]:
    if kind == "betweenness":  # every chunk gives every vertex's share of paths from the chunk's sources
        total = [0.0] * n
        for part in parts:
            for i, value in enumerate(part):
                total[i] += value
        return total
    values = [0.0] * n
    for chunk, part in zip(chunks, parts, strict=True):
        for i, value in zip(chunk, part, strict=True):
            values[i] = value
    return values


def _edges(graph: nx.Graph) -> list[tuple[int, int]]:
    index = {node: i for i, node in enumerate(graph)}
    return [(index[a], index[b]) for a, b in graph.edges()]


def _igraph(n: int, edges: list[tuple[int, int]]):
    import igraph

    return igraph.Graph(n=n, edges=edges, directed=False)


def _component_sizes(graph: nx.Graph) -> dict[Any, int]:
    sizes = {}
    for component in nx.connected_components(graph):
        for node in component:
            sizes[node] = len(component)
    return sizes
