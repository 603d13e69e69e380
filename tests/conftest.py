"""Shared fixtures: a copy of the real project in a temporary folder, built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from citykg import KnowledgeGraph

REPO = Path(__file__).resolve().parents[1]
CITYKG = [sys.executable, "-m", "citykg"]


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
