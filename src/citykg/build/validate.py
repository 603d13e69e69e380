"""Check the parsed graph before it may reach the store: SHACL shapes, then the curation rules.

The shapes of ``ontology/shapes.ttl`` are evaluated by citykg.build.shapes alone, on every focus node of
the union of all the files (curated and imported): one engine, one contract, about 4 s on the full graph
where pyshacl took 62–186 s. pyshacl is only a test-time oracle (tests/shacl_oracle.py). A shape the engine
does not implement stops the build with :class:`UnsupportedShapeError`; it is never skipped.

The rules SHACL cannot state over a merged graph are checked here in Python: every source file holds
exactly one named graph, named after the ``ckg:Source`` it describes, and every ``ckg:`` term a curated
file uses is declared in the ontology (a misspelt property would otherwise pass every shape silently).
"""

from __future__ import annotations

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad

from ..errors import CityKGError, ValidationError, Violation
from ..vocab import CKG, RDF, compact
from .parse import ParsedDataset
from .shapes import DataIndex, ShapeResult, Shapes, ShapesError

__all__ = ["validate", "check_curation_rules", "check_shapes", "compile_shapes", "violations_from_results",
           "UnsupportedShapeError", "NoShapesError"]

_TYPE = RDF + "type"
_SOURCE = NamedNode(CKG + "Source")


class UnsupportedShapeError(ValidationError):
    """The shapes cannot be evaluated (a SHACL feature citykg.build.shapes lacks, or a malformed value).

    A ValidationError (same exit code) whose message is one sentence, e.g. ``ontology/shapes.ttl: shape
    ckgsh:FooShape uses sh:sparql, which citykg.build.shapes does not implement.``
    """

    def __init__(self, files: tuple[str, ...], error: ShapesError) -> None:
        self.violations = [Violation(error.shape, None, str(error), files)]
        where = ", ".join(files) if files else "(no file)"
        CityKGError.__init__(self, f"{where}: {error}")


class NoShapesError(ValidationError):
    """The shapes file is missing, empty, or targets nothing: validation would silently check nothing
    (issue 11), so the build stops instead."""

    def __init__(self, shown: str) -> None:
        self.violations = [Violation(shown, None, "no shapes", (shown,))]
        CityKGError.__init__(self, f"{shown}: there are no SHACL shapes with a target to validate the graph "
                             "against; the build does not run unchecked (restore the file from git).")


def validate(dataset: ParsedDataset, shapes_quads: list[Quad], progress=None,
             shapes_file: str = "ontology/shapes.ttl") -> None:
    """Raise :class:`ValidationError` listing every problem found; return quietly when all is well.

    The shapes are compiled first, so that a shape the engine cannot evaluate fails the build at once
    (:class:`UnsupportedShapeError`) instead of after the other checks.
    ``progress`` (a citykg.build.Progress, optional) is told when each part starts and how far it got.
    """
    shapes = compile_shapes(dataset, shapes_quads)
    if not shapes.roots:
        raise NoShapesError(shapes_file)
    violations = check_curation_rules(dataset)
    violations += check_shapes(dataset, shapes, progress)
    if violations:
        raise ValidationError(violations)


def compile_shapes(dataset: ParsedDataset, shapes_quads: list[Quad]) -> Shapes:
    """The shapes, compiled; a shape the engine cannot evaluate becomes :class:`UnsupportedShapeError`
    naming the file it is written in."""
    try:
        return Shapes(shapes_quads)
    except ShapesError as error:
        wanted = {q for q in shapes_quads if q.subject == error.node} or set(shapes_quads)
        files = tuple(parsed.display for parsed in dataset.files if not wanted.isdisjoint(parsed.quads))
        raise UnsupportedShapeError(files, error) from None


def check_curation_rules(dataset: ParsedDataset) -> list[Violation]:
    """The rules of docs/vocabulary.md that are about files and graphs rather than nodes."""
    violations: list[Violation] = []
    declared = _declared_ckg_terms(dataset)
    graph_owner: dict[str, str] = {}
    for parsed in dataset.files:
        shown = parsed.display
        if parsed.file.kind in ("sources", "imported"):
            violations += _check_source_file(parsed.quads, shown, graph_owner)
        if parsed.file.kind != "ontology":
            violations += _check_terms(parsed.quads, shown, declared)
    return violations


def _check_source_file(quads: list[Quad], shown: str, graph_owner: dict[str, str]) -> list[Violation]:
    found: list[Violation] = []
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, NamedNode)}
    if any(isinstance(q.graph_name, DefaultGraph) for q in quads):
        found.append(Violation(shown, None, "a source file keeps all its triples inside the named graph "
                               "of its source; this one has triples outside any graph.", (shown,)))
    if len(graphs) != 1:
        found.append(Violation(shown, None, f"a source file holds exactly one named graph; this one holds "
                               f"{len(graphs)}.", (shown,)))
    for graph in sorted(graphs):
        if graph in graph_owner:
            found.append(Violation(compact(graph), None, f"the named graph is also written by "
                                   f"{graph_owner[graph]}; each source has one file.", (shown,)))
        graph_owner[graph] = shown
        node = NamedNode(graph)
        described = any(q.subject == node and q.predicate.value == _TYPE and q.object == _SOURCE
                        and q.graph_name == node for q in quads)
        if not described:
            found.append(Violation(compact(graph), None, "a named graph must describe its own source: add "
                                   f"'{compact(graph)} a ckg:Source' inside the graph.", (shown,)))
    return found


def _declared_ckg_terms(dataset: ParsedDataset) -> set[str]:
    return {q.subject.value for parsed in dataset.files if parsed.file.kind == "ontology"
            for q in parsed.quads if isinstance(q.subject, NamedNode) and q.subject.value.startswith(CKG)}


def _check_terms(quads: list[Quad], shown: str, declared: set[str]) -> list[Violation]:
    unknown: dict[str, str] = {}
    for quad in quads:
        for term in (quad.predicate, quad.object, quad.subject):
            if isinstance(term, NamedNode) and term.value.startswith(CKG) and term.value not in declared:
                unknown.setdefault(term.value, getattr(quad.subject, "value", str(quad.subject)))
    return [Violation(compact(subject), compact(term), f"{compact(term)} is not a term of the citykg "
                      "ontology (misspelt, or missing from ontology/citykg.ttl).", (shown,))
            for term, subject in sorted(unknown.items())]


def check_shapes(dataset: ParsedDataset, shapes: Shapes, progress=None) -> list[Violation]:
    """Apply the shapes to every focus node of the union of all files (the ontology included, so that
    subclasses count; an imported partner or country counts for a curated node, and the reverse)."""
    data = DataIndex(dataset.quads)
    on_shape = None
    if progress is not None:
        progress.stage(f"Validating {len(data.props):,} nodes (SHACL)", total=len(shapes.roots))
        on_shape = progress.advance
    return violations_from_results(shapes.validate(data, on_shape=on_shape), dataset)


def violations_from_results(results: list[ShapeResult], dataset: ParsedDataset) -> list[Violation]:
    """The results as the user reads them: compacted names, the files describing the focus node, sorted."""
    found = [Violation(_show(r.focus), compact(r.path) if r.path else None, r.message,
                       dataset.files_describing(r.focus.value) if isinstance(r.focus, NamedNode) else ())
             for r in results]
    return sorted(dict.fromkeys(found), key=lambda v: (v.files, v.focus, v.path or ""))


def _show(term) -> str:
    if isinstance(term, NamedNode):
        return compact(term.value)
    return f"_:{term.value}" if isinstance(term, BlankNode) else str(term)
