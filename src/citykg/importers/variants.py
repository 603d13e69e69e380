"""Merge two spellings of one town that share their partners: "Boiarka" and "Boyarka" (issue 12).

The lists transliterate one Ukrainian town two ways, and the slug keeps both (rule 2 folds accents, not
letters): two nodes with the same four partners. Rule 7 (:mod:`citykg.importers.merges`) merges only names
whose words are all words of the other. Here two nodes of one country are merged when their names are
spelling variants and they share their partners:

- *one spelling*: the names are equal once folded (:func:`fold`: ``anyascii`` transliteration, case,
  "Saint"/"Sankt"/"St." as one word, y as i and "iy" as "i", no spaces, hyphens or dots), and they share
  at least ``MIN_SHARED_FOLDED`` partner; or
- *a near spelling*: the folded names are at most ``MAX_EDITS`` edits apart with a similarity of at least
  ``MIN_RATIO`` (rapidfuzz), every word keeps its first letter ("East"/"West Hendred" differ there), and
  they share at least ``MIN_SHARED_NEAR`` partners ("Zaporizhia"/"Zaporizhzhia", "Baranovichi"/
  "Baranavichy");

and in both cases at least half of the smaller node's partners. Nothing may say they are two towns: not
two nodes a rule told apart (:attr:`Resolution.apart`: rules 3, 8, 13–15; a split is never undone), not
twinned with each other, not a kind of body ("County Monaghan") and a town, not two qualifiers naming two
places ("Lagoa, Algarve" / "Lagoa, Azores"), not two states from the page's sections, not two Wikidata
items each named as one of them with other partners, not two GeoNames places each named as one of them
only. Pairs
alike in name with a partner in common that miss the bar are listed for review, with the reason.

Why a fold of a few letters and not a library's table: ``anyascii`` makes every script Latin, but the
variants left (y/i, "St."/"Saint", a space) are choices between two Latin spellings, which no
transliteration library undoes; j is not folded, for pinyin's "Nanjing" is not "Nanning".
"""

from __future__ import annotations

import re
from itertools import combinations

from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..vocab import compact
from .gazetteer import gazetteer
from .merges import absorb, is_kind
from .names import parse_name, slug
from .report import ImportReport
from .resolve import Entity, Resolution
from .splits import WikidataEvidence

__all__ = ["MAX_EDITS", "MIN_RATIO", "MIN_SHARED_FOLDED", "MIN_SHARED_NEAR", "NOT_MERGED", "SECTION", "fold",
           "merge_spellings"]

MIN_SHARED_FOLDED = 1
MIN_SHARED_NEAR = 2
MAX_EDITS = 2
MIN_RATIO = 90.0
SECTION = "Nodes merged (two spellings of one name that share their partners)"
NOT_MERGED = "Spellings alike with partners in common, not merged (check these)"

_SAINT = re.compile(r"\b(?:saint|sainte|sankt|st|ste)\b")
_WORD = re.compile(r"[a-z0-9]+")
_I_RUN = re.compile(r"i+")


def fold(name: str) -> str:
    """``"Boyarka"`` → ``"boiarka"``, ``"Feodosiya"`` → ``"feodosia"``; ``"St. Vith"``, ``"Sankt Vith"`` →
    ``"stvith"``."""
    return _I_RUN.sub("i", "".join(_words(name)).replace("y", "i"))


def _words(name: str) -> list[str]:
    return _WORD.findall(_SAINT.sub("st", anyascii(name).lower().replace("'", "")))


def merge_spellings(resolution: Resolution, evidence: WikidataEvidence | None, report: ImportReport) -> None:
    """Merge, in place, the pairs of nodes the module docstring describes; report the near misses.

    Merging repeats until no pair is left (a third spelling may join the merged node), and the near misses
    are those of the merged graph, so their partner counts are the ones written.
    """
    while True:
        partners = resolution.partners()
        merges: list[tuple[Entity, Entity, str, int]] = []
        doubts: list[tuple[str, int]] = []
        for a, b in _sharing_pairs(resolution, partners):
            small, big = resolution.entities[a], resolution.entities[b]
            verdict = _verdict(small, big, partners, resolution, evidence)
            ties = len(partners[a] | partners[b])
            if verdict.startswith("merge: "):
                merges.append((small, big, verdict.removeprefix("merge: "), ties))
            elif verdict:
                doubts.append((f"{compact(a)} ('{small.label}') and {compact(b)} ('{big.label}'): {verdict}", ties))
        if not merges:
            break
        _merge(resolution, merges, partners, report)
    for line, ties in doubts:
        report.note(NOT_MERGED, line, ties=ties)


def _merge(resolution: Resolution, merges: list[tuple[Entity, Entity, str, int]], partners: dict[str, set[str]],
           report: ImportReport) -> None:
    """Merge each pair whose nodes are both still there (the next round sees the rest)."""
    gone: set[str] = set()
    for a, b, why, ties in merges:
        if a.iri in gone or b.iri in gone:
            continue
        keep, drop = _keeper(a, b, partners)
        report.note(SECTION, f"{compact(drop.iri)} ('{drop.label}') into {compact(keep.iri)} ('{keep.label}'): "
                    f"{why}", ties=ties)
        keep.fixed_label = keep.label
        keep.province = keep.province or drop.province
        absorb(resolution, keep, drop)
        gone.update((keep.iri, drop.iri))


