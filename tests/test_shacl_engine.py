"""The build has one SHACL engine, citykg.build.shapes, and it never skips a shape it cannot evaluate: a
shape using a feature the engine lacks stops `citykg build` with one sentence naming the shape and the
feature, the exit code of a validation error, no traceback, and the previous store intact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from citykg import KnowledgeGraph, ValidationError
from citykg.build.shapes import DataIndex, Shapes
from citykg.build.validate import UnsupportedShapeError
from citykg.vocab import RDF, SH, XSD

from .conftest import copy_project, run_cli

NOT_IMPLEMENTED = "which citykg.build.shapes does not implement."

#: shapes appended to ontology/shapes.ttl → the one sentence the build must print.
UNSUPPORTED = {
    "equals": ('ckgsh:SameNameShape a sh:NodeShape ; sh:targetClass ckg:Municipality ;\n'
               '    sh:property [ sh:path rdfs:label ; sh:equals skos:prefLabel ; sh:message "Same names." ] .',
               "shape ckgsh:SameNameShape (its sh:property shape on rdfs:label) uses sh:equals"),
    "sparql": ('ckgsh:SparqlShape a sh:NodeShape ; sh:targetClass ckg:Partnership ;\n'
               '    sh:sparql [ sh:select "SELECT $this WHERE { }" ; sh:message "Never." ] .',
               "shape ckgsh:SparqlShape uses sh:sparql"),
    "untargeted": ('ckgsh:ClosedShape a sh:NodeShape ; sh:closed true .',
                   "shape ckgsh:ClosedShape uses sh:closed"),
    "inverse-path": ('ckgsh:PartnerOfShape a sh:NodeShape ; sh:targetClass ckg:Municipality ;\n'
                     '    sh:property [ sh:path [ sh:inversePath ckg:partner ] ; sh:maxCount 99 ] .',
                     "shape ckgsh:PartnerOfShape (its sh:property shape) uses sh:inversePath"),
    "sequence-path": ('ckgsh:CountryOfPartnerShape a sh:NodeShape ; sh:targetClass ckg:Partnership ;\n'
                      '    sh:property [ sh:path ( ckg:partner ckg:inCountry ) ; sh:minCount 1 ] .',
                      "shape ckgsh:CountryOfPartnerShape (its sh:property shape) uses a sequence path "
                      "(sh:path with a list)"),
    "flags": ('ckgsh:CaseShape a sh:NodeShape ; sh:targetClass ckg:Country ;\n'
              '    sh:property [ sh:path ckg:iso2 ; sh:pattern "^[a-z]{2}$" ; sh:flags "i" ] .',
              "shape ckgsh:CaseShape (its sh:property shape on ckg:iso2) uses sh:flags"),
    "nested": ('ckgsh:NestedShape a sh:NodeShape ; sh:targetClass ckg:Event ;\n'
               '    sh:or ( [ sh:path ckg:date ; sh:lessThan ckg:endDate ] [ sh:path ckg:date ; sh:minCount 1 ] ) .',
               "shape ckgsh:NestedShape (its sh:or shape on ckg:date) uses sh:lessThan"),
    "datatype": ('ckgsh:UriShape a sh:NodeShape ; sh:targetClass ckg:Source ;\n'
                 '    sh:property [ sh:path ckg:seedFile ; sh:datatype xsd:anyURI ] .',
                 "shape ckgsh:UriShape (its sh:property shape on ckg:seedFile) uses sh:datatype xsd:anyURI"),
    "recursive": ('ckgsh:TreeShape a sh:NodeShape ; sh:targetClass ckg:Organization ;\n'
                  '    sh:property [ sh:path ckg:partOf ; sh:node ckgsh:TreeShape ] .',
                  "shape ckgsh:TreeShape (its sh:property shape on ckg:partOf) uses a recursive shape reference"),
    "node-shape-count": ('ckgsh:CountShape a sh:NodeShape ; sh:targetClass ckg:Source ; sh:minCount 1 .',
                         "shape ckgsh:CountShape uses sh:minCount on a node shape"),
}


def _add_shape(project: Path, turtle: str) -> None:
    shapes = project / "ontology" / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n" + turtle + "\n", encoding="utf-8")


@pytest.mark.parametrize("case", UNSUPPORTED, ids=list(UNSUPPORTED))
def test_a_shape_using_an_unimplemented_feature_stops_validation_naming_shape_and_feature(tmp_path, case):
    turtle, sentence = UNSUPPORTED[case]
    project = copy_project(tmp_path)
    _add_shape(project, turtle)
    with pytest.raises(UnsupportedShapeError) as caught:
        KnowledgeGraph(project).validate()
    assert str(caught.value) == f"ontology/shapes.ttl: {sentence}, {NOT_IMPLEMENTED}"
    assert isinstance(caught.value, ValidationError) and caught.value.exit_code == ValidationError.exit_code


def test_a_malformed_shape_parameter_is_named_too(tmp_path):
    project = copy_project(tmp_path)
    _add_shape(project, 'ckgsh:TwoShape a sh:NodeShape ; sh:targetClass ckg:Partnership ;\n'
                        '    sh:property [ sh:path ckg:partner ; sh:minCount "two" ] .')
    with pytest.raises(UnsupportedShapeError) as caught:
        KnowledgeGraph(project).validate()
    assert str(caught.value) == ("ontology/shapes.ttl: shape ckgsh:TwoShape (its sh:property shape on ckg:partner) "
                                 "has a malformed value for sh:minCount.")


def test_a_deactivated_shape_may_use_anything(tmp_path):
    project = copy_project(tmp_path)
    _add_shape(project, 'ckgsh:LaterShape a sh:NodeShape ; sh:targetClass ckg:Source ; sh:deactivated true ;\n'
                        '    sh:sparql [ sh:select "SELECT $this WHERE { }" ] .')
    KnowledgeGraph(project).validate()


def test_build_with_an_unimplemented_shape_exits_1_with_the_sentence_and_keeps_the_store(tmp_path):
    project = copy_project(tmp_path)
    assert run_cli("build", project=project).code == 0
    before = set(KnowledgeGraph(project).export("nq").decode("utf-8").splitlines())
    _add_shape(project, UNSUPPORTED["sparql"][0])
    result = run_cli("build", project=project)
    assert result.code == 1
    assert (f"Error: ontology/shapes.ttl: shape ckgsh:SparqlShape uses sh:sparql, {NOT_IMPLEMENTED}"
            in result.stderr.splitlines())
    assert "Traceback" not in result.stderr
    assert set(KnowledgeGraph(project).export("nq").decode("utf-8").splitlines()) == before


def test_the_build_imports_neither_pyshacl_nor_rdflib(tmp_path):
    project = copy_project(tmp_path)
    code = ("import sys; from citykg import KnowledgeGraph; KnowledgeGraph(sys.argv[1]).build(); "
            "print(sorted(m for m in ('pyshacl', 'rdflib', 'owlrl') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("datatype,lexical,valid", [
    ("date", "2015-02-28", True), ("date", "2016-02-29", True), ("date", "2000-02-29", True),
    ("date", "2015-02-29", False), ("date", "1900-02-29", False), ("date", "2015-04-31", False),
    ("date", "2015-13-01", False), ("dateTime", "2015-02-30T10:00:00Z", False),
    # Valid in XML Schema 1.1, but rdflib cannot represent them, so pyshacl calls them ill-typed:
    ("date", "10000-01-01", True), ("date", "-0001-01-01", True),
    # Invalid in XML Schema 1.1 (a year of more than four digits has no leading zero); rdflib accepts it:
    ("gYear", "02015", False),
])
def test_dates_follow_xml_schema(datatype, lexical, valid):
    """Where the engine and pyshacl differ, the engine follows the spec (section 3.3 of XML Schema 1.1
    Part 2); the fixtures of the oracle test avoid these values."""
    shape, node, prop = NamedNode("https://example.org/S"), NamedNode("https://example.org/x"), NamedNode(
        "https://example.org/p")
    shapes = [Quad(shape, NamedNode(SH + "targetNode"), node), Quad(shape, NamedNode(SH + "property"), prop),
              Quad(prop, NamedNode(SH + "path"), prop), Quad(prop, NamedNode(SH + "datatype"),
                                                              NamedNode(XSD + datatype))]
    data = [Quad(node, prop, Literal(lexical, datatype=NamedNode(XSD + datatype))),
            Quad(node, NamedNode(RDF + "type"), NamedNode("https://example.org/C"))]
    assert (Shapes(shapes).validate(DataIndex(data)) == []) == valid
