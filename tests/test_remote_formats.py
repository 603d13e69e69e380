"""RDF formats by the names rdflib users type (issue 11.11, client side): ``turtle``, ``ntriples``, ``nquads``,
``json-ld``, ``xml``/``rdfxml`` (RDF/XML) for ``citykg export`` and for a CONSTRUCT's answer from
``citykg query``, where ``xml`` stays the SPARQL XML results format for a SELECT. Each output is read
back with rdflib in the format of that name and compared with citykg's own format."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from citykg import names

from .conftest import run_cli
from .test_remote import oxigraph, pushed  # noqa: F401 - the fixtures

#: alias → (citykg's own name, the rdflib parser that must read it, whether it is a dataset)
ALIASES = {"turtle": ("ttl", "turtle", False), "ntriples": ("nt", "nt", False), "nquads": ("nq", "nquads", True),
           "json-ld": ("jsonld", "json-ld", True), "xml": ("rdfxml", "xml", False),
           "rdfxml": ("rdfxml", "xml", False)}


def _read(text: str, rdflib_format: str, dataset: bool) -> Graph:
    graph = Dataset() if dataset else Graph()
    graph.parse(data=text, format=rdflib_format)
    return graph


def test_every_alias_names_a_format_citykg_has():
    for alias, name in names.RDF_FORMAT_ALIASES.items():
        assert name in names.RDF_EXPORT_FORMATS and alias in names.EXPORT_FORMATS, alias


@pytest.mark.parametrize("alias", ALIASES)
def test_export_takes_the_rdflib_name_and_writes_that_format(built_project, alias):
    own, rdflib_format, dataset = ALIASES[alias]
    by_alias = run_cli("export", "--format", alias, project=built_project)
    by_name = run_cli("export", "--format", own, project=built_project)
    assert by_alias.code == 0, by_alias.stderr
    assert by_alias.stdout == by_name.stdout
    graph = _read(by_alias.stdout, rdflib_format, dataset)
    assert len(graph) > 1000
    if not dataset:  # the union: compare it with the N-Triples export, read by rdflib too
        assert isomorphic(graph, _read(run_cli("export", "--format", "nt", project=built_project).stdout, "nt", False))


CONSTRUCT = "CONSTRUCT WHERE { ?p ckg:partner municipality:kr-daegu ; rdfs:label ?label }"


@pytest.mark.parametrize("alias", ["turtle", "ntriples", "json-ld", "xml", "rdfxml"])
def test_a_construct_through_an_endpoint_comes_in_the_rdflib_format(pushed, built_project, alias):  # noqa: F811
    _, rdflib_format, _ = ALIASES[alias]
    done = run_cli("query", "--endpoint", pushed, "-e", CONSTRUCT, "--format", alias, project=built_project)
    assert done.code == 0, done.stderr
    graph = _read(done.stdout, rdflib_format, False)
    nt = run_cli("query", "--endpoint", pushed, "-e", CONSTRUCT, "--format", "nt", project=built_project)
    assert isomorphic(graph, _read(nt.stdout, "nt", False)) and len(graph) >= 3


def test_xml_is_still_sparql_results_for_a_select_and_rdfxml_is_refused_there(pushed, built_project):  # noqa: F811
    select = "SELECT ?p WHERE { ?p ckg:partner municipality:kr-daegu }"
    done = run_cli("query", "--endpoint", pushed, "-e", select, "--format", "xml", project=built_project)
    assert done.code == 0 and '<sparql xmlns="http://www.w3.org/2005/sparql-results#">' in done.stdout
    refused = run_cli("query", "--endpoint", pushed, "-e", select, "--format", "turtle", project=built_project)
    assert refused.code == 2
    assert refused.stderr.strip().splitlines()[0] == \
        "Error: Format 'turtle' is for graphs; a select or ask query gives table, csv, tsv, json, xml."
