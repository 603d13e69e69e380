"""Check the parsed graph before it may reach the store: SHACL shapes, then the curation rules.

SHACL (pyshacl) checks each node against ``ontology/shapes.ttl``. The rules SHACL cannot state over a
merged graph are checked here in Python: every source file holds exactly one named graph, named after the
``ckg:Source`` it describes, and every ``ckg:`` term a curated file uses is declared in the ontology (a
misspelt property would otherwise pass every shape silently).
"""

from __future__ import annotations

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from ..errors import ValidationError, Violation
from .parse import ParsedDataset
from ..vocab import CKG, RDF, SH, compact

_TYPE = RDF + "type"


def validate(dataset: ParsedDataset, shapes_quads: list[Quad], progress=None) -> None:
    """Raise :class:`ValidationError` listing every problem found; return quietly when all is well.

    The curated files (ontology, reference, sources) go through pyshacl. Imported files (thousands of
    nodes) go through citykg.shapes, which applies the same shapes file to every node they describe, over
    the union with the curated graph (so a partner or a country defined elsewhere counts).
    ``progress`` (a citykg.build.Progress, optional) is told when each part starts and how far it got.
    """
    from .shapes import UnsupportedShape

    violations = check_curation_rules(dataset)
    curated = [parsed for parsed in dataset.files if parsed.file.kind != "imported"]
    imported = [parsed for parsed in dataset.files if parsed.file.kind == "imported"]
    if progress is not None:
        progress.stage("Validating the curated graph (SHACL)")
    try:
        found = check_shapes(dataset, shapes_quads, [q for parsed in curated for q in parsed.quads])
        if imported:
            found += check_imported(dataset, shapes_quads, imported, progress)
    except UnsupportedShape:
        # The shapes use a feature citykg.shapes lacks: pyshacl over everything, slow but complete.
        if progress is not None:
            progress.stage("Validating everything with pyshacl (the shapes need it)")
        found = check_shapes(dataset, shapes_quads)
    violations += found
    if violations:
        raise ValidationError(violations)


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
        described = any(q.subject.value == graph and q.predicate.value == _TYPE
                        and q.object.value == CKG + "Source" and q.graph_name.value == graph
                        for q in quads if isinstance(q.graph_name, NamedNode))
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
                unknown.setdefault(term.value, quad.subject.value)
    return [Violation(compact(subject), compact(term), f"{compact(term)} is not a term of the citykg "
                      "ontology (misspelt, or missing from ontology/citykg.ttl).", (shown,))
            for term, subject in sorted(unknown.items())]


def check_shapes(dataset: ParsedDataset, shapes_quads: list[Quad], quads=None) -> list[Violation]:
    """Run pyshacl over the union of the given quads (default: all; the ontology included, so subclasses
    count)."""
    import pyshacl

    data = _as_rdflib(dataset.quads if quads is None else quads)
    shapes = _as_rdflib(shapes_quads)
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    return sorted(_violations_from_report(results, dataset), key=lambda v: (v.files, v.focus, v.path or ""))


def check_imported(dataset: ParsedDataset, shapes_quads: list[Quad], imported: list,
                   progress=None) -> list[Violation]:
    """Apply the shapes (citykg.shapes) to every node that an imported file says something about."""
    from .shapes import DataIndex, Shapes

    shapes = Shapes(shapes_quads)
    scope = {quad.subject for parsed in imported for quad in parsed.quads}
    on_shape = None
    if progress is not None:
        progress.stage(f"Validating {len(scope):,} imported nodes (same shapes)", total=len(shapes.roots))
        on_shape = progress.advance
    results = shapes.validate(DataIndex(dataset.quads), scope, on_shape)
    found = [Violation(compact(r.focus.value) if isinstance(r.focus, NamedNode) else f"_:{r.focus.value}",
                       compact(r.path) if r.path else None, r.message, dataset.files_describing(r.focus.value))
             for r in results]
    return sorted(dict.fromkeys(found), key=lambda v: (v.files, v.focus, v.path or ""))


def _violations_from_report(report, dataset: ParsedDataset) -> list[Violation]:
    from rdflib import URIRef
    from rdflib.namespace import SH as RSH

    found = []
    # Only top-level results: those of sh:node / sh:or also carry nested sh:detail results.
    for result in report.objects(None, RSH.result):
        severity = report.value(result, RSH.resultSeverity)
        if severity is not None and str(severity) != SH + "Violation":
            continue
        focus = report.value(result, RSH.focusNode)
        path = report.value(result, RSH.resultPath)
        message = report.value(result, RSH.resultMessage)
        focus_text = compact(str(focus)) if isinstance(focus, URIRef) else f"_:{focus}"
        path_text = compact(str(path)) if isinstance(path, URIRef) else None
        found.append(Violation(focus_text, path_text, str(message) if message else "fails a shape",
                               dataset.files_describing(str(focus))))
    return list(dict.fromkeys(found))


def _as_rdflib(quads):
    """The union of the quads as an rdflib Graph, term by term (5× faster than re-parsing N-Triples)."""
    import rdflib

    graph = rdflib.Graph()
    cache: dict = {}

    def convert(term):
        converted = cache.get(term)
        if converted is None:
            if isinstance(term, NamedNode):
                converted = rdflib.URIRef(term.value)
            elif isinstance(term, Literal):
                datatype = None if term.language else rdflib.URIRef(term.datatype.value)
                converted = rdflib.Literal(term.value, lang=term.language, datatype=datatype)
            else:
                converted = rdflib.BNode(term.value)
            cache[term] = converted
        return converted

    for quad in quads:
        graph.add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph
