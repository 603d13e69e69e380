"""The ``citykg`` command: a click group that loads each command's module only when it is called.

This is click's documented lazy-loading pattern ("Lazily Loading Subcommands" in click's docs): the group
knows every command by the dotted name of the object that implements it, as a string, and imports the
module in ``get_command``. So ``citykg query`` imports the query module alone (never networkx or pyvis),
``citykg --help`` imports all of them (it needs their help texts), and no command module can import another
one or this module.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from ..errors import CityKGError
from ._common import PROJECT_HELP, STORE_HELP, CityKGException, add_location_options

#: Every command, in the order ``citykg --help`` lists them: name → "module:object".
COMMANDS = {
    "build": "citykg.cli.store:build",
    "validate": "citykg.cli.store:validate",
    "stats": "citykg.cli.store:stats",
    "export": "citykg.cli.store:export",
    "queries": "citykg.cli.query:queries",
    "query": "citykg.cli.query:query",
    "serve": "citykg.cli.serve:serve",
    "push": "citykg.cli.serve:push",
    "centrality": "citykg.cli.network:centrality",
    "communities": "citykg.cli.network:communities",
    "suggest": "citykg.cli.network:suggest",
    "report": "citykg.cli.network:report",
    "viz": "citykg.cli.viz:viz",
    "site": "citykg.cli.site:site",
    "import": "citykg.cli.imports:import_group",
    "curate": "citykg.cli.curate:curate",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use; a CityKGError becomes its one-line message."""

    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        eager = [name for name in super().list_commands(ctx) if name not in self.lazy_commands]
        return [*self.lazy_commands, *eager]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = self.lazy_commands[cmd_name].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_commands[cmd_name]} is not a click command")
        # --project and --store work after the command name too (``citykg build --store x``).
        add_location_options(command)
        self.commands[cmd_name] = command
        return command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CityKGError as error:
            raise CityKGException(error) from None


@click.group(cls=LazyGroup, lazy_commands=COMMANDS)
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), envvar="CITYKG_PROJECT",
              help=PROJECT_HELP)
@click.option("--store", type=click.Path(path_type=Path), envvar="CITYKG_STORE", help=STORE_HELP)
@click.version_option(package_name="citykg")
@click.pass_context
def main(ctx: click.Context, project: Path | None, store: Path | None) -> None:
    """citykg: a knowledge graph of city diplomacy, each fact traced to its source."""
    ctx.obj = {"project": project, "store": store}
