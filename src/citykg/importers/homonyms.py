"""A town's Wikidata item among several sizeable towns of one name, where no section tells them apart.

Five Springfields of the United States have more than 50,000 inhabitants; Wikipedia's other country pages
write each "Springfield, United States" and the geocoder put all of them in Illinois, so the node of that
name holds Wittenberg, Kragujevac and Pitești (which Q40325 lists) with Ashikaga, Isesaki, Tlaquepaque,
Jining, Killarney and Tralee (which no item of the name lists). No state section names a Springfield, and
each of its items explains fewer than two partners no other does, so neither the sections
(:mod:`citykg.importers.states`) nor the item groups (:mod:`citykg.importers.splits`) split it.

Here the partners an item of the name lists go to a node of that item, ``{iri}-2`` (``-3`` …, one per
item; the Wikidata import then links it to the item by its partners), when the evidence says the node is
several towns: GeoNames lists the name in at least two states with at least ``SIZEABLE`` inhabitants
each, at least ``MIN_STRAYS`` of the node's partners, more than the items list, are listed by no item of
the name, and the item lists at least ``MIN_GROUP`` of them (as for rules 8 and 13: one partner an item
lists says little, as its list may just be short — Glendale's Q485716 lists only Kapan, and the partners
no item lists are Glendale, California's too). The node keeps the other partners and its IRI, loses its
position (the geocoder's, which it gave every town of the name) and has no state: it may still be
several towns, which the data cannot tell apart. The item's node has neither: no source places it. Only
United States nodes are tested: elsewhere the same test splits China's cities whose items list few of
their partners (Fuzhou).
"""

from __future__ import annotations

from ..vocab import compact
from .gazetteer import gazetteer
from .names import slug
from .report import ImportReport
from .resolve import Entity, Resolution
from .splits import MIN_GROUP, WikidataEvidence, move_pairs, own_groups
from .strays import MIN_STRAYS

__all__ = ["COUNTRIES", "KEPT", "SECTION", "SIZEABLE", "split_item_towns"]

#: Inhabitants of a town that makes its name ambiguous (the Census Bureau's old threshold for the core of an
#: urbanized area: a town twinned abroad is rarely smaller, and smaller namesakes are many).
SIZEABLE = 50_000
COUNTRIES = frozenset({"US"})
SECTION = ("Nodes split (one Wikidata item of the name lists some partners, no item the others; GeoNames lists "
           "several sizeable towns of the name)")
KEPT = ("Nodes not split (each Wikidata item of the name lists a single one of their partners; GeoNames lists "
        "several sizeable towns of the name): check these")


def split_item_towns(resolution: Resolution, evidence: WikidataEvidence, report: ImportReport) -> None:
    """Split, in place, every node the module docstring describes."""
    partners = resolution.partners()
    for entity in sorted(resolution.entities.values(), key=lambda e: e.iri):
        if entity.curated or entity.province is not None or entity.country not in COUNTRIES:
            continue
        towns = _sizeable_towns(entity)
        if len(towns) < 2:
            continue
        listed = evidence.listing(entity, partners[entity.iri], resolution)
        confirmed = {p for group in listed.values() for p in group}
        strays = partners[entity.iri] - confirmed
        if len(strays) < MIN_STRAYS or len(strays) <= len(confirmed):
            continue
        groups = own_groups(listed)
        if groups and all(len(g) < MIN_GROUP for _, g in groups):
            count = len(partners[entity.iri])
            listed_only = "; ".join(f"{q} lists only {_labels(resolution, g)}" for q, g in groups)
            report.note(KEPT, f"{compact(entity.iri)} ('{entity.label}'): {listed_only}, of its {count} partners: "
                        "one partner does not show that the others are another town's (an item's list may just be "
                        "short)", ties=count)
        groups = [(q, g) for q, g in groups if len(g) >= MIN_GROUP]
        if groups:
            _split(resolution, entity, groups, strays, towns, evidence, report)


def _sizeable_towns(entity: Entity) -> list[tuple[str, int]]:
    """(state code, inhabitants) of the largest GeoNames place of the name in each state, if ≥ SIZEABLE."""
    largest: dict[str, int] = {}
    for place in gazetteer().named(entity.label, entity.country):
        if slug(place.name) == slug(entity.label) and place.population >= SIZEABLE:
            largest[place.admin1] = max(largest.get(place.admin1, 0), place.population)
    return sorted(largest.items(), key=lambda item: (-item[1], item[0]))


def _split(resolution: Resolution, entity: Entity, groups: list[tuple[str, set[str]]], strays: set[str],
           towns: list[tuple[str, int]], evidence: WikidataEvidence, report: ImportReport) -> None:
    moved_to: dict[str, str] = {}
    where = ", ".join(f"{state} ({people:,})" for state, people in towns)
    position = entity.position
    lost = (f"; {compact(entity.iri)} loses its position {position[0]}, {position[1]} (the geocoder's for every "
            "town of the name)") if position is not None else ""
    for number, (qid, group) in enumerate(groups, start=2):
        iri = f"{entity.iri}-{number}"
        while iri in resolution.entities:
            iri += "-2"
        resolution.entities[iri] = Entity(iri, entity.country)
        for partner in group:
            moved_to[partner] = iri
        listed = _partners_text(len(evidence.partners[qid]))
        report.note(SECTION, f"{compact(iri)} split from {compact(entity.iri)} ('{entity.label}'): {qid} lists "
                    f"{_labels(resolution, group)} ({listed} in all); no item of the name lists "
                    f"{_labels(resolution, strays)}, which stay with {compact(entity.iri)}, and GeoNames lists "
                    f"'{entity.label}' in {where}: neither node gets a state or a position{lost}", ties=len(group))
    entity.coordinates.clear()
    move_pairs(resolution, entity, moved_to)


def _labels(resolution: Resolution, partners: set[str]) -> str:
    return ", ".join(sorted(resolution.entities[p].label for p in partners))


def _partners_text(count: int) -> str:
    return f"{count} partner{'' if count == 1 else 's'}"
