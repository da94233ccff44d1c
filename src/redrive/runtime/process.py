"""Worker processes: started in a session of their own, watched, measured and killed whole.

Every worker is the leader of a new session and process group, so killing the group also
kills whatever the handler forked, and nothing outlives its environment. Exit is noticed on
the event loop through a pidfd (``os.pidfd_open``, Linux >= 5.3), with a slow poll as the
fallback; the exit status is then reaped at once, so no zombie is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

ExitCallback = Callable[[int], None]

_FALLBACK_POLL_S = 0.05

#: How Go's ``os.ProcessState`` names signals, which is what the Lambda service prints in
#: ``Runtime exited with error: signal: <name>`` (ERR-4).
_GO_SIGNAL_NAMES = {
    signal.SIGABRT: "aborted",
    signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception",
    signal.SIGHUP: "hangup",
    signal.SIGILL: "illegal instruction",
    signal.SIGINT: "interrupt",
    signal.SIGKILL: "killed",
    signal.SIGPIPE: "broken pipe",
    signal.SIGQUIT: "quit",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGSYS: "bad system call",
    signal.SIGTERM: "terminated",
    signal.SIGTRAP: "trace/breakpoint trap",
    signal.SIGUSR1: "user defined signal 1",
    signal.SIGUSR2: "user defined signal 2",
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded",
}


def exit_reason(returncode: int) -> str:
    """ERR-4's wording for how a runtime process ended (``returncode`` as subprocess has it)."""
    if returncode == 0:
        return "Runtime exited without providing a reason"
    if returncode > 0:
        return f"Runtime exited with error: exit status {returncode}"
    try:
        name = _GO_SIGNAL_NAMES.get(signal.Signals(-returncode), f"signal {-returncode}")
    except ValueError:
        name = f"signal {-returncode}"
    return f"Runtime exited with error: signal: {name}"


@dataclass(frozen=True)
class Memory:
    """Resident memory of a process now and at its peak, in KiB (``/proc/<pid>/status``)."""

    rss_kb: int
    peak_kb: int


#: ``VmHWM`` comes before ``VmRSS`` in ``/proc/<pid>/status``
_STATUS_MEMORY = re.compile(rb"VmHWM:\s*(\d+).*?VmRSS:\s*(\d+)", re.DOTALL)


def read_memory(status_fd: int) -> Memory | None:
    """``VmRSS`` and ``VmHWM`` from an open ``/proc/<pid>/status``; None when the process is
    gone. Reading at offset 0 makes the kernel write the file afresh, so one descriptor
    serves every read (cheaper than opening the file each time)."""
    try:
        text = os.pread(status_fd, 8192, 0)
    except OSError:
        return None
    found = _STATUS_MEMORY.search(text)
    if found is None:  # a zombie has no memory lines
        return None
    peak, rss = int(found[1]), int(found[2])
    return Memory(rss, max(rss, peak))


def kill_group(pid: int, *, alive: bool = True) -> None:
    """SIGKILL the process group led by ``pid``, and ``pid`` itself should it have left it.

    ``alive=False`` after ``pid`` was reaped: only what is left of its group is killed.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if alive:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


class WorkerProcess(ABC):
    """One running worker."""

    pid: int

    def __init__(self) -> None:
        self.returncode: int | None = None
        self._exit_callbacks: list[ExitCallback] = []
        self._exited = asyncio.get_running_loop().create_future()
        self._status_fd: int | None = None

    def on_exit(self, callback: ExitCallback) -> None:
        """Call ``callback(returncode)`` once the process has ended (at once if it has)."""
        if self.returncode is not None:
            callback(self.returncode)
        else:
            self._exit_callbacks.append(callback)

    def kill(self) -> None:
        if self.returncode is None:
            kill_group(self.pid)

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def memory(self) -> Memory | None:
        if self.returncode is not None:
            return None
        if self._status_fd is None:
            try:
                self._status_fd = os.open(f"/proc/{self.pid}/status", os.O_RDONLY)
            except OSError:
                return None
        return read_memory(self._status_fd)

    @abstractmethod
    def close(self) -> None:
        """Stop watching (after the process is gone)."""

    def _set_exited(self, returncode: int) -> None:
        if self.returncode is not None:
            return
        self.returncode = returncode
        if self._status_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._status_fd)
            self._status_fd = None
        # A handler's forked children die with it, as its whole sandbox would.
        kill_group(self.pid, alive=False)
        if not self._exited.done():
            self._exited.set_result(returncode)
        callbacks, self._exit_callbacks = self._exit_callbacks, []
        for callback in callbacks:
            callback(returncode)


class SpawnedProcess(WorkerProcess):
    """A worker started with ``subprocess.Popen`` (fork+exec) in a new session."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: str,
        stdout: int,
        stderr: int,
    ) -> None:
        super().__init__()
        self._popen = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            close_fds=True,
        )
        self.pid = self._popen.pid
        self._loop = asyncio.get_running_loop()
        self._pidfd: int | None = None
        self._poll_handle: asyncio.TimerHandle | None = None
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            self._poll_handle = self._loop.call_later(_FALLBACK_POLL_S, self._poll)
        else:
            self._loop.add_reader(self._pidfd, self._poll)

    def _poll(self) -> None:
        self._poll_handle = None
        code = self._popen.poll()
        if code is None:
            if self._pidfd is None:
                self._poll_handle = self._loop.call_later(_FALLBACK_POLL_S, self._poll)
            return
        self.close()
        self._set_exited(code)

    def close(self) -> None:
        if self._pidfd is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self._pidfd)
            with contextlib.suppress(OSError):
                os.close(self._pidfd)
            self._pidfd = None
        if self._poll_handle is not None:
            self._poll_handle.cancel()
            self._poll_handle = None
