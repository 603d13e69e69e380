"""``python -m citykg`` runs the CLI."""

from .cli import main

main(prog_name="citykg")
