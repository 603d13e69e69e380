"""The short forms by which the press names an organisation whose graph label is long.

A chamber's label "Kamar Dagang dan Industri (Kadin) Kabupaten Bekasi" is written "Kadin Kabupaten Bekasi";
an English label that ends in its short form, "… Chamber of Commerce and Industry (Kadin Kabupaten Bekasi)",
gives it too; a company labelled "Dics US Co Ltd" is written with or without its legal form and with its
country inside ("Dics Us Korea CO Ltd"). Each short form answers for one organisation only: a form two
organisations share names neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..labels import normalise
from .lexicon import COUNTRY_NAMES

__all__ = ["company_core", "short_forms"]

_ABBREVIATED = re.compile(r"^.+?\s*\(([^()]+)\)\s*(.*)$")  # "Long Name (ABBR) Rest"
_LEGAL_FORM = re.compile(r"\b(?:Co\.?,?\s*Ltd\.?|Ltd\.?|Inc\.?|Corp\.?|LLC|GmbH|Pte\.?\s*Ltd\.?|Tbk\.?)\s*$|^PT\.?\s+",
                         re.IGNORECASE)
_COUNTRY = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(COUNTRY_NAMES, key=len, reverse=True))
                      + r")\b", re.IGNORECASE)


def company_core(name: str) -> str | None:
    """"Dics Us Korea CO Ltd" → "dics us": a company's name without its legal form and country (None when
    the name has no legal form, so that no ordinary phrase is read as a company)."""
    if not _LEGAL_FORM.search(name):
        return None
    core = " ".join(_COUNTRY.sub(" ", _LEGAL_FORM.sub(" ", name)).split())
    return normalise(core) if len(core) >= 3 else None


def short_forms(labelled: Iterable[tuple[str, str]]) -> dict[str, str]:
    """folded short form → organisation IRI, from (IRI, label) pairs; forms shared by two IRIs are dropped."""
    seen: dict[str, set[str]] = {}
    for iri, label in labelled:
        forms = set()
        abbreviated = _ABBREVIATED.match(label)
        if abbreviated:
            inner, rest = abbreviated.groups()
            forms.add(f"{inner} {rest}".strip() if rest else inner)
        core = company_core(label)
        if core:
            forms.add(core)
        for form in forms:
            seen.setdefault(normalise(form), set()).add(iri)
    return {form: next(iter(iris)) for form, iris in seen.items() if len(iris) == 1 and len(form) >= 3}