def _sharing_pairs(resolution: Resolution, partners: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs of nodes of one country with a partner in common, sorted (the only pairs that can merge)."""
    found: set[tuple[str, str]] = set()
    for node in sorted(partners):
        ends = sorted(p for p in partners[node] if p in resolution.entities)
        for a, b in combinations(ends, 2):
            if resolution.entities[a].country == resolution.entities[b].country:
                found.add((a, b))
    return sorted(found)


def _verdict(a: Entity, b: Entity, partners: dict[str, set[str]], resolution: Resolution,
             evidence: WikidataEvidence | None) -> str:
    """"merge: evidence", a reason not to merge two names alike, or "" for names not alike."""
    alike = _alike(a, b)
    if alike is None:
        return ""
    how, needed = alike
    shared = partners[a.iri] & partners[b.iri]
    smaller = min(len(partners[a.iri]), len(partners[b.iri]))
    names = ", ".join(sorted(resolution.entities[p].label for p in shared))
    common = f"{len(shared)} of their {len(partners[a.iri])} and {len(partners[b.iri])} partners in common ({names})"
    if len(shared) < needed or 2 * len(shared) < smaller:
        return f"{how}, but only {common}: that needs {needed} and half the smaller node's"
    against = _two_towns(a, b, partners, resolution, evidence)
    if against:
        return f"{how} and {common}, but {against}"
    return f"merge: {how} and {common}; no Wikidata items or GeoNames places tell them apart"


def _alike(a: Entity, b: Entity) -> tuple[str, int] | None:
    """How the two nodes' names are alike and how many shared partners that needs; None if they are not."""
    best: tuple[str, int] | None = None
    for x in sorted(a.spellings):
        for y in sorted(b.spellings):
            fx, fy = fold(x), fold(y)
            if not fx or not fy:
                continue
            if fx == fy:
                return f"'{x}' and '{y}' are one spelling ('{fx}', folded)", MIN_SHARED_FOLDED
            if best is None and _near(x, y, fx, fy):
                edits = Levenshtein.distance(fx, fy)
                best = (f"'{x}' and '{y}' are near spellings ({edits} {'edit' if edits == 1 else 'edits'} apart, "
                        f"similarity {fuzz.ratio(fx, fy):.0f} %, folded)"), MIN_SHARED_NEAR
    return best


def _near(x: str, y: str, fx: str, fy: str) -> bool:
    initials = [w[0] for w in _words(x)], [w[0] for w in _words(y)]
    return (initials[0] == initials[1] and Levenshtein.distance(fx, fy) <= MAX_EDITS
            and fuzz.ratio(fx, fy) >= MIN_RATIO)


def _two_towns(a: Entity, b: Entity, partners: dict[str, set[str]], resolution: Resolution,
               evidence: WikidataEvidence | None) -> str:
    """Why the two nodes are two towns, or "" when nothing says so."""
    if a.iri in resolution.apart or b.iri in resolution.apart:
        return "a rule told towns of the name apart (rule 3, 8, 13, 14 or 15): a split is never undone"
    if a.province is not None and b.province is not None and a.province != b.province:
        return f"the page's sections put them in two states ({a.province}, {b.province})"
    qualifiers = parse_name(a.label).qualifier, parse_name(b.label).qualifier
    if None not in qualifiers and fold(qualifiers[0] or "") != fold(qualifiers[1] or ""):
        return f"their qualifiers name two places ('{a.label}', '{b.label}')"
    if b.iri in partners[a.iri]:
        return "they are twinned with each other"
    if is_kind(a) != is_kind(b):
        return "one name says what kind of body it is, the other does not"
    if evidence is not None:
        items = _items(a, evidence), _items(b, evidence)
        only_a, only_b = sorted(items[0] - items[1]), sorted(items[1] - items[0])
        for qa in only_a:
            for qb in only_b:
                if evidence.partners[qa] != evidence.partners[qb]:
                    return f"Wikidata items of each name list other partners ({qa}, {qb})"
    places = _places(a), _places(b)
    if places[0] and places[1] and not places[0] & places[1]:
        return f"GeoNames lists each name as other places (GeoNames {min(places[0])}, {min(places[1])})"
    return ""


def _items(entity: Entity, evidence: WikidataEvidence) -> set[str]:
    return {qid for spelling in entity.spellings for qid in evidence.by_key.get(slug(spelling), ())}


def _places(entity: Entity) -> set[int]:
    return {p.geonameid for spelling in entity.spellings for p in gazetteer().named(spelling, entity.country)}


def _keeper(a: Entity, b: Entity, partners: dict[str, set[str]]) -> tuple[Entity, Entity]:
    """A curated IRI wins; then the node with more ties, then more rows, then the first IRI."""
    ranked = sorted((a, b), key=lambda e: (not e.curated, -len(partners[e.iri]), -sum(e.spellings.values()), e.iri))
    return ranked[0], ranked[1]
