"""What ``citykg viz`` needs from the knowledge graph beyond citykg.network's projections: the "full"
network (every party and event) and, per node, what the sources say about it (sources and quotes).

The SPARQL lives in ``templates/viz-*.rq`` (catalogue format), so that it stays out of the query catalogue
the other tools list and test, and its parameters are bound like every catalogue query's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
from pyoxigraph import NamedNode

from ..network.projections import rows
from ..query.catalogue import CatalogueQuery, bind, load_catalogue, with_rows
from ..vocab import compact

TEMPLATES = Path(__file__).with_name("templates")
#: At most this many sources per node and quotes per source travel into the page.
MAX_SOURCES = 20
MAX_QUOTES = 12
#: Up to this many entities, their sources and quotes are asked for with the entities bound (a VALUES block).
BOUND_ENTITIES = 500
#: The ties of the full network: partnerships between parties, and events to who took part or hosted.
EDGE_QUERIES = ("viz-full-partnerships", "viz-full-events")


@lru_cache(maxsize=1)
def queries() -> dict[str, CatalogueQuery]:
    return load_catalogue(TEMPLATES)


def run(kg, name: str, params: dict[str, str] | None = None, entities: set[str] | None = None,
        variable: str = "entity"):
    """Run a template; ``entities`` (IRIs) restricts ``?variable`` with a VALUES block of those IRIs as terms."""
    query = queries()[name]
    sparql = query.sparql
    if entities is not None:
        sparql = with_rows(sparql, variable, [NamedNode(iri) for iri in sorted(entities)])
    return kg.query(sparql, bind(query, params or {}, kg.resolve))


def full_around(kg, start: str, depth: int) -> nx.Graph:
    """The full network restricted to the nodes within ``depth`` ties of ``start`` (an IRI) and every tie
    among them, from queries bound to those nodes (``viz --network full --focus``: work that grows with the
    answer, issue 10). A tie is found from either end, so each hop asks for the frontier as ``?source`` and
    as ``?target``."""
    ball = frontier = {start}
    for _hop in range(depth):
        found = {row[end] for name in EDGE_QUERIES for variable in ("source", "target")
                 for row in _plain(run(kg, name, entities=frontier, variable=variable))
                 for end in ("source", "target")}
        frontier = found - ball
        if not frontier:
            break
        ball = ball | frontier
    return full(kg, ball)


def full(kg, only: set[str] | None = None) -> nx.Graph:
    """Every party to a partnership or an event, and every event: partnerships tie parties (several of
    one pair make one edge, as in the municipalities network), events tie to who took part or hosted.
    ``only`` (IRIs): just these nodes and the ties among them."""
    graph: nx.Graph[str] = nx.Graph(name="full")
    # sorted here by IRI, as ORDER BY ?node would: the templates leave ORDER BY out, since pyoxigraph's sort
    # reads every compared IRI from disk (nodes and ties of the full graph: 4.8 s -> 3.2 s)
    for row in sorted(rows(run(kg, "viz-full-nodes", entities=only, variable="node")), key=lambda row: row["node"]):
        node = compact(row["node"])
        kind = _local(row.get("type"))
        attributes: dict[str, Any] = {"iri": row["node"], "label": row.get("label") or node, "type": kind,
                                      "country": _local(row.get("country")).upper()}
        if kind == "Country":
            attributes["country"] = node.rsplit(":", 1)[-1].upper()
        if isinstance(row.get("lat"), float) and isinstance(row.get("long"), float):
            attributes.update(lat=round(row["lat"], 6), lon=round(row["long"], 6))
        if row.get("date"):
            attributes["date"] = str(row["date"])
        if str(row.get("proposed", "")).lower() == "true":
            attributes["proposed"] = "planned, not reported as happened"
        graph.add_node(node, **attributes)
    merged: dict[tuple[str, str], dict[str, set[str]]] = {}
    ties = [row for name in EDGE_QUERIES for row in rows(run(kg, name, entities=only, variable="source"))
            if only is None or row["target"] in only]
    # the two queries' rows in one order, sorted here for the same reason
    for row in sorted(ties, key=lambda row: (row["source"], row["target"], row["relation"])):
        a, b = compact(row["source"]), compact(row["target"])
        for node in (a, b):
            if node not in graph:  # a partner of a kind the node query leaves out (never expected)
                graph.add_node(node, label=node, type="", country="")
        edge = merged.setdefault((a, b), {"partnership_type": set(), "status": set(), "since": set(),
                                          "sectors": set(), "relation": set()})
        edge["relation"].add(row["relation"])
        edge["partnership_type"].add(_local(row.get("type")))
        edge["status"].add(_local(row.get("status")))
        edge["since"].add(str(row.get("since") or ""))
        edge["sectors"].update(_local(iri) for iri in str(row.get("sectors") or "").split())
    for (a, b), edge in merged.items():
        graph.add_edge(a, b, weight=1, relation=_joined(edge["relation"] - {"partnership"}),
                       partnership_type=_joined(edge["partnership_type"]), status=_joined(edge["status"]),
                       since=min((s for s in edge["since"] if s), default=""), sectors=_joined(edge["sectors"]))
    return graph


@dataclass
class SourceFacts:
    """One source that mentions a node, with its quotes (each with what it is about)."""

    label: str
    iri: str
    publisher: str = ""
    issued: str = ""
    quotes: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "iri": self.iri, "publisher": self.publisher, "issued": self.issued,
                "quotes": self.quotes}


def sources(kg, iris: set[str]) -> dict[str, list[SourceFacts]]:
    """For each entity of ``iris``: the sources that describe it or quote about it, with the quotes (about
    it, or about a partnership, agreement or event it takes part in).

    Three queries for the whole network rather than one per node: a query per node cost 7 ms on the
    imported 420k-triple store, 14 s for a 2,000-node page; these take 1.4 s together. A page of at most
    BOUND_ENTITIES nodes (a --focus page) binds its entities in a VALUES block instead: 1.2 s → ms on the
    full graph for Bandung's 15 (issue 10: work that grows with the answer).
    """
    bound = iris if len(iris) <= BOUND_ENTITIES else None
    meta = {row["source"]: row for row in _plain(run(kg, "viz-sources"))}
    found: dict[str, dict[str, SourceFacts]] = {}

    def entry(iri: str, source: str) -> SourceFacts | None:
        per_node = found.setdefault(iri, {})
        if source not in per_node:
            if len(per_node) >= MAX_SOURCES:
                return None
            row = meta.get(source, {})
            per_node[source] = SourceFacts(row.get("label") or compact(source), source, row.get("publisher", ""),
                                           row.get("issued", ""))
        return per_node[source]

    for row in _plain(run(kg, "viz-quotes", entities=bound)):
        if row["entity"] in iris:
            facts = entry(row["entity"], row["source"])
            quote = {"text": row["quote"], "about": row.get("aboutLabel") or compact(row["about"])}
            if facts is not None and quote not in facts.quotes and len(facts.quotes) < MAX_QUOTES:
                facts.quotes.append(quote)
    for row in _plain(run(kg, "viz-mentions", entities=bound)):
        if row["entity"] in iris:
            entry(row["entity"], row["source"])
    return {iri: sorted(per_node.values(), key=lambda f: (not f.quotes, f.label)) for iri, per_node in found.items()}


def _plain(result) -> list[dict[str, str]]:
    """Rows as dicts of lexical values (cheaper than network.rows, which converts numbers: 60k rows)."""
    names = [variable.value for variable in result.variables]
    return [{name: term.value for name in names if (term := solution[name]) is not None} for solution in result]


def _local(iri: Any) -> str:
    if not iri:
        return ""
    return str(iri).rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _joined(values: set[str]) -> str:
    return "; ".join(sorted(v for v in values if v))
