"""The one rule by which a user's text names a node: case, accents and spacing do not matter.

Every look-up by label uses it: catalogue parameters (``query -p city=…``), ``--focus``, ``--for`` and
``--country``, in the library and on the endpoint, so "sao paulo" finds São Paulo everywhere or nowhere.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable
from typing import TypeVar

__all__ = ["normalise", "matching"]

Key = TypeVar("Key", bound=Hashable)


def normalise(label: str) -> str:
    """The form two labels share when a user would call them the same: "São  Paulo" → "sao paulo".

    NFKD splits a letter from its accents, which are dropped; ``casefold`` is Unicode's caseless match
    (ß = ss); runs of white space count as one space.
    """
    decomposed = unicodedata.normalize("NFKD", label)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def matching(labelled: Iterable[tuple[Key, object]], wanted: str) -> list[Key]:
    """The keys whose label names ``wanted`` under :func:`normalise`, each once, in sorted order."""
    key = normalise(wanted)
    return sorted({k for k, label in labelled if label is not None and normalise(str(label)) == key}, key=str)
