"""The SHACL Core constraints of ``ontology/shapes.ttl``, evaluated in plain Python for large imports.

pyshacl validates the curated seed graph (a few thousand triples) in a second or two, but the imported
data sets (≈300,000 triples) would take minutes. This evaluator reads the *same* shapes file and applies
it to every node an imported file describes, with the same result messages, so an import is held to the
same contract as curated data. It implements exactly the constraint components the shapes use and
refuses any other (:class:`UnsupportedShape`), so a new kind of constraint cannot be skipped silently;
tests/test_import_validation.py checks it against pyshacl on every fixture of tests/data/shapes/.

Semantics follow the SHACL 1.0 recommendation (https://www.w3.org/TR/shacl/): targets ``sh:targetClass``
(with ``rdfs:subClassOf`` in the data graph, as pyshacl with ``inference="none"``) and
``sh:targetSubjectsOf``; predicate paths only; value-type, cardinality, value-range, string, language,
logical (``sh:or``, ``sh:xone``), shape-based (``sh:node``, ``sh:qualifiedValueShape``) and ``sh:in`` /
``sh:hasValue`` constraints.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from ..vocab import RDF, RDFS, SH, XSD

__all__ = ["Shapes", "ShapeResult", "UnsupportedShape", "DataIndex"]

Term = NamedNode | BlankNode | Literal

#: Components that are read as part of a shape but are not constraints of their own.
_STRUCTURE = {"targetClass", "targetSubjectsOf", "property", "path", "message", "severity", "name",
              "description", "order", "group", "deactivated", "qualifiedMinCount", "qualifiedMaxCount",
              "qualifiedValueShapesDisjoint", "declare", "prefix", "namespace"}
_CONSTRAINTS = {"minCount", "maxCount", "datatype", "pattern", "flags", "class", "in", "languageIn",
                "uniqueLang", "qualifiedValueShape", "minInclusive", "maxInclusive", "nodeKind", "node",
                "hasValue", "or", "xone"}

# Lexical forms of the XSD datatypes the shapes name (XML Schema 1.1 Part 2, section 3.3).
_TZ = r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?([1-9]\d{3,}|0\d{3})"
_LEXICAL = {
    XSD + "string": None,
    XSD + "boolean": re.compile(r"^(true|false|1|0)$"),
    XSD + "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    XSD + "integer": re.compile(r"^[+-]?\d+$"),
    XSD + "gYear": re.compile(rf"^{_YEAR}{_TZ}$"),
    XSD + "gYearMonth": re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2]){_TZ}$"),
    XSD + "date": re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]){_TZ}$"),
    XSD + "dateTime": re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(([01]\d|2[0-3]):[0-5]\d:"
                                 rf"[0-5]\d(\.\d+)?|24:00:00(\.0+)?){_TZ}$"),
    XSD + "duration": re.compile(r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"),
}
_NUMERIC = {XSD + "decimal", XSD + "integer"}


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature this evaluator does not implement (so pyshacl must be used)."""


@dataclass(frozen=True)
class ShapeResult:
    """One validation result, as pyshacl would report it: focus node, path, message."""

    focus: Term
    path: str | None
    message: str


