"""The HTTP server: AWS wire requests go to the engine, ``/_redrive/...`` is the control API.

A plain ASGI application served by uvicorn. Control API (DESIGN.md, Contracts):

* ``GET /_redrive/health`` -> ``{"status": "ok"}``
* ``GET /_redrive/clock`` -> ``{"now": <epoch s>, "mode": "wall"|"virtual", "scale": K}``
* ``POST /_redrive/clock/advance`` ``{"seconds": S}`` -> ``{"now": ...}``; 400 under the
  wall clock
* ``GET /_redrive/ledger[?function=NAME][&request_id=ID]`` -> ``{"attempts": [...]}``, the ledger
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from types import FrameType
from typing import Any
from urllib.parse import quote

import uvicorn

from redrive.engine import Engine
from redrive.kernel import ClockModeError
from redrive.wire.dispatch import dispatch
from redrive.wire.http import HttpRequest, HttpResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CONTROL_PREFIX = "/_redrive/"
log = logging.getLogger("redrive.server")


def _json(status: int, body: object) -> HttpResponse:
    return HttpResponse(
        status, {"Content-Type": "application/json"}, json.dumps(body).encode()
    )


def _control_error(status: int, code: str, message: str) -> HttpResponse:
    return _json(status, {"error": code, "message": message})


class App:
    """The ASGI application of one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = await _read_request(scope, receive)
        if request.path.startswith(CONTROL_PREFIX):
            response = await self.control(request)
        else:
            response = await dispatch(request, self.engine, self.engine.new_request_id())
        await _write_response(send, response)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.engine.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.engine.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def control(self, request: HttpRequest) -> HttpResponse:
        route = (request.method, request.path.rstrip("/"))
        clock = self.engine.platform.clock
        if route == ("GET", "/_redrive/health"):
            return _json(200, {"status": "ok"})
        if route == ("GET", "/_redrive/clock"):
            return _json(200, {"now": clock.now(), "mode": clock.mode, "scale": clock.scale})
        if route == ("POST", "/_redrive/clock/advance"):
            return await self._advance(request)
        if route == ("GET", "/_redrive/ledger"):
            return self._ledger(request)
        return _control_error(
            404, "NotFound", f"no control endpoint {request.method} {request.path}"
        )

    def _ledger(self, request: HttpRequest) -> HttpResponse:
        params = dict(request.query_params())
        unknown = sorted(set(params) - {"function", "request_id"})
        if unknown:
            return _control_error(
                400,
                "BadRequest",
                f"unknown ledger filter(s) {unknown}; known: function, request_id",
            )
        entries = self.engine.ledger(
            function=params.get("function"), request_id=params.get("request_id")
        )
        return _json(200, {"attempts": entries})

    async def _advance(self, request: HttpRequest) -> HttpResponse:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return _control_error(400, "BadRequest", "body must be JSON like {\"seconds\": 60}")
        seconds = body.get("seconds") if isinstance(body, dict) else None
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not math.isfinite(seconds)
            or seconds < 0
        ):
            return _control_error(
                400, "BadRequest", "\"seconds\" must be a non-negative number of seconds"
            )
        try:
            now = await self.engine.advance(float(seconds))
        except ClockModeError as exc:
            return _control_error(400, "WallClock", f"{exc}; start with --clock virtual")
        return _json(200, {"now": now})


async def _read_request(scope: Scope, receive: Receive) -> HttpRequest:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else quote(scope["path"])
    return HttpRequest(
        method=scope["method"],
        path=path.split("?", 1)[0],
        query=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=b"".join(chunks),
    )


async def _write_response(send: Send, response: HttpResponse) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers.items()
        if name.lower() != "content-length"
    ]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns on TCP_NODELAY only for sockets that say they are
    # TCP; without it every response waits on Nagle + delayed ACK (~40 ms a request).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, except that SIGTERM/SIGINT end the process with status 0.

    uvicorn stops gracefully on those signals (lifespan shutdown: the engine flushes and
    closes the store) and then raises the signal again, so the process dies of it. For
    redrive a requested stop is a normal exit.
    """

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self._captured_signals.clear()

    async def main_loop(self) -> None:
        # uvicorn's own loop looks at should_exit every 0.1 s; this one also wakes at once
        # when request_exit() is called, so an in-process Cloud closes without waiting.
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)
            should_exit = await self.on_tick(counter)

    def request_exit(self) -> None:
        """Stop serving; safe to call from any thread."""
        self.should_exit = True
        loop = getattr(self, "_loop", None)
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._wake.set)


def make_server(engine: Engine) -> _Server:
    config = uvicorn.Config(
        App(engine),
        lifespan="on",
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,  # nothing sits in front of redrive; skip the middleware
        timeout_graceful_shutdown=5,
    )
    return _Server(config)
