"""Any SPARQL 1.1 endpoint in place of the embedded store: ``citykg query --endpoint URL`` and
``citykg push --endpoint URL``.

Queries go over the SPARQL 1.1 Protocol (a form-encoded POST, which every server accepts) and come back
as SPARQL JSON results or N-Triples, parsed with pyoxigraph into the same result objects the embedded
store gives, so rendering and the catalogue work unchanged. The Accept header fits the query form:
results formats for SELECT/ASK, RDF formats for CONSTRUCT/DESCRIBE (Virtuoso answers a CONSTRUCT with a
results table when the header prefers one). A remote endpoint has no pyoxigraph substitutions: catalogue
values travel in a ``VALUES`` block built from the terms' N-Triples form
(:func:`citykg.query.catalogue.with_values`; chosen over rdflib's ``initBindings``, which appends the block at
the end of the query, where a FILTER inside the query cannot see it). The citykg prefixes are declared
in a prologue, since a foreign endpoint knows none of them.

A server may cut a long answer at a row cap: ``citykg serve`` says so in ``CityKG-Truncated``, Virtuoso in
``X-SPARQL-MaxRows``. A cut SELECT is fetched again page by page (:mod:`citykg.query.paging`); one that
cannot be paged is an error naming the cap, never a short answer taken as whole (issue 11.9).

Credentials (Virtuoso's Graph Store and ``/sparql-auth`` ask for them) are a user name, ``--user NAME`` or
``http://NAME@host/…``, and the password in the environment variable ``CITYKG_PASSWORD``, so that it shows
in neither ``ps`` nor the shell history. ``push`` lives in :mod:`citykg.query.push`.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

from pyoxigraph import DefaultGraph, NamedNode, QuerySolutions, Triple

from ..errors import CityKGError, QueryError, UsageError
from ..store import QueryResult, Term
from ..vocab import PREFIXES
from .catalogue import prologue, with_values
from .paging import nested_page, page, pageable, query_form

PASSWORD_VARIABLE = "CITYKG_PASSWORD"
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
ACCEPT = {"SELECT": RESULTS_ACCEPT, "ASK": RESULTS_ACCEPT, "CONSTRUCT": GRAPH_ACCEPT, "DESCRIBE": GRAPH_ACCEPT}
#: The headers by which a server says it cut an answer: citykg's own (the cap), Virtuoso's (its cap, sent
#: when an answer reaches it).
CAP_HEADERS = ("CityKG-Truncated", "X-SPARQL-MaxRows")
TIMEOUT = 60


class RemoteError(CityKGError):
    """The remote endpoint cannot be reached or refused the request (``status``: its HTTP status, if any)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TruncatedError(RemoteError):
    """The endpoint cut an answer at its row cap, and the rest cannot be fetched page by page."""


