"""``citykg centrality | communities | suggest | report``: thin renderers of citykg.network's analytics,
suggest and report. Only click is imported at module level (start-up speed)."""

from __future__ import annotations

import math
from pathlib import Path

import click

from .. import names
from . import _common

#: Short column titles for the terminal table, where ten metrics must fit across.
SHORT = {"weighted_degree": "w.degree", "betweenness": "betweenness", "closeness": "closeness",
         "harmonic": "harmonic", "eigenvector": "eigenvector", "constraint": "constraint",
         "effective_size": "eff.size"}
#: Columns left out of the terminal table (kept in md, csv and json).
WIDE = {"node", "type"}
#: From this many nodes the computations draw a progress bar on stderr.
PROGRESS_FROM = 1000


def network_options(function):
    """--network, --from and --backend, shared by every analytics command."""
    function = click.option("--backend", type=click.Choice(names.BACKENDS), default="auto",
                            show_default=True, help="Library for shortest-path metrics (auto: igraph from "
                            "1,000 nodes).")(function)
    function = click.option("--endpoint", metavar="URL", help=_common.ENDPOINT_HELP)(function)
    function = click.option("--from", "from_file", type=_common.FILE,
                            help="Analyse a network file instead (GraphML, GEXF, or an edge list "
                            "'source target [weight]').")(function)
    return click.option("--network", "network_name", type=click.Choice(names.NETWORKS), default=None,
                        help="Which projection of the graph [default: municipalities].")(function)


def output_options(function):
    function = click.option("--out", "-o", type=_common.FILE, callback=_common.writable,
                            help="File to write (default: stdout).")(function)
    return click.option("--format", "fmt", type=click.Choice(names.TABLE_FORMATS), default="table",
                        show_default=True)(function)


def load_graph(ctx: click.Context, network_name: str | None, from_file: Path | None, endpoint: str | None):
    """The network to analyse: a file given with --from, or a projection of the store (or an endpoint)."""
    from .. import network

    if from_file is not None:
        if network_name is not None or endpoint is not None:
            raise click.UsageError("Give either --network/--endpoint or --from, not both.")
        return network.read(from_file)
    return network.project(_common.kg(ctx, endpoint), network_name or "municipalities")


@click.command()
@network_options
@click.option("--metric", type=click.Choice([*names.METRICS, "all"]), default="all", show_default=True)
@click.option("--sort", type=click.Choice(names.METRICS), help="Order rows by this metric [default: the first "
              "one shown; constraint ascending].")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, help="Rows to show; 0 = all.")
@output_options
@click.pass_context
def centrality(ctx: click.Context, network_name, from_file, endpoint, backend, metric, sort, top, fmt, out) -> None:
    """Rank the nodes of a network by centrality (degree, betweenness, PageRank, Burt's constraint, …)."""
    from ..network import analytics

    graph = load_graph(ctx, network_name, from_file, endpoint)
    with _progress(graph) as progress:
        table = analytics.centrality(graph, metric, sort=sort, backend=backend, progress=progress)
    rows = table.top(top or None)
    header = ["node", "label", "type", "country", *table.metrics]
    records = [[row.node, row.label, row.type, row.country, *(row.scores[m] for m in table.metrics)]
               for row in rows]
    title = f"Centrality in the {graph.graph.get('name', '')} network ({graph.number_of_nodes()} nodes)"
    _emit(header, records, fmt, out, title)


@click.command()
@network_options
@click.option("--seed", type=int, default=42, show_default=True, help="Louvain's random seed.")
@click.option("--resolution", type=float, default=1.0, show_default=True,
              help="Louvain resolution: above 1 gives smaller communities.")
@click.option("--min-size", type=click.IntRange(min=1), default=2, show_default=True,
              help="Leave out communities smaller than this.")
@output_options
@click.pass_context
def communities(ctx: click.Context, network_name, from_file, endpoint, backend, seed, resolution, min_size, fmt, out):
    """Find communities (Louvain, fixed seed) and report their modularity."""
    from ..network import analytics

    graph = load_graph(ctx, network_name, from_file, endpoint)
    found = analytics.communities(graph, seed=seed, resolution=resolution)
    shown = [c for c in found.communities if c.size >= min_size]
    header = ["community", "size", "hub", "members"]
    records = [[c.index, c.size, c.hub, "; ".join(c.labels)] for c in shown]
    title = (f"Louvain communities (seed {seed}), modularity {found.modularity:.4f}; "
             f"{len(found.communities) - len(shown)} smaller ones left out")
    _emit(header, records, fmt, out, title, extra={"modularity": found.modularity, "seed": seed,
                                                     "resolution": resolution})


