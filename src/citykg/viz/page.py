"""The pyvis Network and the page data (facts, filters, legend) that ``templates/network.html`` shows.

Everything here is plain data: strings go to the page as JSON and are shown there as text (tooltips are
vis-network string titles, which it draws as text; details are built with ``textContent``).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from . import style as style

#: Node attributes that are shown another way (or are internal) and so are not listed as facts.
_SHOWN = {"label", "type", "country", "lat", "lon", "iri", "bipartite", "x", "y"}


class _Ids(list):
    """pyvis checks ``id in list`` for every node and edge it adds (O(n) each, O(n²) for a graph: minutes
    for the 26,000 imported pairs); a set beside the list makes each check O(1)."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def build_network(graph: nx.Graph, sizes: dict[Any, float], size_by: str, palette: style.Palette,
                  positions: dict[Any, tuple[float, float]], physics: bool, straight: bool = False):
    """The pyvis Network of ``graph``: coloured nodes sized by ``sizes``, styled edges, vis options."""
    from pyvis.network import Network

    # directed=True only skips pyvis' O(E²) duplicate-edge scan (a networkx Graph has no duplicates);
    # every edge switches its arrow off again.
    network = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    network.node_ids = _Ids()
    for node, data in graph.nodes(data=True):
        colour = palette.colour(node, data)
        extra = {"x": round(positions[node][0], 2), "y": round(positions[node][1], 2)} if node in positions else {}
        network.add_node(str(node), label=_label(node, data), shape="dot", title=_node_title(node, data, sizes,
                         size_by), value=round(float(sizes.get(node, 0.0)), 6),
                         color={"background": colour, "border": "#333333",
                                "highlight": {"background": colour, "border": "#000000"}}, **extra)
    for i, (a, b, data) in enumerate(graph.edges(data=True)):
        dashes = style.STATUS_DASHES.get(style.edge_status(data) or "", False)
        colour = style.TYPE_COLOURS[style.edge_type(data)]
        network.add_edge(str(a), str(b), id=f"e{i}", title=_edge_title(graph, a, b, data),
                         color={"color": colour, "highlight": colour, "hover": colour, "opacity": 0.85,
                                "inherit": False},
                         dashes=dashes, value=float(data.get("weight", 1) or 1), arrows={"to": {"enabled": False}})
    network.options = _options(graph.number_of_nodes(), physics, straight)
    return network


def page_data(graph: nx.Graph, *, kg, title: str, layout: str, size_by: str, sizes: dict[Any, float],
              palette: style.Palette, notice: str) -> dict[str, Any]:
    """Everything the page's script needs besides vis-network's own node and edge lists."""
    said = _sources(kg, graph)
    nodes: dict[str, Any] = {}
    for node, data in graph.nodes(data=True):
        nodes[str(node)] = {"label": _label(node, data), "country": str(data.get("country", "")),
                            "facts": _facts(node, data, graph, sizes, size_by),
                            "sources": [s.as_json() for s in said.get(str(data.get("iri", "")), [])]}
    edges: dict[str, Any] = {}
    sectors: set[str] = set()
    statuses: set[str] = set()
    years: list[int] = []
    for i, (_a, _b, data) in enumerate(graph.edges(data=True)):
        year = _year(data.get("since"))
        edge_sectors, edge_status = style.split(data.get("sectors")), style.split(data.get("status"))
        edges[f"e{i}"] = {"sectors": edge_sectors, "status": edge_status, "year": year}
        sectors.update(edge_sectors)
        statuses.update(edge_status)
        if year is not None:
            years.append(year)
    countries = sorted({v["country"] for v in nodes.values() if v["country"]}, key=str.casefold)
    from_kg = any("iri" in data for _n, data in graph.nodes(data=True))
    return {
        "title": title, "notice": notice, "layout": layout, "geoScale": style.GEO_SCALE, "sizeBy": size_by,
        "legend": {"nodes": palette.legend(graph), "edges": style.edge_legend(graph)},
        "filters": {"sector": sorted(sectors), "country": countries, "status": sorted(statuses),
                    "years": [min(years), max(years)] if years else []},
        "nodes": nodes, "edges": edges,
        "sourceHint": "No source mentions it directly." if from_kg and kg is not None
        else "Sources are shown for networks drawn from the knowledge graph.",
    }


