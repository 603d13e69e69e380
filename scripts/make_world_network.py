#!/usr/bin/env python
"""Generate a world-scale stand-in for the sister-city network, until the real data lands in graph/imported/.

Why not a plain Barabási–Albert or powerlaw-cluster graph: those are disassortative (hubs link to small
nodes), while the published world sister-city network is assortative (r ≈ +0.35–0.39), sparse (mean degree
≈ 3–4), weakly clustered (C ≈ 0.05–0.11) and has long paths (mean distance ≈ 7.5). Betweenness and
closeness cost depends on exactly that shape, so the benchmark graph should have it.

The model, seeded and so reproducible:
1. a heavy-tailed degree sequence (discrete lognormal, minimum 1) scaled to the wanted edge count;
2. a configuration model whose stubs are paired mostly with stubs of similar degree (sorted on a noisy
   log-degree key): that gives the positive assortativity;
3. triadic closure on a share of the edges (one end moved to a neighbour's neighbour): the clustering;
4. cities grouped into ~190 countries of Zipf-distributed sizes, with coordinates near their country.

Usage::

    python scripts/make_world_network.py --out world.graphml            # 26,000 nodes, 48,000 edges
    python scripts/make_world_network.py --nodes 2000 --edges 3700 --out small.graphml
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

import networkx as nx


def degree_sequence(nodes: int, edges: int, rng: random.Random) -> list[int]:
    """A lognormal degree sequence with minimum 1 whose sum is exactly 2 × edges."""
    raw = [rng.lognormvariate(0.0, 1.05) for _ in range(nodes)]
    scale = (2 * edges - nodes) / sum(raw)
    degrees = [1 + int(x * scale) for x in raw]
    missing = 2 * edges - sum(degrees)
    order = sorted(range(nodes), key=lambda i: -raw[i])
    i = 0
    while missing != 0:  # hand out (or take back) the rounding remainder, largest first
        node = order[i % nodes]
        if missing > 0:
            degrees[node] += 1
            missing -= 1
        elif degrees[node] > 1:
            degrees[node] -= 1
            missing += 1
        i += 1
    return degrees


def assortative_pairs(degrees: list[int], rng: random.Random, noise: float) -> list[tuple[int, int]]:
    """Pair stubs of similar degree: sort stubs on log(degree) plus Gaussian noise, pair neighbours."""
    stubs = [node for node, degree in enumerate(degrees) for _ in range(degree)]
    keyed = sorted(stubs, key=lambda node: math.log(degrees[node]) + rng.gauss(0.0, noise))
    return [(keyed[i], keyed[i + 1]) for i in range(0, len(keyed) - 1, 2)]


def world_network(nodes: int = 26_000, edges: int = 48_000, seed: int = 2026, noise: float = 0.9,
                  closure: float = 0.07, countries: int = 190) -> nx.Graph:
    rng = random.Random(seed)
    degrees = degree_sequence(nodes, edges, rng)
    graph = nx.Graph()
    graph.add_nodes_from(range(nodes))
    graph.add_edges_from((a, b) for a, b in assortative_pairs(degrees, rng, noise) if a != b)
    _triadic_closure(graph, closure, rng)
    _top_up(graph, edges, rng)
    _annotate(graph, countries, rng)
    return nx.relabel_nodes(graph, {n: f"city:{n}" for n in graph})


def _triadic_closure(graph: nx.Graph, share: float, rng: random.Random) -> None:
    """Close open triads (v–u–x gets v–x) for a share of the edges, each time removing a random edge that
    closes no triangle, so that m stays and the degrees barely move."""
    nodes = [n for n in sorted(graph) if graph.degree(n) >= 2]
    edges = sorted(graph.edges())
    for _ in range(int(share * graph.number_of_edges())):
        u = rng.choice(nodes)
        if graph.degree(u) < 2:
            continue
        v, x = rng.sample(sorted(graph[u]), 2)
        if graph.has_edge(v, x):
            continue
        for _attempt in range(20):
            a, b = edges[rng.randrange(len(edges))]
            if (graph.has_edge(a, b) and graph.degree(a) > 1 and graph.degree(b) > 1
                    and not set(graph[a]) & set(graph[b])):
                graph.remove_edge(a, b)
                graph.add_edge(v, x)
                edges.append((v, x))
                break


def _top_up(graph: nx.Graph, edges: int, rng: random.Random) -> None:
    """Self-loops and duplicates were dropped: add (or remove) edges until m is exact."""
    nodes = sorted(graph)
    while graph.number_of_edges() < edges:
        u = rng.choice(nodes)
        candidates = sorted({w for v in graph[u] for w in graph[v]} - set(graph[u]) - {u})
        w = rng.choice(candidates) if candidates else rng.choice(nodes)
        if w != u:
            graph.add_edge(u, w)
    surplus = sorted(graph.edges())
    rng.shuffle(surplus)
    for u, v in surplus[: graph.number_of_edges() - edges]:
        if graph.degree(u) > 1 and graph.degree(v) > 1:
            graph.remove_edge(u, v)


def _annotate(graph: nx.Graph, countries: int, rng: random.Random) -> None:
    """Country (Zipf sizes), label, type and coordinates near the country's centre, as the projections give."""
    weights = [1 / (rank + 1) for rank in range(countries)]
    centres = [(rng.uniform(-45, 60), rng.uniform(-120, 150)) for _ in range(countries)]
    for node in graph:
        country = rng.choices(range(countries), weights)[0]
        lat, lon = centres[country]
        graph.nodes[node].update(label=f"City {node}", type="City", country=f"Country {country}",
                                 lat=round(lat + rng.gauss(0, 3), 4), lon=round(lon + rng.gauss(0, 3), 4))
    for u, v in graph.edges():
        graph.edges[u, v]["weight"] = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=26_000)
    parser.add_argument("--edges", type=int, default=48_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("world.graphml"))
    args = parser.parse_args()
    graph = world_network(args.nodes, args.edges, args.seed)
    nx.write_graphml(graph, args.out)
    giant = max(nx.connected_components(graph), key=len)
    print(f"Wrote {args.out}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, "
          f"mean degree {2 * graph.number_of_edges() / graph.number_of_nodes():.2f}, "
          f"largest component {len(giant) / graph.number_of_nodes():.1%}, "
          f"assortativity {nx.degree_assortativity_coefficient(graph):+.2f}, "
          f"average clustering {nx.average_clustering(graph):.3f}, transitivity {nx.transitivity(graph):.3f}")


if __name__ == "__main__":
    main()
