"""``citykg curate``: draft the named graph of a news article for review, or check a reviewed draft."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from . import _common

_HEADER = """Draft written by `citykg curate` from {article} on {day}. Nothing here is in the graph yet.
Review it: read every fact (the REVIEW lines first, then the lowest confidence), fix or delete what the
article does not say, then run
    citykg curate --check {draft} {article}
and move the file to graph/sources/ (e.g. graph/sources/NNN-{stem}.trig); the next `citykg build` loads it."""


@click.command()
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", "check", type=_common.FILE, metavar="FILE.trig",
              help="Check a reviewed draft against ARTICLE instead of drafting: quotes verbatim, shapes pass.")
@click.option("--url", help="The article's address (recorded as schema:url of the source).")
@click.option("--publisher", help="Who published it (dcterms:publisher); else read from the dateline, if any.")
@click.option("--issued", metavar="DATE", help="When it was published: 2025-03-25 or 2025-03-25T21:24:00+07:00.")
@click.option("--out", type=_common.FILE, help="Draft file. Default: graph/drafts/<slug>.trig in the project.")
@click.option("--report", type=_common.FILE, help="Also write the review sheet to this Markdown file.")
@click.option("--force", is_flag=True, help="Overwrite an existing draft (by default a draft is never replaced: it "
                                           "may hold a curator's review).")
@click.pass_context
def curate(ctx: click.Context, article: Path, check: Path | None, url: str | None, publisher: str | None,
           issued: str | None, out: Path | None, report: Path | None, force: bool) -> None:
    """Draft TriG for ARTICLE (plain text, Indonesian or English), a quote behind every fact."""
    from rich.console import Console

    from ..errors import UsageError

    console = Console()
    if check is not None:
        from ..curate.check import check_draft

        result = check_draft(_common.project(ctx), check, article)
        console.print(f"[green]OK[/]: {check} — {result.quotes} quotes found verbatim in {article}; the draft "
                      f"passes the build's shapes. {result.unsure} of {result.facts} facts are still marked "
                      "unsure (ckg:draftConfidence < 0.5).", soft_wrap=True)  # one line, whatever the path
        return
    for path in (out, report):
        if path is not None:
            UsageError.unless_folder_exists(path)
    try:
        text = article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise UsageError(f"Cannot read {article}: {reason}.") from None
    from ..curate import draft_article
    from ..curate.review import markdown, print_sheet
    from ..curate.trig import to_trig

    kg = _common.kg(ctx)
    draft = draft_article(kg, text, url=url, publisher=publisher, issued=issued)
    stem = draft.graph.rsplit("/", 1)[-1]
    if out is None:
        out = kg.project.root / "graph" / "drafts" / f"{stem}.trig"
        out.parent.mkdir(parents=True, exist_ok=True)
    shown = _shown(out, kg.project.root)
    if out.exists() and not force:
        raise UsageError(f"{shown} exists (a draft under review?); move it away, name another --out, or pass "
                         "--force to replace it.")
    header = _HEADER.format(article=article, day=datetime.now(timezone.utc).date(), draft=shown, stem=stem)
    _write(out, to_trig(draft, header))
    print_sheet(draft, shown, console)
    if report is not None:
        _write(report, markdown(draft, shown, str(article)))
    unsure = sum(fact.confidence < 0.5 or bool(fact.flags) for fact in draft.facts)
    console.print(f"Wrote [bold]{shown}[/]: {len(draft.facts)} facts, {unsure} flagged for review. Next: "
                  f"citykg curate --check {shown} {article}", highlight=False)


def _write(path: Path, text: str) -> None:
    from ..errors import UsageError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"Cannot write {path}: {error.strerror or error}.") from None


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
