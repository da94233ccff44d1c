"""The Lambda Runtime API of one execution environment: a small HTTP/1.1 server on loopback.

Paths (version ``2018-06-01``, https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):

* ``GET  /runtime/invocation/next`` - blocks until an event is assigned; answers the event
  with the ``Lambda-Runtime-*`` headers;
* ``POST /runtime/invocation/{id}/response`` and ``.../{id}/error`` - ``202 {"status": "OK"}``;
* ``POST /runtime/init/error`` - ``202``;
* ``POST /runtime/redrive/sleep`` with ``{"until": <emulated epoch s>}`` - redrive's extension
  for the worker's time shim: answers ``200 {}`` once emulated time has reached ``until``.

Errors follow AWS's Runtime API (aws-lambda-runtime-interface-emulator ``rapi/rendering``):
``400 InvalidRequestID`` for an unknown request id, ``403 InvalidStateTransition`` for a post
that does not fit the environment's state, ``413 RequestEntityTooLarge`` for a response over
6 MiB, ``404`` for any other path. Bodies are ``{"errorMessage": ..., "errorType": ...}``.

The server knows nothing of processes or time: it parses requests (with ``httptools`` on
asyncio streams, keep-alive) and hands them to a :class:`RuntimeApiBackend`. It answers the way
it did when it was built on ``h11``: a request it cannot parse (or a request head over 16 KiB,
h11's limit) ends the connection without an answer, HTTP/1.0 and ``Connection: close`` end it
after the answer, and a reply header that is not valid HTTP ends it unanswered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Protocol

import httptools

from redrive.runtime.constants import API_PREFIX, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES

_NEXT = f"{API_PREFIX}/invocation/next"
_INVOCATION = f"{API_PREFIX}/invocation/"
_INIT_ERROR = f"{API_PREFIX}/init/error"
_SLEEP = f"{API_PREFIX}/redrive/sleep"

_READ_CHUNK = 65536
#: h11's ``max_incomplete_event_size``: a request head still incomplete past this is refused.
_MAX_HEAD_BYTES = 16 * 1024
#: RFC 7230 ``token`` and ``field-value`` (as h11 checks them before sending a header).
_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
_FIELD_VALUE = re.compile(rb"(?:[\x21-\x7e\x80-\xff]+(?:[ \t]+[\x21-\x7e\x80-\xff]+)*)?")
_CONTINUE = b"HTTP/1.1 100 \r\n\r\n"


@dataclass(frozen=True)
class Reply:
    """An answer to the worker: status and JSON body (plus headers for ``/next``)."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, status: int, value: object) -> Reply:
        return cls(status, json.dumps(value).encode(), (("Content-Type", "application/json"),))

    @classmethod
    def error(cls, status: int, error_type: str, message: str) -> Reply:
        return cls.json(status, {"errorMessage": message, "errorType": error_type})


ACCEPTED = Reply.json(202, {"status": "OK"})


@dataclass(frozen=True)
class ErrorPost:
    """A posted error: its body, ``Content-Type`` and ``Lambda-Runtime-Function-Error-Type``."""

    body: bytes
    content_type: str = ""
    error_type_header: str = ""


@dataclass(frozen=True)
class ResponsePost:
    """A posted response; ``too_large`` when its body passed :data:`MAX_RESPONSE_BYTES`."""

    body: bytes
    size: int
    too_large: bool = False


class RuntimeApiBackend(Protocol):
    """What the server needs from an execution environment."""

    def request_arrived(self) -> None:
        """A request from the worker is being read (its output so far precedes it)."""

    async def next_invocation(self) -> Reply:
        """Block until an event is assigned; the reply carries it."""

    def invocation_response(self, request_id: str, post: ResponsePost) -> Reply: ...

    def invocation_error(self, request_id: str, post: ErrorPost) -> Reply: ...

    def init_error(self, post: ErrorPost) -> Reply: ...

    async def sleep_until(self, until: float) -> Reply: ...


@dataclass
class _Request:
    method: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    size: int = 0
    keep_alive: bool = True
    expects_continue: bool = False
    announced: bool = False
    complete: bool = False


