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

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx

from .. import labels
from ..errors import UsageError
from ..names import NETWORK_FILE_FORMATS as EXPORT_FORMATS
from ..names import NETWORKS
from ..vocab import compact

_INTEGER = ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
_DECIMAL = ("decimal", "double", "float")


def project(kg, name: str) -> nx.Graph:
    """The projection ``name`` (one of NETWORKS) of the graph behind ``kg`` (a citykg.KnowledgeGraph)."""
    builders = {"municipalities": municipalities, "countries": countries, "actors": actors,
                "sectors": sectors, "shared-sectors": shared_sectors}
    if name not in builders:
        raise UsageError(f"There is no network {name!r}; choose one of {', '.join(NETWORKS)}.")
    graph = builders[name](kg)
    graph.graph["name"] = name
    return graph


def municipalities(kg) -> nx.Graph:
    """Municipalities tied by partnerships. Several partnerships of one pair make one edge whose weight and
    counts add up, so that a pair's tie strength is what the pair shares, not what one document says."""
    graph: nx.Graph[str] = nx.Graph()
    _add_municipality_nodes(kg, graph)
    for row in rows(kg.run("network-municipalities-edges")):
        a, b = compact(row["source"]), compact(row["target"])
        edge = graph.get_edge_data(a, b) or {"weight": 0, "partnerships": 0, "agreements": 0, "events": 0,
                                             "_types": set(), "_status": set(), "_since": set(),
                                             "_sectors": set()}
        edge["weight"] += 1 + row["agreements"] + row["events"]
        edge["partnerships"] += 1
        edge["agreements"] += row["agreements"]
        edge["events"] += row["events"]
        edge["_types"].add(_local(row.get("type")))
        edge["_status"].add(_local(row.get("status")))
        edge["_since"].add(row.get("since"))
        edge["_sectors"].update(_local(iri) for iri in (row.get("sectors") or "").split())
        graph.add_edge(a, b, **edge)
    for _a, _b, edge in graph.edges(data=True):
        edge["partnership_type"] = _joined(edge.pop("_types"))
        edge["status"] = _joined(edge.pop("_status"))
        edge["since"] = min((str(s) for s in edge.pop("_since") if s), default="")
        sectors = sorted(edge.pop("_sectors") - {""})
        edge["sectors"] = "; ".join(sectors)
        edge["sector_count"] = len(sectors)
    return graph


def countries(kg) -> nx.Graph:
    """Countries tied by the partnerships of their municipalities (ties inside a country are left out)."""
    graph: nx.Graph[str] = nx.Graph()
    for row in rows(kg.run("network-countries-nodes")):
        graph.add_node(compact(row["node"]), **_node_attributes(row, "Country", row.get("iso2")),
                       municipalities=row.get("municipalities") or 0)
    for row in rows(kg.run("network-countries-edges")):
        a, b = compact(row["source"]), compact(row["target"])
        graph.add_edge(a, b, weight=row["partnerships"], partnerships=row["partnerships"])
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


def sectors(kg) -> nx.Graph:
    """The bipartite municipality–sector network (``bipartite`` = 0 for municipalities, 1 for sectors)."""
    graph: nx.Graph[str] = nx.Graph()
    _add_municipality_nodes(kg, graph)
    nx.set_node_attributes(graph, dict.fromkeys(graph, 0), "bipartite")
    for row in rows(kg.run("network-sectors-nodes")):
        graph.add_node(compact(row["node"]), label=row.get("label") or compact(row["node"]), type="Sector",
                       country="", field=_local(row.get("field")), bipartite=1)
    for row in rows(kg.run("network-sectors-edges")):
        graph.add_edge(compact(row["source"]), compact(row["target"]), weight=row["partnerships"],
                       partnerships=row["partnerships"])
    return graph


def shared_sectors(kg) -> nx.Graph:
    """The municipality projection of the sectors network: weight = number of sectors two cities share."""
    return project_bipartite(sectors(kg))


def project_bipartite(bipartite: nx.Graph) -> nx.Graph:
    """Project a municipality–sector graph onto its ``bipartite == 0`` side, keeping node attributes."""
    top = [n for n, side in bipartite.nodes(data="bipartite") if side == 0]
    return nx.bipartite.weighted_projected_graph(bipartite, top)


def partners(kg) -> nx.Graph:
    """Every party tied to every other party it shares a partnership with (municipalities, countries,
    organisations): the ties partner suggestions count shared partners on."""
    graph: nx.Graph[str] = nx.Graph()
    for row in rows(kg.run("network-partners-edges")):
        a, b = compact(row["source"]), compact(row["target"])
        graph.add_node(a, label=row.get("sourceLabel") or a)
        graph.add_node(b, label=row.get("targetLabel") or b)
        graph.add_edge(a, b, weight=row["partnerships"])
    return graph


# ---------------------------------------------------------------- files: --from and export


