"""The worker side of execution environments: files run by the handler's own interpreter.

The files in this directory are executed by other Python interpreters (python3.9 to 3.13, the
one matching the function's runtime) that do not have redrive installed. They are stdlib-only,
Python 3.9-compatible and never import ``redrive``. The engine starts a worker as
``<python> -u <WORKER_DIR>/_redrive_bootstrap.py`` with ``PYTHONPATH=<WORKER_DIR>:<task root>``
(so :file:`sitecustomize.py` installs the time shim in the worker and in its child processes,
also under AWS's own ``awslambdaric``), cwd = the task root, and the Lambda environment
variables plus ``REDRIVE_CLOCK_FILE``.

``_redrive_bootstrap.py``
    the entry point: a stub that runs ``_redrive_runtime.main()``.
``_redrive_runtime.py``
    the default runtime: init, then the ``/runtime/invocation/next`` loop.
``_redrive_timeshim.py``
    emulated ``time``, ``datetime`` and asyncio waits, installed before user code.
``_redrive_http.py``
    a tiny keep-alive HTTP/1.1 client (``http.client`` costs ~25 ms to import).
``sitecustomize.py``
    installs the shim at interpreter start, then chains to the next ``sitecustomize``.

redrive's extensions to the Lambda Runtime API:

1. **Clock file.** ``REDRIVE_CLOCK_FILE`` names a 40-byte file, native ``"QdddQ"``:
   ``seq, base, real_base, rate, crc32(floats)`` under a seqlock; emulated now =
   ``base + rate * (time.monotonic() - real_base)``. Written by
   :class:`redrive.runtime.clockfile.ClockFile`; read by ``_redrive_timeshim.ClockReader``.
2. **Sleep endpoint.** ``POST /2018-06-01/runtime/redrive/sleep`` with body
   ``{"until": <emulated epoch seconds>}`` (``Content-Type: application/json``) blocks until
   emulated time has reached ``until``, then answers ``200 {}`` (any other status is raised
   to the sleeping code as ``RuntimeError``); while it blocks the environment counts as
   sleeping. Each thread of the worker uses its own keep-alive connection. **Closing that
   connection before the answer cancels the sleep**: asyncio waits do this when I/O arrives
   first, and so does a sleep interrupted by an exception (a signal handler raising); the
   engine must then stop counting the environment as sleeping. Only the worker process itself
   calls the endpoint - the one whose pid is in ``_REDRIVE_SHIM_PID`` (the bootstrap sets it
   to its own pid; without the variable a process counts as the worker); its child processes
   follow the clock file instead.
3. **Worker-set variables.** ``_REDRIVE_SHIM_PID`` (above) and ``_REDRIVE_MONOTONIC_ORIGIN``
   (emulated epoch seconds at which the emulated ``time.monotonic()`` is 0, shared by the
   worker's process tree) are set by the shim in the worker's own environment.
4. **Error type header.** ``/runtime/init/error`` carries
   ``Lambda-Runtime-Function-Error-Type: <errorType>``; ``/invocation/<id>/error`` carries
   ``Unhandled``. Bodies are the error objects of errors.md. A response of ``bytes`` is posted
   as is with ``Content-Type: application/unknown``; everything else as JSON.
5. **Output.** The worker flushes stdout and stderr before every POST. A log event that spans
   lines (a ``logging`` record, the ``[ERROR]`` event of a function error) is written as one
   line whose inner newlines are ``\r``; ``print`` output is written as is.
"""

from __future__ import annotations

from pathlib import Path

#: the directory to put first on a worker's PYTHONPATH
WORKER_DIR = Path(__file__).resolve().parent
#: the script the engine runs: ``<python> -u BOOTSTRAP``
BOOTSTRAP = WORKER_DIR / "_redrive_bootstrap.py"
#: the sleep endpoint's path on the Runtime API
SLEEP_PATH = "/2018-06-01/runtime/redrive/sleep"
#: environment variable naming the clock file
CLOCK_FILE_ENV = "REDRIVE_CLOCK_FILE"

__all__ = ["BOOTSTRAP", "CLOCK_FILE_ENV", "SLEEP_PATH", "WORKER_DIR"]
