"""The fork server ("zygote") run by a worker interpreter; see ``redrive.runtime.zygote``.

Run as ``<python> -u server.py <control fd> <bootstrap>`` with the worker directory on
``PYTHONPATH`` and ``REDRIVE_CLOCK_FILE`` set, so ``sitecustomize`` has installed the time shim.
It imports the bootstrap and the modules it uses, then serves requests on the control socket
(``AF_UNIX``/``SOCK_SEQPACKET``, one JSON message per packet):

* engine -> zygote: ``{"id": n, "env": {...}, "cwd": "..."}`` with the worker's stdout and
  stderr file descriptors attached (``SCM_RIGHTS``); the zygote forks a child that becomes a
  worker exactly as ``<python> -u <bootstrap>`` would have, and answers
  ``{"id": n, "pid": p}`` (or ``{"id": n, "error": "..."}``);
* zygote -> engine: ``{"exit": p, "code": c}`` when a child ends (``c`` as
  ``subprocess.Popen.returncode``: negative for a signal).

The zygote dies with the engine (``PR_SET_PDEATHSIG``) and its children with it.

Runs inside worker interpreters (Python 3.9+, stdlib only, never imports redrive).
"""

from __future__ import annotations

import sys

# This file's directory is on sys.path only because it runs as a script: drop it first.
del sys.path[0]

import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import types  # noqa: E402

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_MAX_MESSAGE = 1 << 20
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # best effort: without it the engine still kills groups
        pass


def _preload(bootstrap: str) -> types.CodeType:
    """Import what every worker imports, so a forked child need not; compile the bootstrap."""
    import importlib
    import json  # noqa: F401
    import logging  # noqa: F401
    import select  # noqa: F401
    import traceback  # noqa: F401

    sys.path.insert(0, os.path.dirname(bootstrap))
    try:
        importlib.import_module(os.path.splitext(os.path.basename(bootstrap))[0])
    finally:
        del sys.path[0]
    with open(bootstrap, "rb") as source:
        return compile(source.read(), bootstrap, "exec", dont_inherit=True)


def _child(
    bootstrap: tuple[str, types.CodeType],
    control: socket.socket,
    request: dict[str, Any],
    fds: list[int],
) -> None:
    """In the forked child: become the worker process, never return."""
    path, program = bootstrap
    code = 70
    try:
        os.setsid()
        _die_with_parent()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        control.close()
        stdout, stderr = fds
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        for fd in (devnull, stdout, stderr):
            if fd > 2:
                os.close(fd)
        env = dict(request["env"])
        # What the shim set at install time holds for the whole process tree, and so does
        # the locale coercion (PEP 538) the interpreter applied when it started.
        for name, value in os.environ.items():
            if (name.startswith("_REDRIVE_") or name == "LC_CTYPE") and name not in env:
                env[name] = value
        env["_REDRIVE_SHIM_PID"] = str(os.getpid())
        os.environ.clear()
        os.environ.update(env)
        os.chdir(request["cwd"])
        # sys.path as `python <bootstrap>` with this PYTHONPATH would have it.
        zygote_entries = set(_pythonpath(_ZYGOTE_PYTHONPATH))
        base = [p for p in sys.path if p not in zygote_entries]
        sys.path[:] = [os.path.dirname(path), *_pythonpath(env.get("PYTHONPATH", "")), *base]
        sys.argv[:] = [path]
        main_module = types.ModuleType("__main__")
        main_module.__file__ = path
        sys.modules["__main__"] = main_module
        try:
            exec(program, main_module.__dict__)
            code = 0
        except SystemExit as exit_:
            status = exit_.code
            if status is None:
                code = 0
            elif isinstance(status, int):
                code = status
            else:
                print(status, file=sys.stderr)
                code = 1
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        import atexit

        atexit._run_exitfuncs()
    except BaseException:  # the child must never return into the zygote's loop
        pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code & 0xFF)


def _pythonpath(value: str) -> list[str]:
    return [entry for entry in value.split(os.pathsep) if entry]


_ZYGOTE_PYTHONPATH = os.environ.get("PYTHONPATH", "")


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    try:
        control.send(json.dumps(message).encode())
    except OSError:
        os._exit(0)  # the engine is gone


def _reap(control: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(control, {"exit": pid, "code": os.waitstatus_to_exitcode(status)})


def main() -> None:
    control_fd, bootstrap = int(sys.argv[1]), sys.argv[2]
    _die_with_parent()
    control = socket.socket(fileno=control_fd)
    program = _preload(bootstrap)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    import select

    _send(control, {"ready": os.getpid()})
    while True:
        try:
            readable, _, _ = select.select([control.fileno(), wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in readable:
            os.read(wake_r, 4096)
            _reap(control)
        if control.fileno() not in readable:
            continue
        try:
            data, fds, _flags, _addr = socket.recv_fds(control, _MAX_MESSAGE, 2)
        except InterruptedError:
            continue
        if not data:
            return  # the engine closed the control socket
        try:
            request = json.loads(data)
        except ValueError:
            for fd in fds:
                os.close(fd)
            continue
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            _send(control, {"id": request.get("id"), "error": "expected two descriptors"})
            continue
        try:
            pid = os.fork()
        except OSError as error:
            for fd in fds:
                os.close(fd)
            _send(control, {"id": request.get("id"), "error": str(error)})
            continue
        if pid == 0:
            os.close(wake_r)
            os.close(wake_w)
            _child((bootstrap, program), control, request, fds)
        for fd in fds:
            os.close(fd)
        _send(control, {"id": request.get("id"), "pid": pid})
        _reap(control)


if __name__ == "__main__":
    main()
