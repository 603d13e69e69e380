"""Benchmark the entity pages and the static site; write docs/bench-pages.md.

On the full graph: the page of Bandung and of the municipality with the most ties (``render_page``, every
look-up of an entity from a fresh :class:`citykg.pages.view.View`; only what depends on the build alone,
the vocabulary's labels, the sources' quotes and the sector statements, stays in the per-store cache of
:mod:`citykg.pages.cache`, as in a query worker after its first page) against the ``partners`` catalogue
query for the same city through ``KnowledgeGraph.run`` (every row read); the goal of issue 14 is at most
3x. Also the first page of a newly opened graph (which fills that cache), and the entity's RDF description
(``describe``, Turtle). Then ``citykg site`` (``write_site``) on the curated graph, and on the full store.

Usage: .venv/bin/python scripts/bench_pages.py --full-store PATH [--seed-store PATH] [--out docs/bench-pages.md]
(build them first: ``citykg --store PATH build`` and ``citykg --store PATH build --seeds-only``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

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
    "opens it. What is measured: `render_page`, the function `citykg serve`'s query worker calls for an "
    '`/id/…` page in HTML (`server/linked.py`), in this process: the server adds its HTTP hop and worker pipe'
    ' to the page, which the `partners` query through `KnowledgeGraph.run` does not have, so the ratio is of '
    'the work itself.',
    "",
    'The `partners` query answers one table (partner, country code, type, status). The page answers that '
    'table with labels, the start and how many sources back each tie, plus agreements (in force today or '
    'not), events, officials, sectors, every quote of every source about the city, its ties, agreements, '
    "events and posts, the map, and the city's own statements with their graphs. It reads them with seven "
    "queries: the city's statements in the named graphs (`View.named`), then, from the city, "
    '`src/citykg/pages/sparql/city-ties`, `city-tie-graphs`, `city-records` (agreements and posts) and '
    '`city-events`; `graphs-of` (the distinct graphs stating something about the events, agreements and posts'
    " found); and the catalogue's own `agreements-in-force` for its agreements. The build cache "
    '(`src/citykg/pages/cache.py`) keeps what does not grow with the cities: the labels of countries, '
    "provinces, types, statuses, classes and sectors, each source's label and quotes, the sector statements, "
    "the countries' codes.",
    "",
    'Why Bandung stays above 3x (tables above): on this store an index look-up costs about 4 µs and decoding '
    'one IRI of a result (Oxigraph keeps IRIs by hash and reads their text back from disk) about 2.5 µs, so a'
    " query costs the terms it touches and returns, not its count: folding the page's queries into one "
    '`UNION` was slower than running them apart (3.8 ms against 3.6 ms, Bandung), since each starts from the '
    "city anyway and a union's branches share no look-ups; a `SELECT (COUNT(*) …)` over the pattern of Saint "
    "Petersburg's 101-row ties query took 2.2 ms against 3.2 ms with its rows decoded. Bandung's `partners` "
    'query touches 15 ties; its page touches the same 15 ties (labels, start, the graphs stating each), 13 '
    'events, an agreement, 4 posts and their graphs, so its queries alone cost about 3.6x the `partners` '
    'query before any HTML. Within 3x would take keeping entity facts in memory per build (the events, '
    'agreements and posts alone would not do: the ties and their graphs are 1.3x), which the build cache does'
    ' not do, since a page must not cost memory that grows with the cities. Compacting the store '
    '(`Store.optimize()` after the build) halved every look-up here (`partners` 1.14 -> 0.65 ms), for the '
    'page and its yardstick alike.',
    "",
    "Measured on the way: reading the city's statements with `GRAPH ?g { ?city ?p ?o }` decodes only the "
    'predicate, object and graph of the named graphs (0.23 ms against 0.37 ms for `quads_for_pattern` over '
    'every graph, which also reads the union default graph); `graphs-of` returns only the distinct graphs (5 '
    'rows, not one per entity and graph) of the nodes the page already found, 0.52 ms against 0.69 ms for '
    "finding them again from the city; the events' stated types compared as terms instead of "
    '`STRSTARTS(STR(?type), …)` over every inferred type (0.24 against 0.36 ms); the quotes of every source '
    'written by a Python function instead of a Jinja macro per quote; the map skipping the antimeridian rings'
    ' (Russia, Fiji) whose latitudes miss the window (the map 0.20 -> 0.03 ms; the template alone, facts '
    'given, 1.2 -> 1.0 ms). Earlier: the country, type and status label joins in the ties query cost 40% of '
    'it (now the build cache); filtering the graphs on their IRI inside the query decodes each graph for '
    'every statement (2x slower than filtering the rows in Python); a `VALUES` block of a hundred ties joined'
    ' to `GRAPH ?g { ?tie ?p ?o }` took 3x the same pattern started from the city; a `VALUES` block of many '
    'nodes joined to a pattern is a hash join in Oxigraph 0.5 (168 labels: 17 ms, against 5 ms one look-up '
    "each); a sub-select is evaluated before the outer `VALUES` reaches it (the city's block must open the "
    'inner query, or the sub-select reads every tie of the graph).',
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
    the page's SPARQL queries one by one (every row read, as the page reads them), the facts (the queries
    and the Python that assembles their rows) and the whole page; the rest is Jinja, the map and escaping."""
    node, today = NamedNode(iri), datetime.date.today()
    view = View(kg)
    view.named(node)
    agreements, positions = city.records(view, node)
    dates = {a: [*f.get("signed", ()), *f.get("from", ())] for a, f in agreements.items()}
    found = [*agreements, *positions, *city.events(view, node)[0]]

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
             "sources of its events, agreements, posts: `graphs-of`": lambda: city.other_sources(View(kg), found),
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
    return rows + [f"| sum of the queries above (each with the Python reading its rows) | {queries:.2f} | "
                   f"{queries / yardstick:.2f}x |",
                   f"| the rest of the facts (facts - queries) | {everything - queries:.2f} | "
                   f"{(everything - queries) / yardstick:.2f}x |",
                   f"| Jinja, map and escaping (page - facts) | {rest:.2f} | {rest / yardstick:.2f}x |"]


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
