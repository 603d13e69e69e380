"""Network analytics for city diplomacy: centrality, brokers, communities and the network summary.

Everything returns plain data (dataclasses of strings and numbers) that the CLI and the report only render.
Every metric is networkx's own function, or (for big graphs) igraph's C implementation of the same
definition, checked against networkx to 1e-9 in the tests; see citykg.network.fastpaths, whose defaults
decide per metric whether worker processes help (only where docs/bench-network.md measured a gain).

Conventions, chosen once so that small and big graphs get the same numbers:
- shortest paths count hops: betweenness, closeness, harmonic and the distances of the summary ignore weights
  (a strong tie is not a "shorter" one);
- weighted degree, eigenvector, PageRank and Louvain use the ``weight`` of each edge (tie strength);
- Burt's constraint and effective size are computed on binary ties (who is tied to whom).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from . import fastpaths

#: metric → (title, what it says about a city in the diplomacy network). The report's methods note uses it.
METRICS: dict[str, tuple[str, str]] = {
    "degree": ("Degree", "How many partners it has: the plainest measure of how active a city is."),
    "weighted_degree": ("Weighted degree", "The sum of its tie strengths (for municipalities: partnerships + "
                        "agreements signed + events held): activity, counting depth as well as breadth."),
    "betweenness": ("Betweenness", "The share of shortest partner-to-partner chains that pass through it: "
                    "a city that links otherwise distant cities or countries, a go-between."),
    "closeness": ("Closeness", "How few steps it needs to reach every city it can reach (Wasserman–Faust, "
                  "scaled by the share of the network it reaches): how quickly news and practice reach it."),
    "harmonic": ("Harmonic closeness", "The sum of 1/steps to every other city: like closeness, but well "
                 "defined on a network in several pieces, as city diplomacy networks are."),
    "eigenvector": ("Eigenvector", "Being tied to well-tied cities: prestige by association. Computed within "
                    "each connected component (unit norm there, scaled by the square root of the "
                    "component's share of nodes), so it is defined on a disconnected network."),
    "pagerank": ("PageRank", "Eigenvector-like prestige that also credits partners of partners with few "
                 "ties; robust on sparse networks (damping 0.85)."),
    "core": ("k-core", "The largest k such that it lies in a group where everyone has at least k partners "
             "inside the group: membership of the dense core of the network."),
    "constraint": ("Constraint (Burt)", "How much its partners are tied to each other; low constraint marks a "
                   "broker spanning structural holes, e.g. between countries' city networks."),
    "effective_size": ("Effective size (Burt)", "Its number of partners minus their redundancy (ties among "
                       "them): how many non-overlapping circles of partners it reaches."),
}
#: Metrics where a lower value is the more interesting one (sorting puts them first).
ASCENDING = {"constraint"}
#: From this many nodes the shortest-path metrics and the constraint run on igraph (see fastpaths).
FAST_FROM = 1000
DEFAULT_SEED = 42


@dataclass(frozen=True)
class Row:
    """One node of a centrality table."""

    node: str
    label: str
    type: str
    country: str
    scores: dict[str, float]


@dataclass(frozen=True)
class CentralityTable:
    network: str
    metrics: tuple[str, ...]
    sort: str
    rows: list[Row]

    def top(self, n: int | None) -> list[Row]:
        return self.rows if n is None else self.rows[:n]


def centrality(graph: nx.Graph, metrics: tuple[str, ...] | str = "all", sort: str | None = None,
               backend: str = "auto", progress=None) -> CentralityTable:
    """Compute ``metrics`` for every node; rows sorted on ``sort`` (default: the first metric), best first,
    ties by label so that the order is reproducible.

    ``backend``: ``networkx``, ``igraph`` or ``auto`` (igraph from FAST_FROM nodes, if installed).
    """
    names = tuple(METRICS) if metrics == "all" else ((metrics,) if isinstance(metrics, str) else metrics)
    for name in (*names, *([sort] if sort else [])):
        if name not in METRICS:
            raise _unknown_metric(name)
    sort = sort or names[0]
    fast = _use_fast(graph, backend)
    values = {name: metric(graph, name, fast, progress) for name in dict.fromkeys((*names, sort))}
    rows = [Row(node, str(data.get("label", node)), str(data.get("type", "")), str(data.get("country", "")),
                {name: values[name][node] for name in names})
            for node, data in graph.nodes(data=True)]
    strength = dict(graph.degree(weight="weight"))  # ties on the sort metric: the stronger node first
    rows.sort(key=lambda row: _sort_key(values[sort][row.node], sort, row.label, strength[row.node]))
    return CentralityTable(str(graph.graph.get("name", "")), names, sort, rows)


def metric(graph: nx.Graph, name: str, fast: bool = False, progress=None) -> dict[Any, float]:
    """One metric for every node, as a dict node → value."""
    if not (fast and name in ("betweenness", "closeness", "harmonic")):
        _stage(progress, name)  # (the igraph path draws its own bar, chunk by chunk)
    if name == "degree":
        return {node: float(degree) for node, degree in graph.degree()}
    if name == "weighted_degree":
        return {node: float(degree) for node, degree in graph.degree(weight="weight")}
    if name in ("betweenness", "closeness", "harmonic"):
        if fast:  # each fastpaths function's own default says whether it uses a process pool (measured)
            return getattr(fastpaths, name)(graph, progress)
        values: Mapping[Any, float] = (nx.betweenness_centrality(graph) if name == "betweenness"
                                    else nx.closeness_centrality(graph) if name == "closeness"
                                    else nx.harmonic_centrality(graph))
        return {node: float(value) for node, value in values.items()}
    if name == "eigenvector":
        return eigenvector(graph)
    if name == "pagerank":
        return nx.pagerank(graph, weight="weight") if graph.number_of_nodes() else {}
    if name == "core":
        return {node: float(k) for node, k in nx.core_number(graph).items()}
    if name == "constraint":
        return fastpaths.constraint(graph) if fast else nx.constraint(graph)
    if name == "effective_size":
        return effective_size(graph)
    raise _unknown_metric(name)


def eigenvector(graph: nx.Graph, weight: str | None = "weight") -> dict[Any, float]:
    """Eigenvector centrality per connected component: the leading eigenvector of the component (unit norm,
    as ``nx.eigenvector_centrality_numpy`` gives it) times √(component share of nodes). On a connected graph
    this is networkx's value; on a disconnected one (where networkx raises AmbiguousSolution) every
    component still gets its own ranking, and a component's squared values sum to its share of the nodes.
    An isolated node scores 0."""
    n = graph.number_of_nodes()
    order = {node: i for i, node in enumerate(graph)}
    values: dict[Any, float] = {}
    for component in nx.connected_components(graph):
        scale = math.sqrt(len(component) / n)
        if len(component) == 1:
            values.update(dict.fromkeys(component, 0.0))
            continue
        nodes = sorted(component, key=order.__getitem__)  # graph order, not set (hash) order: reruns agree
        vector = _leading_eigenvector(graph, nodes, weight)
        values.update({node: value * scale for node, value in vector.items()})
    return values


def _leading_eigenvector(graph: nx.Graph, nodes: list, weight: str | None) -> dict[Any, float]:
    """The Perron vector of a connected component's adjacency matrix. Unlike networkx (ARPACK from a random
    start, which moves the last digits from run to run) this starts Lanczos from the all-ones vector, so a
    rerun prints the same numbers; small components are solved densely."""
    import numpy as np
    import scipy.sparse.linalg

    matrix = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, dtype=np.dtype(np.float64))
    if len(nodes) < 64:
        vector = np.linalg.eigh(matrix.toarray())[1][:, -1]
    else:
        vector = scipy.sparse.linalg.eigsh(matrix, k=1, which="LA", v0=np.ones(len(nodes)), tol=0)[1][:, 0]
    vector = vector * np.sign(vector.sum()) / np.linalg.norm(vector)
    return dict(zip(nodes, (float(v) for v in vector), strict=True))


def effective_size(graph: nx.Graph) -> dict[Any, float]:
    """Burt's effective size on binary ties, n − 2t/n (n partners, t ties among them; Borgatti 1997), which
    is what ``nx.effective_size(graph)`` computes, from triangle counts in linear time. NaN if isolated."""
    triangles: dict[Any, int] = nx.triangles(graph)  # type: ignore[assignment]  # a dict when no node is given
    return {node: (degree - 2 * triangles[node] / degree) if degree else math.nan
            for node, degree in graph.degree()}


def brokers(graph: nx.Graph, top: int = 10, backend: str = "auto") -> list[Row]:
    """The nodes that span structural holes: lowest constraint first, among nodes with at least two ties
    (a single tie cannot broker anything)."""
    return broker_rows(centrality(graph, ("constraint", "effective_size", "degree"), backend=backend), top)


def broker_rows(table: CentralityTable, top: int = 10) -> list[Row]:
    """The brokers of a table that has constraint and degree (see brokers)."""
    rows = [row for row in table.rows if row.scores["degree"] >= 2]
    rows.sort(key=lambda row: _sort_key(row.scores["constraint"], "constraint", row.label))
    return rows[:top]


# ---------------------------------------------------------------- communities


@dataclass(frozen=True)
class Community:
    index: int
    size: int
    members: list[str]
    labels: list[str]
    hub: str  # the member with the highest weighted degree: the community's natural convenor


@dataclass(frozen=True)
class Communities:
    seed: int
    resolution: float
    modularity: float
    communities: list[Community] = field(default_factory=list)


def communities(graph: nx.Graph, seed: int = DEFAULT_SEED, resolution: float = 1.0) -> Communities:
    """Louvain communities (weighted, fixed seed: the same graph always gives the same partition), with the
    partition's modularity; largest first, ties by their first label."""
    if graph.number_of_edges() == 0:
        parts = [{node} for node in graph]
        modularity = 0.0
    else:
        parts = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
        modularity = nx.community.modularity(graph, parts, weight="weight", resolution=resolution)
    label = {node: str(data.get("label", node)) for node, data in graph.nodes(data=True)}
    strength = dict(graph.degree(weight="weight"))
    ordered = sorted(parts, key=lambda part: (-len(part), min(label[n] for n in part)))
    result = []
    for index, part in enumerate(ordered, start=1):
        members = sorted(part, key=lambda n: (-strength[n], label[n]))
        result.append(Community(index, len(part), members, [label[n] for n in members], label[members[0]]))
    return Communities(seed, resolution, float(modularity), result)


