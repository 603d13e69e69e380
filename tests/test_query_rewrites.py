"""The world-scale rewrites of the catalogue queries (issue 10) answer exactly what the old texts answered.

``tests/data/queries-before/`` holds every catalogue query as it was before the rewrite. Each query in
``queries/`` (network-*.rq included) is run beside its old text, with the same values bound the same way,
on the seed graph and on a deterministic sample of the full graph (the seeds plus about one imported
partnership in forty, with its partners), and must give the same columns and the same rows in the same
order. Rows the old ORDER BY leaves tied (two partnerships labelled "Mérida–Mérida sister cities") came
in whatever order the engine's joins produced, so among ties only the set of rows must be equal; every
cell, including each " | "-joined list, must be equal as it stands.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from itertools import groupby
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse, serialize

from citykg import KnowledgeGraph
from citykg.errors import UsageError
from citykg.query.catalogue import bind, load_catalogue, load_query, mask, with_values
from citykg.vocab import ID

from .conftest import REPO, copy_project

BEFORE = REPO / "tests" / "data" / "queries-before"
NAMES = sorted(path.stem for path in BEFORE.glob("*.rq"))
#: One imported partnership in SAMPLE_EVERY is kept in the sample (chosen by a hash of its IRI).
SAMPLE_EVERY = 40
#: Values for the parameters, beside each query's defaults: dates inside the seed agreements' terms.
FIXED = {"date": "2020-06-01"}


def sample(files: list[Path]) -> dict[str, list]:
    """The quads of each imported file that belong to the sample: every partnership whose IRI hashes into
    it, every municipality that is a partner of one of those (whichever file names the partnership), and
    everything that is neither (countries, each source's own description)."""
    partnership, municipality = ID + "partnership/", ID + "municipality/"
    quads = {path.name: list(parse(path=str(path), format=RdfFormat.TRIG)) for path in files}
    everything = [quad for file_quads in quads.values() for quad in file_quads]
    chosen = {q.subject.value for q in everything if q.subject.value.startswith(partnership)
              and zlib.crc32(q.subject.value.encode()) % SAMPLE_EVERY == 0}
    partners = {q.object.value for q in everything if q.subject.value in chosen and isinstance(q.object, NamedNode)}
    return {name: [q for q in file_quads if q.subject.value in chosen or q.subject.value in partners
                   or not q.subject.value.startswith((partnership, municipality))]
            for name, file_quads in quads.items()}


@pytest.fixture(scope="module")
def sample_kg(tmp_path_factory) -> KnowledgeGraph:
    project = copy_project(tmp_path_factory.mktemp("sample"))
    imported = project / "graph" / "imported"
    imported.mkdir(parents=True)
    for name, quads in sample(sorted((REPO / "graph" / "imported").glob("*.trig"))).items():
        serialize(quads, str(imported / name), RdfFormat.TRIG)
    kg = KnowledgeGraph(project)
    kg.build()
    return kg


def order_variables(sparql: str) -> list[str]:
    """The variables the outermost ORDER BY sorts on (the last ORDER BY that starts a line)."""
    clauses = re.findall(r"^ORDER BY (.*)$", mask(sparql), re.MULTILINE)
    assert clauses, "every catalogue query orders its rows"
    return list(dict.fromkeys(re.findall(r"[?$](\w+)", clauses[-1])))


#: ``GROUP_CONCAT(DISTINCT STR(?x); separator=" ") AS ?name``: a set of IRIs, in whatever order the engine
#: meets them (SPARQL leaves it open; the projections split it into a set), so it is compared as a set.
_IRI_SET = re.compile(r'GROUP_CONCAT\(DISTINCT STR\(\?\w+\); separator=" "\) AS \?(\w+)')


def answer(kg: KnowledgeGraph, sparql: str, bound: dict) -> tuple[list[str], list[tuple]]:
    result = kg.query(with_values(sparql, bound))
    names = [v.value for v in result.variables]
    sets = set(_IRI_SET.findall(sparql))

    def cell(name: str, term):
        return " ".join(sorted(term.value.split())) if name in sets and term is not None else term

    return names, [tuple(cell(name, row[name]) for name in names) for row in result]


def ties(rows: list[tuple], keys: list[int]) -> list[tuple[tuple, Counter]]:
    """The rows grouped by their ORDER BY keys, in order: rows a key leaves tied may come in any order."""
    return [(key, Counter(group)) for key, group in groupby(rows, key=lambda row: tuple(row[i] for i in keys))]


def assert_same_answer(kg: KnowledgeGraph, name: str, params: dict[str, str]) -> int:
    """The rewritten query and its old text give the same columns, and the same rows in the same order up to
    ties of the old ORDER BY; returns the number of rows (a comparison of nothing proves nothing)."""
    old = load_query(BEFORE / f"{name}.rq")
    new = kg.catalogue()[name]
    usable = {key: value for key, value in params.items() if any(p.name == key for p in old.parameters)}
    bound = bind(old, usable, kg.resolve)
    assert bind(new, usable, kg.resolve) == bound, "the parameters must stay the same"
    old_names, old_rows = answer(kg, old.sparql, bound)
    new_names, new_rows = answer(kg, new.sparql, bound)
    assert new_names == old_names
    keys = [old_names.index(v) for v in order_variables(old.sparql) if v in old_names]

    assert ties(new_rows, keys) == ties(old_rows, keys)
    return len(old_rows)


def test_every_catalogue_query_has_its_old_text():
    assert NAMES == sorted(load_catalogue(REPO / "queries"))


@pytest.mark.parametrize("name", NAMES)
def test_rewrite_answers_as_before_on_the_seed_graph(kg, name):
    assert assert_same_answer(kg, name, FIXED) > 0  # every catalogue query answers something on the seeds


@pytest.mark.parametrize("name", NAMES)
def test_rewrite_answers_as_before_on_a_sample_of_the_full_graph(sample_kg, name):
    assert_same_answer(sample_kg, name, FIXED)


def test_the_sample_reaches_beyond_the_seeds(sample_kg):
    partnerships = sample_kg.stats()["Partnership"]
    assert 400 < partnerships < 1500  # 8 curated + about 1 in 40 of 27,134 imported
    assert assert_same_answer(sample_kg, "partnership-edges", {}) == partnerships
    assert assert_same_answer(sample_kg, "country-links", {}) > 100


@pytest.mark.parametrize(("name", "params"), [
    ("partners", {"city": "Kawasaki"}),
    ("timeline", {"city": "Petaling Jaya"}),
    ("officials", {"city": "Petaling Jaya"}),
    ("municipalities", {"country": "Japan"}),
    ("partnerships-by-sector", {"sector": "sector:field-economy"}),
    ("renewal-watch", {"date": "2020-11-27", "months": "1"}),
    ("agreements-in-force", {"date": "2015-11-27"}),
    ("provenance", {"entity": "partnership:id-bandung--jp-kawasaki"}),
])
def test_rewrite_answers_as_before_with_other_values(sample_kg, name, params):
    assert assert_same_answer(sample_kg, name, params) > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_rewrite_answers_as_before_on_the_full_graph(full_kg, name):
    assert_same_answer(full_kg, name, FIXED)


@pytest.fixture(scope="module")
def full_kg(tmp_path_factory) -> KnowledgeGraph:
    project = copy_project(tmp_path_factory.mktemp("full"), ("ontology", "graph", "queries"))
    kg = KnowledgeGraph(project)
    kg.build()
    return kg


SORTED_IN_PYTHON = sorted(name for name, query in load_catalogue(REPO / "queries").items() if query.sorts_iris)


def assert_sorted_as_the_store_sorts(kg: KnowledgeGraph, name: str) -> int:
    """``KnowledgeGraph.run`` of a ``# sort: iris`` query (sorted in Python) gives the store's own answer:
    the same columns, rows and order (up to rows the ORDER BY leaves tied)."""
    query = kg.catalogue()[name]
    usable = {key: value for key, value in FIXED.items() if any(p.name == key for p in query.parameters)}
    names, stored = answer(kg, query.sparql, bind(query, usable, kg.resolve))
    result = kg.run(name, usable)
    assert [v.value for v in result.variables] == names
    sets = set(_IRI_SET.findall(query.sparql))
    ran = [tuple(" ".join(sorted(row[n].value.split())) if n in sets and row[n] is not None else row[n]
                 for n in names) for row in result]
    keys = [names.index(v) for v in order_variables(query.sparql)]

    assert ties(ran, keys) == ties(stored, keys)
    return len(ran)


def test_the_network_lists_are_sorted_in_python():
    assert {"network-municipalities-edges", "network-partners-edges", "partnership-edges"} <= set(SORTED_IN_PYTHON)


@pytest.mark.parametrize("name", SORTED_IN_PYTHON)
def test_sorted_in_python_as_the_store_sorts_on_the_seed_graph(kg, name):
    assert assert_sorted_as_the_store_sorts(kg, name) > 0


@pytest.mark.parametrize("name", SORTED_IN_PYTHON)
def test_sorted_in_python_as_the_store_sorts_on_a_sample_of_the_full_graph(sample_kg, name):
    assert_sorted_as_the_store_sorts(sample_kg, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SORTED_IN_PYTHON)
def test_sorted_in_python_as_the_store_sorts_on_the_full_graph(full_kg, name):
    assert assert_sorted_as_the_store_sorts(full_kg, name) > 0


def test_a_key_that_is_no_iri_is_sorted_by_the_store(tmp_path):
    """A query that says ``# sort: iris`` but orders by labels still comes in its ORDER BY's order."""
    project = copy_project(tmp_path)
    (project / "queries" / "labels.rq").write_text(
        "# title: Labels\n# sort: iris\nSELECT ?label WHERE { ?m a ckg:Municipality ; rdfs:label ?label }\n"
        "ORDER BY ?label\n", encoding="utf-8")
    kg = KnowledgeGraph(project)
    kg.build()
    labels = [row["label"].value for row in kg.run("labels")]
    assert len(labels) > 10
    assert labels == sorted(labels)


def test_a_sort_header_takes_one_value(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("# title: Bad\n# sort: labels\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        load_query(path)
    assert str(raised.value) == f"{path}:2: '# sort:' takes one value, 'iris' (the ORDER BY keys are IRIs)."
