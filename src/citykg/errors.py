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

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = [str(v) for v in violations]
        noun = "violation" if len(violations) == 1 else "violations"
        super().__init__(f"{len(violations)} {noun}:\n" + "\n".join(lines))


class StoreError(CityKGError):
    """The store cannot be opened or written."""


class StoreMissingError(StoreError):
    """No store has been built at the given location yet."""


class StoreLockedError(StoreError):
    """Another process holds the store (or a build of it)."""


class QueryError(CityKGError):
    """A SPARQL query is malformed or cannot be evaluated."""
