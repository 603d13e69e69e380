"""What a page reads that depends only on the build, kept per open store (so per query worker).

The labels of the vocabulary (ontology terms and concepts, countries, provinces, sectors) and the label and
quotes of each source are the same on every page, and there are a few hundred of them however many cities the graph
holds; reading them once saves a municipality page a third of its index look-ups (docs/bench-pages.md).
Entities that grow with the data (cities, ties, events, people) are read afresh by every page.

The cache belongs to the :class:`citykg.KnowledgeGraph` and to the store it had open: a rebuild reopens
the store, which starts a new cache, and a graph that is dropped takes its cache with it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from pyoxigraph import Store

from ..kg import KnowledgeGraph
from ..vocab import CKG, ID

__all__ = ["BuildCache", "build_cache", "forget", "is_vocabulary"]

#: Kinds of ``/id/{kind}/`` IRIs whose number does not grow with the cities: safe to keep for the build.
VOCABULARY_KINDS = ("country/", "province/", "sector/")


def is_vocabulary(iri: str) -> bool:
    """Whether ``iri`` is an ontology term, a concept, a country, a province or a sector."""
    return iri.startswith(CKG) or (iri.startswith(ID) and iri[len(ID):].startswith(VOCABULARY_KINDS))


class BuildCache:
    """Values computed once per open store, by name and key (``remember("label", key, compute)``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._values: dict[tuple[str, Any], Any] = {}

    def remember(self, name: str, key: Any, compute: Callable[[], Any]) -> Any:
        slot = (name, key)
        if slot not in self._values:
            self._values[slot] = compute()
        return self._values[slot]


_CACHES: weakref.WeakKeyDictionary[KnowledgeGraph, BuildCache] = weakref.WeakKeyDictionary()


def build_cache(kg: KnowledgeGraph) -> BuildCache:
    """The cache of ``kg``'s open store; a new one once the store was reopened (after a build)."""
    store = kg.store
    cache = _CACHES.get(kg)
    if cache is None or cache.store is not store:
        _CACHES[kg] = cache = BuildCache(store)
    return cache


def forget(kg: KnowledgeGraph) -> None:
    """Drop ``kg``'s cache, so that the next page fills it again (what a benchmark of a first page needs)."""
    _CACHES.pop(kg, None)
