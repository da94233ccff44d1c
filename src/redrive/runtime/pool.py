"""The runtime: execution environments per function version, started, reused and reaped.

:class:`Runtime` is what the Lambda service calls. ``await runtime.invoke(spec, invocation)``
(or ``runtime.submit(...)`` for a task) finds an idle environment for ``spec.key`` (the one
that became idle last) or cold-starts one, runs the event there and returns the
:class:`~redrive.runtime.types.Outcome`. Concurrency limits are not its business: the service
decides before calling.

Time (DESIGN.md): ``invoke`` holds the clock from its first line, before any ``await``, until
the environment holds it for the event, so a virtual clock never jumps past a starting
handler; ``submit`` takes that hold before it returns the task. Environments release their
hold while their handler sleeps or while redrive serves one of its AWS calls: the engine
wraps each call carrying an environment's access key in :meth:`Runtime.waiting`.

Init (``environment.py``): up to 10 emulated seconds; an init that does not finish is retried
once inside the invocation with the function's timeout (AWS's suppressed init: the outcome has
no ``init_duration_ms`` and its duration includes the init).

Cold starts of redrive's own bootstrap fork from a per-interpreter zygote once it is ready
(``zygote/``): ~10 ms instead of 40-70 ms. The first cold start of an interpreter starts it;
:meth:`Runtime.warm_up` does so ahead of time.

An idle environment is reaped after ``idle_timeout`` emulated seconds (a scheduler timer per
idle environment). A timed-out, crashed or out-of-memory environment is discarded (ERR-8: the
next invocation starts a fresh process and module state is lost). AWS resets such an
environment in place instead (same log stream, suppressed init on the next invocation);
redrive starts a new one, with a new log stream and an ordinary cold start.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import os
import string
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from redrive.kernel import Clock, Hold, Rng, Scheduler
from redrive.runtime import interpreters
from redrive.runtime.clockfile import ClockFile
from redrive.runtime.constants import DEFAULT_IDLE_TIMEOUT_S, INIT_TIMEOUT_S, LANG, TZ
from redrive.runtime.environment import Environment, Hooks, InitTimedOut, Launcher, State
from redrive.runtime.envvars import Credentials, WorkerSetup, worker_environment
from redrive.runtime.interpreters import Interpreter
from redrive.runtime.process import SpawnedProcess, WorkerProcess
from redrive.runtime.sdk import link_sdk
from redrive.runtime.sdk import supports as sdk_supports
from redrive.runtime.types import FunctionSpec, Invocation, Outcome, OutcomeCallback
from redrive.runtime.worker import BOOTSTRAP, CLOCK_FILE_ENV, WORKER_DIR
from redrive.runtime.zygote import Zygote, ZygoteError

#: ``(spec, interpreter) -> argv`` of a worker process
WorkerCommand = Callable[[FunctionSpec, Interpreter], Sequence[str]]

_KEY_CHARS = string.ascii_uppercase + string.digits
_SECRET_CHARS = string.ascii_letters + string.digits + "+/"


class PlatformLike(Protocol):
    """What the runtime needs of the platform (``redrive.services._base.Platform``)."""

    @property
    def clock(self) -> Clock: ...

    @property
    def scheduler(self) -> Scheduler: ...

    @property
    def rng(self) -> Rng: ...

    @property
    def work_dir(self) -> Path: ...

    @property
    def endpoint_url(self) -> str: ...


def bootstrap_command(spec: FunctionSpec, interpreter: Interpreter) -> list[str]:
    """redrive's own runtime: ``<python> -u <worker dir>/_redrive_bootstrap.py``."""
    return [interpreter.path, "-u", str(BOOTSTRAP)]


async def spawn(
    argv: Sequence[str], env: Mapping[str, str], cwd: str, stdout: int, stderr: int
) -> WorkerProcess:
    """Start a worker with fork+exec, in a session of its own."""
    return SpawnedProcess(argv, env=env, cwd=cwd, stdout=stdout, stderr=stderr)


