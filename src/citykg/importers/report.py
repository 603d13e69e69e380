"""What an import did, for the person who has to trust it: counts, bad rows, merges and doubts.

Nothing an importer leaves out or merges goes unmentioned: every bad row is listed with its line number
and reason, every merge of differently written names and every case the resolver would not decide.
``citykg import … --report FILE`` writes :meth:`ImportReport.markdown`; the terminal shows the counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["BadRow", "ImportReport"]


@dataclass(frozen=True)
class BadRow:
    """A line of an input file that could not be imported as it stands."""

    line: int
    reason: str  # one of ImportReport.BAD_REASONS
    text: str
    imported: bool = False  # True when the pair was still imported (e.g. without the bad coordinates)


@dataclass
class ImportReport:
    """Counts, bad rows and notes (section title → lines), in the order the importer found them."""

    title: str
    counts: dict[str, int] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    ties: dict[tuple[str, str], int] = field(default_factory=dict)  # (section, note) → ties depending on it

    BAD_REASONS = ("missing city name", "missing country", "unknown country name", "unparseable coordinates",
                   "city paired with itself", "unknown Wikidata id", "malformed line")

    def bad(self, line: int, reason: str, text: str, imported: bool = False) -> None:
        assert reason in self.BAD_REASONS, reason
        self.bad_rows.append(BadRow(line, reason, text, imported))

    def note(self, section: str, line: str, ties: int | None = None) -> None:
        """Add ``line`` to ``section``; ``ties``: how many partnerships depend on the decision (sorts the list)."""
        self.notes.setdefault(section, []).append(line)
        if ties is not None:
            self.ties[(section, line)] = ties

    def bad_counts(self) -> Counter[str]:
        return Counter(row.reason for row in self.bad_rows)

    def summary(self) -> list[str]:
        """Short lines for the terminal."""
        lines = [f"{name}: {value:,}" for name, value in self.counts.items()]
        for reason, count in sorted(self.bad_counts().items()):
            lines.append(f"bad rows ({reason}): {count:,}")
        for section, entries in self.notes.items():
            lines.append(f"{section}: {len(entries):,}")
        return lines

    def markdown(self) -> str:
        """The full report: every bad row and every note."""
        out = [f"# {self.title}", "", "## Counts", "", "| what | count |", "|---|---:|"]
        out += [f"| {name} | {value:,} |" for name, value in self.counts.items()]
        if self.outputs:
            out += ["", "Written: " + ", ".join(f"`{path}`" for path in self.outputs)]
        out += ["", f"## Bad rows ({len(self.bad_rows):,})", ""]
        if self.bad_rows:
            out += ["| line | reason | imported | row |", "|---:|---|---|---|"]
            out += [f"| {row.line} | {row.reason} | {'pair kept' if row.imported else 'no'} | "
                    f"`{row.text.replace('|', '¦')}` |" for row in self.bad_rows]
        else:
            out.append("None.")
        for section, entries in self.notes.items():
            out += ["", f"## {section} ({len(entries):,})", ""]
            if any((section, entry) in self.ties for entry in entries):
                out += ["Sorted by the number of ties that depend on each decision, most first.", ""]
                ranked = sorted(entries, key=lambda entry: -self.ties.get((section, entry), 0))
                out += [f"- {self._ties_text(section, entry)}{entry}" for entry in ranked]
            else:
                out += [f"- {entry}" for entry in entries]
        return "\n".join(out) + "\n"

    def _ties_text(self, section: str, entry: str) -> str:
        ties = self.ties.get((section, entry))
        return "" if ties is None else f"**{ties} {'tie' if ties == 1 else 'ties'}**: "
