"""Split a node whose rows fall into two states' sections, and give every such town its state.

A host row's city carries the state of its page section (:mod:`citykg.importers.sections`): "Kansas City"
is listed under Kansas (Limerick) and under Missouri (Arusha, Freetown, …), so the node of that name is two
towns. Each state of a node's host rows is a *town*; so is a Wikidata item of the name that explains at least
``MIN_GROUP`` of the node's partners no town's section or item explains, when the sections' towns have
items of their own or GeoNames lists the name in another state as large as theirs (Rochester: the Minnesota
section, and Q49218, whose thirteen partners are New York's). An item belongs to the town whose section partners it
lists; when exactly one item and one town are left unmatched and GeoNames lists the name in no other state,
they belong together ("Kansas City", Q486472, is Kansas's). Every other pair goes to the town whose section
lists the same partner or whose item lists it; a pair that none or several explain stays with the node that
keeps the IRI, and the report says so. The town with most pairs keeps the IRI (then the larger GeoNames
place); a section town gets ``{iri}-{state code}``, an item's town ``{iri}-2``, … A section town gets
``ckg:inProvince`` (its position is checked against the state when written, :mod:`citykg.importers.hekman`);
an item's town gets no province and no position: no source gives them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..vocab import compact
from .gazetteer import gazetteer
from .names import slug
from .positions import in_state
from .report import ImportReport
from .resolve import Entity, Resolution, Row
from .sections import Section, admin1_names, state_of_lines
from .splits import MIN_GROUP, WikidataEvidence, move_pairs
from .strays import split_strays

__all__ = ["SECTION", "STATES", "split_by_state"]

SECTION = "Nodes split (one name, several towns: the page's state sections tell them apart)"
STATES = "States read from the country pages' sections"
LEFT = "Pairs of a split node that no section or item places (kept with the node that keeps the IRI)"


@dataclass
class Town:
    """One town inside a node: its state (None for a Wikidata item's town) and the partners it has."""

    state: str | None
    items: list[str] = field(default_factory=list)
    partners: set[str] = field(default_factory=set)
    section_partners: set[str] = field(default_factory=set)
    confirmed: set[str] = field(default_factory=set)  # the partners its items list


def split_by_state(resolution: Resolution, rows: list[Row], sections: list[Section],
                   evidence: WikidataEvidence | None, report: ImportReport) -> None:
    """Give towns their state and split the nodes the module docstring describes, in place."""
    _note_sections(sections, report)
    hosts = _host_states(resolution, rows, state_of_lines(sections))
    for iri in sorted(hosts):
        entity = resolution.entities[iri]
        if entity.curated:
            continue
        towns, left, unlisted = _towns(resolution, entity, hosts[iri], evidence)
        if len(towns) == 1 and towns[0].state is not None:
            entity.province = towns[0].state
            split_strays(resolution, entity, towns[0].items, unlisted, towns[0].confirmed, evidence, report)
        elif len(towns) > 1:
            _split(resolution, entity, towns, left, report)


def _note_sections(sections: list[Section], report: ImportReport) -> None:
    for section in sections:
        names = admin1_names(section.country)
        carried = [m.name for m, s in section.carriers() if s is not None]
        not_carried = [m.name for m, s in section.carriers() if s is None]
        last = section.members[-1].lines[-1]
        rest = f"; not carried by {', '.join(not_carried)} (GeoNames places them elsewhere, or at a cut)" \
            if not_carried else ""
        report.note(STATES, f"lines {section.first_line}–{last} ({section.country}): {names[section.state]}, "
                    f"carried by {', '.join(carried)}{rest}", ties=sum(len(m.lines) for m in section.members))


def _host_states(resolution: Resolution, rows: list[Row], state_of: dict[int, str]) -> dict[str, dict[str, str]]:
    """Node → {partner → state} for the pairs a host row with a state lists ("" when two states list one pair)."""
    pair_of = {line: pair for pair, lines in resolution.pairs.items() for line in lines}
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        state = state_of.get(row.line)
        if state is None or row.line not in pair_of:
            continue
        for host, other in (pair_of[row.line], pair_of[row.line][::-1]):
            entity = resolution.entities[host]
            if entity.country == row.a.country and row.a.name.text in entity.spellings:
                previous = found[host].get(other)
                found[host][other] = state if previous in (None, state) else ""
                break
    return found


def _towns(resolution: Resolution, entity: Entity, hosted: dict[str, str],
           evidence: WikidataEvidence | None) -> tuple[list[Town], set[str], set[str]]:
    """The towns of ``entity`` with their partners, the partners no town explains, and those no item lists."""
    mine = {b if a == entity.iri else a for a, b in resolution.pairs if entity.iri in (a, b)}
    towns = {state: Town(state) for state in sorted(set(hosted.values()) - {""})}
    for partner, state in hosted.items():
        if state:
            towns[state].partners.add(partner)
            towns[state].section_partners.add(partner)
    explained = evidence.listing(entity, mine, resolution) if evidence is not None else {}
    _match_items(entity, towns, explained)
    every = [*towns.values(), *_item_towns(entity, towns, explained)]
    left = set()
    for partner in sorted(mine - {p for t in every for p in t.section_partners}):
        fitting = [t for t in every if any(partner in explained[q] for q in t.items) or partner in t.partners]
        if len(fitting) == 1:
            fitting[0].partners.add(partner)
        else:
            left.add(partner)
    for town in every:
        town.confirmed = {p for q in town.items for p in explained[q]}
    return every, left, {p for p in left if not any(p in listed for listed in explained.values())}


def _item_towns(entity: Entity, towns: dict[str, Town], explained: dict[str, set[str]]) -> list[Town]:
    """A town for each item no section's town has that alone lists ≥ MIN_GROUP of the node's other partners,
    when there is room for another town (:func:`_room_for_another`, or the sections' towns have items)."""
    if not (_room_for_another(entity, towns) or any(t.items for t in towns.values())):
        return []
    claimed = {p for town in towns.values() for q in town.items for p in explained[q]}
    claimed |= {p for town in towns.values() for p in town.partners}
    free = [q for q in explained if not any(q in t.items for t in towns.values())]
    found = []
    for qid in free:
        others = {p for q in free if q != qid for p in explained[q]}
        own = explained[qid] - claimed - others
        if len(own) >= MIN_GROUP:
            found.append(Town(None, [qid], set(own)))
    return found


def _room_for_another(entity: Entity, towns: dict[str, Town]) -> bool:
    """Whether GeoNames lists the name in another state, as large as the sections' largest town.

    An item that lists none of a section's partners is another town only if there is one it could be: a
    city's item often lacks a partner the page lists (Minneapolis, Q36091, lacks Bosaso), and then no other
    sizeable Minneapolis exists; Rochester (New York) is larger than Rochester (Minnesota).
    """
    places = [p for p in gazetteer().named(entity.label, entity.country) if slug(p.name) == slug(entity.label)]
    inside = max((p.population for p in places if p.admin1 in towns), default=0)
    return any(p.population >= inside for p in places if p.admin1 not in towns)


def _match_items(entity: Entity, towns: dict[str, Town], explained: dict[str, set[str]]) -> None:
    """An item belongs to the town whose section partners it lists most; one item and one town left over
    belong together when GeoNames lists the name in no other state."""
    for qid, listed in explained.items():
        overlap = sorted(((len(listed & t.section_partners), s) for s, t in towns.items()), reverse=True)
        if overlap and overlap[0][0] > 0 and (len(overlap) == 1 or overlap[1][0] < overlap[0][0]):
            towns[overlap[0][1]].items.append(qid)
    lonely = [t for t in towns.values() if not t.items]
    unmatched = [q for q in explained if not any(q in t.items for t in towns.values())]
    if len(towns) >= 2 and len(lonely) == 1 and len(unmatched) == 1:
        states = {p.admin1 for p in gazetteer().named(entity.label, entity.country)
                  if slug(p.name) == slug(entity.label)}
        if states <= set(towns):
            lonely[0].items.append(unmatched[0])


def _split(resolution: Resolution, entity: Entity, towns: list[Town], left: set[str],
           report: ImportReport) -> None:
    keeper = min(towns, key=lambda t: (-len(t.partners), -_population(entity, t.state), t.state is None,
                                       t.state or "", t.items))
    numbered = 2
    moved_to: dict[str, str] = {}
    names = admin1_names(entity.country)
    for town in towns:
        if town is keeper:
            continue
        if town.state is not None:
            iri = f"{entity.iri}-{town.state.lower()}"
        else:
            iri = f"{entity.iri}-{numbered}"
            numbered += 1
        while iri in resolution.entities:
            iri += "-2"
        twin = Entity(iri, entity.country, province=town.state)
        resolution.entities[iri] = twin
        for partner in town.partners:
            moved_to[partner] = iri
        where = f"the {names[town.state]} section lists" if town.state else f"{', '.join(town.items)} lists"
        items = f" (its Wikidata item: {', '.join(town.items)})" if town.state and town.items else ""
        report.note(SECTION, f"{compact(iri)} split from {compact(entity.iri)} ('{entity.label}'): {where} "
                    f"{_labels(resolution, town.section_partners or town.partners)}{items}"
                    f"{_also(resolution, town)}; {compact(entity.iri)} keeps {_town_text(keeper, names)}",
                    ties=len(town.partners))
    entity.province = keeper.state
    position = entity.position
    moved = {t.state for t in towns if t is not keeper and t.state is not None}
    if keeper.state is None and position is not None and any(
            in_state(gazetteer(), entity.country, state, *map(float, position)) for state in moved):
        entity.coordinates.clear()  # the geocoder placed the name at the town that was split off
        report.note(SECTION, f"{compact(entity.iri)} ('{entity.label}') loses its position {position[0]}, "
                    f"{position[1]}: it lies in the state of a town split off", ties=0)
    for partner in sorted(left):
        report.note(LEFT, f"{compact(entity.iri)}–{resolution.entities[partner].label}: no section or item of "
                    f"'{entity.label}' places it (or several do)", ties=1)
    move_pairs(resolution, entity, moved_to)


def _population(entity: Entity, state: str | None) -> int:
    if state is None:
        return 0
    return max((p.population for p in gazetteer().named(entity.label, entity.country) if p.admin1 == state),
               default=0)


def _labels(resolution: Resolution, partners: set[str]) -> str:
    return ", ".join(sorted(resolution.entities[p].label for p in partners))


def _also(resolution: Resolution, town: Town) -> str:
    more = town.partners - town.section_partners if town.state else set()
    return f"; with it go {_labels(resolution, more)}" if more else ""


def _town_text(town: Town, names: dict[str, str]) -> str:
    if town.state is not None:
        return f"the {names[town.state]} section's town ({len(town.partners)} partners)"
    return f"the town of {', '.join(town.items)} ({len(town.partners)} partners) and the pairs no one places"
