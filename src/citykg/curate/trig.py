"""Write a draft as TriG a person reviews: one block per fact, its flags as comments above it.

Written by hand rather than by pyoxigraph's serialiser because the review notes must sit next to the
facts as comments, which a serialiser cannot emit; every term is still written by pyoxigraph (``str`` of a
term is its N-Triples form) and the text is parsed back before it is returned.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from ..vocab import CKG, PREFIXES, RDF, RDFS, XSD
from .model import Draft, Fact, Term

__all__ = ["to_trig", "KIND_ORDER"]

KIND_ORDER = ("source", "partnership", "agreement", "event", "position", "person", "municipality",
              "organization")
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_INLINE = {XSD + "boolean", XSD + "integer"}


def to_trig(draft: Draft, header: str) -> str:
    """The draft as TriG text (checked to parse)."""
    used: set[str] = {"ckg", "rdfs", "xsd"}
    body: list[str] = []
    for fact in sorted([draft.source, *draft.facts], key=lambda f: KIND_ORDER.index(f.kind)):
        body += _block(fact, draft.language, used)
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("")
    width = max(len(prefix) for prefix in used) + 1
    for prefix in sorted(used):
        lines.append(f"@prefix {prefix + ':':<{width}} <{PREFIXES[prefix]}> .")
    lines += ["", f"{_term(NamedNode(draft.graph), used)} {{", ""] + body + ["}", ""]
    text = "\n".join(lines)
    list(parse(text.encode(), format=RdfFormat.TRIG))  # a draft that does not parse is a bug here
    return text


def _block(fact: Fact, language: str, used: set[str]) -> list[str]:
    lines = [f"    # ---- {fact.kind}: {fact.summary}  (confidence {fact.confidence:.1f})"]
    lines += [f"    # REVIEW: {flag}" for flag in fact.flags]
    statements: list[tuple[str, list[str]]] = [
        ("a", [_term(NamedNode(t), used) for t in fact.types]),
        (_term(NamedNode(RDFS + "label"), used),
         [_term(Literal(fact.label_en, language="en"), used)]
         + ([_term(Literal(fact.label_id, language="id"), used)] if fact.label_id else [])),
    ]
    grouped: dict[str, list[str]] = {}
    for predicate, term in fact.values:
        grouped.setdefault(predicate, []).append(_term(term, used))
    statements += [(_term(NamedNode(p), used), terms) for p, terms in grouped.items()]
    if fact.evidence:
        statements.append(("ckg:evidence", [_term(Literal(q, language=language), used) for q in fact.evidence]))
    if fact.kind != "source":
        statements.append(("ckg:draftConfidence", [f"{fact.confidence:.1f}"]))
    lines.append(f"    {_term(NamedNode(fact.iri), used)}")
    for i, (predicate, terms) in enumerate(statements):
        end = " ." if i == len(statements) - 1 else " ;"
        joined = (" ,\n" + " " * (10 + len(predicate))).join(terms)
        lines.append(f"        {predicate} {joined}{end}")
    lines.append("")
    return lines


def _term(term: Term, used: set[str]) -> str:
    if isinstance(term, NamedNode):
        best = ""
        for prefix, namespace in PREFIXES.items():
            local = term.value[len(namespace):]
            if term.value.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")) \
                    and _LOCAL.match(local):
                best = prefix
        if not best:
            return str(term)
        used.add(best)
        return f"{best}:{term.value[len(PREFIXES[best]):]}"
    quoted = str(Literal(term.value))
    if term.language:
        return f"{quoted}@{term.language}"
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return quoted
    if datatype in _INLINE:
        return term.value
    return f"{quoted}^^{_term(term.datatype, used)}"


_ = (CKG, RDF)
