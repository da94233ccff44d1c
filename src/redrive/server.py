"""The HTTP server: AWS wire requests go to the engine, ``/_redrive/...`` is the control API.

Served by :mod:`redrive.http_server`. Control API (DESIGN.md, Contracts):

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
import signal
import socket
import threading
from collections.abc import Iterator

from redrive.engine import Engine
from redrive.http_server import HttpServer
from redrive.kernel import ClockModeError
from redrive.wire.dispatch import dispatch
from redrive.wire.http import HttpRequest, HttpResponse

CONTROL_PREFIX = "/_redrive/"
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
log = logging.getLogger("redrive.server")


def _json(status: int, body: object) -> HttpResponse:
    return HttpResponse(
        status, {"Content-Type": "application/json"}, json.dumps(body).encode()
    )


def _control_error(status: int, code: str, message: str) -> HttpResponse:
    return _json(status, {"error": code, "message": message})


class App:
    """What one engine answers over HTTP: AWS wire requests and the control API."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def handle(self, request: HttpRequest) -> HttpResponse:
        """The answer to ``request``; never raises."""
        if request.path.startswith(CONTROL_PREFIX):
            try:
                return await self.control(request)
            except Exception:
                log.exception("control request %s %s failed", request.method, request.path)
                return _control_error(500, "InternalError", "the control request failed")
        return await dispatch(request, self.engine, self.engine.new_request_id())

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


class Server:
    """Serves one engine on listening sockets: starts the engine, answers requests until told
    to stop (SIGTERM or SIGINT when run in the main thread, or :meth:`request_exit`), then
    lets requests in progress finish and stops the engine (it flushes and closes the store).
    A requested stop is a normal exit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.app = App(engine)
        self.started = False
        self.should_exit = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def serve(self, sockets: list[socket.socket]) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        http = HttpServer(self.app.handle)
        self.engine.start()
        try:
            await http.start(sockets)
            with self._signals_stop_serving():
                self.started = True
                if not self.should_exit:
                    await self._wake.wait()
            await http.stop()
        finally:
            await self.engine.stop()

    @contextlib.contextmanager
    def _signals_stop_serving(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        assert self._loop is not None
        for sig in _STOP_SIGNALS:
            self._loop.add_signal_handler(sig, self.request_exit)
        try:
            yield
        finally:
            for sig in _STOP_SIGNALS:
                self._loop.remove_signal_handler(sig)

    def request_exit(self) -> None:
        """Stop serving; safe to call from any thread."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(wake.set)


def make_server(engine: Engine) -> Server:
    return Server(engine)
