"""``citykg serve`` as clients see it: a real server process on a free loopback port, queried with
SPARQLWrapper, rdflib's SPARQLStore, urllib, http.client and curl; answers must equal the embedded store's.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import pytest

from citykg.query.catalogue import bind, with_values

from .conftest import stop

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PARTNERS_OF_BANDUNG = ("SELECT ?partner WHERE { ?p a ckg:Partnership ; ckg:partner municipality:id-bandung , ?partner "
                       "FILTER (?partner != municipality:id-bandung) } ORDER BY ?partner")
BANDUNG_PARTNERS = ["https://w3id.org/citykg/id/country/jp", "https://w3id.org/citykg/id/municipality/jp-hamamatsu",
                    "https://w3id.org/citykg/id/municipality/jp-kawasaki",
                    "https://w3id.org/citykg/id/municipality/jp-toyota",
                    "https://w3id.org/citykg/id/municipality/kr-daegu",
                    "https://w3id.org/citykg/id/municipality/my-petaling-jaya"]


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT/
    process: subprocess.Popen

    @property
    def sparql(self) -> str:
        return self.url + "sparql"


@contextlib.contextmanager
def start_server(project: Path, *options: str) -> Iterator[Server]:
    """``citykg serve --port 0`` in a child process; yields once it has printed its URL."""
    env = {**os.environ, "CITYKG_PROJECT": str(project), "NO_COLOR": "1"}
    env.pop("CITYKG_STORE", None)
    process = subprocess.Popen([sys.executable, "-m", "citykg", "serve", "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("citykg endpoint at http://127.0.0.1:"), line
        yield Server(line.split()[3], process)
    finally:
        stop(process, 10)


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None):
    """(status, headers, body) of one plain urllib request; error statuses are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(server: Server, query: str, accept: str = "application/sparql-results+json", **extra: str):
    return http("GET", server.sparql + "?" + urllib.parse.urlencode({"query": query, **extra}),
                headers={"Accept": accept})


def error_of(body: bytes) -> tuple[int, str, str]:
    data = json.loads(body)
    return data["status"], data["error"], data["message"]


def json_cell(term) -> tuple:
    """A pyoxigraph term as the (type, value, lang, datatype) a SPARQL JSON binding gives."""
    from pyoxigraph import NamedNode

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return ("uri", term.value, None, None)
    datatype = None if term.language or term.datatype.value.endswith("#string") else term.datatype.value
    return ("literal", term.value, term.language, datatype)


def binding_cell(binding: dict | None) -> tuple:
    if binding is None:
        return None
    return (binding["type"].replace("typed-literal", "literal"), binding["value"], binding.get("xml:lang"),
            binding.get("datatype"))


def embedded_rows(kg, sparql: str) -> list[list[tuple]]:
    result = kg.query(sparql)
    names = [v.value for v in result.variables]
    return [[json_cell(row[n]) for n in names] for row in result]


def bound_catalogue(kg) -> dict[str, str]:
    """Each catalogue query's text with its default values bound in VALUES (what a remote client sends)."""
    texts = {}
    for name, query in kg.catalogue().items():
        params = {"date": "2020-06-01"} if any(p.name == "date" for p in query.parameters) else {}
        texts[name] = with_values(query.sparql, bind(query, params, kg.resolve))
    return texts


@pytest.fixture(scope="module")
def server(built_project) -> Iterator[Server]:
    with start_server(built_project) as running:
        yield running


# ---------------------------------------------------------------- standard clients

def test_sparqlwrapper_gets_the_embedded_answers_for_the_whole_catalogue(server, kg):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    for name, text in bound_catalogue(kg).items():
        client = SPARQLWrapper(server.sparql)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setQuery(text)
        data = client.queryAndConvert()
        names = data["head"]["vars"]
        got = [[binding_cell(row.get(n)) for n in names] for row in data["results"]["bindings"]]
        expected = embedded_rows(kg, text)
        if name.startswith("network-"):  # GROUP_CONCAT(DISTINCT …) there has no fixed order: compare words
            got, expected = (
                [[cell and (cell[0], tuple(sorted(cell[1].split())), *cell[2:]) for cell in row] for row in rows]
                for rows in (got, expected))
        assert got == expected, name