def _label(node: Any, data: dict[str, Any]) -> str:
    return str(data.get("label") or node)


def _node_title(node: Any, data: dict[str, Any], sizes: dict[Any, float], size_by: str) -> str:
    """The hover text (plain text; vis-network shows a string title as text)."""
    kind = str(data.get("type") or style.kind_of(node, data))
    where = f" · {data['country']}" if data.get("country") else ""
    return f"{_label(node, data)}\n{kind}{where}\n{size_by}: {_number(sizes.get(node, 0.0))}"


def _edge_title(graph: nx.Graph, a: Any, b: Any, data: dict[str, Any]) -> str:
    lines = [f"{_label(a, graph.nodes[a])} — {_label(b, graph.nodes[b])}"]
    kinds = style.split(data.get("partnership_type")) + style.split(data.get("relation"))
    status = style.split(data.get("status"))
    if kinds or status:
        lines.append(", ".join([style.TYPE_LABELS.get(k, k) for k in kinds]
                               + [style.STATUS_LABELS.get(s, s) for s in status]))
    if data.get("since"):
        lines.append(f"since {data['since']}")
    if data.get("sectors"):
        lines.append(f"sectors: {str(data['sectors']).replace(';', ',')}")
    counts = [f"{data[k]} {k}" for k in ("partnerships", "agreements", "events") if data.get(k)]
    lines.append("; ".join(counts) if counts else f"weight {_number(data.get('weight', 1))}")
    return "\n".join(lines)


def _facts(node: Any, data: dict[str, Any], graph: nx.Graph, sizes: dict[Any, float], size_by: str) -> list:
    facts = [["kind", str(data.get("type") or style.kind_of(node, data))]]
    if data.get("country"):
        facts.append(["country", str(data["country"])])
    if isinstance(data.get("lat"), (int, float)) and isinstance(data.get("lon"), (int, float)):
        facts.append(["coordinates", f"{data['lat']}, {data['lon']}"])
    facts.append(["ties", str(graph.degree(node))])
    if size_by != "degree":
        facts.append([size_by, _number(sizes.get(node, 0.0))])
    for key, value in sorted(data.items()):
        if key not in _SHOWN and isinstance(value, (str, int, float)) and str(value) != "":
            facts.append([key, _number(value) if isinstance(value, float) else str(value)])
    facts.append(["id", str(node)])
    if data.get("iri"):
        facts.append(["IRI", str(data["iri"])])
    return facts


def _sources(kg, graph: nx.Graph) -> dict[str, list]:
    """What the sources say about the nodes that are entities of the knowledge graph (those with an iri)."""
    iris = {str(iri) for _n, iri in graph.nodes(data="iri") if iri}
    if kg is None or not iris:
        return {}
    from .data import sources

    return sources(kg, iris)


def _options(n: int, physics: bool, straight: bool) -> dict[str, Any]:
    """vis-network options: physics settles a small network and stops; a big one is drawn as laid out."""
    return {
        "autoResize": True,
        "nodes": {"shape": "dot", "borderWidth": 1, "font": {"size": 13, "face": "system-ui, sans-serif"},
                  "scaling": {"min": 6, "max": 34, "label": {"enabled": True, "min": 11, "max": 24,
                                                             "drawThreshold": 7}}},
        "edges": {"smooth": {"type": "continuous"} if n <= PHYSICS_SMOOTH and not straight else False,
                  "scaling": {"min": 1, "max": 5}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": n > 1000, "multiselect": True},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110},
                    "stabilization": {"enabled": True, "iterations": 250, "updateInterval": 50, "fit": True}},
        "layout": {"randomSeed": 42, "improvedLayout": n <= 100},
    }


#: Curved edges only while the network is small: straight lines draw much faster.
PHYSICS_SMOOTH = 300


def _year(value: Any) -> int | None:
    text = str(value or "")
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if value != int(value) or abs(value) >= 1e6 else str(int(value))
    return str(value)
