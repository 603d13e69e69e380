"""The CLI as a user meets it: real child processes, exit codes and exact messages, and bad input that
never costs the user their last good store."""

from __future__ import annotations

import fcntl
import json
import re
from pathlib import Path

import pytest

from citykg import KnowledgeGraph

from .conftest import copy_project, run_cli


@pytest.fixture
def project(tmp_path) -> Path:
    """A freshly built copy of the project that a test may damage."""
    project = copy_project(tmp_path)
    result = run_cli("build", project=project)
    assert result.code == 0, result.stderr
    return project


def snapshot(project: Path) -> set[str]:
    """The store's content as a set of N-Quads lines (blank nodes aside, they are stable per build)."""
    data = KnowledgeGraph(project).export("nq").decode("utf-8")
    return set(data.splitlines())


def first_source(project: Path) -> Path:
    return sorted((project / "graph" / "sources").glob("*.trig"))[0]


def test_build_prints_a_summary_with_counts(tmp_path):
    project = copy_project(tmp_path)
    result = run_cli("build", project=project)
    assert result.code == 0, result.stderr
    assert re.search(r"Built .*store from \d+ files: \d+ asserted \+ \d+ inferred triples", result.stdout)
    for row in ("Municipality", "Partnership", "Event", "Source"):
        assert re.search(rf"│ {row}\s+│\s+\d+ │", result.stdout), row
    assert (project / ".citykg" / "store").is_symlink()


def test_stats_json_counts_the_five_sources(project):
    result = run_cli("stats", "--format", "json", project=project)
    assert result.code == 0
    counts = json.loads(result.stdout)
    assert counts["Source"] == 5
    assert counts["triples"] > 1000


def test_syntax_error_names_file_line_and_column_and_keeps_the_store(project):
    before = snapshot(project)
    source = first_source(project)
    lines = source.read_text(encoding="utf-8").splitlines()
    source.write_text("\n".join(lines) + '\nsource:broken { municipality:id-bandung rdfs:label "never closed }\n',
                      encoding="utf-8")
    result = run_cli("build", project=project)
    assert result.code == 2
    relative = source.relative_to(project)
    assert f"Error: {relative}:{len(lines) + 1}:" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before


def test_unknown_term_is_reported_with_its_file(project):
    before = snapshot(project)
    source = first_source(project)
    graph = re.search(r"^(source:\S+)\s*\{", source.read_text(encoding="utf-8"), re.M).group(1)
    with source.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{graph} {{ municipality:id-bandung ckg:parnter municipality:kr-daegu . }}\n")
    result = run_cli("build", project=project)
    assert result.code == 1
    assert (f"{source.relative_to(project)}: municipality:id-bandung ckg:parnter: ckg:parnter is not a term "
            "of the citykg ontology") in result.stderr
    assert snapshot(project) == before


def test_shacl_violation_names_node_path_message_and_file(project):
    before = snapshot(project)
    source = first_source(project)
    graph = re.search(r"^(source:\S+)\s*\{", source.read_text(encoding="utf-8"), re.M).group(1)
    with source.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{graph} {{ partnership:lonely a ckg:Partnership ; rdfs:label \"Lonely\"@en ;\n"
                     "  ckg:partner municipality:id-bandung ; ckg:partnershipType ckg:SisterCity . }\n")
    result = run_cli("build", project=project)
    assert result.code == 1
    assert "1 violation:" in result.stderr
    assert f"{source.relative_to(project)}: partnership:lonely ckg:partner: " in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before


def test_validate_checks_without_building(tmp_path):
    project = copy_project(tmp_path)
    result = run_cli("validate", project=project)
    assert result.code == 0, result.stderr
    assert "Valid" in result.stdout
    assert not (project / ".citykg").exists()


def test_missing_store_is_one_sentence(tmp_path):
    project = copy_project(tmp_path)
    result = run_cli("stats", project=project)
    assert result.code == 1
    store = project / ".citykg" / "store"
    assert result.stderr.strip() == f"Error: There is no store at {store}; run 'citykg build' first."


def test_a_second_build_while_one_runs_is_refused(project):
    before = snapshot(project)
    lock_path = project / ".citykg" / "store.lock"
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_cli("build", project=project)
    assert result.code == 1
    assert result.stderr.strip() == (f"Error: The store at {project / '.citykg' / 'store'} is being built by "
                                     f"another process (lock held on {lock_path}).")
    assert snapshot(project) == before


def test_unknown_export_format_is_refused(project):
    result = run_cli("export", "--format", "n3", project=project)
    assert result.code == 2
    assert "Invalid value for '--format': 'n3' is not one of" in result.stderr


def test_sparql_syntax_error_gives_line_and_column(project):
    result = run_cli("query", "-e", "SELECT * WHERE { ?s ?p }", project=project)
    assert result.code == 1
    assert result.stderr.startswith("Error: SPARQL syntax error at line 1, column 25:")
    assert "Traceback" not in result.stderr


def test_query_formats(project):
    sparql = "SELECT ?label WHERE { municipality:id-bandung rdfs:label ?label FILTER(lang(?label) = 'en') }"
    assert run_cli("query", "-e", sparql, "--format", "csv", project=project).stdout == "label\nBandung\n"
    tsv = run_cli("query", "-e", sparql, "--format", "tsv", project=project).stdout
    assert tsv == '?label\n"Bandung"@en\n'
    data = json.loads(run_cli("query", "-e", sparql, "--format", "json", project=project).stdout)
    assert data["results"]["bindings"] == [{"label": {"type": "literal", "value": "Bandung", "xml:lang": "en"}}]
    table = run_cli("query", "-e", sparql, project=project).stdout
    assert "Bandung @en" in table


def test_query_reads_a_file(project, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("ASK { municipality:id-bandung ckg:partnerOf municipality:my-petaling-jaya }")
    result = run_cli("query", str(query), "--format", "json", project=project)
    assert json.loads(result.stdout)["boolean"] is True


def test_store_location_from_option_and_environment(tmp_path):
    project = copy_project(tmp_path / "p")
    by_env = tmp_path / "env-store"
    assert run_cli("build", "-q", project=project, env={"CITYKG_STORE": str(by_env)}).code == 0
    assert by_env.is_symlink() and not (project / ".citykg" / "store").exists()
    by_option = tmp_path / "option-store"
    assert run_cli("--store", str(by_option), "build", "-q", project=project).code == 0
    result = run_cli("--store", str(by_option), "stats", "--format", "json", project=project)
    assert json.loads(result.stdout)["Source"] == 5


def test_rebuilds_keep_the_current_and_the_previous_store_only(project):
    for _ in range(3):
        assert run_cli("build", "-q", project=project).code == 0
    builds = sorted(p.name for p in (project / ".citykg" / "store.builds").iterdir())
    assert len(builds) == 2
    current = (project / ".citykg" / "store").resolve().name
    assert current in builds


def test_a_graph_format_for_a_select_query_is_refused(project):
    result = run_cli("query", "-e", "SELECT ?s WHERE { ?s a ckg:City }", "--format", "ttl", project=project)
    assert result.code == 2
    assert result.stderr.strip() == ("Error: Format 'ttl' is for graphs; a select or ask query gives table, "
                                     "csv, tsv, json, xml.")
