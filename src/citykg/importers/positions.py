"""Every point in its country: check a geocoded position against the node's country, fix or drop it.

The geocoder behind the Wikipedia lists looked names up without their country, so ``us-paris`` sits in
the French capital and ``ca-london`` in England. A position is *outside its country* when GeoNames' nearest
place of that country is more than ``FAR_KM`` away and a place of another country is less than half as far
(a remote island far from any town of its own country is not flagged; a border town is). Such a position is
replaced by GeoNames' position for the same name in the node's country when exactly one place there has
that name, and dropped otherwise. Every case is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gazetteer import Gazetteer, GazetteerPlace

__all__ = ["FAR_KM", "PositionCheck", "check_position", "same_state", "in_state", "place_in_state"]

#: A position this far from every place of its own country is suspect.
FAR_KM = 25.0

#: A position farther than this from every place of its country says nothing of its state.
STATE_KM = 100.0

#: Territories GeoNames files under their own code that the lists file under their state.
_STATE_OF = {"AX": "FI", "EH": "MA", "PR": "US", "GU": "US", "VI": "US", "AS": "US", "MP": "US", "UM": "US",
             "GL": "DK", "FO": "DK", "RE": "FR", "GP": "FR", "MQ": "FR", "GF": "FR", "YT": "FR", "NC": "FR",
             "PF": "FR", "PM": "FR", "BL": "FR", "MF": "FR", "WF": "FR", "AW": "NL", "CW": "NL", "SX": "NL",
             "BQ": "NL", "HK": "CN", "MO": "CN", "GI": "GB", "IM": "GB", "JE": "GB", "GG": "GB", "BM": "GB",
             "SJ": "NO", "CX": "AU", "CC": "AU", "NF": "AU"}


def same_state(a: str, b: str) -> bool:
    """``AX`` and ``FI``, ``MA`` and ``EH``: one state for the lists' purposes."""
    return _STATE_OF.get(a, a) == _STATE_OF.get(b, b)


@dataclass(frozen=True)
class PositionCheck:
    """The verdict on one position outside its country."""

    own_km: float  # distance to the nearest place of the node's country
    nearest: GazetteerPlace  # the nearest place of any country
    nearest_km: float
    fix: GazetteerPlace | None  # GeoNames' place of that name in the node's country, if only one


def check_position(gazetteer: Gazetteer, country: str, names: list[str], lat: float,
                   long: float) -> PositionCheck | None:
    """None when the position lies in (or by) ``country``; else what is wrong and the fix if one."""
    own = [d for code in {country, *(t for t, s in _STATE_OF.items() if s == country)}
           if (d := gazetteer.distance_to_country_km(code, lat, long)) is not None]
    if not own or min(own) <= FAR_KM:
        return None
    nearest, nearest_km = gazetteer.nearest(lat, long)
    if same_state(nearest.country, country) or nearest_km * 2 >= min(own):
        return None
    return PositionCheck(min(own), nearest, nearest_km, _unique_place(gazetteer, country, names))


def _unique_place(gazetteer: Gazetteer, country: str, names: list[str]) -> GazetteerPlace | None:
    found: dict[int, GazetteerPlace] = {}
    for name in names:
        for place in gazetteer.named(name, country):
            found[place.geonameid] = place
    return next(iter(found.values())) if len(found) == 1 else None


def in_state(gazetteer: Gazetteer, country: str, state: str, lat: float, long: float) -> bool:
    """Whether GeoNames' nearest place of ``country`` to the position lies in ``state`` (and within STATE_KM:
    the middle of Hawaii's Big Island is 40 km from any town)."""
    place, km = gazetteer.nearest_in(country, lat, long)
    return place is not None and km <= STATE_KM and place.admin1 == state


def place_in_state(gazetteer: Gazetteer, country: str, state: str, names: list[str]) -> GazetteerPlace | None:
    """GeoNames' place of one of ``names`` in ``state``: the only one, or one twenty times the next's size."""
    found: dict[int, GazetteerPlace] = {}
    for name in names:
        for place in gazetteer.named(name, country):
            if place.admin1 == state:
                found[place.geonameid] = place
    ranked = sorted(found.values(), key=lambda p: (-p.population, p.geonameid))
    if len(ranked) == 1 or (len(ranked) > 1 and ranked[0].population >= 20 * ranked[1].population):
        return ranked[0]
    return None
