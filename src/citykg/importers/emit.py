"""Write imported facts as TriG: one named graph per data set, named after its ``ckg:Source``.

Output is deterministic (quads sorted, fixed prefixes) so that re-running an import on the same input
gives a byte-identical file and a reviewable diff when the input changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, serialize

from ..vocab import CKG, DCTERMS, ID, OWL, PREFIXES, RDF, RDFS, XSD
from .names import slug

__all__ = ["SourceInfo", "Writer", "decimal_text", "country_iri", "partnership_iri", "province_iri"]

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
_PREFIX_NAMES = ("ckg", "country", "province", "municipality", "partnership", "source", "rdf", "rdfs", "owl", "xsd",
                 "dcterms", "geo", "wd")


@dataclass(frozen=True)
class SourceInfo:
    """The ``ckg:Source`` that describes a data set and names its graph."""

    slug: str
    label: str
    language: str
    issued: Literal
    creators: tuple[str, ...]
    licenses: tuple[str, ...]
    title: str | None = None
    derived_from: tuple[str, ...] = ()
    comment: str | None = None

    @property
    def iri(self) -> str:
        return f"{ID}source/{self.slug}"


def decimal_text(text: str, low: float, high: float) -> str | None:
    """A coordinate as a canonical xsd:decimal lexical form, or None if unparseable or out of range."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    if not value.is_finite() or not low <= value <= high:
        return None
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def country_iri(iso2: str) -> str:
    return f"{ID}country/{iso2.lower()}"


def province_iri(iso2: str, name: str) -> str:
    """``province:{iso2}-{slug}``, as the curated provinces (``province:jp-kanagawa``)."""
    return f"{ID}province/{iso2.lower()}-{slug(name)}"


def partnership_iri(a: str, b: str) -> str:
    """``partnership:{slug}--{slug}`` with the partners' slugs sorted (docs/vocabulary.md)."""
    slugs = sorted(iri.rsplit("/", 1)[1] for iri in (a, b))
    return f"{ID}partnership/{'--'.join(slugs)}"


@dataclass
class Writer:
    """Collects the quads of one source's graph."""

    source: SourceInfo
    quads: set[Quad] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.graph = NamedNode(self.source.iri)
        self._describe_source()

    def add(self, subject: str, predicate: str, obj: NamedNode | Literal | str) -> None:
        term = NamedNode(obj) if isinstance(obj, str) else obj
        self.quads.add(Quad(NamedNode(subject), NamedNode(predicate), term, self.graph))

    def label(self, subject: str, text: str, predicate: str = RDFS + "label") -> None:
        self.add(subject, predicate, Literal(text, language="en"))

    def text(self, subject: str, predicate: str, text: str) -> None:
        self.add(subject, predicate, Literal(text))

    def decimal(self, subject: str, predicate: str, text: str) -> None:
        self.add(subject, predicate, Literal(text, datatype=NamedNode(XSD + "decimal")))

    def country(self, iso2: str, label: str) -> None:
        iri = country_iri(iso2)
        self.add(iri, RDF + "type", CKG + "Country")
        self.text(iri, CKG + "iso2", iso2)
        self.label(iri, label)

    def province(self, iri: str, iso2: str, label: str) -> None:
        self.add(iri, RDF + "type", CKG + "Province")
        self.label(iri, label)
        self.add(iri, CKG + "inCountry", country_iri(iso2))

    def partnership(self, a: str, b: str, label: str, known_types: set[str] | None,
                    labelled: bool) -> str:
        """A sister-city partnership of ``a`` and ``b``; return its IRI.

        A partnership a curated source already describes keeps its curated label and type: repeating
        the type is harmless, but a second English label or a second type would break the shapes.
        """
        iri = partnership_iri(a, b)
        self.add(iri, RDF + "type", CKG + "Partnership")
        self.add(iri, CKG + "partner", a)
        self.add(iri, CKG + "partner", b)
        if not known_types or CKG + "SisterCity" in known_types:
            self.add(iri, CKG + "partnershipType", CKG + "SisterCity")
        if not labelled:
            self.label(iri, label)
        return iri

    def same_as(self, subject: str, qid: str) -> None:
        self.add(subject, OWL + "sameAs", f"http://www.wikidata.org/entity/{qid}")

    def write(self, path: Path, header: Iterable[str]) -> int:
        """Write the graph as TriG under a comment header; return the number of triples."""
        ordered = sorted(self.quads, key=_sort_key)
        prefixes = {name: PREFIXES.get(name, GEO) for name in _PREFIX_NAMES}
        data = serialize(ordered, format=RdfFormat.TRIG, prefixes=prefixes)
        assert data is not None  # serialize() returns the bytes when it is given no output
        body = data.decode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"# {line}\n" for line in header) + "\n" + body, encoding="utf-8")
        return len(ordered)

    def _describe_source(self) -> None:
        info, iri = self.source, self.source.iri
        self.add(iri, RDF + "type", CKG + "Source")
        self.label(iri, info.label)
        if info.title:
            self.text(iri, DCTERMS + "title", info.title)
        else:
            self.add(iri, CKG + "untitled", Literal(True))
        self.text(iri, DCTERMS + "language", info.language)
        self.add(iri, DCTERMS + "issued", info.issued)
        for creator in info.creators:
            self.text(iri, DCTERMS + "creator", creator)
        for licence in info.licenses:
            self.add(iri, DCTERMS + "license", licence)
        for origin in info.derived_from:
            self.add(iri, DCTERMS + "source", origin)
        if info.comment:
            self.label(iri, info.comment, RDFS + "comment")


def _sort_key(quad: Quad) -> tuple[str, str, str]:
    subject = quad.subject
    assert isinstance(subject, (NamedNode, BlankNode))  # a writer states no RDF-star triples
    return subject.value, quad.predicate.value, str(quad.object)
