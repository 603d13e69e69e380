"""Provinces the lists name as towns become province nodes: one node per first-level subdivision.

A node rule 10 (:mod:`citykg.importers.levels`) surely finds to be a first-level subdivision is not a
municipality, so it does not keep its ``municipality:`` IRI: it gets the subdivision's, the IRI every
other writer of that subdivision uses too. That is the curated province's when ``graph/reference/``
describes the subdivision (matched by its labels, local names and IRI: "Zhejiang Province" is
``province:cn-zhejiang``), else ``province_iri(country, English name)`` (GeoNames' English name, the one
the state sections' provinces are named by, so a retyped "Rhode Island" is ``province:us-rhode-island``).
Where that name is also a town's ("Osaka"), a partner's IRI would give its partnerships the town's
partnership IRIs, so the province's name keeps the kind word the lists write ("Osaka Prefecture",
``province:jp-osaka-prefecture``). Two spellings of one subdivision ("Shandong", "Shandong Province") are
then one node with one English label (the subdivision's name, with the lists' accents: "Île-de-France";
the other spellings are ``ckg:nameInSource``), and their partnerships are renamed after it
(``partnership_iri`` of the new ends), each written once. A curated province gets only the spellings it
lacks: its label and country stay in ``graph/reference/``.

A province gets no position: the geocoder's point for a province's name is a town's (East Java's is
Surabaya's), and a point does not locate an area.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..vocab import CKG, compact
from .emit import Writer, province_iri
from .gazetteer import gazetteer
from .known import KnownGraph
from .levels import PROVINCE_WORDS, Subdivision, first_level_subdivision, name_keys, subdivision_level
from .names import slug
from .report import ImportReport
from .resolve import Entity, Resolution

__all__ = ["FLAGGED", "PROVINCES", "ProvinceNode", "Provinces", "retype_provinces"]

PROVINCES = "Provinces listed as municipalities, retyped ckg:Province (first-level subdivisions)"
FLAGGED = "Provinces or regions listed as municipalities (check these)"
SELF_PAIRS = "Pairs of two names of one province (left out)"



@dataclass
class ProvinceNode:
    """One subdivision's node: its IRI, its English label and every name the lists gave it."""

    iri: str
    label: str
    subdivision: Subdivision
    curated: bool = False  # the curated province's node: the import writes no label or country for it
    spellings: Counter[str] = field(default_factory=Counter)
    retyped: list[tuple[str, str, str]] = field(default_factory=list)  # (municipality IRI, its label, why)
    ties: int = 0


class Provinces:
    """The province nodes one import writes, keyed by IRI, curated provinces reused.

    ``taken``: the local names of the graph's municipalities. A partnership's IRI is made of its partners'
    local names (``partnership:cn-shanghai--jp-osaka``), so a province that is a partner must not have a
    town's: where the English name is also a town's (a GeoNames place of the country, or a municipality of
    the graph), the province's name carries its kind word, as the lists write it ("Osaka Prefecture",
    ``province:jp-osaka-prefecture``).
    """

    def __init__(self, known: KnownGraph) -> None:
        self.known = known
        self.taken = {iri.rsplit("/", 1)[1] for iri in known.places}
        self.nodes: dict[str, ProvinceNode] = {}
        self._of: dict[tuple[str, str], str] = {}  # (country, subdivision code) → IRI

    def node(self, subdivision: Subdivision, spellings: Counter[str] | None = None) -> ProvinceNode:
        """The subdivision's node, made when first asked for (``spellings``: the lists' names of a partner)."""
        iri = self._of.get((subdivision.country, subdivision.code))
        if iri is None:
            iri, label, curated = self._name(subdivision, spellings or Counter())
            self._of[(subdivision.country, subdivision.code)] = iri
            self.nodes.setdefault(iri, ProvinceNode(iri, label, subdivision, curated))
        node = self.nodes[iri]
        node.spellings.update(spellings or Counter())
        return node

    def _name(self, subdivision: Subdivision, spellings: Counter[str]) -> tuple[str, str, bool]:
        """IRI, English label and whether curated (see the class docstring)."""
        curated = self._curated(subdivision)
        if curated is not None:
            return curated, self.known.provinces[curated].label or subdivision.english, True
        country, english = subdivision.country, subdivision.english
        key = slug(english)
        if not spellings or not (gazetteer().named(english, country) or f"{country.lower()}-{key}" in self.taken):
            return province_iri(country, english), _most_frequent(spellings, {key}) or english, False
        kind = subdivision.kind if subdivision.kind in PROVINCE_WORDS else "province"
        label = _most_frequent(spellings, {f"{key}-{word}" for word in PROVINCE_WORDS}) or f"{english} {kind.title()}"
        return province_iri(country, label), label, False

    def _curated(self, subdivision: Subdivision) -> str | None:
        """The curated province one of whose names (or its IRI's) is one of the subdivision's, if any."""
        prefix = subdivision.country.lower() + "-"
        for iri, place in sorted(self.known.provinces.items()):
            tail = iri.rsplit("/", 1)[1]
            keys = {k for name in place.names for k in name_keys(name)}
            if place.iso2 == subdivision.country and tail.startswith(prefix):
                keys.add(tail.removeprefix(prefix))
            if place.iso2 == subdivision.country and keys & subdivision.keys:
                return iri
        return None

    def write(self, writer: Writer) -> None:
        """Each node once; a curated province gets only the spellings it does not know (as curated towns do)."""
        for iri, node in sorted(self.nodes.items()):
            known = self.known.provinces[iri].names if node.curated else {node.label}
            if not node.curated:
                writer.province(iri, node.subdivision.country, node.label)
            for spelling in sorted(node.spellings):
                if spelling not in known:
                    writer.text(iri, CKG + "nameInSource", spelling)