def test_rdflib_sparqlstore_select_ask_and_construct(server, kg):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server.sparql))
    prologue = "PREFIX ckg: <https://w3id.org/citykg/ontology#>\nPREFIX municipality: <https://w3id.org/citykg/id/municipality/>\n"
    rows = [str(row[0]) for row in graph.query(prologue + PARTNERS_OF_BANDUNG)]
    assert rows == BANDUNG_PARTNERS == [str(cell[1]) for [cell] in embedded_rows(kg, PARTNERS_OF_BANDUNG)]
    assert graph.query(prologue + "ASK { municipality:id-bandung a ckg:City }").askAnswer is True
    constructed = graph.query(prologue + "CONSTRUCT { ?p ckg:partner ?x } WHERE { ?p ckg:partner ?x }").graph
    assert len(constructed) == 16  # 8 partnerships, two partners each
    assert (URIRef("https://w3id.org/citykg/id/partnership/id-bandung--kr-daegu"),
            URIRef("https://w3id.org/citykg/ontology#partner"),
            URIRef("https://w3id.org/citykg/id/municipality/kr-daegu")) in constructed


def test_plain_http_get_and_both_post_forms_agree(server, kg):
    expected = [[cell] for cell in BANDUNG_PARTNERS]
    answers = [
        get(server, PARTNERS_OF_BANDUNG),
        http("POST", server.sparql, PARTNERS_OF_BANDUNG.encode(), {"Content-Type": "application/sparql-query",
                                                                    "Accept": "application/sparql-results+json"}),
        http("POST", server.sparql, urllib.parse.urlencode({"query": PARTNERS_OF_BANDUNG}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}),
    ]
    for status, headers, body in answers:
        assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
        data = json.loads(body)
        assert [[row["partner"]["value"]] for row in data["results"]["bindings"]] == expected
    assert len(embedded_rows(kg, PARTNERS_OF_BANDUNG)) == 6


@pytest.mark.parametrize(("accept", "content_type", "first_line"), [
    ("text/csv", "text/csv; charset=utf-8", "partner"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", "?partner"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "<?xml version=\"1.0\"?>"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml",
     "<?xml version=\"1.0\"?>"),
    ("*/*", "application/sparql-results+json", '{"head":{"vars":["partner"]},"results":{"bindings":['),
])
def test_content_negotiation_for_solutions(server, accept, content_type, first_line):
    status, headers, body = get(server, PARTNERS_OF_BANDUNG, accept)
    assert status == 200 and headers["Content-Type"] == content_type
    text = body.decode()
    assert text.splitlines()[0].startswith(first_line)
    assert "my-petaling-jaya" in text


@pytest.mark.parametrize(("accept", "content_type", "marker"), [
    ("text/turtle", "text/turtle; charset=utf-8", "<https://w3id.org/citykg/ontology#partner>"),
    ("application/n-triples", "application/n-triples",
     "<https://w3id.org/citykg/id/partnership/id-bandung--kr-daegu> <https://w3id.org/citykg/ontology#partner> "
     "<https://w3id.org/citykg/id/municipality/kr-daegu> ."),
    ("application/ld+json", "application/ld+json", '"@id"'),
    ("application/rdf+xml", "application/rdf+xml", "rdf:RDF"),
])
def test_content_negotiation_for_graphs(server, accept, content_type, marker):
    status, headers, body = get(server, "CONSTRUCT WHERE { ?p ckg:partner municipality:kr-daegu }", accept)
    assert status == 200 and headers["Content-Type"] == content_type
    assert marker in body.decode()


def test_format_parameter_and_not_acceptable(server):
    status, headers, body = get(server, PARTNERS_OF_BANDUNG, "application/json", format="csv")
    assert status == 200 and body.decode().splitlines()[0] == "partner"
    status, _, body = get(server, PARTNERS_OF_BANDUNG, "text/turtle")
    assert status == 406
    assert error_of(body)[:2] == (406, "not-acceptable")


