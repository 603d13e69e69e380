"""People with their posts, as the press introduces them: "Wali Kota Bandung, Yana Mulyana", "Pj Bupati
Bekasi Dani Ramdan", "Duta Besar Jepang untuk Indonesia, Mr. Kanasugi", "Lord Mayor of Liverpool, Cllr Ann
Example", "Jane Example, Mayor of Example".

The words between the post and the name are the place or organisation the post belongs to; the longest
run of them that the graph knows is the post, the capitalised words after it the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import Literal

from ..query.catalogue import with_values
from .lexicon import DEGREES, HONORIFICS, ROLES
from .places import MUNICIPALITY, ORGANIZATION, PERSON, Gazetteer

__all__ = ["PersonMention", "find_people"]

_ROLE = re.compile(r"(?<![\w.])(" + "|".join(re.escape(phrase) for phrase, _ in ROLES) + r")(?![\w])")
_ROLE_OF = dict(ROLES)
_NAME_TOKEN = r"(?:[A-Z][a-z]*\.|[A-Z][a-z'’\-]+|Dato')"
_NAME = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,4}}")
_POST_WORDS = re.compile(r"(?:\s*(?:\([A-Za-z]+\)|[A-Z][\w'’\-]*|dan|and|of|untuk|for|the|di|in|to))+")
# The municipality a head's title implies: "Bupati Bekasi" heads Kabupaten Bekasi, "Wali Kota X" Kota X.
_IMPLIED = {"Regent": "Kabupaten ", "ActingRegent": "Kabupaten ", "DeputyRegent": "Kabupaten ",
            "Mayor": "Kota ", "ActingMayor": "Kota ", "DeputyMayor": "Kota ", "RegionalSecretary": "Kota "}
_ENVOYS = ("Ambassador", "ConsulGeneral")
_NOT_NAMES = set("""Senin Selasa Rabu Kamis Jumat Sabtu Minggu Monday Tuesday Wednesday Thursday Friday Saturday
Sunday Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember January
February March May June July August October December The Kota Pemerintah Pemkot Pemkab Balai""".split())


@dataclass
class PersonMention:
    """A person named with a post: who, which role, where the post is, and what the reviewer should know."""

    name: str  # as written, honorifics included
    label: str  # the name without honorifics and degrees
    role: str  # a local name in ckg:roles
    post: str | None  # IRI of the municipality, organisation or country
    post_text: str
    person: str | None  # IRI of a person the graph already has
    flags: list[str] = field(default_factory=list)


def find_people(text: str, places: Gazetteer, home: list[str] = ()) -> list[PersonMention]:  # type: ignore[assignment]
    """Every "post + name" (or "name, post") in one sentence; ``home`` names the article's own
    municipality ("Kota Bandung"), for agencies written without it."""
    found = []
    for match in _ROLE.finditer(text):
        phrase = match.group(1)
        role = _ROLE_OF[phrase]
        if text[match.end():match.end() + 4] == " of ":
            mention = _english(text, match.start(), match.end() + 4, phrase, role, places)
        else:
            mention = _after_role(text[match.end():], phrase, role, places, home)
        if mention is not None:
            found.append(mention)
    return found


def _after_role(rest: str, phrase: str, role: str, places: Gazetteer, home) -> PersonMention | None:
    rest = DEGREES.sub("", rest)
    words = _POST_WORDS.match(rest)
    if not words:
        return None
    comma = re.match(r",\s+(" + _NAME.pattern + ")", rest[words.end():])
    if comma:
        post, post_text, flags = _post(words.group().strip(), phrase, role, places, home)
        if post is not None or not _has_name_inside(words.group()):
            return _person(comma.group(1), role, post, post_text, places, flags)
    return _longest_known_prefix(words.group().strip(), phrase, role, places, home)


def _english(text: str, start: int, of_end: int, phrase: str, role: str, places: Gazetteer):
    """"Mayor of Liverpool, Jane Example" or "Jane Example, Mayor of Liverpool"."""
    run = re.match(r"[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*", text[of_end:])
    if not run:
        return None
    post, post_text, flags = _post(run.group(), phrase, role, places, ())
    rest = text[of_end + run.end():]
    posting = re.match(r"\s+(?:to|in)\s+(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*", rest)
    after = re.match(r",\s+(" + _NAME.pattern + ")", rest[posting.end() if posting else 0:])
    if after:
        return _person(after.group(1), role, post, post_text, places, flags)
    before = re.search(rf"({_NAME.pattern}),\s*(?:the\s+)?$", text[:start])
    if before:
        return _person(before.group(1), role, post, post_text, places, flags)
    return None


def _has_name_inside(words: str) -> bool:
    return len(words.split()) >= 3


def _post(phrase: str, role_phrase: str, role: str, places: Gazetteer, home) -> tuple[str | None, str, list[str]]:
    """The node a post belongs to, from the words after the role ("Kota Bandung", "Jepang untuk Indonesia")."""
    if not phrase:
        return None, "", []
    head = role_phrase.split(" ", 1)
    if len(head) == 2 and head[0] in ("Ketua", "Kepala", "Direktur"):
        # "Ketua DPRD Kota Bandung" → the organisation "DPRD Kota Bandung"
        for candidate in (f"{head[1]} {phrase}", *(f"{head[1]} {phrase} {h}" for h in home)):
            found = places.resolve(ORGANIZATION, candidate)
            if len(found) == 1:
                return found[0], candidate, []
    plain = re.sub(r"\s*\([A-Za-z]+\)", "", phrase).strip()
    plain = re.split(r"\s+(?:untuk|for|to|di|in)\s+", plain)[0]
    if role in _ENVOYS:
        country = places.country(plain)
        if country:
            return country, plain, []
    for mention in places.mentions(plain, set()):
        if mention.iri and mention.start == 0 and mention.end == len(plain):
            return mention.iri, mention.text, list(mention.flags)
    implied = _IMPLIED.get(role)
    if implied:
        found = places.resolve(MUNICIPALITY, implied + plain)
        if found:
            return found[0], implied + plain, []
    return None, plain, [f"the post '{role_phrase} {phrase}' matches nothing in the graph"]


def _longest_known_prefix(words: str, phrase: str, role: str, places: Gazetteer, home):
    """"Wali Kota Bandung Muhammad Farhan": the known place ends where the name begins."""
    tokens = words.split()
    for cut in range(len(tokens) - 1, 0, -1):
        post, post_text, flags = _post(" ".join(tokens[:cut]), phrase, role, places, home)
        if post is not None:
            name = _NAME.match(" ".join(tokens[cut:]))
            return _person(name.group(), role, post, post_text, places, flags) if name else None
    name = _NAME.match(words)
    if not name or name.end() < len(words.rstrip()) - 1:
        return None
    return _person(name.group(), role, None, "", places,
                   ["the post is not named; check where this person holds it"])


def _person(name: str, role: str, post: str | None, post_text: str, places: Gazetteer,
            flags: list[str]) -> PersonMention | None:
    name = re.sub(r"(?<=[a-z]{2})\.$", "", name.strip())  # "Hendra Wijaya." ends a sentence, not a name
    tokens = [t for t in name.split() if t.rstrip(".") not in _NOT_NAMES]
    if tokens != name.split():
        return None  # "Kamis", "Selasa": a weekday is not a name
    if post is None and any(m.iri for m in places.mentions(name, set())):
        return None  # "Duta Besar Jepang di …": a place, not a name
    label = " ".join(t for t in tokens if t not in HONORIFICS)
    if not label:
        return None
    known = places.resolve(PERSON, name) or places.resolve(PERSON, label)
    flags = list(flags)
    if not known and len(label.split()) == 1:
        known = _people_with_surname(places, label)
        if len(known) == 1:
            flags.append(f"'{name}' read as {places.label(known[0])}, the one person of that surname")
        else:
            known = []
    return PersonMention(name, label, role, post, post_text, known[0] if len(known) == 1 else None, flags)


_SURNAME = """SELECT DISTINCT ?p WHERE {
  ?p a ckg:Person ; rdfs:label ?l FILTER(STRENDS(LCASE(STR(?l)), LCASE(CONCAT(" ", STR(?s))))) }"""


def _people_with_surname(places: Gazetteer, surname: str) -> list[str]:
    rows = places.kg.query(with_values(_SURNAME, {"s": Literal(surname)}))
    return sorted(row["p"].value for row in rows)  # type: ignore[union-attr]
