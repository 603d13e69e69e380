"""``citykg viz``: a network as one self-contained, offline, filterable HTML page (pyvis + our template).

pyvis builds the Network (nodes, edges, options) and renders it through ``templates/network.html``, our own
template: pyvis' ``local`` mode copies ``lib/`` into the working folder and loads vis-network from a CDN, and
its ``in_line`` template links Bootstrap from a CDN (docs: /work/shared/STACK.md). Ours inlines the
vis-network copy that ships inside the pyvis wheel, forbids every request with a Content-Security-Policy,
carries all data as JSON and shows it with ``textContent``: a label such as ``<img src=x onerror=…>`` is
text. The file is written at ``out`` only. The geo layout draws country outlines under the nodes, from data
embedded in the page (citykg.viz.outlines).

    >>> from citykg import KnowledgeGraph
    >>> from citykg.viz import visualise
    >>> visualise(KnowledgeGraph(), "network.html", layout="geo")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from .. import labels, names
from ..errors import CityKGError, UsageError
from ..network import node_named
from . import style

__all__ = ["NETWORKS", "SIZE_METRICS", "LAYOUTS", "COLOUR_BY", "STATUSES", "Selection", "VizResult",
           "visualise", "select", "trim", "render", "write"]

NETWORKS = names.VIZ_NETWORKS
SIZE_METRICS = names.SIZE_METRICS
LAYOUTS = names.LAYOUTS
COLOUR_BY = names.COLOUR_BY
STATUSES = names.STATUSES
#: Default cap on drawn nodes: a 2,000-node page opens in about a second (docs/bench-viz.md).
MAX_NODES = 2000
#: Above this many nodes the browser's physics would take too long to settle: lay out in Python instead.
PHYSICS_LIMIT = 150
TEMPLATES = Path(__file__).with_name("templates")
_YEAR = re.compile(r"^(\d{4})")


class VizError(CityKGError):
    """The page cannot be made (the vis-network copy inside pyvis is missing or unusable)."""


@dataclass(frozen=True)
class Selection:
    """Which part of a network to draw; each filter is optional. The page's own filters work the same way:
    an edge stays when it matches sector, status and since-year and touches a node of the country; a node
    stays when one of its edges stays (or, with no edge filter, when it is of the country)."""

    sector: str | None = None
    country: str | None = None
    since: int | None = None
    status: str | None = None
    focus: str | None = None
    depth: int = 1

    def describe(self) -> str:
        parts = [f"sector {self.sector}" if self.sector else "", f"country {self.country}" if self.country else "",
                 f"since {self.since}" if self.since else "", f"status {self.status}" if self.status else "",
                 f"around {self.focus} (depth {self.depth})" if self.focus else ""]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class VizResult:
    """What was written: the file, what it draws out of how much, and how it is laid out."""

    path: Path
    nodes: int
    edges: int
    total_nodes: int
    total_edges: int
    layout: str
    physics: bool
    #: Why fewer nodes are drawn than selected, and how to get all of them ("" when nothing was trimmed).
    notice: str

    @property
    def trimmed(self) -> bool:
        return bool(self.notice)


def visualise(kg, out: str | Path, network: str = "municipalities", *, graph: nx.Graph | None = None,
              selection: Selection = Selection(), layout: str = "force", size_by: str = "degree",
              colour_by: str = "kind", max_nodes: int | None = MAX_NODES, title: str | None = None) -> VizResult:
    """Draw a network of ``kg`` (or ``graph``, e.g. from ``citykg.network.read``) into the HTML file ``out``.

    ``kg`` supplies the projection (unless ``graph`` is given) and the sources and quotes shown for a
    clicked node; it may be None with a ``graph``. ``max_nodes=None`` draws everything.
    """
    _check_choice("layout", layout, LAYOUTS)
    _check_choice("size", size_by, SIZE_METRICS)
    _check_choice("colour", colour_by, COLOUR_BY)
    # the focus as a node id, for finding it; the heading keeps the user's words
    lookup = resolved(kg, selection) if kg is not None and selection.focus else selection
    if graph is None and selection.focus:
        graph = around_focus(kg, network, lookup)
    if graph is None:
        graph = load(kg, network)
    name = str(graph.graph.get("name") or network)
    whole = (graph.number_of_nodes(), graph.number_of_edges())
    chosen = select(graph, lookup, name)
    drawn, notice = trim(chosen, max_nodes)
    heading = title or f"citykg: {name} network" + (f" ({selection.describe()})" if selection.describe() else "")
    html, physics = render(drawn, kg=kg, title=heading, layout=layout, size_by=size_by, colour_by=colour_by,
                           notice=notice)
    path = write(html, out)
    return VizResult(path, drawn.number_of_nodes(), drawn.number_of_edges(), *whole, layout, physics,
                     notice)


def load(kg, network: str) -> nx.Graph:
    """A projection of the knowledge graph: citykg.network's, or the "full" one of citykg.viz.data."""
    _check_choice("network", network, NETWORKS)
    if network == "full":
        from .data import full

        return full(kg)
    from ..network.projections import project

    return project(kg, network)