class DataIndex:
    """The union of the data quads as ``subject → predicate → objects`` (each triple once), plus types."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self.props: dict[Term, dict[str, dict[Term, None]]] = defaultdict(lambda: defaultdict(dict))
        self.subjects_of: dict[str, set[Term]] = defaultdict(set)
        self.by_type: dict[str, set[Term]] = defaultdict(set)
        parents: dict[str, set[str]] = defaultdict(set)
        for quad in quads:
            predicate = quad.predicate.value
            self.props[quad.subject][predicate][quad.object] = None
            self.subjects_of[predicate].add(quad.subject)
            if predicate == RDF + "type" and isinstance(quad.object, NamedNode):
                self.by_type[quad.object.value].add(quad.subject)
            elif predicate == RDFS + "subClassOf" and isinstance(quad.object, NamedNode):
                parents[quad.subject.value].add(quad.object.value)
        self._ancestors = _closure(parents)

    def values(self, node: Term, predicate: str) -> list[Term]:
        found = self.props.get(node)
        return list(found.get(predicate, ())) if found else []

    def is_instance(self, node: Term, cls: str) -> bool:
        """SHACL instance: ``node rdf:type/rdfs:subClassOf* cls``."""
        return any(t.value == cls or cls in self._ancestors.get(t.value, ())
                   for t in self.values(node, RDF + "type") if isinstance(t, NamedNode))

    def instances(self, cls: str) -> set[Term]:
        classes = {cls} | {c for c, ancestors in self._ancestors.items() if cls in ancestors}
        return set().union(*(self.by_type.get(c, set()) for c in classes))


def _closure(parents: dict[str, set[str]]) -> dict[str, set[str]]:
    ancestors: dict[str, set[str]] = {}

    def visit(node: str, path: frozenset[str]) -> set[str]:
        if node in ancestors:
            return ancestors[node]
        found: set[str] = set()
        for parent in parents.get(node, ()):
            if parent not in path:
                found |= {parent} | visit(parent, path | {parent})
        ancestors[node] = found
        return found

    for node in list(parents):
        visit(node, frozenset({node}))
    return ancestors


@dataclass
class _Shape:
    node: Term
    path: str | None = None  # set for property shapes
    message: str | None = None
    constraints: list[tuple[str, object]] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)
    target_subjects_of: list[str] = field(default_factory=list)
    qualified_min: int | None = None
    qualified_max: int | None = None


class Shapes:
    """A shapes graph, compiled once; :meth:`validate` applies it to focus nodes of a data graph."""

    def __init__(self, shapes_quads: Iterable[Quad]) -> None:
        self._graph = DataIndex(shapes_quads)
        self._compiled: dict[Term, _Shape] = {}
        self.roots = [self._shape(node) for node in sorted(
            {s for p in ("targetClass", "targetSubjectsOf") for s in self._graph.subjects_of.get(SH + p, ())},
            key=str) if not self._deactivated(node)]

    def validate(self, data: DataIndex, scope: set[Term] | None = None, on_shape=None) -> list[ShapeResult]:
        """Every Violation-level result for the focus nodes of each shape (restricted to ``scope``).

        ``on_shape()`` is called after each targeted shape (for a progress bar).
        """
        results: list[ShapeResult] = []
        for shape in self.roots:
            focus_nodes: set[Term] = set()
            for cls in shape.target_classes:
                focus_nodes |= data.instances(cls)
            for predicate in shape.target_subjects_of:
                focus_nodes |= data.subjects_of.get(predicate, set())
            if scope is not None:
                focus_nodes &= scope
            for focus in sorted(focus_nodes, key=str):
                results += self._check(shape, focus, data)
            if on_shape is not None:
                on_shape()
        return list(dict.fromkeys(results))

    # -- compiling --------------------------------------------------------------------------------

    def _one(self, node: Term, name: str) -> Term | None:
        values = self._graph.values(node, SH + name)
        return values[0] if values else None

    def _deactivated(self, node: Term) -> bool:
        flag = self._one(node, "deactivated")
        return isinstance(flag, Literal) and flag.value == "true"

    def _shape(self, node: Term) -> _Shape:
        if node in self._compiled:
            return self._compiled[node]
        shape = _Shape(node)
        self._compiled[node] = shape
        severity = self._one(node, "severity")
        if severity is not None and severity.value != SH + "Violation":
            raise UnsupportedShape(f"{node}: only sh:Violation severity is supported")
        for predicate, objects in self._graph.props.get(node, {}).items():
            if not predicate.startswith(SH):
                continue
            name = predicate[len(SH):]
            if name not in _STRUCTURE | _CONSTRAINTS:
                raise UnsupportedShape(f"{node}: sh:{name} is not supported by citykg.shapes")
            for value in objects:
                self._read(shape, name, value)
        if shape.qualified_min is not None or shape.qualified_max is not None:
            if not any(kind == "qualifiedValueShape" for kind, _ in shape.constraints):
                raise UnsupportedShape(f"{node}: sh:qualifiedMinCount without sh:qualifiedValueShape")
        return shape

    def _read(self, shape: _Shape, name: str, value: Term) -> None:
        if name == "path":
            if not isinstance(value, NamedNode):
                raise UnsupportedShape(f"{shape.node}: only predicate paths are supported")
            shape.path = value.value
        elif name == "message":
            shape.message = value.value
        elif name == "targetClass":
            shape.target_classes.append(value.value)
        elif name == "targetSubjectsOf":
            shape.target_subjects_of.append(value.value)
        elif name == "property":
            if not self._deactivated(value):
                shape.properties.append(self._shape(value))
        elif name in ("qualifiedMinCount", "qualifiedMaxCount"):
            setattr(shape, "qualified_min" if name == "qualifiedMinCount" else "qualified_max", int(value.value))
        elif name in ("node", "qualifiedValueShape"):
            shape.constraints.append((name, self._shape(value)))
        elif name in ("or", "xone"):
            shape.constraints.append((name, [self._shape(member) for member in self._list(value)]))
        elif name in ("in", "languageIn"):
            shape.constraints.append((name, self._list(value)))
        elif name == "flags":
            raise UnsupportedShape(f"{shape.node}: sh:flags is not supported")
        elif name in _CONSTRAINTS:
            shape.constraints.append((name, value))

    def _list(self, head: Term) -> list[Term]:
        items = []
        while not (isinstance(head, NamedNode) and head.value == RDF + "nil"):
            items.append(self._graph.values(head, RDF + "first")[0])
            head = self._graph.values(head, RDF + "rest")[0]
        return items

    # -- checking ---------------------------------------------------------------------------------

    def _check(self, shape: _Shape, focus: Term, data: DataIndex) -> list[ShapeResult]:
        """The results of ``shape`` on ``focus``: its own constraints, then its property shapes."""
        results: list[ShapeResult] = []
        if shape.path is None:
            for kind, argument in shape.constraints:
                if not self._value_ok(kind, argument, focus, data):
                    results.append(ShapeResult(focus, None, shape.message or "fails a shape"))
        else:
            values = data.values(focus, shape.path)
            for failed in self._property_failures(shape, values, data):
                results.append(ShapeResult(focus, shape.path, shape.message or f"fails sh:{failed}"))
        for prop in shape.properties:
            results += self._check(prop, focus, data)
        return results

    def conforms(self, shape: _Shape, focus: Term, data: DataIndex) -> bool:
        return not self._check(shape, focus, data)

    def _property_failures(self, shape: _Shape, values: list[Term], data: DataIndex) -> list[str]:
        failed: list[str] = []
        for kind, argument in shape.constraints:
            if kind == "minCount":
                failed += [kind] * (len(values) < int(argument.value))
            elif kind == "maxCount":
                failed += [kind] * (len(values) > int(argument.value))
            elif kind == "uniqueLang":
                languages = [v.language.lower() for v in values if isinstance(v, Literal) and v.language]
                if argument.value == "true":
                    failed += [kind] * len({lang for lang in languages if languages.count(lang) > 1})
            elif kind == "hasValue":
                failed += [kind] * (argument not in values)
            elif kind == "qualifiedValueShape":
                conforming = sum(self.conforms(argument, v, data) for v in values)
                if shape.qualified_min is not None and conforming < shape.qualified_min:
                    failed.append("qualifiedMinCount")
                if shape.qualified_max is not None and conforming > shape.qualified_max:
                    failed.append("qualifiedMaxCount")
            else:
                failed += [kind for v in values if not self._value_ok(kind, argument, v, data)]
        return failed

    def _value_ok(self, kind: str, argument, value: Term, data: DataIndex) -> bool:
        """Value-node constraints: each value node is checked on its own (SHACL section 4)."""
        if kind == "datatype":
            return _has_datatype(value, argument.value)
        if kind == "class":
            return data.is_instance(value, argument.value)
        if kind == "nodeKind":
            return _node_kind(value, argument.value)
        if kind == "pattern":
            return not isinstance(value, BlankNode) and re.search(argument.value, value.value) is not None
        if kind == "in":
            return value in argument
        if kind == "languageIn":
            return isinstance(value, Literal) and value.language is not None and any(
                _lang_matches(value.language, tag.value) for tag in argument)
        if kind in ("minInclusive", "maxInclusive"):
            return _compare(value, argument, kind)
        if kind == "hasValue":
            return value == argument
        if kind == "node":
            return self.conforms(argument, value, data)
        if kind == "or":
            return any(self.conforms(member, value, data) for member in argument)
        if kind == "xone":
            return sum(self.conforms(member, value, data) for member in argument) == 1
        if kind in ("minCount", "maxCount", "uniqueLang", "qualifiedValueShape"):
            raise UnsupportedShape(f"sh:{kind} outside a property shape")
        raise UnsupportedShape(f"sh:{kind} is not supported by citykg.shapes")


def _has_datatype(value: Term, datatype: str) -> bool:
    if not isinstance(value, Literal):
        return False
    if datatype == RDF + "langString":
        return value.language is not None
    if value.language is not None or value.datatype.value != datatype:
        return False
    pattern = _LEXICAL.get(datatype)
    return pattern is None or pattern.match(value.value) is not None


def _node_kind(value: Term, kind: str) -> bool:
    expected = {SH + "IRI": (NamedNode,), SH + "Literal": (Literal,), SH + "BlankNode": (BlankNode,),
                SH + "BlankNodeOrIRI": (BlankNode, NamedNode), SH + "BlankNodeOrLiteral": (BlankNode, Literal),
                SH + "IRIOrLiteral": (NamedNode, Literal)}
    if kind not in expected:
        raise UnsupportedShape(f"sh:nodeKind {kind}")
    return isinstance(value, expected[kind])


def _lang_matches(tag: str, wanted: str) -> bool:
    tag, wanted = tag.lower(), wanted.lower()
    return tag == wanted or tag.startswith(wanted + "-")


def _compare(value: Term, bound: Term, kind: str) -> bool:
    """Numeric comparison for the numeric XSD types the shapes bound (latitude, counts, ranks)."""
    if not (isinstance(value, Literal) and isinstance(bound, Literal)):
        return False
    if value.datatype.value not in _NUMERIC or not _has_datatype(value, value.datatype.value):
        return False
    try:
        number, limit = Decimal(value.value), Decimal(bound.value)
    except InvalidOperation:
        return False
    return number >= limit if kind == "minInclusive" else number <= limit
