"""A fake Lambda Runtime API for the worker tests (no tests of its own).

It serves events to a real ``_redrive_bootstrap.py`` subprocess, records what the worker
posts, implements redrive's sleep endpoint and owns a clock file written by the engine's own
:class:`redrive.runtime.clockfile.ClockFile`. Sleeps either jump a virtual clock straight to
``until`` and answer at once (``sleep_mode="jump"``), or wait until the clock gets there by
itself and notice a worker that gives up (``"hold"``: used with a wall clock, or to watch an
asyncio wait being cancelled by real I/O).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from redrive.kernel.clock import Clock, VirtualClock
from redrive.runtime.clockfile import ClockFile
from redrive.runtime.worker import BOOTSTRAP, WORKER_DIR

T0 = 1_700_000_000.0
WAIT = 20.0  # upper bound (real seconds) for anything a worker must do; never reached when green
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"
PY39 = "/root/.pyenv/versions/3.9.18/bin/python3.9"


def interpreter_params() -> list[Any]:
    """The worker tests' interpreters: this one, and Python 3.9 (skipped when absent)."""
    import pytest

    params = [pytest.param(sys.executable, id="current")]
    if os.path.exists(PY39):
        params.append(pytest.param(PY39, id="py39"))
    else:
        params.append(pytest.param(PY39, id="py39", marks=pytest.mark.skip("no python3.9")))
    return params


def other_interpreters() -> list[str]:
    """Further CPython 3.10+ interpreters next to PY39 (pyenv) or on PATH that really start."""
    candidates = sorted(str(p) for p in Path(PY39).parents[2].glob("3.1*/bin/python3.1*"))
    candidates += [shutil.which(f"python3.{minor}") or "" for minor in range(10, 15)]
    found: dict[str, str] = {}
    mine = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for exe in candidates:
        if not exe or not exe.split("python")[-1].replace(".", "").isdigit():
            continue
        probe = subprocess.run(
            [exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, check=False,
        )
        version = probe.stdout.strip()
        if probe.returncode == 0 and version != mine and version not in found:
            found[version] = exe
    return [found[v] for v in sorted(found)]


@dataclass
class Posted:
    """One POST from the worker."""

    kind: str  # "response", "error", "init_error"
    request_id: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SleepCall:
    until: float
    answered: bool = False
    cancelled: bool = False


@dataclass
class _Event:
    request_id: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FakeRuntimeApi:
    """The engine's side of the Runtime API, just enough to drive the worker."""

    def __init__(
        self, directory: Path, clock: Clock | None = None, sleep_mode: str = "jump"
    ) -> None:
        self.clock: Clock = clock if clock is not None else VirtualClock(start=T0)
        self.clock_file = ClockFile(directory / "clock.bin", self.clock)
        self.sleep_mode = sleep_mode
        self.cond = threading.Condition()
        self.events: list[_Event] = []
        self.posted: list[Posted] = []
        self.sleeps: list[SleepCall] = []
        self.next_calls: list[float] = []  # real time.monotonic() of each GET /next
        self.closed = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(
                self, status: int, body: bytes = b"{}", headers: dict[str, str] | None = None
            ) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the worker is gone (killed at the end of a test)
                    self.close_connection = True

            def do_GET(self) -> None:
                if self.path != "/2018-06-01/runtime/invocation/next":
                    self._answer(404, b'{"message": "not found"}')
                    return
                event = api._take_event()
                if event is None:
                    self.close_connection = True
                    self._answer(500, b'{"message": "shutting down"}')
                    return
                self._answer(200, event.body, event.headers)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                parts = self.path.split("/")
                if self.path == "/2018-06-01/runtime/redrive/sleep":
                    api._sleep(self, json.loads(body)["until"])
                    return
                if self.path == "/2018-06-01/runtime/init/error":
                    api._post(Posted("init_error", "", body, headers))
                    self._answer(202)
                    return
                kind = parts[5] if len(parts) == 6 and parts[3] == "invocation" else ""
                if kind in ("response", "error"):
                    api._post(Posted(kind, parts[4], body, headers))
                    self._answer(202)
                    return
                self._answer(404, b'{"message": "not found"}')

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                if not isinstance(sys.exc_info()[1], OSError):  # a killed worker resets
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    # -- events --------------------------------------------------------------------------------

    def add_event(
        self,
        payload: Any = None,
        *,
        raw: bytes | None = None,
        request_id: str | None = None,
        deadline: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Queue an event; returns its request id. ``deadline`` is emulated epoch seconds."""
        rid = request_id or str(uuid.uuid4())
        when = deadline if deadline is not None else self.clock.now() + 3.0
        all_headers = {
            "Lambda-Runtime-Aws-Request-Id": rid,
            "Lambda-Runtime-Deadline-Ms": str(int(when * 1000)),
            "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
            "Lambda-Runtime-Trace-Id": f"Root=1-{rid[:8]}-{rid[-12:]};Sampled=0",
        }
        all_headers.update(headers or {})
        body = raw if raw is not None else json.dumps(payload).encode()
        with self.cond:
            self.events.append(_Event(rid, body, all_headers))
            self.cond.notify_all()
        return rid

    def _take_event(self) -> _Event | None:
        with self.cond:
            self.next_calls.append(time.monotonic())
            self.cond.notify_all()
            while not self.events and not self.closed:
                self.cond.wait()
            return self.events.pop(0) if self.events else None

    def _post(self, posted: Posted) -> None:
        with self.cond:
            self.posted.append(posted)
            self.cond.notify_all()

    def wait_for(self, kind: str | None = None, request_id: str | None = None) -> Posted:
        """The first POST matching kind/request id (waits up to WAIT real seconds)."""

        def match() -> Posted | None:
            for p in self.posted:
                if kind not in (None, p.kind) or request_id not in (None, p.request_id):
                    continue
                return p
            return None

        with self.cond:
            if not self.cond.wait_for(lambda: match() is not None, timeout=WAIT):
                raise AssertionError(f"no {kind or 'post'} for {request_id}; got {self.posted}")
            found = match()
            assert found is not None
            return found

    def result(self, request_id: str) -> Posted:
        """The response or error posted for ``request_id``."""
        with self.cond:
            ok = self.cond.wait_for(
                lambda: any(p.request_id == request_id for p in self.posted), timeout=WAIT
            )
            if not ok:
                raise AssertionError(f"no answer for {request_id}; got {self.posted}")
            return next(p for p in self.posted if p.request_id == request_id)

    def wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait (up to WAIT real seconds) until ``condition`` holds."""
        with self.cond:
            if not self.cond.wait_for(condition, timeout=WAIT):
                raise AssertionError("condition not reached")

    def wait_next_calls(self, n: int) -> None:
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.next_calls) >= n, timeout=WAIT):
                raise AssertionError(f"worker made {len(self.next_calls)} GET /next, expected {n}")

    # -- sleeping ------------------------------------------------------------------------------

    def _sleep(self, handler: BaseHTTPRequestHandler, until: float) -> None:
        call = SleepCall(until)
        with self.cond:
            self.sleeps.append(call)
            self.cond.notify_all()
        if self.sleep_mode == "jump":
            with self.cond:
                if isinstance(self.clock, VirtualClock):
                    self.clock.jump_to(until)
        else:  # hold: wait for the clock; notice a worker that closes the connection
            sock = handler.connection
            while self.clock.now() < until and not self.closed:
                readable, _, _ = select.select([sock], [], [], 0.005)
                if readable and not sock.recv(1, 0x2):  # MSG_PEEK: EOF means cancelled
                    with self.cond:
                        call.cancelled = True
                        self.cond.notify_all()
                    handler.close_connection = True
                    return
        call.answered = True
        handler._answer(200, b"{}")  # type: ignore[attr-defined]

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()
        self.clock_file.close()


