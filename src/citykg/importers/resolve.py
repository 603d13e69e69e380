"""Entity resolution for listed city pairs: which written names are one municipality.

The rules, strongest evidence first (docs/import.md explains them with examples):

1. One country, one slug, one node. The slug ignores accents, case, punctuation and apostrophes, and
   a qualifier that repeats the country; so ``Zürich``/``Zurich`` and duplicated rows merge, while
   ``Berat`` (Albania) and ``Bérat`` (France) stay two: the country is part of the identity.
2. A name that matches a curated municipality (any of its labels, same country) *is* that municipality:
   the import reuses the curated IRI, so the curated facts and the imported ones meet on one node.
3. A qualified name is its own place (``Suseong (Daegu)`` is a district of Daegu, not Daegu). A bare
   name that also occurs qualified (``Miyoshi`` and ``Miyoshi, Saitama``/``Miyoshi, Tokushima``) is
   resolved *per row*: the row goes to the qualified place that has the same partner (the pair was listed
   on both countries' pages). Rows left over go to the only qualified place when the geocoder put both
   names within 10 km; otherwise the bare name stays a node of its own and the report lists it.
   Kind qualifiers (``Forchheim (district)``) never absorb the bare town.
4. Two spellings that share a slug but were geocoded more than 25 km apart (``Münster``/``Munster``)
   are two places: kept apart and listed.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..vocab import ID, compact
from .names import PlaceName, parse_name
from .report import ImportReport

__all__ = ["Mention", "Row", "Entity", "Resolution", "resolve", "municipality_iri", "NEAR_KM", "FAR_KM"]

#: Two geocoded names closer than this are taken to be one place (a town is rarely wider).
NEAR_KM = 10.0
#: Two spellings of one slug geocoded farther apart than this are taken to be two places.
FAR_KM = 25.0

Group = tuple[str, str]  # (ISO2, name key)


@dataclass(frozen=True)
class Mention:
    """One side of a listed pair: a written name in a known country, with coordinates if given."""

    name: PlaceName
    country: str  # ISO 3166-1 alpha-2, upper case
    lat: str | None = None
    long: str | None = None


@dataclass(frozen=True)
class Row:
    """A usable input row: two mentions and the line they came from."""

    line: int
    a: Mention
    b: Mention
    text: str


@dataclass
class Entity:
    """A resolved municipality: its IRI and every spelling and coordinate the data gave for it."""

    iri: str
    country: str
    curated: bool = False
    spellings: Counter[str] = field(default_factory=Counter)
    coordinates: dict[str, tuple[str, str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    province: str | None = None  # first-level subdivision code (GeoNames' admin1), from the page's sections
    fixed_label: str | None = None  # the label a merge kept (citykg.importers.variants), whatever the counts

    @property
    def label(self) -> str:
        """The most frequent spelling; on a tie the longer (more specific), then the first in order."""
        if self.fixed_label is not None:
            return self.fixed_label
        return min(self.spellings, key=lambda s: (-self.spellings[s], -len(s), s))

    @property
    def position(self) -> tuple[str, str] | None:
        """Coordinates of the label's spelling, else of the most frequent spelling that has some."""
        for spelling in sorted(self.spellings, key=lambda s: (s != self.label, -self.spellings[s], s)):
            if spelling in self.coordinates:
                return self.coordinates[spelling]
        return None


@dataclass
class Resolution:
    entities: dict[str, Entity]
    pairs: dict[tuple[str, str], list[int]]  # sorted pair of IRIs → input lines stating it
    #: Nodes a rule told apart from another of the name (rules 3, 8, 13–15): a merge must not undo that.
    apart: set[str] = field(default_factory=set)

    def partners(self) -> dict[str, set[str]]:
        """Each node → the nodes it is paired with, as the pairs stand now (rules change them)."""
        found: dict[str, set[str]] = defaultdict(set)
        for a, b in self.pairs:
            found[a].add(b)
            found[b].add(a)
        return found

    def degree(self) -> Counter[str]:
        """Each node → how many pairs it is in: the ties that depend on a decision about it."""
        return Counter(node for pair in self.pairs for node in pair)


