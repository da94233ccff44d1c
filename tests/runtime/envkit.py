"""Helpers for the runtime's engine-side tests (no tests of its own).

A :class:`Kit` drives a real :class:`~redrive.runtime.pool.Runtime` on the test's own asyncio
loop, over a real clock, scheduler and seeded generator and a temporary work directory, with
real handler files in temporary code directories, run by the real worker bootstrap.
"""

from __future__ import annotations

import asyncio
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redrive.kernel import Clock, Rng, Scheduler, VirtualClock, WallClock
from redrive.runtime import FunctionSpec, Invocation, Outcome
from redrive.runtime.pool import Runtime

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z
ACCOUNT = "000000000000"
REGION = "us-east-1"
#: the runtime whose interpreter is the one running the tests (it has boto3, awslambdaric)
OWN_RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"


@dataclass
class Plat:
    """The platform as the runtime sees it (``redrive.services._base.Platform``'s fields)."""

    clock: Clock
    scheduler: Scheduler
    rng: Rng
    work_dir: Path
    endpoint_url: str = "http://127.0.0.1:4566"


@dataclass
class Kit:
    runtime: Runtime
    platform: Plat
    tmp: Path
    specs: list[FunctionSpec] = field(default_factory=list)

    @property
    def clock(self) -> Clock:
        return self.platform.clock

    @property
    def scheduler(self) -> Scheduler:
        return self.platform.scheduler

    def function(
        self,
        source: str,
        *,
        name: str | None = None,
        handler: str = "handler.handler",
        timeout: int = 30,
        memory: int = 128,
        runtime: str = OWN_RUNTIME,
        environment: dict[str, str] | None = None,
        files: dict[str, str] | None = None,
    ) -> FunctionSpec:
        """A function whose ``handler.py`` is ``source`` (dedented)."""
        name = name or f"fn-{len(self.specs)}"
        code = self.tmp / "code" / name
        code.mkdir(parents=True)
        (code / "handler.py").write_text(textwrap.dedent(source))
        for rel, text in (files or {}).items():
            (code / rel).parent.mkdir(parents=True, exist_ok=True)
            (code / rel).write_text(textwrap.dedent(text))
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
        spec = FunctionSpec(
            function_name=name,
            version="$LATEST",
            function_arn=arn,
            region=REGION,
            account_id=ACCOUNT,
            runtime=runtime,
            handler=handler,
            code_dir=code,
            code_sha256=uuid.uuid4().hex,
            revision="1",
            memory_mb=memory,
            timeout_s=timeout,
            environment=dict(environment or {}),
        )
        self.specs.append(spec)
        return spec

    def submit(self, spec: FunctionSpec, payload: Any = None) -> asyncio.Task[Outcome]:
        body = payload if isinstance(payload, bytes) else _json(payload)
        request_id = str(uuid.uuid4())
        invocation = Invocation(request_id, body, spec.function_arn)
        return self.runtime.submit(spec, invocation)

    async def invoke(self, spec: FunctionSpec, payload: Any = None) -> Outcome:
        """Invoke and let emulated time pass (jump under the virtual clock) until done."""
        task = self.submit(spec, payload)
        await self.scheduler.run_until(task)
        return task.result()

    async def until(self, condition: Callable[[], bool], real_timeout: float = 20.0) -> None:
        """Wait (real time, polling the loop) until ``condition`` holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + real_timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.002)


@asynccontextmanager
async def kit(
    tmp_path: Path,
    *,
    clock: str = "virtual",
    scale: float = 1.0,
    **runtime_options: Any,
) -> AsyncIterator[Kit]:
    the_clock: Clock = VirtualClock(start=T0) if clock == "virtual" else WallClock(scale, T0)
    scheduler = Scheduler(the_clock)
    platform = Plat(the_clock, scheduler, Rng(0), tmp_path / "work")
    runtime = Runtime(platform, **runtime_options)
    runtime.start()
    scheduler.start()
    try:
        yield Kit(runtime, platform, tmp_path)
    finally:
        await runtime.shutdown()
        await scheduler.stop()
    assert the_clock.holds == 0, "a hold was not released"


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(_main(test))


async def _main(test: Callable[[], Awaitable[None]]) -> None:
    await test()


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live (not zombie) process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def body(outcome: Outcome) -> Any:
    import json

    return json.loads(outcome.payload)


def texts(outcome: Outcome) -> list[str]:
    return [line.text for line in outcome.logs]


def _json(value: Any) -> bytes:
    import json

    return json.dumps({} if value is None else value).encode()

