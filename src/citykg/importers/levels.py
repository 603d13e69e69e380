"""Which imported "municipalities" are really provinces or regions: flagged for a curator.

Wikipedia's lists put first-level subdivisions ("Gansu", "New South Wales", "Győr-Moson-Sopron") and
districts among the towns. A node is flagged when its name is that of an ISO 3166-2 subdivision of its
country of a first-level kind (pycountry; "Anhui Sheng" counts as "Anhui"), or GeoNames' English name of a
first-level subdivision in a country that has provinces ("East Java": pycountry knows only "Jawa Timur"),
or says it is one ("Osh Region", "Akmola Region"), unless GeoNames also lists a populated place of that
name there (a city named like its province, "Tokyo"). The report lists each with its ties.

A flagged node is retyped ``ckg:Province`` (a ``ckg:Party``: a province's government twins with others,
Jawa Timur with Western Australia) only when that is sure (:func:`province_evidence`): its name, or its name
without a kind word ("Osaka Prefecture"), is the local (ISO 3166-2) or English (GeoNames) name of a
*first-level* subdivision, and no GeoNames place of the country has a name like it ("Zaporizhzhya" for
"Zaporizhia", "Qalqīlyah", "Melekeok Village": those may be the town, and stay municipalities). Italy's
provinces ("Ravenna Province", second-level) and names that only say "Region" stay flagged.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import cache

from .gazetteer import Gazetteer
from .names import slug
from .subdivisions import admin1_names

__all__ = ["SIMILAR_TOWN", "province_evidence", "subdivision_level"]

#: A GeoNames place whose name is this similar to a subdivision's (difflib ratio of the slugs) may be its town.
SIMILAR_TOWN = 0.9

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


def province_evidence(gazetteer: Gazetteer, country: str, name: str) -> str | None:
    """Why ``name`` is surely a first-level subdivision of ``country`` (see the module docstring), or None."""
    key = slug(name)
    if subdivision_level(gazetteer, country, name) is None or _town_like(gazetteer, country, key):
        return None
    head, _, last = key.rpartition("-")
    first = _first_level(country)
    for candidate in (key, head if last in _PROVINCE_WORDS else None):
        if candidate and candidate in first:
            return first[candidate]
    return None


@cache
def _first_level(country: str) -> dict[str, str]:
    """Slug of each first-level subdivision's local name (also without its kind word) and English name → why."""
    import pycountry

    found: dict[str, str] = {}
    for subdivision in pycountry.subdivisions.get(country_code=country) or ():
        if subdivision.parent_code is not None or subdivision.type.lower() not in _PROVINCE_KINDS:
            continue
        described = f"the first-level ISO 3166-2 subdivision {subdivision.code} ({subdivision.type.lower()})"
        key = slug(subdivision.name)
        found.setdefault(key, described)
        head, _, last = key.rpartition("-")
        if head and last in _TYPE_SUFFIXES:
            found.setdefault(head, described)
    if _has_provinces(country):
        for code, english in admin1_names(country).items():
            found.setdefault(slug(english), f"the English name of the first-level subdivision {country}.{code} "
                                            "(GeoNames)")
    return found


def _town_like(gazetteer: Gazetteer, country: str, key: str) -> bool:
    """Whether a GeoNames place of ``country`` has a name like ``key`` (ratio ≥ SIMILAR_TOWN, or starting with it)."""
    for place in gazetteer.in_country(country):
        for other in place.keys:
            if other.startswith(key + "-"):
                return True
            matcher = SequenceMatcher(None, key, other)
            if matcher.real_quick_ratio() >= SIMILAR_TOWN and matcher.quick_ratio() >= SIMILAR_TOWN \
                    and matcher.ratio() >= SIMILAR_TOWN:
                return True
    return False
