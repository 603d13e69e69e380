"""Split a node that is several towns of one name, where Wikidata's items of that name tell them apart.

Wikipedia's lists write "Columbus" for Columbus, Ohio and Columbus, Georgia, and the geocoder put both at
one position, so resolution by name and coordinates makes one node with both towns' partners. Wikidata
has an item per town, each with its own P190 partners. When at least two items of the node's name each
explain at least ``MIN_GROUP`` of the node's partners that no other item of that name explains, the node
is split: the item explaining most keeps the IRI and every partner no item claims; each other group
becomes a node ``{iri}-2``, ``{iri}-3`` … without a position (the geocoder's was the first town's).
A partner is explained by an item when one of the item's partners has that partner's name, in any of
the node's spellings or as the GeoNames place that dominates the item's name ("Genua" → Genoa).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from ..vocab import compact
from .gazetteer import gazetteer
from .names import parse_name, slug
from .report import ImportReport
from .resolve import Entity, Resolution

__all__ = ["MIN_GROUP", "WikidataEvidence", "fits_keys", "move_pairs", "own_groups", "read_evidence", "split_homonyms"]

MIN_GROUP = 2
SECTION = "Nodes split (one name, several towns: Wikidata's items tell them apart)"


class WikidataEvidence:
    """Wikidata items by name, and the names of each item's partners (as slugs, with their exonyms)."""

    def __init__(self, names: dict[str, str], pairs: set[tuple[str, str]]) -> None:
        self.names = names
        self.by_key: dict[str, list[str]] = defaultdict(list)
        for qid, name in sorted(names.items(), key=lambda item: int(item[0][1:])):
            for key in {slug(name), slug(parse_name(name).base)}:
                self.by_key[key].append(qid)
        self.partners: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs:
            self.partners[a].add(b)
            self.partners[b].add(a)

    def listing(self, entity: Entity, mine: set[str], resolution: Resolution) -> dict[str, set[str]]:
        """Each item of ``entity``'s name → those of its partners ``mine`` that the item lists (items that
        list none left out)."""
        found = {}
        for qid in self.by_key.get(slug(entity.label), []):
            keys = self.partner_keys(qid)
            listed = {p for p in mine if fits_keys(resolution.entities[p], keys)}
            if listed:
                found[qid] = listed
        return found

    def partner_keys(self, qid: str) -> set[tuple[str | None, str]]:
        """(country or None, slug) for each partner's name: as written, and as its dominant GeoNames place."""
        from .exonyms import dominant, lookup_names

        keys: set[tuple[str | None, str]] = set()
        for partner in self.partners[qid]:
            for written in lookup_names(self.names[partner]):
                keys.add((None, slug(written)))
                place = dominant(gazetteer().named(written))
                if place is not None:
                    keys.add((place.country, slug(place.name)))
        return keys


def read_evidence(relations: Path, names_path: Path) -> WikidataEvidence:
    from .wikidata import read_names, read_statements

    scratch = ImportReport("Wikidata evidence")
    names = read_names(names_path, scratch)
    pairs = {(min(a, b), max(a, b)) for _, a, b in read_statements(relations, scratch) if a in names and b in names}
    return WikidataEvidence(names, pairs)


def split_homonyms(resolution: Resolution, evidence: WikidataEvidence, report: ImportReport) -> None:
    """Split, in place, every node the module docstring describes."""
    partners = resolution.partners()
    for entity in sorted(resolution.entities.values(), key=lambda e: e.iri):
        if entity.curated or entity.province is not None:
            continue  # a node the page's sections placed: citykg.importers.states weighed its items
        if len(evidence.by_key.get(slug(entity.label), [])) < 2:
            continue
        groups = [(qid, group) for qid, group in own_groups(evidence.listing(entity, partners[entity.iri], resolution))
                  if len(group) >= MIN_GROUP]
        if len(groups) >= 2:
            _split(resolution, entity, groups, evidence, report)


def own_groups(listed: dict[str, set[str]]) -> list[tuple[str, set[str]]]:
    """(item, the partners only that item lists) for each item listing one, largest first, then by Q-number."""
    claims = Counter(p for group in listed.values() for p in group)
    groups = [(qid, {p for p in group if claims[p] == 1}) for qid, group in listed.items()]
    return sorted(((qid, group) for qid, group in groups if group), key=lambda g: (-len(g[1]), int(g[0][1:])))


def fits_keys(partner: Entity, keys: set[tuple[str | None, str]]) -> bool:
    """Whether one of ``partner``'s spellings is among the names an item's partners go by."""
    for spelling in partner.spellings:
        for key in {slug(spelling), slug(parse_name(spelling).base)}:
            if (None, key) in keys or (partner.country, key) in keys:
                return True
    return False


def _split(resolution: Resolution, entity: Entity, groups: list[tuple[str, set[str]]],
           evidence: WikidataEvidence, report: ImportReport) -> None:
    moved_to: dict[str, str] = {}
    for number, (qid, group) in enumerate(groups[1:], start=2):
        iri = f"{entity.iri}-{number}"
        while iri in resolution.entities:
            iri += "-2"
        twin = Entity(iri, entity.country)
        resolution.entities[iri] = twin
        for partner in group:
            moved_to[partner] = iri
        report.note(SECTION, f"{compact(iri)} split from {compact(entity.iri)} ('{entity.label}'): {qid}'s partners "
                    f"{', '.join(sorted(resolution.entities[p].label for p in group))}; {groups[0][0]} explains "
                    f"{len(groups[0][1])} others, which stay", ties=len(group))
    move_pairs(resolution, entity, moved_to)


def move_pairs(resolution: Resolution, entity: Entity, moved_to: dict[str, str]) -> None:
    """Give the pairs of ``entity`` with each partner in ``moved_to`` to the node named there; the nodes are
    then told apart (:attr:`Resolution.apart`), so that no merge undoes the split."""
    resolution.apart |= {entity.iri, *moved_to.values()}
    pairs: dict[tuple[str, str], list[int]] = {}
    for (a, b), lines in resolution.pairs.items():
        other = b if a == entity.iri else a if b == entity.iri else None
        if other is not None and other in moved_to:
            twin = resolution.entities[moved_to[other]]
            twin.spellings[entity.label] += len(lines)
            twin.lines.extend(lines)
            a, b = sorted((twin.iri, other))
        pairs[(a, b)] = lines
    resolution.pairs = pairs
