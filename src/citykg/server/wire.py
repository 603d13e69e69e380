"""The bytes that leave a process: HTTP responses as clients receive them, and the frames the server and its
query workers exchange over a Unix socket.

Why by hand: a worker writes its answer straight to the client's socket (the server passes it the connection
with ``SCM_RIGHTS``), so the answer does not travel back through the server; the response head is then built
here, in both processes, from our own header values only (no request header is ever echoed). The requests
are still read by h11 in the server, which is where the framing rules that matter for safety live.

The hop is one length-prefixed frame each way (kind, status, payload), JSON for a job: no pickle, so a worker
that a hostile query took over cannot make the server run code by what it sends back.
"""

from __future__ import annotations

import array
import json
import socket
import struct
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from .protocol import Reply

__all__ = ["AnswerCut", "BadFrame", "Client", "Delivered", "HttpFraming", "decode_job", "encode_job", "recv_frame",
           "response_bytes", "send_frame"]

_REASONS = {status.value: status.phrase for status in HTTPStatus}
_FRAME = struct.Struct("!cHI")  # kind, HTTP status (or 0), payload length
_READ_SIZE = 65536


@dataclass(frozen=True)
class HttpFraming:
    """How a response must be framed for the request it answers."""

    head_only: bool = False  # a HEAD request: headers, no body
    close: bool = False  # the client asked to close (or spoke HTTP/1.0): say so, then close
    cors: bool = False  # ``--cors``: allow scripts of any origin


class AnswerCut(Exception):
    """The worker was stopped after it had begun writing its answer: the connection can only be closed."""


@dataclass(frozen=True)
class Client:
    """The connection a job's answer goes to, and how the response is framed for its request."""

    sock: socket.socket
    framing: HttpFraming


@dataclass(frozen=True)
class Delivered:
    """A worker answered (``status``); ``rest`` is what the client's socket could not take at once."""

    status: int
    rest: bytes
    gone: bool = False  # the client closed its end while the answer was written


def response_bytes(reply: Reply, framing: HttpFraming) -> bytes:
    """The whole HTTP/1.1 response for ``reply``: status line, headers, and the body unless HEAD."""
    lines = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, '')}",
             f"Content-Type: {reply.content_type}", f"Content-Length: {len(reply.body)}",
             "X-Content-Type-Options: nosniff", "Server: citykg"]
    lines += [f"{name}: {value}" for name, value in reply.headers.items()]
    if framing.cors:
        lines.append("Access-Control-Allow-Origin: *")
    if framing.close:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if framing.head_only else head + reply.body


def encode_job(job: dict[str, Any], framing: HttpFraming, family: int) -> bytes:
    """A job for a worker: its fields as JSON, except a query's text, which follows raw (it is most of the
    bytes, and decoding it as a JSON string cost the worker more than some queries do)."""
    fields = {key: value for key, value in job.items() if key != "text"}
    head = json.dumps([fields, framing.head_only, framing.close, framing.cors, family, "text" in job])
    return head.encode() + b"\0" + job.get("text", "").encode()


def decode_job(payload: bytes) -> tuple[dict[str, Any], HttpFraming, int]:
    """(job, framing, address family of the client's socket) from :func:`encode_job`'s bytes."""
    head, _, text = payload.partition(b"\0")
    fields, head_only, close, cors, family, has_text = json.loads(head)
    if has_text:
        fields["text"] = text.decode()
    return fields, HttpFraming(head_only, close, cors), family


def send_frame(sock: socket.socket, kind: bytes, status: int = 0, payload: bytes = b"",
               fds: tuple[int, ...] = ()) -> None:
    """Send one frame (and ``fds``, which arrive with its first byte)."""
    data = _FRAME.pack(kind, status, len(payload)) + payload
    if fds:
        sent = sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        data = data[sent:]
    if data:
        sock.sendall(data)


class BadFrame(EOFError):
    """A frame the peer must never send (too long, of an unknown kind): the peer is treated as gone."""


def recv_frame(sock: socket.socket, *, kinds: bytes | None = None, max_length: int | None = None,
               max_fds: int = 4) -> tuple[bytes, int, bytes, list[int]]:
    """The next frame: (kind, status, payload, file descriptors); raises EOFError when the peer is gone.

    The server reads its workers' frames with ``kinds`` and ``max_length`` set and ``max_fds=0`` (the
    kernel then closes any descriptor a worker sends), so that a worker a hostile query took over can make
    it neither buffer without bound nor run out of descriptors."""
    if max_fds:
        data, fds, _, _ = socket.recv_fds(sock, _READ_SIZE, max_fds)
    else:
        data, fds = sock.recv(_READ_SIZE), []
    while len(data) < _FRAME.size:
        more = sock.recv(_FRAME.size - len(data))
        if not more:
            _close_all(fds)
            raise EOFError
        data += more
    kind, status, length = _FRAME.unpack_from(data)
    if (kinds is not None and (len(kind) != 1 or kind not in kinds)) or \
            (max_length is not None and length > max_length):
        _close_all(fds)
        raise BadFrame(f"a frame of kind {kind!r} and {length} bytes")
    if len(data) - _FRAME.size < length:
        buffer = bytearray(data)
        while len(buffer) - _FRAME.size < length:
            more = sock.recv(min(length - len(buffer) + _FRAME.size, 4 * 2**20))
            if not more:
                _close_all(fds)
                raise EOFError
            buffer += more
        data = bytes(buffer)
    return kind, status, data[_FRAME.size:_FRAME.size + length], fds


def _close_all(fds: list[int]) -> None:
    import os

    for fd in fds:
        os.close(fd)
