"""`citykg import hekman`: the exact triples written, every bad row reported, and the CLI a user meets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse

from citykg.importers.countries import country_code, country_label
from citykg.importers.hekman import import_hekman
from citykg.project import Project

from .conftest import copy_project, run_cli

DATA = Path(__file__).parent / "data" / "import"
SLICE = DATA / "hekman-slice.csv"
ID = "https://w3id.org/citykg/id/"


def quads(path: Path) -> set:
    return set(parse(path=path, format=RdfFormat.TRIG))


@pytest.fixture
def project(tmp_path) -> Project:
    return Project.locate(copy_project(tmp_path))


def test_tiny_slice_gives_exactly_the_expected_triples(project):
    import_hekman(project, DATA / "hekman-tiny.csv")
    written = quads(project.root / "graph" / "imported" / "hekman-twin-cities.trig")
    assert written == quads(DATA / "hekman-tiny.expected.trig")


def test_countries_file_describes_only_countries_the_reference_graph_lacks(project):
    import_hekman(project, DATA / "hekman-tiny.csv")
    countries = quads(project.root / "graph" / "imported" / "countries.trig")
    subjects = {q.subject.value for q in countries if q.predicate.value.endswith("#iso2")}
    assert subjects == {ID + "country/be"}  # Indonesia and Malaysia are in graph/reference/places.trig
    graph = {q.graph_name for q in countries}
    assert graph == {NamedNode(ID + "source/iso-3166-1")}


def test_every_bad_row_is_counted_and_listed_and_the_rest_imported(project):
    report = import_hekman(project, SLICE)
    bad = {(row.line, row.reason, row.imported) for row in report.bad_rows}
    assert bad == {
        (25, "missing country", False),  # Falkland Islands with an empty country column
        (26, "city paired with itself", False),  # Nienburg–Nienburg
        (27, "unknown country name", False),  # "Japa"
        (28, "unparseable coordinates", True),  # latitude "north": the pair is kept, without coordinates
        (29, "missing city name", False),
    }
    assert report.counts["rows read"] == 28
    assert report.counts["rows imported"] == 28 - 4
    markdown = report.markdown()
    assert "| 27 | unknown country name | no | `Madras,United States,,,Tōmi,Japa,,` |" in markdown
    assert "line 24: 'Varna, Bulgaria' → BG" in markdown  # empty country column, country in the name


def test_a_row_with_bad_coordinates_keeps_its_pair_without_them(project):
    import_hekman(project, SLICE)
    written = quads(project.root / "graph" / "imported" / "hekman-twin-cities.trig")
    kanazawa = NamedNode(ID + "municipality/jp-kanazawa")
    assert {q.predicate.value.rsplit("#", 1)[-1] for q in written if q.subject == kanazawa} == {
        "type", "label", "inCountry"}
    assert any(q.subject.value == ID + "partnership/be-ghent--jp-kanazawa" for q in written)


def test_import_is_reproducible_byte_for_byte(project):
    import_hekman(project, SLICE)
    first = (project.root / "graph" / "imported" / "hekman-twin-cities.trig").read_bytes()
    import_hekman(project, SLICE)
    assert (project.root / "graph" / "imported" / "hekman-twin-cities.trig").read_bytes() == first


def test_raw_file_takes_coordinates_from_the_geocoded_one(project, tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_text("city1,country1,city2,country2\nNamur,Belgium,Bandung,Indonesia\n", encoding="utf-8")
    import_hekman(project, raw, coordinates=DATA / "hekman-tiny.csv")
    written = quads(project.root / "graph" / "imported" / "hekman-twin-cities.trig")
    lat = [q.object.value for q in written
           if q.subject.value == ID + "municipality/be-namur" and q.predicate.value.endswith("#lat")]
    assert lat == ["50.4667"]


@pytest.mark.parametrize("written, code", [
    ("England", "GB"), ("England, United Kingdom", "GB"), ("Scotland, United Kingdom", "GB"),
    ("Georgia (country)", "GE"), ("Republic of Ireland", "IE"), ("Turkey", "TR"), ("Russia", "RU"),
    ("Réunion, France", "FR"), ("Island", "IS"), ("Kosovo", "XK"), ("São Tomé and Príncipe", "ST"),
    ("Czech Republic", "CZ"), ("United States", "US"), ("South Korea", "KR"), ("in Italy", "IT"),
    ("Japa", None), ("", None), ("Atlantis", None),
])
def test_country_names_as_wikipedia_writes_them(written, code):
    assert country_code(written) == code


def test_country_labels_read_as_people_say_them():
    assert [country_label(c) for c in ("KR", "TR", "XK", "CD", "BE")] == [
        "South Korea", "Turkey", "Kosovo", "Democratic Republic of the Congo", "Belgium"]


def test_cli_import_writes_the_files_and_the_report(tmp_path):
    project = copy_project(tmp_path / "p")
    report = tmp_path / "out" / "report.md"
    result = run_cli("import", "hekman", str(SLICE), "--report", str(report), project=project)
    assert result.code == 0, result.stderr
    assert "rows read: 28" in result.stdout
    assert "bad rows (unknown country name): 1" in result.stdout
    assert "Wrote graph/imported/hekman-twin-cities.trig" in result.stderr
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Import of hekman-slice.csv (Hekman twin cities)")
    assert "## Kept apart (unsure)" in text


def test_cli_refuses_a_file_that_is_not_a_twin_city_csv(tmp_path):
    project = copy_project(tmp_path / "p")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,value\nBandung,1\n", encoding="utf-8")
    result = run_cli("import", "hekman", str(wrong), project=project)
    assert result.code == 2
    assert result.stderr.strip() == (f"Error: {wrong} is not a twin-city CSV: its header needs the columns "
                                     "city1, city2, country1, country2.")
    assert not (project / "graph" / "imported").exists()


def test_cli_names_a_missing_file(tmp_path):
    project = copy_project(tmp_path / "p")
    result = run_cli("import", "hekman", str(tmp_path / "nowhere.csv"), project=project)
    assert result.code == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
