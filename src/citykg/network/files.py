"""Networks in files: ``citykg ... --from FILE`` (GraphML, GEXF, edge lists), export for Gephi, and finding
a node by id or label. Kept apart from citykg.network.projections, which makes networks from queries."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx

from .. import labels
from ..errors import UsageError
from ..names import NETWORK_FILE_FORMATS as EXPORT_FORMATS


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