def _most_frequent(spellings: Counter[str], keys: set[str]) -> str | None:
    """The most frequent spelling whose slug is one of ``keys`` (then the shorter, then the first), if any."""
    found = [s for s in spellings if slug(s) in keys]
    return min(found, key=lambda s: (-spellings[s], len(s), s)) if found else None


def retype_provinces(resolution: Resolution, provinces: Provinces, report: ImportReport) -> None:
    """Move every sure province out of ``resolution.entities`` onto its subdivision's node, renaming its pairs."""
    degree = resolution.degree()
    found: dict[tuple[str, str], list[tuple[Entity, Subdivision, str]]] = defaultdict(list)
    for entity in resolution.entities.values():
        if entity.curated:
            continue
        level = subdivision_level(gazetteer(), entity.country, entity.label)
        if level is None:
            continue
        sure = first_level_subdivision(gazetteer(), entity.country, entity.label)
        if sure is None:
            report.note(FLAGGED, f"{compact(entity.iri)} ('{entity.label}', {entity.country}): {level}",
                        ties=degree[entity.iri])
            continue
        found[(entity.country, sure[0].code)].append((entity, *sure))
    retyped = {entity.iri for members in found.values() for entity, _, _ in members}
    provinces.taken |= {iri.rsplit("/", 1)[1] for iri in resolution.entities if iri not in retyped}
    renamed: dict[str, str] = {}
    for members in found.values():
        node = provinces.node(members[0][1], sum((e.spellings for e, _, _ in members), Counter()))
        for entity, _, why in members:
            node.retyped.append((entity.iri, entity.label, why))
            node.ties += degree[entity.iri]
            renamed[entity.iri] = node.iri
            del resolution.entities[entity.iri]
        report.note(PROVINCES, _retyped_line(node), ties=node.ties)
    _rename_pairs(resolution, renamed, report)
    report.counts["provinces (named as towns by the lists)"] = len(found)
    report.counts["names of provinces retyped (municipality nodes they replace)"] = len(renamed)


def _rename_pairs(resolution: Resolution, renamed: dict[str, str], report: ImportReport) -> None:
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (a, b), lines in resolution.pairs.items():
        a, b = renamed.get(a, a), renamed.get(b, b)
        if a == b:
            report.note(SELF_PAIRS, f"{compact(a)}: lines {', '.join(map(str, lines))}", ties=1)
            continue
        pairs[(min(a, b), max(a, b))].extend(lines)
    resolution.pairs = {pair: sorted(lines) for pair, lines in pairs.items()}


def _retyped_line(node: ProvinceNode) -> str:
    names = ", ".join(f"'{label}' (was {compact(iri)})" for iri, label, _ in node.retyped)
    whys = "; ".join(dict.fromkeys(why for _, _, why in node.retyped))
    curated = ", the curated province" if node.curated else ""
    return (f"{compact(node.iri)} ('{node.label}', {node.subdivision.country}{curated}) from {names}: {whys}, and no "
            "GeoNames place of the country has a name like it")
