"""Place names as the data sets write them: split off qualifiers, and reduce a name to its slug.

Wikipedia's lists disambiguate a place in three ways, all meaning "Base, which lies in Qualifier":
``Miyoshi, Saitama``, ``Suseong (Daegu)`` and ``Daegu – Suseong`` (parent first, then the district).
A qualifier starting with a lower-case letter names a *kind* instead (``Forchheim (district)``,
``Iława (rural gmina)``): a different body from the bare town, never to be merged with it.

The slug (``anyascii`` transliteration, lower case, runs of other characters → ``-``) is both the
comparison key (so accents, case, punctuation and apostrophes do not split one city in two) and the
last part of the IRI, as docs/vocabulary.md asks: ``municipality:{iso2}-{slug}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

__all__ = ["PlaceName", "parse_name", "slug"]

_PAREN = re.compile(r"^(?P<base>.+?)\s*\((?P<qualifier>[^()]+)\)$")
_DASH = re.compile(r"^(?P<qualifier>.+?)\s+[–—]\s+(?P<base>.+)$")
_APOSTROPHES = re.compile(r"['’ʼ`´‘]")
_OTHER = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """``"Ch’ŏngjin"`` → ``"chongjin"``; ``"Bérat"`` → ``"berat"``; ``"Saint-Étienne"`` → ``"saint-etienne"``."""
    ascii_text = _APOSTROPHES.sub("", anyascii(_APOSTROPHES.sub("", text))).lower()
    return _OTHER.sub("-", ascii_text).strip("-")


@dataclass(frozen=True)
class PlaceName:
    """A name split into the place itself and what disambiguates it."""

    text: str  # as written, whitespace tidied
    base: str
    qualifier: str | None = None

    @property
    def is_kind(self) -> bool:
        """``(district)``, ``(rural gmina)``: the qualifier says what kind of body, not where."""
        return self.qualifier is not None and self.qualifier[:1].islower()

    @property
    def base_key(self) -> str:
        return slug(self.base)

    @property
    def key(self) -> str:
        """Equal keys are the same place in one country: the base slug, then the qualifier's.

        Digits are dropped from a parent qualifier (``Vienna 9 – Alsergrund`` = ``Alsergrund (Vienna)``).
        """
        if self.qualifier is None:
            return self.base_key
        qualifier = self.qualifier if self.is_kind else re.sub(r"\d+", "", self.qualifier)
        return f"{self.base_key}-{slug(qualifier)}".strip("-")


def parse_name(text: str, country_words: tuple[str, ...] = ()) -> PlaceName:
    """Split ``text``; a qualifier that only repeats the country (``Varna, Bulgaria``) is dropped.

    ``country_words`` are slugs of the country's names, as given by the caller.
    """
    tidy = re.sub(r"\s+", " ", text).strip()
    for pattern in (_PAREN, _DASH):
        match = pattern.match(tidy)
        if match:
            return _without_country(PlaceName(tidy, match["base"].strip(), match["qualifier"].strip()),
                                    country_words)
    if "," in tidy:
        base, qualifier = (part.strip() for part in tidy.split(",", 1))
        if base and qualifier:
            return _without_country(PlaceName(tidy, base, qualifier), country_words)
    return PlaceName(tidy, tidy)


def _without_country(name: PlaceName, country_words: tuple[str, ...]) -> PlaceName:
    if name.qualifier is not None and slug(name.qualifier) in (*country_words, name.base_key):
        return PlaceName(name.text, name.base)
    return name