@click.command()
@click.option("--for", "whom", required=True, metavar="MUNICIPALITY",
              help="A municipality's label (Bandung) or IRI (municipality:id-bandung).")
@click.option("--from", "from_file", type=_common.FILE,
              help="Suggest within a network file instead (shared neighbours only).")
@click.option("--endpoint", metavar="URL", help=_common.ENDPOINT_HELP)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@output_options
@click.pass_context
def suggest(ctx: click.Context, whom: str, from_file, endpoint, top: int, fmt: str, out) -> None:
    """Suggest new partners for a municipality, each with the reason in words."""
    from ..network import suggest as suggestions

    if from_file is not None:
        from .. import network

        graph = network.read(from_file)
        node = network.node_named(graph, whom)
        found = suggestions.suggest_in(graph, None, node, top)
    else:
        found = suggestions.suggest(_common.kg(ctx, endpoint), whom, top)
    if not found and fmt == "table":
        click.echo(f"No suggestion for {whom}: no unpartnered municipality shares a partner or a sector with it.")
        return
    header = ["rank", "node", "label", "country", "score", "reason"]
    records = [[i, s.node, s.label, s.country, s.score, s.reason] for i, s in enumerate(found, start=1)]
    _emit(header, records, fmt, out, f"Partner suggestions for {whom}")


@click.command()
@network_options
@click.option("--out", "-o", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              callback=_common.creatable_folder,
              help="Folder for report.md, report.html and the charts.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True, help="Louvain's random seed.")
@click.pass_context
def report(ctx: click.Context, network_name, from_file, endpoint, backend, folder: Path, top: int, seed: int) -> None:
    """Write a network report (Markdown and self-contained HTML, with charts and a methods note)."""
    from ..network import report as reports

    graph = load_graph(ctx, network_name, from_file, endpoint)
    title = f"Network report: {graph.graph.get('name', '')}"
    with _progress(graph) as progress:
        built = reports.build(graph, title, top=top, seed=seed, backend=backend, progress=progress)
    md, page = reports.write(built, folder)
    click.echo(f"Wrote {md} and {page}")


# ---------------------------------------------------------------- rendering


def _emit(header: list[str], records: list[list], fmt: str, out: Path | None, title: str,
          extra: dict | None = None) -> None:
    text = _render(header, records, fmt, title, extra)
    if out is None:
        if fmt == "table":
            from rich.console import Console

            Console().print(text)
        else:
            click.echo(text, nl=False)
        return
    if fmt == "table":
        from rich.console import Console

        with out.open("w", encoding="utf-8") as handle:
            Console(file=handle, width=160).print(text)
    else:
        out.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {out}", err=True)


def _render(header: list[str], records: list[list], fmt: str, title: str, extra: dict | None):
    if fmt == "json":
        import json

        rows = [{name: _json_value(value) for name, value in zip(header, record, strict=True)} for record in records]
        return json.dumps({**(extra or {}), "rows": rows} if extra else rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([["" if _is_nan(v) else v for v in record] for record in records])
        return buffer.getvalue()
    from ..network.report import number

    cells = [[number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v) for v in record]
             for record in records]
    if fmt == "md":
        from ..network.report import md_table

        return "\n".join([f"**{title}**", "", *md_table(header, cells)]) + "\n"
    from rich.table import Table

    keep = [i for i, name in enumerate(header) if name not in WIDE]
    table = Table(title=title, header_style="bold")
    for i in keep:
        name = header[i]
        table.add_column(SHORT.get(name, name), overflow="fold",
                         justify="right" if name in names.METRICS or name in ("score", "size", "rank") else "left")
    for row in cells:
        table.add_row(*(row[i] for i in keep))
    return table


def _json_value(value):
    return None if _is_nan(value) else value


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


class _progress:
    """A rich progress display on stderr for big networks; nothing for small ones (it would only flicker)."""

    def __init__(self, graph) -> None:
        self._bar = None
        if graph.number_of_nodes() >= PROGRESS_FROM:
            self._bar = _common.progress_bar()

    def __enter__(self):
        return self._bar.__enter__() if self._bar is not None else None

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
