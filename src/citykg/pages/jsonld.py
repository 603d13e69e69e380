"""Compact JSON-LD written with the standard library.

pyoxigraph 0.5 writes JSON-LD in expanded form only (full IRIs, no ``@context``, prefixes ignored), which
is correct but unreadable; the issue asks for a compact ``@context``. A flat node list under ``@graph``
with CURIEs is compact JSON-LD that any processor expands back to the same triples (the tests check this
with pyld), and needs no JSON-LD library at run time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

__all__ = ["to_jsonld"]

_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_jsonld(triples: Iterable[Triple], prefixes: dict[str, str]) -> bytes:
    """The triples as ``{"@context": {prefix: namespace…}, "@graph": [node…]}``, UTF-8, indented."""
    nodes: dict[str, dict[str, Any]] = {}
    used: set[str] = set()

    def curie(iri: str) -> str:
        best = ""
        for name, namespace in prefixes.items():
            local = iri[len(namespace):]
            if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")) \
                    and not local.startswith("//"):
                best = name
        if not best:
            return iri
        used.add(best)
        return f"{best}:{iri[len(prefixes[best]):]}"

    def node_id(term: NamedNode | BlankNode) -> str:
        return f"_:{term.value}" if isinstance(term, BlankNode) else curie(term.value)

    for triple in triples:
        subject = node_id(triple.subject)  # type: ignore[arg-type]  # no RDF 1.2 triple terms here
        node = nodes.setdefault(subject, {"@id": subject})
        if triple.predicate.value == _TYPE and isinstance(triple.object, NamedNode):
            node.setdefault("@type", []).append(curie(triple.object.value))
            continue
        node.setdefault(curie(triple.predicate.value), []).append(_value(triple.object, curie, node_id))
    context = {name: prefixes[name] for name in sorted(used)}
    document = {"@context": context, "@graph": list(nodes.values())}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _value(term, curie, node_id) -> object:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _STRING:
            return term.value
        return {"@value": term.value, "@type": curie(term.datatype.value)}
    return {"@id": node_id(term)}
