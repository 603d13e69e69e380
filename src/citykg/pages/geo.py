"""Country outlines from the vendored Natural Earth data, and an inline SVG map with a pin.

The data is ``countries-110m.json`` of the npm package ``world-atlas`` 2.0.2 (Natural Earth 1:110m admin-0
boundaries, public domain; the package is ISC-licensed, see ``data/world-atlas-LICENSE``). It is TopoJSON:
shared arcs, delta-encoded integer positions and a transform. Decoding it is thirty lines, so it is done
here rather than by the ``topojson`` package, which pulls in shapely, pandas and more for the same thing.

Reusable by the geo layout of ``citykg viz``: :func:`countries` gives each country's rings in longitude /
latitude; :func:`svg_map` draws a window around a point. Equirectangular projection: x = longitude,
y = -latitude, which is what a pin on a city page needs and keeps the SVG small.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Country", "countries", "svg_map", "numeric_code"]

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Country:
    """One country of the data set: its ISO 3166-1 numeric code (as the data gives it), its name, its
    outer and inner rings as (longitude, latitude) points, and its bounding box (west, south, east, north)."""

    code: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    bbox: tuple[float, float, float, float]


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country of Natural Earth's 1:110m map, decoded once per process."""
    topology = json.loads(files("citykg.pages").joinpath("data/countries-110m.json").read_text("utf-8"))
    (scale_x, scale_y), (move_x, move_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * scale_x + move_x, 3), round(y * scale_y + move_y, 3)))
        arcs.append(points)
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])],
                    "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
        rings = tuple(tuple(_ring(arcs, ring)) for polygon in polygons for ring in polygon)
        if not rings:
            continue
        xs = [p[0] for ring in rings for p in ring]
        ys = [p[1] for ring in rings for p in ring]
        found.append(Country(str(geometry.get("id", "")), geometry["properties"]["name"], rings,
                             (min(xs), min(ys), max(xs), max(ys))))
    return tuple(found)


def _ring(arcs: list[Ring], indices: list[int]) -> Ring:
    """A ring joined from its arcs; ``~i`` is arc ``i`` reversed; each arc repeats the last point of the
    one before it (TopoJSON specification, section 2.2.2)."""
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def numeric_code(iso2: str) -> str | None:
    """The ISO 3166-1 numeric code the data names a country by, for its alpha-2 code (``ID`` → ``360``)."""
    import pycountry

    found = pycountry.countries.get(alpha_2=iso2.upper())
    return found.numeric if found is not None else None


def svg_map(lat: float, lon: float, *, label: str = "", highlight: str | None = None,
            span: tuple[float, float] = (50.0, 30.0), width: int = 400) -> str:
    """An inline ``<svg>`` of the countries around (``lat``, ``lon``) with a pin there; ``highlight`` is
    the ISO 3166-1 numeric code of a country to shade, ``span`` the window in degrees (longitude,
    latitude). Only the countries the window touches are written, so a page stays a few kilobytes."""
    span_x, span_y = span
    west, east = lon - span_x / 2, lon + span_x / 2
    south, north = max(lat - span_y / 2, -90.0), min(lat + span_y / 2, 90.0)
    paths = []
    simple = west >= -180.0 and east <= 180.0
    for country, rings in _prepared():
        box = country.bbox  # a country wholly outside the window (most of them) costs one test, not one per ring
        if simple and box[0] >= -180.0 and box[2] - box[0] <= 180.0 and (
                box[2] < west or box[0] > east or box[3] < south or box[1] > north):
            continue
        drawn = []
        for ring, bbox, crosses, text in rings:
            if simple and not crosses:
                if not (bbox[2] < west or bbox[0] > east or bbox[3] < south or bbox[1] > north):
                    drawn.append(text)
                continue
            if bbox[3] < south or bbox[1] > north:  # latitudes do not move when longitudes are unwrapped
                continue
            moved = _unwrap_ring(ring, lon)
            if _touches(moved, west, south, east, north):
                drawn.append(_path(moved))
        if drawn:
            css = "country here" if highlight and country.code == highlight else "country"
            paths.append(f'<path class="{css}" d="{" ".join(drawn)}"><title>{escape(country.name)}</title></path>')
    height = round(width * (north - south) / span_x)
    pin = (f'<circle class="pin" cx="{lon:g}" cy="{-lat:g}" r="{span_x / 160:g}">'
           f'<title>{escape(label)} ({lat:g}, {lon:g})</title></circle>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" aria-label={quoteattr("Map: " + label)} '
            f'width="{width}" height="{height}" viewBox="{west:g} {-north:g} {span_x:g} {north - south:g}">'
            f'<rect class="sea" x="{west:g}" y="{-north:g}" width="{span_x:g}" height="{north - south:g}"/>'
            + "".join(paths) + pin + "</svg>")


def _path(ring) -> str:
    return "M" + "L".join(f"{x:g},{-y:g}" for x, y in ring) + "Z"


@lru_cache(maxsize=1)
def _prepared():
    """Each country's rings with their bounding box, whether they cross the antimeridian, and their SVG
    path text: computed once, so a map costs a bounding-box test per ring."""
    prepared = []
    for country in countries():
        rings = []
        for ring in country.rings:
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            crosses = any(abs(a[0] - b[0]) > 180.0 for a, b in zip(ring, ring[1:], strict=False))
            rings.append((ring, (min(xs), min(ys), max(xs), max(ys)), crosses, _path(ring)))
        prepared.append((country, rings))
    return prepared


def _unwrap_ring(ring, centre: float) -> list[tuple[float, float]]:
    """The ring with its longitudes moved by multiples of 360° so that it has no jump of more than 180°
    (Fiji and Russia cross the antimeridian), starting in the half circle around ``centre``."""
    out: list[tuple[float, float]] = []
    for x, y in ring:
        if not out:
            x = (x - centre + 180.0) % 360.0 + centre - 180.0
        else:
            x += 360.0 * round((out[-1][0] - x) / 360.0)
        out.append((x, y))
    return out


def _touches(ring: list[tuple[float, float]], west: float, south: float, east: float, north: float) -> bool:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return not (max(xs) < west or min(xs) > east or max(ys) < south or min(ys) > north)
