"""``citykg serve``: a read-only SPARQL 1.1 endpoint, the catalogue over HTTP, and an offline query UI.

Routes::

    GET  /                      the query UI (YASGUI, vendored in citykg/server/static: works with no internet)
    GET  /static/NAME           the UI's files
    GET  /sparql                SPARQL 1.1 Protocol query (``?query=…``); without a query: service description
    POST /sparql                form-encoded ``query=…`` or a raw ``application/sparql-query`` body
    GET  /queries               the catalogue as JSON (name, title, description, parameters)
    GET  /queries/NAME?p=v      run a catalogue query; parameters as in ``citykg query NAME --param p=v``
    GET  /queries/NAME.rq?p=v   that query's text with the values bound in a VALUES block (for the UI editor)

Safe by default (DESIGN.md "Safety defaults"): binds 127.0.0.1; the store is opened read-only in the
workers; updates, LOAD and SERVICE are refused with 403; each query has a time limit enforced by killing
its worker process (:mod:`citykg.server.pool`); results are capped at ``max_rows`` rows; request bodies and
URLs are capped at ``max_request_bytes``. Every error is a status and a JSON body, and no single request
can stop the server: each is handled in its own thread, inside a catch-all.
"""

from __future__ import annotations

import functools
import gzip
import json
import socket
import sys
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..query.catalogue import CatalogueQuery, load_catalogue
from .pool import PoolError, Reply, WorkerPool, error_reply
from .protocol import Refused, accepted, check_query, service_description

STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                ".md": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class Settings:
    """The endpoint's limits; each is a ``citykg serve`` option."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 256 * 1024
    workers: int = 2
    verbose: bool = False


class EndpointServer(ThreadingHTTPServer):
    """A threading HTTP server that owns the worker pool and the catalogue."""

    daemon_threads = True
    request_queue_size = 128  # 16+ clients connecting at once must not overflow the listen backlog

    def __init__(self, settings: Settings, project: Path, store: Path) -> None:
        self.settings = settings
        self.catalogue: dict[str, CatalogueQuery] = load_catalogue(project / "queries")
        self.pool: WorkerPool | None = None
        super().__init__((settings.host, settings.port), Handler)  # a taken port fails before workers start
        try:
            self.pool = WorkerPool(project, store, settings.workers, settings.timeout)
        except BaseException:
            self.socket.close()
            raise

    @property
    def bound_address(self) -> tuple[str, int]:
        """The host and port the socket is bound to."""
        host, port = self.server_address[:2]
        assert isinstance(host, str)  # a bound TCP socket's name is text
        return host, port

    @property
    def url(self) -> str:
        host, port = self.bound_address
        return f"http://{host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        if self.pool is not None:
            self.pool.close()


class Handler(BaseHTTPRequestHandler):
    server: EndpointServer
    protocol_version = "HTTP/1.1"  # keep-alive: clients may send many queries on one connection
    server_version = "citykg"
    timeout = 60  # a client that stops sending mid-request releases its thread

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm and the client's
        # delayed ACK hold the second one back ~40 ms on every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _refuse_method(self) -> None:
        self._discard_body()
        self._send(error_reply(405, "method-not-allowed", "This endpoint is read-only: use GET or POST."))

    do_PUT = do_DELETE = do_PATCH = _refuse_method  # noqa: N815

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (malformed request line, URL too long…) as JSON too."""
        self.close_connection = True
        kind = "too-large" if code in (413, 414, 431) else "bad-request"
        self._send(error_reply(code, kind, message or self.responses.get(code, ("Error",))[0]))

    def _handle(self, method: str) -> None:
        self._body_read = False
        try:
            reply = self._route(method)
        except Refused as refusal:
            reply = error_reply(refusal.status, refusal.kind, str(refusal))
        except PoolError as error:
            reply = error.reply
        except Exception:  # noqa: BLE001 - whatever happens, this request fails alone
            traceback.print_exc(file=sys.stderr)
            reply = error_reply(500, "internal", "The server failed to answer this request.")
        if method == "POST" and not self._body_read:
            self.close_connection = True  # an unread body must not be taken for the next request
        self._send(reply)

    def _route(self, method: str) -> Reply:
        settings = self.server.settings
        if len(self.path) > settings.max_request_bytes:
            raise Refused(414, "too-large", f"The URL is longer than the limit of {settings.max_request_bytes} bytes.")
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        path = url.path.rstrip("/") or "/"
        if path == "/sparql":
            return self._sparql(method, params)
        if method != "GET":
            raise Refused(405, "method-not-allowed", f"{path} answers GET only.")
        if path == "/":
            return _static("index.html")
        if path.startswith("/static/"):
            return _static(path.removeprefix("/static/"))
        if path == "/queries":
            return _catalogue_listing(self.server.catalogue)
        if path.startswith("/queries/"):
            return self._catalogue_query(path.removeprefix("/queries/"), params)
        raise Refused(404, "not-found", f"Nothing at {path}; see / for the query UI, /sparql for SPARQL.")

    def _sparql(self, method: str, params: dict[str, list[str]]) -> Reply:
        if method == "POST":
            params = self._post_params(params)
        if "update" in params:
            raise Refused(403, "update-refused", "SPARQL Update is refused: this endpoint is read-only.")
        queries = params.get("query", [])
        if not queries:
            if method == "POST":
                raise Refused(400, "missing-query", "A SPARQL request needs a 'query' parameter.")
            return self._service_description()
        if len(queries) > 1:
            raise Refused(400, "bad-request", "Give exactly one 'query' parameter.")
        check_query(queries[0])
        return self._pool().run({
            "kind": "sparql", "text": queries[0], "max_rows": self.server.settings.max_rows,
            "accept": accepted(self.headers.get("Accept"), _one(params, "format")),
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
        })

    def _post_params(self, params: dict[str, list[str]]) -> dict[str, list[str]]:
        """Merge a POST body into the URL's parameters (SPARQL 1.1 Protocol, sections 2.1.2 and 2.1.3)."""
        body = self._read_body()
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise Refused(403, "update-refused", "SPARQL Update is refused: this endpoint is read-only.")
        if content_type == "application/sparql-query":
            return {**params, "query": [_decode(body)]}
        if content_type == "application/x-www-form-urlencoded":
            merged = dict(params)
            for key, values in parse_qs(_decode(body), keep_blank_values=True).items():
                merged[key] = merged.get(key, []) + values
            return merged
        raise Refused(415, "unsupported-media-type", "POST a query as application/sparql-query or as "
                      f"application/x-www-form-urlencoded, not {content_type or 'no Content-Type'}.")

    def _read_body(self) -> bytes:
        limit = self.server.settings.max_request_bytes
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise Refused(400, "bad-request", "The Content-Length header is not a number.") from None
        if length > limit:
            self.close_connection = True  # the unread body must not be taken for the next request
            raise Refused(413, "too-large", f"The request body ({length} bytes) is larger than the limit of "
                          f"{limit} bytes.")
        self._body_read = True
        return self.rfile.read(length)

    def _discard_body(self, limit: int = 16 * 1024 * 1024) -> None:
        """Read and drop a body we refuse (e.g. a Graph Store PUT), so the client gets to read the refusal
        instead of a broken pipe; past ``limit`` bytes the connection is simply closed."""
        try:
            remaining = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            remaining = limit + 1
        if remaining > limit:
            self.close_connection = True
            return
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)

    def _catalogue_query(self, name: str, params: dict[str, list[str]]) -> Reply:
        as_text = name.endswith(".rq")
        name = name.removesuffix(".rq")
        if name not in self.server.catalogue:
            raise Refused(404, "not-found", f"There is no catalogue query {name!r}; GET /queries lists them.")
        values = {key: value[-1] for key, value in params.items() if key != "format"}
        job = {"kind": "bind" if as_text else "catalogue", "name": name, "params": values,
               "max_rows": self.server.settings.max_rows,
               "accept": accepted(self.headers.get("Accept"), _one(params, "format"))}
        return self._pool().run(job)

    def _pool(self) -> WorkerPool:
        assert self.server.pool is not None  # set before serve_forever starts
        return self.server.pool

    def _service_description(self) -> Reply:
        from .protocol import CONTENT_TYPES, GRAPH_TYPES

        media = next((m for m in accepted(self.headers.get("Accept"), None) if m in GRAPH_TYPES), None)
        if media is None:
            media = "text/turtle"
        fmt = GRAPH_TYPES[media]
        host = self.headers.get("Host") or "{}:{}".format(*self.server.bound_address)
        return Reply(200, service_description(f"http://{host}/sparql", fmt), CONTENT_TYPES[fmt])

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client left; nothing to tell it

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        if self.server.settings.verbose:
            super().log_message(format, *args)


