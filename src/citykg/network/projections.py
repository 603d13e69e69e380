"""Network projections: the knowledge graph seen as networkx graphs, each built from catalogue queries.

Each projection runs the ``queries/network-<name>-*.rq`` files through ``KnowledgeGraph.run``, so it works on
whatever store or endpoint the KnowledgeGraph queries. Node ids are compact IRIs (``municipality:id-bandung``),
every node has ``label``, ``type``, ``country`` and, where known, ``lat``/``lon``; every edge has a ``weight``.
Attribute values are plain strings and numbers so that GraphML and GEXF (Gephi) can hold them.

=================  =============================================================================================
network            nodes and edges
=================  =============================================================================================
municipalities     municipalities; an edge per pair of partners, weight = Σ (1 + agreements + events held),
                   with partnership_type, status, since, partnerships, agreements, events, sectors
countries          countries; an edge per pair tied by municipal partnerships, weight = partnerships
actors             people, organisations, municipalities, countries; co-participation, weight = shared events
sectors            bipartite municipality–sector (``bipartite`` 0/1), weight = partnerships in that sector
shared-sectors     municipalities; an edge when they share a sector, weight = shared sectors
=================  =============================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
from pyoxigraph import NamedNode

from ..errors import UsageError
from ..names import NETWORKS
from ..query.catalogue import with_rows
from ..query.ordering import split_order
from ..vocab import compact
from .files import node_named, read, simple, write  # noqa: F401  (re-exported: citykg.network)

if TYPE_CHECKING:
    from ..store import Term

_INTEGER = ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
_DECIMAL = ("decimal", "double", "float")


def project(kg, name: str) -> nx.Graph:
    """The projection ``name`` (one of NETWORKS) of the graph behind ``kg`` (a citykg.KnowledgeGraph).
    citykg.network.neighbourhood projects the municipalities network around a few nodes only."""
    builders = {"municipalities": municipalities, "countries": countries, "actors": actors,
                "sectors": sectors, "shared-sectors": shared_sectors}
    if name not in builders:
        raise UsageError(f"There is no network {name!r}; choose one of {', '.join(NETWORKS)}.")
    graph = builders[name](kg)
    graph.graph["name"] = name
    return graph


def municipalities(kg, nodes: Iterable[Term] | None = None, edges: Iterable[tuple[str, Term]] = ()) -> nx.Graph:
    """Municipalities tied by partnerships. Several partnerships of one pair make one edge whose weight and
    counts add up, so that a pair's tie strength is what the pair shares, not what one document says.

    ``nodes`` (IRIs as terms) restricts the nodes to those, and then ``edges`` gives the VALUES bindings
    (variable, IRI) the edge query runs with; ties to a node outside ``nodes`` are left out.
    """
    graph: nx.Graph[str] = nx.Graph()
    short = _Compact()
    _add_municipality_nodes(kg, graph, short, None if nodes is None else {"node": list(nodes)})
    values = _values_of(edges) if nodes is not None else None
    merged: dict[tuple[str, str], list] = {}
    col, found = table(kg, "network-municipalities-edges", values)
    source, target, kind, status, since = col["source"], col["target"], col["type"], col["status"], col["since"]
    agreements, events, sectors = col["agreements"], col["events"], col["sectors"]
    for row in found:
        a, b = short[row[source].value], short[row[target].value]
        if nodes is not None and (a not in graph or b not in graph):
            continue
        edge = merged.get((a, b))
        if edge is None:
            edge = merged[(a, b)] = [0, 0, 0, set(), set(), set(), set()]
        agreed, held = int(row[agreements].value), int(row[events].value)
        edge[0] += 1
        edge[1] += agreed
        edge[2] += held
        edge[3].add(_local(_text(row[kind])))
        edge[4].add(_local(_text(row[status])))
        edge[5].add(_text(row[since]))
        edge[6].update(_local(iri) for iri in _text(row[sectors]).split())
    for (a, b), (count, agreed, held, types, states, starts, topics) in merged.items():
        topics = sorted(topics - {""})
        graph.add_edge(a, b, weight=count + agreed + held, partnerships=count, agreements=agreed, events=held,
                       partnership_type=_joined(types), status=_joined(states),
                       since=min((s for s in starts if s), default=""), sectors="; ".join(topics),
                       sector_count=len(topics))
    return graph


def countries(kg) -> nx.Graph:
    """Countries tied by the partnerships of their municipalities (ties inside a country are left out)."""
    graph: nx.Graph[str] = nx.Graph()
    for row in rows(kg.run("network-countries-nodes")):
        graph.add_node(compact(row["node"]), **_node_attributes(row, "Country", row.get("iso2")),
                       municipalities=row.get("municipalities") or 0)
    short = _Compact()
    col, found = table(kg, "network-countries-edges")
    source, target, count = col["source"], col["target"], col["partnerships"]
    for pair in found:
        weight = int(pair[count].value)
        graph.add_edge(short[pair[source].value], short[pair[target].value], weight=weight, partnerships=weight)
    return graph


def actors(kg) -> nx.Graph:
    """Parties that met: an edge between two parties per event that both attended or hosted."""
    graph: nx.Graph[str] = nx.Graph()
    for row in rows(kg.run("network-actors-nodes")):
        graph.add_node(compact(row["node"]), **_node_attributes(row, _local(row.get("type")),
                                                                _country(row.get("country"))))
    for row in rows(kg.run("network-actors-edges")):
        a, b = compact(row["source"]), compact(row["target"])
        for node in (a, b):
            if node not in graph:  # a party of another kind (never expected; keep the edge all the same)
                graph.add_node(node, label=node, type="Party", country="")
        graph.add_edge(a, b, weight=row["events"], events=row["events"])
    return graph


def sectors(kg, municipalities_only: Iterable[Term] | None = None) -> nx.Graph:
    """The bipartite municipality–sector network (``bipartite`` = 0 for municipalities, 1 for sectors).

    ``municipalities_only`` (IRIs as terms): only these municipalities and the ones tied to a sector (partner
    suggestions need no other), read with a VALUES block instead of all 17,000 of the full graph.
    """
    graph: nx.Graph[str] = nx.Graph()
    short = _Compact()
    col, found = table(kg, "network-sectors-edges")
    ties = [(row[col["source"]], short[row[col["target"]].value], int(row[col["partnerships"]].value))
            for row in found]
    if municipalities_only is None:
        _add_municipality_nodes(kg, graph, short)
    else:
        wanted = {term.value: term for term in municipalities_only} | {town.value: town for town, _s, _w in ties}
        _add_municipality_nodes(kg, graph, short, {"node": sorted(wanted.values(), key=lambda t: t.value)})
    nx.set_node_attributes(graph, dict.fromkeys(graph, 0), "bipartite")
    for row in rows(kg.run("network-sectors-nodes")):
        graph.add_node(compact(row["node"]), label=row.get("label") or compact(row["node"]), type="Sector",
                       country="", field=_local(row.get("field")), bipartite=1)
    for town, sector, weight in ties:
        graph.add_edge(short[town.value], sector, weight=weight, partnerships=weight)
    return graph


def shared_sectors(kg) -> nx.Graph:
    """The municipality projection of the sectors network: weight = number of sectors two cities share."""
    return project_bipartite(sectors(kg))


def project_bipartite(bipartite: nx.Graph) -> nx.Graph:
    """Project a municipality–sector graph onto its ``bipartite == 0`` side, keeping node attributes."""
    top = [n for n, side in bipartite.nodes(data="bipartite") if side == 0]
    return nx.bipartite.weighted_projected_graph(bipartite, top)


def partners(kg, values: Mapping[str, Sequence[Term]] | None = None) -> nx.Graph:
    """Every party tied to every other party it shares a partnership with (municipalities, countries,
    organisations): the ties partner suggestions count shared partners on. ``values``: VALUES bindings
    (variable → IRIs) that restrict the pairs, as citykg.network.neighbourhood asks."""
    graph: nx.Graph[str] = nx.Graph()
    short = _Compact()
    col, found = table(kg, "network-partners-edges", values)
    source, target, count = col["source"], col["target"], col["partnerships"]
    source_label, target_label = col["sourceLabel"], col["targetLabel"]
    for row in found:
        a, b = short[row[source].value], short[row[target].value]
        graph.add_node(a, label=_text(row[source_label]) or a)
        graph.add_node(b, label=_text(row[target_label]) or b)
        graph.add_edge(a, b, weight=int(row[count].value))
    return graph


def table(kg, name: str, values: Mapping[str, Sequence[Term]] | None = None) -> tuple[dict[str, int], list[tuple]]:
    """The rows of catalogue query ``name`` as tuples of pyoxigraph terms (None where unbound) and the
    position of each column: no dict and no conversion per row (27,000 rows of the full graph).

    A final ``ORDER BY ?a ?b`` on IRIs is done here, by the IRIs' text, which is how SPARQL orders IRIs
    (§15.1) and gives the same rows in the same order: on the full graph Oxigraph's sort cost 1.4 s of the
    3.6 s of network-municipalities-edges, Python's 0.03 s (docs/bench-network.md).

    ``values`` (variable → terms): the rows are restricted by a VALUES block of those terms, put where the
    query's WHERE opens (see :func:`with_rows`); one block per variable, so two variables mean two queries
    whose rows are concatenated (a row found by both comes twice, which the callers merge).
    """
    queries = kg.catalogue()
    if name not in queries:
        kg.run(name)  # raises the catalogue's own message for an unknown name
    sparql = queries[name].sparql
    split = split_order(sparql)
    unordered, keys = split if split else (sparql, [])
    texts = [with_rows(unordered, variable, terms) for variable, terms in values.items() if terms] \
        if values else [unordered]
    results = [kg.query(text) for text in texts]
    if not results:
        return {}, []
    columns = {variable.value: i for i, variable in enumerate(results[0].variables)}
    found = [tuple(solution) for result in results for solution in result]
    if keys:
        at = [columns[variable] for variable in keys]
        if all(isinstance(row[k], NamedNode) for row in found for k in at):
            found.sort(key=lambda row: tuple(row[k].value for k in at))
        else:  # a key that is not an IRI: let the store order it, as the query says
            results = [kg.query(text + sparql[len(unordered):]) for text in texts]
            found = [tuple(solution) for result in results for solution in result]
    return columns, found


def _values_of(bindings: Iterable[tuple[str, Term]]) -> Mapping[str, Sequence[Term]]:
    values: dict[str, list[Term]] = {}
    for variable, term in bindings:
        values.setdefault(variable, []).append(term)
    return values


class _Compact(dict):
    """IRI → compact id, each IRI worked out once per projection (compact() tries every prefix)."""

    def __missing__(self, iri: str) -> str:
        self[iri] = value = compact(iri)
        return value


def _text(term) -> str:
    return "" if term is None else term.value


# ---------------------------------------------------------------- query results → plain values


def rows(result) -> Iterator[dict[str, Any]]:
    """SELECT solutions as dicts of Python values: IRIs as strings, numbers as int/float, unbound left out."""
    names = [variable.value for variable in result.variables]
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = _value(term)
        yield row


def _value(term) -> Any:
    datatype = getattr(getattr(term, "datatype", None), "value", "")
    local = datatype.rsplit("#", 1)[-1]
    if local in _INTEGER:
        return int(term.value)
    if local in _DECIMAL:
        return float(term.value)
    return term.value


def _add_municipality_nodes(kg, graph: nx.Graph, short: _Compact | None = None,
                            values: Mapping[str, Sequence[Term]] | None = None) -> None:
    short = short if short is not None else _Compact()
    col, found = table(kg, "network-municipalities-nodes", values)
    node, label, kind, country, lat, lon = (col[name] for name in ("node", "label", "type", "countryLabel",
                                                                    "lat", "long"))
    for row in found:
        iri = row[node].value
        key = short[iri]
        attributes: dict[str, Any] = {"iri": iri, "label": _text(row[label]) or key,
                                      "type": _local(_text(row[kind])) or "Municipality",
                                      "country": _text(row[country])}
        if _is_decimal(row[lat]) and _is_decimal(row[lon]):
            attributes.update(lat=round(float(row[lat].value), 6), lon=round(float(row[lon].value), 6))
        graph.add_node(key, **attributes)


def _is_decimal(term) -> bool:
    return term is not None and getattr(term, "datatype", None) is not None and \
        term.datatype.value.rsplit("#", 1)[-1] in _DECIMAL


def _node_attributes(row: dict[str, Any], kind: str, country: str | None) -> dict[str, Any]:
    attributes: dict[str, Any] = {"iri": row["node"], "label": row.get("label") or compact(row["node"]),
                                  "type": kind, "country": country or ""}
    if isinstance(row.get("lat"), float) and isinstance(row.get("long"), float):
        attributes.update(lat=round(row["lat"], 6), lon=round(row["long"], 6))
    return attributes


def _local(iri: str | None) -> str:
    """``https://w3id.org/citykg/ontology#SisterCity`` → ``SisterCity`` (``…/sector/labour`` → ``labour``)."""
    if not iri:
        return ""
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _country(iri: str | None) -> str:
    """Actors carry the country's ISO code (upper case), enough to colour a network by country."""
    return _local(iri).upper()


def _joined(values: set[str]) -> str:
    return "; ".join(sorted(v for v in values if v))
