"""Beyond one machine: ``citykg push`` to an independent SPARQL server (the Oxigraph server from PyPI, on
loopback) and ``citykg query --endpoint`` against it and against ``citykg serve``; the whole catalogue must
answer there exactly as it does on the embedded store.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from citykg import KnowledgeGraph
from citykg.errors import UsageError
from citykg.query.remote import RemoteError

from .conftest import answers_http, run_cli, stop
from .test_server import start_server

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory) -> Iterator[str]:
    """An Oxigraph server (no union-default-graph option: push fills its default graph) on loopback."""
    if not Path(OXIGRAPH).exists():
        pytest.fail("the 'oxigraph' program (PyPI package oxigraph, in the test extra) is not installed")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert answers_http(base + "/query?query=ASK%7B%7D", process, 30), f"oxigraph serve did not start on {base}"
        yield base
    finally:
        stop(process, 10)


@pytest.fixture(scope="module")
def pushed(oxigraph, built_project, kg) -> str:
    done = run_cli("push", "--endpoint", oxigraph + "/store", project=built_project)
    assert done.code == 0, done.stderr
    graphs = 1 + sum(1 for _ in kg.store.named_graphs())
    assert done.stdout.strip() == f"Pushed {len(kg.store)} triples in {graphs} graphs to {oxigraph}/store."
    return oxigraph + "/query"


def answers(graph, name: str, params: dict[str, str]) -> list[list]:
    """The rows of a catalogue query. The network-*.rq queries (owned by the network suite) concatenate
    with GROUP_CONCAT(DISTINCT …), whose order Oxigraph does not fix (it varies between processes), so
    their list cells are compared as sorted words."""
    from pyoxigraph import Literal

    result = graph.run(name, params)
    names = [v.value for v in result.variables]
    rows = [[row[n] for n in names] for row in result]
    if name.startswith("network-"):
        rows = [[(tuple(sorted(cell.value.split())), cell.datatype) if isinstance(cell, Literal) else cell
                 for cell in row] for row in rows]
    return rows


def catalogue_params(kg) -> dict[str, dict[str, str]]:
    """Each query with its defaults, dates fixed so that the answer is not empty by accident of today."""
    return {name: ({"date": "2020-06-01"} if any(p.name == "date" for p in query.parameters) else {})
            for name, query in kg.catalogue().items()}


def test_push_mirrors_every_graph(pushed, kg):
    remote = KnowledgeGraph(kg.project.root, endpoint=pushed)
    assert remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").__next__()["n"].value == \
        str(kg.stats()["triples"])
    named = {row["g"].value for row in remote.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert named == {g.value for g in kg.store.named_graphs()}


def test_whole_catalogue_on_oxigraph_server_equals_embedded(pushed, kg):
    remote = KnowledgeGraph(kg.project.root, endpoint=pushed)
    for name, params in catalogue_params(kg).items():
        assert answers(remote, name, params) == answers(kg, name, params), name


def test_whole_catalogue_through_citykg_serve_equals_embedded(built_project, kg):
    with start_server(built_project) as server:
        remote = KnowledgeGraph(kg.project.root, endpoint=server.sparql)
        for name, params in catalogue_params(kg).items():
            assert answers(remote, name, params) == answers(kg, name, params), name
        done = run_cli("query", "officials", "--endpoint", server.sparql, "-p", "city=Kota Bandung", "--format", "csv",
                       project=built_project)
        local = run_cli("query", "officials", "-p", "city=Kota Bandung", "--format", "csv", project=built_project)
        assert done.code == 0 and done.stdout == local.stdout and "person/muhammad-farhan" in done.stdout
        refused = run_cli("push", "--endpoint", server.sparql, project=built_project)
        assert refused.code == 1
        assert refused.stderr.strip().endswith("answered 405 Method Not Allowed: This endpoint is read-only: use GET "
                                               "or POST.")


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "xml"])
def test_cli_query_endpoint_prints_what_the_local_store_prints(pushed, built_project, fmt):
    remote = run_cli("query", "partners", "--endpoint", pushed, "-p", "city=Bandung", "--format", fmt,
                     project=built_project)
    local = run_cli("query", "partners", "-p", "city=Bandung", "--format", fmt, project=built_project)
    assert remote.code == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert "Petaling Jaya" in remote.stdout


def assert_construct_gets_daegus_partnership(endpoint: str, project) -> None:
    """``query --endpoint … -e 'CONSTRUCT …' --format nt`` prints the one triple the seed graph has."""
    done = run_cli("query", "--endpoint", endpoint, "-e", "CONSTRUCT WHERE { ?p ckg:partner municipality:kr-daegu }",
                   "--format", "nt", project=project)
    assert done.code == 0, done.stderr
    assert done.stdout.strip() == ("<https://w3id.org/citykg/id/partnership/id-bandung--kr-daegu> "
                                   "<https://w3id.org/citykg/ontology#partner> "
                                   "<https://w3id.org/citykg/id/municipality/kr-daegu> .")


def test_cli_construct_and_ask_on_a_remote_endpoint(pushed, built_project):
    assert_construct_gets_daegus_partnership(pushed, built_project)
    done = run_cli("query", "--endpoint", pushed, "-e", "ASK { municipality:id-bandung a ckg:City }",
                   "--format", "json", project=built_project)
    assert done.code == 0 and '"boolean":true' in done.stdout.replace(" ", "")


def test_hostile_value_on_a_remote_endpoint_is_just_a_label(pushed, kg):
    remote = KnowledgeGraph(kg.project.root, endpoint=pushed)
    with pytest.raises(UsageError, match=r"^No municipality is called 'Bandung\" } ; DROP ALL ; #'\.$"):
        remote.run("partners", {"city": 'Bandung" } ; DROP ALL ; #'})
    assert len(answers(remote, "partners", {"city": "Bandung"})) == 6


def test_remote_errors_are_one_sentence(pushed, built_project):
    port = free_port()  # nothing listens there
    done = run_cli("query", "partners", "--endpoint", f"http://127.0.0.1:{port}/sparql", project=built_project)
    assert done.code == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"Error: Cannot reach http://127.0.0.1:{port}/sparql: ")
    done = run_cli("query", "--endpoint", pushed, "-e", "SELECT ?x WHERE { ?x", project=built_project)
    assert done.code == 1 and done.stderr.startswith(f"Error: {pushed} answered 400 Bad Request")
    done = run_cli("query", "partners", "--endpoint", "ftp://example.org/sparql", project=built_project)
    assert done.code == 1 and done.stderr.strip() == \
        "Error: 'ftp://example.org/sparql' is not an http(s) URL of a SPARQL endpoint."
    with pytest.raises(RemoteError, match="there is no local store"):
        KnowledgeGraph(built_project, endpoint=pushed).store  # noqa: B018


def _without_blank_nodes(data: bytes) -> tuple[int, set[str]]:
    """An N-Quads/N-Triples dump as (line count, the lines without blank nodes): a server relabels blank
    nodes, so only their number can be compared."""
    lines = data.decode("utf-8").splitlines()
    return len(lines), {line for line in lines if "_:" not in line}


def test_stats_and_export_on_an_endpoint_equal_the_local_store(pushed, kg, tmp_path):
    remote = KnowledgeGraph(kg.project.root, endpoint=pushed)
    assert remote.stats() == kg.stats()
    for fmt in ("nt", "nq"):
        assert _without_blank_nodes(remote.export(fmt) or b"") == _without_blank_nodes(kg.export(fmt) or b""), fmt
    remote.export("nq", tmp_path / "remote.nq")
    assert _without_blank_nodes((tmp_path / "remote.nq").read_bytes()) == _without_blank_nodes(kg.export("nq") or b"")


def test_push_from_an_endpoint_to_another_server(pushed, kg, oxigraph):
    """A KnowledgeGraph on an endpoint can be pushed on: the same calls as on the local store."""
    from citykg.query.push import push

    report = push(KnowledgeGraph(kg.project.root, endpoint=pushed), oxigraph + "/store")
    assert (report.graphs, report.triples) == (1 + kg.stats()["graphs"], len(kg.store))
