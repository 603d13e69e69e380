"""``citykg viz``: a thin wrapper over citykg.viz.visualise. Only click is imported at module level."""

from __future__ import annotations

from pathlib import Path

import click

from .. import names
from . import _common


@click.command()
@click.option("--network", "network_name", type=click.Choice(names.VIZ_NETWORKS), default="municipalities",
              show_default=True, help="Which projection to draw; full = every party and event.")
@click.option("--from", "from_file", type=_common.FILE,
              help="Draw a network file instead (GraphML, GEXF, or an edge list 'source target [weight]').")
@click.option("--endpoint", metavar="URL", help=_common.ENDPOINT_HELP)
@click.option("--focus", metavar="NODE", help="Only this node (label or id) and its neighbourhood.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Hops around --focus.")
@click.option("--sector", metavar="NAME", help="Only ties in this sector (slug or label: 'vocational-training').")
@click.option("--country", metavar="NAME", help="Only nodes of this country (name or ISO code) and their ties.")
@click.option("--since", type=click.IntRange(min=1000, max=9999), metavar="YEAR",
              help="Only ties that started in or after YEAR.")
@click.option("--status", type=click.Choice(tuple(names.STATUSES)), help="Only ties with this status.")
@click.option("--layout", type=click.Choice(names.LAYOUTS), default="force", show_default=True,
              help="force: physics that settle then stop; geo: municipalities at their coordinates.")
@click.option("--size-by", type=click.Choice(names.SIZE_METRICS), default="degree",
              show_default=True, help="Centrality that sizes the nodes.")
@click.option("--color-by", "colour_by", type=click.Choice(names.COLOUR_BY), default="kind", show_default=True,
              help="Colour nodes by kind (municipality, country, organisation, person, event) or by country.")
@click.option("--max-nodes", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Draw at most this many nodes (the best-connected); 0 = all of them.")
@click.option("--title", help="Page title [default: the network's name and the filters].")
@click.option("--out", "-o", type=_common.FILE, callback=_common.writable, required=True,
              help="The HTML file to write (one self-contained file; nothing else is written).")
@click.pass_context
def viz(ctx: click.Context, network_name: str, from_file: Path | None, endpoint: str | None, focus: str | None,
        depth: int, sector: str | None, country: str | None, since: int | None, status: str | None, layout: str,
        size_by: str, colour_by: str, max_nodes: int, title: str | None, out: Path) -> None:
    """Draw a network as one interactive HTML page that works offline: search, filters, facts with sources."""
    from .. import viz as viz_module

    graph = None
    kg = None
    if from_file is not None:
        if endpoint is not None or ctx.get_parameter_source("network_name") is not click.core.ParameterSource.DEFAULT:
            raise click.UsageError("Give either --network/--endpoint or --from, not both.")
        from ..network import read

        graph = read(from_file)
    else:
        kg = _common.kg(ctx, endpoint)
    selection = viz_module.Selection(sector=sector, country=country, since=since, status=status, focus=focus,
                                     depth=depth)
    result = viz_module.visualise(kg, out, network_name, graph=graph, selection=selection, layout=layout,
                                  size_by=size_by, colour_by=colour_by, max_nodes=max_nodes or None, title=title)
    physics = "physics settles, then stops" if result.physics else "physics off"
    click.echo(f"Wrote {result.path}: {_count(result.nodes, 'node')}, {_count(result.edges, 'tie')} "
               f"({result.layout} layout, {physics}).")
    if result.trimmed:
        click.echo(result.notice, err=True)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
