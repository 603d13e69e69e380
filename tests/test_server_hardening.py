"""``citykg serve`` under attack and under change (issue 11): SERVICE in every spelling with a loopback listener
that must hear nothing, the worker sandbox, the memory cap, HTTP framing, a store that vanishes for a moment,
rebuilds, clients looping a pathological query, and SIGTERM / SIGKILL of the server."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

import pytest

from .conftest import copy_project
from .test_server import CROSS_PRODUCT, Server, error_of, get, http, start_server

ASK_BANDUNG = "ASK { municipality:id-bandung a ckg:City }"
MEMORY_HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


class Listener:
    """A TCP listener on loopback that records every connection made to it (and answers none)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while not self._stop:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            connection.settimeout(1)
            try:
                self.connections.append(connection.recv(4096))
            except OSError:
                self.connections.append(b"")
            connection.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join()
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


@pytest.fixture(scope="module")
def server(built_project) -> Iterator[Server]:
    with start_server(built_project) as running:
        yield running


def worker_pids(server_pid: int) -> set[int]:
    """The server's query workers (its spawned children, not multiprocessing's resource tracker)."""
    found = set()
    for task in Path(f"/proc/{server_pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.add(int(pid))
            except FileNotFoundError:
                pass
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (FileNotFoundError, IndexError):
        return False


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def count(server: Server) -> int:
    status, _, body = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- SERVICE: refused, and impossible anyway

SERVICE_SPELLINGS = [
    "SELECT * WHERE { ?s ?p ?o .SERVICE <{url}> { ?a ?b ?c } }",
    "select * where { service <{url}> { ?a ?b ?c } }",
    "SELECT * WHERE { SeRvIcE SILENT <{url}> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o #SERVICE in a comment first\nSERVICE#and right after it\n<{url}>{ ?a ?b ?c } }",
    "PREFIX remote: <{base}> SELECT * WHERE { SERVICE remote:sparql { ?a ?b ?c } }",
    "BASE <{base}> SELECT * WHERE { SERVICE <sparql> { ?a ?b ?c } }",
    "SELECT * WHERE { { { SERVICE <{url}> { ?a ?b ?c } } } }",
    "SELECT * WHERE { { SELECT ?a WHERE { SERVICE <{url}> { ?a ?b ?c } } } }",
    "SELECT * WHERE { BIND (<{url}> AS ?endpoint) SERVICE ?endpoint { ?a ?b ?c } }",
    "SELECT * WHERE { VALUES ?endpoint { <{url}> } SERVICE SILENT ?endpoint { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{url}> { ?s ?q ?r } } } LIMIT 1",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{url}> { ?a ?b ?c } } } LIMIT 1",
    "ASK { \\u0053ERVICE <{url}> { ?a ?b ?c } }",
    "CONSTRUCT { ?a ?b ?c } WHERE { SERVICE <{url}> { ?a ?b ?c } }",
    "DESCRIBE ?a WHERE { SERVICE <{url}> { ?a ?b ?c } }",
]


def test_every_spelling_of_service_is_refused_and_nothing_reaches_the_listener(server, listener):
    for template in SERVICE_SPELLINGS:
        query = template.replace("{url}", listener.url).replace("{base}", listener.url.removesuffix("sparql"))
        for status, _, body in (
                get(server, query),
                http("POST", server.sparql, query.encode(), {"Content-Type": "application/sparql-query"})):
            assert (status, error_of(body)[:2]) == (403, (403, "service-refused")), query
    time.sleep(1)
    assert listener.connections == []
    status, _, body = get(server, 'SELECT ?x WHERE { BIND ("a SERVICE <x> { }" AS ?x) } # service')
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == "a SERVICE <x> { }"


SANDBOXED_SERVICE = """
import sys
import pyoxigraph
if sys.argv[2] == "sandboxed":
    from citykg.server.sandbox import forbid_network
    forbid_network()
try:
    list(pyoxigraph.Store().query("SELECT * WHERE { SERVICE <" + sys.argv[1] + "> { ?s ?p ?o } }"))
except OSError as error:
    print(error)
"""