class _Parser:
    """httptools callbacks for one connection: requests whose head is complete, in order.

    Bytes are parsed only when the next request is wanted (:meth:`parse`), as h11 did, so a
    malformed pipelined request cannot disturb the one being answered. ``broken`` once the
    stream cannot be parsed further; the requests completed before it are still answered.
    """

    def __init__(self) -> None:
        self.requests: deque[_Request] = deque()
        self.pending: list[bytes] = []
        self.broken = False
        self._parser = httptools.HttpRequestParser(self)
        # h11 read a body with both Transfer-Encoding: chunked and Content-Length as chunked.
        self._parser.set_dangerous_leniencies(lenient_chunked_length=True)
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._chunks: list[bytes] = []
        self._head: int | None = None  # bytes received while a request head is incomplete

    def parse(self) -> None:
        pending, self.pending = self.pending, []
        for data in pending:
            if self.broken:
                return
            try:
                self._parser.feed_data(data)
            except (httptools.HttpParserError, httptools.HttpParserUpgrade):
                self.broken = True  # malformed; or an upgrade/CONNECT, which h11 answered
            if self._head is not None:
                self._head += len(data)
                self.broken = self.broken or self._head > _MAX_HEAD_BYTES

    def on_message_begin(self) -> None:
        self._url, self._headers, self._chunks, self._head = b"", [], [], 0

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self._head = None
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in self._headers}
        old = self._parser.get_http_version() < "1.1"
        self.requests.append(_Request(
            self._parser.get_method().decode("ascii"),
            self._url.decode("ascii", "replace"),
            headers,
            keep_alive=not old and b"close" not in _comma_header(self._headers, b"connection"),
            expects_continue=not old
            and b"100-continue" in _comma_header(self._headers, b"expect"),
        ))

    def on_body(self, body: bytes) -> None:
        request = self.requests[-1]
        request.size += len(body)
        if request.size <= MAX_REQUEST_BYTES:
            self._chunks.append(body)

    def on_message_complete(self) -> None:
        request = self.requests[-1]
        request.body, request.complete = b"".join(self._chunks), True
        self._chunks = []


