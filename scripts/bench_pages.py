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
from citykg.vocab import CKG

ROOT = Path(__file__).resolve().parents[1]
BANDUNG = "https://w3id.org/citykg/id/municipality/id-bandung"
MOST_TIES = """SELECT ?city (COUNT(DISTINCT ?tie) AS ?n) WHERE {
  ?tie a ckg:Partnership ; ckg:partner ?city . ?city a ckg:Municipality }
GROUP BY ?city ORDER BY DESC(?n) ?city LIMIT 1"""


READING = [
    "The `partners` query answers one table (partner, country code, type, status). The page answers that "
    "table with labels and source counts, plus agreements, events, officials, sectors, every quote of every "
    "source about the city, the map and the city's own statements with their graphs. It reads them with "
    "three queries from the city (`src/citykg/pages/sparql/`: ties; the graphs stating each tie, with its "
    "agreements; events) and a few dozen index look-ups, and keeps for the build what does not grow with "
    "the cities: the labels of countries, types, statuses, classes and sectors, the quotes of each source, "
    "the sector statements (`src/citykg/pages/cache.py`).",
    "",
    "Where the time goes (tables above): for the city with the most ties, the ties query costs what the "
    "`partners` query costs (the same look-ups, one row per partner), the graphs stating each tie (about 8 "
    "statements per tie in every named graph) two thirds of that, and the rest is small: the page is within "
    "3x. For Bandung (15 ties, 13 events, 3 officials, 6 sources, 63 quotes) the ties and their graphs cost "
    "about 1.4x the `partners` query, the events 0.8x, the sources of events and positions 0.6x, the city's "
    "own statements 0.4x, and the map and Jinja about 1.7x for a 62 KB page. An on-disk index look-up costs "
    "5-10 µs, and the page needs about four times the look-ups of the `partners` query before it writes any "
    "HTML; within 3x of a query of about 1.5 ms would leave 4-5 ms for all of it, which only keeping entity "
    "facts (not just the vocabulary) in memory, or caching whole pages, would reach. Neither is done: a page must show "
    "the store as it is, and the cache holds only what is the same on every page.",
    "",
    "Measured on the way: the country, type and status label joins in the ties query cost 40% of it (now "
    "the build cache); filtering the graphs on their IRI inside the query decodes each graph for every "
    "statement (2x slower than filtering the rows in Python); a `VALUES` block of a hundred ties joined to "
    "`GRAPH ?g { ?tie ?p ?o }` took 3x the same pattern started from the city; a Jinja macro call per "
    "link list and a template loop per table cell cost 3x a Python function writing the same escaped "
    "markup; Jinja's `Markup.format` for each link cost 8 ms of a Bandung page (an f-string of escaped "
    "parts instead); a `VALUES` block of many nodes joined to a pattern is a hash join in Oxigraph 0.5 "
    "(168 labels: 17 ms, against 5 ms one look-up each).",
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
    """CPU milliseconds of each part of the page, each from a fresh View, in turn with the partners query."""
    node, today = NamedNode(iri), datetime.date.today()
    view = View(kg)
    view.named(node)
    others = [*city.events(view, node)[0], *view.incoming(node, CKG + "postIn")]

    def all_facts() -> None:
        fresh = View(kg)
        fresh.named(node)
        facts.municipality(fresh, node, today)

    parts = {"`partners` query": lambda: list(kg.run("partners", {"city": iri})),
             "the city's own statements (statements table, names, place)": lambda: View(kg).named(node),
             "ties: query `city-ties` and rows": lambda: city.ties(View(kg), node),
             "graphs and agreements of each tie: `city-tie-graphs`": lambda: city.tie_sources(View(kg), node),
             "events: `city-events`": lambda: city.events(View(kg), node),
             "sources of the events and positions": lambda: View(kg).prefetch_sources(others),
             "all facts (the above, agreements, officials, labels)": all_facts,
             "the page": lambda: render_page(kg, iri, "http://127.0.0.1:8000/")}
    found = dict(zip(parts, (cpu for _, cpu in timed(*parts.values(), repeat=repeat)), strict=True))
    rows = [f"| {name} | {ms:.2f} | {ms / found['`partners` query']:.2f}x |" for name, ms in found.items()]
    rest = found["the page"] - found["all facts (the above, agreements, officials, labels)"]
    return rows + [f"| map, Jinja and the rest (page - facts) | {rest:.2f} | {rest / found['`partners` query']:.2f}x |"]


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
