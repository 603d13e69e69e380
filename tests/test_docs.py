"""The docs are tested (datasette's tests/test_docs.py is the model): every command and option is written
down, docs/cli.md is what the CLI prints, and the README's console examples do what the README says."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from citykg.cli.main import main

from .conftest import CITYKG, REPO, CliResult, copy_project

README = (REPO / "README.md").read_text(encoding="utf-8")
CLI_PAGE = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")


def _reference_module():
    spec = importlib.util.spec_from_file_location("cli_reference", REPO / "scripts" / "cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _reference_module()
ROOT = click.Context(main, info_name="citykg")
COMMANDS = [(name, command) for name, command, _ in REFERENCE.commands(main, ROOT)]


def test_docs_cli_md_is_what_the_cli_prints():
    assert CLI_PAGE == REFERENCE.render(), "docs/cli.md is out of date: run python scripts/cli_reference.py"


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_is_in_the_readme(name):
    assert re.search(rf"{re.escape(name)}\b", README), f"the README never shows '{name}'"


@pytest.mark.parametrize(("name", "option"), [(name, opt) for name, command in COMMANDS for param in command.params
                                              if isinstance(param, click.Option) for opt in param.opts
                                              if opt.startswith("--")])
def test_every_option_is_documented(name, option):
    in_cli_page = re.search(rf"## {re.escape(name)}\n\n```text\n(?:(?!```).)*{re.escape(option)}\b", CLI_PAGE, re.S)
    assert in_cli_page or option in README, f"{name} {option} is in neither the README nor docs/cli.md"


# ---------------------------------------------------------------- the README's console examples


@dataclass(frozen=True)
class Example:
    line: int
    command: str
    output: tuple[str, ...]

    def __str__(self) -> str:
        return f"README.md:{self.line}: {self.command}"


#: Examples that cannot run against a fresh copy of the seed graph, and where each is tested instead.
NOT_RUN = {
    "citykg build      # after": "it needs a broken file first (tests/test_cli.py breaks one)",
    "citykg serve": "it serves until stopped (tests/test_server.py)",
    "citykg push": "it needs an Oxigraph server (tests/test_remote.py)",
    "--endpoint": "it needs a SPARQL server (tests/test_remote.py)",
    "citykg import": "it needs data/raw/ and rewrites graph/imported/ (tests/test_import*.py)",
}


def examples() -> list[Example]:
    """Every ``$ citykg …`` line of a console block, with the output lines shown under it."""
    found: list[Example] = []
    lines = README.splitlines()
    in_console = False
    for number, line in enumerate(lines, start=1):
        if line.startswith("```"):
            in_console = line == "```console"
            continue
        if not in_console:
            continue
        if line.startswith("$ "):
            found.append(Example(number, line[2:], ()))
        elif found and found[-1].line < number and not line.startswith(" " * 4 + "--"):
            last = found[-1]
            found[-1] = Example(last.line, last.command, (*last.output, line))
    return [e for e in found if e.command.startswith("citykg ")]


def _skip_reason(example: Example) -> str | None:
    return next((why for start, why in NOT_RUN.items() if start in example.command), None)


def _normal(text: str) -> str:
    """A line as compared: trailing '# comments' and the width of rules and bars do not count."""
    text = re.sub(r"\s{2,}#.*$", "", text)
    text = re.sub(r"[━─═]+", "━", text)
    return " ".join(text.split())


def _matches(shown: str, actual: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in _normal(shown).split("…"))
    return re.fullmatch(pattern, _normal(actual)) is not None


@pytest.fixture(scope="module")
def seed_folder(tmp_path_factory) -> Path:
    """A copy of the seed graph, built, with the query file one example reads."""
    folder = copy_project(tmp_path_factory.mktemp("readme"))
    (folder / "my-question.rq").write_text("SELECT ?country WHERE { ?country a ckg:Country } ORDER BY ?country\n")
    assert run_in(folder, "build", "--seeds-only", "-q").code == 0
    return folder


def run_in(folder: Path, *args: str) -> CliResult:
    """``citykg`` run in ``folder`` as a user would, so that files the example writes land there."""
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    for name in ("CITYKG_PROJECT", "CITYKG_STORE"):
        environment.pop(name, None)
    done = subprocess.run([*CITYKG, *args], cwd=folder, capture_output=True, text=True, env=environment,
                          timeout=300)
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("example", examples(), ids=str)
def test_readme_console_example_runs_and_starts_as_shown(example: Example, seed_folder: Path):
    why = _skip_reason(example)
    if why:
        pytest.skip(f"not run here: {why}")
    args = shlex.split(example.command, comments=True)[1:]
    done = run_in(seed_folder, *args)
    shown = [line for line in example.output if line.strip()]
    if shown and "# exit code" in shown[0]:
        assert done.code == int(shown[0].rsplit("# exit code", 1)[1]), (str(example), done.stderr)
    elif shown and shown[0].startswith("Error:"):
        assert done.code != 0, str(example)
    else:
        assert done.code == 0, (str(example), done.stderr)
    if shown:
        actual = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        assert actual and _matches(shown[0], actual[0]), (str(example), shown[0], actual[:3])


def test_the_examples_are_found():
    runnable = [e for e in examples() if not _skip_reason(e)]
    assert len(runnable) >= 20 and sum(1 for e in runnable if e.output) >= 5


def test_readme_python_example_runs_on_the_seed_graph(tmp_path):
    """The Python API block, up to the part that needs an endpoint, prints what its comments say."""
    block = README.split("## Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    local = block.split("\nremote = ", 1)[0]
    folder = copy_project(tmp_path)
    done = subprocess.run([sys.executable, "-c", local], cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": os.environ.get("PATH", "")})
    assert done.returncode == 0, done.stderr
    partners, stats = done.stdout.splitlines()
    assert "https://w3id.org/citykg/id/municipality/kr-daegu" in partners
    assert stats.startswith("{'triples': 3475, 'graphs': 11, 'Country': 7, ")
    assert (folder / "citykg.ttl").stat().st_size > 100_000
