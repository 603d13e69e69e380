"""Benchmark ``citykg serve`` on a built store (the full graph for the figures in docs); write docs/bench-server.md.

Measures, each in one run with its yardstick:
1. Read-only opening of the store vs a read-write open of a copy (the same whole-graph queries, alternated).
2. Throughput of the same query mix at 1 and 16 clients against ``citykg serve`` (default settings) and
   ``oxigraph serve-read-only`` on the same build directory; each client keeps one HTTP/1.1 connection.
3. 16 clients x 100 mixed requests, without and with 2 abusive clients looping a pathological query:
   errors, p50 and p99 latency of the 16.
4. The memory of a worker under the worst query (``SELECT * … ORDER BY``, stopped by the memory limit), next
   to an idle worker and to the Oxigraph server after the mix.

Usage: .venv/bin/python scripts/bench_server.py --store PATH [--out docs/bench-server.md] [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEMORY_HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
MIX = [  # cheap to middling questions a client asks; written with their prefixes so both servers take them
    "ASK { municipality:id-bandung a ckg:City }",
    "SELECT ?partner WHERE { ?p a ckg:Partnership ; ckg:partner municipality:id-bandung , ?partner "
    "FILTER (?partner != municipality:id-bandung) } ORDER BY ?partner",
    "SELECT ?c ?label WHERE { ?c a ckg:Country ; rdfs:label ?label } ORDER BY ?label LIMIT 50",
    "SELECT ?x WHERE { ?x rdfs:label \"Daegu\"@en }",
    "SELECT ?s (COUNT(?p) AS ?n) WHERE { ?p ckg:sector ?s } GROUP BY ?s ORDER BY DESC(?n) LIMIT 10",
    "SELECT ?p ?o WHERE { municipality:jp-kawasaki ?p ?o } LIMIT 100",
]
SCAN = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
AGGREGATES = [SCAN, "SELECT ?c (COUNT(*) AS ?n) WHERE { ?x a ?c } GROUP BY ?c",
              "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?p ckg:partner ?x }"]


def prefixed(query: str) -> str:
    from citykg.query.catalogue import prologue
    from citykg.vocab import PREFIXES

    return prologue(PREFIXES) + query


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


def start_citykg(store: Path, *options: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "citykg", "--store", str(store), "serve", "--port", str(port),
                                *options], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    process.stdout.readline()  # type: ignore[union-attr]
    wait_listening(port)
    return process, port


def start_oxigraph(build: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    program = Path(sys.executable).with_name("oxigraph")
    process = subprocess.Popen([str(program), "serve-read-only", "--location", str(build), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(port)
    return process, port


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def clients(port: int, path: str, count: int, requests: int, queries: list[str],
            abusive: int = 0, abusive_query: str = CROSS_PRODUCT) -> dict:
    """``count`` clients each sending ``requests`` queries of the mix; returns errors, latencies, req/s."""
    latencies: list[float] = []
    errors: list[str] = []
    done = threading.Event()

    def client(number: int) -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=120)
        for i in range(requests):
            query = queries[(number + i) % len(queries)]
            target = path + "?" + urllib.parse.urlencode({"query": query})
            start = time.perf_counter()
            try:
                connection.request("GET", target, headers={"Accept": "application/sparql-results+json"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(str(response.status))
            except OSError as error:
                errors.append(type(error).__name__)
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=120)
            latencies.append(time.perf_counter() - start)
        connection.close()

    def abuser() -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=120)
        target = path + "?" + urllib.parse.urlencode({"query": abusive_query})
        while not done.is_set():
            try:
                connection.request("GET", target)
                connection.getresponse().read()
            except OSError:
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=120)
        connection.close()

    abusers = [threading.Thread(target=abuser, daemon=True) for _ in range(abusive)]
    for thread in abusers:
        thread.start()
    if abusive:
        time.sleep(0.5)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    done.set()
    latencies.sort()
    return {"errors": len(errors), "requests": count * requests, "rps": count * requests / elapsed,
            "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            "kinds": sorted(set(errors))}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its children that are alive now."""
    import psutil

    total = 0.0
    process = psutil.Process(pid)
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def own_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (not its children)."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def breakdown(our_port: int, our_pid: int, their_port: int, their_pid: int, queries: list[str],
              requests: int) -> list[str]:
    """Per query of the mix, one client: wall time per request on both servers, and where citykg's CPU
    goes (the server process: HTTP, routing, the hop; the workers: query, serialisation, writing)."""
    rows = []
    for number, query in enumerate(queries):
        clients(our_port, "/sparql", 1, 20, [query])
        clients(their_port, "/query", 1, 20, [query])
        front, total = own_cpu_seconds(our_pid), cpu_seconds(our_pid)
        ours = clients(our_port, "/sparql", 1, requests, [query])
        front, total = own_cpu_seconds(our_pid) - front, cpu_seconds(our_pid) - total
        theirs_cpu = cpu_seconds(their_pid)
        theirs = clients(their_port, "/query", 1, requests, [query])
        theirs_cpu = cpu_seconds(their_pid) - theirs_cpu
        per = 1e6 / requests
        rows.append(f"| {number + 1}. `{MIX[number][:70]}` | {1e6 / ours['rps']:.0f} | {1e6 / theirs['rps']:.0f} | "
                    f"{front * per:.0f} | {(total - front) * per:.0f} | {theirs_cpu * per:.0f} |")
    return rows


