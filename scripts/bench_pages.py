"""Benchmark the entity pages and the static site; write docs/bench-pages.md.

On the full graph: the page of Bandung and of the municipality with the most ties (``render_page``, every
look-up of an entity from a fresh :class:`citykg.pages.view.View`; only what depends on the build alone,
the vocabulary's labels, the sources' quotes and the sector statements, stays in the per-store cache of
:mod:`citykg.pages.cache`, as in a query worker after its first page) against the ``partners`` catalogue
query for the same city through ``KnowledgeGraph.run`` (every row read); the goal of issue 14 is at most
3x. Also the same page and query served by ``citykg serve`` (one query worker, loopback HTTP), the first page
of a newly opened graph (which fills that cache), and the entity's RDF description (``describe``, Turtle).
Then ``citykg site`` (``write_site``) on the curated graph, and on the full store.

Usage: .venv/bin/python scripts/bench_pages.py --full-store PATH [--seed-store PATH] [--out docs/bench-pages.md]
[--repeat 31] [--served-repeat 101]
(build them first: ``citykg --store PATH build`` and ``citykg --store PATH build --seeds-only``).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from pyoxigraph import NamedNode

from citykg import KnowledgeGraph
from citykg.pages import cache, city, describe, facts, render_page
from citykg.pages.site import write_site
from citykg.pages.view import View

ROOT = Path(__file__).resolve().parents[1]
BANDUNG = "https://w3id.org/citykg/id/municipality/id-bandung"
MOST_TIES = """SELECT ?city (COUNT(DISTINCT ?tie) AS ?n) WHERE {
  ?tie a ckg:Partnership ; ckg:partner ?city . ?city a ckg:Municipality }