class RuntimeApiServer:
    """Serves one environment's Runtime API on ``127.0.0.1:<port>``.

    The listening socket is bound synchronously in the constructor, so :attr:`port` is known
    (and connections queue in the backlog) before :meth:`start` runs on the loop.
    """

    def __init__(self, backend: RuntimeApiBackend) -> None:
        self._backend = backend
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.setblocking(False)
        self.port: int = self._sock.getsockname()[1]
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def address(self) -> str:
        """The value of ``AWS_LAMBDA_RUNTIME_API``."""
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        if self._closed or self._server is not None:
            return
        self._server = await asyncio.start_server(self._accept, sock=self._sock)

    async def close(self) -> None:
        """Stop listening and drop every open connection."""
        self._closed = True
        server, self._server = self._server, None
        if server is not None:
            server.close()
        else:
            self._sock.close()
        for task in list(self._connections):
            task.cancel()
        for task in list(self._connections):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if server is not None:
            with contextlib.suppress(Exception):
                await server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            # The worker went away or spoke nonsense: its connection ends, nothing else.
            pass
        except asyncio.CancelledError:
            # close() cancels open connections; ending quietly keeps asyncio's stream
            # callback from reporting the cancellation as an error.
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        parser = _Parser()
        while True:
            request = await self._read_request(parser, reader, writer)
            if request is None:
                return
            answer = self._dispatch(request)
            if isinstance(answer, Reply):
                reply: Reply | None = answer  # answered at once: nothing to watch for
            else:
                reply = await self._until_disconnected(answer, parser, reader)
            if reply is None:
                return
            if reply.body and (request.method == "HEAD" or reply.status in (204, 304)):
                return  # a body HTTP does not allow here: h11 refused to send it
            out = _encode(reply, request.keep_alive)
            if out is None:
                return
            writer.write(out)  # one write: no small-segment delays on keep-alive
            await writer.drain()
            if not request.keep_alive:
                return

    async def _until_disconnected(
        self, work: Coroutine[object, object, Reply], parser: _Parser,
        reader: asyncio.StreamReader,
    ) -> Reply | None:
        """Await ``work``; None if the worker closes the connection first (``work`` is
        cancelled - the worker's time shim cancels a sleep that way)."""
        task = asyncio.ensure_future(work)
        watch: asyncio.Task[bytes] | None = asyncio.ensure_future(reader.read(_READ_CHUNK))
        try:
            while watch is not None:
                await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
                if task.done():
                    break
                data = watch.result()
                if not data:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                    return None
                parser.pending.append(data)  # a pipelined request: kept for the next cycle
                watch = None
            return await task
        finally:
            if not task.done():
                task.cancel()
            if watch is not None:
                if not watch.done():
                    watch.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watch
                elif not watch.cancelled() and watch.exception() is None:
                    parser.pending.append(watch.result())  # arrived with the answer: keep it

    async def _read_request(
        self, parser: _Parser, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> _Request | None:
        while True:
            parser.parse()
            if parser.requests:
                request = parser.requests[0]
                if not request.announced:
                    request.announced = True
                    self._backend.request_arrived()
                    if request.expects_continue:
                        writer.write(_CONTINUE)
                if request.complete:
                    parser.requests.popleft()
                    return request
            if parser.broken:
                return None
            data = await reader.read(_READ_CHUNK)
            if not data:
                return None  # the worker closed the connection (mid-request or between)
            parser.pending.append(data)

    def _dispatch(self, request: _Request) -> Reply | Coroutine[object, object, Reply]:
        """The reply, or the coroutine that waits for it (``next`` and the time shim's sleep:
        those are watched for the worker closing the connection meanwhile)."""
        method, path = request.method, request.target.split("?", 1)[0]
        backend = self._backend
        if path == _NEXT:
            if method != "GET":
                return _method_not_allowed()
            return backend.next_invocation()
        if path == _INIT_ERROR:
            if method != "POST":
                return _method_not_allowed()
            return backend.init_error(_error_post(request))
        if path == _SLEEP:
            if method != "POST":
                return _method_not_allowed()
            try:
                until = float(json.loads(request.body or b"{}")["until"])
            except (ValueError, KeyError, TypeError):
                return Reply.error(400, "InvalidRequest", 'expected {"until": <epoch seconds>}')
            return backend.sleep_until(until)
        if path.startswith(_INVOCATION):
            request_id, _, action = path[len(_INVOCATION) :].partition("/")
            if method != "POST" or not request_id or action not in ("response", "error"):
                return _not_found(path)
            if action == "response":
                post = ResponsePost(
                    request.body, request.size, too_large=request.size > MAX_RESPONSE_BYTES
                )
                return backend.invocation_response(request_id, post)
            return backend.invocation_error(request_id, _error_post(request))
        return _not_found(path)


def _comma_header(headers: list[tuple[bytes, bytes]], name: bytes) -> list[bytes]:
    """The comma-separated values of every ``name`` header, lower-cased (as h11 reads them)."""
    return [v.strip().lower() for k, value in headers if k == name for v in value.split(b",")]


def _encode(reply: Reply, keep_alive: bool) -> bytes | None:
    """The whole response as h11 wrote it; None for a header h11 would refuse to send."""
    out = [b"HTTP/1.1 %d \r\ncontent-length: %d\r\n" % (reply.status, len(reply.body))]
    for k, v in reply.headers:
        name, value = k.encode(), v.encode()
        if not _TOKEN.fullmatch(name) or not _FIELD_VALUE.fullmatch(value):
            return None
        out.append(b"%s: %s\r\n" % (name, value))
    if not keep_alive:
        out.append(b"Connection: close\r\n")
    out.append(b"\r\n")
    out.append(reply.body)
    return b"".join(out)


def _error_post(request: _Request) -> ErrorPost:
    return ErrorPost(
        request.body,
        request.headers.get("content-type", ""),
        request.headers.get("lambda-runtime-function-error-type", ""),
    )


def _not_found(path: str) -> Reply:
    return Reply.error(404, "NotFound", f"No such path: {path}")


def _method_not_allowed() -> Reply:
    return Reply.error(405, "MethodNotAllowed", "Method not allowed")
