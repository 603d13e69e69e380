"""``citykg curate --check``: a reviewed draft's quotes are still verbatim, and it passes the build's checks.

The draft is validated exactly as a build would validate it once moved into graph/sources/: parsed strictly,
then :func:`citykg.build.validate.validate` (the SHACL engine of citykg.build.shapes and the curation rules)
on the project's curated files plus the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from ..build.parse import ParsedDataset, parse_file
from ..build.validate import validate
from ..errors import UsageError, ValidationError, Violation
from ..project import CuratedFile, Project
from ..vocab import CKG, compact
from .text import quote_in

__all__ = ["CheckReport", "check_draft"]


@dataclass(frozen=True)
class CheckReport:
    quotes: int
    facts: int
    unsure: int  # facts still carrying ckg:draftConfidence below 0.5


def check_draft(project: Project, draft: Path, article: Path) -> CheckReport:
    """Raise :class:`ValidationError` naming each quote not in ``article`` and each shape violation."""
    try:
        text = article.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"Cannot read {article}: {error.strerror or error}.") from None
    files = [f for f in project.curated_files() if f.path.resolve() != draft.resolve()]
    parsed_draft = parse_file(CuratedFile(draft, "sources"), project.root)
    problems: list[Violation] = []
    quotes = 0
    for quad in parsed_draft.quads:
        if quad.predicate.value == CKG + "evidence" and isinstance(quad.object, Literal):
            quotes += 1
            if not quote_in(quad.object.value, text):
                shown = quad.object.value if len(quad.object.value) <= 80 else quad.object.value[:77] + "…"
                problems.append(Violation(compact(str(getattr(quad.subject, "value", quad.subject))), "ckg:evidence",
                                          f"the quote is not in {article.name}: “{shown}”",
                                          (parsed_draft.display,)))
    dataset = ParsedDataset(files=[])
    for parsed in [parse_file(f, project.root) for f in files] + [parsed_draft]:
        dataset.files.append(parsed)
        for quad in parsed.quads:
            if isinstance(quad.subject, NamedNode):
                dataset.subject_files[quad.subject.value].add(parsed.display)
    shapes = [q for parsed in dataset.files if parsed.file.path == project.shapes_path for q in parsed.quads]
    try:
        validate(dataset, shapes)
    except ValidationError as error:
        problems += error.violations
    if problems:
        raise ValidationError(problems)
    subjects = {q.subject for q in parsed_draft.quads if q.predicate.value == CKG + "draftConfidence"}
    unsure = {q.subject for q in parsed_draft.quads if q.predicate.value == CKG + "draftConfidence"
              and isinstance(q.object, Literal) and float(q.object.value) < 0.5}
    return CheckReport(quotes, len(subjects), len(unsure))
