"""redrive's HTTP/1.1 server: ``httptools`` parsing on asyncio protocols.

Why not an ASGI server: with one client, send → receive → delete on SQS was bounded by the
server, and under uvicorn about half of redrive's CPU per request went to the ASGI machinery
(a task, a scope and messages per request, extra loop turns), not to emulating AWS
(docs/benchmarks.md, ``bench/sqs_cycle.py``). Here a request goes straight from the parser to
the handler, and a handler that finishes without waiting (nearly every AWS call) is answered
in the same loop turn, without a task: :func:`start_eagerly`. Only handlers that wait (a long
poll, an invoke) get one.

What it does, as the SDKs and curl need it:

* keep-alive (HTTP/1.1), ``Connection: close`` and HTTP/1.0 end the connection after the
  answer; pipelined requests are answered one at a time, in order;
* ``Content-Length`` and chunked request bodies (``httptools`` decodes chunks);
  ``Expect: 100-continue`` is answered ``100 Continue`` at once;
* a request that cannot be parsed gets ``400`` and the connection ends, as uvicorn did;
* ``HEAD`` answers carry the headers only; every answer carries ``Date`` and
  ``Content-Length``;
* idle keep-alive connections close after :data:`IDLE_TIMEOUT_S` (uvicorn's default), so
  clients that leak connections cannot exhaust file descriptors;
* stopping: no new connections, idle ones close, requests in progress get
  :data:`GRACE_S` to finish and are then cancelled.

A client that goes away while its request is handled does not cancel the handler (the work
runs to its end, as it did under uvicorn); the answer is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections import deque
from collections.abc import Callable, Coroutine, Generator
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, TypeVar

import httptools

from redrive.wire.http import HttpRequest, HttpResponse

T = TypeVar("T")
Handler = Callable[[HttpRequest], Coroutine[Any, Any, HttpResponse]]

#: real seconds an idle keep-alive connection stays open (uvicorn's default)
IDLE_TIMEOUT_S = 5.0
#: real seconds requests in progress get to finish when the server stops
GRACE_S = 5.0
#: parsed requests queued on one connection before it stops reading (pipelining)
MAX_QUEUED = 32
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_BAD_REQUEST_BODY = b"Invalid HTTP request received."
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s"
    % (len(_BAD_REQUEST_BODY), _BAD_REQUEST_BODY)
)


class _Resume:
    """Awaiting it continues a coroutine that already ran up to its first suspension, where
    it yielded ``first``: the task that awaits this sees exactly what the coroutine yields,
    sends and throws go to the coroutine, and its return value is the result."""

    def __init__(self, coro: Coroutine[Any, Any, T], first: Any) -> None:
        self._coro = coro
        self._first = first

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, value = self._coro, self._first
        while True:
            try:
                sent = yield value
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:
                try:
                    value = coro.throw(exc)
                except StopIteration as done:
                    return done.value
            else:
                try:
                    value = coro.send(sent)
                except StopIteration as done:
                    return done.value


async def _finish(resume: _Resume) -> Any:
    return await resume


def start_eagerly(coro: Coroutine[Any, Any, T]) -> tuple[T] | asyncio.Task[T]:
    """Run ``coro`` now, in the caller's turn of the loop, up to its first suspension.

    ``(result,)`` if it finished without waiting; otherwise a task that goes on from where it
    stopped (what Python 3.12 calls an eager task). Until it suspends, the coroutine runs
    outside any task: ``asyncio.current_task()`` is ``None`` there.
    """
    try:
        first = coro.send(None)
    except StopIteration as done:
        return (done.value,)
    return asyncio.get_running_loop().create_task(_finish(_Resume(coro, first)))


class _HttpDate:
    """The ``Date`` header value, formatted once per real second."""

    def __init__(self) -> None:
        self._second = -1
        self._value = b""

    def value(self) -> bytes:
        now = int(time.time())
        if now != self._second:
            self._second, self._value = now, formatdate(now, usegmt=True).encode()
        return self._value


_REASONS = {status.value: status.phrase.encode() for status in HTTPStatus}


class _Connection(asyncio.Protocol):
    """One client connection: parses requests and answers them in order."""

    def __init__(self, server: HttpServer) -> None:
        self._server = server
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._queue: deque[tuple[HttpRequest, bool]] = deque()
        self._task: asyncio.Task[HttpResponse] | None = None
        self._url = b""
        self._headers: dict[str, str] = {}
        self._chunks: list[bytes] = []
        self._keep_alive = True
        self._reading = True
        self._in_message = False
        self._broken = False
        self.last_active = 0.0

    # -- asyncio.Protocol -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self.last_active = self._server.loop_time()
        self._server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._queue.clear()
        self._server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        if self._broken:
            return
        self.last_active = self._server.loop_time()
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # an Upgrade (h2c, websocket) redrive does not speak: the request itself is
            # served as plain HTTP/1.1, then the connection ends
            self._keep_alive = False
        except httptools.HttpParserError:
            self._broken = True  # answered 400 once the requests before it are answered
        self._answer_queued()

    # -- httptools callbacks ---------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._url, self._headers, self._chunks = b"", {}, []
        self._in_message = True

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        known = self._headers.get(key)
        self._headers[key] = text if known is None else f"{known}, {text}"

    def on_headers_complete(self) -> None:
        if (
            self._headers.get("expect", "").lower() == "100-continue"
            and self._parser.get_http_version() == "1.1"
            and self._transport is not None
        ):
            self._transport.write(_CONTINUE)

    def on_body(self, body: bytes) -> None:
        self._chunks.append(body)

    def on_message_complete(self) -> None:
        self._in_message = False
        url = httptools.parse_url(self._url)
        request = HttpRequest(
            method=self._parser.get_method().decode("ascii"),
            path=url.path.decode("latin-1") if url.path else "/",
            query=url.query.decode("latin-1") if url.query else "",
            headers=self._headers,
            body=b"".join(self._chunks),
        )
        keep_alive = self._keep_alive and self._parser.should_keep_alive()
        self._queue.append((request, keep_alive))
        if len(self._queue) >= MAX_QUEUED and self._reading and self._transport is not None:
            self._reading = False
            self._transport.pause_reading()

    # -- answering --------------------------------------------------------------------------------

    @property
    def idle(self) -> bool:
        """Nothing received, queued or in progress."""
        return self._task is None and not self._queue and not self._in_message

    def _answer_queued(self) -> None:
        """Answer queued requests, in order, until one has to wait."""
        while self._queue and self._task is None and self._transport is not None:
            request, keep_alive = self._queue[0]
            started = start_eagerly(self._server.handler(request))
            if isinstance(started, tuple):
                self._queue.popleft()
                self._write(request, started[0], keep_alive)
            else:
                self._task = started
                self._server.tasks.add(started)
                started.add_done_callback(self._answered)
        if self._broken and self._task is None and not self._queue:
            self._refuse()
        elif not self._reading and len(self._queue) < MAX_QUEUED and self._transport is not None:
            self._reading = True
            self._transport.resume_reading()

    def _answered(self, task: asyncio.Task[HttpResponse]) -> None:
        self._server.tasks.discard(task)
        self._task = None
        if not self._queue:  # the connection was lost meanwhile
            return
        request, keep_alive = self._queue.popleft()
        if task.cancelled():
            response = HttpResponse(503, {"Content-Type": "text/plain"}, b"redrive is stopping")
            keep_alive = False
        else:
            response = task.result()  # the handler never raises (see HttpServer)
        self._write(request, response, keep_alive)
        self._answer_queued()

    def _write(self, request: HttpRequest, response: HttpResponse, keep_alive: bool) -> None:
        transport = self._transport
        if transport is None:
            return
        self.last_active = self._server.loop_time()
        status = response.status
        head = [b"HTTP/1.1 %d %s\r\n" % (status, _REASONS.get(status, b"Unknown"))]
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "connection", "date"):
                head.append(f"{name}: {value}\r\n".encode("latin-1"))
        head.append(b"date: %s\r\n" % self._server.date.value())
        if not keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"content-length: %d\r\n\r\n" % len(response.body))
        if request.method != "HEAD":
            head.append(response.body)
        transport.write(b"".join(head))
        if not keep_alive:
            self.close()

    def _refuse(self) -> None:
        """The answer to a request that cannot be parsed; the connection ends."""
        if self._transport is not None:
            self._transport.write(_BAD_REQUEST)
        self.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
            self._server.connections.discard(self)


class HttpServer:
    """Serves ``handler`` (which must never raise) on listening sockets until stopped."""

    def __init__(
        self, handler: Handler, *, idle_timeout: float = IDLE_TIMEOUT_S, grace: float = GRACE_S
    ) -> None:
        self.handler = handler
        self.idle_timeout = idle_timeout
        self.grace = grace
        self.connections: set[_Connection] = set()
        self.tasks: set[asyncio.Task[HttpResponse]] = set()
        self.date = _HttpDate()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._servers: list[asyncio.Server] = []
        self._sweeper: asyncio.TimerHandle | None = None

    def loop_time(self) -> float:
        assert self._loop is not None
        return self._loop.time()

    async def start(self, sockets: list[socket.socket]) -> None:
        self._loop = asyncio.get_running_loop()
        for sock in sockets:
            server = await self._loop.create_server(lambda: _Connection(self), sock=sock)
            self._servers.append(server)
        self._sweep_idle()

    def _sweep_idle(self) -> None:
        """Close connections idle for ``idle_timeout``; looks again a few times per timeout."""
        assert self._loop is not None
        deadline = self._loop.time() - self.idle_timeout
        for connection in list(self.connections):
            if connection.idle and connection.last_active <= deadline:
                connection.close()
        self._sweeper = self._loop.call_later(self.idle_timeout / 4, self._sweep_idle)

    async def stop(self) -> None:
        """Stop accepting; let requests in progress finish (within ``grace`` seconds)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        for server in self._servers:
            server.close()
        for connection in list(self.connections):
            if connection.idle:
                connection.close()
        if self.tasks:
            _, pending = await asyncio.wait(list(self.tasks), timeout=self.grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        for connection in list(self.connections):
            connection.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()
