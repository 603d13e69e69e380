"""What a draft is made of: facts (one node each, with its quotes and how sure the draft is) and the notes
the reviewer must read (ambiguous names, new nodes, sector phrases matching no sector)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

__all__ = ["Fact", "Draft", "Term"]

Term = NamedNode | Literal


@dataclass
class Fact:
    """One node of the draft: its classes, labels, statements, quotes, confidence and review flags."""

    kind: str  # source, partnership, agreement, event, position, person, municipality, organization
    iri: str
    types: list[str]
    label_en: str
    summary: str
    values: list[tuple[str, Term]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.5
    flags: list[str] = field(default_factory=list)
    label_id: str | None = None

    def add(self, predicate: str, term: Term) -> None:
        if (predicate, term) not in self.values:
            self.values.append((predicate, term))

    def quote(self, sentence: str) -> None:
        if sentence not in self.evidence:
            self.evidence.append(sentence)

    def get(self, predicate: str) -> list[Term]:
        return [term for p, term in self.values if p == predicate]


@dataclass
class Draft:
    """A draft named graph and its review notes."""

    source: Fact
    language: str
    facts: list[Fact] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    unknown_sectors: list[str] = field(default_factory=list)

    @property
    def graph(self) -> str:
        return self.source.iri

    def find(self, iri: str) -> Fact | None:
        return next((fact for fact in self.facts if fact.iri == iri), None)

    def by_kind(self, kind: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind == kind]