def resolved(kg, selection: Selection) -> Selection:
    """The selection with ``--focus`` as the node id of the municipality it names, by the one label rule of
    every command (KnowledgeGraph.resolve: any language, "Name, Country"; an ambiguous name raises with the
    candidates). A focus that names no municipality (a person of the actors network) is left as given."""
    from ..vocab import CKG, compact

    found = kg.resolve(CKG + "Municipality", selection.focus or "")
    return replace(selection, focus=compact(found[0])) if found else selection


def around_focus(kg, network: str, selection: Selection) -> nx.Graph | None:
    """The municipalities or the full network only as far as ``--focus`` and ``--depth`` reach (issue 10:
    work that grows with the answer), or None where the whole projection must answer: another network, or
    a focus that names no single municipality and is no IRI (the whole network's messages then say why).

    The filters only remove ties, so the ego graph of the filtered network lies within this neighbourhood
    and is the same; what differs is that the totals of VizResult count the neighbourhood, not the graph.
    Where the selection fails on the neighbourhood (a sector none of its ties has, a label in another
    language), the whole network is projected, so that the message is the one it gives.
    """
    if network not in ("municipalities", "full") or not selection.focus:
        return None
    from ..query.catalogue import expand
    from ..vocab import CKG

    iri = expand(selection.focus)
    found = [iri.value] if iri is not None else kg.resolve(CKG + "Municipality", selection.focus)
    if len(found) != 1:
        return None
    if network == "full":
        from .data import full_around

        graph = full_around(kg, found[0], selection.depth)
    else:
        from ..network.neighbourhood import municipalities_around

        graph = municipalities_around(kg, found, selection.depth)
    try:
        select(graph, selection, network)
    except UsageError:  # a filter or a label the neighbourhood cannot judge: the whole network's message
        return None
    return graph


# ---------------------------------------------------------------- selection


def select(graph: nx.Graph, selection: Selection, name: str = "") -> nx.Graph:
    """The part of ``graph`` that ``selection`` asks for (a subgraph view copy; the input is untouched)."""
    name = name or str(graph.graph.get("name", ""))
    if selection.sector or selection.status or selection.since:
        _check_edge_attributes(graph, selection, name)
    if selection.country:
        keys = _country_keys(selection.country)
        country_nodes = {n for n, c in graph.nodes(data="country", default="") if labels.normalise(str(c)) in keys}
        if not country_nodes:
            raise UsageError(f"No node of the {name} network is in the country {selection.country!r}.")
    else:
        country_nodes = set(graph)
    sector = _slug(selection.sector) if selection.sector else None
    status = STATUSES.get(selection.status.lower(), selection.status) if selection.status else None
    edges = [(a, b) for a, b, data in graph.edges(data=True)
             if (sector is None or sector in style.split(data.get("sectors")))
             and (status is None or status in style.split(data.get("status")))
             and (selection.since is None or (_year(data.get("since")) or 0) >= selection.since)
             and (a in country_nodes or b in country_nodes)]
    by_edge = bool(sector or status or selection.since)
    keep = {n for edge in edges for n in edge} | (set() if by_edge else country_nodes)
    chosen = graph.edge_subgraph(edges).copy()
    chosen.add_nodes_from((n, graph.nodes[n]) for n in keep)
    chosen.graph.update(graph.graph)
    if chosen.number_of_nodes() == 0:
        raise UsageError(f"Nothing of the {name} network is left after the filters ({selection.describe()}).")
    if selection.focus:
        chosen = _ego(chosen, graph, selection, name)
    return chosen


def trim(graph: nx.Graph, max_nodes: int | None) -> tuple[nx.Graph, str]:
    """Keep the ``max_nodes`` best-connected nodes (by number of ties, then label), and say so."""
    total = graph.number_of_nodes()
    if not max_nodes or total <= max_nodes:
        return graph, ""
    ranked = sorted(graph.degree(), key=lambda item: (-item[1], str(graph.nodes[item[0]].get("label", item[0]))))
    kept = graph.subgraph(node for node, _degree in ranked[:max_nodes]).copy()
    notice = (f"Showing the {max_nodes:,} best-connected of {total:,} nodes (by number of ties) and the "
              f"{kept.number_of_edges():,} of {graph.number_of_edges():,} ties among them. To draw all of it: "
              f"citykg viz --max-nodes 0 (Python: max_nodes=None), slower to open; or narrow it with --focus, "
              f"--country, --sector, --status or --since.")
    return kept, notice


def _ego(chosen: nx.Graph, graph: nx.Graph, selection: Selection, name: str) -> nx.Graph:
    node = node_named(graph, selection.focus or "", name)
    if node not in chosen:
        raise UsageError(f"{selection.focus} has no tie left in the {name} network after the filters.")
    ego = nx.ego_graph(chosen, node, radius=selection.depth)
    ego.graph.update(chosen.graph)
    return ego


