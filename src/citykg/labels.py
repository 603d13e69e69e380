"""The one rule by which a user's text names a node: case, accents and spacing do not matter.

Every look-up by label uses it: catalogue parameters (``query -p city=…``), ``--focus``, ``--for`` and
``--country``, in the library and on the endpoint, so "sao paulo" finds São Paulo everywhere or nowhere.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import TypeVar

__all__ = ["normalise", "matching", "LabelIndex", "LABEL_INDEX"]

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


#: The file a build writes next to its store (see :class:`LabelIndex`), and the version of its layout and of
#: :func:`normalise`: an index written under another rule is not used (the façade asks the store instead).
LABEL_INDEX = "citykg-labels.sqlite"
LABEL_INDEX_VERSION = 1

_SCHEMA = """
CREATE TABLE about (version INTEGER);
CREATE TABLE node (id INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE class (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE name (key TEXT, class INTEGER, node INTEGER, PRIMARY KEY (key, class, node)) WITHOUT ROWID;
"""
_LOOKUP = """SELECT node.iri FROM name JOIN node ON node.id = name.node
WHERE name.key = ? AND name.class = (SELECT id FROM class WHERE iri = ?) ORDER BY node.iri"""


class LabelIndex:
    """Which nodes of which class a label names: an SQLite file the build writes beside the store.

    Asking the store for every label of a class and normalising them took 2.1 s per process on the full
    graph (issue 10.7). The labels only change when the store does, so the build writes them once, keyed by
    :func:`normalise`, and a look-up reads one B-tree entry (under a millisecond, whatever the graph's size)
    instead of loading an index. SQLite is the standard library's, and the file is opened immutable: it is
    never written after the build.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    @staticmethod
    def write(path: Path, types: Iterable[tuple[str, str]], labels: Iterable[tuple[str, str]]) -> None:
        """Write the index of (node, class) and (node, label) pairs; only labelled nodes of a class count."""
        classes: dict[str, set[str]] = {}
        for node, class_iri in types:
            classes.setdefault(node, set()).add(class_iri)
        keys: dict[str, set[str]] = {}
        for node, label in labels:
            if node in classes:
                keys.setdefault(node, set()).add(normalise(label))
        nodes = sorted(keys)
        class_ids = {iri: i for i, iri in enumerate(sorted({c for cs in classes.values() for c in cs}))}
        rows = ((key, class_ids[c], i) for i, node in enumerate(nodes) for c in classes[node] for key in keys[node])
        connection = sqlite3.connect(path)
        try:
            with connection:
                connection.executescript(_SCHEMA)
                connection.execute("INSERT INTO about VALUES (?)", (LABEL_INDEX_VERSION,))
                connection.executemany("INSERT INTO node VALUES (?, ?)", enumerate(nodes))
                connection.executemany("INSERT INTO class VALUES (?, ?)", ((i, c) for c, i in class_ids.items()))
                connection.executemany("INSERT OR IGNORE INTO name VALUES (?, ?, ?)", rows)
        finally:
            connection.close()

    @classmethod
    def open(cls, path: Path) -> LabelIndex | None:
        """The index in ``path``; None when there is none (a store built before it existed) or it was
        written under another rule."""
        if not path.is_file():
            return None
        connection = None
        try:
            connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
            (version,), = connection.execute("SELECT version FROM about").fetchall()
        except (sqlite3.Error, ValueError):
            version = None
        if connection is None or version != LABEL_INDEX_VERSION:
            if connection is not None:
                connection.close()
            return None
        return cls(connection)

    def close(self) -> None:
        """Let go of the file, so that a pruned build's index is not held open."""
        self._connection.close()

    def lookup(self, class_iri: str, label: str) -> list[str] | None:
        """The IRIs of the instances of ``class_iri`` that ``label`` names under :func:`normalise`, sorted;
        None when the index does not cover that class (the build indexes citykg's own classes only)."""
        if not self._connection.execute("SELECT 1 FROM class WHERE iri = ?", (class_iri,)).fetchone():
            return None
        return [iri for (iri,) in self._connection.execute(_LOOKUP, (normalise(label), class_iri))]
