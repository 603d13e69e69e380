"""Benchmark the query catalogue and the SPARQL endpoint; write docs/bench-queries.md.

For each catalogue query (defaults; dates fixed to 2020-06-01): the time through the Python API
(``KnowledgeGraph.run``: catalogue, label resolution, binding, query, reading every row), through raw
pyoxigraph on the same store with the terms already bound, and through rdflib's in-memory Dataset holding
the same quads. Then the endpoint (``citykg serve`` in a child process): throughput and p50/p99 latency at
1 and 16 clients, each keeping one HTTP/1.1 connection. Then the cold start of ``citykg query``.

Usage: .venv/bin/python scripts/bench_queries.py [--project DIR] [--out docs/bench-queries.md] [--quick]
(the store must be built: ``citykg build``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

from pyoxigraph import Variable

from citykg import KnowledgeGraph
from citykg.query.catalogue import bind, with_values
from citykg.vocab import PREFIXES

ROOT = Path(__file__).resolve().parents[1]


def timed(function, repeat: int) -> float:
    """Median wall time of ``function`` in milliseconds, after one warm-up call."""
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def paired(first, second, repeat: int) -> tuple[float, float]:
    """Median ms of two functions called alternately, so that the load of a shared machine weighs on both
    alike."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, samples in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            function()
            samples.append(time.perf_counter() - start)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def params_for(query) -> dict[str, str]:
    return {"date": "2020-06-01"} if any(p.name == "date" for p in query.parameters) else {}


def rdflib_dataset(kg: KnowledgeGraph):
    """The store's quads (default graph = the union, and every named graph) in rdflib's memory store."""
    from pyoxigraph import RdfFormat, serialize
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(data=serialize(kg.store, format=RdfFormat.N_QUADS).decode(), format="nquads")
    return dataset


def rdflib_run(dataset, sparql: str, bound: dict) -> int:
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    def convert(term):
        if type(term).__name__ == "NamedNode":
            return URIRef(term.value)
        return Literal(term.value, lang=term.language, datatype=None if term.language else URIRef(term.datatype.value)
                       if term.datatype.value != str(XSD.string) else None)

    result = dataset.query(sparql, initNs=PREFIXES, initBindings={k: convert(v) for k, v in bound.items()})
    return len(list(result))