def test_curl_gets_csv(server):
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    done = subprocess.run([curl, "-s", "-H", "Accept: text/csv", "--data-urlencode", "query=" + PARTNERS_OF_BANDUNG,
                           server.sparql], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["partner", *BANDUNG_PARTNERS]


def test_service_description(server):
    from rdflib import Graph, Namespace, URIRef

    status, headers, body = http("GET", server.sparql, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    graph = Graph().parse(data=body, format="turtle")
    service = URIRef(server.sparql)
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph


def test_default_graph_is_the_deduplicated_union_and_named_graphs_are_there(server, kg):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    _, _, body = get(server, query)
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(kg.stats()["triples"])
    source = "https://w3id.org/citykg/id/source/prolite-2023-02-01-bandung-petaling-jaya"
    _, _, body = get(server, "SELECT ?s WHERE { ?s a ckg:Agreement }", **{"default-graph-uri": source})
    assert [row["s"]["value"] for row in json.loads(body)["results"]["bindings"]] == [
        "https://w3id.org/citykg/id/agreement/id-bandung--my-petaling-jaya--mou-2015"]


# ---------------------------------------------------------------- the catalogue over HTTP

def test_catalogue_listing_and_a_catalogue_query(server, kg):
    status, _, body = http("GET", server.url + "queries")
    listing = {entry["name"]: entry for entry in json.loads(body)}
    assert status == 200 and sorted(listing) == sorted(kg.catalogue())
    assert listing["partners"]["parameters"] == [{"name": "city", "kind": "municipality", "default": "Bandung",
                                                  "description": listing["partners"]["parameters"][0]["description"]}]
    status, headers, body = http("GET", server.url + "queries/partners?city=Kota%20Bandung&format=csv")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = body.decode().splitlines()
    assert lines[0] == "city,partner,partnerLabel,country,type,status,partnership"
    assert [line.split(",")[1] for line in lines[1:]] == [
        BANDUNG_PARTNERS[i] for i in (1, 0, 2, 3, 4, 5)]  # ordered by country code, then label


def test_catalogue_query_errors(server):
    status, _, body = http("GET", server.url + "queries/partners?city=Atlantis")
    assert (status, error_of(body)) == (400, (400, "bad-query", "No municipality is called 'Atlantis'."))
    status, _, body = http("GET", server.url + "queries/partnrs")
    assert status == 404 and error_of(body)[2] == "There is no catalogue query 'partnrs'; GET /queries lists them."
    hostile = urllib.parse.quote('Bandung" } ; DROP ALL ; #')
    status, _, body = http("GET", server.url + "queries/partners?city=" + hostile)
    assert status == 400 and error_of(body)[2].startswith("No municipality is called 'Bandung\" }")


def test_bound_query_text_for_the_editor(server):
    status, headers, body = http("GET", server.url + "queries/partners.rq?city=Daegu")
    assert status == 200 and headers["Content-Type"] == "application/sparql-query; charset=utf-8"
    text = body.decode()
    assert "VALUES (?city) { (<https://w3id.org/citykg/id/municipality/kr-daegu>) }" in text
    assert text.startswith("PREFIX ckg: <https://w3id.org/citykg/ontology#>\n")
    status, _, body = get(server, text)
    assert [row["partner"]["value"] for row in json.loads(body)["results"]["bindings"]] == [
        "https://w3id.org/citykg/id/municipality/id-bandung"]


# ---------------------------------------------------------------- refusals and limits

@pytest.mark.parametrize(("method", "body", "headers", "expected"), [
    ("POST", b"update=DROP+ALL", {"Content-Type": "application/x-www-form-urlencoded"},
     (403, "update-refused", "SPARQL Update is refused: this endpoint is read-only.")),
    ("POST", b"INSERT DATA { <http://e/a> <http://e/b> 1 }", {"Content-Type": "application/sparql-update"},
     (403, "update-refused", "SPARQL Update is refused: this endpoint is read-only.")),
    ("POST", b"query=LOAD+%3Chttp%3A%2F%2Fexample.org%2Fdata.ttl%3E",
     {"Content-Type": "application/x-www-form-urlencoded"},
     (403, "update-refused", "SPARQL Update (LOAD) is refused: this endpoint is read-only.")),
    ("POST", b"PREFIX e: <http://e/>\ndelete where { ?s ?p ?o }", {"Content-Type": "application/sparql-query"},
     (403, "update-refused", "SPARQL Update (DELETE) is refused: this endpoint is read-only.")),
    ("POST", b"SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
     {"Content-Type": "application/sparql-query"},
     (403, "service-refused", "SERVICE (federated query) is refused: this endpoint makes no outbound requests.")),
    ("POST", b"SELECT * WHERE { ?s ?p ?o", {"Content-Type": "application/sparql-query"},
     (400, "bad-query", None)),
    ("POST", b"<x/>", {"Content-Type": "text/xml"},
     (415, "unsupported-media-type", "POST a query as application/sparql-query or as "
                                     "application/x-www-form-urlencoded, not text/xml.")),
    ("PUT", b"<http://e/a> <http://e/b> <http://e/c> .", {"Content-Type": "application/n-triples"},
     (405, "method-not-allowed", "This endpoint is read-only: use GET or POST.")),
])
def test_updates_service_and_malformed_requests_are_refused_with_json(server, kg, method, body, headers, expected):
    status, response_headers, answer = http(method, server.sparql, body, headers)
    assert status == expected[0] and response_headers["Content-Type"] == "application/json"
    got = error_of(answer)
    assert got[:2] == expected[:2]
    if expected[2] is not None:
        assert got[2] == expected[2]
    else:
        assert got[2].startswith("SPARQL syntax error at line 1, column ")
    assert kg.stats()["triples"] == int(json.loads(get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[2])
                                        ["results"]["bindings"][0]["n"]["value"])


def test_service_inside_a_string_is_just_text(server):
    status, _, body = get(server, 'SELECT ?x WHERE { BIND ("SERVICE <http://e/>" AS ?x) }')
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == "SERVICE <http://e/>"


def test_oversized_requests_are_refused(server):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 300_000
    status, _, body = http("POST", server.sparql, big.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 413 and error_of(body)[:2] == (413, "too-large")
    assert error_of(body)[2].endswith("is larger than the limit of 262144 bytes.")
    status, _, body = http("GET", server.sparql + "?query=" + "x" * 270_000)
    assert status == 414 and error_of(body)[1] == "too-large"
    assert get(server, "ASK { ?s ?p ?o }")[0] == 200  # and the server goes on


def test_unknown_paths_and_static_traversal_are_404(server):
    for path in ("nothing", "static/../kg.py", "static/%2e%2e/kg.py", "static/missing.js"):
        status, headers, body = http("GET", server.url + path)
        assert status == 404 and headers["Content-Type"] == "application/json", path


# ---------------------------------------------------------------- time limit, row cap, concurrency

def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (FileNotFoundError, IndexError):
        return False


@pytest.fixture(scope="module")
def strict_server(built_project) -> Iterator[Server]:
    with start_server(built_project, "--timeout", "2", "--max-rows", "5", "--workers", "2") as running:
        yield running


def test_cross_product_times_out_and_its_worker_is_killed_while_others_answer(strict_server):
    before = {pid for pid in _children(strict_server.process.pid) if _alive(pid)}
    slow: dict[str, tuple] = {}
    thread = threading.Thread(target=lambda: slow.setdefault("answer", get(strict_server, CROSS_PRODUCT)))
    thread.start()
    time.sleep(0.5)
    status, _, body = get(strict_server, "ASK { municipality:id-bandung a ckg:City }")  # a second client
    assert status == 200 and json.loads(body)["boolean"] is True
    thread.join(timeout=30)
    status, headers, body = slow["answer"]
    assert (status, error_of(body)) == (503, (503, "timeout", "The query ran longer than the time limit of 2 s and "
                                                              "was stopped."))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        now = {pid for pid in _children(strict_server.process.pid) if _alive(pid)}
        if len(now - before) >= 1:
            break
        time.sleep(0.2)
    assert len(before - now) == 1  # the worker running the cross product is gone: the work really stopped
    assert len(now - before) == 1  # and a fresh one replaced it
    assert get(strict_server, "ASK { ?s ?p ?o }")[0] == 200


def test_row_cap_cuts_results_and_says_so(strict_server):
    status, headers, body = get(strict_server, "SELECT ?s WHERE { ?s a ckg:Sector } ORDER BY ?s")
    assert status == 200 and headers["CityKG-Truncated"] == "5"
    assert len(json.loads(body)["results"]["bindings"]) == 5
    status, headers, body = get(strict_server, "CONSTRUCT WHERE { ?s a ckg:Sector }", "application/n-triples")
    assert headers["CityKG-Truncated"] == "5" and len(body.decode().splitlines()) == 5
    status, headers, body = get(strict_server, "SELECT ?a WHERE { ?a a ckg:Agreement }")
    assert status == 200 and "CityKG-Truncated" not in headers
    assert len(json.loads(body)["results"]["bindings"]) == 2


@pytest.mark.slow
def test_16_clients_times_200_queries_end_with_no_errors(server):
    """Each client keeps one HTTP/1.1 connection (http.client), as SPARQL libraries do."""
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    queries = [("/sparql?" + urllib.parse.urlencode({"query": "ASK { municipality:id-bandung a ckg:City }"}),
                b'"boolean":true'),
               ("/queries/partners?city=Daegu&format=csv", b"municipality/id-bandung"),
               ("/sparql?" + urllib.parse.urlencode({"query": PARTNERS_OF_BANDUNG}), b"my-petaling-jaya")]
    errors: list[str] = []
    answered = [0] * 16

    def client(number: int) -> None:
        connection = HTTPConnection(host, int(port), timeout=60)
        for i in range(200):
            path, marker = queries[(number + i) % len(queries)]
            try:
                connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                response = connection.getresponse()
                body = response.read()
                if response.status != 200 or marker not in body.replace(b" ", b""):
                    errors.append(f"{response.status} {body[:200]!r}")
                else:
                    answered[number] += 1
            except OSError as error:
                errors.append(repr(error))
                connection.close()
                connection = HTTPConnection(host, int(port), timeout=60)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert sum(answered) == 3200


def test_serve_without_a_store_or_on_a_taken_port_is_one_sentence(tmp_path, built_project):
    from .conftest import copy_project, run_cli

    done = run_cli("serve", "--port", "0", project=copy_project(tmp_path))
    assert done.code == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Error: There is no store at ") and "run 'citykg build' first." in done.stderr
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--port", str(port), project=built_project)
    assert done.code == 2
    assert done.stderr.strip() == f"Error: Cannot listen on 127.0.0.1:{port}: Address already in use."