def test_a_sandboxed_worker_cannot_reach_the_network_even_if_service_slipped_through(listener, server):
    run = [sys.executable, "-c", SANDBOXED_SERVICE, listener.url]
    done = subprocess.run([*run, "sandboxed"], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "Permission denied (os error 13)"
    time.sleep(0.5)
    assert listener.connections == []
    subprocess.run([*run, "open"], capture_output=True, text=True, timeout=60)  # the same without the filter
    assert wait_for(lambda: len(listener.connections) == 1, 10)  # ... does reach it: the check can fail
    assert listener.connections[0].startswith(b"POST /sparql HTTP/1.1") and b"Oxigraph" in listener.connections[0]
    for pid in worker_pids(server.process.pid):  # and the server's own workers run under the filter
        assert "Seccomp:\t2" in Path(f"/proc/{pid}/status").read_text()


# ---------------------------------------------------------------- memory cap

def test_a_query_over_the_memory_limit_gets_503_and_its_worker_is_replaced(built_project):
    with start_server(built_project, "--max-memory", "300", "--workers", "1", "--timeout", "60") as running:
        before = worker_pids(running.process.pid)
        status, _, body = get(running, MEMORY_HOG)
        assert (status, error_of(body)) == (503, (503, "memory-limit", "The query needed more than the memory "
                                                  "limit of 300 MiB and was stopped."))
        assert wait_for(lambda: get(running, ASK_BANDUNG)[0] == 200)
        now = worker_pids(running.process.pid)
        assert len(now) == 1 and not now & before


# ---------------------------------------------------------------- HTTP framing

def raw(server: Server, data: bytes, wait: float = 3.0) -> bytes:
    """Everything the server sends back on one connection to ``data`` within ``wait`` seconds."""
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as connection:
        connection.sendall(data)
        received = b""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
    return received


def test_a_chunked_body_is_one_request_not_two(server):
    form = urllib.parse.urlencode({"query": ASK_BANDUNG}).encode()
    smuggled = b"GET /queries HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(form), form)
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n"
                         b"Connection: close\r\n\r\n" + body + smuggled, wait=5)
    assert answer.count(b"HTTP/1.1 ") == 1
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b'{"head":{},"boolean":true}')


def test_a_negative_content_length_is_a_400_in_json(server):
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\nquery")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"Content-Type: application/json" in head
    assert error_of(body)[:2] == (400, "bad-request")


