"""Every metric against networkx's own function and hand-checked values on small known graphs; the igraph
path against networkx to 1e-9; communities and summary reproducible and exact."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from citykg.network import analytics, fastpaths
from citykg.network.suggest import reason, suggest_in

NX = {
    "betweenness": nx.betweenness_centrality,
    "closeness": nx.closeness_centrality,
    "harmonic": nx.harmonic_centrality,
    "pagerank": lambda g: nx.pagerank(g, weight="weight"),
    "core": nx.core_number,
    "constraint": nx.constraint,
    "effective_size": nx.effective_size,
    "degree": lambda g: dict(g.degree()),
    "weighted_degree": lambda g: dict(g.degree(weight="weight")),
}


def kite() -> nx.Graph:
    """Krackhardt's kite: Andre..Jane as 0..9 (Krackhardt 1990)."""
    return nx.krackhardt_kite_graph()


def disconnected() -> nx.Graph:
    """The kite, a path of four, a dyad and an isolated node, with some weights: four components."""
    graph = nx.disjoint_union_all([kite(), nx.path_graph(4), nx.path_graph(2), nx.empty_graph(1)])
    for i, (a, b) in enumerate(graph.edges()):
        graph[a][b]["weight"] = 1 + i % 3
    return graph


GRAPHS = {
    "kite": kite,
    "karate": nx.karate_club_graph,
    "florentine": lambda: nx.convert_node_labels_to_integers(nx.florentine_families_graph()),
    "disconnected": disconnected,
    "powerlaw-cluster": lambda: nx.powerlaw_cluster_graph(200, 2, 0.3, seed=7),
}


def same(ours: dict, theirs: dict, tolerance: float = 1e-9) -> None:
    assert set(ours) == set(theirs)
    for node, value in theirs.items():
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(ours[node]), node
        else:
            assert ours[node] == pytest.approx(value, abs=tolerance), node


@pytest.mark.parametrize("graph_name", GRAPHS)
@pytest.mark.parametrize("metric", NX)
def test_metric_equals_networkx(graph_name, metric):
    graph = GRAPHS[graph_name]()
    same(analytics.metric(graph, metric), NX[metric](graph))


@pytest.mark.parametrize("graph_name", GRAPHS)
@pytest.mark.parametrize("metric", ["betweenness", "closeness", "harmonic", "constraint"])
def test_igraph_path_equals_networkx_to_1e_9(graph_name, metric):
    graph = GRAPHS[graph_name]()
    same(analytics.metric(graph, metric, fast=True), NX[metric](graph))


def test_igraph_in_worker_processes_equals_networkx(monkeypatch):
    """The chunked, multi-process path (every shortest-path metric's default on big networks): same
    numbers, added in a fixed order."""
    monkeypatch.setattr(fastpaths, "PARALLEL_WORK", 10)
    monkeypatch.setattr(fastpaths, "free_cores", lambda workers: float(workers))  # as on an idle machine
    graph = GRAPHS["powerlaw-cluster"]()
    assert fastpaths.uses_pool(graph, pool=True, workers=2)
    same(fastpaths.betweenness(graph, workers=2, pool=True), nx.betweenness_centrality(graph))
    same(fastpaths.closeness(graph, workers=2, pool=True), nx.closeness_centrality(graph))
    same(fastpaths.harmonic(graph, workers=2, pool=True), nx.harmonic_centrality(graph))


def test_the_pool_is_skipped_on_a_small_graph_on_one_core_or_when_not_asked(monkeypatch):
    graph = GRAPHS["powerlaw-cluster"]()  # 200 nodes: far below PARALLEL_WORK
    assert not fastpaths.uses_pool(graph, pool=True, workers=2)
    monkeypatch.setattr(fastpaths, "PARALLEL_WORK", 10)
    assert not fastpaths.uses_pool(graph, pool=True, workers=1)
    assert not fastpaths.uses_pool(graph, pool=False, workers=2)


