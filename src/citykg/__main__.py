"""``python -m citykg`` runs the CLI."""

from .cli.main import main

main(prog_name="citykg")
