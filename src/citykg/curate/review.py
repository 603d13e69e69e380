"""The review sheet: every drafted fact, the unsure ones first, and what the reviewer must decide.

The same rows go to the terminal (a rich table) and to ``--report FILE.md`` (Markdown), so that a sheet can
be kept with the draft or attached to a pull request.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vocab import compact
from .model import Draft
from .trig import KIND_ORDER

__all__ = ["Row", "rows", "markdown", "print_sheet"]


@dataclass(frozen=True)
class Row:
    confidence: float
    kind: str
    node: str
    statement: str
    flags: tuple[str, ...]
    quote: str


def rows(draft: Draft) -> list[Row]:
    """One row per fact, least sure first (then in the order of the file)."""
    facts = sorted(draft.facts, key=lambda f: (f.confidence, KIND_ORDER.index(f.kind)))
    return [Row(f.confidence, f.kind, compact(f.iri), f.summary, tuple(f.flags), f.evidence[0] if f.evidence
                else "") for f in facts]


def _notes(draft: Draft) -> list[tuple[str, list[str]]]:
    return [("Source", list(draft.source.flags)),
            ("Names to settle (ambiguous, or a post not in the graph)", list(draft.ambiguous)),
            ("Sector phrases matching no sector of ontology/sectors.ttl", list(draft.unknown_sectors))]


def markdown(draft: Draft, draft_path: str, article_path: str) -> str:
    """The review sheet as Markdown."""
    lines = [f"# Review sheet: {draft_path}", "", f"Article: `{article_path}` (language `{draft.language}`). "
             f"{len(draft.facts)} facts drafted, each with its quote; check the least sure first, then run "
             f"`citykg curate --check {draft_path} {article_path}`.", "",
             "| confidence | kind | node | statement | review | quote |", "|---|---|---|---|---|---|"]
    for row in rows(draft):
        quote = row.quote if len(row.quote) <= 160 else row.quote[:157] + "…"
        cells = [f"{row.confidence:.1f}", row.kind, f"`{row.node}`", row.statement, "; ".join(row.flags), quote]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    for title, items in _notes(draft):
        lines += ["", f"## {title}", ""] + ([f"- {item}" for item in items] or ["(none)"])
    return "\n".join(lines) + "\n"


def print_sheet(draft: Draft, draft_path: str, console) -> None:
    """The review sheet on the terminal (``console`` is a rich Console)."""
    from rich.table import Table

    table = Table(title=f"Draft {draft_path}: {len(draft.facts)} facts, least sure first", show_lines=True)
    for column in ("sure", "kind", "node", "statement", "review", "quote"):
        table.add_column(column, overflow="fold")
    for row in rows(draft):
        style = "red" if row.confidence < 0.5 else "yellow" if row.confidence < 0.8 else ""
        quote = row.quote if len(row.quote) <= 120 else row.quote[:117] + "…"
        table.add_row(f"{row.confidence:.1f}", row.kind, row.node, row.statement, "\n".join(row.flags), quote,
                      style=style)
    console.print(table)
    for title, items in _notes(draft):
        if items:
            console.print(f"[bold]{title}[/bold]")
            for item in items:
                console.print(f"  • {item}", markup=False, highlight=False)
