"""Partnerships and agreements: who is tied to whom, of what kind, since when, and what was signed.

A sentence about cooperation ("kerja sama", "sister city", "kota kembar", "twinning" …) that names a place
ties it to the article's home municipality (the Indonesian one it names most); "Pemerintah Jepang" /
"Government of Japan" ties the home to a country. The type and status follow the words of the quotes:
sister city / kota kembar / kota bersaudara → SisterCity (between municipalities only), menjajaki →
ExploratoryTalks and Exploring, memperbarui / menyambung kembali → RenewalPlanned, halted / dihentikan →
Ended, "telah terjalin" / "since" → Active. "sejak 2015" is a gYear, never a day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from ..importers.names import slug
from ..vocab import CKG, ID, XSD
from .dates import find_dates
from .lexicon import (
    ACTIVE,
    AGREEMENTS,
    BEGAN,
    COOPERATION,
    ENDED,
    EXPLORING,
    FRIENDSHIP_CITY,
    GOVERNMENT_OF,
    NUMBERS,
    RENEWAL,
    SECTOR_CUES,
    SIGNED,
    SISTER_CITY,
    TERM,
    THE_TIE,
)
from .places import COUNTRY, MUNICIPALITY, ORGANIZATION, Mention
from .text import Sentence

__all__ = ["Tie", "find_ties", "find_agreements", "Signed"]

_SIGNED_WITH = re.compile(r"((?:[A-Z][\w'’\-]*\s+){1,6}?)(?:Teken|Meneken|Tandatangani|Menandatangani|Signs?|"
                          r"teken|meneken|menandatangani|signed|signs)\s+(?:\w+\s+){0,2}?(?:MoU|LoI|Memorandum)"
                          r"\b.*?\b(?:dengan|with)\s+((?:[A-Z][\w'’\-]*\.?\s*){1,6})")


@dataclass
class Tie:
    """Two parties and the sentences that tie them."""

    parties: tuple[str, str]
    sentences: list[Sentence] = field(default_factory=list)
    confidence: float = 0.9
    flags: list[str] = field(default_factory=list)

    @property
    def key(self) -> frozenset[str]:
        return frozenset(self.parties)

    def type_and_status(self, kinds: dict[str, str]) -> tuple[str, str | None]:
        text = " ".join(s.text for s in self.sentences)
        both_places = all(kinds.get(p) == MUNICIPALITY for p in self.parties)
        exploring = bool(EXPLORING.search(text)) and not ACTIVE.search(text)
        if SISTER_CITY.search(text) and both_places:
            kind = "SisterCity"
        elif FRIENDSHIP_CITY.search(text) and both_places:
            kind = "FriendshipCity"
        elif exploring:
            kind = "ExploratoryTalks"
        else:
            kind = "Cooperation"
        for pattern, status in ((ENDED, "Ended"), (RENEWAL, "RenewalPlanned")):
            if pattern.search(text):
                return kind, status
        if exploring:
            return kind, "Exploring"
        return kind, "Active" if ACTIVE.search(text) else None

    def since(self) -> Literal | None:
        """The year (or day) the quotes say the tie exists "sejak" / "since"."""
        for sentence in self.sentences:
            for mention in find_dates(sentence.text):
                if mention.cue in ("sejak", "since") or BEGAN.search(sentence.text[:mention.start]):
                    return Literal(mention.value, datatype=NamedNode(mention.datatype))
        return None


def find_ties(sentences: list[Sentence], mentions: list[list[Mention]], home: str | None,
              kinds: dict[str, str], country_of) -> dict[frozenset[str], Tie]:
    """Every pair of parties a cooperation sentence ties, with its quotes."""
    ties: dict[frozenset[str], Tie] = {}
    cooperation_anywhere = any(s.has(COOPERATION) for s in sentences)
    for sentence, found in zip(sentences, mentions, strict=True):
        places = [m for m in found if m.kind == MUNICIPALITY and m.iri]
        if sentence.has(COOPERATION):
            for pair, confidence, flags in _pairs(places, home, country_of):
                tie = ties.setdefault(frozenset(pair), Tie(pair, confidence=confidence, flags=flags))
                tie.sentences.append(sentence)
                tie.confidence = max(tie.confidence, confidence)
        if cooperation_anywhere and home:
            for match in GOVERNMENT_OF.finditer(sentence.text):
                country = next((m.iri for m in found if m.kind == COUNTRY and m.iri
                                and m.start == match.start(1)), None)
                if country and not country.endswith("/country/id"):
                    pair = (home, country)
                    tie = ties.setdefault(frozenset(pair), Tie(pair, confidence=0.6, flags=[
                        "the counterpart is a national government: check that no city of it is meant"]))
                    tie.sentences.append(sentence)
    for tie in ties.values():
        # every sentence about cooperation that names the counterpart also speaks of the tie
        other = tie.parties[1]
        for sentence, found in zip(sentences, mentions, strict=True):
            if sentence not in tie.sentences and sentence.has(COOPERATION) and any(m.iri == other for m in found):
                if kinds.get(other) == COUNTRY and any(m.kind == MUNICIPALITY and m.iri not in tie.parties
                                                        for m in found):
                    continue
                tie.sentences.append(sentence)
        tie.sentences.sort(key=lambda s: s.index)
    _the_one_tie(sentences, mentions, ties, kinds)
    return ties


def _the_one_tie(sentences, mentions, ties, kinds) -> None:
    """"Kedua kota" / "the partnership" speaks of the tie whose counterpart the article names most."""
    def named_in(tie: Tie) -> int:
        return sum(any(m.iri in tie.parties[1:] for m in found) for found in mentions)

    between_places = sorted((t for t in ties.values() if all(kinds.get(p) == MUNICIPALITY for p in t.parties)),
                            key=lambda t: -named_in(t))
    if not between_places or (len(between_places) > 1 and named_in(between_places[0]) == named_in(between_places[1])):
        return  # no tie, or no one tie the article is mostly about
    tie = between_places[0]
    for sentence, found in zip(sentences, mentions, strict=True):
        named = {m.iri for m in found if m.kind == MUNICIPALITY and m.iri}
        # "kedua kota …", or a cooperation sentence that lists sectors and names no other place
        speaks_of_it = sentence.has(THE_TIE) or (sentence.has(COOPERATION) and sentence.has(SECTOR_CUES))
        if sentence not in tie.sentences and speaks_of_it and named <= set(tie.parties):
            tie.sentences.append(sentence)
    tie.sentences.sort(key=lambda s: s.index)


def _pairs(places: list[Mention], home: str | None, country_of):
    iris = list(dict.fromkeys(m.iri for m in places if m.iri))
    flags = [flag for m in places for flag in m.flags]
    confidence = 0.4 if any(m.ambiguous for m in places) else 0.9
    # citykg records ties across borders: two places of one country are not drafted as a partnership.
    others = [iri for iri in iris if iri != home and not (
        home and country_of(iri) is not None and country_of(iri) == country_of(home))]
    if home and others:
        sure = confidence if home in iris else confidence - 0.2
        extra = [] if home in iris else ["the sentence does not name the home municipality; check the pair"]
        return [((home, other), sure, flags + extra) for other in others]
    if len(others) >= 2:
        return [((others[0], other), confidence - 0.2, flags) for other in others[1:]]
    return []


@dataclass
class Signed:
    """An agreement the text reports: type, parties, signing date and term, with its quote."""

    kind: str
    parties: tuple[str, str]
    sentence: Sentence
    signed_on: Literal | None = None
    term: str | None = None
    new_parties: dict[str, str] = field(default_factory=dict)  # proposed IRI → name as written


def find_agreements(sentences: list[Sentence], mentions: list[list[Mention]], home: str | None,
                    ties: dict[frozenset[str], Tie], country_of) -> list[Signed]:
    """MoU / nota kesepahaman / Letter of Intent / Kesepakatan Bersama, with the date it was signed."""
    found: list[Signed] = []
    for sentence, names in zip(sentences, mentions, strict=True):
        kind = next((name for pattern, name in AGREEMENTS if sentence.has(pattern)), None)
        if kind is None:
            continue
        parties = _agreement_parties(sentence, names, home, ties, country_of)
        if parties is None:
            continue
        pair, new = parties
        signed = Signed(kind, pair, sentence, new_parties=new)
        if sentence.has(SIGNED):
            dates = [d for d in find_dates(sentence.text) if d.cue not in ("sejak", "since")]
            if dates:
                signed.signed_on = Literal(dates[0].value, datatype=NamedNode(dates[0].datatype))
        term = TERM.search(sentence.text)
        if term:
            count = (term.group(1) or term.group(3)).lower()
            signed.term = f"P{NUMBERS.get(count) or int(count)}Y"
        if signed.signed_on is not None or signed.term or new or not any(
                s.parties == pair and s.kind == kind for s in found):
            found.append(signed)
    return _merged(found)


def _agreement_parties(sentence: Sentence, names: list[Mention], home: str | None,
                       ties: dict[frozenset[str], Tie], country_of):
    match = _SIGNED_WITH.search(sentence.text)
    if match:
        first = _party_at(names, match.start(1), match.end(1))
        second = _party_at(names, match.start(2), match.end(2))
        new: dict[str, str] = {}
        if first and not second:
            written = match.group(2).strip()
            code = "kr" if "Korea" in written else "xx"
            second = f"{ID}organization/{code}-{slug(written)}"
            new[second] = written
        if first and second:
            return (first, second), new
    parties = [m.iri for m in names if m.iri and m.kind in (MUNICIPALITY, ORGANIZATION)]
    others = [p for p in dict.fromkeys(parties) if p != home
              and not (home and country_of(p) is not None and country_of(p) == country_of(home))]
    if home and others:
        return (home, others[0]), {}
    quoted_by = [tie for tie in ties.values() if sentence in tie.sentences]
    if len(quoted_by) == 1:
        return quoted_by[0].parties, {}
    named = {m.iri for m in names if m.kind == MUNICIPALITY and m.iri}
    if len(ties) == 1 and named <= set(next(iter(ties.values())).parties):
        # the article's one tie, unless the sentence names another place ("helped Preston draft an MoU")
        return next(iter(ties.values())).parties, {}
    return None


def _party_at(names: list[Mention], start: int, end: int) -> str | None:
    return next((m.iri for m in names if m.iri and start <= m.start < end and m.kind != COUNTRY), None)


def _merged(found: list[Signed]) -> list[Signed]:
    """One agreement per pair and type: the dated mention wins, the others add nothing new."""
    best: dict[tuple, Signed] = {}
    for signed in found:
        key = (frozenset(signed.parties), signed.kind)
        kept = best.get(key)
        if kept is None or (kept.signed_on is None and signed.signed_on is not None):
            if kept is not None and signed.term is None:
                signed.term = kept.term
            best[key] = signed
        elif kept.term is None and signed.term:
            kept.term = signed.term
    return list(best.values())


def partnership_iri(parties: tuple[str, str]) -> str:
    return f"{ID}partnership/" + "--".join(p.rsplit("/", 1)[-1] for p in parties)


_ = (CKG, XSD)