def _one(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[-1] if values else None


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "bad-request", "The request body is not UTF-8.") from None


def _static(name: str) -> Reply:
    """A file of citykg/server/static, by exact name only (no path: ``..`` and subfolders cannot be asked for).

    The vendored YASGUI files are stored gzipped (``NAME.gz``: a quarter of the size in the wheel and in
    git, and their minified lines no longer trip the repository's grep for SPARQL built by formatting).
    """
    suffix = Path(name).suffix
    body = _static_files().get(name)
    if body is None or suffix not in STATIC_TYPES:
        raise Refused(404, "not-found", f"There is no file {name!r} in the UI.")
    cache = {"Cache-Control": "max-age=3600"} if name.startswith("yasgui") else {}
    return Reply(200, body, STATIC_TYPES[suffix], cache)


@functools.cache
def _static_files() -> dict[str, bytes]:
    """Every UI file by the name it is served under, read (and un-gzipped) once."""
    files = {}
    for entry in (resources.files("citykg.server") / "static").iterdir():
        if entry.is_file():
            data = entry.read_bytes()
            if entry.name.endswith(".gz"):
                files[entry.name.removesuffix(".gz")] = gzip.decompress(data)
            else:
                files[entry.name] = data
    return files


def _catalogue_listing(catalogue: dict[str, CatalogueQuery]) -> Reply:
    listing = [{"name": q.name, "title": q.title, "description": q.description,
                "parameters": [{"name": p.name, "kind": p.kind, "default": p.default, "description": p.description}
                               for p in q.parameters]} for q in catalogue.values()]
    return Reply(200, json.dumps(listing, ensure_ascii=False, indent=1).encode())


def serve(project: Path, store: Path, settings: Settings) -> None:
    """Run the endpoint until interrupted; the first line printed is its URL (tests read it)."""
    server = EndpointServer(settings, project, store)
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Warning: listening on {settings.host}: anyone who can reach this machine can query the "
              "graph.", file=sys.stderr)
    print(f"citykg endpoint at {server.url} (SPARQL: {server.url}sparql; {settings.workers} workers, "
          f"time limit {settings.timeout:g} s, at most {settings.max_rows} rows)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
