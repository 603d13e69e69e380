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

:func:`first_level_subdivision` also says *which* subdivision (:class:`Subdivision`): an ISO 3166-2 code
joined with the GeoNames admin1 codes whose English name is one of its names, so that "Shandong" and
"Shandong Province", or a state section's Rhode Island and a listed one, are one subdivision
(:mod:`citykg.importers.provinces` gives it one node).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from .gazetteer import Gazetteer
from .names import slug
from .subdivisions import admin1_names

__all__ = ["PROVINCE_WORDS", "SIMILAR_TOWN", "Subdivision", "english_name", "first_level_subdivision", "name_keys",
           "province_evidence", "subdivision_level", "subdivision_of_admin1"]

#: A GeoNames place whose name is this similar to a subdivision's (difflib ratio of the slugs) may be its town.
SIMILAR_TOWN = 0.9

#: Kinds of first-level body (ISO 3166-2 types, words in a name): above any municipality. Counties,
#: districts, boroughs and municipalities are local governments, as ckg:Municipality means.
_PROVINCE_KINDS = frozenset({"province", "region", "state", "prefecture", "autonomous region", "oblast",
                             "governorate", "department", "autonomous community", "canton", "voivodeship",
                             "emirate", "territory", "special region", "autonomous province", "krai", "republic",
                             "autonomous okrug", "federal state", "land", "metropolitan region"})
PROVINCE_WORDS = frozenset({"province", "region", "prefecture", "oblast", "governorate", "krai", "okrug",
                             "voivodeship"})

#: Words pycountry appends to a subdivision's name to say its kind ("Anhui Sheng", "Tōkyō-to").
_TYPE_SUFFIXES = ("sheng", "shi", "to", "fu", "ken", "do", "si", "zizhiqu", "province", "region", "oblast")
#: Romanised kind words GeoNames leaves in an English name ("Zhejiang Sheng", "Tianjin Shi").
_LOCAL_KIND_WORDS = frozenset({"sheng", "shi", "zizhiqu"})


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
    kind = sorted(words & PROVINCE_WORDS)
    if kind:
        return f"the name says '{kind[0]}'"
    return None


def province_evidence(gazetteer: Gazetteer, country: str, name: str) -> str | None:
    """Why ``name`` is surely a first-level subdivision of ``country`` (see the module docstring), or None."""
    found = first_level_subdivision(gazetteer, country, name)
    return None if found is None else found[1]


def first_level_subdivision(gazetteer: Gazetteer, country: str, name: str) -> tuple[Subdivision, str] | None:
    """The first-level subdivision ``name`` surely is, and why; None when that is not sure."""
    key = slug(name)
    if subdivision_level(gazetteer, country, name) is None or _town_like(gazetteer, country, key):
        return None
    head, _, last = key.rpartition("-")
    first = _first_level(country)
    for candidate in (key, head if last in PROVINCE_WORDS else None):
        if candidate and candidate in first:
            return first[candidate]
    return None


@dataclass(frozen=True)
class Subdivision:
    """One first-level subdivision, however it is written: an ISO 3166-2 code, joined with the GeoNames
    admin1 codes whose English name is one of its names (a GeoNames code no ISO name matches stands alone:
    "East Java" is GeoNames' ID.08, pycountry's ID-JI is only "Jawa Timur")."""

    country: str
    code: str  # "CN-ZJ", or "ID.08" for a GeoNames code alone
    english: str  # GeoNames' English name, else the ISO 3166-2 name, without a romanised kind word ("Sheng")
    names: frozenset[str]  # every name known for it (the ISO one, GeoNames'): what curated provinces are matched by
    admin1: frozenset[str] = frozenset()  # its GeoNames admin1 codes
    kind: str | None = None  # its ISO 3166-2 type, lower case ("prefecture")

    @property
    def keys(self) -> frozenset[str]:
        """The slugs of its names, also without a kind word ("zhejiang" for "Zhejiang Sheng")."""
        return frozenset(k for name in self.names for k in name_keys(name))


def name_keys(name: str) -> set[str]:
    """The slug of ``name`` and, when it ends in a kind word ("Osaka Prefecture", "Anhui Sheng"), the rest."""
    key = slug(name)
    head, _, last = key.rpartition("-")
    return {key, head} if head and (last in _TYPE_SUFFIXES or last in PROVINCE_WORDS) else {key}


def english_name(name: str) -> str:
    """``name`` without a trailing romanised kind word ("Zhejiang Sheng" → "Zhejiang"): English says none."""
    words = name.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1].lower() in _LOCAL_KIND_WORDS else name


def subdivision_of_admin1(country: str, code: str) -> Subdivision:
    """The subdivision of GeoNames admin1 ``code`` (a state section's), as :func:`first_level_subdivision` names it."""
    for subdivision, _ in _first_level(country).values():
        if code in subdivision.admin1:
            return subdivision
    english = admin1_names(country)[code]
    return Subdivision(country, f"{country}.{code}", english_name(english), frozenset({english}), frozenset({code}))


@cache
def _first_level(country: str) -> dict[str, tuple[Subdivision, str]]:
    """Slug of each first-level subdivision's local name (also without its kind word) and English name → the
    subdivision and why."""
    import pycountry

    iso = [s for s in pycountry.subdivisions.get(country_code=country) or ()
           if s.parent_code is None and s.type.lower() in _PROVINCE_KINDS]
    english: dict[str, list[tuple[str, str]]] = {s.code: [] for s in iso}  # ISO code → (GeoNames code, name)
    alone: dict[str, list[tuple[str, str]]] = {}  # slug of a GeoNames name no ISO name matches → codes
    for code, name in sorted(admin1_names(country).items()) if _has_provinces(country) else ():
        joined = next((s.code for s in iso if name_keys(name) & name_keys(s.name)), None)
        (english[joined] if joined else alone.setdefault(slug(name), [])).append((code, name))
    found: dict[str, tuple[Subdivision, str]] = {}
    for s in iso:
        names = english[s.code]
        subdivision = Subdivision(country, s.code, english_name(names[0][1] if names else s.name),
                                  frozenset({s.name, *(n for _, n in names)}), frozenset(c for c, _ in names),
                                  s.type.lower())
        why = f"the first-level ISO 3166-2 subdivision {s.code} ({s.type.lower()})"
        key = slug(s.name)
        found.setdefault(key, (subdivision, why))
        head, _, last = key.rpartition("-")
        if head and last in _TYPE_SUFFIXES:
            found.setdefault(head, (subdivision, why))
    by_code = {code: subdivision for subdivision, _ in found.values() for code in subdivision.admin1}
    for names in alone.values():
        (first_code, name), codes = names[0], frozenset(c for c, _ in names)
        by_code |= dict.fromkeys(codes, Subdivision(country, f"{country}.{first_code}", english_name(name),
                                                    frozenset({name}), codes))
    for code, name in sorted(admin1_names(country).items()) if _has_provinces(country) else ():
        found.setdefault(slug(name), (by_code[code], f"the English name of the first-level subdivision "
                                                     f"{country}.{code} (GeoNames)"))
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
