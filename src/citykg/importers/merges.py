"""Merge nodes the lists wrote two ways: one name inside the other, and the same partners or place.

``Budavár (Budapest)`` and ``Budapest I – Budavár`` are one district of Budapest (ten partners in common);
``Prague 1`` and ``Prague 1 (Prague)`` are one; bare ``Frankfurt``, geocoded in the middle of Frankfurt
am Main, is Frankfurt am Main. Two nodes of one country are merged when the words of one name are all words
of the other (ignoring Roman district numbers) and

- the longer node is written like the shorter in other rows (resolved there by a shared partner), or
- they share at least two partners and at least half of the smaller node's partners, or
- the shorter name is the longer one's beginning ("Frankfurt" / "Frankfurt am Main"), both were
  geocoded within ``NEAR_KM`` of each other, and no other such longer name was.

A name that says what kind of body it is ("Arlington County", "Forchheim (district)") is a different
body from the town and never merged with it. Every merge is reported with its evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..vocab import compact
from .names import parse_name, slug
from .report import ImportReport
from .resolve import NEAR_KM, Entity, Resolution, distance_km

__all__ = ["merge_written_twice", "KIND_WORDS", "absorb", "is_kind"]

#: Words naming a kind of administrative body rather than a place.
KIND_WORDS = frozenset({"county", "district", "region", "province", "prefecture", "oblast", "rayon", "raion",
                        "regency", "kabupaten", "gmina", "commune", "municipality", "borough", "township",
                        "governorate", "department", "state", "canton", "shire", "parish", "okrug", "krai"})
_CONNECTORS = frozenset({"am", "an", "im", "in", "upon", "on", "nad", "pod", "bei", "ob", "sur", "sous", "sul",
                         "auf"})
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(ix|iv|v?i{0,3})$")
SECTION = "Nodes merged (one name written two ways)"


def _words(entity: Entity) -> tuple[str, ...]:
    return tuple(w for w in entity.iri.rsplit("/", 1)[1].split("-")[1:] if not _ROMAN.match(w))


def is_kind(entity: Entity) -> bool:
    name = parse_name(entity.label)
    return name.is_kind or bool(KIND_WORDS & set(_words(entity)))


def merge_written_twice(resolution: Resolution, report: ImportReport) -> None:
    """Merge, in place, the nodes the module docstring describes (which IRI stays: :func:`_keeper`)."""
    partners = resolution.partners()
    buckets: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for entity in resolution.entities.values():
        words = _words(entity)
        if words and not is_kind(entity):
            buckets[(entity.country, words[0])].append(entity)
    merges: list[tuple[Entity, Entity, str]] = []
    for group in buckets.values():
        group.sort(key=lambda e: e.iri)
        for small in group:
            evidence = _evidence(small, group, partners)
            if evidence is not None:
                merges.append((small, *evidence))
    gone: set[str] = set()
    for small, big, why in merges:
        if small.iri in gone or big.iri in gone:
            continue
        keep, drop = _keeper(small, big, partners, by_position="geocoded" in why)
        absorb(resolution, keep, drop)
        gone.add(drop.iri)
        report.note(SECTION, f"{compact(drop.iri)} ('{drop.label}') into {compact(keep.iri)} ('{keep.label}'): {why}",
                    ties=len(partners[small.iri] | partners[big.iri]))


def _evidence(small: Entity, group: list[Entity], partners: dict[str, set[str]]) -> tuple[Entity, str] | None:
    words = set(_words(small))
    longer = [e for e in group if e is not small and words <= set(_words(e)) and _extra_is_qualifier(small, e)
              and e.iri not in partners[small.iri] and (len(_words(e)), e.iri) > (len(_words(small)), small.iri)]
    spelled = [e for e in longer if small.label in e.spellings]
    if len(spelled) == 1:
        return spelled[0], (f"the lists write it '{small.label}' too, in rows a shared partner resolved "
                            f"({spelled[0].spellings[small.label]})")
    for big in longer:
        shared = partners[small.iri] & partners[big.iri]
        if len(shared) >= 2 and 2 * len(shared) >= min(len(partners[small.iri]), len(partners[big.iri])):
            return big, f"{len(shared)} partners in common"
    prefix = "-".join(_words(small)) + "-"
    starting = [e for e in longer if "-".join(_words(e)).startswith(prefix)]
    near = [e for e in starting if _within(small, e)]
    if len(near) == 1:
        others = ", ".join(e.label for e in starting if e is not near[0]) or "none"
        return near[0], f"'{small.label}' was geocoded within {NEAR_KM:g} km of it (other such names: {others})"
    return None


def _extra_is_qualifier(small: Entity, big: Entity) -> bool:
    """The longer name adds only where the place lies: a qualifier ("Lagoa, Algarve", "Budapest I – Budavár")
    or a river or region after a preposition ("Frankfurt am Main", "Newcastle upon Tyne")."""
    mine, theirs = _words(small), _words(big)
    extra = set(theirs) - set(mine)
    if theirs[:len(mine)] == mine and len(theirs) > len(mine) and theirs[len(mine)] in _CONNECTORS:
        return True
    for spelling in big.spellings:
        name = parse_name(spelling)
        if name.qualifier is not None and not name.is_kind and extra <= set(slug(name.qualifier).split("-")):
            return True
    return False


def _within(a: Entity, b: Entity) -> bool:
    if a.position is None or b.position is None:
        return False
    pa, pb = a.position, b.position
    return distance_km((float(pa[0]), float(pa[1])), (float(pb[0]), float(pb[1]))) <= NEAR_KM


def _keeper(small: Entity, big: Entity, partners: dict[str, set[str]], by_position: bool) -> tuple[Entity, Entity]:
    """A curated IRI wins; then the longer name when the bare one was placed by coordinates (it is the
    ambiguous one), else the node with more ties, then the longer name."""
    if by_position:
        return (small, big) if small.curated and not big.curated else (big, small)
    ranked = sorted((small, big), key=lambda e: (not e.curated, -len(partners[e.iri]), e is small))
    return ranked[0], ranked[1]



def absorb(resolution: Resolution, keep: Entity, drop: Entity) -> None:
    keep.spellings.update(drop.spellings)
    for spelling, position in drop.coordinates.items():
        keep.coordinates.setdefault(spelling, position)
    keep.lines.extend(drop.lines)
    del resolution.entities[drop.iri]
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (a, b), lines in resolution.pairs.items():
        a, b = (keep.iri if x == drop.iri else x for x in (a, b))
        if a != b:
            pairs[(min(a, b), max(a, b))].extend(lines)
    resolution.pairs = dict(pairs)
