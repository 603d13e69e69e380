"""``citykg serve`` (the SPARQL endpoint and query UI) and ``citykg push`` (upload to another server).

Only click is imported at load time; the server and the HTTP client load when their command runs.
"""

from __future__ import annotations

import os

import click

from . import _common


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines query the graph.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one (the URL is printed first).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before its worker is killed and the client gets 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows (or triples) a result gives; a cut result has the header CityKG-Truncated.")
@click.option("--max-request-bytes", default=256 * 1024, show_default=True, type=click.IntRange(min=1024),
              help="Largest request body or URL accepted (413/414 beyond).")
@click.option("--workers", default=max(4, min(8, os.cpu_count() or 4)), show_default=True,
              type=click.IntRange(min=1),
              help="Query worker processes (queries that run at once); while slow queries hold all of them, up "
                   "to as many again are started.")
@click.option("--max-memory", default=2048, show_default=True, type=click.IntRange(min=64), metavar="MIB",
              help="Private memory each query worker may use (MiB); a query that needs more gets 503.")
@click.option("--cors", is_flag=True, help="Allow scripts on any web origin to query (Access-Control-Allow-Origin).")
@click.option("--base", metavar="URL", callback=lambda _ctx, _param, value: _base(value),
              help="Where this deployment's IRIs live (e.g. https://example.org/citykg/): pages link there and "
                   "RDF is written with IRIs under it; the default keeps https://w3id.org/citykg/.")
@click.option("--verbose", "-v", is_flag=True, help="Log every request to stderr.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, timeout: float, max_rows: int, max_request_bytes: int,
          workers: int, max_memory: int, cors: bool, base: str | None, verbose: bool) -> None:
    """Serve the store read-only: SPARQL 1.1 at /sparql, the catalogue at /queries, a query UI at /, and a
    page (or RDF) for every IRI of the graph at /id/…."""
    from ..errors import UsageError
    from ..server.http import Settings
    from ..server.http import serve as run_server
    from ..store import open_read_only

    kg = _common.kg(ctx)
    open_read_only(kg.project.store_path)  # a missing store is one sentence, before any worker starts
    settings = Settings(host=host, port=port, timeout=timeout, max_rows=max_rows,
                        max_request_bytes=max_request_bytes, workers=workers, max_memory=max_memory * 2**20,
                        cors=cors, base=base, verbose=verbose)
    try:
        run_server(kg.project.root, kg.project.store_path, settings)
    except OSError as error:
        raise UsageError(f"Cannot listen on {host}:{port}: {error.strerror or error}.") from None
    except RuntimeError as error:  # the pool's workers did not start
        raise UsageError(f"The query workers could not start: {error}.") from None


def _base(value: str | None) -> str | None:
    """``--base``, checked: an http(s) URL, ending with a slash so that ``id/…`` can follow it."""
    from urllib.parse import urlsplit

    from ..errors import UsageError

    if value is None:
        return None
    if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
        raise UsageError(f"--base must be an http(s) URL such as https://example.org/citykg/, not {value!r}.")
    return value if value.endswith("/") else value + "/"


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph), "
                   "http://localhost:8890/sparql-graph-crud-auth (Virtuoso) or http://localhost:3030/ds/data (Fuseki).")
@click.option("--user", metavar="NAME",
              help="User name for a server that asks for one (Virtuoso: dba); the password is read from the "
                   "environment variable CITYKG_PASSWORD.")
@click.pass_context
def push(ctx: click.Context, endpoint: str, user: str | None) -> None:
    """Upload the built graph to another SPARQL server (Graph Store Protocol, one PUT per graph).

    Each named graph replaces the graph of the same name there; the default graph gets the union, so
    'citykg query --endpoint' answers there as it does here. A server without a writable default graph
    (Virtuoso) gets the named graphs only; its default graph is their union.
    """
    from ..query.push import push as push_graphs

    kg = _common.kg(ctx)
    with _common.progress_bar() as progress:
        report = push_graphs(kg, endpoint, user=user, progress=progress)
    if report.default_graph:
        click.echo(f"Pushed {report.triples} triples in {report.graphs} graphs to {endpoint}.")
    else:
        click.echo(f"Pushed {report.triples} triples in {report.graphs} named graphs to {endpoint}; it has no "
                   "writable default graph, so it must show their union there (Virtuoso does).")