def measured(port: int, path: str, count: int, requests: int, queries: list[str], server_pid: int) -> dict:
    """:func:`clients`, plus the CPU time per request of the server (with its workers) and of the clients."""
    server_before, client_before = cpu_seconds(server_pid), time.process_time()
    result = clients(port, path, count, requests, queries)
    result["server_cpu_us"] = (cpu_seconds(server_pid) - server_before) / result["requests"] * 1e6
    result["client_cpu_us"] = (time.process_time() - client_before) / result["requests"] * 1e6
    return result


def rss_mib(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def worker_pids(server: int) -> list[int]:
    import psutil

    found = []
    for child in psutil.Process(server).children():
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child.pid)
        except psutil.Error:  # a worker that just ended
            continue
    return found


def open_modes(build: Path, repeat: int) -> tuple[float, float]:
    """Median seconds of the aggregates on a read-only open vs a read-write open of a copy, alternated."""
    from pyoxigraph import Store

    with tempfile.TemporaryDirectory(dir="/tmp") as scratch:
        copy = Path(scratch) / "copy"
        shutil.copytree(build, copy)
        stores = {"read_only": Store.read_only(str(build)), "writable_copy": Store(str(copy))}
        times: dict[str, list[float]] = {name: [] for name in stores}
        for _ in range(repeat):
            for name, store in stores.items():
                start = time.perf_counter()
                for query in AGGREGATES:
                    list(store.query(prefixed(query)))
                times[name].append(time.perf_counter() - start)
        del stores
    return statistics.median(times["read_only"]), statistics.median(times["writable_copy"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-server.md")
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args = parser.parse_args()
    build = args.store.resolve()
    queries = [prefixed(q) for q in MIX]
    per_client = 20 if args.quick else 100
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    from pyoxigraph import Store

    triples = next(iter(Store.read_only(str(build)).query(SCAN)))["n"].value
    say("# `citykg serve` benchmark")
    say()
    say(f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}; "
        f"store {build.name} ({int(triples):,} triples); written by `scripts/bench_server.py`. The client threads "
        "share the cores with the servers; the load average is noted with each figure.")
    say()

    read_only, writable = open_modes(build, 3)
    say("## Opening the store: read-only vs a read-write copy")
    say()
    say(f"Whole-graph aggregates ({len(AGGREGATES)} queries, median of 3, alternated): read-only "
        f"{read_only:.2f} s, read-write open of a copy {writable:.2f} s: ratio {read_only / writable:.2f} "
        f"({load()}).")
    say()

    ours, our_port = start_citykg(args.store)
    theirs, their_port = start_oxigraph(build)
    try:
        for port, path in ((our_port, "/sparql"), (their_port, "/query")):
            clients(port, path, 4, 5, queries)  # warm both: caches, label indexes, page cache
        say("## Throughput, same query mix, citykg serve (default settings) vs oxigraph serve-read-only")
        say()
        say("Server CPU is the server process and its query workers, in microseconds of CPU per request; the "
            "client threads' own CPU is given too (the same for both servers, so a gap in CPU is the server's).")
        say()
        say("| clients | citykg req/s | oxigraph req/s | ratio | citykg p50 / p99 ms | oxigraph p50 / p99 ms | "
            "server CPU us/request citykg / oxigraph | client CPU us/request | load |")
        say("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for count, requests in ((1, per_client * 3), (16, per_client)):
            a = measured(our_port, "/sparql", count, requests, queries, ours.pid)
            b = measured(their_port, "/query", count, requests, queries, theirs.pid)
            say(f"| {count} | {a['rps']:.0f} | {b['rps']:.0f} | {a['rps'] / b['rps']:.2f} | "
                f"{a['p50']:.1f} / {a['p99']:.1f} | {b['p50']:.1f} / {b['p99']:.1f} | "
                f"{a['server_cpu_us']:.0f} / {b['server_cpu_us']:.0f} | "
                f"{(a['client_cpu_us'] + b['client_cpu_us']) / 2:.0f} | {load()} |")
        say()
        say("## Where a request's time goes, query by query (1 client)")
        say()
        say("Microseconds per request. citykg's server process parses HTTP (h11), routes, and hands the job and "
            "the client's connection to a worker; the worker evaluates, serialises (in Rust) and writes the answer "
            "to the client itself. Oxigraph's server does all of it in one Rust process.")
        say()
        say("| query | citykg wall | oxigraph wall | citykg server process CPU | citykg worker CPU | "
            "oxigraph CPU |")
        say("|---|---:|---:|---:|---:|---:|")
        for row in breakdown(our_port, ours.pid, their_port, theirs.pid, queries, per_client * 5):
            say(row)
        say(f"\n({load()})")
        oxigraph_rss = rss_mib(theirs.pid)
        stop(theirs)
        say()
        say("## 16 clients x 100 mixed requests, without and with 2 abusive clients")
        say()
        say("The abusive clients loop the cross product `" + CROSS_PRODUCT + "` (stopped at the 10 s limit "
            "each time).")
        say()
        say("| run | requests | errors | p50 ms | p99 ms | load |")
        say("|---|---:|---:|---:|---:|---|")
        for abusive in (0, 2):
            result = clients(our_port, "/sparql", 16, per_client, queries, abusive=abusive)
            kinds = f" ({', '.join(result['kinds'])})" if result["kinds"] else ""
            say(f"| {abusive} abusive | {result['requests']} | {result['errors']}{kinds} | {result['p50']:.1f} | "
                f"{result['p99']:.1f} | {load()} |")
        say()
        time.sleep(12)  # let the last abusive queries end, so their workers are not the ones measured
        workers = worker_pids(ours.pid)
        idle = max(rss_mib(pid) for pid in workers)
        peak: dict[str, float] = {"rss": 0.0}
        answer: dict[str, int] = {}
        hog = threading.Thread(target=lambda: answer.setdefault("status", clients(
            our_port, "/sparql", 1, 1, [MEMORY_HOG])["errors"]))
        hog.start()
        while hog.is_alive():
            for pid in worker_pids(ours.pid):
                try:
                    peak["rss"] = max(peak["rss"], rss_mib(pid))
                except Exception:  # noqa: BLE001, S112 - a worker ending while it is measured
                    continue
            time.sleep(0.05)
        say("## Memory")
        say()
        say(f"- A worker under the worst query (`{MEMORY_HOG}`): peak resident {peak['rss']:.0f} MiB, then it is "
            f"stopped by the default memory limit (2048 MiB of private memory) and answered 503 "
            f"({'as expected' if answer.get('status') == 1 else 'unexpectedly answered'}).")
        say(f"- An idle worker after the mix: {idle:.0f} MiB resident; {len(workers)} workers; the server "
            f"process {rss_mib(ours.pid):.0f} MiB.")
        say(f"- `oxigraph serve-read-only` after the same mix: {oxigraph_rss:.0f} MiB resident.")
        say(f"- ({load()})")
    finally:
        stop(ours)
        if theirs.poll() is None:
            stop(theirs)
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
