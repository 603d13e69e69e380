"""What each URL of the endpoint answers, given a whole request (the HTTP framing is :mod:`citykg.server.http`'s).

Paths are percent-decoded before routing (``/sparq%6C`` is ``/sparql``); static files are looked up by
exact name, so a decoded ``..`` finds nothing.
"""

from __future__ import annotations

import binascii
import functools
import gzip
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, unquote_plus, urlsplit

from .linked import is_linked_data, job_for
from .pool import Client, Delivered, PoolError, Reply, WorkerPool, error_reply
from .protocol import CONTENT_TYPES, GRAPH_TYPES, Refused, accepted, check_query, service_description

if TYPE_CHECKING:
    from ..query.catalogue import CatalogueQuery

STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                ".md": "text/plain; charset=utf-8"}
SPARQL_METHODS = "GET, HEAD, POST, OPTIONS"
READ_METHODS = "GET, HEAD, OPTIONS"
_HEADER_LIST = re.compile(r"^[A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Settings:
    """The endpoint's limits; each is a ``citykg serve`` option."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 256 * 1024
    workers: int = 2
    max_memory: int = 2048 * 2**20
    cors: bool = False
    base: str | None = None  # where a deployment's IRIs live (``--base``); None: https://w3id.org/citykg/
    verbose: bool = False


class EndpointServer(Protocol):
    """What the routes need of the server (:class:`citykg.server.http.EndpointServer`)."""

    settings: Settings
    catalogue: dict[str, CatalogueQuery]
    pool: WorkerPool | None

    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class Request:
    """One HTTP request, read whole: method, raw target, decoded path, query parameters, headers, body."""

    method: str
    target: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes

    @classmethod
    def from_h11(cls, event, body: bytes) -> Request:
        target = event.target.decode("ascii", "replace")
        url = urlsplit(target)
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in event.headers}
        path = unquote(url.path, errors="replace").rstrip("/") or "/"
        return cls(event.method.decode("ascii", "replace").upper(), target, path, parse_form(url.query),
                   headers, body)


def parse_form(text: str) -> dict[str, list[str]]:
    """``urllib.parse.parse_qs(text, keep_blank_values=True)``, with a faster percent-decoding."""
    params: dict[str, list[str]] = {}
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            params.setdefault(_unquote_plus(name), []).append(_unquote_plus(value))
    return params


def _unquote_plus(text: str) -> str:
    """``urllib.parse.unquote_plus(text, errors="replace")``, at C speed for well-formed text.

    A SPARQL query in a URL is mostly %-escapes, and the standard decoder's Python loop cost as much as
    the whole rest of routing (40 us for a 2 kB query). Quoted-printable is the same code with ``=`` for
    ``%``, and binascii decodes it in C; text with a malformed escape (or non-ASCII) takes the standard
    way, so the result is the same for every input (checked against the standard decoder in the tests).
    """
    if "%" not in text:
        return text.replace("+", " ")
    if _BAD_ESCAPE.search(text) or not text.isascii():
        return unquote_plus(text, errors="replace")
    quoted_printable = text.replace("=", "%3D").replace("+", " ").replace("%", "=")
    return binascii.a2b_qp(quoted_printable.encode("ascii")).decode("utf-8", "replace")


def route(server: EndpointServer, request: Request, client: Client) -> Reply | Delivered:
    """The reply to one request, or what a query worker wrote to ``client`` itself; refusals and pool
    errors become their JSON error replies. Raises AnswerCut when a worker was stopped mid-answer."""
    try:
        return _route(server, request, client)
    except Refused as refusal:
        return error_reply(refusal.status, refusal.kind, str(refusal))
    except PoolError as error:
        return error.reply


def _route(server: EndpointServer, request: Request, client: Client) -> Reply | Delivered:
    settings = server.settings
    if len(request.target) > settings.max_request_bytes:
        raise Refused(414, "too-large", f"The URL is longer than the limit of {settings.max_request_bytes} bytes.")
    path, method = request.path, request.method
    allowed = SPARQL_METHODS if path == "/sparql" else READ_METHODS
    if method == "OPTIONS":
        return _options(request, allowed, settings.cors)
    if method not in allowed:
        message = "This endpoint is read-only: use GET or POST." if path == "/sparql" else \
            f"{path} answers GET only."
        reply = error_reply(405, "method-not-allowed", message)
        reply.headers["Allow"] = allowed
        return reply
    if path == "/sparql":
        return _sparql(server, request, client)
    if path == "/":
        return _static("index.html")
    if path.startswith("/static/"):
        return _static(path.removeprefix("/static/"))
    if path == "/queries":
        return _catalogue_listing(server.catalogue)
    if path.startswith("/queries/"):
        return _catalogue_query(server, request, path.removeprefix("/queries/"), client)
    if is_linked_data(path):
        links_base = settings.base or server.url
        return _pool(server).run(job_for(path, request.params, request.headers.get("accept"), links_base,
                                         settings.base, server.url), client)
    raise Refused(404, "not-found", f"Nothing at {path}; see / for the query UI, /sparql for SPARQL, "
                  "/id/KIND/NAME for an entity.")


def _options(request: Request, allowed: str, cors: bool) -> Reply:
    reply = Reply(204, b"", "text/plain", {"Allow": allowed})
    if cors and "access-control-request-method" in request.headers:
        reply.headers.update({"Access-Control-Allow-Methods": allowed, "Access-Control-Max-Age": "86400"})
        asked = request.headers.get("access-control-request-headers", "")
        if _HEADER_LIST.match(asked):  # header names only: nothing else of the request is echoed
            reply.headers["Access-Control-Allow-Headers"] = asked
    return reply


def _sparql(server: EndpointServer, request: Request, client: Client) -> Reply | Delivered:
    params = _post_params(request) if request.method == "POST" else request.params
    if "update" in params:
        raise Refused(403, "update-refused", "SPARQL Update is refused: this endpoint is read-only.")
    queries = params.get("query", [])
    if not queries:
        if request.method == "POST":
            raise Refused(400, "missing-query", "A SPARQL request needs a 'query' parameter.")
        return _service_description(server, request)
    if len(queries) > 1:
        raise Refused(400, "bad-request", "Give exactly one 'query' parameter.")
    check_query(queries[0])
    return _pool(server).run({
        "kind": "sparql", "text": queries[0], "max_rows": server.settings.max_rows, "base": server.url + "sparql",
        "accept": accepted(request.headers.get("accept"), _one(params, "format")),
        "default_graphs": params.get("default-graph-uri", []),
        "named_graphs": params.get("named-graph-uri", []),
    }, client)


def _post_params(request: Request) -> dict[str, list[str]]:
    """Merge a POST body into the URL's parameters (SPARQL 1.1 Protocol, sections 2.1.2 and 2.1.3)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise Refused(403, "update-refused", "SPARQL Update is refused: this endpoint is read-only.")
    if content_type == "application/sparql-query":
        return {**request.params, "query": [_decode(request.body)]}
    if content_type == "application/x-www-form-urlencoded":
        merged = dict(request.params)
        for key, values in parse_form(_decode(request.body)).items():
            merged[key] = merged.get(key, []) + values
        return merged
    raise Refused(415, "unsupported-media-type", "POST a query as application/sparql-query or as "
                  f"application/x-www-form-urlencoded, not {content_type or 'no Content-Type'}.")


def _catalogue_query(server: EndpointServer, request: Request, name: str, client: Client) -> Reply | Delivered:
    as_text = name.endswith(".rq")
    name = name.removesuffix(".rq")
    if name not in server.catalogue:
        raise Refused(404, "not-found", f"There is no catalogue query {name!r}; GET /queries lists them.")
    values = {key: value[-1] for key, value in request.params.items() if key != "format"}
    job = {"kind": "bind" if as_text else "catalogue", "name": name, "params": values,
           "max_rows": server.settings.max_rows,
           "accept": accepted(request.headers.get("accept"), _one(request.params, "format"))}
    return _pool(server).run(job, client)


def _pool(server: EndpointServer) -> WorkerPool:
    assert server.pool is not None  # set before serve_forever starts
    return server.pool


def _service_description(server: EndpointServer, request: Request) -> Reply:
    media = next((m for m in accepted(request.headers.get("accept"), None) if m in GRAPH_TYPES), "text/turtle")
    fmt = GRAPH_TYPES[media]
    return Reply(200, service_description(server.url + "sparql", fmt), CONTENT_TYPES[fmt])


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
