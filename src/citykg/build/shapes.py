"""The one SHACL engine of the build: the Core constraints of ``ontology/shapes.ttl``, in plain Python.

Why not pyshacl: on the full graph (≈300,000 triples) pyshacl took 62–186 s where this evaluator takes about
4 s, and one engine holds curated and imported data to one contract. pyshacl stays as the test-time oracle:
tests/test_shacl_oracle.py asserts that both find the same violations on every fixture of tests/data/shapes/
and on the curated graph.

It implements the constraint components in ``_CONSTRAINTS`` and nothing else. Every shape is compiled before
any node is checked, and a feature outside that set raises :class:`UnsupportedShape` ("shape X uses sh:Y,
which citykg.build.shapes does not implement."), which the build reports as an error: a shape the engine
cannot check stops the build, it is never skipped in silence.

Semantics follow the SHACL 1.0 recommendation (https://www.w3.org/TR/shacl/) as pyshacl applies it with
``inference="none"``: targets ``sh:targetClass`` (with ``rdfs:subClassOf`` in the data graph), implicit class
targets, ``sh:targetNode``, ``sh:targetObjectsOf`` and ``sh:targetSubjectsOf``; predicate paths only;
value-type, cardinality, value-range, string, language, logical, shape-based, ``sh:in`` and ``sh:hasValue``
constraints; ``sh:severity`` and ``sh:deactivated``.
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from ..vocab import RDF, RDFS, SH, XSD, compact
from . import xsd

__all__ = ["Shapes", "ShapeResult", "ShapesError", "UnsupportedShape", "DataIndex"]

Term = NamedNode | BlankNode | Literal

_TARGETS = ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf")
#: Parameters that are read as part of a shape (or ignored by SHACL validation) but are not constraints.
_STRUCTURE = {*_TARGETS, "property", "path", "message", "severity", "name", "description", "order", "group",
              "deactivated", "defaultValue", "qualifiedMinCount", "qualifiedMaxCount",
              "qualifiedValueShapesDisjoint", "declare", "prefix", "namespace"}
_CONSTRAINTS = {"minCount", "maxCount", "datatype", "pattern", "class", "in", "languageIn", "uniqueLang",
                "qualifiedValueShape", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive",
                "minLength", "maxLength", "nodeKind", "node", "hasValue", "and", "or", "xone", "not"}
#: Components SHACL defines for property shapes only (section 4: a node shape has one value, its focus).
_PROPERTY_ONLY = {"minCount", "maxCount", "uniqueLang", "qualifiedValueShape", "qualifiedMinCount",
                  "qualifiedMaxCount"}
_COMPLEX_PATHS = ("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath")
_SHAPES_NS = "https://w3id.org/citykg/shapes#"
_VIOLATION = SH + "Violation"

_BOUNDS = {"minInclusive": operator.ge, "maxInclusive": operator.le, "minExclusive": operator.gt,
           "maxExclusive": operator.lt}
_NODE_KINDS = {SH + "IRI": (NamedNode,), SH + "Literal": (Literal,), SH + "BlankNode": (BlankNode,),
               SH + "BlankNodeOrIRI": (BlankNode, NamedNode), SH + "BlankNodeOrLiteral": (BlankNode, Literal),
               SH + "IRIOrLiteral": (NamedNode, Literal)}


class ShapesError(Exception):
    """The shapes graph cannot be evaluated (e.g. a count that is not a number, a broken list); ``node`` is
    the shape, ``shape`` how messages name it."""

    def __init__(self, node: Term, shape: str, message: str) -> None:
        self.node, self.shape = node, shape
        super().__init__(message)


class UnsupportedShape(ShapesError):
    """A shape uses a SHACL feature this engine does not implement: the build must stop, not skip it."""

    def __init__(self, node: Term, shape: str, feature: str) -> None:
        self.feature = feature
        super().__init__(node, shape, f"shape {shape} uses {feature}, which citykg.build.shapes does not implement.")


@dataclass(frozen=True)
class ShapeResult:
    """One validation result, as pyshacl would report it: focus node, path, message (and severity)."""

    focus: Term
    path: str | None
    message: str
    severity: str = _VIOLATION


class DataIndex:
    """The union of the data quads as ``subject → predicate → objects`` (each triple once), plus types."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self.props: dict[Term, dict[str, dict[Term, None]]] = defaultdict(lambda: defaultdict(dict))
        self.subjects_of: dict[str, set[Term]] = defaultdict(set)
        self.by_type: dict[str, set[Term]] = defaultdict(set)
        parents: dict[str, set[str]] = defaultdict(set)
        for quad in quads:
            predicate = quad.predicate.value
            subject, value = cast(Term, quad.subject), cast(Term, quad.object)  # RDF 1.2 triple terms aside
            self.props[subject][predicate][value] = None
            self.subjects_of[predicate].add(subject)
            if predicate == RDF + "type" and isinstance(quad.object, NamedNode):
                self.by_type[quad.object.value].add(subject)
            elif predicate == RDFS + "subClassOf" and isinstance(quad.object, NamedNode):
                parents[subject.value].add(quad.object.value)
        self._ancestors = _closure(parents)

    def values(self, node: Term, predicate: str) -> list[Term]:
        found = self.props.get(node)
        return list(found.get(predicate, ())) if found else []

    def objects_of(self, predicate: str) -> set[Term]:
        return {o for s in self.subjects_of.get(predicate, ()) for o in self.values(s, predicate)}

    def is_instance(self, node: Term, cls: str) -> bool:
        """SHACL instance: ``node rdf:type/rdfs:subClassOf* cls``."""
        return any(t.value == cls or cls in self._ancestors.get(t.value, ())
                   for t in self.values(node, RDF + "type") if isinstance(t, NamedNode))

    def instances(self, cls: str) -> set[Term]:
        classes = {cls} | {c for c, ancestors in self._ancestors.items() if cls in ancestors}
        return set().union(*(self.by_type.get(c, set()) for c in classes))


