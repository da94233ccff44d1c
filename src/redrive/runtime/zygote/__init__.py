"""Fast cold starts: a fork server ("zygote") per interpreter that forks ready-made workers.

Starting ``<python> -u _redrive_bootstrap.py`` costs 20-60 ms on a small machine (interpreter
start-up, ``site`` and its ``.pth`` files, the bootstrap's imports). A zygote pays that once:
it is started with the worker directory on ``PYTHONPATH`` and the runtime's clock file (so
``sitecustomize`` installs the time shim), imports the bootstrap and the modules it uses, and
then forks a child per cold start. The child puts the worker's environment variables, working
directory, ``sys.path``, ``sys.argv`` and stdout/stderr in place and runs the bootstrap as
``__main__`` - from then on it is the process ``<python> -u <bootstrap>`` would have been,
minus the start-up time. Protocol and child set-up: ``zygote/server.py``.

Used only for redrive's own bootstrap, and only when the function's environment sets no
``PYTHON*`` variable other than ``PYTHONPATH`` (those act at interpreter start, which a forked
child skips); anything else is started with fork+exec. A zygote that fails falls back to
fork+exec too. Requires from the worker side: the shim reads per-environment variables
(``AWS_LAMBDA_RUNTIME_API``, ``_REDRIVE_SHIM_PID``) when it needs them, not at install.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
from collections.abc import Mapping
from pathlib import Path

from redrive.runtime.process import WorkerProcess, kill_group

SERVER = str(Path(__file__).resolve().parent / "server.py")
_START_TIMEOUT_S = 10.0
_MAX_MESSAGE = 1 << 20


class ZygoteError(RuntimeError):
    """The zygote could not start or fork."""


class ZygoteChild(WorkerProcess):
    """A worker forked by a zygote; its exit status comes from the zygote."""

    def __init__(self, pid: int, zygote: Zygote) -> None:
        super().__init__()
        self.pid = pid
        self._zygote = zygote

    def close(self) -> None:
        self._zygote.forget(self.pid)


class Zygote:
    """One fork server for one interpreter (and one clock file)."""

    def __init__(self, python: str, bootstrap: str, env: Mapping[str, str]) -> None:
        self.python = python
        self._bootstrap = bootstrap
        self._env = dict(env)
        self._loop = asyncio.get_running_loop()
        self._sock: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._ready: asyncio.Future[None] = self._loop.create_future()
        self._pending: dict[int, asyncio.Future[ZygoteChild]] = {}
        self._children: dict[int, ZygoteChild] = {}
        self._send_waiters: list[asyncio.Future[None]] = []
        self._next_id = 0
        self.failed: str | None = None

    @property
    def ready(self) -> bool:
        return self._ready.done() and self.failed is None

    async def started(self) -> None:
        """Wait until :meth:`start` (running elsewhere) has finished; raise if it failed."""
        await asyncio.shield(self._ready)
        if self.failed is not None:
            raise ZygoteError(self.failed)

    async def start(self) -> None:
        """Start the zygote and wait until it has imported everything (raises on failure)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = subprocess.Popen(
                [self.python, "-u", SERVER, str(theirs.fileno()), self._bootstrap],
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=[theirs.fileno()],
                start_new_session=True,
            )
        except OSError as error:
            ours.close()
            self._fail(f"cannot start {self.python}: {error}")
            raise ZygoteError(self.failed) from error
        finally:
            theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self._loop.add_reader(ours.fileno(), self._readable)
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), _START_TIMEOUT_S)
        except (asyncio.TimeoutError, TimeoutError):
            self._fail("the zygote did not get ready in time")
        if self.failed is not None:
            raise ZygoteError(self.failed)

    async def spawn(
        self, env: Mapping[str, str], cwd: str, stdout: int, stderr: int
    ) -> ZygoteChild:
        """Fork a worker with this environment, working directory and output pipes."""
        if not self.ready or self._sock is None:
            raise ZygoteError(self.failed or "the zygote is not ready")
        self._next_id += 1
        request_id = self._next_id
        future: asyncio.Future[ZygoteChild] = self._loop.create_future()
        self._pending[request_id] = future
        message = json.dumps({"id": request_id, "env": dict(env), "cwd": cwd}).encode()
        while True:
            sock = self._open_socket()  # may have failed while this sender waited
            if sock is None:
                self._pending.pop(request_id, None)
                raise ZygoteError(self.failed or "the zygote is not ready")
            try:
                socket.send_fds(sock, [message], [stdout, stderr])
                break
            except BlockingIOError:
                # Many cold starts at once fill the socket's buffer: wait, don't fail (a
                # failed zygote takes its running children along).
                await self._writable(sock)
            except OSError as error:
                self._pending.pop(request_id, None)
                self._fail(f"the zygote's socket failed: {error}")
                raise ZygoteError(self.failed) from error
        return await future

    def _open_socket(self) -> socket.socket | None:
        return self._sock

    async def _writable(self, sock: socket.socket) -> None:
        """Until ``sock`` can take another message (or the zygote failed)."""
        waiter: asyncio.Future[None] = self._loop.create_future()
        if not self._send_waiters:
            self._loop.add_writer(sock.fileno(), self._wake_senders)
        self._send_waiters.append(waiter)
        await waiter

    def _wake_senders(self) -> None:
        waiters, self._send_waiters = self._send_waiters, []
        if self._sock is not None:
            self._loop.remove_writer(self._sock.fileno())
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def forget(self, pid: int) -> None:
        self._children.pop(pid, None)

    async def close(self) -> None:
        """Stop the zygote (its children are their environments' business)."""
        self._fail("closed")
        process, self._process = self._process, None
        if process is not None:
            kill_group(process.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(process.wait, 5.0)

    def _readable(self) -> None:
        sock = self._sock
        while sock is not None:
            try:
                data = sock.recv(_MAX_MESSAGE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._fail("the zygote exited")
                return
            try:
                message = json.loads(data)
            except ValueError:
                continue
            self._handle(message)
            sock = self._sock

    def _handle(self, message: dict[str, object]) -> None:
        if "ready" in message:
            if not self._ready.done():
                self._ready.set_result(None)
        elif "exit" in message:
            pid, code = message["exit"], message.get("code")
            child = self._children.pop(pid, None) if isinstance(pid, int) else None
            if child is not None and isinstance(code, int):
                child._set_exited(code)
        elif "id" in message:
            request_id = message["id"]
            future = self._pending.pop(request_id, None) if isinstance(request_id, int) else None
            if future is None or future.done():
                return
            pid = message.get("pid")
            if isinstance(pid, int):
                # Registered here, before any exit message of this pid can be read.
                child = ZygoteChild(pid, self)
                self._children[pid] = child
                future.set_result(child)
            else:
                future.set_exception(ZygoteError(str(message.get("error", "fork failed"))))

    def _fail(self, reason: str) -> None:
        if self.failed is None:
            self.failed = reason
        if not self._ready.done():
            self._ready.set_result(None)
        if self._send_waiters:
            self._wake_senders()
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(sock.fileno())
            sock.close()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ZygoteError(reason))
        self._pending.clear()
        # Children die with their zygote (PR_SET_PDEATHSIG); make sure, and tell their
        # environments, which would otherwise never hear of the exit.
        children, self._children = self._children, {}
        for child in children.values():
            child.kill()
            child._set_exited(-9)
