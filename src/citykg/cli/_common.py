"""What the command modules share: opening the graph, the --project/--store options, errors and progress.

Imports only click at load time, so that every command starts fast; the library loads inside the calls.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import CityKGError

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

PROJECT_HELP = "Project folder (with ontology/ and graph/). Default: found from the current folder."
STORE_HELP = "Store location. Default: .citykg/store in the project."
ENDPOINT_HELP = "Query this SPARQL 1.1 endpoint instead of the local store (e.g. http://127.0.0.1:8000/sparql)."
#: The type of every FILE option (--out, --from): a path that is not a folder.
FILE = click.Path(dir_okay=False, path_type=Path)


class CityKGException(click.ClickException):
    """A CityKGError on its way to the terminal: its message, no traceback, its own exit code."""

    def __init__(self, error: CityKGError) -> None:
        super().__init__(str(error))
        # click types exit_code as a ClassVar, yet reads it from the instance it exits with
        self.exit_code = error.exit_code  # type: ignore[misc]


def kg(ctx: click.Context, endpoint: str | None = None) -> KnowledgeGraph:
    """The project's KnowledgeGraph, on its local store or, with ``endpoint``, on that SPARQL endpoint."""
    from ..kg import KnowledgeGraph

    location = ctx.find_root().obj
    return KnowledgeGraph(location["project"], location["store"], endpoint=endpoint)


def project(ctx: click.Context):
    """The project alone, for commands that need no store (the importers)."""
    from ..project import Project

    location = ctx.find_root().obj
    return Project.locate(location["project"], location["store"])


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is not None:
        ctx.find_root().obj[param.name] = value


def add_location_options(command: click.Command) -> None:
    """Let ``--project`` and ``--store`` follow the command name as well as precede it (a later one wins).

    The group's own options read CITYKG_PROJECT / CITYKG_STORE; these only override what was given.
    """
    if any(param.name == "store" for param in command.params):
        return
    command.params += [
        click.Option(["--project"], type=click.Path(file_okay=False, path_type=Path), expose_value=False,
                     callback=_remember, help=PROJECT_HELP),
        click.Option(["--store"], type=click.Path(path_type=Path), expose_value=False, callback=_remember,
                     help=STORE_HELP),
    ]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_location_options(sub)


def progress_bar():
    """A rich progress display on stderr (implements citykg.build.Progress)."""
    from .progress import RichProgress

    return RichProgress()


def writable(ctx: click.Context, param: click.Parameter, path: Path | None) -> Path | None:
    """Callback of every --out FILE: a missing folder is one sentence before any work, not a traceback
    after it (the group turns the UsageError into its message)."""
    if path is not None:
        from ..errors import UsageError

        UsageError.unless_folder_exists(path)
    return path


def creatable_folder(ctx: click.Context, param: click.Parameter, path: Path | None) -> Path | None:
    """Callback of --out FOLDER: the folder must exist or be makeable, checked before minutes of work."""
    if path is None:
        return path
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        from ..errors import UsageError

        what = "is not a folder" if not existing.is_dir() else "is not writable"
        raise UsageError(f"Cannot write the report into {path}: {existing} {what}.")
    return path
