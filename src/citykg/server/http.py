"""``citykg serve``: a read-only SPARQL 1.1 endpoint, the catalogue over HTTP, and an offline query UI.

Routes::

    GET  /                      the query UI (YASGUI, vendored in citykg/server/static: works with no internet)
    GET  /static/NAME           the UI's files
    GET  /sparql                SPARQL 1.1 Protocol query (``?query=…``); without a query: service description
    POST /sparql                form-encoded ``query=…`` or a raw ``application/sparql-query`` body
    GET  /queries               the catalogue as JSON (name, title, description, parameters)
    GET  /queries/NAME?p=v      run a catalogue query; parameters as in ``citykg query NAME --param p=v``
    GET  /queries/NAME.rq?p=v   that query's text with the values bound in a VALUES block (for the UI editor)

HEAD answers as GET without the body; OPTIONS lists the methods (and is the CORS preflight with ``--cors``).

HTTP/1.1 requests are parsed by h11 (framing, chunked bodies, Content-Length, Host), not by hand or by
``http.server``, which took a chunked body for a second request. Each connection has its own thread; the
answer to a query is written by the worker that computed it (:mod:`citykg.server.wire` builds the
response), and this thread writes only what the client's socket could not take at once.

Safe by default (DESIGN.md "Safety defaults"): binds 127.0.0.1; the store is opened read-only in the
workers; updates, LOAD and SERVICE are refused with 403; each query has a time and a memory limit, enforced
by killing its worker process (:mod:`citykg.server.pool`); results are capped at ``max_rows`` rows; request
bodies and URLs are capped at ``max_request_bytes``. Every error is a status and a JSON body, and no single
request can stop the server. No request header is ever echoed back.
"""

from __future__ import annotations

import signal
import socket
import socketserver
import sys
import threading
import traceback
from http import HTTPStatus
from pathlib import Path

import h11

from ..query.catalogue import CatalogueQuery, load_catalogue
from .pool import AnswerCut, Client, Delivered, Reply, WorkerPool, error_reply
from .routes import Request, Settings, route
from .wire import HttpFraming, response_bytes

__all__ = ["EndpointServer", "Settings", "serve"]

READ_SIZE = 65536
_REASONS = {status.value: status.phrase.encode() for status in HTTPStatus}
#: The longest wait for a client that has started a request (its thread is released after it).
CLIENT_TIMEOUT_S = 60.0