def test_the_pool_is_skipped_when_no_core_is_free(monkeypatch):
    """On a busy machine the pool costs more than it shares (docs/bench-network.md): one process then."""
    monkeypatch.setattr(fastpaths, "PARALLEL_WORK", 10)
    graph = GRAPHS["powerlaw-cluster"]()
    monkeypatch.setattr(fastpaths, "free_cores", lambda workers: workers - 1.9)  # load 1.9 on 2 cores
    assert not fastpaths.uses_pool(graph, pool=True, workers=2)
    monkeypatch.setattr(fastpaths, "free_cores", lambda workers: workers - 0.5)
    assert fastpaths.uses_pool(graph, pool=True, workers=2)
    same(fastpaths.betweenness(graph, workers=2), nx.betweenness_centrality(graph))


def test_kite_values_checked_by_hand():
    """Krackhardt's kite: Diane (3) has most ties (6), Heather (7) is the bridge to Ike and Jane."""
    table = analytics.centrality(kite(), "all")
    scores = {row.node: row.scores for row in table.rows}
    assert scores[3]["degree"] == 6
    # Heather lies on every shortest path between {Ike, Jane} and the seven others (7 × 2 = 14 pairs),
    # of C(9, 2) = 36 pairs excluding herself.
    assert scores[7]["betweenness"] == pytest.approx(14 / 36)
    assert scores[2]["betweenness"] == 0  # Carol's ties are all tied to each other
    # Fernando: distances 1,1,1,1,1,2,2,2,3 to the other nine → 9 / 14.
    assert scores[5]["closeness"] == pytest.approx(9 / 14)
    assert scores[5]["harmonic"] == pytest.approx(5 + 3 / 2 + 1 / 3)
    assert scores[9]["core"] == 1 and scores[0]["core"] == 3  # Jane hangs on by one tie; the kite is a 3-core
    assert scores[9]["effective_size"] == 1  # one partner: nothing redundant
    assert table.rows[0].node == 3  # sorted on the first metric (degree): Diane first
    assert analytics.centrality(kite(), "all", sort="betweenness").rows[0].node == 7  # then Heather


@pytest.mark.parametrize("graph_name", ["kite", "karate", "florentine", "powerlaw-cluster"])
def test_eigenvector_on_a_connected_graph_is_networkx_numpy(graph_name):
    graph = GRAPHS[graph_name]()
    same(analytics.eigenvector(graph), nx.eigenvector_centrality_numpy(graph, weight="weight"))


def test_eigenvector_is_the_same_to_the_last_digit_on_a_rerun():
    graph = nx.powerlaw_cluster_graph(300, 2, 0.3, seed=5)
    assert analytics.eigenvector(graph) == analytics.eigenvector(graph)


def test_eigenvector_is_defined_per_component_and_never_raises():
    graph = disconnected()
    with pytest.raises(nx.AmbiguousSolution):
        nx.eigenvector_centrality_numpy(graph)  # what we must not do (STACK.md)
    values = analytics.eigenvector(graph)
    n = graph.number_of_nodes()  # 17
    kite_alone = nx.eigenvector_centrality_numpy(graph.subgraph(range(10)), weight="weight")
    for node in range(10):
        assert values[node] == pytest.approx(kite_alone[node] * math.sqrt(10 / n))
    assert values[14] == values[15] == pytest.approx(math.sqrt(2 / n) / math.sqrt(2))  # the dyad
    assert values[16] == 0  # the isolated node
    # each component's squared values sum to its share of nodes; the isolated node's share stays empty
    assert sum(v * v for v in values.values()) == pytest.approx(16 / 17)


def test_constraint_of_an_isolated_node_sorts_last_not_first():
    table = analytics.centrality(disconnected(), "constraint")
    assert math.isnan(table.rows[-1].scores["constraint"])
    assert table.rows[0].scores["constraint"] == min(
        v for v in nx.constraint(disconnected()).values() if not math.isnan(v))


def test_brokers_are_the_lowest_constraint_nodes_with_two_ties():
    rows = analytics.brokers(kite(), top=3)
    expected = sorted((v, n) for n, v in nx.constraint(kite()).items() if kite().degree(n) >= 2)[:3]
    assert [row.node for row in rows] == [n for _, n in expected]


