"""One execution environment: a worker process, its Runtime API, its holds on the clock.

States::

    STARTING --first GET /next--> BUSY (event waiting) or IDLE
    IDLE --assign--> BUSY --response/error posted--> IDLE
    any --timeout, crash, init error, out of memory, reap, discard--> DEAD

**Holds** (DESIGN.md, Time). The environment holds the clock whenever its process computes:
from spawn until its first ``GET /next`` (init) and from the moment an event is assigned until
the response or error is posted. It lets go while the worker sleeps through the sleep
endpoint and while redrive serves one of the handler's own AWS calls (:meth:`waiting`); a
sleep or call counts only for the phase (init, or one invocation) in which it began, so a
background thread asleep since an earlier invocation does not free the clock during the next
one. Holds are taken synchronously (a scheduler callback or an HTTP request, before any
await) and always released when the environment dies. Output already in the pipes is read
before every release, so its lines carry the time before the clock moves on.

**Init.** The INIT phase may take :data:`INIT_TIMEOUT_S` emulated seconds (AWS on-demand);
:class:`InitTimedOut` then tells the pool, which retries once with the init inside the
invocation, sharing the function's timeout (AWS's "suppressed init"). An init error (posted
to ``/init/error``) or an exit during init ends the invocation with that error and the
environment; the next invocation starts a new one. AWS would also retry a failed init inside
the invoke; redrive reports the first failure (the handler's module runs once).

**Output.** stdout and stderr are read as they come (``output.py``), stamped with the emulated
time of reading and kept for the invocation under way; lines written during init or between
invocations go to the next outcome (init lines carry timestamps before ``started_at``). Once a
response or error is posted, what is already in the pipes is read before the outcome is
completed, so the handler's output precedes ``END``. At most the last 256 KiB of lines are kept
per invocation, with a ``REDRIVE:`` line saying how much was dropped.

**Memory.** While the worker computes, ``/proc/<pid>/status`` is read every
:data:`MEMORY_POLL_S` real seconds (the first time after :data:`MEMORY_FIRST_POLL_S`), and
once more when a response arrives; when the peak
resident size (``VmHWM``) passes ``MemorySize`` MiB the process group is killed and the
invocation fails with ``Runtime.OutOfMemory`` and ``Max Memory Used`` = ``MemorySize``. Only
the worker process itself is measured, not processes it forks. ``Max Memory Used`` is the
worker's peak resident size (about 15 MB for a trivial handler, where AWS reports 35-40 MB).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import enum
import json
import math
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from redrive.kernel import Handle, Hold, Scheduler
from redrive.runtime.constants import (
    DRAIN_MAX_BYTES,
    EXIT_ERROR_TYPE,
    MAX_RESPONSE_BYTES,
    MEMORY_FIRST_POLL_S,
    MEMORY_POLL_S,
    OUT_OF_MEMORY_ERROR_TYPE,
    RESPONSE_TOO_LARGE_ERROR_TYPE,
    TIMEOUT_ERROR_TYPE,
)
from redrive.runtime.envvars import Credentials
from redrive.runtime.interpreters import Interpreter
from redrive.runtime.output import LineSplitter, LogBuffer, PipeReader, line_text
from redrive.runtime.process import WorkerProcess, exit_reason
from redrive.runtime.runtime_api import (
    ACCEPTED,
    ErrorPost,
    Reply,
    ResponsePost,
    RuntimeApiServer,
)
from redrive.runtime.types import (
    FunctionSpec,
    Invocation,
    LogLine,
    Outcome,
    OutcomeCallback,
)

#: Starts a worker: ``(argv, env, cwd, stdout_fd, stderr_fd) -> process``.
Launcher = Callable[
    [Sequence[str], Mapping[str, str], str, int, int], Awaitable[WorkerProcess]
]

_REAP_WAIT_S = 5.0


class State(enum.Enum):
    STARTING = "starting"
    IDLE = "idle"
    BUSY = "busy"
    DEAD = "dead"


class InitTimedOut(Exception):
    """The INIT phase passed its limit; the pool retries inside the invocation."""

    def __init__(self, logs: list[LogLine]) -> None:
        super().__init__("init timed out")
        self.logs = logs


@dataclass(frozen=True)
class Hooks:
    """How an environment tells its pool that it became idle or is gone."""

    idle: Callable[[Environment], None]
    gone: Callable[[Environment], None]


@dataclass(eq=False)
class _Flight:
    """One invocation assigned to this environment."""

    invocation: Invocation
    future: asyncio.Future[Outcome]
    cold: bool
    suppressed_init: bool
    started_at: float | None = None
    deadline: float | None = None
    delivered: bool = False
    timer: Handle | None = None
    #: called with the outcome the moment it is known, before the future resolves
    on_outcome: OutcomeCallback | None = None


@dataclass
class _Output:
    splitter: LineSplitter = field(default_factory=LineSplitter)
    reader: PipeReader | None = None


class Environment:
    """An execution environment for one function version (see the module docstring)."""

    def __init__(
        self,
        *,
        env_id: str,
        spec: FunctionSpec,
        interpreter: Interpreter,
        log_stream: str,
        credentials: Credentials,
        scheduler: Scheduler,
        hooks: Hooks,
    ) -> None:
        self.id = env_id
        self.spec = spec
        self.interpreter = interpreter
        self.log_stream = log_stream
        self.credentials = credentials
        self._scheduler = scheduler
        self._clock = scheduler.clock
        self._hooks = hooks
        self._loop = asyncio.get_running_loop()
        self._server = RuntimeApiServer(self)
        self._state = State.STARTING
        self._process: WorkerProcess | None = None
        self._outputs = (_Output(), _Output())
        self._logs = LogBuffer()
        self._hold: Hold | None = None
        self._phase = 0
        self._blockers: dict[object, int] = {}
        self._sleepers: dict[asyncio.Future[None], Handle] = {}
        self._next_waiter: asyncio.Future[Reply] | None = None
        self._flight: _Flight | None = None
        self._last_request_id: str | None = None
        self._spawned_at = self._clock.now()
        self._init_timer: Handle | None = None
        self._init_duration_ms: float | None = None
        #: the worker's exit status, once it has exited
        self._exit_code: int | None = None
        self._memory_handle: asyncio.TimerHandle | None = None
        self._peak_kb = 0
        self._cleanup: asyncio.Task[None] | None = None
        self.created_at = self._clock.now()
        self.invocations = 0
        #: the pool's idle-reaping timer, cancelled when the environment gets work
        self.idle_timer: Handle | None = None
        #: set by the pool when the environment must not take more work (function changed)
        self.retired = False

    # -- introspection ---------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def runtime_api(self) -> str:
        """``AWS_LAMBDA_RUNTIME_API`` of this environment."""
        return self._server.address

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def holding(self) -> bool:
        """Whether this environment holds the clock right now (it computes)."""
        return self._hold is not None

    @property
    def max_memory_used_mb(self) -> int:
        return math.ceil(self._peak_kb / 1024)

    def __repr__(self) -> str:
        return f"<Environment {self.id} {self.spec.function_name} {self._state.value}>"

    # -- life ------------------------------------------------------------------------------

    async def start(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        launch: Launcher,
        *,
        init_deadline: float | None,
    ) -> None:
        """Start the worker; the init hold is taken as soon as it runs.

        The caller holds the clock until then (the pool's dispatch hold).
        """
        await self._server.start()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        self._spawned_at = self._clock.now()
        try:
            process = await launch(argv, env, str(self.spec.code_dir), out_w, err_w)
        except BaseException:
            for fd in (out_r, err_r):
                os.close(fd)
            await self._server.close()
            self._state = State.DEAD
            raise
        finally:
            os.close(out_w)
            os.close(err_w)
        self._process = process
        if self._state is State.DEAD:  # killed (shutdown) while it was being started
            process.kill()
            for fd in (out_r, err_r):
                os.close(fd)
            await process.wait()
            process.close()
            raise RuntimeError(f"{self!r} was stopped while starting")
        self._phase += 1
        for output, fd in zip(self._outputs, (out_r, err_r), strict=True):
            output.reader = PipeReader(fd, self._output_handler(output.splitter), self._loop)
        self._sync_hold()
        if init_deadline is not None:
            self._init_timer = self._scheduler.call_at(init_deadline, self._on_init_timeout)
        process.on_exit(self._on_exit)

    def assign(
        self, invocation: Invocation, *, cold: bool, on_outcome: OutcomeCallback | None = None
    ) -> asyncio.Future[Outcome]:
        """Give this environment an event; the compute hold is taken before this returns.

        ``on_outcome`` is called synchronously with the outcome as soon as it is known.
        """
        return self._assign(invocation, cold=cold, suppressed_init=False, on_outcome=on_outcome)

    def assign_with_init(
        self,
        invocation: Invocation,
        *,
        deadline: float,
        on_outcome: OutcomeCallback | None = None,
    ) -> asyncio.Future[Outcome]:
        """Give a just-started environment an event whose init counts against its timeout."""
        return self._assign(
            invocation, cold=True, suppressed_init=True, deadline=deadline, on_outcome=on_outcome
        )

    def _assign(
        self,
        invocation: Invocation,
        *,
        cold: bool,
        suppressed_init: bool,
        deadline: float | None = None,
        on_outcome: OutcomeCallback | None = None,
    ) -> asyncio.Future[Outcome]:
        if self._flight is None and self._exit_code is not None:
            # The worker exited between its start and this assignment (a fork server that
            # failed takes its children along): the invocation fails as it would have a
            # moment later, with the runtime's exit.
            gone = _Flight(invocation, self._loop.create_future(), cold, suppressed_init)
            gone.on_outcome = on_outcome
            self._fail(gone, EXIT_ERROR_TYPE, f"RequestId: {invocation.request_id} Error: "
                       + exit_reason(self._exit_code))
            return gone.future
        if self._flight is not None or self._state not in (State.STARTING, State.IDLE):
            raise RuntimeError(f"{self!r} cannot take an invocation now")
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None
        flight = _Flight(invocation, self._loop.create_future(), cold, suppressed_init)
        flight.on_outcome = on_outcome
        if suppressed_init:
            assert deadline is not None
            flight.started_at = self._spawned_at
            flight.deadline = deadline
        elif self._state is State.IDLE:
            # A warm worker is normally waiting in /next already and gets the event at once;
            # one that is late to come back still has its time counted and times out.
            flight.started_at = self._clock.now()
            flight.deadline = flight.started_at + self.spec.timeout_s
        if flight.deadline is not None:
            flight.timer = self._scheduler.call_at(flight.deadline, self._on_timeout)
        self._flight = flight
        if self._state is State.IDLE:
            self._state = State.BUSY
            self._phase += 1
        self._sync_hold()
        waiter = self._next_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(self._deliver(flight))
        return flight.future

    def kill(self) -> None:
        """End this environment now (an invocation in flight fails with ``signal: killed``)."""
        self._terminate()

    async def close(self) -> None:
        """Kill the worker and wait until it is reaped and the Runtime API is closed."""
        self._terminate()
        if self._cleanup is not None:
            await asyncio.shield(self._cleanup)

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """While redrive serves one of this environment's own calls, it does not compute."""
        token = object()
        self._blockers[token] = self._phase
        self._sync_hold()
        try:
            yield
        finally:
            self._blockers.pop(token, None)
            self._sync_hold()

    # -- the Runtime API (RuntimeApiBackend) -------------------------------------------------

    def request_arrived(self) -> None:
        self._drain()

    async def next_invocation(self) -> Reply:
        if self._state is State.DEAD:
            return Reply.error(500, "ServiceUnavailable", "The environment is shutting down")
        if self._state is State.STARTING:
            self._init_done()
        flight = self._flight
        if flight is not None:
            if flight.delivered:
                return _invalid_state("InvocationNext")
            return self._deliver(flight)
        waiter: asyncio.Future[Reply] = self._loop.create_future()
        self._next_waiter = waiter
        try:
            return await waiter
        finally:
            if self._next_waiter is waiter:
                self._next_waiter = None

    def invocation_response(self, request_id: str, post: ResponsePost) -> Reply:
        flight = self._accept_result(request_id, "InvocationResponse")
        if isinstance(flight, Reply):
            return flight
        if post.too_large:
            message = (
                "Response payload size exceeded maximum allowed payload size "
                f"({MAX_RESPONSE_BYTES} bytes)."
            )
            self._finish(
                flight,
                "error",
                _json({"errorMessage": message, "errorType": RESPONSE_TOO_LARGE_ERROR_TYPE}),
                RESPONSE_TOO_LARGE_ERROR_TYPE,
            )
            self._become_idle()
            return Reply.error(
                413,
                "RequestEntityTooLarge",
                f"Exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes).",
            )
        # _check_memory just read the peak: do not read /proc again in _finish
        self._finish(flight, "success", post.body, None, memory_mb=self.max_memory_used_mb)
        self._become_idle()
        return ACCEPTED

    def invocation_error(self, request_id: str, post: ErrorPost) -> Reply:
        flight = self._accept_result(request_id, "InvocationErrorResponse")
        if isinstance(flight, Reply):
            return flight
        payload, error_type = _error_object(post)
        self._finish(flight, "error", payload, error_type, memory_mb=self.max_memory_used_mb)
        self._become_idle()
        return ACCEPTED

    def init_error(self, post: ErrorPost) -> Reply:
        if self._state is not State.STARTING:
            return _invalid_state("InitError")
        self._init_duration_ms = self._since_spawn_ms()
        payload, error_type = _error_object(post)
        flight = self._flight
        if flight is not None:
            self._finish(flight, "error", payload, error_type)
        self._terminate()
        return ACCEPTED

    async def sleep_until(self, until: float) -> Reply:
        if self._state is State.DEAD or until <= self._clock.now():
            return Reply.json(200, {})
        future: asyncio.Future[None] = self._loop.create_future()
        self._blockers[future] = self._phase
        self._sync_hold()
        self._sleepers[future] = self._scheduler.call_at(until, lambda: self._wake(future))
        try:
            await future
        finally:
            handle = self._sleepers.pop(future, None)
            if handle is not None:  # not woken: the connection or the environment went away
                handle.cancel()
                self._blockers.pop(future, None)
                self._sync_hold()
        return Reply.json(200, {})

    # -- internals ---------------------------------------------------------------------------

    def _wake(self, future: asyncio.Future[None]) -> None:
        if self._sleepers.pop(future, None) is None:
            return
        self._blockers.pop(future, None)
        self._sync_hold()  # the hold is taken here, in the scheduler's callback
        if not future.done():
            future.set_result(None)

    def _alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def _sync_hold(self) -> None:
        blocked = any(phase == self._phase for phase in self._blockers.values())
        want = (
            self._state in (State.STARTING, State.BUSY) and not blocked and self._alive()
        )
        if want and self._hold is None:
            self._hold = self._scheduler.hold(f"environment {self.id}")
            self._schedule_memory_check(MEMORY_FIRST_POLL_S)
        elif not want and self._hold is not None:
            self._drain()
            hold, self._hold = self._hold, None
            hold.release()

    def _init_done(self) -> None:
        if self._init_timer is not None:
            self._init_timer.cancel()
            self._init_timer = None
        self._init_duration_ms = self._since_spawn_ms()
        self._phase += 1
        if self._flight is not None:
            self._state = State.BUSY
            self._sync_hold()
        else:
            self._become_idle()

    def _deliver(self, flight: _Flight) -> Reply:
        now = self._clock.now()
        if flight.started_at is None:
            flight.started_at = now
        if flight.deadline is None:
            flight.deadline = flight.started_at + self.spec.timeout_s
        if flight.timer is None:
            flight.timer = self._scheduler.call_at(flight.deadline, self._on_timeout)
        flight.delivered = True
        self.invocations += 1
        inv = flight.invocation
        headers = [
            ("Content-Type", "application/json"),
            ("Lambda-Runtime-Aws-Request-Id", inv.request_id),
            ("Lambda-Runtime-Deadline-Ms", str(int(flight.deadline * 1000))),
            ("Lambda-Runtime-Invoked-Function-Arn", inv.invoked_function_arn),
        ]
        if inv.trace_id:
            headers.append(("Lambda-Runtime-Trace-Id", inv.trace_id))
        if inv.client_context:
            headers.append(("Lambda-Runtime-Client-Context", _client_context(inv.client_context)))
        if inv.cognito_identity:
            headers.append(("Lambda-Runtime-Cognito-Identity", inv.cognito_identity))
        return Reply(200, inv.payload, tuple(headers))

    def _accept_result(self, request_id: str, transition: str) -> _Flight | Reply:
        """The invocation a response or error post finishes, or the reply refusing the post
        (wrong request id, or the environment found out of memory and killed)."""
        refused = self._check_request_id(request_id, transition)
        if refused is not None:
            return refused
        flight = self._flight
        assert flight is not None
        if not self._check_memory():
            return Reply.error(500, "ServiceUnavailable", "The environment ran out of memory")
        return flight

    def _check_request_id(self, request_id: str, transition: str) -> Reply | None:
        flight = self._flight
        if flight is not None and flight.delivered:
            if request_id == flight.invocation.request_id:
                return None
            return Reply.error(400, "InvalidRequestID", "Invalid request ID")
        if request_id == self._last_request_id:
            return _invalid_state(transition)
        return Reply.error(400, "InvalidRequestID", "Invalid request ID")

    def _become_idle(self) -> None:
        if self._state is State.DEAD:
            return
        if self.retired:
            self._terminate()
            return
        self._state = State.IDLE
        self._sync_hold()
        self._hooks.idle(self)

    def _finish(
        self,
        flight: _Flight,
        kind: str,
        payload: bytes,
        error_type: str | None,
        *,
        memory_mb: int | None = None,
    ) -> None:
        if flight.timer is not None:
            flight.timer.cancel()
        if self._flight is flight:
            self._flight = None
        self._last_request_id = flight.invocation.request_id
        self._drain()
        self._flush_partial_lines()
        if memory_mb is None:
            self._check_memory(kill=False)
            memory_mb = self.max_memory_used_mb
        ended = self._clock.now()
        started = flight.started_at if flight.started_at is not None else ended
        outcome = Outcome(
            kind=kind,
            payload=payload,
            error_type=error_type,
            request_id=flight.invocation.request_id,
            environment_id=self.id,
            log_stream=self.log_stream,
            cold=flight.cold,
            started_at=started,
            ended_at=ended,
            duration_ms=max(0.0, (ended - started) * 1000.0),
            init_duration_ms=(
                self._init_duration_ms if flight.cold and not flight.suppressed_init else None
            ),
            max_memory_used_mb=memory_mb,
            interpreter=self.interpreter.label if flight.cold else "",
            logs=self._logs.take(),
        )
        if not flight.future.done():
            if flight.on_outcome is not None:
                flight.on_outcome(outcome)
            flight.future.set_result(outcome)

    def _fail(self, flight: _Flight, error_type: str, message: str, **kw: int) -> None:
        body = {"errorType": error_type, "errorMessage": message}
        self._finish(flight, "error", _json(body), error_type, **kw)

    def _on_timeout(self) -> None:
        flight = self._flight
        if flight is None or self._state is State.DEAD:
            return
        request_id = flight.invocation.request_id
        message = (
            f"RequestId: {request_id} Error: "
            f"Task timed out after {float(self.spec.timeout_s):.2f} seconds"
        )
        body = {"errorType": TIMEOUT_ERROR_TYPE, "errorMessage": message}
        self._finish(flight, "timeout", _json(body), TIMEOUT_ERROR_TYPE)
        self._terminate()

    def _on_init_timeout(self) -> None:
        self._init_timer = None
        if self._state is not State.STARTING:
            return
        flight = self._flight
        if flight is not None:
            self._flight = None
            self._drain()
            self._flush_partial_lines()
            if not flight.future.done():
                flight.future.set_exception(InitTimedOut(self._logs.take()))
        self._terminate()

    def _on_exit(self, returncode: int) -> None:
        self._exit_code = returncode
        if self._state is State.DEAD:
            return
        if self._state is State.STARTING:
            self._init_duration_ms = self._since_spawn_ms()
        flight = self._flight
        if flight is not None:
            request_id = flight.invocation.request_id
            self._fail(flight, EXIT_ERROR_TYPE, f"RequestId: {request_id} Error: "
                       + exit_reason(returncode))
        self._terminate()

    def _out_of_memory(self) -> None:
        flight = self._flight
        if flight is not None:
            request_id = flight.invocation.request_id
            self._fail(
                flight,
                OUT_OF_MEMORY_ERROR_TYPE,
                f"RequestId: {request_id} Error: " + exit_reason(-9),
                memory_mb=self.spec.memory_mb,
            )
        self._terminate()

    def _terminate(self) -> None:
        if self._state is State.DEAD:
            return
        flight = self._flight
        if flight is not None:  # killed from outside (discard, shutdown) while working
            request_id = flight.invocation.request_id
            self._fail(flight, EXIT_ERROR_TYPE, f"RequestId: {request_id} Error: "
                       + exit_reason(-9))
        self._state = State.DEAD
        for timer in (self._init_timer, self.idle_timer):
            if timer is not None:
                timer.cancel()
        self._init_timer = self.idle_timer = None
        if self._memory_handle is not None:
            self._memory_handle.cancel()
            self._memory_handle = None
        for future, handle in list(self._sleepers.items()):
            handle.cancel()
            future.cancel()
        self._sleepers.clear()
        self._blockers.clear()
        if self._next_waiter is not None and not self._next_waiter.done():
            self._next_waiter.cancel()
        self._sync_hold()
        if self._process is not None:
            self._process.kill()
        self._cleanup = self._loop.create_task(self._clean_up())
        self._hooks.gone(self)

    async def _clean_up(self) -> None:
        process = self._process
        if process is not None:
            with contextlib.suppress(asyncio.TimeoutError, TimeoutError):
                await asyncio.wait_for(process.wait(), _REAP_WAIT_S)
            process.close()
        for output in self._outputs:
            if output.reader is not None:
                output.reader.close()
        await self._server.close()

    # -- output and memory -------------------------------------------------------------------

    def _output_handler(self, splitter: LineSplitter) -> Callable[[bytes], None]:
        def on_data(data: bytes) -> None:
            lines = splitter.feed(data)
            if lines:
                stamp = int(self._clock.now() * 1000)
                for raw in lines:
                    self._logs.add(LogLine(stamp, line_text(raw)))

        return on_data

    def _drain(self) -> None:
        for output in self._outputs:
            if output.reader is not None:
                output.reader.drain(DRAIN_MAX_BYTES)

    def _flush_partial_lines(self) -> None:
        stamp = int(self._clock.now() * 1000)
        for output in self._outputs:
            raw = output.splitter.flush()
            if raw is not None:
                self._logs.add(LogLine(stamp, line_text(raw)))

    def _schedule_memory_check(self, delay: float = MEMORY_POLL_S) -> None:
        if self._memory_handle is None and self._state is not State.DEAD:
            self._memory_handle = self._loop.call_later(delay, self._memory_tick)

    def _memory_tick(self) -> None:
        self._memory_handle = None
        if self._check_memory() and self._hold is not None:
            self._schedule_memory_check()

    def _check_memory(self, *, kill: bool = True) -> bool:
        """Record the peak; False (and the environment killed) past ``MemorySize``."""
        process = self._process
        if process is None:
            return True
        memory = process.memory()
        if memory is None:
            return True
        self._peak_kb = max(self._peak_kb, memory.peak_kb)
        if kill and memory.peak_kb > self.spec.memory_mb * 1024:
            self._out_of_memory()
            return False
        return True

    def _since_spawn_ms(self) -> float:
        return max(0.0, (self._clock.now() - self._spawned_at) * 1000.0)


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _invalid_state(transition: str) -> Reply:
    return Reply.error(
        403,
        "InvalidStateTransition",
        f"State transition to {transition} failed for runtime. "
        "Error: State transition is not allowed",
    )


def _error_object(post: ErrorPost) -> tuple[bytes, str]:
    """The error payload as posted (ERR-1/2/5) and its ``errorType``."""
    header_type = post.error_type_header
    try:
        value = json.loads(post.body) if post.body else None
    except ValueError:
        value = None
    if isinstance(value, dict):
        error_type = value.get("errorType")
        if not isinstance(error_type, str) or not error_type:
            error_type = header_type or "Unhandled"
        return post.body, error_type
    error_type = header_type or "Unhandled"
    message = post.body.decode("utf-8", "replace") if post.body else ""
    return _json({"errorMessage": message, "errorType": error_type}), error_type


def _client_context(value: str) -> str:
    """The Invoke API takes ``ClientContext`` as base64 JSON; the runtime gets the JSON."""
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value
