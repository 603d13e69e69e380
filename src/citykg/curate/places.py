"""Names in the text linked to the graph as it stands: municipalities, countries, organisations, venues.

Every look-up goes through :meth:`citykg.kg.KnowledgeGraph.resolve`, the CLI's one label rule (case, accents
and spacing do not matter; labels, local names and source spellings all count). A name several places share
is narrowed by the country the text names nearby ("Kota Daegu, Korea Selatan"); what stays ambiguous is
listed with its candidates. A misspelling next to a known place ("Kawasaki, Hanamatsu dan Toyota") is
matched with rapidfuzz against the places of the countries the article names; a "Kota X" the graph lacks
gets a proposed IRI, flagged for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from ..errors import AmbiguousLabelError
from ..importers.names import slug
from ..labels import normalise
from ..query.catalogue import with_rows, with_values
from ..vocab import CKG, ID, PREFIXES, compact
from .lexicon import COUNTRY_NAMES
from .org_names import company_core, short_forms

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

__all__ = ["Gazetteer", "Mention"]

MUNICIPALITY, COUNTRY, ORGANIZATION, VENUE, PERSON = (
    CKG + "Municipality", CKG + "Country", CKG + "Organization", CKG + "Venue", CKG + "Person")
# The gazetteer's questions; every value reaches them as a pyoxigraph term in a VALUES block.
_ORGANISATION_LABELS = """SELECT ?x ?l WHERE { ?x rdfs:label ?l FILTER(STRSTARTS(STR(?x), ?prefix)) }"""
_COUNTRY_AND_LABEL = """SELECT ?x ?c ?l WHERE {
  OPTIONAL { ?x ckg:inCountry ?c } OPTIONAL { ?x rdfs:label ?l FILTER(lang(?l) = "en") } }"""
_EXISTING = """SELECT ?en ?id ?type ?status WHERE {
  ?x a ?class OPTIONAL { ?x rdfs:label ?en FILTER(lang(?en) = "en") }
  OPTIONAL { ?x rdfs:label ?id FILTER(lang(?id) = "id") }
  OPTIONAL { ?x ckg:partnershipType ?type } OPTIONAL { ?x ckg:status ?status } } LIMIT 1"""
_PLACES_IN = """SELECT ?x ?l WHERE { ?x ckg:inCountry ?country ; a ckg:Municipality ; rdfs:label|ckg:localName ?l }"""
_RUN = re.compile(r"[A-Z][\w'’\-]*\.?(?:\s+[A-Z][\w'’\-]*\.?)*")
_PREFIXES = [("Pemerintah Kota ", "Kota "), ("Pemerintah Kabupaten ", "Kabupaten "), ("Pemkot ", "Kota "),
             ("Pemkab ", "Kabupaten "), ("Kabupaten ", "Kabupaten "), ("Kab. ", "Kabupaten "),
             ("Kota ", "Kota "), ("City of ", ""), ("Pemprov ", "Provinsi ")]
_STOP = set("""Sementara Hal Kami Saya Ia Dia Ini Itu Pada Dalam Selain Namun Menurut Adapun Terbaru Kini Lalu
Sedangkan Tak Sebagai Seperti Rencananya Termasuk Menanggapi Berlandaskan Tahun Kota Pemerintah The This In On
At An It We He She They Mr Mrs Senin Selasa Rabu Kamis Jumat Sabtu Minggu Monday Tuesday Wednesday Thursday
Friday Saturday Sunday Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember
January February March May June July August October December Wali Walikota Wakil Ketua Kepala Bupati Duta Besar
Dinas Sister City Smart Center Centre Baca Juga Artikel Terkait Kabupaten Pemkot Pemkab Mayor Lord Council
Ambassador Kerja Kerjasama Sama Program Plt Pj MoU Memorandum Understanding Ada Mereka Kita Sehingga Dengan
Untuk Di Ke Dari Tentang Karena Jika Bahkan Maka Sebab Tapi Juga Setelah Sebelumnya Potensi Beberapa Kadin
DPRD Kemudian Selanjutnya Bersaudara Kembar Persahabatan Cerdas Kreatif Saat Para As For With And But Our
Their His Her Its""".split())


def _expand(name: str) -> str:
    """``municipality:kr-jung-gu-seoul`` → its full IRI (candidates come compacted)."""
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else name


@dataclass
class Mention:
    """A name in one sentence and the node it stands for (or the candidates, when it is ambiguous)."""

    text: str
    start: int
    end: int
    kind: str  # MUNICIPALITY, COUNTRY, ORGANIZATION, VENUE
    iri: str | None
    candidates: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    proposed: bool = False

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


class Gazetteer:
    """The graph's places, organisations and people as the curator needs them, looked up by label."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self._country_of: dict[str, str | None] = {}
        self._labels: dict[str, str] = {}
        self._places_in: dict[str, dict[str, str]] = {}
        self.aliases: dict[str, Mention] = {}
        self._short_forms: dict[str, str] | None = None

    # ------------------------------------------------------------------ single look-ups

    def resolve(self, class_iri: str, label: str) -> list[str]:
        """The graph's nodes of ``class_iri`` named ``label``, by the CLI's label rule.

        ``KnowledgeGraph.resolve`` reports a label several nodes bear by raising
        :class:`citykg.errors.AmbiguousLabelError` with the candidates; the draft lists them for the
        reviewer instead of failing, so they are returned here (as full IRIs).
        """
        try:
            return list(self.kg.resolve(class_iri, label))
        except AmbiguousLabelError as error:
            return [_expand(str(candidate[0] if isinstance(candidate, tuple) else candidate))
                    for candidate in error.candidates]

    def organisation_by_short_form(self, name: str) -> list[str]:
        """"Kadin Kabupaten Bekasi", "Dics Us Korea CO Ltd": an organisation the label rule misses (org_names)."""
        if self._short_forms is None:
            rows = self.kg.query(with_values(_ORGANISATION_LABELS, {"prefix": Literal(ID + "organization/")}))
            self._short_forms = short_forms((row["x"].value, row["l"].value) for row in rows)  # type: ignore
        folded = normalise(name)
        found = self._short_forms.get(folded) or self._short_forms.get(company_core(name) or "")
        return [found] if found else []

    def country(self, name: str) -> str | None:
        found = self.resolve(COUNTRY, name)
        if len(found) == 1:
            return found[0]
        code = COUNTRY_NAMES.get(name)
        if code and self.resolve(COUNTRY, self.label(f"{ID}country/{code.lower()}")):
            return f"{ID}country/{code.lower()}"
        return None

    def country_of(self, iri: str) -> str | None:
        if iri not in self._country_of:
            self._fetch([iri])
        return self._country_of[iri]

    def label(self, iri: str) -> str:
        """The English label of a node (else the last part of its IRI)."""
        if iri not in self._labels:
            self._fetch([iri])
        return self._labels[iri]

    def _fetch(self, iris: list[str]) -> None:
        rows = self.kg.query(with_rows(_COUNTRY_AND_LABEL, "x", [NamedNode(iri) for iri in iris]))
        for iri in iris:
            self._country_of.setdefault(iri, None)
            self._labels.setdefault(iri, "")
        for row in rows:  # type: ignore[union-attr]
            iri = row["x"].value
            if row["c"] is not None:
                self._country_of[iri] = row["c"].value
            if row["l"] is not None and not self._labels[iri]:
                self._labels[iri] = row["l"].value
        for iri in iris:
            self._labels[iri] = self._labels[iri] or iri.rsplit("/", 1)[-1]

    def existing(self, iri: str) -> dict[str, str] | None:
        """What the graph already says of a node the draft also describes (None: the node is new)."""
        solutions = self.kg.query(with_values(_EXISTING, {"x": NamedNode(iri)}))
        row = next(iter(solutions), None)  # type: ignore[arg-type]
        if row is None:
            return None
        return {name: row[name].value for name in ("en", "id", "type", "status")  # type: ignore[index]
                if row[name] is not None}  # type: ignore[index]

    def places_in(self, country: str) -> dict[str, str]:
        """label → municipality IRI for one country (for near spellings)."""
        if country not in self._places_in:
            rows = self.kg.query(with_values(_PLACES_IN, {"country": NamedNode(country)}))
            self._places_in[country] = {row["l"].value: row["x"].value for row in rows}  # type: ignore[union-attr]
        return self._places_in[country]

    # ------------------------------------------------------------------ a sentence's names

    def mentions(self, text: str, near_countries: set[str]) -> list[Mention]:
        """Every municipality, country, organisation or venue named in ``text``, left to right.

        ``near_countries`` are the countries the whole article names: a tie-breaker after the countries of
        the sentence itself.
        """
        found: list[Mention] = []
        for run in _RUN.finditer(text):
            found += self._in_run(text, run.group(), run.start())
        found += self._aliased(text, found)
        countries = {m.iri for m in found if m.kind == COUNTRY and m.iri}
        for mention in found:
            if mention.ambiguous:
                self._qualified(text, mention)
            if mention.ambiguous:
                self._narrow(mention, countries, near_countries)
        self._near_spellings(text, found, countries | near_countries)
        self._learn_aliases(text, found)
        return sorted(found, key=lambda m: m.start)

    def _in_run(self, text: str, run: str, offset: int) -> list[Mention]:
        tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", run)]
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + 6), i, -1):
                start = offset + tokens[i][0]
                end = offset + tokens[j - 1][0] + len(tokens[j - 1][1])
                mention = self._lookup(text[start:end].rstrip("."), start, end)
                if mention is not None:
                    found.append(mention)
                    i = j
                    break
            else:
                proposal = self._proposal(text, tokens, i, offset)
                if proposal is not None:
                    found.append(proposal)
                    i += len(proposal.text.split())
                else:
                    i += 1
        return found

    @staticmethod
    def _proposal(text: str, tokens: list[tuple[int, str]], i: int, offset: int) -> Mention | None:
        """"Kota Liverpool" that nothing in the graph matches: a new place, one name word long (two when
        the capitalised run ends there: "Kota Petaling Jaya")."""
        if tokens[i][1] not in ("Kota", "City") or i + 1 >= len(tokens):
            return None
        if tokens[i][1] == "City" and text[offset + tokens[i][0]:].startswith("City of ") is False:
            return None
        first = i + 2 if tokens[i][1] == "City" and i + 2 < len(tokens) and tokens[i + 1][1] == "of" else i + 1
        size = 2 if len(tokens) - first == 2 else 1
        names = [token for _, token in tokens[first:first + size]]
        if any(name.strip(".") in _STOP for name in names):
            return None
        start = offset + tokens[i][0]
        end = offset + tokens[first + size - 1][0] + len(tokens[first + size - 1][1])
        return Mention(text[start:end], start, end, MUNICIPALITY, None, [], proposed=True)

    def _lookup(self, name: str, start: int, end: int) -> Mention | None:
        words = name.split()
        if all(word.strip(".") in _STOP for word in words) or len(name) < 3:
            return None
        organisations = self.resolve(ORGANIZATION, name) or self.organisation_by_short_form(name)
        if organisations:
            return Mention(name, start, end, ORGANIZATION, organisations[0], organisations)
        for written, label in _PREFIXES:
            if name.startswith(written) and len(name) > len(written):
                rest = name[len(written):]
                places = self.resolve(MUNICIPALITY, label + rest) or self.resolve(MUNICIPALITY, rest)
                if places:
                    return Mention(name, start, end, MUNICIPALITY, places[0], places)
                return None
        country = self.country(name)
        if country:
            return Mention(name, start, end, COUNTRY, country, [country])
        places = self.resolve(MUNICIPALITY, name)
        if places:
            return Mention(name, start, end, MUNICIPALITY, places[0], places)
        venues = self.resolve(VENUE, name)
        if venues:
            return Mention(name, start, end, VENUE, venues[0], venues)
        if name.endswith(" City") and len(words) <= 3:
            places = self.resolve(MUNICIPALITY, name[:-5])
            if places:
                return Mention(name, start, end, MUNICIPALITY, places[0], places)
        return None

    def _qualified(self, text: str, mention: Mention) -> None:
        """"Jung-gu, Seoul" / "Liverpool, Inggris": the name and what follows its comma, by the CLI's
        "Name, Place" rule."""
        after = re.match(r",\s+([A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)", text[mention.end:])
        if not after:
            return
        for name in dict.fromkeys((mention.text, re.sub(r"^(?:Kota|Kabupaten|Pemkot|Pemkab)\s+", "", mention.text))):
            found = self.resolve(MUNICIPALITY, f"{name}, {after.group(1)}")
            if len(found) == 1:
                mention.flags.append(f"'{mention.text}' names {len(mention.candidates)} places; "
                                     f"'{mention.text}, {after.group(1)}' names one")
                mention.iri, mention.candidates = found[0], found
                return

    def _narrow(self, mention: Mention, here: set[str], article: set[str]) -> None:
        """Keep the candidates in a country the sentence (else the article) names; flag what remains."""
        for countries, why in ((here, "the sentence"), (article, "the article")):
            kept = [c for c in mention.candidates if self.country_of(c) in countries]
            if len(kept) == 1:
                mention.iri = kept[0]
                mention.flags.append(f"'{mention.text}' names {len(mention.candidates)} places; the one in "
                                     f"{self.label(self.country_of(kept[0]) or '')} was chosen because "
                                     f"{why} names that country")
                mention.candidates = kept
                return
        mention.flags.append(f"'{mention.text}' is ambiguous: {', '.join(map(compact, mention.candidates))} "
                             "(the first is drafted; keep the right one)")

    def _near_spellings(self, text: str, found: list[Mention], countries: set[str]) -> None:
        """A capitalised word listed next to a known place, or after "kota", that is a near spelling."""
        from rapidfuzz import fuzz, process

        places = {label: iri for country in countries if country for label, iri in self.places_in(country).items()}
        if not places:
            return
        taken = [(m.start, m.end) for m in found]
        for match in re.finditer(r"(?:(?<=, )|(?<=dan )|(?<=and )|(?<=kota )|(?<=city of ))([A-Z][a-z]{4,})\b",
                                 text):
            word, start, end = match.group(1), match.start(1), match.end(1)
            if word in _STOP or any(s <= start < e for s, e in taken):
                continue
            listed = any(m.kind == MUNICIPALITY and m.iri and (0 <= start - m.end <= 6 or 0 <= m.start - end <= 6)
                         for m in found)
            if not listed and not text[max(0, start - 5):start].lower().endswith(("kota ", "city of ")):
                continue
            best = process.extractOne(word, list(places), scorer=fuzz.ratio, score_cutoff=85)
            if best:
                iri = places[best[0]]
                found.append(Mention(word, start, end, MUNICIPALITY, iri, [iri],
                                     [f"'{word}' read as {best[0]} (near spelling, {best[1]:.0f}% similar)"]))

    def _aliased(self, text: str, found: list[Mention]) -> list[Mention]:
        taken = [(m.start, m.end) for m in found]
        extra = []
        for alias, mention in self.aliases.items():
            for match in re.finditer(rf"\b{re.escape(alias)}\b", text):
                if not any(s <= match.start() < e for s, e in taken):
                    extra.append(Mention(alias, match.start(), match.end(), mention.kind, mention.iri,
                                         list(mention.candidates)))
        return extra

    def _learn_aliases(self, text: str, found: list[Mention]) -> None:
        """"Petaling Jaya (PJ)": the short form in brackets names the same place for the rest of the text."""
        for mention in found:
            if mention.iri and mention.kind == MUNICIPALITY:
                after = re.match(r"\s*\(([A-Z]{2,6})\)", text[mention.end:])
                if after and after.group(1) not in self.aliases:
                    self.aliases[after.group(1)] = mention

    # ------------------------------------------------------------------ proposals for new nodes

    @staticmethod
    def proposed_municipality(name: str, country: str | None) -> str:
        code = country.rsplit("/", 1)[-1] if country else "xx"
        for written, _ in _PREFIXES:
            if name.startswith(written):
                name = name[len(written):]
        return f"{ID}municipality/{code}-{slug(name)}"
