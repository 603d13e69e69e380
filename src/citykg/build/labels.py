"""The label index a build writes beside its store (citykg.labels.LabelIndex), from the quads it loads.

Built from the quads already in memory (asserted and inferred, so a City is found as a Municipality too):
under a second on the full graph, once per build instead of 2 s in every process that resolves a label.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from ..labels import LabelIndex
from ..vocab import CKG, RDF, RDFS, SKOS

#: The properties whose values name a node, as ``KnowledgeGraph.resolve`` reads them (rdfs:label first).
LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", CKG + "localName", CKG + "nameInSource")
_TYPE = RDF + "type"


def write_label_index(path: Path, quads: Iterable[Quad]) -> None:
    """Write the index of every labelled node of a ``ckg:`` class in ``quads`` (any graph) to ``path``; a
    look-up by another class is answered by the store (``KnowledgeGraph.resolve``)."""
    wanted = set(LABEL_PROPERTIES)
    types: list[tuple[str, str]] = []
    labels: list[tuple[str, str]] = []
    for quad in quads:
        predicate = quad.predicate.value
        if predicate == _TYPE:
            # citykg's own classes only: the commands look names up by them, and every node is typed with
            # five or six superclasses from other vocabularies that would triple the index for nothing.
            if isinstance(quad.subject, NamedNode) and isinstance(quad.object, NamedNode) \
                    and quad.object.value.startswith(CKG):
                types.append((quad.subject.value, quad.object.value))
        elif predicate in wanted and isinstance(quad.subject, NamedNode) and isinstance(quad.object, Literal):
            labels.append((quad.subject.value, quad.object.value))
    LabelIndex.write(path, types, labels)
