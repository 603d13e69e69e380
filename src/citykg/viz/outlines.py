"""Country outlines under the geo layout: Natural Earth's rings (``citykg.pages.geo``) in the layout's own
projection, reduced to what the page's canvas needs, as a compact JSON array.

The geo layout puts a node at x = longitude × GEO_SCALE, y = −latitude × GEO_SCALE (``style.geo_layout``);
the rings are written in the same pixels, so a node sits inside its country. They are rounded to whole
pixels (a tenth of a degree at the default scale: finer than the 1:110m data shows on screen) and points that
fall together are dropped. Rings crossing the antimeridian (Fiji, Chukotka) are unwrapped into one piece, and
Antarctica's, which goes round the pole, is closed along the map's bottom edge; the page draws each piece
again one world-width over and clips to the map, so both halves show.

The page draws the rings on vis-network's ``beforeDrawing`` canvas hook (behind the network, and not nodes:
they cannot be clicked, hovered or selected). Countries with a drawn node are listed as ``here`` and shaded.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import networkx as nx

from .. import labels
from . import style

__all__ = ["outlines", "country_codes"]

Ring = list[tuple[int, int]]


def outlines(graph: nx.Graph, scale: float = style.GEO_SCALE) -> dict[str, Any]:
    """The map for the page: ``{"scale", "width", "countries": [{"name", "here", "rings": [[x, y, x, y, …]]}]}``
    with ``here`` true for the countries that ``graph`` has a node in (by the nodes' ``country``)."""
    present = {code for _n, country in graph.nodes(data="country", default="") if country
               for code in [country_code(str(country))] if code}
    return {"scale": scale, "width": round(360 * scale),
            "countries": [{"name": name, "here": key in present, "rings": rings}
                          for key, name, rings in _rings(scale)]}


def country_code(text: str) -> str | None:
    """The key the map knows a country by (ISO 3166-1 numeric, or Natural Earth's name where the data gives
    no code, as for Kosovo) for a node's country label or code ("Indonesia", "ID", "South Korea")."""
    key = labels.normalise(text)
    return country_codes().get(key) or _SHORTENED.get(key) or _by_iso(text)


#: Common English names that neither Natural Earth's short names ("Dem. Rep. Congo") nor pycountry's
#: lookup ("Congo, The Democratic Republic of the") match: ISO 3166-1 numeric codes.
_SHORTENED = {"democratic republic of the congo": "180", "dr congo": "180", "falkland islands": "238",
              "ivory coast": "384", "north macedonia": "807"}


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Natural Earth's own names (normalised as the CLI folds names) → the map's key."""
    from ..pages.geo import countries

    return {labels.normalise(c.name): c.code or c.name for c in countries()}


@lru_cache(maxsize=512)
def _by_iso(text: str) -> str | None:
    import pycountry

    try:
        found = pycountry.countries.lookup(text.strip())
    except LookupError:
        return None
    return str(found.numeric)


@lru_cache(maxsize=4)
def _rings(scale: float) -> tuple[tuple[str, str, list[list[int]]], ...]:
    """Each country's key, name and rings as flat [x0, y0, x1, y1, …] pixel lists (computed once)."""
    from ..pages.geo import countries

    found = []
    for country in countries():
        rings = []
        for ring in country.rings:
            points = _on_grid(_unwrapped(ring), scale)
            if len(points) >= 3:
                rings.append([v for point in points for v in point])
        if rings:
            found.append((country.code or country.name, country.name, rings))
    return tuple(found)


def _unwrapped(ring) -> list[tuple[float, float]]:
    """The ring without jumps of more than 180° of longitude; one that goes once round the pole ends a
    world-width from where it began, and is closed through the pole's edge of the map (±90°)."""
    out: list[tuple[float, float]] = []
    for lon, lat in ring:
        if out:
            lon += 360.0 * round((out[-1][0] - lon) / 360.0)
        out.append((lon, lat))
    if abs(out[-1][0] - out[0][0]) > 180.0:
        pole = -90.0 if sum(lat for _lon, lat in out) < 0 else 90.0
        out += [(out[-1][0], pole), (out[0][0], pole)]
    return out


def _on_grid(ring: list[tuple[float, float]], scale: float) -> Ring:
    """The ring in whole pixels of the layout, without repeated points or the closing repeat."""
    points: Ring = []
    for lon, lat in ring:
        point = (round(lon * scale), round(-lat * scale))
        if not points or point != points[-1]:
            points.append(point)
    while len(points) > 1 and points[-1] == points[0]:
        points.pop()
    return points
