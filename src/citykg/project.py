"""Where a citykg project's files are: the curated text (the truth) and the derived store.

A project is a folder with ``ontology/`` and ``graph/``. The CLI finds it from ``--project``,
``CITYKG_PROJECT``, the current folder or its parents, or, for a source checkout, the package's own repo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

#: Curated-file kinds, in load order, and the glob patterns that find them.
LAYOUT: dict[str, tuple[str, tuple[str, ...]]] = {
    "ontology": ("ontology", ("*.ttl",)),
    "reference": ("graph/reference", ("*.ttl", "*.trig")),
    "sources": ("graph/sources", ("*.trig",)),
    "imported": ("graph/imported", ("*.trig",)),
}


#: The curated seed graph alone: everything but graph/imported (``citykg build --seeds-only``).
SEED_KINDS: tuple[str, ...] = ("ontology", "reference", "sources")


@dataclass(frozen=True)
class CuratedFile:
    """One text file of the project and the role it plays in the build."""

    path: Path
    kind: str  # a key of LAYOUT

    def display(self, root: Path) -> str:
        """The path as the user should read it in a message: relative to the project when possible."""
        try:
            return str(self.path.relative_to(root))
        except ValueError:
            return str(self.path)


@dataclass(frozen=True)
class Project:
    """A project folder and the store derived from it."""

    root: Path
    store_path: Path
    #: The kinds of curated file this project builds from; ``SEED_KINDS`` leaves graph/imported out.
    kinds: tuple[str, ...] = tuple(LAYOUT)

    @classmethod
    def locate(cls, root: str | Path | None = None, store: str | Path | None = None) -> Project:
        """Resolve the project folder and the store location from arguments, environment and defaults."""
        found = Path(root) if root else _find_root()
        if not (found / "ontology").is_dir():
            raise UsageError(f"{found} is not a citykg project: it has no ontology/ folder.")
        store = store or os.environ.get("CITYKG_STORE") or found / ".citykg" / "store"
        return cls(root=found.resolve(), store_path=Path(store).absolute())

    def curated_files(self, kinds: tuple[str, ...] | None = None) -> list[CuratedFile]:
        """Every curated file, ontology first, each folder sorted by name so builds are reproducible."""
        files: list[CuratedFile] = []
        for kind in self.kinds if kinds is None else kinds:
            folder, patterns = LAYOUT[kind]
            paths = {p for pattern in patterns for p in (self.root / folder).glob(pattern)}
            files.extend(CuratedFile(p, kind) for p in sorted(paths))
        return files

    @property
    def shapes_path(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"


def _find_root() -> Path:
    env = os.environ.get("CITYKG_PROJECT")
    if env:
        return Path(env)
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "ontology").is_dir() and (folder / "graph").is_dir():
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    return here