def test_a_hostile_host_header_is_never_echoed(server):
    for host in (b'evil.example"><script>alert(1)</script>', b"evil.example:99999", b"[::1"):
        answer = raw(server, b"GET /sparql HTTP/1.1\r\nHost: " + host + b"\r\nAccept: text/turtle\r\n"
                             b"Connection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and b"evil" not in answer and b"[::1" not in answer
        assert f"<{server.sparql}>".encode() in answer


def test_percent_encoded_paths_are_decoded(server):
    status, _, body = http("GET", server.url + "sparq%6C?" + urllib.parse.urlencode({"query": ASK_BANDUNG}),
                           headers={"Accept": "application/json"})
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = http("GET", server.url + "querie%73/partner%73?city=Daegu&format=csv")
    assert status == 200 and "municipality/id-bandung" in body.decode()


def test_head_and_options(server):
    _, headers, body = http("GET", server.url)
    status, head_headers, head_body = http("HEAD", server.url)
    assert status == 200 and head_body == b"" and head_headers["Content-Length"] == str(len(body)) != "0"
    status, headers, _ = http("OPTIONS", server.sparql)
    assert status == 204 and headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, body = http("DELETE", server.sparql)
    assert status == 405 and headers["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_cors_when_asked_for(built_project):
    with start_server(built_project, "--cors", "--workers", "1") as running:
        status, headers, _ = get(running, ASK_BANDUNG)
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        status, headers, _ = http("OPTIONS", running.sparql, headers={
            "Origin": "http://example.org", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
        assert headers["Access-Control-Allow-Methods"] == "GET, HEAD, POST, OPTIONS"
        assert headers["Access-Control-Allow-Headers"] == "content-type"


# ---------------------------------------------------------------- SPARQL Protocol details

SOURCE = "https://w3id.org/citykg/id/source/prolite-2023-02-01-bandung-petaling-jaya"


def test_dataset_parameters_replace_the_dataset(server):
    in_graphs = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    in_default = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(query: str, **dataset: str) -> int:
        status, _, body = get(server, query, **dataset)
        assert status == 200, body
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    in_source = n(in_default, **{"default-graph-uri": SOURCE})
    assert 0 < in_source < n(in_default)
    assert n(in_graphs, **{"default-graph-uri": SOURCE}) == 0  # no named graph was given: none is visible
    assert n(in_default, **{"named-graph-uri": SOURCE}) == 0  # no default graph was given: it is empty
    assert n(in_graphs, **{"named-graph-uri": SOURCE}) == in_source


def test_relative_iris_resolve_against_the_endpoint(server):
    status, _, body = get(server, "SELECT ?x WHERE { BIND (<things/a> AS ?x) }")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == server.url + "things/a"


@pytest.mark.parametrize("fmt", ["XML", "RDFXML", "TURTLE", "N3", "JSONLD"])
def test_sparqlwrapper_construct_in_each_format(server, fmt):
    import SPARQLWrapper
    from rdflib import Graph, URIRef

    client = SPARQLWrapper.SPARQLWrapper(server.sparql)
    client.setReturnFormat(getattr(SPARQLWrapper, fmt))
    client.setQuery("PREFIX ckg: <https://w3id.org/citykg/ontology#>\n"
                    "CONSTRUCT { ?p ckg:partner ?x } WHERE { ?p ckg:partner ?x }")
    result = client.queryAndConvert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert len(graph) == 16
    assert (URIRef("https://w3id.org/citykg/id/partnership/id-bandung--kr-daegu"),
            URIRef("https://w3id.org/citykg/ontology#partner"),
            URIRef("https://w3id.org/citykg/id/municipality/kr-daegu")) in graph


# ---------------------------------------------------------------- the store changing under the server

@pytest.fixture
def own_project(tmp_path) -> Path:
    from citykg import KnowledgeGraph

    project = copy_project(tmp_path)
    KnowledgeGraph(project).build(seeds_only=True)
    return project


def test_a_worker_that_cannot_restart_is_retried_until_the_store_is_back(own_project):
    store = own_project / ".citykg" / "store"
    with start_server(own_project, "--timeout", "2", "--workers", "1") as running:
        build = store.resolve()
        aside = build.with_name("moved-away")
        build.rename(aside)  # the store is missing, as during 'make clean && make run'
        status, _, body = get(running, CROSS_PRODUCT)
        assert (status, error_of(body)[1]) == (503, "timeout")  # its worker is killed and cannot restart
        time.sleep(2)
        aside.rename(build)
        assert wait_for(lambda: get(running, ASK_BANDUNG)[0] == 200, 30)


def test_after_a_rebuild_every_worker_moves_to_the_new_build_and_none_holds_a_deleted_one(own_project):
    from pyoxigraph import Literal, NamedNode, Quad

    from citykg.store import write_and_swap

    store = own_project / ".citykg" / "store"
    with start_server(own_project, "--workers", "2") as running:
        assert count(running) > 100
        for size in (3, 4, 5):  # three swaps: the first builds are pruned (deleted) by the later ones
            write_and_swap(store, [Quad(NamedNode("http://example.org/a"), NamedNode("http://example.org/p"),
                                        Literal(str(i))) for i in range(size)])
            assert wait_for(lambda size=size: count(running) == size)
            assert {count(running) for _ in range(12)} == {size}  # one build answers, whichever worker
        pids = worker_pids(running.process.pid)
        assert len(pids) == 2
        for pid in pids:
            held = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            # (a worker also holds multiprocessing's shared-memory arena, an unlinked file in /dev/shm)
            assert [path for path in held if path.endswith("(deleted)") and str(own_project) in path] == []
            assert all(store.resolve().name in path for path in held if ".builds" in path)


# ---------------------------------------------------------------- fairness and shutdown

def test_two_clients_looping_a_pathological_query_do_not_make_others_fail(built_project):
    with start_server(built_project, "--timeout", "2", "--workers", "2") as running:
        stop = time.monotonic() + 10
        abusive: list[int] = []

        def abuse() -> None:
            while time.monotonic() < stop:
                abusive.append(get(running, CROSS_PRODUCT)[0])

        threads = [threading.Thread(target=abuse) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        others = []
        while time.monotonic() < stop:
            others.append(get(running, ASK_BANDUNG)[0])
            time.sleep(0.1)
        for thread in threads:
            thread.join()
        assert set(abusive) == {503}
        assert others and set(others) == {200}  # every other request answered while the abusers loop


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_the_server_leaves_no_worker_behind(built_project, signum):
    with start_server(built_project, "--timeout", "60", "--workers", "2") as running:
        pids = worker_pids(running.process.pid)
        assert len(pids) == 2
        def query_until_stopped() -> None:
            with contextlib.suppress(OSError):  # the server is stopped while it answers
                get(running, CROSS_PRODUCT)

        busy = threading.Thread(target=query_until_stopped, daemon=True)
        busy.start()
        time.sleep(1)
        running.process.send_signal(signum)
        running.process.wait(timeout=30)
        assert wait_for(lambda: not any(alive(pid) for pid in pids), 10)


def test_a_memory_limit_too_small_to_open_the_store_is_one_sentence(built_project):
    from .conftest import run_cli

    done = run_cli("serve", "--port", "0", "--max-memory", "64", "--workers", "1", project=built_project)
    assert done.code == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == ("Error: The query workers could not start: a query worker ended while "
                                            "starting (exit status -6; 64 MiB of memory is too little to open the "
                                            "store).")


# ---------------------------------------------------------------- answers written by the workers themselves

def test_a_worker_killed_mid_answer_still_gives_a_json_error_and_the_connection_goes_on(built_project):
    """The worker writes answers straight to the client's socket; one that dies while computing has written
    nothing, so the server still answers for it, on the same keep-alive connection."""
    with start_server(built_project, "--workers", "1", "--timeout", "60") as running:
        host, port = urllib.parse.urlsplit(running.url).netloc.split(":")
        connection = HTTPConnection(host, int(port), timeout=60)
        before = worker_pids(running.process.pid)
        killer = threading.Timer(1.0, lambda: [os.kill(pid, signal.SIGKILL) for pid in before])
        killer.start()
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": CROSS_PRODUCT}))
        response = connection.getresponse()
        assert (response.status, error_of(response.read())) == (500, (
            500, "worker-lost", "The query worker stopped unexpectedly; the query was not answered."))
        assert wait_for(lambda: len(worker_pids(running.process.pid) - before) == 1)
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": ASK_BANDUNG}),
                           headers={"Accept": "application/json"})
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["boolean"] is True
        connection.close()


def test_a_client_that_does_not_read_its_big_answer_holds_no_worker(built_project):
    """What the client's socket cannot take at once goes back through the server: with one worker, a second
    client is answered while the first has not read a byte of its large answer, which then arrives whole."""
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    with start_server(built_project, "--workers", "1") as running:
        host, port = urllib.parse.urlsplit(running.url).netloc.split(":")
        slow = socket.create_connection((host, int(port)))
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sendall(b"GET /sparql?" + urllib.parse.urlencode({"query": everything}).encode() +
                     b" HTTP/1.1\r\nHost: x\r\nAccept: text/tab-separated-values\r\nConnection: close\r\n\r\n")
        time.sleep(1.5)
        status, _, body = get(running, ASK_BANDUNG)
        assert status == 200 and json.loads(body)["boolean"] is True
        received = b""
        slow.settimeout(30)
        while chunk := slow.recv(65536):
            received += chunk
        slow.close()
        triples = count(running)
    head, _, table = received.partition(b"\r\n\r\n")
    declared = int(next(line for line in head.split(b"\r\n") if line.startswith(b"Content-Length: ")).split()[1])
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and len(table) == declared > 200_000
    rows = table.decode().splitlines()
    assert rows[0] == "?s\t?p\t?o" and len(rows) - 1 == min(10_000, triples)


def test_pipelined_requests_are_answered_in_order_and_connection_close_is_honoured(server):
    ask = urllib.parse.urlencode({"query": ASK_BANDUNG}).encode()
    never = urllib.parse.urlencode({"query": "ASK { municipality:id-bandung a ckg:Country }"}).encode()
    answer = raw(server, b"GET /sparql?" + ask + b" HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
                 b"GET /sparql?" + never + b" HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"
                 b"Connection: close\r\n\r\n", wait=10)
    first, second = answer.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert first.endswith(b'{"head":{},"boolean":true}') and b"Connection: close" not in first
    assert second.endswith(b'{"head":{},"boolean":false}') and b"Connection: close\r\n" in second
    old = raw(server, b"GET /sparql?" + ask + b" HTTP/1.0\r\nAccept: application/json\r\n\r\n", wait=10)
    assert old.startswith(b"HTTP/1.1 200 OK\r\n") and b"Connection: close\r\n" in old  # and it closed: raw ended


def test_query_strings_decode_as_the_standard_library_decodes_them():
    from hypothesis import given
    from hypothesis import strategies as st

    from citykg.server.routes import parse_form

    pieces = st.sampled_from(["a", "b", " ", "=", "+", "%", "&", "\n", "\t", "é", "%20", "%3D", "%26", "%0A",
                              "%E2%80%99", "%e2", "%ff", "%C3", "%_", "%4", "?", "{", "<"])

    @given(st.lists(pieces, max_size=20).map("".join))
    def decodes_the_same(text: str) -> None:
        assert parse_form(text) == urllib.parse.parse_qs(text, keep_blank_values=True)

    decodes_the_same()


def test_the_server_refuses_worker_frames_it_never_asked_for():
    """What a worker a hostile query took over might send back: a frame too long, of an unknown kind, or
    carrying descriptors. The server reads such frames as a lost worker, and holds none of the descriptors."""
    import os
    import socket

    from citykg.server.wire import BadFrame, recv_frame, send_frame

    server, worker = socket.socketpair()
    with server, worker:
        send_frame(worker, b"D", 200, b"x" * 100)
        with pytest.raises(BadFrame):
            recv_frame(server, kinds=b"DG", max_length=10, max_fds=0)
        send_frame(worker, b"Z", 200, b"")
        with pytest.raises(BadFrame):
            recv_frame(server, kinds=b"DG", max_length=10, max_fds=0)
        before = len(os.listdir("/proc/self/fd"))
        spare = os.open(os.devnull, os.O_RDONLY)
        send_frame(worker, b"D", 200, b"ok", (spare,))
        os.close(spare)
        assert recv_frame(server, kinds=b"DG", max_length=10, max_fds=0) == (b"D", 200, b"ok", [])
        assert len(os.listdir("/proc/self/fd")) == before  # the passed descriptor was closed by the kernel