def test_louvain_is_reproducible_and_reports_networkx_modularity():
    graph = nx.karate_club_graph()
    first, second = analytics.communities(graph, seed=3), analytics.communities(graph, seed=3)
    assert first == second
    parts = [set(c.members) for c in first.communities]
    assert parts == sorted(nx.community.louvain_communities(graph, weight="weight", seed=3),
                           key=lambda p: (-len(p), min(str(n) for n in p)))
    assert first.modularity == pytest.approx(nx.community.modularity(graph, parts, weight="weight"))
    assert first.modularity > 0.3
    assert sorted(n for c in first.communities for n in c.members) == sorted(graph)


def test_summary_of_the_kite_plus_a_dyad():
    graph = nx.disjoint_union(kite(), nx.path_graph(2))
    s = analytics.summary(graph)
    assert (s.nodes, s.edges, s.components, s.largest_component) == (12, 19, 2, 10)
    assert s.largest_share == pytest.approx(10 / 12)
    assert s.density == pytest.approx(19 / 66)
    assert s.diameter == 4  # Andre (0) to Jane (9)
    assert s.mean_distance == pytest.approx(nx.average_shortest_path_length(kite()))
    assert s.average_clustering == pytest.approx(nx.average_clustering(graph))
    assert s.transitivity == pytest.approx(nx.transitivity(graph))
    assert s.assortativity == pytest.approx(nx.degree_assortativity_coefficient(graph))
    assert s.degree_distribution == {1: 3, 2: 1, 3: 3, 4: 2, 5: 2, 6: 1}  # kite: Jane 1, Ike 2, …; dyad 1, 1
    assert s.max_degree == 6


def test_mean_distance_from_igraph_closeness_equals_networkx():
    graph = GRAPHS["powerlaw-cluster"]()
    s = analytics.summary(graph, backend="igraph")
    assert s.mean_distance == pytest.approx(nx.average_shortest_path_length(graph), abs=1e-9)


def test_summary_of_a_graph_without_edges_has_no_distances():
    s = analytics.summary(nx.empty_graph(3))
    assert (s.diameter, s.mean_distance, s.assortativity, s.components) == (None, None, None, 3)


def test_unknown_metric_is_one_sentence():
    from citykg.errors import UsageError

    with pytest.raises(UsageError, match=r"^Unknown metric 'fame'; choose one of degree, .* or all\.$"):
        analytics.centrality(kite(), "fame")


def test_suggestions_count_shared_partners_and_sectors():
    partners = nx.Graph([("a", "hub"), ("b", "hub"), ("c", "hub"), ("a", "x"), ("b", "x"), ("d", "y")])
    sectors = nx.Graph()
    for city in "abcd":
        sectors.add_node(city, bipartite=0, label=city.upper())
    for sector in ("trade", "health", "water"):
        sectors.add_node(sector, bipartite=1, label=sector.capitalize())
    sectors.add_edges_from([("a", "trade"), ("a", "health"), ("b", "trade"), ("b", "health"), ("c", "water"),
                            ("d", "trade")])
    found = suggest_in(partners, sectors, "a")
    assert [s.node for s in found] == ["b", "d", "c"]
    assert found[0].score == pytest.approx(1 / 3 + 1 / 2 + 1.0)  # RA via hub (3 ties) and x (2) + Jaccard 1
    assert found[0].reason == "B shares 2 sectors (Health; Trade) and 2 partners (hub; x) with A."
    assert found[1].score == pytest.approx(1 / 2)  # Jaccard {trade} / {trade, health}
    assert found[1].reason == "D shares 1 sector (Trade) with A."
    assert found[2].reason == "C shares 1 partner (hub) with A."


def test_reason_lists_at_most_four_names():
    assert reason("Toyota", "Daegu", ["Bandung"], ["A", "B", "C", "D", "E"]) == (
        "Toyota shares 5 sectors (A; B; C; D and 1 more) and 1 partner (Bandung) with Daegu.")
