"""Partners that no item explains: a second town of the name that no section and no item names.

Portland, Oregon has its page section (Ashkelon, Mutare, Suzhou) and its Wikidata item (Q6106, seven
partners); the node of that name also holds Mytilene, Shinagawa, Arkhangelsk … which Wikipedia's other
country pages list with "Portland, United States". No section and no item of the crawl is Portland, Maine.
The strays are split off, as ``{iri}-2``, only when the evidence is strong: at least ``MIN_STRAYS`` partners
that no item of the name lists, while the town's item lists at least ``LONG_LIST`` partners (so their absence
says something); the strays outnumber the node's partners the items do list (Newark, New Jersey keeps Belo
Horizonte and Porto Alegre: its item lists four others of the node); and GeoNames lists a second place of
the name in the country, in another state, at least 1/``SECOND_TOWN`` as large. The new node claims nothing
no source says: no state, no position; the report names GeoNames' place as the likely town, a suggestion
for a curator.
"""

from __future__ import annotations

from ..vocab import compact
from .gazetteer import GazetteerPlace, gazetteer
from .names import slug
from .report import ImportReport
from .resolve import Entity, Resolution
from .sections import admin1_names
from .splits import WikidataEvidence, move_pairs

__all__ = ["LONG_LIST", "MIN_STRAYS", "SECOND_TOWN", "SECTION", "split_strays"]

LONG_LIST = 5
MIN_STRAYS = 3
SECOND_TOWN = 20
SECTION = "Nodes split (partners that the town's Wikidata item does not list; a second town of the name)"


def split_strays(resolution: Resolution, entity: Entity, items: list[str], strays: set[str], confirmed: set[str],
                 evidence: WikidataEvidence | None, report: ImportReport) -> None:
    """Split ``strays`` (partners of ``entity`` no item lists) off ``entity``, a town whose items are ``items``
    and list its partners ``confirmed``."""
    if evidence is None or len(strays) < MIN_STRAYS or entity.province is None:
        return
    longest = max(items, key=lambda q: (len(evidence.partners[q]), -int(q[1:])), default=None)
    if longest is None or len(evidence.partners[longest]) < LONG_LIST or len(strays) <= len(confirmed):
        return
    other = _second_town(entity)
    if other is None:
        return
    iri = f"{entity.iri}-2"
    while iri in resolution.entities:
        iri += "-2"
    resolution.entities[iri] = Entity(iri, entity.country)
    move_pairs(resolution, entity, dict.fromkeys(strays, iri))
    names = admin1_names(entity.country)
    unlisted = ", ".join(sorted(resolution.entities[p].label for p in strays))
    report.note(SECTION, f"{compact(iri)} split from {compact(entity.iri)} ('{entity.label}', "
                f"{names[entity.province]}): {longest} lists {len(evidence.partners[longest])} partners "
                f"({len(confirmed)} of the node's), and no item of the name lists {unlisted}; GeoNames "
                f"lists another in {entity.country}: {other.name}, {names.get(other.admin1, other.admin1)} "
                f"({other.population:,} inhabitants, GeoNames {other.geonameid}), the likely town (a suggestion: "
                "the new node has no state and no position)", ties=len(strays))


def _second_town(entity: Entity) -> GazetteerPlace | None:
    places = [p for p in gazetteer().named(entity.label, entity.country) if slug(p.name) == slug(entity.label)]
    own = max((p.population for p in places if p.admin1 == entity.province), default=0)
    others = [p for p in places if p.admin1 != entity.province and p.population * SECOND_TOWN >= own]
    return others[0] if others else None
