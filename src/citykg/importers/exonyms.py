"""Wikidata items by their names in other languages, and items the graph does not know yet, via GeoNames.

The crawl names items in German ("Rom", "Genf", "Moskau", "Peking"); the graph knows them in English.
GeoNames lists each place's names in many languages, so an item named like a GeoNames place is a
*candidate* for every known municipality of that place's country named as GeoNames names the place
(``Rom`` → Rome IT, Rome US); the item's partners then decide between them as for any other name.

An item no known municipality explains may still be a place GeoNames lists: when exactly one GeoNames
place (of at least 1,000 inhabitants) carries its name, or one city twenty times as populous as any other
of that name ("Amsterdam"), the item becomes a new municipality of that
place's country, at that place's position, with GeoNames as the source of both facts; when the name is
that of several places all in one country, of that country without a position. Its name may
carry a German qualifier ("Niles (Illinois)"): the base name is looked up then.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .gazetteer import Gazetteer, GazetteerPlace
from .known import KnownGraph
from .names import parse_name, slug
from .resolve import municipality_iri

__all__ = ["exonym_candidates", "lookup_names", "new_place", "dominant", "NewPlace"]


#: Words around a name that say "the municipality of": the same body as the town ("Gladsaxe Kommune",
#: "City of Leeds"). Words of another level ("Präfektur Tokio", a prefecture) are not removed.
_MUNICIPAL = re.compile(r"^(?:(?:London |Royal )?Borough of|City of|Town of|Municipality of|Municipio(?: de)?|"
                        r"Gemeinde|Stadt|Kommune)\s+|\s+(?:Kommune|kommun|kommune|Municipality|City|Stadt)$|"
                        r"-(?:si|shi)$")
#: How much larger than any other place of its name a GeoNames place must be to be taken for the name alone.
DOMINANT = 20
DOMINANT_POPULATION = 100_000


def lookup_names(name: str) -> list[str]:
    """The name as written, its base if it has a qualifier ("Niles (Illinois)" → "Niles"), and without words
    that only say "municipality" or "city" ("Gladsaxe Kommune" → "Gladsaxe", "Jeju-si" → "Jeju")."""
    found = [name]
    parsed = parse_name(name)
    if parsed.qualifier is not None:
        found.append(parsed.base)
    if "/" in name:  # "Falkenstein/Vogtl.", "Sulzbach/Saar": the part after the slash says where
        found.append(name.split("/", 1)[0].strip())
    stripped = _MUNICIPAL.sub("", name).strip()
    if stripped and stripped != name:
        found.append(stripped)
    return found


def dominant(places: list[GazetteerPlace]) -> GazetteerPlace | None:
    """The only place, or one at least DOMINANT times as populous as the next (and a city): "Amsterdam"."""
    if len(places) == 1:
        return places[0]
    if len(places) > 1 and places[0].population >= DOMINANT_POPULATION and \
            places[0].population >= DOMINANT * places[1].population:
        return places[0]
    return None


def exonym_candidates(names: dict[str, str], known: KnownGraph, gazetteer: Gazetteer) -> dict[str, set[str]]:
    """Item → known municipalities that a GeoNames place of the item's name also names."""
    by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    for known_place in known.places.values():
        for known_name in known_place.names:
            by_key[(known_place.iso2, slug(known_name))].add(known_place.iri)
    found: dict[str, set[str]] = {}
    for qid, name in names.items():
        candidates: set[str] = set()
        for written in lookup_names(name):
            places = gazetteer.named(written)
            for place in places:
                if place.population * DOMINANT < places[0].population:
                    continue  # "Cali" is also a name of Derbent, a twentieth of Cali's size
                # by the place's own name: its other names may be its neighbours' ("Diamante" is also called
                # "São Paulo"); by any of them only for the one place that dominates the name ("Kalkutta")
                keys = place.keys if place is dominant(places) else (slug(place.name),)
                for key in keys:
                    candidates |= by_key.get((place.country, key), set())
        if candidates:
            found[qid] = candidates
    return found


@dataclass(frozen=True)
class NewPlace:
    """A municipality made for a Wikidata item: its country (and position, when one place) from GeoNames."""

    name: str  # the English label: GeoNames' name of the place
    country: str
    place: GazetteerPlace | None  # None when several places of the name lie in that one country
    evidence: str


def new_place(name: str, gazetteer: Gazetteer, known: KnownGraph) -> tuple[str, NewPlace] | None:
    """(IRI, new municipality) for an item named as one GeoNames place, or only as places of one country.

    None when the name fits places of several countries, or when that IRI is already a known node (a
    homonym the partners did not confirm).
    """
    for written in lookup_names(name):
        places = gazetteer.named(written)
        place = dominant(places)
        if place is not None:
            found = NewPlace(place.name, place.country, place, f"the only (or by far the largest) GeoNames place "
                             f"of that name, {place.name} ({place.country}, {place.lat:g}, {place.long:g}, "
                             f"GeoNames {place.geonameid})")
        elif places and len({p.country for p in places}) == 1 and all(slug(p.name) == slug(written) for p in places):
            ids = ", ".join(str(p.geonameid) for p in places)
            found = NewPlace(places[0].name, places[0].country, None, f"{len(places)} GeoNames places of that "
                             f"name, all in {places[0].country} (GeoNames {ids}): no position")
        elif places:
            return None
        else:
            continue
        key = slug(found.name)
        iri = municipality_iri(found.country, key)
        return None if iri in known.places or not key else (iri, found)
    return None
