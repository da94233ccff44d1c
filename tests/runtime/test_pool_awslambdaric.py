"""AWS's own runtime interface client runs unchanged as a worker (Runtime API compatibility)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from redrive.runtime import FunctionSpec
from redrive.runtime.interpreters import Interpreter
from tests.runtime.envkit import body, kit, run, texts

pytest.importorskip("awslambdaric")


def ric_command(spec: FunctionSpec, interpreter: Interpreter) -> list[str]:
    # the interpreter running the tests is the one that has awslambdaric installed
    return [sys.executable, "-u", "-m", "awslambdaric", spec.handler]


HANDLER = """
    import time
    count = 0

    def handler(event, context):
        global count
        count += 1
        print("event", event)
        if event.get("fail"):
            raise ValueError("bad input")
        time.sleep(event.get("sleep", 0))
        return {"count": count, "remaining": context.get_remaining_time_in_millis()}
"""


def test_awslambdaric_serves_invocations(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path, worker_command=ric_command) as k:
            spec = k.function(HANDLER, timeout=120)
            first = await k.invoke(spec, {"a": 1})
            assert first.kind == "success" and first.cold
            assert body(first)["count"] == 1
            assert "event {'a': 1}\n" in texts(first)

            real0 = time.monotonic()
            slept = await k.invoke(spec, {"sleep": 60})  # the shim works under awslambdaric
            assert time.monotonic() - real0 < 2.0
            assert not slept.cold and body(slept)["count"] == 2
            assert 60_000 <= slept.duration_ms < 60_500
            assert 59_000 <= body(slept)["remaining"] <= 60_000

            failed = await k.invoke(spec, {"fail": True})
            assert failed.kind == "error" and failed.error_type == "ValueError"
            error = body(failed)
            assert error["errorMessage"] == "bad input"
            assert error["requestId"] == failed.request_id

    run(main)


def test_awslambdaric_init_error(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path, worker_command=ric_command) as k:
            spec = k.function("x = 1\n", handler="handler.missing")
            outcome = await k.invoke(spec)
            assert outcome.kind == "error", outcome
            assert outcome.error_type == "Runtime.HandlerNotFound", outcome
            assert k.runtime.environments() == []

    run(main)