class RemoteEndpoint:
    """The query source of a :class:`citykg.KnowledgeGraph` built with ``endpoint=URL``: the same three
    calls as :class:`citykg.store.EmbeddedStore`, over the SPARQL 1.1 Protocol."""

    def __init__(self, endpoint: str, user: str | None = None) -> None:
        self.client = Client(endpoint, user)
        self.endpoint = self.client.url

    def query(self, sparql: str, bindings: dict[str, Term] | None = None) -> QueryResult:
        """Run a query on the endpoint, values bound in a VALUES block, citykg prefixes predeclared; a
        SELECT the server cut at its row cap is fetched again in pages."""
        text = prologue(PREFIXES) + with_values(sparql, bindings or {})
        answer = self._post(text, ACCEPT.get(query_form(text) or "", RESULTS_ACCEPT + ", " + GRAPH_ACCEPT))
        result = _parse(answer, self.endpoint)
        cap = _cap(answer.headers)
        if cap is None:
            if isinstance(result, list) and result and query_form(text) == "CONSTRUCT":
                self._check_construct(len(result))
            return result
        if isinstance(result, QuerySolutions):
            return self._pages(text, [v.value for v in result.variables], cap)
        if isinstance(result, list) and len(result) < cap[0]:
            return result  # Virtuoso's header on an answer below its cap
        raise TruncatedError(_cut(self.endpoint, cap, "only a SELECT can be fetched page by page"))

    def _check_construct(self, size: int) -> None:
        """Virtuoso cuts a CONSTRUCT at its row cap without a word (no X-SPARQL-MaxRows, unlike a SELECT),
        so an answer of ``size`` triples is only taken as whole once a SELECT of ``size + 1`` rows shows
        that the server has no cap at or below ``size``. The probe's rows come from VALUES blocks, not the
        data, so a small store cannot hide the cap; a cap that citykg serve reports is not one of these
        silent cuts (it says CityKG-Truncated on a CONSTRUCT it cuts). Virtuoso 7.2 does not cut DESCRIBE
        (checked), so a DESCRIBE is not probed."""
        digits = " ".join(str(digit) for digit in range(10))
        blocks = " ".join(f"VALUES ?d{n} {{ {digits} }}" for n in range(len(str(size + 1))))
        probe = self._post(f"SELECT * WHERE {{ {blocks} }} LIMIT {size + 1}", RESULTS_ACCEPT)
        cap = _cap(probe.headers)
        if cap is not None and cap[1] != "CityKG-Truncated" and cap[0] <= size:
            raise TruncatedError(
                f"{self.endpoint} answered the CONSTRUCT with {size:,} triples, as many as its row cap of "
                f"{cap[0]:,} (header {cap[1]} on a SELECT) or more, and it does not say when it cuts a "
                "CONSTRUCT, which citykg cannot fetch page by page: the answer may be cut. Raise the server's "
                "row cap, narrow the query, or ask for the same as a SELECT (citykg fetches those in pages).")

    def named_graphs(self) -> list[NamedNode]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, QuerySolutions)
        return sorted((row["g"] for row in rows if isinstance(row["g"], NamedNode)), key=lambda g: g.value)

    def triples(self, graph: NamedNode | DefaultGraph) -> list[Triple]:
        """A graph's triples: one CONSTRUCT, checked against a COUNT (Virtuoso cuts a CONSTRUCT at its row
        cap without a word), or, where the server cut it, a SELECT fetched in pages."""
        bindings: dict[str, Term] = {} if isinstance(graph, DefaultGraph) else {"g": graph}
        pattern = "GRAPH ?g { ?s ?p ?o }" if bindings else "?s ?p ?o"
        try:
            answer = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}", bindings)
            if not isinstance(answer, list):  # _parse gives a CONSTRUCT's answer as a list of triples
                raise QueryError(f"{self.endpoint} did not answer a CONSTRUCT with triples.")
            counted = self.query(f"SELECT (COUNT(DISTINCT *) AS ?n) WHERE {{ {pattern} }}", bindings)
            assert isinstance(counted, QuerySolutions)
            if len(answer) >= int(next(counted)["n"].value):
                return answer
        except TruncatedError:
            pass
        rows = self.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} }}", bindings)
        assert isinstance(rows, QuerySolutions)
        return [Triple(row["s"], row["p"], row["o"]) for row in rows]

    def _post(self, text: str, accept: str) -> Answer:
        data = urllib.parse.urlencode({"query": text}).encode()
        return self.client.send(urllib.request.Request(self.endpoint, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept}))

    def _pages(self, text: str, variables: list[str], cap: tuple[int, str]) -> QuerySolutions:
        """The whole answer of a SELECT, ``cap[0]`` rows a request, joined into one result."""
        from pyoxigraph import QueryResultsFormat, parse_query_results

        split = pageable(text)
        if isinstance(split, str):
            raise TruncatedError(_cut(self.endpoint, cap, split))
        size, build, last = cap[0], page, None
        rows: list[dict] = []
        labels: dict[str, str] = {}
        while True:
            try:
                answer = self._post(build(split, variables, size, len(rows)), RESULTS_ACCEPT)
            except RemoteError as error:
                if build is page and "SR353" in str(error):  # Virtuoso's MaxSortedTopRows
                    if split.dataset:
                        raise TruncatedError(_cut(self.endpoint, cap, "it names its dataset with FROM, and "
                                                  "the server sorts too few rows for a plain page")) from None
                    build = nested_page
                    continue
                raise
            bindings = _bindings(answer, self.endpoint, labels)
            # a page equal to the one before is a server ignoring OFFSET, unless it is one row repeated
            repeated = bindings == last and any(row != bindings[0] for row in bindings)
            if answer.headers.get(CAP_HEADERS[0]) or repeated:
                raise TruncatedError(_cut(self.endpoint, cap, "its pages are cut too, or repeat"))
            rows += bindings
            if len(bindings) < size:
                break
            last = bindings
        body = json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()
        solutions = parse_query_results(body, format=QueryResultsFormat.JSON)
        assert isinstance(solutions, QuerySolutions)
        return solutions


@dataclass(frozen=True)
class Answer:
    body: bytes
    headers: Message

    @property
    def media_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()


class Client:
    """HTTP to one server, with its credentials: the user from ``user`` or the URL, the password from
    CITYKG_PASSWORD. Every failure becomes one sentence naming the URL and the server's reason."""

    def __init__(self, url: str, user: str | None = None) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteError(f"{url!r} is not an http(s) URL of a SPARQL endpoint.")
        if parts.password is not None:
            raise UsageError(f"Put the password in the environment variable {PASSWORD_VARIABLE}, not in the URL.")
        netloc = parts.netloc.rpartition("@")[2]
        self.url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
        self.user = user or (urllib.parse.unquote(parts.username) if parts.username else None)
        handlers: list[urllib.request.BaseHandler] = []
        if self.user is not None:
            password = os.environ.get(PASSWORD_VARIABLE)
            if not password:
                raise UsageError(f"User {self.user!r} needs a password: set the environment variable "
                                 f"{PASSWORD_VARIABLE}.")
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, self.url, self.user, password)
            handlers = [urllib.request.HTTPBasicAuthHandler(manager), _PreemptiveDigest(manager)]
        self._opener = urllib.request.build_opener(*handlers)

    def send(self, request: urllib.request.Request) -> Answer:
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                return Answer(response.read(), response.headers)
        except urllib.error.HTTPError as error:
            if error.code == 401:
                raise RemoteError(self._unauthorised(), error.code) from None
            detail = _error_detail(error.read())
            raise RemoteError(f"{request.full_url} answered {error.code} {_reason(error)}"
                              f"{': ' + detail if detail else ''}.", error.code) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise RemoteError(f"Cannot reach {request.full_url}: {reason}.") from None

    def _unauthorised(self) -> str:
        url = self.url
        if self.user is None:
            return (f"{url} asks for a user name and password: give the user (push --user NAME, or "
                    f"http://NAME@host/… in the URL) and the password in {PASSWORD_VARIABLE}.")
        return f"{url} refused user {self.user!r} with the password in {PASSWORD_VARIABLE} (401 Unauthorized)."


