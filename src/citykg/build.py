"""parse → validate → infer → load: turn the curated text files into a fresh on-disk store.

Nothing touches the existing store until every step has succeeded; then the new store is swapped in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from pyoxigraph import DefaultGraph, Quad

from .infer import infer
from .parse import ParsedDataset, parse_files
from .project import Project
from .store import build_lock, write_and_swap
from .validate import validate


class Progress(Protocol):
    """What the build reports while it works; the CLI draws it with rich, the API may ignore it."""

    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self, step: int = 1) -> None: ...


class _Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, step: int = 1) -> None:
        pass


@dataclass
class BuildReport:
    """What a build (or a validation) did, for the summary the user sees."""

    files: int
    asserted: int
    inferred: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    store: str | None = None


def check(project: Project, progress: Progress | None = None) -> tuple[ParsedDataset, BuildReport]:
    """Parse and validate every curated file; raise on the first syntax error or on any violation."""
    progress = progress or _Silent()
    files = project.curated_files()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    progress.stage("Parsing", total=len(files))
    dataset = parse_files(files, project.root, on_file=lambda _: progress.advance())
    timings["parse"] = time.perf_counter() - started
    started = time.perf_counter()
    progress.stage("Validating (SHACL and curation rules)")
    shapes = [q for parsed in dataset.files if parsed.file.path == project.shapes_path for q in parsed.quads]
    validate(dataset, shapes)
    timings["validate"] = time.perf_counter() - started
    asserted = sum(len(parsed.quads) for parsed in dataset.files)
    return dataset, BuildReport(files=len(files), asserted=asserted, seconds=timings)


def with_union_default_graph(quads: list[Quad]) -> list[Quad]:
    """Add every distinct triple to the default graph as well.

    Queries then read the default graph, where each fact appears once however many sources state it
    (Oxigraph's union-default-graph mode repeats a triple per graph), while ``GRAPH ?g`` still tells
    which sources state it.
    """
    union = dict.fromkeys(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    return quads + list(union)


def build(project: Project, progress: Progress | None = None) -> BuildReport:
    """Check, infer and load; the previous store keeps answering until the new one is complete."""
    progress = progress or _Silent()
    with build_lock(project.store_path):
        dataset, report = check(project, progress)
        started = time.perf_counter()
        progress.stage("Inferring")
        asserted: list[Quad] = list(dataset.quads)
        inferred = infer(asserted)
        report.seconds["infer"] = time.perf_counter() - started
        report.inferred = len(inferred)
        started = time.perf_counter()
        progress.stage("Loading the store")
        target = write_and_swap(project.store_path, with_union_default_graph(asserted + inferred))
        report.seconds["load"] = time.perf_counter() - started
        report.store = str(target)
    return report
