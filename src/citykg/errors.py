"""The exceptions citykg raises.

Library code raises these; only the edges (the CLI, the HTTP server) turn them into a message and an exit
code or a status. Each class carries the exit code the CLI uses, so that the mapping lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CityKGError",
    "RdfSyntaxError",
    "ValidationError",
    "Violation",
    "StoreError",
    "StoreMissingError",
    "StoreLockedError",
    "NotAStoreError",
    "AmbiguousLabelError",
    "QueryError",
    "UsageError",
]


class CityKGError(Exception):
    """Base of every error a user can cause; the message is a plain sentence."""

    exit_code = 1


class UsageError(CityKGError):
    """An argument the user gave is not acceptable (unknown format, bad parameter)."""

    exit_code = 2

    @classmethod
    def unless_folder_exists(cls, path: Path) -> None:
        """Raise the one sentence every output file gets when its folder is missing (checked before the work
        that would produce it, so that minutes of computing are not lost to a typo)."""
        if not path.parent.is_dir():
            raise cls(f"Cannot write {path}: the folder {str(path.parent)!r} does not exist.")


class AmbiguousLabelError(UsageError):
    """A name that several nodes bear: never settled by a guess, the user is asked for one (issue 12.3).

    ``candidates`` are (compact IRI, where it is) pairs, e.g. ``("municipality:us-portland-maine",
    "Portland, Maine, United States")``; a long list is cut, with a count of the rest.
    """

    SHOWN = 15

    def __init__(self, label: str, kind: str, candidates: list[tuple[str, str]], same_place: bool = False) -> None:
        self.label = label
        self.candidates = candidates
        lines = [f"  {iri}  ({where})" if where else f"  {iri}" for iri, where in candidates[:self.SHOWN]]
        if len(candidates) > self.SHOWN:
            lines.append(f"  … and {len(candidates) - self.SHOWN} more")
        # homonyms in one place (two Springfields, neither with a state): naming the place cannot pick one
        how = ("by its IRI (some are in the same place)" if same_place
               else f"by its IRI or as '{label}, <country or province>'")
        super().__init__(f"{label!r} names {len(candidates)} {kind}; say which one, {how}:\n" + "\n".join(lines))


class RdfSyntaxError(CityKGError):
    """A curated file does not parse. Printed as ``path:line:col: message`` like a compiler error."""

    exit_code = 2

    def __init__(self, path: Path | str, line: int | None, column: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Violation:
    """One failed check: which node, which property path, what is wrong, and where it was written."""

    focus: str
    path: str | None
    message: str
    files: tuple[str, ...] = ()
    severity: str = "Violation"

    def __str__(self) -> str:
        where = ", ".join(self.files) if self.files else "(no file)"
        prop = f" {self.path}" if self.path else ""
        return f"{where}: {self.focus}{prop}: {self.message}"


class ValidationError(CityKGError):
    """The curated graph parses but breaks the shapes or the curation rules."""

    exit_code = 1

    #: How many violations the message lists; the rest are counted (``violations`` keeps them all).
    SHOWN = 50

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = list(dict.fromkeys(violations))  # each once, however many checks found it
        lines = [str(v) for v in self.violations[:self.SHOWN]]
        hidden = len(self.violations) - len(lines)
        if hidden:
            lines.append(f"… and {hidden} more (the first {self.SHOWN} are listed; fix them and build again).")
        noun = "violation" if len(self.violations) == 1 else "violations"
        super().__init__(f"{len(self.violations)} {noun}:\n" + "\n".join(lines))


class StoreError(CityKGError):
    """The store cannot be opened or written."""


class StoreMissingError(StoreError):
    """No store has been built at the given location yet."""


class StoreLockedError(StoreError):
    """Another process holds the store (or a build of it)."""


class NotAStoreError(UsageError):
    """The store location holds something citykg did not build (a folder, a file, a foreign link): the
    build refuses it and touches nothing (exit 2, as for any argument the user must change)."""


class QueryError(CityKGError):
    """A SPARQL query is malformed or cannot be evaluated."""