def _check_edge_attributes(graph: nx.Graph, selection: Selection, name: str) -> None:
    asked = {"sectors": selection.sector, "status": selection.status, "since": selection.since}
    for attribute, value in asked.items():
        if value and not any(attribute in data for _a, _b, data in graph.edges(data=True)):
            what = {"sectors": "sectors", "status": "statuses", "since": "start dates"}[attribute]
            raise UsageError(f"The ties of the {name} network have no {what}; --network municipalities "
                             f"or full has them.")
    if selection.sector:
        sector = _slug(selection.sector)
        if not any(sector in style.split(d.get("sectors")) for _a, _b, d in graph.edges(data=True)):
            raise UsageError(f"No tie of the {name} network is in the sector {selection.sector!r} "
                             f"('citykg query sector-counts' lists the sectors in use).")


def _slug(text: str) -> str:
    """A sector as given by a user ("Vocational training", "sector:vocational-training") → its slug."""
    return re.sub(r"[\s_]+", "-", text.strip().rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower())


def _country_keys(text: str) -> set[str]:
    """The spellings a country may have in a network: as given, its ISO code and its names."""
    import pycountry

    keys = {labels.normalise(text)}
    try:
        country = pycountry.countries.lookup(text.strip())
    except LookupError:
        return keys
    for attribute in ("alpha_2", "name", "common_name", "official_name"):
        value = getattr(country, attribute, None)
        if value:
            keys.add(labels.normalise(value))
    return keys


def _year(value: Any) -> int | None:
    match = _YEAR.match(str(value or ""))
    return int(match.group(1)) if match else None


def _check_choice(what: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise UsageError(f"There is no {what} {value!r}; choose one of {', '.join(choices)}.")


# ---------------------------------------------------------------- rendering


def render(graph: nx.Graph, *, kg=None, title: str = "citykg network", layout: str = "force",
           size_by: str = "degree", colour_by: str = "kind", notice: str = "") -> tuple[str, bool]:
    """The HTML page for ``graph`` and whether the browser runs physics. Node sizes follow ``size_by``
    computed on the drawn graph; sources and quotes of nodes with an ``iri`` come from ``kg``."""
    from ..network import analytics
    from .outlines import outlines
    from .page import build_network, page_data

    n = graph.number_of_nodes()
    if n == 0:
        raise UsageError("The network has no nodes to draw (is the store built? 'citykg build').")
    sizes = analytics.metric(graph, size_by, fast=n >= 1000)
    notes = [notice] if notice else []
    if layout == "geo":
        positions, unplaced = style.geo_layout(graph)
        physics = False
        if unplaced:
            notes.append(f"{unplaced:,} of {n:,} nodes have no coordinates: each sits among its neighbours, "
                         f"or under the map when none has any.")
    elif n > PHYSICS_LIMIT:
        positions, physics = style.force_layout(graph), False
        notes.append(f"{n:,} nodes: laid out before opening, physics off (above {PHYSICS_LIMIT} nodes it "
                     f"would take the browser too long to settle).")
    else:
        positions, physics = {}, True
    palette = style.Palette.for_graph(graph, colour_by)
    network = build_network(graph, sizes, size_by, palette, positions, physics, straight=layout == "geo")
    page = page_data(graph, kg=kg, title=title, layout=layout, size_by=size_by, sizes=sizes, palette=palette,
                     notice=" ".join(notes))
    network.set_template_dir(str(TEMPLATES) + os.sep, "network.html")
    network.templateEnv = _environment()
    geo_map = outlines(graph) if layout == "geo" else None
    network.templateEnv.globals.update(page=page, geo_map=geo_map, **_assets())
    return network.generate_html(), physics


def write(html: str, out: str | Path) -> Path:
    """Write the page at ``out`` (atomically: a half-written page never replaces a good one)."""
    path = Path(out)
    UsageError.unless_folder_exists(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(html)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; a page is for sharing
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _environment():
    """Our template's environment: autoescaping on (pyvis' own has it off)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined)


@lru_cache(maxsize=1)
def _assets() -> dict[str, Any]:
    """vis-network's script and style from the pyvis wheel, checked to be safe to inline."""
    import pyvis
    from markupsafe import Markup

    folders = sorted((Path(pyvis.__file__).parent / "templates" / "lib").glob("vis-*"),
                     key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.name)))
    if not folders:
        raise VizError("The vis-network copy inside the pyvis package is missing; reinstall pyvis.")
    folder = folders[-1]
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    script = re.sub(r"^//# sourceMappingURL=.*$", "", script, flags=re.M)  # devtools would fetch the map
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    # Inline text must not close its element early: "</script" or "<!--" in the script, "</style" in the css.
    if re.search(r"</script|<!--", script, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        raise VizError(f"{folder} holds a vis-network copy that cannot be inlined safely.")
    return {"vis_js": Markup(script), "vis_css": Markup(css), "vis_version": folder.name.removeprefix("vis-"),
            "pyvis_version": getattr(pyvis, "__version__", "")}