class Worker:
    """A real bootstrap subprocess served by a :class:`FakeRuntimeApi`."""

    def __init__(
        self,
        api: FakeRuntimeApi,
        task_root: Path,
        handler: str,
        *,
        python: str = sys.executable,
        env: dict[str, str] | None = None,
        clock_file: bool = True,
    ) -> None:
        self.api = api
        full = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "PYTHONPATH": f"{WORKER_DIR}{os.pathsep}{task_root}",
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2023/11/14/[$LATEST]0123456789abcdef0123456789abcdef",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(WORKER_DIR),
            "_HANDLER": handler,
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "TZ": ":UTC",
            "AWS_ACCESS_KEY_ID": "AKIDREDRIVE0001",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_SESSION_TOKEN": "token",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
        }
        if clock_file:
            full["REDRIVE_CLOCK_FILE"] = str(api.clock_file.path)
        full.update(env or {})
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [python, "-u", str(BOOTSTRAP)],
            cwd=task_root,
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._out: str | None = None
        self._err: str | None = None

    def wait_exit(self) -> int:
        """Wait for the process to exit by itself; returns its status."""
        self._collect(self.proc.communicate(timeout=WAIT))
        return self.proc.returncode

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self._collect(self.proc.communicate(timeout=WAIT))

    def _collect(self, outputs: tuple[bytes, bytes]) -> None:
        if self._out is None:
            self._out = outputs[0].decode("utf-8", "replace")
            self._err = outputs[1].decode("utf-8", "replace")

    @property
    def stdout(self) -> str:
        """Everything written to stdout (stops the worker first)."""
        self.stop()
        assert self._out is not None
        return self._out

    @property
    def stderr(self) -> str:
        self.stop()
        assert self._err is not None
        return self._err


class Harness:
    """Fake API + task root + the workers started in one test."""

    def __init__(
        self, tmp_path: Path, clock: Clock | None = None, sleep_mode: str = "jump"
    ) -> None:
        self.root = tmp_path / "task"
        self.root.mkdir()
        self.api = FakeRuntimeApi(tmp_path, clock, sleep_mode)
        self.workers: list[Worker] = []

    def write(self, relpath: str, source: str) -> None:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)

    def start(self, handler: str = "handler.handler", **kwargs: Any) -> Worker:
        worker = Worker(self.api, self.root, handler, **kwargs)
        self.workers.append(worker)
        return worker

    def invoke(self, payload: Any = None, **kwargs: Any) -> Posted:
        return self.api.result(self.api.add_event(payload, **kwargs))

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.api.close()
