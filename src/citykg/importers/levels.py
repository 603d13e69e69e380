"""Which imported "municipalities" are really provinces or regions: flagged for a curator.

Wikipedia's lists put first-level subdivisions ("Gansu", "New South Wales", "Győr-Moson-Sopron") and
districts among the towns. A node is flagged when its name is that of an ISO 3166-2 subdivision of its
country of a first-level kind (pycountry; "Anhui Sheng" counts as "Anhui"), or GeoNames' English name of a
first-level subdivision in a country that has provinces ("East Java": pycountry knows only "Jawa Timur"),
or says it is one ("Osh Region", "Akmola Region"), unless GeoNames also lists a populated place of that
name there (a city named like its province, "Tokyo"). It stays a ``ckg:Municipality``: the model does not
let a ckg:Province be a partner (``ckg:partner`` ranges over ``ckg:Party``, which a province is not), so
retyping it would break its partnerships; the report lists each with its ties.
"""

from __future__ import annotations

from functools import cache

from .gazetteer import Gazetteer
from .names import slug
from .subdivisions import admin1_names

__all__ = ["subdivision_level"]

#: Kinds of first-level body (ISO 3166-2 types, words in a name): above any municipality. Counties,
#: districts, boroughs and municipalities are local governments, as ckg:Municipality means.
_PROVINCE_KINDS = frozenset({"province", "region", "state", "prefecture", "autonomous region", "oblast",
                             "governorate", "department", "autonomous community", "canton", "voivodeship",
                             "emirate", "territory", "special region", "autonomous province", "krai", "republic",
                             "autonomous okrug", "federal state", "land", "metropolitan region"})
_PROVINCE_WORDS = frozenset({"province", "region", "prefecture", "oblast", "governorate", "krai", "okrug",
                             "voivodeship"})

#: Words pycountry appends to a subdivision's name to say its kind ("Anhui Sheng", "Tōkyō-to").
_TYPE_SUFFIXES = ("sheng", "shi", "to", "fu", "ken", "do", "si", "zizhiqu", "province", "region", "oblast")


@cache
def _subdivisions(country: str) -> dict[str, str]:
    """Slug of each subdivision name (and of it without its kind word) → its ISO 3166-2 code and type."""
    import pycountry

    found: dict[str, str] = {}
    for subdivision in pycountry.subdivisions.get(country_code=country) or ():
        if subdivision.type.lower() not in _PROVINCE_KINDS:
            continue
        key = slug(subdivision.name)
        described = f"{subdivision.code}, {subdivision.type.lower()}"
        found.setdefault(key, described)
        head, _, last = key.rpartition("-")
        if head and last in _TYPE_SUFFIXES:
            found.setdefault(head, described)
    return found


@cache
def _has_provinces(country: str) -> bool:
    """Whether the country's subdivisions include a kind above a municipality (Slovenia's, Greenland's and Cape
    Verde's first level is their municipalities: their GeoNames admin1 names are towns)."""
    import pycountry

    return any(s.type.lower() in _PROVINCE_KINDS for s in pycountry.subdivisions.get(country_code=country) or ())


def subdivision_level(gazetteer: Gazetteer, country: str, name: str) -> str | None:
    """Why ``name`` looks like a subdivision rather than a municipality, or None."""
    key = slug(name)
    words = set(key.split("-"))
    if gazetteer.named(name, country):
        return None
    if key in _subdivisions(country):
        return f"the name of the ISO 3166-2 subdivision {_subdivisions(country)[key]}"
    english = {slug(n): code for code, n in admin1_names(country).items()} if _has_provinces(country) else {}
    if key in english:
        return f"the English name of the first-level subdivision {country}.{english[key]} (GeoNames)"
    kind = sorted(words & _PROVINCE_WORDS)
    if kind:
        return f"the name says '{kind[0]}'"
    return None
