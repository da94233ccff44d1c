"""Cold starts forked from a per-interpreter zygote behave like plain process starts."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path
from typing import Any

import pytest

from redrive.runtime.zygote import Zygote, ZygoteChild
from tests.runtime.envkit import OWN_RUNTIME, Kit, alive, body, kit, run

REPORT = """
    import os, sys
    import helper

    def handler(event, context):
        import __main__
        if event.get("exit") is not None:
            sys.exit(event["exit"])
        if event.get("kill"):
            os.kill(os.getpid(), signal.SIGKILL)
        return {
            "pid": os.getpid(),
            "ppid": os.getppid(),
            "pgid": os.getpgid(0),
            "path": sys.path,
            "argv": sys.argv,
            "cwd": os.getcwd(),
            "main": __main__.__file__,
            "env": dict(os.environ),
            "helper": helper.VALUE,
        }
    import signal
"""


def _spec(k: Kit, **options: Any) -> Any:
    return k.function(REPORT, files={"helper.py": "VALUE = 42\n"}, **options)


def _comparable(report: dict[str, Any], spec_dir: str) -> dict[str, Any]:
    env = {
        key: value.replace(spec_dir, "<code>")
        for key, value in report["env"].items()
        if key not in {
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_LOG_GROUP_NAME", "REDRIVE_CLOCK_FILE", "_REDRIVE_SHIM_PID",
            "_REDRIVE_MONOTONIC_ORIGIN",
        }
    }
    return {
        "path": [entry.replace(spec_dir, "<code>") for entry in report["path"]],
        "argv": report["argv"],
        "cwd": report["cwd"].replace(spec_dir, "<code>"),
        "main": report["main"],
        "env": env,
        "helper": report["helper"],
    }


def test_a_forked_worker_looks_like_a_started_one(tmp_path: Path) -> None:
    async def observe(zygotes: bool) -> dict[str, Any]:
        async with kit(tmp_path / str(zygotes), zygotes=zygotes) as k:
            assert await k.runtime.warm_up(OWN_RUNTIME) is zygotes
            spec = _spec(k, environment={"PYTHONPATH": "/opt/extra"})
            report = body(await k.invoke(spec))
            assert report["pgid"] == report["pid"]  # a session and group of its own
            forked = report["ppid"] != os.getpid()
            assert forked is zygotes
            return _comparable(report, str(spec.code_dir))

    async def main() -> None:
        plain, forked = await observe(False), await observe(True)
        assert forked == plain
        assert plain["path"][:2] == ["<code>", "/opt/extra"]

    run(main)


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"exit": 0}, "Runtime exited without providing a reason"),
        ({"exit": 3}, "Runtime exited with error: exit status 3"),
        ({"kill": True}, "Runtime exited with error: signal: killed"),
    ],
)
def test_exits_of_forked_workers_are_reported(
    tmp_path: Path, event: dict[str, Any], reason: str
) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            assert await k.runtime.warm_up(OWN_RUNTIME)
            spec = _spec(k)
            pid = body(await k.invoke(spec))["pid"]
            outcome = await k.invoke(spec, event)
            assert body(outcome)["errorMessage"] == (
                f"RequestId: {outcome.request_id} Error: {reason}"
            )
            await k.until(lambda: not alive(pid))

    run(main)


def test_python_variables_in_the_function_environment_skip_the_zygote(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            assert await k.runtime.warm_up(OWN_RUNTIME)
            spec = _spec(k, environment={"PYTHONDONTWRITEBYTECODE": "1"})
            report = body(await k.invoke(spec))
            assert report["ppid"] == os.getpid()  # started by the engine itself

    run(main)


def test_no_orphans_and_a_dead_zygote_falls_back(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            assert await k.runtime.warm_up(OWN_RUNTIME)
            first = body(await k.invoke(_spec(k)))
            zygote = first["ppid"]
            assert zygote != os.getpid() and alive(zygote)
            os.kill(zygote, signal.SIGKILL)
            # its workers die with it, and their environments hear of it
            await k.until(lambda: not alive(first["pid"]))
            await k.until(lambda: k.runtime.environments() == [])
            later = await k.invoke(_spec(k))
            assert later.kind == "success" and body(later)["ppid"] == os.getpid()

        async with kit(tmp_path / "again") as k:
            assert await k.runtime.warm_up(OWN_RUNTIME)
            reports = [body(await k.invoke(_spec(k))) for _ in range(3)]
            zygote = reports[0]["ppid"]
            await k.runtime.shutdown()
            assert not alive(zygote)
            assert not any(alive(report["pid"]) for report in reports)

    run(main)


SLEEPER = """
    import os, time

    def handler(event, context):
        time.sleep(1)  # emulated: every invocation needs an environment of its own
        return {"pid": os.getpid(), "ppid": os.getppid()}
"""


def test_many_cold_starts_at_once_all_fork_from_the_zygote(tmp_path: Path) -> None:
    """A burst of cold starts (an SQS mapping scaling up by 300, SQSM-12) fills the zygote's
    socket: senders wait for room instead of failing the zygote, which would take its
    running workers along (they would fail with ERR-4's ``signal: killed``)."""

    async def main() -> None:
        async with kit(tmp_path) as k:
            assert await k.runtime.warm_up(OWN_RUNTIME)
            [zygote] = k.runtime._zygotes.values()
            assert zygote._sock is not None
            zygote._sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            spec = k.function(SLEEPER)
            tasks = [k.submit(spec) for _ in range(40)]
            await k.scheduler.run_until(asyncio.gather(*tasks))
            outcomes = [task.result() for task in tasks]
            assert [o.kind for o in outcomes] == ["success"] * 40
            reports = [body(o) for o in outcomes]
            assert len({r["pid"] for r in reports}) == 40
            assert {r["ppid"] for r in reports} == {zygote._process.pid}  # all forked
            assert zygote.ready

    run(main)


def test_a_worker_gone_before_its_first_event_fails_that_invocation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ERR-4: a runtime that exits between its start and its first event (its zygote failed
    and took it along) fails the invocation with ``Runtime.ExitError``, not redrive."""
    spawn = Zygote.spawn

    async def spawn_then_die(self: Zygote, *args: Any) -> ZygoteChild:
        child = await spawn(self, *args)
        child.kill()
        child._set_exited(-9)
        return child

    async def main() -> None:
        async with kit(tmp_path) as k:
            assert await k.runtime.warm_up(OWN_RUNTIME)
            monkeypatch.setattr(Zygote, "spawn", spawn_then_die)
            outcome = await k.invoke(_spec(k))
            assert outcome.kind == "error"
            assert outcome.error_type == "Runtime.ExitError"
            assert body(outcome)["errorMessage"] == (
                f"RequestId: {outcome.request_id} Error: Runtime exited with error: signal: killed"
            )

    run(main)