# ---------------------------------------------------------------- summary


@dataclass(frozen=True)
class Summary:
    """The figures network scientists compare first. Distances are those of the largest component, exact."""

    network: str
    nodes: int
    edges: int
    density: float
    mean_degree: float
    components: int
    largest_component: int
    largest_share: float
    diameter: int | None
    mean_distance: float | None
    average_clustering: float
    transitivity: float
    assortativity: float | None
    degree_distribution: dict[int, int]
    max_degree: int
    degree_p90: int
    degree_p99: int
    tail_exponent: float | None  # discrete power-law MLE (Clauset et al. 2009, eq. 3.7) above tail_from
    tail_from: int | None


def summary(graph: nx.Graph, closeness: dict[Any, float] | None = None, backend: str = "auto",
            progress=None) -> Summary:
    """Summarise ``graph``. The mean distance comes from ``closeness`` (if the caller has it) or from a
    closeness run, so a full report runs the all-pairs searches once."""
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    degrees = sorted((d for _, d in graph.degree()), reverse=True)
    parts = sorted(nx.connected_components(graph), key=len, reverse=True) if n else []
    # a copy, not a subgraph view: every neighbour lookup of a view goes through a filter (nx.diameter on
    # the full graph's largest component: 19–21 s on the view, 2.9 s on the copy; issue 10)
    giant = graph.subgraph(parts[0]).copy() if parts else nx.Graph()
    diameter = mean_distance = None
    if giant.number_of_nodes() > 1:
        _stage(progress, "diameter")
        diameter = nx.diameter(giant, usebounds=True)  # exact; bounding BFS (Takes & Kosters 2011)
        if closeness is None:
            closeness = metric(graph, "closeness", _use_fast(graph, backend), progress)
        mean_distance = mean_distance_from_closeness(graph, giant, closeness)
    exponent, xmin = tail_exponent(degrees)
    return Summary(
        network=str(graph.graph.get("name", "")), nodes=n, edges=m, density=nx.density(graph) if n > 1 else 0.0,
        mean_degree=2 * m / n if n else 0.0, components=len(parts), largest_component=giant.number_of_nodes(),
        largest_share=giant.number_of_nodes() / n if n else 0.0, diameter=diameter,
        mean_distance=mean_distance, average_clustering=nx.average_clustering(graph) if n else 0.0,
        transitivity=float(nx.transitivity(graph)), assortativity=assortativity(graph),
        degree_distribution=dict(sorted(Counter(degrees).items())), max_degree=degrees[0] if degrees else 0,
        degree_p90=_percentile(degrees, 0.90), degree_p99=_percentile(degrees, 0.99),
        tail_exponent=exponent, tail_from=xmin)