def municipality_iri(country: str, key: str) -> str:
    return f"{ID}municipality/{country.lower()}-{key}"


def resolve(rows: list[Row], curated: dict[Group, str], report: ImportReport) -> Resolution:
    """Group the mentions of ``rows`` into entities and the rows into undirected pairs."""
    assigned, apart = _assign(rows, curated, report)
    entities: dict[str, Entity] = {}
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        iris = []
        for side, mention in ((0, row.a), (1, row.b)):
            group = assigned[(index, side)]
            iri = curated.get(group) or municipality_iri(*group)
            entity = entities.setdefault(iri, Entity(iri, group[0], curated=group in curated))
            entity.spellings[mention.name.text] += 1
            entity.lines.append(row.line)
            if mention.lat is not None and mention.long is not None:
                entity.coordinates.setdefault(mention.name.text, (mention.lat, mention.long))
            iris.append(iri)
        if iris[0] == iris[1]:
            report.bad(row.line, "city paired with itself", row.text)
            continue
        pairs[(min(iris), max(iris))].append(row.line)
    _note_merges(entities.values(), report)
    kept_apart = {curated.get(group) or municipality_iri(*group) for group in apart}
    return Resolution(entities, dict(pairs), kept_apart & set(entities))


def _assign(rows: list[Row], curated: dict[Group, str],
            report: ImportReport) -> tuple[dict[tuple[int, int], Group], set[Group]]:
    """Each mention's group, after bare names have been resolved to their qualified forms, and the groups
    rule 3 kept apart from another of their slug."""
    group_of = _split_far_spellings(rows, report)
    by_slug: dict[Group, set[Group]] = defaultdict(set)
    for spelling, group in group_of.items():
        by_slug[spelling[:2]].add(group)
    apart = {group for groups in by_slug.values() if len(groups) > 1 for group in groups}
    assigned: dict[tuple[int, int], Group] = {}
    mentions: dict[Group, list[tuple[int, int]]] = defaultdict(list)
    partners: dict[Group, set[Group]] = defaultdict(set)
    names: dict[Group, Mention] = {}
    for index, row in enumerate(rows):
        for side, mention, other in ((0, row.a, row.b), (1, row.b, row.a)):
            group = group_of[_spelling(mention)]
            assigned[(index, side)] = group
            mentions[group].append((index, side))
            partners[group].add(group_of[_spelling(other)])
            names.setdefault(group, mention)
    original = dict(assigned)
    siblings: dict[tuple[str, str], list[Group]] = defaultdict(list)
    for group, mention in names.items():
        if mention.name.qualifier is not None and not mention.name.is_kind:
            siblings[(group[0], mention.name.base_key)].append(group)
    for group, mention in sorted(names.items()):
        if mention.name.qualifier is not None or group in curated:
            continue
        candidates = sorted(siblings.get((group[0], mention.name.base_key), ()))
        if candidates:
            _resolve_bare(group, candidates, rows, mentions, partners, names, assigned, original, report)
    return assigned, apart


def _spelling(mention: Mention) -> tuple[str, str, str]:
    return (mention.country, mention.name.key, mention.name.text)


def _split_far_spellings(rows: list[Row], report: ImportReport) -> dict[tuple[str, str, str], Group]:
    """Spellings with one slug are one place, unless the geocoder put them more than FAR_KM apart.

    ``Münster`` and ``Munster`` are two German towns; so are ``Fürth`` and ``Furth``. When two spellings
    of one slug were both geocoded and lie far apart, they stay apart: the most frequent spelling keeps
    the plain IRI, the others get ``-2``, ``-3`` … and the report lists them.
    """
    counts: Counter[tuple[str, str, str]] = Counter()
    where: dict[tuple[str, str, str], tuple[float, float]] = {}
    for row in rows:
        for mention in (row.a, row.b):
            counts[_spelling(mention)] += 1
            if mention.lat is not None and mention.long is not None:
                where.setdefault(_spelling(mention), (float(mention.lat), float(mention.long)))
    by_group: dict[Group, list[tuple[str, str, str]]] = defaultdict(list)
    for spelling in counts:
        by_group[spelling[:2]].append(spelling)
    group_of: dict[tuple[str, str, str], Group] = {}
    for group, spellings in by_group.items():
        anchors: list[tuple[str, str, str]] = []
        for spelling in sorted(spellings, key=lambda s: (-counts[s], s[2])):
            cluster = next((i for i, anchor in enumerate(anchors) if not _far(where, anchor, spelling)), None)
            if cluster is None:
                cluster = len(anchors)
                anchors.append(spelling)
            group_of[spelling] = group if cluster == 0 else (group[0], f"{group[1]}-{cluster + 1}")
        if len(anchors) > 1:
            kept = ", ".join(f"'{a[2]}' as {compact(municipality_iri(*group_of[a]))}" for a in anchors)
            report.note("Kept apart (unsure)", f"one slug, geocoded more than {FAR_KM:g} km apart "
                        f"({group[0]}): {kept}")
    return group_of


