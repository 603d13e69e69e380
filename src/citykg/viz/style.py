"""How a network looks in ``citykg viz``: node kinds and colours, edge styles, the legend, and the layouts
computed in Python (geographic, and force-directed for graphs too big for the browser's physics).

Kept apart from citykg.viz so that the look can change without touching selection, data or HTML.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx

#: Node kinds shown in the legend, in legend order, with their colour (colour-blind-safe Okabe–Ito hues).
KIND_COLOURS: dict[str, str] = {
    "municipality": "#0072B2",
    "country": "#E69F00",
    "province": "#F0E442",
    "organisation": "#009E73",
    "person": "#CC79A7",
    "event": "#D55E00",
    "sector": "#56B4E9",
    "other": "#999999",
}
#: ``type`` attribute values (ontology class local names) → kind.
_KIND_OF_TYPE = {
    "City": "municipality", "Regency": "municipality", "Municipality": "municipality",
    "Country": "country", "Province": "province", "Person": "person", "Sector": "sector",
    "Organization": "organisation", "GovernmentAgency": "organisation", "Legislature": "organisation",
    "ChamberOfCommerce": "organisation", "Company": "organisation", "Institute": "organisation",
    "Embassy": "organisation", "GovernmentBody": "organisation",
    "Event": "event", "Visit": "event", "Meeting": "event", "Audience": "event", "Signing": "event",
    "ExchangeProgramme": "event", "Statement": "event", "Ranking": "event",
}
#: Compact-IRI prefixes → kind, for nodes without a ``type`` (networks read from files keep their ids).
_KIND_OF_PREFIX = {"municipality": "municipality", "country": "country", "province": "province",
                   "organization": "organisation", "person": "person", "event": "event", "sector": "sector"}

#: Distinct colours for the countries with most nodes when colouring by country; the rest share grey.
COUNTRY_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#332288",
                   "#88CCEE", "#117733", "#AA4499", "#882255")
OTHER_COUNTRIES = "#BBBBBB"

#: Edge colour by partnership type (or by relation to an event), in legend order.
TYPE_COLOURS: dict[str, str] = {
    "SisterCity": "#C0392B",
    "FriendshipCity": "#E67E22",
    "Cooperation": "#2E86C1",
    "ExploratoryTalks": "#8E44AD",
    "host": "#7F8C8D",
    "participant": "#B3B6B7",
    "other": "#95A5A6",
}
TYPE_LABELS = {"SisterCity": "sister city", "FriendshipCity": "friendship city", "Cooperation": "cooperation",
               "ExploratoryTalks": "exploratory talks", "host": "hosted event", "participant": "took part in event",
               "other": "tie"}
#: Edge dash pattern by partnership status (vis-network ``dashes``: false = solid), in legend order.
#: Gaps are wide because vis-network draws round line caps that close narrow ones on thick edges.
STATUS_DASHES: dict[str, Any] = {"Active": False, "RenewalPlanned": [16, 10], "Exploring": [6, 10],
                                 "Lapsed": [2, 12], "Ended": [1, 16]}
STATUS_LABELS = {"Active": "active", "RenewalPlanned": "renewal planned", "Exploring": "exploring",
                 "Lapsed": "lapsed", "Ended": "ended"}
#: Pixels per degree of longitude/latitude in the geographic layout.
GEO_SCALE = 10.0


def kind_of(node: str, data: dict[str, Any]) -> str:
    """The legend kind of a node: from its ontology type, else from its compact IRI prefix."""
    kind = _KIND_OF_TYPE.get(str(data.get("type", "")))
    if kind:
        return kind
    prefix = str(node).split(":", 1)[0] if ":" in str(node) else ""
    return _KIND_OF_PREFIX.get(prefix, "other")


def split(value: Any) -> list[str]:
    """A "; "-joined attribute (network.py joins multi-valued edge attributes so) as a list."""
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def edge_type(data: dict[str, Any]) -> str:
    """The type an edge is coloured by: the strongest of its partnership types (sister city first)."""
    present = set(split(data.get("partnership_type"))) | set(split(data.get("relation")))
    return next((t for t in TYPE_COLOURS if t in present), "other")


def edge_status(data: dict[str, Any]) -> str | None:
    """The status an edge is dashed by: the most alive of its statuses (active first)."""
    present = set(split(data.get("status")))
    return next((s for s in STATUS_DASHES if s in present), None)


@dataclass(frozen=True)
class Palette:
    """Node colours for one rendering: by kind, or by country (most frequent countries first)."""

    by: str
    colours: dict[str, str]

    @classmethod
    def for_graph(cls, graph: nx.Graph, by: str) -> Palette:
        if by == "kind":
            return cls(by, dict(KIND_COLOURS))
        counts = Counter(str(c) for _n, c in graph.nodes(data="country", default="") if c)
        ranked = sorted(counts, key=lambda c: (-counts[c], c))[:len(COUNTRY_PALETTE)]
        return cls(by, dict(zip(ranked, COUNTRY_PALETTE, strict=False)))

    def colour(self, node: str, data: dict[str, Any]) -> str:
        if self.by == "kind":
            return self.colours[kind_of(node, data)]
        return self.colours.get(str(data.get("country", "")), OTHER_COUNTRIES)

    def legend(self, graph: nx.Graph) -> list[dict[str, str]]:
        """The colours actually used, in legend order, with a readable label."""
        if self.by == "kind":
            used = {kind_of(n, d) for n, d in graph.nodes(data=True)}
            return [{"label": kind, "color": colour} for kind, colour in self.colours.items() if kind in used]
        used = {str(c) for _n, c in graph.nodes(data="country", default="")}
        items = [{"label": country, "color": colour} for country, colour in self.colours.items() if country in used]
        if any(c not in self.colours for c in used):
            items.append({"label": "other or unknown country", "color": OTHER_COUNTRIES})
        return items


def edge_legend(graph: nx.Graph) -> list[dict[str, Any]]:
    """Edge colours (types) and dash patterns (statuses) that occur in the graph."""
    types = {edge_type(d) for _a, _b, d in graph.edges(data=True)}
    statuses = {edge_status(d) for _a, _b, d in graph.edges(data=True)}
    items: list[dict[str, Any]] = [{"label": TYPE_LABELS[t], "color": c, "dashes": False}
                                   for t, c in TYPE_COLOURS.items() if t in types]
    items += [{"label": STATUS_LABELS[s], "color": "#555555", "dashes": d}
              for s, d in STATUS_DASHES.items() if s in statuses]
    return items


# ---------------------------------------------------------------- layouts


def geo_layout(graph: nx.Graph) -> tuple[dict[Any, tuple[float, float]], int]:
    """Equirectangular positions (x = longitude, y = −latitude, in GEO_SCALE pixels per degree).

    A node without coordinates sits at the mean position of its placed neighbours; one with none of those
    goes to a row under the map. Returns the positions and how many nodes had no coordinates of their own.
    """
    positions: dict[Any, tuple[float, float]] = {}
    for node, data in graph.nodes(data=True):
        lat, lon = data.get("lat"), data.get("lon")
        if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and not isinstance(lat, bool):
            positions[node] = (float(lon) * GEO_SCALE, -float(lat) * GEO_SCALE)
    missing = [node for node in graph if node not in positions]
    unplaced = []
    for node in missing:
        near = [positions[n] for n in graph[node] if n in positions]
        if near:
            positions[node] = (sum(p[0] for p in near) / len(near), sum(p[1] for p in near) / len(near))
        else:
            unplaced.append(node)
    positions = _spread(positions)
    left = min((p[0] for p in positions.values()), default=-180 * GEO_SCALE)
    bottom = max((p[1] for p in positions.values()), default=0.0) + 3 * GEO_SCALE
    for i, node in enumerate(sorted(unplaced, key=str)):
        row, column = divmod(i, 40)
        positions[node] = (left + column * 3 * GEO_SCALE, bottom + row * 2 * GEO_SCALE)
    return positions, len(missing)


def _spread(positions: dict[Any, tuple[float, float]]) -> dict[Any, tuple[float, float]]:
    """Nodes at the very same point (a city's agencies, the events held there) around it on a small
    spiral, so that each one can be seen, hovered and clicked."""
    groups: dict[tuple[float, float], list[Any]] = {}
    for node, point in positions.items():
        groups.setdefault(point, []).append(node)
    spread = dict(positions)
    for (x, y), members in groups.items():
        for i, node in enumerate(sorted(members, key=str)[1:], start=1):
            angle, radius = i * 2.4, 9.0 * math.sqrt(i)  # golden-angle spiral
            spread[node] = (x + radius * math.cos(angle), y + radius * math.sin(angle))
    return spread


def force_layout(graph: nx.Graph, seed: int = 42) -> dict[Any, tuple[float, float]]:
    """Fruchterman–Reingold positions for graphs too big for the browser's physics, in pixels.

    igraph's C implementation (with its grid approximation above 1,000 nodes) rather than networkx's
    ``spring_layout``: on this machine spring_layout took 27 s for 2,000 nodes, igraph 0.2 s (and 2.6 s for
    26,000). A seeded generator makes a rerun draw the same picture.
    """
    import igraph

    nodes = list(graph)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    shape = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in graph.edges()])
    # igraph draws its random start from a Python generator; a seeded one makes reruns agree. (Passing
    # start positions instead made the layout 20 times slower: 4.3 s for 2,000 nodes.)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = shape.layout_fruchterman_reingold(niter=500, grid="auto").coords
    finally:
        igraph.set_random_number_generator(random)  # igraph's default
    return _fit(dict(zip(nodes, (tuple(c) for c in coords), strict=True)), side=80 * math.sqrt(len(nodes)))


def _fit(positions: dict[Any, tuple[float, float]], side: float) -> dict[Any, tuple[float, float]]:
    """Scale positions into a square of ``side`` pixels centred on 0 (vis-network works in pixels)."""
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((x - cx) / span * side, (y - cy) / span * side) for n, (x, y) in positions.items()}