GROUP BY ?city ORDER BY DESC(?n) ?city LIMIT 1"""


READING = [
    'The store is the one `citykg build` leaves (bulk-loaded, not compacted), opened read-only as the server '
    "opens it. What is measured first: `render_page`, the function `citykg serve`'s query worker calls for an "
    '`/id/…` page in HTML (`server/linked.py`), in this process, against the `partners` query through '
    '`KnowledgeGraph.run`: the ratio of the work itself. The issue asks for a page *served* within 3x, so the '
    'table "Served by `citykg serve`" measures the same two through the server, each with its HTTP hop and '
    'worker pipe.',
    "",
    'The `partners` query answers one table (partner, country code, type, status). The page answers that '
    'table with labels, the start and how many sources back each tie, plus agreements (in force today or '
    'not), events, officials, sectors, every quote of every source about the city, its ties, agreements, '
    "events and posts, the map, and the city's own statements with their graphs. It reads them with six "
    "queries and a few index look-ups: the city's statements in the named graphs (`View.named`), then, from "
    'the city, `src/citykg/pages/sparql/city-ties`, `city-tie-graphs`, `city-records` (agreements, posts and '
    'who holds them) and `city-events`; the sources of the events, agreements and posts that the city and its '
    'ties did not already give, by one `quads_for_pattern(node, None, None, graph)` per source graph left and '
    'node, which stops at the first statement (`city.other_sources`; past 8 sources left, the `graphs-of` '
    "query instead); and the catalogue's own `agreements-in-force` for its agreements. The build cache "
    '(`src/citykg/pages/cache.py`) keeps what does not grow with the cities: the labels of countries, '
    "provinces, types, statuses, classes and sectors, each source's label and quotes, the sector statements, "
    "the countries' codes, the list of source graphs. The tables, the timeline, the quotes and the names are "
    'written by `src/citykg/pages/rows.py`, each value escaped once as a string, rather than by Jinja macros '
    'with a `Markup` object per value (the template, facts given: 1.1 -> 0.5 ms for Bandung).',
    "",
    'Checked the same: every page of the seed graph (122 entities, on two days), the HTML pages of the static '
    'site of the seed and of the full store (309 pages), and on the full store Bandung, Saint Petersburg, '
    'Surabaya, Jakarta, their ties and agreements (138 pages on two days) and 300 municipalities drawn at '
    'random are the same, byte for byte, as before this round; the map, against the previous `geo.py`, for '
    '6,850 windows.',
    "",
    'Why Bandung stays above 3x in process (tables above). Parsing and planning: each page query with an '
    'empty `VALUES` block costs 0.03-0.14 ms (the `partners` query itself 0.10-0.15 ms), about 15% of the '
    'queries; with `COUNT(*)` in place of the projection (evaluated, nothing decoded) each still costs 80-95% '
    "of itself: the time is Oxigraph's index look-ups and joins, about 5 µs a step, not parsing nor decoding. "
    '`Store.quads_for_pattern` costs about 2.6 µs a call and 1 µs a decoded term, four a quad: the city\'s '
    'statements over every graph 0.28-0.36 ms (67 quads) against 0.17-0.25 ms for `GRAPH ?g { … }` (34 rows '
    "of 3 terms); Bandung's ties read one call per tie and predicate about 0.8 ms against 0.46 ms for "
    '`city-ties`; look-ups pay off only where they stop early, as in asking whether a source graph states '
    'anything about a node (0.16 ms against 0.52 ms for `graphs-of`). One `VALUES (?kind ?p)` table in place '
    'of an `OPTIONAL` per column: `city-records` 0.29 against 0.48 ms (kept); the events, whose types must '
    'come from the named graphs, 0.46-0.54 against 0.44-0.45 ms, the ties\' type, status and start 0.22 '
    'against 0.20 ms, and all of ties, '
    'records and events in one such query 1.52 against 1.44 ms for the three (Saint Petersburg 5.3 against '
    '3.6 ms): not kept. Oxigraph 0.5 evaluates a `UNION` or sub-select joined to a pattern on its own, not '
    'from the outer bindings, so folding the ties and their graphs, or what hangs off each tie, into one query '
    'read the whole graph (0.6-2.5 s). What is left for Bandung: its six queries with every row read and '
    'nothing done with the rows, and the look-ups for the sources of its events, cost 2.4 ms of CPU against '
    "0.83 ms for the `partners` query (2.9x, measured in turn, load 0.6), before any Python or HTML: the "
    '`partners` query touches the 15 ties, the page also reads 13 events, an agreement, 3 posts and who holds '
    'them, and the graphs of the 15 ties. Within 3x in process would take keeping entity facts per process, '
    'which the rules of the cache exclude (a first page must cost what the median does). Counting less would '
    "not do: taking as a tie's sources only the graphs that state its `ckg:partner` triple (one range of the "
    'index) saves 0.15 ms and would miss a source that gives only, say, its status.',
    "",
    "Measured in earlier rounds: reading the city's statements with `GRAPH ?g { ?city ?p ?o }` decodes only "
    'the predicate, object and graph of the named graphs; the events\' stated types compared as terms instead '
    'of `STRSTARTS(STR(?type), …)` over every inferred type (0.24 against 0.36 ms); the map skipping the '
    'antimeridian rings whose latitudes miss the window (and, this round, every country whose box misses '
    'it: 0.07 -> 0.02 ms for Bandung); the country, type and status label joins '
    'in the ties query cost 40% of it (now the build cache); filtering the graphs on their IRI inside the '
    'query decodes each graph for every statement (2x slower than filtering the rows in Python); a `VALUES` '
    'block of a hundred ties joined to `GRAPH ?g { ?tie ?p ?o }` took 3x the same pattern started from the '
    'city; a `VALUES` block of many nodes joined to a pattern is a hash join in Oxigraph 0.5 (168 labels: 17 '
    "ms, against 5 ms one look-up each); a sub-select is evaluated before the outer `VALUES` reaches it (the "
    "city's block must open the inner query, or the sub-select reads every tie of the graph). Compacting the "
    'store (`Store.optimize()` after the build) halved every look-up (`partners` 1.14 -> 0.65 ms), for the '
    'page and its yardstick alike.',
]


def timed(*functions, repeat: int) -> list[tuple[float, float]]:
    """Median wall time and median CPU time of each function in milliseconds, after one warm-up call each.
    The functions run in turn within each round, so a change of load on the shared machine hits all of them
    alike; the CPU time (the process's, which includes the query's own work in Rust) leaves out the time
    spent waiting for a core, which on 2 cores shared by many jobs is most of the noise."""
    samples: list[list[tuple[float, float]]] = [[] for _ in functions]
    for function in functions:
        function()
    for _ in range(repeat):
        for function, times in zip(functions, samples, strict=True):
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            times.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return [(statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)) for times in samples]


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def city_rows(kg: KnowledgeGraph, iri: str, repeat: int) -> list[str]:
    name = View(kg).label(NamedNode(iri))
    ties = len(list(kg.run("partners", {"city": iri})))
    (page, page_cpu), (query, query_cpu), (rdf, _) = timed(
        lambda: render_page(kg, iri, "http://127.0.0.1:8000/"), lambda: list(kg.run("partners", {"city": iri})),
        lambda: describe(kg, iri, "ttl"), repeat=repeat)
    size = len(render_page(kg, iri, "http://127.0.0.1:8000/") or "")
    first = first_page(kg, iri)
    return [f"| {name} | {ties} | {page:.1f} | {query:.1f} | **{page / query:.2f}x** | {page_cpu:.1f} | "
            f"{query_cpu:.1f} | {page_cpu / query_cpu:.2f}x | {first:.1f} | {rdf:.1f} | {size / 1024:.0f} KB |"]


def first_page(kg: KnowledgeGraph, iri: str) -> float:
    """Milliseconds of a page whose build cache is empty (as a query worker's first), the store open."""
    cache.forget(kg)
    started = time.perf_counter()
    render_page(kg, iri, "http://127.0.0.1:8000/")
    return (time.perf_counter() - started) * 1000


def breakdown(kg: KnowledgeGraph, iri: str, repeat: int) -> list[str]:
    """CPU milliseconds of each part of the page, each from a fresh View, in turn with the partners query:
    the page's SPARQL queries one by one (every row read, as the page reads them), the look-ups for the
    sources of its events, agreements and posts, the facts (the queries and the Python that assembles their
    rows) and the whole page; the rest is Jinja, the map and escaping."""
    node, today = NamedNode(iri), datetime.date.today()
    view = View(kg)
    view.named(node)
    agreements, positions = city.records(view, node)
    dates = {a: [*f.get("signed", ()), *f.get("from", ())] for a, f in agreements.items()}
    found = [*agreements, *positions, *city.events(view, node)[0]]
    known = set(view.sources(node)) | {g for graphs in city.tie_sources(view, node).values() for g in graphs}

    def all_facts() -> None:
        fresh = View(kg)
        fresh.named(node)
        facts.municipality(fresh, node, today)

    parts = {"`partners` query": lambda: list(kg.run("partners", {"city": iri})),
             "the city's own statements with their graphs (`View.named`)": lambda: View(kg).named(node),
             "ties: `city-ties`": lambda: city.ties(View(kg), node),
             "the graphs of each tie: `city-tie-graphs`": lambda: city.tie_sources(View(kg), node),
             "agreements and posts: `city-records`": lambda: city.records(View(kg), node),
             "events: `city-events`": lambda: city.events(View(kg), node),
             "sources of its events, agreements, posts: `other_sources` (index look-ups)":
                 lambda: city.other_sources(View(kg), found, known),
             "in force today: the `agreements-in-force` catalogue query":
                 lambda: facts.in_force(View(kg), dates, today),
             "all facts (the above and the Python assembling their rows)": all_facts,
             "the page": lambda: render_page(kg, iri, "http://127.0.0.1:8000/")}
    cpu = dict(zip(parts, (ms for _, ms in timed(*parts.values(), repeat=repeat)), strict=True))
    yardstick = cpu["`partners` query"]
    rows = [f"| {name} | {ms:.2f} | {ms / yardstick:.2f}x |" for name, ms in cpu.items()]
    queries = sum(ms for name, ms in cpu.items() if name not in ("`partners` query", "the page")
                  and not name.startswith("all facts"))
    everything = cpu["all facts (the above and the Python assembling their rows)"]
    rest = cpu["the page"] - everything
    return rows + [f"| sum of the parts above (each with the Python reading its rows) | {queries:.2f} | "
                   f"{queries / yardstick:.2f}x |",
                   f"| the rest of the facts (facts - parts) | {everything - queries:.2f} | "
                   f"{(everything - queries) / yardstick:.2f}x |",
                   f"| Jinja, map and escaping (page - facts) | {rest:.2f} | {rest / yardstick:.2f}x |"]


def served_rows(store: Path, cities: list[tuple[str, str]], repeat: int) -> list[str]:
    """Wall milliseconds through ``citykg serve`` (one query worker, so that its build cache is the one
    warmed; loopback; one kept-alive connection): ``GET /id/…`` as a browser asks for it against
    ``GET /queries/partners?city=IRI`` (JSON results), in turn, after a warm-up of each."""
    program = Path(sys.executable).with_name("citykg")
    server = subprocess.Popen([str(program), "--store", str(store), "serve", "--port", "0", "--workers", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", server.stdout.readline())
        if match is None:
            raise SystemExit("citykg serve did not print its address")
        connection = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=60)

        def get(path: str, accept: str) -> None:
            connection.request("GET", path, headers={"Accept": accept})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"GET {path} answered {response.status}")

        rows = []
        for name, iri in cities:
            page_path = "/" + iri.removeprefix("https://w3id.org/citykg/")
            query_path = "/queries/partners?" + urlencode({"city": iri})
            samples: dict[str, list[float]] = {"page": [], "partners": []}
            for _ in range(3):
                get(page_path, "text/html")
                get(query_path, "application/sparql-results+json")
            for _ in range(repeat):
                for key, path, accept in (("page", page_path, "text/html"),
                                          ("partners", query_path, "application/sparql-results+json")):
                    started = time.perf_counter()
                    get(path, accept)
                    samples[key].append((time.perf_counter() - started) * 1000)
            page, partners = (statistics.median(samples[key]) for key in ("page", "partners"))
            rows.append(f"| {name} | {page:.1f} | {partners:.1f} | **{page / partners:.2f}x** |")
        connection.close()
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)


