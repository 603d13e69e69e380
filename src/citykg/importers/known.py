"""What the project's graph already says, so that an import joins it instead of duplicating it.

An importer must reuse a curated municipality's IRI (and not restate its label or coordinates: the
shapes allow one English label and one latitude), must not add a second label or type to a partnership
a curated source already describes, and must not describe a country twice. This module reads the
curated files (and, for the Wikidata import, the other imported files) into a small in-memory store and
answers those questions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import QuerySolutions, RdfFormat, Store

from ..project import Project
from .names import slug

__all__ = ["KnownGraph", "Place", "read_known"]

_PLACES = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?place ?iso2 ?name ?english ?same WHERE {
  { ?place a ?class VALUES ?class { ckg:Municipality ckg:City ckg:Regency } }
  UNION { ?place a ckg:Province FILTER EXISTS { ?tie ckg:partner ?place } }
  ?place ckg:inCountry/ckg:iso2 ?iso2 .
  OPTIONAL { ?place rdfs:label|ckg:localName|ckg:nameInSource ?name }
  OPTIONAL { ?place rdfs:label ?english FILTER(langMatches(lang(?english), "en")) }
  OPTIONAL { ?place owl:sameAs ?same }
}"""

_PROVINCES = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?place ?iso2 ?name ?english WHERE {
  ?place a ckg:Province ; ckg:inCountry/ckg:iso2 ?iso2 .
  OPTIONAL { ?place rdfs:label|ckg:localName|ckg:nameInSource ?name }
  OPTIONAL { ?place rdfs:label ?english FILTER(langMatches(lang(?english), "en")) }
}"""

_COUNTRIES = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT ?country ?iso2 WHERE { ?country a ckg:Country ; ckg:iso2 ?iso2 }"""

_PARTNERSHIPS = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?p ?type ?label WHERE {
  ?p a ckg:Partnership .
  OPTIONAL { ?p ckg:partnershipType ?type }
  OPTIONAL { ?p rdfs:label ?label FILTER(langMatches(lang(?label), "en")) }
}"""

_PARTNERS = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT DISTINCT ?a ?b WHERE { ?p a ckg:Partnership ; ckg:partner ?a , ?b FILTER(?a != ?b) }"""

_FORMATS = {".ttl": RdfFormat.TURTLE, ".trig": RdfFormat.TRIG}


@dataclass
class Place:
    """A municipality already in the graph (or a province that is a partner: the lists name some as towns)."""

    iri: str
    iso2: str
    names: set[str] = field(default_factory=set)
    label: str | None = None  # the English label
    wikidata: set[str] = field(default_factory=set)


@dataclass
class KnownGraph:
    places: dict[str, Place]
    countries: dict[str, str]  # ISO2 → country IRI
    partnership_types: dict[str, set[str]]  # partnership IRI → its ckg:partnershipType values
    labelled_partnerships: set[str]  # partnerships that already have an English label
    partners: dict[str, set[str]]  # party IRI → the parties it has a partnership with
    provinces: dict[str, Place] = field(default_factory=dict)  # every ckg:Province, partner or not

    def name_index(self) -> dict[tuple[str, str], str]:
        """(ISO2, slug of any name) → IRI, for the names that point to one place only."""
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for place in self.places.values():
            for name in place.names:
                found[(place.iso2, slug(name))].add(place.iri)
        return {key: next(iter(iris)) for key, iris in found.items() if len(iris) == 1}


def read_known(project: Project, kinds: tuple[str, ...] = ("reference", "sources"),
               skip: tuple[Path, ...] = ()) -> KnownGraph:
    """Load the project's files of ``kinds`` (all graphs merged) and index what an import must respect."""
    store = Store()
    for file in project.curated_files(kinds):
        if file.path.resolve() in {p.resolve() for p in skip} or file.path.suffix not in _FORMATS:
            continue
        store.bulk_load(path=file.path, format=_FORMATS[file.path.suffix])
    places = _places(store, _PLACES)
    countries = {row["iso2"].value: row["country"].value for row in _select(store, _COUNTRIES)}
    types: dict[str, set[str]] = defaultdict(set)
    labelled: set[str] = set()
    for row in _select(store, _PARTNERSHIPS):
        types[row["p"].value]
        if row["type"] is not None:
            types[row["p"].value].add(row["type"].value)
        if row["label"] is not None:
            labelled.add(row["p"].value)
    partners: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, _PARTNERS):
        partners[row["a"].value].add(row["b"].value)
    return KnownGraph(places, countries, dict(types), labelled, dict(partners), _places(store, _PROVINCES))


def _places(store: Store, query: str) -> dict[str, Place]:
    """The places ``query`` finds (``?place ?iso2 ?name ?english``, and ``?same`` where it asks for it)."""
    places: dict[str, Place] = {}
    solutions = _select(store, query)
    has_same = any(variable.value == "same" for variable in solutions.variables)
    for row in solutions:
        place = places.setdefault(row["place"].value, Place(row["place"].value, row["iso2"].value))
        if row["name"] is not None:
            place.names.add(row["name"].value)
        if row["english"] is not None:
            place.label = row["english"].value
        if has_same and row["same"] is not None:
            place.wikidata.add(row["same"].value)
    return places


def _select(store: Store, query: str) -> QuerySolutions:
    """Run a SELECT over the union of all the loaded graphs."""
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, QuerySolutions)
    return solutions
