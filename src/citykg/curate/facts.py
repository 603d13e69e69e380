"""Turn what was found in the text into facts in the ontology's terms (one :class:`Fact` per node).

The IRIs follow docs/vocabulary.md: ``partnership:{a}--{b}``, ``agreement:{a}--{b}--mou[-year]``,
``event:{date}-{home}-{kind}``, ``position:{person}--{role}--{post}``; a node the graph lacks gets an IRI of
the same form and a flag.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from ..importers.names import slug
from ..vocab import CKG, ID, RDF, XSD, compact
from .events import Dated
from .lexicon import HOST_VERBS
from .model import Draft, Fact
from .people import PersonMention, find_people
from .places import COUNTRY, MUNICIPALITY, ORGANIZATION, VENUE, Gazetteer, Mention
from .ties import Signed, Tie, partnership_iri

if TYPE_CHECKING:
    from .sectors import SectorIndex
    from .text import Article

__all__ = ["FactBuilder"]

_TYPE_LABELS = {"SisterCity": "sister-city partnership", "FriendshipCity": "friendship-city partnership",
                "Cooperation": "cooperation", "ExploratoryTalks": "cooperation talks"}
_AGREEMENT_SLUGS = {"MoU": "mou", "LetterOfIntent": "letter-of-intent", "SisterCityAgreement": "sister-city-agreement"}
_AGREEMENT_LABELS = {"MoU": "MoU", "LetterOfIntent": "Letter of Intent",
                     "SisterCityAgreement": "sister-city agreement"}


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


class FactBuilder:
    """Adds facts to one draft; knows the article, its home municipality and the graph's labels."""

    def __init__(self, draft: Draft, places: Gazetteer, sectors: SectorIndex, article: Article,
                 home: str | None, kinds: dict[str, str]) -> None:
        self.draft, self.places, self.sectors, self.article = draft, places, sectors, article
        self.home, self.kinds = home, kinds
        self.lang = article.language
        self.proposed: dict[str, str] = {}  # name as written → proposed IRI
        self.people_found: list[tuple[PersonMention, str]] = []  # (mention, person IRI)
        self.known: dict[str, dict[str, str]] = {}  # IRI → what the graph already says of it
        #: The article's latest dated occasion: the day its people are seen in their posts.
        self.article_day: str | None = None

    # ------------------------------------------------------------------ helpers

    def name(self, iri: str) -> str:
        fact = self.draft.find(iri)
        return fact.label_en if fact else self.places.label(iri)

    def _new(self, fact: Fact) -> Fact:
        existing = self.draft.find(fact.iri)
        if existing is not None:
            return existing
        known = self.places.existing(fact.iri)
        if known is not None:
            # One label per language and one type and status per node across all sources: keep the graph's.
            fact.label_en = known.get("en", fact.label_en)
            fact.label_id = known.get("id")
            fact.flags.append("already in the graph from another source: this draft adds its quotes and facts")
            self.known[fact.iri] = known
        self.draft.facts.append(fact)
        return fact

    def _sectors(self, fact: Fact, sentences) -> None:
        for sentence in sentences:
            for sector in self.sectors.in_text(sentence.text):
                fact.add(CKG + "sector", NamedNode(sector))

    # ------------------------------------------------------------------ places the graph lacks

    def proposed_places(self, mentions: list[list[Mention]], countries: set[str]) -> None:
        foreign = sorted(c for c in countries if not c.endswith("/country/id"))
        for sentence, found in zip(self.article.sentences, mentions, strict=True):
            for mention in found:
                if not mention.proposed:
                    continue
                near = [m.iri for m in found if m.kind == COUNTRY and m.iri and 0 <= m.start - mention.end <= 3]
                country = near[0] if near else (foreign[0] if len(foreign) == 1 else None)
                iri = self.places.proposed_municipality(mention.text, country)
                mention.iri = iri
                self.kinds[iri] = MUNICIPALITY
                label = re.sub(r"^(?:Kota|City of|Pemkot)\s+", "", mention.text)
                self.proposed[label] = iri
                fact = self._new(Fact("municipality", iri, [CKG + "City"], label,
                                      f"new place '{mention.text}'", confidence=0.3))
                fact.add(CKG + "nameInSource", Literal(mention.text))
                if country:
                    fact.add(CKG + "inCountry", NamedNode(country))
                    fact.flags.append(f"new place: not in the graph under this name; country "
                                      f"{self.places.label(country)} from the text — check it is not there "
                                      "under another name")
                else:
                    fact.flags.append("new place with no country in the text: add ckg:inCountry")
                fact.quote(sentence.text)

    # ------------------------------------------------------------------ partnerships and agreements

    def partnership(self, tie: Tie) -> Fact:
        kind, status = tie.type_and_status(self.kinds)
        a, b = (self.name(p) for p in tie.parties)
        fact = self._new(Fact("partnership", partnership_iri(tie.parties), [CKG + "Partnership"],
                              f"{a}–{b} {_TYPE_LABELS[kind]}", f"{a} – {b}: {kind}"
                              + (f", {status}" if status else ""), confidence=tie.confidence,
                              flags=list(tie.flags)))
        for party in tie.parties:
            fact.add(CKG + "partner", NamedNode(party))
        known = self.known.get(fact.iri, {})
        for predicate, value in (("partnershipType", kind), ("status", status)):
            if value is None:
                continue
            if known.get(predicate.lower().replace("partnershiptype", "type")) in (None, CKG + value):
                fact.add(CKG + predicate, NamedNode(CKG + value))
            else:
                stated = known[predicate.lower().replace("partnershiptype", "type")]
                fact.flags.append(f"the text suggests {predicate} {value}, the graph has {compact(stated)} "
                                  "(one per partnership): not written")
        since = tie.since()
        if since is not None:
            fact.add(CKG + "since", since)
            fact.summary += f", since {since.value}"
        for sentence in tie.sentences:
            fact.quote(sentence.text)
        self._sectors(fact, tie.sentences)
        return fact

    def agreement(self, signed: Signed) -> None:
        for iri, written in signed.new_parties.items():
            org = self._new(Fact("organization", iri, [CKG + "Organization"], written,
                                 f"new organisation '{written}'", confidence=0.3))
            org.add(CKG + "nameInSource", Literal(written))
            org.flags.append("new organisation: check its name, class and country")
            org.quote(signed.sentence.text)
            self.kinds[iri] = ORGANIZATION
        partnership = self.draft.find(partnership_iri(signed.parties)) or self.draft.find(
            partnership_iri(signed.parties[::-1]))
        if partnership is None:
            partnership = self.partnership(Tie(signed.parties, [signed.sentence], 0.6))
        year = f"-{str(signed.signed_on.value)[:4]}" if signed.signed_on is not None else ""
        iri = f"{ID}agreement/{_local(partnership.iri)}--{_AGREEMENT_SLUGS[signed.kind]}{year}"
        a, b = (self.name(p) for p in signed.parties)
        fact = self._new(Fact("agreement", iri, [CKG + "Agreement"],
                              f"{a}–{b} {_AGREEMENT_LABELS[signed.kind]}" + (f" ({year[1:]})" if year else ""),
                              f"{_AGREEMENT_LABELS[signed.kind]} {a} – {b}", confidence=0.8))
        fact.add(CKG + "agreementType", NamedNode(CKG + signed.kind))
        for party in signed.parties:
            fact.add(CKG + "signatory", NamedNode(party))
        if signed.signed_on is not None:
            fact.add(CKG + "signedOn", signed.signed_on)
            fact.summary += f", signed {signed.signed_on.value}"
        else:
            fact.flags.append("no signing date in the text")
            fact.confidence = 0.6
        if signed.term:
            fact.add(CKG + "term", Literal(signed.term, datatype=NamedNode(XSD + "duration")))
            fact.summary += f", term {signed.term}"
        fact.add(CKG + "formalizes", NamedNode(partnership.iri))
        fact.quote(signed.sentence.text)
        self._sectors(fact, [signed.sentence])

    # ------------------------------------------------------------------ people and their posts

    def people(self, mentions: list[list[Mention]]) -> None:
        home_names = [self.places.label(self.home)] if self.home else []
        home_names += [f"Kota {name}" for name in home_names]
        seen: set[tuple[str, str]] = set()
        for sentence in self.article.sentences:
            for person in find_people(sentence.text, self.places, home_names):
                if person.post is None and person.post_text in self.proposed:
                    person.post = self.proposed[person.post_text]
                key = (person.label, person.role)
                if key in seen:
                    continue
                seen.add(key)
                self._position(person, sentence)

    def _position(self, person: PersonMention, sentence) -> None:
        iri = person.person or f"{ID}person/{slug(person.label)}"
        self.people_found.append((person, iri))
        if person.person is None:
            new = self._new(Fact("person", iri, [CKG + "Person"], person.label, f"new person '{person.label}'",
                                 confidence=0.5, flags=["new person: check the spelling of the name"]))
            if person.name != person.label:
                new.add(CKG + "nameInSource", Literal(person.name))
            new.quote(sentence.text)
        if person.post is None:
            self.draft.ambiguous.append(f"{person.name} ({person.role}): the post "
                                        f"'{person.post_text or '?'}' is not in the graph, so no position")
            return
        role = _kebab(person.role)
        position = f"{ID}position/{_local(iri)}--{role}--{_local(person.post)}"
        label = f"{person.label}, {role.replace('-', ' ')} ({self.name(person.post)})"
        fact = self._new(Fact("position", position, [CKG + "Position"], label,
                              f"{person.label}: {person.role} of {self.name(person.post)}",
                              confidence=0.6 if person.flags else 0.85, flags=list(person.flags)))
        fact.add(CKG + "heldBy", NamedNode(iri))
        fact.add(CKG + "role", NamedNode(CKG + person.role))
        fact.add(CKG + "postIn", NamedNode(person.post))
        attested = self._attested(sentence)
        if attested is not None:
            fact.add(CKG + "attestedOn", attested)
        fact.quote(sentence.text)

    def _attested(self, sentence) -> Literal | None:
        """The day the text shows the post held: the publication day, else a day in the same sentence."""
        issued = self.draft.source.get("http://purl.org/dc/terms/issued")
        if issued:
            return Literal(str(issued[0].value)[:10], datatype=NamedNode(XSD + "date"))
        from .dates import find_dates

        days = [d for d in find_dates(sentence.text) if d.is_day]
        if days:
            return Literal(days[0].value, datatype=NamedNode(XSD + "date"))
        if self.article_day:
            return Literal(self.article_day, datatype=NamedNode(XSD + "date"))
        return None

    # ------------------------------------------------------------------ events

    def event(self, event: Dated, mentions: list[list[Mention]]) -> None:
        by_sentence = {s.index: found for s, found in zip(self.article.sentences, mentions, strict=True)}
        named = [m for s in event.sentences for m in by_sentence[s.index] if m.iri]
        home = _local(self.home) if self.home else "article"
        iri = f"{ID}event/{event.date.value}-{home}-{_kebab(event.kind)}"
        fact = self._new(Fact("event", iri, [CKG + event.kind], f"{_kebab(event.kind).replace('-', ' ')} "
                              f"({event.date.value})", f"{event.kind} on {event.date.value}", confidence=0.7))
        fact.add(CKG + "date", event.literal)
        people = {iri for person, iri in self.people_found
                  if any(person.name in s.text for s in event.sentences)}
        hosted = self.home is not None and any(s.has(HOST_VERBS) for s in event.sentences)
        if event.kind != "Ranking":
            parties = [m.iri for m in named if m.kind in (MUNICIPALITY, ORGANIZATION, COUNTRY) and m.iri
                       and not m.iri.endswith("/country/id")]  # "Duta Besar … untuk Indonesia": the posting
            for iri_ in sorted(people) + ([self.home] if hosted and self.home else []) + parties:
                fact.add(CKG + "participant", NamedNode(iri_))
        if hosted and self.home:
            fact.add(CKG + "host", NamedNode(self.home))
        for venue in [m.iri for m in named if m.kind == VENUE and m.iri]:
            fact.add(CKG + "location", NamedNode(venue))
        for partnership in self.draft.by_kind("partnership") + self.draft.by_kind("agreement"):
            partners = {t.value for t in partnership.get(CKG + "partner") + partnership.get(CKG + "signatory")}
            if partners - {self.home} & {m.iri for m in named}:
                fact.add(CKG + "about", NamedNode(partnership.iri))
        for sentence in event.sentences:
            fact.quote(sentence.text)
        self._sectors(fact, event.sentences)
        ties = self.draft.by_kind("partnership")
        if not fact.get(CKG + "about") and len(ties) == 1 and event.kind != "Ranking":
            fact.add(CKG + "about", NamedNode(ties[0].iri))
            fact.flags.append("about the article's one partnership, which its sentences do not name")
            fact.confidence = 0.6
        elif not fact.get(CKG + "about"):
            fact.flags.append("no partnership named in its sentences: add ckg:about if it concerns one")
            fact.confidence = 0.5

    def unknown_sectors(self) -> None:
        phrases: list[str] = []
        for fact in self.draft.facts:
            if fact.kind in ("partnership", "agreement", "event"):
                for quote in fact.evidence:
                    phrases += self.sectors.unmatched_items(quote)
        self.draft.unknown_sectors = list(dict.fromkeys(phrases))


_ = RDF
