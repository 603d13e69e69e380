"""The package's contract with its users and its newcomers: the CLI starts without the heavy libraries,
--project/--store go anywhere on the line, every look-up by label follows one rule, every choice list
agrees with the library, and an --out that cannot be written is one sentence before any work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from citykg import KnowledgeGraph, UsageError, labels, names
from citykg.network import node_named

from .conftest import copy_project, run_cli


def test_citykg_query_imports_neither_networkx_nor_pyvis_nor_pyshacl(built_project):
    probe = ("import sys; from citykg.cli.main import main\n"
             "try:\n    main(['query', 'partners', '--format', 'csv'], prog_name='citykg')\n"
             "except SystemExit as end:\n    assert end.code in (0, None), end.code\n"
             "heavy = sorted(m for m in ('networkx', 'pyvis', 'pyshacl', 'igraph', 'matplotlib', 'rdflib',\n"
             "    'jinja2', 'dateparser', 'rapidfuzz', 'h11', 'citykg.build.pipeline') if m in sys.modules)\n"
             "print('HEAVY', heavy, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          env={"CITYKG_PROJECT": str(built_project), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "municipality/id-bandung" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "HEAVY []"


def test_store_and_project_may_follow_the_command(tmp_path):
    project = copy_project(tmp_path / "p")
    store = tmp_path / "elsewhere" / "store"
    built = run_cli("build", "--seeds-only", "-q", "--store", str(store), project=project)
    assert built.code == 0, built.stderr
    assert store.is_symlink() and not (project / ".citykg").exists()
    after = run_cli("stats", "--format", "json", "--store", str(store), project=project)
    before = run_cli("--store", str(store), "stats", "--format", "json", project=project)
    assert after.code == before.code == 0
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert json.loads(after.stdout)["Source"] == 5
    # The later of two spellings wins, as a user reading the line left to right expects.
    both = run_cli("--store", str(tmp_path / "nothing"), "stats", "--store", str(store), project=project)
    assert both.code == 0, both.stderr
    moved = run_cli("stats", "--project", str(project), "--store", str(store), project=tmp_path / "nowhere")
    assert moved.code == 0, moved.stderr


@pytest.mark.parametrize("args", [
    ("export", "--format", "ttl", "--out", "{missing}/graph.ttl"),
    ("export", "--network", "countries", "--format", "gexf", "--out", "{missing}/countries.gexf"),
    ("centrality", "--format", "md", "--out", "{missing}/centrality.md"),
    ("viz", "--out", "{missing}/network.html"),
])
def test_an_out_file_in_a_missing_folder_is_one_sentence(built_project, tmp_path, args):
    missing = tmp_path / "no-such-folder"
    done = run_cli(*(a.format(missing=missing) for a in args), project=built_project)
    target = args[-1].format(missing=missing)
    assert (done.code, done.stderr) == (2, f"Error: Cannot write {target}: the folder '{missing}' does not exist.\n")
    assert not missing.exists()


def test_a_report_folder_under_a_file_is_one_sentence(built_project, tmp_path):
    (tmp_path / "a-file").write_text("")
    done = run_cli("report", "--out", str(tmp_path / "a-file" / "report"), project=built_project)
    assert (done.code, done.stderr) == (2, f"Error: Cannot write the report into {tmp_path / 'a-file' / 'report'}: "
                                           f"{tmp_path / 'a-file'} is not a folder.\n")


def test_the_api_export_to_a_missing_folder_is_a_usage_error(kg, tmp_path):
    for fmt in ("ttl", "trig"):
        with pytest.raises(UsageError, match=rf"^Cannot write {tmp_path}/no/x\.{fmt}: the folder '{tmp_path}/no' "
                                             r"does not exist\.$"):
            kg.export(fmt, tmp_path / "no" / f"x.{fmt}")


# ---------------------------------------------------------------- one rule for labels


@pytest.mark.parametrize(("typed", "label"), [
    ("sao paulo", "São Paulo"), ("SÃO  PAULO", "São Paulo"), ("  Kota   Bandung ", "Kota Bandung"),
    ("strasse", "Straße"), ("zurich", "Zürich"), ("MALMO", "Malmö"),
])
def test_case_accents_and_spacing_do_not_matter(typed, label):
    assert labels.normalise(typed) == labels.normalise(label)


def test_different_names_stay_different():
    assert labels.normalise("Bandung") != labels.normalise("Bandung Barat")
    assert labels.matching([("a", "Paris"), ("b", "Pâris"), ("c", "Parisi"), ("d", None)], "paris") == ["a", "b"]


def _accented_network(path: Path) -> Path:
    graph = nx.Graph(name="file")
    graph.add_node("br-sao-paulo", label="São Paulo", country="Brazil")
    graph.add_node("jp-osaka", label="Osaka", country="Japan")
    graph.add_node("us-chicago", label="Chicago", country="United States")
    graph.add_node("pl-gdansk", label="Gdańsk", country="Poland")
    graph.add_edges_from([("br-sao-paulo", "jp-osaka"), ("jp-osaka", "us-chicago"), ("us-chicago", "pl-gdansk")])
    nx.write_graphml(graph, path)
    return path


def test_focus_and_for_find_a_label_as_the_catalogue_does(tmp_path):
    network = _accented_network(tmp_path / "accents.graphml")
    page = tmp_path / "focus.html"
    drawn = run_cli("viz", "--from", str(network), "--focus", "sao paulo", "--out", str(page), project=tmp_path)
    assert drawn.code == 0, drawn.stderr
    assert drawn.stdout.startswith(f"Wrote {page}: 2 nodes, 1 tie")
    suggested = run_cli("suggest", "--from", str(network), "--for", "SAO PAULO", "--format", "csv", project=tmp_path)
    assert suggested.code == 0, suggested.stderr
    assert suggested.stdout.splitlines()[1].split(",")[1:3] == ["us-chicago", "Chicago"]
    assert node_named(nx.read_graphml(network), "gdansk") == "pl-gdansk"


def test_a_label_of_the_catalogue_with_accents_and_spaces(kg):
    assert kg.resolve("https://w3id.org/citykg/ontology#Municipality", "  petaling   JAYA ") == \
        ["https://w3id.org/citykg/id/municipality/my-petaling-jaya"]


# ---------------------------------------------------------------- one list of every choice


def test_choice_lists_agree_with_the_library():
    from citykg.kg import EXPORT_FORMATS
    from citykg.network import analytics, projections
    from citykg.query import render
    from citykg.viz import draw

    assert tuple(analytics.METRICS) == names.METRICS
    assert tuple(EXPORT_FORMATS) == names.RDF_EXPORT_FORMATS
    assert tuple(render.SOLUTION_FORMATS) == names.RESULT_FORMATS
    assert tuple(render.GRAPH_FORMATS) == names.GRAPH_RESULT_FORMATS
    assert projections.NETWORKS == names.NETWORKS and draw.NETWORKS == names.VIZ_NETWORKS


def test_the_help_offers_the_same_choices(tmp_path):
    done = run_cli("centrality", "--help", project=tmp_path)
    assert done.code == 0
    assert "[" + "|".join(names.TABLE_FORMATS) + "]" in done.stdout.replace("\n", "").replace(" ", "")


def test_a_knowledge_graph_on_an_endpoint_has_no_local_store_but_builds_its_project(tmp_path):
    from citykg.query.remote import RemoteError

    project = copy_project(tmp_path)
    remote = KnowledgeGraph(project, endpoint="http://127.0.0.1:9/sparql")
    with pytest.raises(RemoteError, match="there is no local store"):
        remote.store  # noqa: B018
    assert remote.build().files == 10
    assert KnowledgeGraph(project).stats()["Source"] == 5