class Runtime:
    """All execution environments of one engine."""

    def __init__(
        self,
        platform: PlatformLike,
        *,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT_S,
        interpreters: Mapping[str, str] | None = None,
        worker_command: WorkerCommand | None = None,
        launcher: Launcher | None = None,
        zygotes: bool = True,
    ) -> None:
        self.platform = platform
        self.idle_timeout = idle_timeout
        self._scheduler = platform.scheduler
        self._clock = platform.clock
        self._rng = platform.rng
        self._interpreter_overrides = dict(interpreters or {})
        self._interpreters: dict[str, Interpreter] = {}
        self._worker_command = worker_command or bootstrap_command
        self._launch = launcher or spawn
        # Fork servers only for our own bootstrap, started the plain way otherwise.
        self._use_zygotes = zygotes and worker_command is None and launcher is None
        self._zygotes: dict[str, Zygote] = {}
        self._zygote_starts: set[asyncio.Task[None]] = set()
        self._envs: dict[str, Environment] = {}
        self._idle: dict[tuple[str, ...], list[Environment]] = {}
        self._by_access_key: dict[str, Environment] = {}
        self._clock_file: ClockFile | None = None
        self._sdk_dir: Path | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._stopped = False

    # -- life ------------------------------------------------------------------------------

    def start(self) -> None:
        """Create the clock file the workers follow (call on the engine's loop)."""
        if self._clock_file is None:
            directory = Path(self.platform.work_dir) / "runtime"
            directory.mkdir(parents=True, exist_ok=True)
            self._clock_file = ClockFile(directory / "clock", self._clock)
        self._stopped = False

    async def shutdown(self) -> None:
        """Kill every worker and wait until each is reaped; then remove the clock file."""
        self._stopped = True
        envs = list(self._envs.values())
        for env in envs:
            env.kill()
        await asyncio.gather(*(env.close() for env in envs), return_exceptions=True)
        if self._closing:
            await asyncio.gather(*list(self._closing), return_exceptions=True)
        zygotes, self._zygotes = list(self._zygotes.values()), {}
        await asyncio.gather(*(z.close() for z in zygotes), return_exceptions=True)
        if self._zygote_starts:
            await asyncio.gather(*list(self._zygote_starts), return_exceptions=True)
        if self._clock_file is not None:
            self._clock_file.close()
            self._clock_file = None

    async def warm_up(self, runtime: str) -> bool:
        """Get ``runtime``'s fork server ready now (else the first cold start starts it).

        Returns whether cold starts of that runtime will fork from a zygote.
        """
        if not self._use_zygotes:
            return False
        if self._clock_file is None:
            self.start()
        interpreter = await self._interpreter(runtime)
        zygote = self._zygotes.get(interpreter.path)
        if zygote is None:
            self._start_zygote(interpreter)
            zygote = self._zygotes[interpreter.path]
        with contextlib.suppress(ZygoteError):
            await zygote.started()
        return zygote.ready

    # -- invoking --------------------------------------------------------------------------

    async def invoke(self, spec: FunctionSpec, invocation: Invocation) -> Outcome:
        """Run one event in an environment of ``spec`` (warm if one is idle, else cold)."""
        # Hold the clock before the first await: until the environment holds it for this
        # event, nothing may let a virtual clock jump past the invocation's start.
        return await self._invoke(spec, invocation, self._dispatch_hold(invocation))

    def submit(
        self,
        spec: FunctionSpec,
        invocation: Invocation,
        *,
        on_outcome: OutcomeCallback | None = None,
    ) -> asyncio.Task[Outcome]:
        """:meth:`invoke` as a task, the clock held from this call on (no gap to jump in).

        ``on_outcome`` is called synchronously with the outcome the moment it is known, before
        the task completes (e.g. to keep the clock from jumping until the caller has dealt
        with it, see :meth:`Scheduler.defer`).
        """
        hold = self._dispatch_hold(invocation)
        task = asyncio.get_running_loop().create_task(
            self._invoke(spec, invocation, hold, on_outcome)
        )
        task.add_done_callback(lambda _task: hold.release())  # also if cancelled before it ran
        return task

    def _dispatch_hold(self, invocation: Invocation) -> Hold:
        return self._scheduler.hold(f"invoke {invocation.request_id}")

    async def _invoke(
        self,
        spec: FunctionSpec,
        invocation: Invocation,
        dispatch: Hold,
        on_outcome: OutcomeCallback | None = None,
    ) -> Outcome:
        try:
            if self._stopped:
                raise RuntimeError("the runtime is shut down")
            env = self._take_idle(spec)
            if env is not None:
                future = env.assign(invocation, cold=False, on_outcome=on_outcome)
            else:
                env = await self._create(spec, init_deadline=self._clock.now() + INIT_TIMEOUT_S)
                future = env.assign(invocation, cold=True, on_outcome=on_outcome)
        finally:
            dispatch.release()
        try:
            return await future
        except InitTimedOut as timed_out:
            early_logs = timed_out.logs
        # AWS retries an init that ran out of time inside the invocation, where init and
        # handler together get the function's timeout ("suppressed init").
        dispatch = self._dispatch_hold(invocation)
        try:
            env = await self._create(spec, init_deadline=None)
            future = env.assign_with_init(
                invocation, deadline=self._clock.now() + spec.timeout_s, on_outcome=on_outcome
            )
        finally:
            dispatch.release()
        outcome = await future
        outcome.logs[:0] = early_logs
        return outcome

    def waiting(self, access_key_id: str | None) -> contextlib.AbstractContextManager[None]:
        """While redrive serves a call from the environment with this key, it does not compute.

        Unknown or missing keys (callers that are not handlers) change nothing.
        """
        env = self._by_access_key.get(access_key_id) if access_key_id else None
        if env is None:
            return contextlib.nullcontext()
        return env.waiting()

    def discard(
        self,
        function_name: str | None = None,
        *,
        account_id: str | None = None,
        region: str | None = None,
        key: tuple[str, ...] | None = None,
        version: str | None = None,
    ) -> int:
        """Stop reusing the matching environments (a function deleted or updated, or one of
        its versions deleted: ``version``).

        Idle ones are killed now; busy ones finish their invocation and are killed then.
        Returns how many matched.
        """
        matched = 0
        for env in list(self._envs.values()):
            spec = env.spec
            if function_name is not None and spec.function_name != function_name:
                continue
            if account_id is not None and spec.account_id != account_id:
                continue
            if region is not None and spec.region != region:
                continue
            if key is not None and spec.key != key:
                continue
            if version is not None and spec.version != version:
                continue
            matched += 1
            env.retired = True
            if env.state is State.IDLE:
                env.kill()
        return matched

    def environments(self, function_name: str | None = None) -> list[Environment]:
        """The live environments (optionally of one function), oldest first."""
        return [
            env
            for env in self._envs.values()
            if function_name is None or env.spec.function_name == function_name
        ]

    # -- internals ---------------------------------------------------------------------------

    def _take_idle(self, spec: FunctionSpec) -> Environment | None:
        stack = self._idle.get(spec.key)
        while stack:
            env = stack.pop()
            if env.state is State.IDLE and not env.retired:
                return env
        return None

    async def _create(self, spec: FunctionSpec, *, init_deadline: float | None) -> Environment:
        if self._clock_file is None:
            self.start()
        assert self._clock_file is not None
        interpreter = await self._interpreter(spec.runtime)
        stream_hex = self._rng.hex("runtime-log-streams", 32)
        day = datetime.datetime.fromtimestamp(self._clock.now(), datetime.timezone.utc)
        env = Environment(
            env_id=stream_hex,
            spec=spec,
            interpreter=interpreter,
            log_stream=f"{day:%Y/%m/%d}/[{spec.version}]{stream_hex}",
            credentials=self._new_credentials(),
            scheduler=self._scheduler,
            hooks=Hooks(idle=self._on_idle, gone=self._on_gone),
        )
        setup = WorkerSetup(
            worker_dir=str(WORKER_DIR),
            runtime_api=env.runtime_api,
            log_stream=env.log_stream,
            credentials=env.credentials,
            endpoint_url=self.platform.endpoint_url,
            clock_file=str(self._clock_file.path),
            interpreter=interpreter.path,
            sdk_dir=self._provided_sdk(interpreter),
        )
        self._envs[env.id] = env
        self._by_access_key[env.credentials.access_key_id] = env
        try:
            await env.start(
                self._worker_command(spec, interpreter),
                worker_environment(spec, setup),
                self._launcher(spec, interpreter),
                init_deadline=init_deadline,
            )
        except BaseException:
            self._on_gone(env)
            raise
        return env

    def _provided_sdk(self, interpreter: Interpreter) -> str:
        """The SDK directory for workers of ``interpreter``; "" for the interpreter running
        redrive, whose site-packages have it (see :mod:`.sdk`)."""
        if os.path.realpath(interpreter.path) == os.path.realpath(sys.executable):
            return ""
        if not sdk_supports(interpreter.version):
            return ""
        if self._sdk_dir is None:  # linked when first needed, not at every start
            self._sdk_dir = link_sdk(Path(self.platform.work_dir) / "runtime" / "sdk")
        return str(self._sdk_dir)

    def _launcher(self, spec: FunctionSpec, interpreter: Interpreter) -> Launcher:
        """Fork from the interpreter's zygote when it is ready, else start a process."""
        if not self._use_zygotes or any(
            name.startswith("PYTHON") and name != "PYTHONPATH" for name in spec.environment
        ):
            return self._launch
        zygote = self._zygotes.get(interpreter.path)
        if zygote is None:
            self._start_zygote(interpreter)  # ready for the next cold start
            return self._launch
        if not zygote.ready:
            return self._launch
        plain = self._launch

        async def fork(
            argv: Sequence[str], env: Mapping[str, str], cwd: str, stdout: int, stderr: int
        ) -> WorkerProcess:
            try:
                return await zygote.spawn(env, cwd, stdout, stderr)
            except ZygoteError:
                if self._stopped:
                    raise
                return await plain(argv, env, cwd, stdout, stderr)

        return fork

    def _start_zygote(self, interpreter: Interpreter) -> None:
        assert self._clock_file is not None
        env = {
            "PATH": os.pathsep.join(
                p for p in (os.path.dirname(interpreter.path), os.environ.get("PATH")) if p
            ),
            "LANG": LANG,
            "TZ": TZ,
            "PYTHONPATH": str(WORKER_DIR),
            CLOCK_FILE_ENV: str(self._clock_file.path),
        }
        zygote = Zygote(interpreter.path, str(BOOTSTRAP), env)
        self._zygotes[interpreter.path] = zygote
        task = asyncio.get_running_loop().create_task(self._run_zygote_start(zygote))
        self._zygote_starts.add(task)
        task.add_done_callback(self._zygote_starts.discard)

    async def _run_zygote_start(self, zygote: Zygote) -> None:
        # A zygote that fails to start is not an error: cold starts go on the plain way.
        with contextlib.suppress(ZygoteError):
            await zygote.start()

    async def _interpreter(self, runtime: str) -> Interpreter:
        chosen = self._interpreters.get(runtime)
        if chosen is None:
            # The first choice for a runtime probes interpreters (tens of ms): off the loop.
            chosen = await asyncio.to_thread(
                interpreters.choose, runtime, self._interpreter_overrides
            )
            self._interpreters[runtime] = chosen
        return chosen

    def _new_credentials(self) -> Credentials:
        stream = self._rng.stream("runtime-credentials")
        while True:
            key_id = "ASIA" + "".join(stream.choice(_KEY_CHARS) for _ in range(16))
            if key_id not in self._by_access_key:
                break
        secret = "".join(stream.choice(_SECRET_CHARS) for _ in range(40))
        token = "".join(stream.choice(_SECRET_CHARS) for _ in range(96))
        return Credentials(key_id, secret, token)

    def _on_idle(self, env: Environment) -> None:
        if self._stopped:
            env.kill()
            return
        self._idle.setdefault(env.spec.key, []).append(env)
        if env.idle_timer is not None:
            env.idle_timer.cancel()
        env.idle_timer = self._scheduler.call_at(
            self._clock.now() + self.idle_timeout, lambda: self._reap(env)
        )

    def _reap(self, env: Environment) -> None:
        env.idle_timer = None
        if env.state is State.IDLE:
            env.kill()

    def _on_gone(self, env: Environment) -> None:
        self._envs.pop(env.id, None)
        if self._by_access_key.get(env.credentials.access_key_id) is env:
            del self._by_access_key[env.credentials.access_key_id]
        stack = self._idle.get(env.spec.key)
        if stack and env in stack:
            stack.remove(env)
            if not stack:
                del self._idle[env.spec.key]
        # Reap the process and close its Runtime API in the background; shutdown waits.
        task = asyncio.get_running_loop().create_task(env.close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
