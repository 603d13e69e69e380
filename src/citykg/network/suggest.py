"""Partner suggestions: which municipality a city could partner next, and why, in words.

Link prediction over two kinds of evidence a city diplomacy officer recognises:
- shared partners (friends of friends): the resource-allocation index Σ 1/degree(z) over the common partners z
  (Zhou, Lü & Zhang 2009; ``nx.resource_allocation_index``), so a partner shared with a city that has few
  partners counts more than one shared with a hub that partners everyone;
- shared sectors: the Jaccard similarity of the two cities' cooperation sectors
  (``nx.jaccard_coefficient`` on the bipartite municipality–sector network).

score = resource allocation + Jaccard. Candidates are the municipalities not yet partnered with the city that
share at least a partner or a sector; ties are broken by label, so the list is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..errors import UsageError


@dataclass(frozen=True)
class Suggestion:
    node: str
    label: str
    country: str
    score: float
    shared_partners: list[str]
    shared_sectors: list[str]
    reason: str


def suggest(kg, municipality: str, top: int = 10) -> list[Suggestion]:
    """Suggestions for ``municipality`` (a label such as "Bandung", or an IRI / ``municipality:…``)."""
    from ..vocab import CKG, compact

    matches = kg.resolve(CKG + "Municipality", municipality)  # an ambiguous name raises, listing the candidates
    if not matches:
        raise UsageError(f"No municipality is called {municipality!r}.")
    partners, sectors = neighbourhood(kg, matches[0])
    node = compact(matches[0])
    if sectors.nodes.get(node, {}).get("bipartite") != 0:
        raise UsageError(f"{municipality!r} is not a municipality of the graph.")
    return suggest_in(partners, sectors, node, top)


def neighbourhood(kg, iri: str) -> tuple[nx.Graph, nx.Graph]:
    """The partner ties and the municipality–sector network that the suggestions for ``iri`` depend on,
    and no more (issue 10: work that grows with the answer): the ties of the municipality and of its
    partners (the shared partners and their degrees), and of the municipalities only those that could be
    a candidate, partners of partners and the municipalities tied to a sector. The scores are those the
    whole network gives, since both indexes only look at these nodes and ties."""
    from pyoxigraph import NamedNode

    from . import projections as network
    from .neighbourhood import partners_around

    partners = partners_around(kg, iri)
    towns = {iri} | {str(data["iri"]) for _n, data in partners.nodes(data=True) if data.get("iri")}
    return partners, network.sectors(kg, municipalities_only=[NamedNode(town) for town in sorted(towns)])


def suggest_in(partners: nx.Graph, sectors: nx.Graph | None, node: str, top: int = 10) -> list[Suggestion]:
    """Suggestions for ``node`` given the partner ties (any parties) and, optionally, the bipartite
    municipality–sector network (``bipartite`` 0/1). Without a sector network every node of ``partners`` is
    a candidate and only shared partners count (as for a network read with ``--from``)."""
    info = sectors if sectors is not None else partners
    if node not in info:
        raise UsageError(f"{node!r} is not a node of the network.")
    if sectors is not None:
        candidates = [n for n, side in sectors.nodes(data="bipartite") if side == 0 and n != node]
    else:
        candidates = [n for n in partners if n != node]
    if node in partners:
        candidates = [n for n in candidates if not partners.has_edge(node, n)]
    scores = {n: 0.0 for n in candidates}
    common: dict[str, list[str]] = {n: [] for n in candidates}
    if node in partners:
        in_partners = [n for n in candidates if n in partners]
        for _u, v, value in nx.resource_allocation_index(partners, [(node, n) for n in in_partners]):
            scores[v] += value
            common[v] = sorted(nx.common_neighbors(partners, node, v), key=lambda z: _label(partners, z))
    shared: dict[str, list[str]] = {n: [] for n in candidates}
    if sectors is not None:
        for _u, v, value in nx.jaccard_coefficient(sectors, [(node, n) for n in candidates]):
            scores[v] += value
            shared[v] = sorted(set(sectors[node]) & set(sectors[v]), key=lambda s: _label(sectors, s))
    whom = _label(info, node)
    found = [Suggestion(n, _label(info, n), str(info.nodes[n].get("country", "")), scores[n],
                        [_label(partners, z) for z in common[n]], [_label(sectors, s) for s in shared[n]],
                        reason(_label(info, n), whom, [_label(partners, z) for z in common[n]],
                               [_label(sectors, s) for s in shared[n]] if sectors is not None else []))
             for n in candidates if common[n] or shared[n]]
    found.sort(key=lambda s: (-s.score, s.label))
    return found[:top]


def reason(candidate: str, whom: str, partners: list[str], sectors: list[str], shown: int = 4) -> str:
    """"Daegu shares 3 sectors (Education, Environment, Msme) and 1 partner (Bandung) with Toyota."."""
    parts = []
    if sectors:
        parts.append(f"{_count(len(sectors), 'sector')} ({_listed(sectors, shown)})")
    if partners:
        parts.append(f"{_count(len(partners), 'partner')} ({_listed(partners, shown)})")
    return f"{candidate} shares {' and '.join(parts)} with {whom}."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _listed(names: list[str], shown: int) -> str:
    if len(names) <= shown:
        return "; ".join(names)
    return "; ".join(names[:shown]) + f" and {len(names) - shown} more"


def _label(graph: nx.Graph | None, node: str) -> str:
    if graph is None or node not in graph:
        return node
    return str(graph.nodes[node].get("label", node))
