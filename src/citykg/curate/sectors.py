"""Sectors named in a sentence, matched against the labels of ``ontology/sectors.ttl`` in both languages.

A list the text introduces with "di bidang …", "sektor …", "in the fields of …" is split into its items;
an item that names no sector is returned too, so that the review sheet lists it instead of dropping it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..labels import normalise
from .lexicon import COUNTRY_NAMES, SECTOR_CUES
from .sector_words import CASED_WORDS, FOLDED_WORDS, NOT_SECTORS

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

__all__ = ["SectorIndex"]

_SECTOR_LABELS = """SELECT ?s ?l WHERE { ?s a ckg:Sector ; skos:prefLabel|skos:altLabel|rdfs:label ?l
  FILTER NOT EXISTS { ?s skos:topConceptOf ckg:sectors } }"""
_FILLER = re.compile(r"^(?:dan|serta|and|or|atau|juga|terutama|khususnya|antara\s+lain|seperti|mulai\s+dari|"
                     r"pengembangan|peningkatan|bidang|sektor|the|of|kegiatan|sistem|manajemen|management|"
                     r"kolaborasi\s+di\s+antara|pelatihan\s+personi?e?l\s+dalam\s+bidang)\s+", re.IGNORECASE)


#: An item that is a pronoun or filler ("ada juga …", "ini"), or a clause ("semua berjalan dengan baik"),
#: is left out of the review sheet's list: it is no phrase naming a field.
_NOT_A_PHRASE = re.compile(r"^(?:ada|ini|itu|lain|lainnya|lain-lain|this|that|other|others)$|"
                           r"\b(?:dengan|yang|adalah|akan|sudah|telah|with|which|will|has|have|are|is)\b",
                           re.IGNORECASE)
_NOT_A_SECTOR = re.compile(r"\b(?:sektor|bidang|sectors?|fields?|berbagai|various|kerja\s*sama|cooperation)\b",
                           re.IGNORECASE)


class SectorIndex:
    """The sector scheme's labels (the four top fields left out: they are headings, not sectors)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        labels: dict[str, str] = {}
        for row in kg.query(_SECTOR_LABELS):  # type: ignore[union-attr]
            labels[row["l"].value] = row["s"].value
        # Short upper-case labels (IT, PKL, UMKM) must match as written; others under the label rule.
        self.exact = {label: iri for label, iri in labels.items() if label.isupper() and len(label) <= 5}
        self.folded = {normalise(label): iri for label, iri in labels.items() if label not in self.exact}
        longest = sorted(self.folded, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(re.escape(label) for label in longest) + r")\b")
        self._acronyms = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in self.exact) + r")\b")
        by_name = {iri.rsplit("/", 1)[-1]: iri for iri in labels.values()}
        # The press's words for a sector (sector_words); a row naming a sector the scheme lacks is skipped.
        self._folded_words = [(pattern, by_name[name]) for pattern, name in FOLDED_WORDS if name in by_name]
        self._cased_words = [(pattern, by_name[name]) for pattern, name in CASED_WORDS if name in by_name]

    def in_text(self, text: str) -> list[str]:
        """The sectors a sentence names, in order, each once."""
        found: list[tuple[int, str]] = []
        text = NOT_SECTORS.sub(" ", text)
        folded = normalise(text)
        found += [(m.start(), self.folded[m.group()]) for m in self._pattern.finditer(folded)]
        found += [(m.start(), iri) for pattern, iri in self._folded_words for m in pattern.finditer(folded)]
        found += [(m.start(), self.exact[m.group()]) for m in self._acronyms.finditer(text)]
        found += [(m.start(), iri) for pattern, iri in self._cased_words for m in pattern.finditer(text)]
        return list(dict.fromkeys(iri for _, iri in sorted(found, key=lambda hit: hit[0])))

    def unmatched_items(self, text: str) -> list[str]:
        """Items of a listed "bidang …" phrase that name no sector."""
        cue = SECTOR_CUES.search(text)
        if not cue:
            return []
        listed = re.split(r"[.;:“”\"]", cue.group(1))[0]
        items = re.split(r",\s*|\s+(?:dan|serta|and|juga)\s+", listed)
        unmatched = []
        for item in items:
            item = item.strip(" ()")
            while _FILLER.match(item):
                item = _FILLER.sub("", item, count=1)
            if (item and len(item.split()) <= 5 and not self.in_text(item) and not item[0].isdigit()
                    and not _NOT_A_SECTOR.search(item) and not _NOT_A_PHRASE.search(item)
                    and item not in COUNTRY_NAMES):
                unmatched.append(item)
        return unmatched
