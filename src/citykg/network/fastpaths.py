"""The shortest-path metrics (betweenness, closeness, harmonic) and Burt's constraint with igraph's C core,
in chunks of vertices spread over worker processes, so that a world-scale network takes minutes, not hours,
and a progress bar can say how far it is.

Why chunks: betweenness is a sum over source vertices of their dependencies (Brandes 2001), so betweenness
restricted to a set of sources, summed over a partition of the vertices, is exact; closeness and harmonic
centrality of a vertex need only that vertex's own breadth-first search. Chunks are added up in a fixed order,
so results do not depend on which worker finished first.

Every function returns values in networkx's conventions (tests compare them with networkx's own functions
to 1e-9): unweighted shortest paths, normalised betweenness, Wasserman–Faust closeness, unnormalised harmonic.
"""

from __future__ import annotations

import hashlib
import math
import os
from array import array
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

import networkx as nx

#: Below this much work (nodes × edges) the chunks run in this process: workers cost more than they save.
PARALLEL_WORK = 200_000_000
#: The number of chunks a computation is cut into (enough for a smooth progress bar).
CHUNKS = 64

_GRAPH: Any = None  # the igraph.Graph of this (worker) process, and the token of the graph it was built from
_TOKEN: tuple | None = None
_POOL: tuple[int, ProcessPoolExecutor] | None = None


def available() -> bool:
    """Whether igraph is installed (it is a dependency; a trimmed install falls back to networkx)."""
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def betweenness(graph: nx.Graph, progress=None, workers: int | None = None) -> dict[Any, float]:
    """Normalised betweenness, as ``nx.betweenness_centrality(graph)``."""
    nodes = list(graph)
    n = len(nodes)
    raw = _run(graph, "betweenness", progress, workers)
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 1.0  # networkx's normalisation for undirected graphs
    # igraph counts each unordered pair once; networkx halves its ordered-pair sum: the same number.
    return {node: raw[i] * scale for i, node in enumerate(nodes)}


def closeness(graph: nx.Graph, progress=None, workers: int | None = None) -> dict[Any, float]:
    """Wasserman–Faust closeness (distances within a vertex's own component), as
    ``nx.closeness_centrality(graph)``: (r − 1)/(n − 1) · (r − 1)/Σd, with r the vertices it reaches."""
    nodes = list(graph)
    n = len(nodes)
    inverse_mean = _run(graph, "closeness", progress, workers)
    reach = _component_sizes(graph)
    values = {}
    for i, node in enumerate(nodes):
        r = reach[node]
        value = inverse_mean[i]
        values[node] = 0.0 if r <= 1 or n <= 1 or math.isnan(value) else value * (r - 1) / (n - 1)
    return values


def harmonic(graph: nx.Graph, progress=None, workers: int | None = None) -> dict[Any, float]:
    """Harmonic centrality Σ 1/d(v, u), as ``nx.harmonic_centrality(graph)``."""
    values = _run(graph, "harmonic", progress, workers)
    return {node: values[i] for i, node in enumerate(graph)}


def constraint(graph: nx.Graph) -> dict[Any, float]:
    """Burt's constraint on binary ties, as ``nx.constraint(graph)`` (NaN for an isolated vertex)."""
    ig_graph = _to_igraph(graph)
    return dict(zip(graph, ig_graph.constraint(), strict=True))


def _run(graph: nx.Graph, kind: str, progress, workers: int | None) -> list[float]:
    n = graph.number_of_nodes()
    if n == 0:
        return []
    size = max(1, math.ceil(n / CHUNKS))
    chunks = [list(range(start, min(n, start + size))) for start in range(0, n, size)]
    if progress is not None:
        progress.stage(f"{kind} ({n:,} nodes)", len(chunks))
    edges = _edges(graph)
    workers = workers or os.cpu_count() or 1
    packed = array("i", [i for edge in edges for i in edge]).tobytes()  # 8 bytes an edge
    token = (n, hashlib.blake2b(packed, digest_size=16).hexdigest())  # which graph a worker holds
    parts = []
    if n * len(edges) < PARALLEL_WORK or workers == 1:
        _load(token, n, edges)
        for chunk in chunks:
            parts.append(_chunk(token, n, None, kind, chunk))
            if progress is not None:
                progress.advance()
        return _combine(kind, n, chunks, parts)
    pool = _pool(workers)
    futures = [pool.submit(_chunk, token, n, packed, kind, chunk) for chunk in chunks]
    for future in futures:  # in submission order: a fixed order of addition, reproducible sums
        parts.append(future.result())
        if progress is not None:
            progress.advance()
    return _combine(kind, n, chunks, parts)


def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool of worker processes for the life of this process: starting workers (spawn, so that no lock
    held by another thread is copied) costs seconds, which a report's three metrics should pay once."""
    global _POOL
    if _POOL is None or _POOL[0] != workers:
        if _POOL is not None:
            _POOL[1].shutdown()
        _POOL = (workers, ProcessPoolExecutor(workers, mp_context=get_context("spawn")))
    return _POOL[1]


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


def _load(token: tuple, n: int, edges: list[tuple[int, int]] | bytes) -> None:
    """Build the igraph graph of this process unless the one it has is the same (same token)."""
    global _GRAPH, _TOKEN
    if _TOKEN == token and _GRAPH is not None:
        return
    import igraph

    if isinstance(edges, bytes):
        flat = array("i")
        flat.frombytes(edges)
        edges = list(zip(flat[0::2], flat[1::2], strict=True))
    _GRAPH = igraph.Graph(n=n, edges=edges, directed=False)
    _TOKEN = token


def _chunk(token: tuple, n: int, packed: bytes | None, kind: str, vertices: list[int]) -> list[float]:
    if packed is not None:
        _load(token, n, packed)
    if kind == "betweenness":
        return _GRAPH.betweenness(directed=False, sources=vertices)
    if kind == "closeness":
        return _GRAPH.closeness(vertices=vertices, normalized=True)
    return _GRAPH.harmonic_centrality(vertices=vertices, normalized=False)


def _edges(graph: nx.Graph) -> list[tuple[int, int]]:
    index = {node: i for i, node in enumerate(graph)}
    return [(index[a], index[b]) for a, b in graph.edges()]


def _to_igraph(graph: nx.Graph):
    import igraph

    return igraph.Graph(n=graph.number_of_nodes(), edges=_edges(graph), directed=False)


def _component_sizes(graph: nx.Graph) -> dict[Any, int]:
    sizes = {}
    for component in nx.connected_components(graph):
        for node in component:
            sizes[node] = len(component)
    return sizes