def _closure(parents: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each class's ancestors along ``rdfs:subClassOf`` (a cycle is harmless: each class is visited once)."""
    ancestors: dict[str, set[str]] = {}
    for node in parents:
        seen: set[str] = set()
        todo = list(parents[node])
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo += parents.get(parent, ())
        ancestors[node] = seen
    return ancestors


def _name(term: Term) -> str:
    """How messages name a shape: ``ckgsh:FooShape`` (the shapes' own prefix), else as vocab.compact does."""
    if isinstance(term, NamedNode):
        return "ckgsh:" + term.value[len(_SHAPES_NS):] if term.value.startswith(_SHAPES_NS) else compact(term.value)
    return f"_:{term.value}"


@dataclass
class _Shape:
    node: Term
    label: str  # how an error names it: ckgsh:FooShape, or "ckgsh:FooShape (its sh:property shape on …)"
    path: str | None = None  # set for property shapes
    message: str | None = None
    severity: str = _VIOLATION
    deactivated: bool = False
    constraints: list[tuple[str, Any]] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    targets: list[tuple[str, Term]] = field(default_factory=list)
    qualified_min: int | None = None
    qualified_max: int | None = None


class Shapes:
    """A shapes graph, compiled once (raising :class:`ShapesError` on anything it cannot evaluate);
    :meth:`validate` applies it to the focus nodes of a data graph."""

    def __init__(self, shapes_quads: Iterable[Quad]) -> None:
        self._graph = DataIndex(shapes_quads)
        self._compiled: dict[Term, _Shape] = {}
        self._compiling: set[Term] = set()
        graph = self._graph
        # The shapes pyshacl finds (shapes_graph.py): declared, targeted, or holding sh:property / sh:node;
        # and sh:target, which only SHACL-AF defines, so that it fails loudly rather than being ignored.
        candidates = {s for kind in ("NodeShape", "PropertyShape") for s in graph.by_type.get(SH + kind, ())}
        for predicate in (*_TARGETS, "target", "property", "node"):
            candidates |= graph.subjects_of.get(SH + predicate, set())
        shapes = [self._shape(node) for node in sorted(candidates, key=str)]
        self.roots = [shape for shape in shapes if shape.targets and not shape.deactivated]

    def validate(self, data: DataIndex, scope: set[Term] | None = None, on_shape=None) -> list[ShapeResult]:
        """Every Violation-level result for the focus nodes of each shape (restricted to ``scope``).

        ``on_shape()`` is called after each targeted shape (for a progress bar).
        """
        results: list[ShapeResult] = []
        for shape in self.roots:
            focus_nodes = self.focus_nodes(shape, data)
            if scope is not None:
                focus_nodes &= scope
            for focus in sorted(focus_nodes, key=str):
                results += [r for r in self._check(shape, focus, data) if r.severity == _VIOLATION]
            if on_shape is not None:
                on_shape()
        return list(dict.fromkeys(results))

    @staticmethod
    def focus_nodes(shape: _Shape, data: DataIndex) -> set[Term]:
        """SHACL 2.1.3: the union of the nodes each target of the shape selects."""
        select = {"targetClass": lambda v: data.instances(v.value), "targetNode": lambda v: {v},
                  "targetSubjectsOf": lambda v: data.subjects_of.get(v.value, set()),
                  "targetObjectsOf": lambda v: data.objects_of(v.value)}
        return set().union(*(select[kind](value) for kind, value in shape.targets))

    # -- compiling --------------------------------------------------------------------------------

    def _one(self, node: Term, name: str) -> Term | None:
        values = self._graph.values(node, SH + name)
        return values[0] if values else None

    def _shape(self, node: Term, owner: _Shape | None = None, via: str = "") -> _Shape:
        if node in self._compiled:
            if node in self._compiling:  # SHACL 3.4.3 leaves the validation of recursive shapes undefined
                raise UnsupportedShape(node, owner.label if owner else _name(node), "a recursive shape reference")
            return self._compiled[node]
        path = self._one(node, "path")
        label = _name(node)
        if isinstance(node, BlankNode) and owner is not None:
            on = f" on {_name(path)}" if isinstance(path, NamedNode) else ""
            label = f"{owner.label} (its sh:{via} shape{on})"
        shape = self._compiled[node] = _Shape(node, label)
        self._compiling.add(node)
        try:
            self._compile(shape, node, path)
        finally:
            self._compiling.discard(node)
        return shape

    def _compile(self, shape: _Shape, node: Term, path: Term | None) -> None:
        label = shape.label
        flag = self._one(node, "deactivated")
        if isinstance(flag, Literal) and flag.value in ("true", "1"):
            shape.deactivated = True  # SHACL 2.1.5: a deactivated shape is ignored, whatever it holds
            return
        if path is not None:
            shape.path = self._path(shape, path)
        if self._graph.is_instance(node, RDFS + "Class"):  # SHACL 2.1.3.3, implicit class target
            shape.targets.append(("targetClass", node))
        for predicate, objects in self._graph.props.get(node, {}).items():
            if not predicate.startswith(SH):
                continue
            name = predicate[len(SH):]
            if name not in _STRUCTURE | _CONSTRAINTS:
                raise UnsupportedShape(node, label, f"sh:{name}")
            if name in _PROPERTY_ONLY and shape.path is None:
                raise UnsupportedShape(node, label, f"sh:{name} on a node shape")
            for value in objects:
                try:
                    self._read(shape, name, value)
                except (ValueError, KeyError, IndexError, InvalidOperation, re.error):
                    raise ShapesError(node, label, f"shape {label} has a malformed value for sh:{name}.") from None
        counted = shape.qualified_min is not None or shape.qualified_max is not None
        if counted != any(kind == "qualifiedValueShape" for kind, _ in shape.constraints):
            raise UnsupportedShape(node, label, "sh:qualifiedValueShape without sh:qualifiedMinCount or "
                                   "sh:qualifiedMaxCount (or the reverse)")

    def _path(self, shape: _Shape, path: Term) -> str:
        if isinstance(path, NamedNode):
            return path.value
        for kind in _COMPLEX_PATHS:
            if self._one(path, kind) is not None:
                raise UnsupportedShape(shape.node, shape.label, f"sh:{kind}")
        raise UnsupportedShape(shape.node, shape.label, "a sequence path (sh:path with a list)")

    def _read(self, shape: _Shape, name: str, value: Term) -> None:
        if name in _TARGETS:
            shape.targets.append((name, value))
        elif name == "message":
            shape.message = shape.message or value.value
        elif name == "severity":
            shape.severity = value.value
        elif name == "property":
            shape.properties.append(self._shape(value, shape, name))
        elif name in ("qualifiedMinCount", "qualifiedMaxCount"):
            setattr(shape, "qualified_min" if name == "qualifiedMinCount" else "qualified_max", int(value.value))
        elif name == "qualifiedValueShapesDisjoint":
            if value.value == "true":
                raise UnsupportedShape(shape.node, shape.label, "sh:qualifiedValueShapesDisjoint true")
        elif name in ("node", "qualifiedValueShape", "not"):
            shape.constraints.append((name, self._shape(value, shape, name)))
        elif name in ("and", "or", "xone"):
            shape.constraints.append((name, [self._shape(member, shape, name) for member in self._list(value)]))
        elif name in ("in", "languageIn"):
            shape.constraints.append((name, self._list(value)))
        elif name in ("minCount", "maxCount", "minLength", "maxLength"):
            shape.constraints.append((name, int(value.value)))
        elif name == "pattern":  # sh:flags is refused with the unknown parameters, so no flag is dropped
            shape.constraints.append((name, re.compile(value.value)))
        elif name == "nodeKind":
            shape.constraints.append((name, _NODE_KINDS[value.value]))
        elif name == "datatype":
            if value.value.startswith(XSD) and value.value not in xsd.LEXICAL:
                raise UnsupportedShape(shape.node, shape.label, f"sh:datatype {compact(value.value)}")
            shape.constraints.append((name, value.value))
        elif name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            if not (isinstance(value, Literal) and value.datatype.value in xsd.NUMERIC):
                raise UnsupportedShape(shape.node, shape.label, f"sh:{name} with a bound that is not a number")
            shape.constraints.append((name, Decimal(value.value)))
        elif name == "uniqueLang":
            if value.value in ("true", "1"):
                shape.constraints.append((name, True))
        elif name in _CONSTRAINTS:
            shape.constraints.append((name, value))

    def _list(self, head: Term) -> list[Term]:
        items: list[Term] = []
        while not (isinstance(head, NamedNode) and head.value == RDF + "nil"):
            items.append(self._graph.values(head, RDF + "first")[0])
            head = self._graph.values(head, RDF + "rest")[0]
            if len(items) > 10_000:
                raise ValueError("an RDF list that does not end")
        return items

    # -- checking ---------------------------------------------------------------------------------

    def _check(self, shape: _Shape, focus: Term, data: DataIndex) -> list[ShapeResult]:
        """The results of ``shape`` on ``focus``: its own constraints, then its property shapes."""
        if shape.deactivated:
            return []
        results: list[ShapeResult] = []
        if shape.path is None:
            for kind, argument in shape.constraints:
                if not self._value_ok(kind, argument, focus, data):
                    results.append(ShapeResult(focus, None, shape.message or f"fails sh:{kind}", shape.severity))
        else:
            values = data.values(focus, shape.path)
            for failed in self._property_failures(shape, values, data):
                results.append(ShapeResult(focus, shape.path, shape.message or f"fails sh:{failed}", shape.severity))
        for prop in shape.properties:
            results += self._check(prop, focus, data)
        return results

    def conforms(self, shape: _Shape, focus: Term, data: DataIndex) -> bool:
        """SHACL 3.4: a node conforms when it gives no result at all, of any severity."""
        return not self._check(shape, focus, data)

    def _property_failures(self, shape: _Shape, values: list[Term], data: DataIndex) -> list[str]:
        failed: list[str] = []
        for kind, argument in shape.constraints:
            if kind == "minCount":
                failed += [kind] * (len(values) < argument)
            elif kind == "maxCount":
                failed += [kind] * (len(values) > argument)
            elif kind == "uniqueLang":
                languages = [v.language.lower() for v in values if isinstance(v, Literal) and v.language]
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
            return xsd.has_datatype(value, argument)
        if kind == "class":
            return data.is_instance(value, argument.value)
        if kind == "nodeKind":
            return isinstance(value, argument)
        if kind == "pattern":
            return not isinstance(value, BlankNode) and argument.search(value.value) is not None
        if kind in ("minLength", "maxLength"):
            return not isinstance(value, BlankNode) and (operator.ge if kind == "minLength" else operator.le)(
                len(value.value), argument)
        if kind == "in":
            return value in argument
        if kind == "languageIn":
            return isinstance(value, Literal) and value.language is not None and any(
                _lang_matches(value.language, tag.value) for tag in argument)
        if kind in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            return _compare(value, argument, kind)
        if kind == "hasValue":
            return value == argument
        if kind == "or":  # the most frequent (dates): stop at the first member that conforms
            return any(self.conforms(member, value, data) for member in argument)
        members = argument if isinstance(argument, list) else [argument]  # node, not, and, xone
        passed = sum(self.conforms(member, value, data) for member in members)
        return passed == 0 if kind == "not" else passed == (1 if kind == "xone" else len(members))


def _lang_matches(tag: str, wanted: str) -> bool:
    tag, wanted = tag.lower(), wanted.lower()
    return tag == wanted or tag.startswith(wanted + "-")


def _compare(value: Term, limit: Decimal, kind: str) -> bool:
    """Numeric comparison (the shapes bound latitudes, counts, ranks); any other value fails the bound."""
    if not isinstance(value, Literal) or value.datatype.value not in xsd.NUMERIC:
        return False
    if not xsd.has_datatype(value, value.datatype.value):
        return False
    try:
        return _BOUNDS[kind](Decimal(value.value), limit)
    except InvalidOperation:  # NaN compares with nothing
        return False
