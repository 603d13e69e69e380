"""Exports round-trip: what goes out in any format comes back in as the same graph (rdflib isomorphism)."""

from __future__ import annotations

import pytest
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, parse
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

DATASET_FORMATS = {"trig": "trig", "nq": "nquads", "jsonld": "json-ld"}


def _union_graph(kg) -> Graph:
    graph = Graph()
    graph.parse(data=kg.export("nt").decode("utf-8"), format="nt")
    return graph


@pytest.mark.parametrize("fmt,rdflib_format", DATASET_FORMATS.items())
def test_dataset_export_round_trips(kg, fmt, rdflib_format):
    exported = kg.export(fmt)
    reference = Dataset()
    reference.parse(data=kg.export("nq").decode("utf-8"), format="nquads")
    again = Dataset()
    again.parse(data=exported.decode("utf-8"), format=rdflib_format)
    names = {g.identifier for g in reference.graphs()}
    assert names == {g.identifier for g in again.graphs()}
    for name in names:
        assert isomorphic(reference.graph(name), again.graph(name)), name


def test_turtle_export_is_the_union_of_all_graphs(kg):
    turtle = kg.export("ttl")
    assert turtle.startswith(b"@prefix")
    graph = Graph()
    graph.parse(data=turtle.decode("utf-8"), format="turtle")
    assert isomorphic(graph, _union_graph(kg))
    distinct = {q.triple for q in kg.store}
    assert len(graph) == len(distinct)


def test_export_parses_back_with_pyoxigraph(kg, tmp_path):
    out = tmp_path / "all.trig"
    kg.export("trig", out)
    quads = list(parse(path=out, format=RdfFormat.TRIG))
    named = [q for q in kg.store if not isinstance(q.graph_name, DefaultGraph)]
    assert len(quads) == len(named)
    assert all(isinstance(q.graph_name, NamedNode) for q in quads)


def test_export_void_describes_the_data_set(built_project, kg, tmp_path):
    from rdflib import URIRef
    from rdflib.namespace import RDF, VOID

    from tests.conftest import run_cli

    out = tmp_path / "void.ttl"
    result = run_cli("export", "--format", "void", "--out", str(out), project=built_project)
    assert result.code == 0, result.stderr
    graph = Graph().parse(out, format="turtle")
    dataset = URIRef("https://w3id.org/citykg/")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert int(graph.value(dataset, VOID.triples)) == kg.stats()["triples"]
    # one subset per source document, each with its own triple count
    assert len(list(graph.objects(dataset, VOID.subset))) >= 5