def bench_catalogue(kg: KnowledgeGraph, repeat: int) -> list[tuple]:
    dataset = rdflib_dataset(kg)
    rows = []
    for name, query in kg.catalogue().items():
        params = params_for(query)
        bound = bind(query, params, kg.resolve)
        substitutions = {Variable(k): v for k, v in bound.items()}
        answer = len(list(kg.run(name, params)))
        api, raw = paired(lambda: list(kg.run(name, params)),  # noqa: B023
                          lambda: list(kg.store.query(query.sparql, prefixes=PREFIXES,  # noqa: B023
                                                      substitutions=substitutions)), repeat)  # noqa: B023
        try:
            rdflib_rows = rdflib_run(dataset, query.sparql, bound)
            slow = timed(lambda: rdflib_run(dataset, query.sparql, bound), max(1, repeat // 10))  # noqa: B023
            note = "" if rdflib_rows == answer else f"rdflib gives {rdflib_rows} rows"
        except Exception as error:  # noqa: BLE001 - rdflib's failure is a finding to report
            slow, note = float("nan"), f"rdflib fails: {type(error).__name__}"
        rows.append((name, answer, api, raw, slow, note))
        print(f"{name:30s} rows {answer:4d}  api {api:8.2f} ms  raw {raw:8.2f} ms  rdflib {slow:9.1f} ms  {note}",
              file=sys.stderr)
    return rows


def start_server(project: Path) -> tuple[subprocess.Popen, str, int]:
    env = {**os.environ, "CITYKG_PROJECT": str(project)}
    process = subprocess.Popen([sys.executable, "-m", "citykg", "serve", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    url = process.stdout.readline().split()[3]
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    return process, host, int(port)


def bench_endpoint(kg: KnowledgeGraph, clients: int, per_client: int, host: str, port: int) -> dict[str, float]:
    query = kg.catalogue()["partners"]
    text = with_values(query.sparql, bind(query, {}, kg.resolve))
    path = "/sparql?" + urllib.parse.urlencode({"query": text})
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        connection = HTTPConnection(host, port, timeout=60)
        mine = []
        for _ in range(per_client):
            start = time.perf_counter()
            connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                errors[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"clients": clients, "requests": len(latencies), "errors": errors[0], "rps": len(latencies) / elapsed,
            "p50": latencies[len(latencies) // 2] * 1000, "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def cold_start(project: Path, repeat: int) -> tuple[float, bool]:
    """Median wall time of ``citykg query partners --format csv`` in a fresh process, and whether the CLI
    start-up imports networkx or pyvis (it must not)."""
    env = {**os.environ, "CITYKG_PROJECT": str(project)}
    command = [sys.executable, "-m", "citykg", "query", "partners", "--format", "csv"]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    probe = ("import sys, citykg.cli.main; from click.testing import CliRunner; "
             "CliRunner().invoke(citykg.cli.main.main, ['query', 'partners', '--format', 'csv']); "
             "print(any(m in sys.modules for m in ('networkx', 'pyvis')))")
    heavy = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True).stdout.strip()
    return statistics.median(samples) * 1000, heavy == "True"


def report(rows, endpoint, cold, heavy, command: str, kg: KnowledgeGraph) -> str:
    import pyoxigraph
    import rdflib

    ratios = [api / raw for _, _, api, raw, _, _ in rows]
    speedups = [slow / raw for _, _, _, raw, slow, _ in rows if slow == slow]
    lines = [
        "# Query catalogue and endpoint benchmark", "",
        f"Measured with `{command}` on {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, on the curated seed graph "
        f"({kg.stats()['triples']} triples in the default graph, {len(kg.store)} quads). The machine is shared "
        f"(load average {os.getloadavg()[0]:.1f} when the report was written), so figures vary by ±30 % between "
        "runs; medians are reported.", "",
        "## Catalogue queries (median ms)", "",
        "API = `KnowledgeGraph.run(name, params)` (catalogue, label resolution, checks, binding, reading every row); "
        "raw = `Store.query` with the terms already bound; rdflib = the same text and bindings on an rdflib "
        "in-memory `Dataset` holding the same quads.", "",
        "| query | rows | API | raw pyoxigraph | API / raw | rdflib | rdflib / raw | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, answer, api, raw, slow, note in rows:
        lines.append(f"| {name} | {answer} | {api:.2f} | {raw:.2f} | {api / raw:.2f} | {slow:.1f} | "
                     f"{slow / raw:.0f}× | {note} |")
    lines += ["", f"API overhead: median {statistics.median(ratios):.2f}×, worst {max(ratios):.2f}× (goal ≤ 1.2×). "
              f"pyoxigraph vs rdflib: median {statistics.median(speedups):.0f}× faster, least "
              f"{min(speedups):.0f}× (goal ≥ 30×).", "",
              "## Endpoint (`citykg serve`, default settings)", "",
              "Query: the `partners` catalogue query (Bandung) sent as SPARQL over GET, JSON results; each client "
              "keeps one HTTP/1.1 connection. The client threads run on the same 2 cores as the server.", "",
              "| clients | requests | errors | requests/s | p50 ms | p99 ms |", "|---:|---:|---:|---:|---:|---:|"]
    for result in endpoint:
        lines.append(f"| {result['clients']} | {result['requests']} | {result['errors']} | {result['rps']:.0f} | "
                     f"{result['p50']:.1f} | {result['p99']:.1f} |")
    lines += ["", "## Cold start", "",
              f"`citykg query partners --format csv` in a fresh process: median {cold:.0f} ms (goal ≤ 350 ms); "
              f"networkx or pyvis imported on that path: {'yes' if heavy else 'no'}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-queries.md")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    args = parser.parse_args()
    repeat = 5 if args.quick else 200
    kg = KnowledgeGraph(args.project)
    rows = bench_catalogue(kg, repeat)
    process, host, port = start_server(args.project)
    try:
        endpoint = [bench_endpoint(kg, 1, 100 if args.quick else 1000, host, port),
                    bench_endpoint(kg, 16, 20 if args.quick else 200, host, port)]
    finally:
        process.terminate()
        process.wait()
    print(endpoint, file=sys.stderr)
    cold, heavy = cold_start(args.project, 3 if args.quick else 11)
    command = "python scripts/bench_queries.py" + (" --quick" if args.quick else "")
    args.out.write_text(report(rows, endpoint, cold, heavy, command, kg), encoding="utf-8")
    print(f"Wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
