"""Networks around a few nodes, projected from queries bound to those nodes: ``citykg viz --focus`` draws and
``citykg suggest --for`` ranks a neighbourhood, so their work grows with the neighbourhood, not the graph
(issue 10, goal 5: on the full graph within 3× of the seed graph's time).

The nodes reach SPARQL only as pyoxigraph terms in a VALUES block (citykg.query.catalogue.with_rows),
the same catalogue queries as the whole projections run, so an ``--endpoint`` answers them too. A tie is
found from either end: the edge queries list a pair once, with ``?source`` before ``?target``, so a node's
ties are the rows with it as ``?source`` plus those with it as ``?target``.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
from pyoxigraph import NamedNode

from ..vocab import compact
from . import projections


def municipalities_around(kg, start: Iterable[str], depth: int = 1) -> nx.Graph:
    """The municipalities network restricted to the nodes within ``depth`` ties of ``start`` (IRIs or
    compact ids) and every tie among them: what ``nx.ego_graph(project(kg, "municipalities"), node,
    depth)`` keeps, and enough for the same ego graph after citykg viz's filters (which only remove ties)."""
    ball = {_term(node).value for node in start}
    frontier = set(ball)
    for _hop in range(depth):
        if not frontier:
            break
        found: set[str] = set()
        for a, b in _pairs(kg, "network-municipalities-edges", frontier):
            found.update((a, b))
        frontier = found - ball
        ball |= frontier
    terms = [NamedNode(iri) for iri in sorted(ball)]
    # the ties among the ball's nodes: each has its ?source in the ball (either end would do; one suffices)
    graph = projections.municipalities(kg, terms, [("source", term) for term in terms])
    graph.graph["name"] = "municipalities"
    return graph


def partners_around(kg, node: str) -> nx.Graph:
    """The partner ties (any parties) of ``node`` and of each of its partners: all that the resource-
    allocation index of ``node`` and any candidate needs (the common partners and their degrees)."""
    iri = _term(node)
    first = _both_ends(kg, [iri])
    neighbours = sorted({n for n in first if n != compact(iri.value)})
    iris = [NamedNode(first.nodes[n]["iri"]) for n in neighbours if first.nodes[n].get("iri")]
    graph = nx.compose(first, _both_ends(kg, iris)) if iris else first
    return graph


def _both_ends(kg, terms: list[NamedNode]) -> nx.Graph:
    graph = projections.partners(kg, {"source": terms, "target": terms})
    for n in graph:  # remember each node's IRI, for the next hop
        graph.nodes[n].setdefault("iri", _expand(n))
    return graph


def _pairs(kg, name: str, iris: set[str]) -> list[tuple[str, str]]:
    terms = [NamedNode(iri) for iri in sorted(iris)]
    columns, rows = projections.table(kg, name, {"source": terms, "target": terms})
    return [(row[columns["source"]].value, row[columns["target"]].value) for row in rows]


def _term(node: str) -> NamedNode:
    return NamedNode(_expand(node))


def _expand(node: str) -> str:
    """A compact id (``municipality:id-bandung``) or a ``<IRI>`` or an IRI → the IRI."""
    from ..query.catalogue import expand

    term = expand(node)
    return term.value if term is not None else node
