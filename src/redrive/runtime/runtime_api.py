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

The server knows nothing of processes or time: it parses requests (with ``h11`` on asyncio
streams, keep-alive) and hands them to a :class:`RuntimeApiBackend`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Protocol

import h11

from redrive.runtime.constants import API_PREFIX, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES

_NEXT = f"{API_PREFIX}/invocation/next"
_INVOCATION = f"{API_PREFIX}/invocation/"
_INIT_ERROR = f"{API_PREFIX}/init/error"
_SLEEP = f"{API_PREFIX}/redrive/sleep"

_READ_CHUNK = 65536


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
        except (ConnectionError, h11.ProtocolError, asyncio.IncompleteReadError):
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
        conn = h11.Connection(h11.SERVER)
        while True:
            request = await self._read_request(conn, reader, writer)
            if request is None:
                return
            reply = await self._until_disconnected(self._dispatch(request), conn, reader)
            if reply is None:
                return
            headers = [(b"content-length", str(len(reply.body)).encode())]
            headers.extend((k.encode(), v.encode()) for k, v in reply.headers)
            out = [conn.send(h11.Response(status_code=reply.status, headers=headers)) or b""]
            if reply.body:
                out.append(conn.send(h11.Data(data=reply.body)) or b"")
            out.append(conn.send(h11.EndOfMessage()) or b"")
            writer.write(b"".join(out))  # one write: no small-segment delays on keep-alive
            await writer.drain()
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                return
            conn.start_next_cycle()

    async def _until_disconnected(
        self, work: Coroutine[object, object, Reply], conn: h11.Connection,
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
                conn.receive_data(data)  # a pipelined request: kept for the next cycle
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
                    conn.receive_data(watch.result())  # arrived with the answer: keep it

    async def _read_request(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> _Request | None:
        request: _Request | None = None
        chunks: list[bytes] = []
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(_READ_CHUNK)
                conn.receive_data(data)  # b"" marks the end of the stream
                continue
            if event is h11.PAUSED or isinstance(event, h11.ConnectionClosed):
                return None
            if isinstance(event, h11.Request):
                request = _Request(
                    event.method.decode("ascii"),
                    event.target.decode("ascii", "replace"),
                    {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in event.headers},
                )
                self._backend.request_arrived()
                if conn.they_are_waiting_for_100_continue:
                    writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
            elif isinstance(event, h11.Data):
                assert request is not None
                request.size += len(event.data)
                if request.size <= MAX_REQUEST_BYTES:
                    chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                assert request is not None
                request.body = b"".join(chunks)
                return request
            else:  # pragma: no cover - h11 has no other events on the server side
                return None

    async def _dispatch(self, request: _Request) -> Reply:
        method, path = request.method, request.target.split("?", 1)[0]
        backend = self._backend
        if path == _NEXT:
            if method != "GET":
                return _method_not_allowed()
            return await backend.next_invocation()
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
            return await backend.sleep_until(until)
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