def _far(where: dict[tuple[str, str, str], tuple[float, float]], a: tuple[str, str, str],
         b: tuple[str, str, str]) -> bool:
    if _letters(a[2]) == _letters(b[2]):
        return False
    return a in where and b in where and distance_km(where[a], where[b]) > FAR_KM


#: Typographic variants of one letter (Romanian cedilla vs comma below, typographic apostrophes).
_VARIANTS = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț", "’": "'", "ʼ": "'", "‘": "'"})


def _letters(text: str) -> tuple[str, str]:
    """A name's letters, ignoring case, typographic variants and how the qualifier is written.

    Spellings equal here are the same name typed differently, whatever the geocoder made of them.
    """
    name = parse_name(unicodedata.normalize("NFC", text).translate(_VARIANTS).casefold())
    return (name.base, name.qualifier or "")


def _resolve_bare(group: Group, candidates: list[Group], rows: list[Row],
                  mentions: dict[Group, list[tuple[int, int]]], partners: dict[Group, set[Group]],
                  names: dict[Group, Mention], assigned: dict[tuple[int, int], Group],
                  original: dict[tuple[int, int], Group], report: ImportReport) -> None:
    bare = names[group]
    left: list[tuple[int, int]] = []
    for index, side in mentions[group]:
        row = rows[index]
        other = original[(index, 1 - side)]
        sharing = [c for c in candidates if other in partners[c]]
        if len(sharing) == 1:
            assigned[(index, side)] = sharing[0]
            report.note("Bare names resolved by a shared partner",
                        f"line {row.line}: '{bare.name.text}' ({group[0]}) paired with "
                        f"'{names[other].name.text}' is '{names[sharing[0]].name.text}', which has the same "
                        f"partner")
        else:
            left.append((index, side))
    if not left:
        return
    if len(candidates) == 1 and _near(bare, names[candidates[0]]):
        for key in left:
            assigned[key] = candidates[0]
        report.note("Bare names resolved by coordinates",
                    f"'{bare.name.text}' ({group[0]}, {len(left)} rows) is '{names[candidates[0]].name.text}': "
                    f"geocoded within {NEAR_KM:g} km")
        return
    options = ", ".join(f"'{names[c].name.text}'" for c in candidates)
    report.note("Kept apart (unsure)",
                f"'{bare.name.text}' ({group[0]}, {len(left)} rows, lines "
                f"{', '.join(str(rows[i].line) for i, _ in left[:8])}{'…' if len(left) > 8 else ''}) "
                f"may be {options}: kept as {compact(municipality_iri(*group))}")


def _near(a: Mention, b: Mention) -> bool:
    if a.lat is None or a.long is None or b.lat is None or b.long is None:
        return False
    return distance_km((float(a.lat), float(a.long)), (float(b.lat), float(b.long))) <= NEAR_KM


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _note_merges(entities: Iterable[Entity], report: ImportReport) -> None:
    for entity in sorted(entities, key=lambda e: e.iri):
        if len(entity.spellings) > 1:
            spelled = ", ".join(f"'{s}' ({n})" for s, n in sorted(entity.spellings.items(), key=lambda x: -x[1]))
            report.note("Spellings merged into one node", f"{compact(entity.iri)}: {spelled}")