def read(path: str | Path) -> nx.Graph:
    """A network from a file: GraphML (.graphml, .xml), GEXF (.gexf) or an edge list (any other suffix:
    ``source target [weight]`` per line, separated by commas, tabs or spaces; ``#`` starts a comment).

    Directed graphs become undirected, parallel edges one edge with summed weights, self-loops are
    dropped: the metrics here are defined on simple undirected graphs.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"There is no file {str(path)!r} to read a network from.")
    suffix = path.suffix.lower()
    try:
        if suffix in (".graphml", ".xml"):
            raw = nx.read_graphml(path)
        elif suffix == ".gexf":
            raw = nx.read_gexf(path)
        else:
            raw = _read_edge_list(path)
    except (nx.NetworkXError, ValueError, KeyError, OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path} is not a readable network ({type(error).__name__}: {error}).") from None
    except Exception as error:  # the XML parsers raise their own ParseError types
        if type(error).__name__ != "ParseError":
            raise
        raise UsageError(f"{path} is not a readable network (XML error: {error}).") from None
    graph = simple(raw)
    graph.graph["name"] = path.stem
    return graph


def simple(raw: nx.Graph) -> nx.Graph:
    """An undirected simple graph with a numeric ``weight`` and a ``label`` on every node and edge."""
    graph: nx.Graph[str] = nx.Graph()
    graph.graph.update(raw.graph)
    for node, data in raw.nodes(data=True):
        attributes = {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool))}
        attributes.setdefault("label", str(node))
        attributes.setdefault("type", "")
        attributes.setdefault("country", "")
        graph.add_node(str(node), **attributes)
    for a, b, data in raw.edges(data=True):
        if a == b:
            continue
        weight = _number(data.get("weight", 1))
        a, b = str(a), str(b)
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += weight
        else:
            attributes = {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool))}
            graph.add_edge(a, b, **{**attributes, "weight": weight})
    return graph


def write(graph: nx.Graph, fmt: str, out: str | Path | IO[bytes]) -> None:
    """GraphML or GEXF for Gephi; GEXF also gets a ``viz`` position (longitude, latitude) where known, so
    that the network opens laid out as a map."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"Unknown network format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")
    if fmt == "graphml":
        nx.write_graphml(graph, out)
        return
    copy = graph.copy()
    for _node, data in copy.nodes(data=True):
        if isinstance(data.get("lat"), float) and isinstance(data.get("lon"), float):
            data["viz"] = {"position": {"x": data["lon"], "y": data["lat"], "z": 0.0}}
    nx.write_gexf(copy, out)


def node_named(graph: nx.Graph, wanted: str, name: str = "") -> Any:
    """A node by id (``municipality:id-bandung``) or by label, matched by the rule of citykg.labels.

    ``name`` is the network's name, for the message when no node or several nodes match.
    """
    if wanted in graph:
        return wanted
    matches = labels.matching(graph.nodes(data="label"), wanted)
    if len(matches) == 1:
        return matches[0]
    network = f"the {name} network" if name else "the network"
    if not matches:
        raise UsageError(f"No node of {network} is called {wanted!r}.")
    raise UsageError(f"{wanted!r} names {len(matches)} nodes of {network}; use one of the ids: "
                     f"{', '.join(map(str, matches))}.")


def _read_edge_list(path: Path) -> nx.MultiGraph:
    graph: nx.MultiGraph[str] = nx.MultiGraph()  # a pair listed twice is summed by simple()
    text = path.read_text(encoding="utf-8").splitlines()
    sample = "\n".join(text[:20])
    delimiter = "," if "," in sample else "\t" if "\t" in sample else None
    lines = (line for line in text if line.strip() and not line.lstrip().startswith("#"))
    for number, fields in enumerate(_split(lines, delimiter), start=1):
        if len(fields) < 2:
            raise ValueError(f"line {number} has {len(fields)} field(s), an edge needs source and target")
        if number == 1 and fields[0].lower() in ("source", "from", "node1") and len(fields) >= 2:
            continue  # a header row
        weight = _number(fields[2]) if len(fields) > 2 and fields[2] else 1
        graph.add_edge(fields[0], fields[1], weight=weight)
    if graph.number_of_nodes() == 0:
        raise ValueError("it has no edges")
    return graph


def _split(lines: Iterable[str], delimiter: str | None) -> Iterator[list[str]]:
    if delimiter is None:
        yield from (line.split() for line in lines)
    else:
        yield from ([field.strip() for field in row] for row in csv.reader(lines, delimiter=delimiter))


def _number(value: Any) -> float | int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"weight {value!r} is not a number") from None
    return int(number) if number.is_integer() else number


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


def _add_municipality_nodes(kg, graph: nx.Graph) -> None:
    for row in rows(kg.run("network-municipalities-nodes")):
        kind = _local(row.get("type")) or "Municipality"
        graph.add_node(compact(row["node"]), **_node_attributes(row, kind, row.get("countryLabel")))


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
