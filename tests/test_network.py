"""Network projections of the seed graph (exact nodes, edges and weights from the five seed articles), network
files in and out (GraphML, GEXF, edge lists), and the commands as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from citykg import names, network
from citykg.errors import UsageError
from citykg.network import analytics
from citykg.network.neighbourhood import municipalities_around
from citykg.network.suggest import suggest

from .conftest import run_cli

BANDUNG = "municipality:id-bandung"


@pytest.fixture(scope="module")
def municipalities(kg) -> nx.Graph:
    return network.project(kg, "municipalities")


def test_municipalities_network_is_bandungs_star(municipalities):
    """All five municipal partnerships of the seed articles have Bandung as a party (Daegu, Petaling Jaya,
    Kawasaki, Hamamatsu, Toyota); Bekasi, Purwakarta, Oslo and Hangzhou appear without a municipal partner."""
    assert municipalities.number_of_nodes() == 10
    assert sorted(municipalities[BANDUNG]) == ["municipality:jp-hamamatsu", "municipality:jp-kawasaki",
                                               "municipality:jp-toyota", "municipality:kr-daegu",
                                               "municipality:my-petaling-jaya"]
    assert municipalities.number_of_edges() == 5
    assert dict(municipalities.nodes[BANDUNG]) == {
        "iri": "https://w3id.org/citykg/id/municipality/id-bandung", "label": "Bandung", "type": "City",
        "country": "Indonesia", "lat": -6.9147, "lon": 107.6098}
    assert municipalities.nodes["municipality:id-kabupaten-bekasi"]["type"] == "Regency"


def test_edge_weight_counts_agreements_and_held_events(municipalities):
    # Bandung–Petaling Jaya: the 2015 MoU, and four events held about the partnership or the MoU (the 2015
    # signing, the 2019 youth camp, the visits of 8 August 2022 and 1 February 2023); planned ones not counted.
    pj = municipalities[BANDUNG]["municipality:my-petaling-jaya"]
    assert (pj["agreements"], pj["events"], pj["weight"]) == (1, 4, 6)
    assert (pj["partnership_type"], pj["status"], pj["since"]) == ("SisterCity", "RenewalPlanned", "2015")
    # Bandung–Daegu: no agreement in the graph; the 2023 internship and the 2025 statements.
    daegu = municipalities[BANDUNG]["municipality:kr-daegu"]
    assert (daegu["agreements"], daegu["events"], daegu["weight"], daegu["since"]) == (0, 2, 3, "2022")
    assert "information-technology" in daegu["sectors"].split("; ")


def test_bandung_is_the_most_central_municipality_of_the_seed_graph(municipalities):
    """Why: the seed articles are Bandung's partnerships, so Bandung is the hub of a star with five leaves.
    It has every partnership (degree 5), lies on every path between its partners (betweenness C(5,2) = 10
    of C(9,2) = 36 pairs) and reaches its component in one step (closeness 5/9 · 5/5)."""
    table = analytics.centrality(municipalities, "all")
    for metric in ("degree", "weighted_degree", "betweenness", "closeness", "harmonic", "eigenvector",
                   "pagerank", "effective_size"):
        best = max(table.rows, key=lambda row: row.scores[metric])
        assert best.label == "Bandung", metric
        assert sum(row.scores[metric] == best.scores[metric] for row in table.rows) == 1, metric
    bandung = next(row for row in table.rows if row.label == "Bandung")
    assert bandung.scores["betweenness"] == pytest.approx(10 / 36)
    assert bandung.scores["closeness"] == pytest.approx(5 / 9)
    assert bandung.scores["constraint"] == pytest.approx(0.2)  # five partners, none tied to another: 5 × (1/5)²


def test_countries_network_aggregates_municipal_ties(kg):
    countries = network.project(kg, "countries")
    # Sweden is in the reference data only because a source misplaces Oslo; no municipality, no partnership.
    assert sorted(countries) == ["country:cn", "country:id", "country:jp", "country:kr", "country:my",
                                 "country:no"]
    weights = {tuple(sorted(edge)): w for *edge, w in countries.edges(data="weight")}
    # Japan: Kawasaki, Hamamatsu, Toyota and the talks with Japan itself; Korea: Daegu and Bekasi's initiative.
    assert weights == {("country:id", "country:jp"): 4, ("country:id", "country:kr"): 2,
                       ("country:id", "country:my"): 1}


def test_actors_network_links_co_participants(kg):
    actors = network.project(kg, "actors")
    assert actors.nodes["person:kenji-kanasugi"]["type"] == "Person"
    assert actors[BANDUNG]["municipality:my-petaling-jaya"]["weight"] == 4
    assert actors.has_edge("person:kenji-kanasugi", "person:yana-mulyana")
    # the skilled-workers offer is only planned: it ties nobody
    assert not actors.has_edge("person:heri-noviar", BANDUNG)


def test_sectors_network_is_bipartite_and_projects_onto_municipalities(kg):
    sectors = network.project(kg, "sectors")
    assert nx.is_bipartite(sectors)
    assert sorted(sectors["municipality:id-kabupaten-bekasi"]) == ["sector:labour", "sector:seasonal-workers"]
    shared = network.project(kg, "shared-sectors")
    assert set(shared) == {n for n, side in sectors.nodes(data="bipartite") if side == 0}
    assert shared[BANDUNG]["municipality:id-kabupaten-bekasi"]["weight"] == 1  # labour


def test_unknown_network_is_one_sentence(kg):
    with pytest.raises(UsageError, match=r"^There is no network 'cities'; choose one of municipalities, "):
        network.project(kg, "cities")


def test_suggestions_for_daegu_name_the_shared_partner(kg):
    found = suggest(kg, "Daegu")
    assert {s.label for s in found} == {"Toyota", "Petaling Jaya", "Kawasaki", "Hamamatsu"}
    assert all(s.shared_partners == ["Bandung"] for s in found)
    assert all(s.reason.endswith("and 1 partner (Bandung) with Daegu.") for s in found)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


@pytest.mark.parametrize("fmt", names.NETWORK_FILE_FORMATS)
def test_export_round_trips(municipalities, tmp_path, fmt):
    path = tmp_path / f"m.{fmt}"
    network.write(municipalities, fmt, path)
    back = network.read(path)
    assert set(back) == set(municipalities)
    assert {frozenset(e) for e in back.edges()} == {frozenset(e) for e in municipalities.edges()}
    assert back[BANDUNG]["municipality:my-petaling-jaya"]["weight"] == 6
    assert back.nodes[BANDUNG]["label"] == "Bandung"


def test_edge_list_with_header_weights_and_duplicates(tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text("source,target,weight\nA,B,2\nB,A,1\nB,C,1\nC,C,5\n", encoding="utf-8")
    graph = network.read(path)
    assert sorted(graph.edges(data="weight")) == [("A", "B", 3), ("B", "C", 1)]  # merged; self-loop dropped


@pytest.mark.parametrize("content, message", [
    ("<graphml><broken", r"^.*broken\.graphml is not a readable network \(XML error"),
    ("only-one-field\n", r"^.*broken\.graphml is not a readable network"),
])
def test_unreadable_network_file_is_one_sentence(tmp_path, content, message):
    path = tmp_path / "broken.graphml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        network.read(path)


# ---------------------------------------------------------------- the commands, as a user runs them


def test_centrality_json_puts_bandung_first(built_project):
    result = run_cli("centrality", "--format", "json", "--top", "3", project=built_project)
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["label"] for row in rows][0] == "Bandung"
    assert rows[0]["degree"] == 5 and len(rows) == 3
    assert set(rows[0]) == {"node", "label", "type", "country", *analytics.METRICS}


def test_centrality_csv_of_one_metric(built_project):
    result = run_cli("centrality", "--network", "countries", "--metric", "degree", "--format", "csv",
                     "--top", "2", project=built_project)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == ["node,label,type,country,degree", "country:id,Indonesia,Country,ID,3.0",
                                          "country:jp,Japan,Country,JP,1.0"]


def test_suggest_for_an_unknown_municipality_is_one_sentence(built_project):
    result = run_cli("suggest", "--for", "Atlantis", project=built_project)
    assert result.code == 2
    assert result.stderr == "Error: No municipality is called 'Atlantis'.\n"


def test_suggest_table_shows_reasons(built_project):
    result = run_cli("suggest", "--for", "Bandung", project=built_project)
    assert result.code == 0, result.stderr
    assert "Bekasi Regency shares 1 sector (Labour) with Bandung." in " ".join(result.stdout.split())


def test_communities_json_matches_the_api(built_project, kg):
    result = run_cli("communities", "--network", "actors", "--format", "json", project=built_project)
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    expected = analytics.communities(network.project(kg, "actors"))
    assert data["modularity"] == pytest.approx(expected.modularity)
    assert [row["size"] for row in data["rows"]] == [c.size for c in expected.communities if c.size >= 2]


def test_export_network_for_gephi(built_project, tmp_path):
    out = tmp_path / "municipalities.gexf"
    result = run_cli("export", "--network", "municipalities", "--format", "gexf", "--out", str(out),
                     project=built_project)
    assert result.code == 0, result.stderr
    assert result.stderr == f"Wrote {out}: 10 nodes, 5 edges\n"
    assert nx.read_gexf(out).number_of_edges() == 5


def test_export_graphml_without_network_is_refused(built_project):
    result = run_cli("export", "--format", "graphml", project=built_project)
    assert result.code == 2
    assert "Error: --network NAME goes with --format graphml or gexf, and those need --network." in result.stderr


def test_centrality_from_an_edge_list(built_project, tmp_path):
    path = tmp_path / "kite.txt"
    path.write_text("".join(f"{a} {b}\n" for a, b in nx.krackhardt_kite_graph().edges()), encoding="utf-8")
    result = run_cli("centrality", "--from", str(path), "--metric", "betweenness", "--top", "1",
                     "--format", "csv", project=built_project)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("7,7,,,0.3888888888888")  # Heather: 14 of 36 pairs


def test_from_a_missing_file_is_one_sentence(built_project, tmp_path):
    result = run_cli("centrality", "--from", str(tmp_path / "none.graphml"), project=built_project)
    assert result.code == 2
    assert result.stderr == f"Error: There is no file {str(tmp_path / 'none.graphml')!r} to read a network from.\n"


def test_network_and_from_together_are_refused(built_project, tmp_path):
    result = run_cli("centrality", "--network", "countries", "--from", str(Path(tmp_path) / "x.csv"),
                     project=built_project)
    assert result.code == 2
    assert "Give either --network/--endpoint or --from, not both." in result.stderr


def test_centrality_through_a_sparql_endpoint_equals_the_local_store(built_project):
    """The projections are catalogue queries, so they run on any endpoint: here a real citykg serve."""
    from .test_server import start_server

    local = run_cli("centrality", "--network", "actors", "--format", "csv", "--top", "0", project=built_project)
    with start_server(built_project) as server:
        remote = run_cli("centrality", "--network", "actors", "--format", "csv", "--top", "0",
                         "--endpoint", server.sparql, project=built_project)
        suggested = run_cli("suggest", "--for", "Daegu", "--endpoint", server.sparql, "--format", "csv",
                            project=built_project)
    assert remote.code == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert suggested.code == 0 and suggested.stdout.count("with Daegu.") == 4


def test_output_is_identical_whatever_the_hash_seed(built_project):
    """Reproducible to the last digit: nothing may depend on set order, which changes with the hash seed."""
    outputs = set()
    for seed in ("1", "2"):
        done = run_cli("centrality", "--network", "actors", "--format", "csv", "--top", "0",
                       project=built_project, env={"PYTHONHASHSEED": seed})
        assert done.code == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_big_networks_show_a_progress_bar_on_stderr(built_project, tmp_path):
    """From 1,000 nodes the shortest-path metrics run on igraph in 64 chunks, each advancing the bar."""
    path = tmp_path / "big.graphml"
    nx.write_graphml(nx.relabel_nodes(nx.powerlaw_cluster_graph(1200, 2, 0.1, seed=1), str), path)
    done = run_cli("centrality", "--from", str(path), "--metric", "betweenness", "--format", "csv",
                   project=built_project)
    assert done.code == 0, done.stderr
    assert re.search(r"betweenness \(1,200 nodes\) .* 64/64", done.stderr)
    assert done.stdout.count("\n") == 11  # header + the top 10; the bar never reaches stdout


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_projection_around_a_node_is_its_ego_graph(kg, municipalities, depth):
    """Projected from queries bound to the neighbourhood (issue 10), it is the whole network's ego graph:
    the same nodes and ties with the same attributes."""
    for node in municipalities:
        small = municipalities_around(kg, [node], depth)
        ego = nx.ego_graph(municipalities, node, radius=depth)
        assert dict(small.nodes(data=True)) == dict(ego.nodes(data=True))
        assert {frozenset(e[:2]): e[2] for e in small.edges(data=True)} == \
            {frozenset(e[:2]): e[2] for e in ego.edges(data=True)}


def test_suggestions_from_the_neighbourhood_equal_those_from_the_whole_network(kg, municipalities):
    """suggest projects only what its scores look at; every municipality gets what the whole networks give."""
    from citykg.network import projections
    from citykg.network.suggest import suggest_in

    partners, sectors = projections.partners(kg), projections.sectors(kg)
    for node in municipalities:
        assert suggest(kg, node, top=50) == suggest_in(partners, sectors, node, top=50)