class EndpointServer(socketserver.ThreadingTCPServer):
    """A threading TCP server that owns the worker pool and the catalogue."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # 16+ clients connecting at once must not overflow the listen backlog

    def __init__(self, settings: Settings, project: Path, store: Path) -> None:
        self.settings = settings
        self.catalogue: dict[str, CatalogueQuery] = load_catalogue(project / "queries")
        self.pool: WorkerPool | None = None
        if ":" in settings.host:
            self.address_family = socket.AF_INET6
        super().__init__((settings.host, settings.port), Connection)  # a taken port fails before workers start
        try:
            self.pool = WorkerPool(project, store, settings.workers, settings.timeout, settings.max_memory)
        except BaseException:
            self.socket.close()
            raise

    @property
    def url(self) -> str:
        """The endpoint's own base URL, from the bound socket (never from a request's Host header)."""
        host, port = self.server_address[:2]
        assert isinstance(host, str)  # a bound TCP socket's name is text
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        if self.pool is not None:
            self.pool.close()


class _TooLarge(Exception):
    pass


class Connection(socketserver.BaseRequestHandler):
    """One client connection: requests read with h11 and answered in order, until either side closes.

    A query's answer is written to the socket by the worker that computed it (:mod:`citykg.server.pool`
    passes the connection along with the job), so it does not cross back through this process; each
    request cycle therefore gets a fresh h11 state machine, fed the bytes the last one had read ahead.
    """

    server: EndpointServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(CLIENT_TIMEOUT_S)  # a client that stops sending mid-request releases its thread
        # Headers and body go out in one write, but keep TCP_NODELAY so no reply waits for a delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        limit = self.server.settings.max_request_bytes
        ahead, closed = b"", False  # what the previous cycle read past its request
        while True:
            conn = h11.Connection(h11.SERVER, max_incomplete_event_size=limit + 16 * 1024)
            if ahead:
                conn.receive_data(ahead)
            if closed:  # (an empty receive_data is h11's end of input)
                conn.receive_data(b"")
            try:
                request = self._read_request(sock, conn, limit)
            except h11.RemoteProtocolError as error:
                self._refuse(sock, conn, error_reply(error.error_status_hint, "bad-request",
                                                     f"The request is not valid HTTP/1.1: {error}."))
                return
            except _TooLarge:
                self._refuse(sock, conn, error_reply(413, "too-large", "The request body is larger than the "
                                                     f"limit of {limit} bytes."))
                return
            except OSError:  # timeout, reset: the client left
                return
            if request is None:
                return
            # The client's side is MUST_CLOSE once its request is read if it asked to close (or is HTTP/1.0).
            framing = HttpFraming(head_only=request.method == "HEAD", close=conn.their_state is h11.MUST_CLOSE,
                                  cors=self.server.settings.cors)
            try:
                if not self._answer(sock, request, framing):
                    return
            except OSError:
                return
            if framing.close:
                return
            ahead, closed = conn.trailing_data

    def _read_request(self, sock: socket.socket, conn: h11.Connection, limit: int) -> Request | None:
        """The next whole request (body read in full, de-chunked by h11), or None once the client closed."""
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(sock.recv(READ_SIZE))
            elif isinstance(event, h11.Request):
                head = event
                declared = _header(event, b"content-length")
                if declared is not None and int(declared) > limit:
                    raise _TooLarge
                if conn.they_are_waiting_for_100_continue:
                    sock.sendall(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > limit:
                    raise _TooLarge
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None  # h11 gives the request before its end
                return Request.from_h11(head, bytes(body))
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return None

    def _answer(self, sock: socket.socket, request: Request, framing: HttpFraming) -> bool:
        """Answer one request; False when the connection must be closed (the client left, or a worker was
        stopped halfway through writing its answer)."""
        try:
            outcome = route(self.server, request, Client(sock, framing))
        except AnswerCut:
            return False
        except Exception:  # noqa: BLE001 - whatever happens, this request fails alone
            traceback.print_exc(file=sys.stderr)
            outcome = error_reply(500, "internal", "The server failed to answer this request.")
        if isinstance(outcome, Reply):
            status = outcome.status
            sock.sendall(response_bytes(outcome, framing))
        else:
            status = outcome.status
            if outcome.rest:
                sock.sendall(outcome.rest)
        if self.server.settings.verbose:
            print(f"{self.client_address[0]} {request.method} {request.target[:200]} {status}",
                  file=sys.stderr)
        return not (isinstance(outcome, Delivered) and outcome.gone)

    def _reply_bytes(self, conn: h11.Connection, reply: Reply, head_only: bool, close: bool = False) -> bytes:
        """A reply written through h11: only for requests h11 refused, whose state machine is mid-cycle."""
        headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body))),
                   ("X-Content-Type-Options", "nosniff"), ("Server", "citykg"), *reply.headers.items()]
        if self.server.settings.cors:
            headers.append(("Access-Control-Allow-Origin", "*"))
        if close:
            headers.append(("Connection", "close"))
        data = conn.send(h11.Response(status_code=reply.status, headers=headers,
                                      reason=_REASONS.get(reply.status, b""))) or b""
        if not head_only:
            data += conn.send(h11.Data(data=reply.body)) or b""
        return data + (conn.send(h11.EndOfMessage()) or b"")

    def _refuse(self, sock: socket.socket, conn: h11.Connection, reply: Reply) -> None:
        """Answer a request that cannot be read, then close without resetting: the client gets to read the
        answer instead of a broken pipe, even while it is still sending a body we will not read."""
        try:
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                sock.sendall(self._reply_bytes(conn, reply, False, close=True))
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(2)
            drained = 0
            while drained < 16 * 2**20:
                chunk = sock.recv(READ_SIZE)
                if not chunk:
                    break
                drained += len(chunk)
        except (OSError, h11.LocalProtocolError):
            pass


def _header(event: h11.Request, name: bytes) -> bytes | None:
    return next((value for key, value in event.headers if key == name), None)


def serve(project: Path, store: Path, settings: Settings) -> None:
    """Run the endpoint until SIGINT or SIGTERM; the first line printed is its URL (tests read it)."""
    server = EndpointServer(settings, project, store)
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Warning: listening on {settings.host}: anyone who can reach this machine can query the "
              "graph.", file=sys.stderr)
    print(f"citykg endpoint at {server.url} (SPARQL: {server.url}sparql; {settings.workers} workers, "
          f"time limit {settings.timeout:g} s, memory limit {settings.max_memory // 2**20} MiB per worker, "
          f"at most {settings.max_rows} rows)", flush=True)

    def stop(signum, frame) -> None:
        raise KeyboardInterrupt  # SIGTERM ends the server as Ctrl-C does: workers are killed on the way out

    in_main = threading.current_thread() is threading.main_thread()  # signals are the main thread's only
    previous = signal.signal(signal.SIGTERM, stop) if in_main else None
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
        server.server_close()
