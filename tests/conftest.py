"""Shared fixtures: a copy of the real project in a temporary folder, built once per session; the hypothesis
profiles; one rule for the browser tests' Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from citykg import KnowledgeGraph

REPO = Path(__file__).resolve().parents[1]
CITYKG = [sys.executable, "-m", "citykg"]

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (or pytest's --hypothesis-profile). "dev" is the default, a
# quick smoke of the property tests; "ci" (.ci/run exports it) is the full run. The build fuzzing
# (test_build_fuzz.py) splits max_examples across its two halves: ci = 500 + 500 mutations, dev = 25 + 25.
settings.register_profile("ci", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# The browser tests drive Debian's Chromium with playwright (no browser download is possible here).
# CITYKG_CHROMIUM points them at another binary.
CHROMIUM = Path(os.environ.get("CITYKG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"]


def browser_required() -> bool:
    """In CI (CI set, or CITYKG_REQUIRE_BROWSER=1, which .ci/run sets) a missing browser fails the tests."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or os.environ.get("CITYKG_REQUIRE_BROWSER") == "1"


def chromium_path() -> Path:
    """The Chromium the browser tests use. If it is missing, the calling test fails in CI and is skipped on a
    developer's machine (where ``make test`` tried to install it, and could not)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if browser_required():
        pytest.fail(f"Chromium not found at {CHROMIUM}, and this run requires it (CI or CITYKG_REQUIRE_BROWSER=1): "
                    "run scripts/ensure-chromium.sh as root (apt-get install -y --no-install-recommends chromium)",
                    pytrace=False)
    pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium (make test does it when run as root)")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module. Not per session: playwright's sync API keeps its event loop
    running while it is open, so another ``sync_playwright()`` (tests/test_report.py) could not start."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def copy_project(target: Path, folders: tuple[str, ...] = ("ontology", "graph/reference", "graph/sources",
                                                           "queries")) -> Path:
    """The curated text of this repository (by default the seed graph, without graph/imported), copied so
    that tests may break it without harm."""
    for folder in folders:
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return target


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, project: Path, env: dict[str, str] | None = None) -> CliResult:
    """Run the real ``citykg`` program in a child process, as a user would."""
    environment = {**os.environ, "CITYKG_PROJECT": str(project), "NO_COLOR": "1", "COLUMNS": "200"}
    environment.pop("CITYKG_STORE", None)
    environment.update(env or {})
    done = subprocess.run([*CITYKG, *args], capture_output=True, text=True, env=environment, timeout=300)
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("project"))
    KnowledgeGraph(project).build()
    return project


@pytest.fixture(scope="session")
def kg(built_project) -> KnowledgeGraph:
    return KnowledgeGraph(built_project)


def select(kg: KnowledgeGraph, sparql: str, **bindings) -> list[dict[str, str]]:
    """Rows of a SELECT as plain dicts of strings (IRIs compacted), for readable assertions."""
    from citykg.query.render import term_text

    result = kg.query(sparql, bindings)
    names = [v.value for v in result.variables]
    return [{name: term_text(row[name]) for name in names} for row in result]


def stop(process: subprocess.Popen, timeout: float) -> None:
    """Stop a server the tests started: SIGTERM, then SIGKILL if it has not ended within ``timeout`` s."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def answers_http(url: str, process: subprocess.Popen, seconds: float, pause: float = 0.1) -> bool:
    """Whether a server started as ``process`` answers ``url`` within ``seconds`` (False when it ends or the
    time is up): how the tests wait for oxigraph serve and Virtuoso to listen."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return True
        except OSError:
            time.sleep(pause)
    return False


def import_fixture(folder: Path, data: Path, graphs: tuple[str, ...], *, items_for_hekman: bool = True,
                   wikidata: bool = True):
    """A copy of the project with ``data``'s fixture slice imported (``pairs.csv``, and ``relations.tsv`` /
    ``names.tsv``: as evidence for the Wikipedia lists' import, and imported themselves), the ``graphs`` it
    wrote (file names in graph/imported/) loaded into a store of their own: (the project, the store, the
    Wikipedia lists' import report)."""
    from pyoxigraph import RdfFormat, Store

    from citykg.importers.hekman import import_hekman
    from citykg.importers.wikidata import import_wikidata
    from citykg.project import Project

    project = Project.locate(copy_project(folder))
    items = (data / "relations.tsv", data / "names.tsv")
    report = import_hekman(project, data / "pairs.csv", wikidata=items if items_for_hekman else None)
    if wikidata:
        import_wikidata(project, *items)
    store = Store()
    for name in graphs:
        store.load(path=project.root / "graph" / "imported" / name, format=RdfFormat.TRIG)
    return project, store, report