class _PreemptiveDigest(urllib.request.HTTPDigestAuthHandler):
    """urllib answers a Digest challenge by sending the request again after the 401. Virtuoso resets the
    connection when it refuses a large body unread (push failed with "Connection reset by peer"), so once
    a challenge is known every later request carries its answer from the start (nonce count rising)."""

    def __init__(self, manager: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(manager)
        self._challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req, auth):  # type: ignore[no-untyped-def]
        _, challenge = auth.split(" ", 1)
        self._challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self._challenge is not None and not req.has_header("Authorization"):
            answer = self.get_authorization(req, self._challenge)
            if answer:
                req.add_unredirected_header("Authorization", "Digest " + answer)
        return req

    https_request = http_request


def _reason(error: urllib.error.HTTPError) -> str:
    """The status line's phrase, or the standard one where a server sends none."""
    import http

    if str(error.reason or "").strip():
        return str(error.reason).strip()
    try:
        return http.HTTPStatus(error.code).phrase
    except ValueError:
        return "(no reason given)"


def _cap(headers: Message) -> tuple[int, str] | None:
    """(the row cap, the header that gave it) when the server says it may have cut the answer."""
    for name in CAP_HEADERS:
        value = headers.get(name)
        if value is not None:
            return (int(value), name) if value.strip().isdigit() and int(value) > 0 else (1, name)
    return None


def _cut(endpoint: str, cap: tuple[int, str], reason: str) -> str:
    return (f"{endpoint} cut its answer at its row cap of {cap[0]:,} (header {cap[1]}), and citykg cannot "
            f"fetch the rest page by page: {reason}. Raise the server's row cap or narrow the query.")


def _parse(answer: Answer, endpoint: str) -> QueryResult:
    from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

    media = answer.media_type
    if media in ("application/sparql-results+json", "application/json"):
        body = answer.body
        if b'"bnode"' in body:
            body = json.dumps(_relabelled(json.loads(body))).encode()
        return parse_query_results(body, format=QueryResultsFormat.JSON)
    if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
        return parse_query_results(answer.body, format=QueryResultsFormat.XML)
    graph_formats = {"application/n-triples": RdfFormat.N_TRIPLES, "text/plain": RdfFormat.N_TRIPLES,
                     "text/turtle": RdfFormat.TURTLE, "application/rdf+xml": RdfFormat.RDF_XML}
    if media in graph_formats:
        return [quad.triple for quad in parse(answer.body, format=graph_formats[media])]
    raise QueryError(f"{endpoint} answered in {media or 'an unnamed format'}, which citykg cannot read.")


def _bindings(answer: Answer, endpoint: str, labels: dict[str, str]) -> list[dict]:
    """A page's rows as SPARQL JSON bindings (an XML page is converted), to be joined with the others."""
    from pyoxigraph import QueryResultsFormat

    body = answer.body
    if answer.media_type not in ("application/sparql-results+json", "application/json"):
        result = _parse(answer, endpoint)
        if not isinstance(result, QuerySolutions):
            raise QueryError(f"{endpoint} did not answer a SELECT with solutions.")
        body = result.serialize(format=QueryResultsFormat.JSON) or b""
    return _relabelled(json.loads(body), labels)["results"]["bindings"]


def _relabelled(results: dict, labels: dict[str, str] | None = None) -> dict:
    """SPARQL JSON results with blank-node labels pyoxigraph accepts: Virtuoso writes ``nodeID://b1``.
    ``labels`` keeps one name per label across the pages of one answer."""
    labels = {} if labels is None else labels
    for row in results.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = labels.setdefault(term["value"], f"b{len(labels)}")
    return results


def _error_detail(body: bytes) -> str:
    """The server's own explanation: a citykg JSON error's message, the text of an HTML error page
    (Virtuoso's, in <xmp>), else the first line of the text."""
    import html
    import re

    text = body.decode("utf-8", "replace").strip()
    try:
        return str(json.loads(text)["message"]).rstrip(".")
    except (ValueError, KeyError, TypeError):
        pass
    if text.startswith("<"):
        inner = re.search(r"<(xmp|pre)>(.*?)</\1>", text, re.S | re.I)
        text = html.unescape(inner.group(2) if inner else re.sub(r"<[^>]*>", "\n", text)).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:300].rstrip(".") if lines else ""

