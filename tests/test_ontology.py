"""The ontology is documented in both languages and every term the data uses is declared."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from citykg.vocab import CKG

from .conftest import select

LABELLED_TERMS = """
    SELECT DISTINCT ?term WHERE {
      ?term a ?kind .
      VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty skos:Concept }
      FILTER(STRSTARTS(STR(?term), STR(ckg:)))
      FILTER NOT EXISTS { ?term %s } }"""


@pytest.mark.parametrize("requirement", ['rdfs:label ?l FILTER(lang(?l) = "en")',
                                         'rdfs:label ?l FILTER(lang(?l) = "id")',
                                         "rdfs:comment|skos:definition ?c"])
def test_every_ckg_term_is_documented(kg, requirement):
    assert select(kg, LABELLED_TERMS % requirement) == []


@pytest.mark.parametrize("term", ["Country", "Province", "Municipality", "City", "Regency", "Organization",
                                  "Person", "Position", "Partnership", "Agreement", "Event", "Sector",
                                  "Source"])
def test_core_classes_of_the_design_exist(kg, term):
    assert kg.query("ASK { ?c a owl:Class }", {"c": NamedNode(CKG + term)})


@pytest.mark.parametrize("prop", ["iso2", "inCountry", "inProvince", "heldBy", "role", "postIn", "attestedOn",
                                  "startDate", "endDate", "partner", "partnershipType", "status", "since",
                                  "sector", "agreementType", "signatory", "signedOn", "validFrom",
                                  "validUntil", "term", "formalizes", "date", "participant", "host",
                                  "location", "about", "evidence"])
def test_core_properties_of_the_design_exist(kg, prop):
    assert kg.query("ASK { ?p a ?kind FILTER(?kind IN (owl:ObjectProperty, owl:DatatypeProperty, "
                    "owl:AnnotationProperty)) }",
                    {"p": NamedNode(CKG + prop)})


def test_every_sector_reaches_one_of_the_four_fields(kg):
    fields = select(kg, "SELECT ?f WHERE { ?f skos:topConceptOf ckg:sectors } ORDER BY ?f")
    assert len(fields) == 4
    orphans = select(kg, """
        SELECT ?s WHERE { ?s a ckg:Sector .
          FILTER NOT EXISTS { ?s skos:broader* ?f . ?f skos:topConceptOf ckg:sectors } }""")
    assert orphans == []
    assert len(select(kg, "SELECT DISTINCT ?s WHERE { ?s a ckg:Sector }")) >= 30