def mean_distance_from_closeness(graph: nx.Graph, giant: nx.Graph, closeness: dict[Any, float]) -> float:
    """Mean shortest-path length of the component ``giant`` from networkx-style closeness: with r nodes in
    the component and n in the graph, c(v) = (r−1)²/((n−1)·Σd(v)), so Σd(v)/(r−1) = (r−1)/((n−1)·c(v))."""
    n, r = graph.number_of_nodes(), giant.number_of_nodes()
    return math.fsum((r - 1) / ((n - 1) * closeness[v]) for v in giant) / r  # fsum: order-free, exact


def assortativity(graph: nx.Graph) -> float | None:
    """Degree assortativity (Newman 2002); None where undefined (no edges, or every degree alike)."""
    if graph.number_of_edges() == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = nx.degree_assortativity_coefficient(graph)
    return None if math.isnan(value) else float(value)


def tail_exponent(degrees: list[int], share: float = 0.10) -> tuple[float | None, int | None]:
    """α of a power-law tail P(k) ∝ k^−α fitted to the top ``share`` of degrees (at least 2), by the discrete
    maximum-likelihood approximation α = 1 + N / Σ ln(k / (k_min − ½)). None with fewer than 10 tail nodes."""
    if not degrees:
        return None, None
    xmin = max(2, _percentile(sorted(degrees, reverse=True), 1 - share))
    tail = [k for k in degrees if k >= xmin]
    if len(tail) < 10:
        return None, None
    return 1 + len(tail) / sum(math.log(k / (xmin - 0.5)) for k in tail), xmin


def _percentile(descending: list[int], q: float) -> int:
    if not descending:
        return 0
    ascending = descending[::-1]
    return ascending[min(len(ascending) - 1, int(q * len(ascending)))]


def _use_fast(graph: nx.Graph, backend: str) -> bool:
    if backend not in ("auto", "networkx", "igraph"):
        from ..errors import UsageError

        raise UsageError(f"Unknown backend {backend!r}; choose auto, networkx or igraph.")
    if backend == "auto":
        return graph.number_of_nodes() >= FAST_FROM and fastpaths.available()
    return backend == "igraph"


def _sort_key(value: float, name: str, label: str, strength: float = 0.0) -> tuple:
    if value is None or math.isnan(value):
        return (1, 0.0, -strength, label)
    return (0, value if name in ASCENDING else -value, -strength, label)


def _stage(progress, name: str) -> None:
    if progress is not None:
        progress.stage(name)


def _unknown_metric(name: str):
    from ..errors import UsageError

    return UsageError(f"Unknown metric {name!r}; choose one of {', '.join(METRICS)} or all.")
