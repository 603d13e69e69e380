"""``citykg build | validate | stats | export``: make the store, check the files, count, write it out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import names
from . import _common


@click.command()
@click.option("--quiet", "-q", is_flag=True, help="No progress, no summary.")
@click.option("--seeds-only", is_flag=True, help="Leave graph/imported/ out: the curated seed graph alone.")
@click.pass_context
def build(ctx: click.Context, quiet: bool, seeds_only: bool) -> None:
    """Parse, validate and infer, then swap in a new store."""
    kg = _common.kg(ctx)
    if quiet:
        kg.build(seeds_only=seeds_only)
        return
    from rich.console import Console

    with _common.progress_bar() as progress:
        report = kg.build(progress, seeds_only=seeds_only)
    console = Console()
    console.print(f"Built [bold]{kg.project.store_path}[/] from {report.files} files: "
                  f"{report.asserted} asserted + {report.inferred} inferred triples "
                  f"in {sum(report.seconds.values()):.1f} s.")
    console.print(_stats_table(kg.stats()))


@click.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Run every check of a build without touching the store."""
    from rich.console import Console

    kg = _common.kg(ctx)
    with _common.progress_bar() as progress:
        report = kg.validate(progress)
    Console().print(f"[green]Valid[/]: {report.files} files, {report.asserted} triples.")


@click.command()
@click.option("--format", "fmt", type=click.Choice(names.STATS_FORMATS), default="table", show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Count triples, graphs and the instances of each core class."""
    counts = _common.kg(ctx).stats()
    if fmt == "json":
        import json

        click.echo(json.dumps(counts, indent=2))
        return
    from rich.console import Console

    Console().print(_stats_table(counts))


@click.command()
@click.option("--format", "fmt", required=True, type=click.Choice(names.EXPORT_FORMATS),
              help="ttl/nt/rdfxml: the union of all graphs; trig/nq/jsonld: every named graph; void: the data "
                   "set's VoID/DCAT description; graphml/gexf: a network.")
@click.option("--network", type=click.Choice(names.NETWORKS),
              help="Export this network projection (with --format graphml or gexf) instead of the RDF.")
@click.option("--out", "-o", type=_common.FILE, callback=_common.writable, help="File to write (default: stdout).")
@click.pass_context
def export(ctx: click.Context, fmt: str, network: str | None, out: Path | None) -> None:
    """Write the whole store in an RDF format, or a network projection as GraphML/GEXF (for Gephi)."""
    if (network is not None) != (fmt in names.NETWORK_FILE_FORMATS):
        raise click.UsageError("--network NAME goes with --format graphml or gexf, and those need --network.")
    kg = _common.kg(ctx)
    if network is not None:
        return _export_network(kg, network, fmt, out)
    if fmt == "void":
        return _export_void(kg, out)
    if out is None:
        sys.stdout.buffer.write(kg.export(fmt) or b"")
    else:
        kg.export(fmt, out)
        click.echo(f"Wrote {out}", err=True)


def _export_void(kg, out: Path | None) -> None:
    """``--format void``: what the data set holds (triples, entities per class, sources, licences)."""
    from ..errors import UsageError
    from ..pages import dataset_description

    text = dataset_description(kg).encode()
    if out is None:
        sys.stdout.buffer.write(text)
        return
    try:
        out.write_bytes(text)
    except OSError as error:
        raise UsageError(f"Cannot write {out}: {error.strerror or error}.") from None
    click.echo(f"Wrote {out}", err=True)


def _export_network(kg, network_name: str, fmt: str, out: Path | None) -> None:
    """``--network NAME --format graphml|gexf``: a projection as a file Gephi opens."""
    from .. import network

    graph = network.project(kg, network_name)
    if out is None:
        network.write(graph, fmt, sys.stdout.buffer)
        return
    network.write(graph, fmt, out)
    click.echo(f"Wrote {out}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", err=True)


def _stats_table(counts: dict[str, int]):
    from rich.table import Table

    table = Table(title="citykg store", header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    return table