def site_row(name: str, store: Path) -> str:
    kg = KnowledgeGraph(store=store)
    kg.stats()  # open the store first: the figure is the site, not RocksDB's start
    with tempfile.TemporaryDirectory() as folder:
        report = write_site(kg, folder)
    return f"| {name} | {report.pages} | {report.files} | {report.seconds:.2f} s |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-store", type=Path, required=True)
    parser.add_argument("--seed-store", type=Path)
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--served-repeat", type=int, default=101, help="requests of each through citykg serve")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-pages.md")
    args = parser.parse_args()
    kg = KnowledgeGraph(store=args.full_store)
    triples = kg.stats()["triples"]
    busiest = next(iter(kg.query(MOST_TIES)))["city"].value
    lines = ["# Benchmark: entity pages and the static site", "",
             f"`scripts/bench_pages.py`, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
             f"{os.cpu_count()} cores shared with other jobs; load average before: {load()}.", "",
             f"## A municipality's page on the full graph ({triples:,} triples)", "",
             f"Median of {args.repeat} runs, milliseconds, page and query in turn. *page*: `render_page` (HTML, "
             "map included), the build cache warm; *partners*: the catalogue query for the same city through "
             "`KnowledgeGraph.run`, every row read; *ratio*: of the wall times (the goal of issue 14: page ≤ 3x "
             "partners); *CPU*: the same in process CPU time, without the waits for a core; *first page*: "
             "one page with the build cache empty; *RDF*: `describe(..., 'ttl')` with provenance.", "",
             "| city | partners rows | page ms | partners ms | ratio | page CPU ms | partners CPU ms | CPU ratio "
             "| first page ms | RDF ms | page size |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += city_rows(kg, BANDUNG, args.repeat)
    lines += city_rows(kg, busiest, args.repeat)
    cities = [(View(kg).label(NamedNode(iri)), iri) for iri in (BANDUNG, busiest)]
    lines += ["", "### Served by `citykg serve`", "",
              f"Median wall milliseconds of {args.served_repeat} requests each, in turn, on one kept-alive loopback "
              "connection to `citykg serve --workers 1` on the same store (its build cache warmed by three "
              "requests of each first): *page*: `GET /id/municipality/…` with `Accept: text/html`; *partners*: "
              "`GET /queries/partners?city=IRI`, JSON results. Both pay the HTTP hop and the worker pipe, which "
              "the in-process ratio above leaves out.", "",
              "| city | page ms | partners ms | ratio |", "|---|---|---|---|",
              *served_rows(args.full_store, cities, args.served_repeat)]
    for name, iri in (("Bandung", BANDUNG), ("the city with the most ties", busiest)):
        lines += ["", f"### Where the time goes: {name}", "",
                  "Process CPU milliseconds, median, each part from a fresh View, in turn with the query.", "",
                  "| part | CPU ms | of partners |", "|---|---|---|", *breakdown(kg, iri, args.repeat)]
    lines += ["", f"Load average after the pages: {load()}.", "",
              "## `citykg site` (write_site)", "", "| store | pages | files | time |", "|---|---|---|---|"]
    if args.seed_store:
        lines.append(site_row("curated (seed) graph", args.seed_store))
    lines.append(site_row("full graph (curated entities, partners from every source)", args.full_store))
    lines += ["", f"Load average at the end: {load()}.", "",
              "## Reading the ratio", "", *READING, ""]
    args.out.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
