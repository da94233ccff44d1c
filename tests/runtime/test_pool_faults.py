"""Faults stay inside their environment: exits, crashes, init errors, memory, floods, forks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redrive.runtime.constants import LOG_KEEP_BYTES
from tests.runtime.envkit import alive, body, kit, run, texts


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("sys.exit(0)", "Runtime exited without providing a reason"),
        ("sys.exit(3)", "Runtime exited with error: exit status 3"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "Runtime exited with error: signal: killed"),
        ("os.abort()", "Runtime exited with error: signal: aborted"),
    ],
)
def test_a_runtime_that_exits_during_an_invocation(
    tmp_path: Path, statement: str, reason: str
) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                f"""
                import os, signal, sys
                def handler(event, context):
                    if event.get("exit"):
                        print("leaving")
                        {statement}
                    return os.getpid()
                """
            )
            pid = int(body(await k.invoke(spec)))
            outcome = await k.invoke(spec, {"exit": True})
            assert outcome.kind == "error" and outcome.error_type == "Runtime.ExitError"
            assert body(outcome) == {
                "errorType": "Runtime.ExitError",
                "errorMessage": f"RequestId: {outcome.request_id} Error: {reason}",
            }
            assert texts(outcome) == ["leaving\n"]
            await k.until(lambda: not alive(pid))
            assert k.runtime.environments() == []
            assert (await k.invoke(spec)).cold

    run(main)


def test_an_init_error_ends_the_invocation_and_the_environment(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                print("importing")
                raise Exception("broken at import")
                """
            )
            outcome = await k.invoke(spec)
            assert outcome.kind == "error" and outcome.error_type == "Exception"
            error = body(outcome)
            assert error["errorMessage"] == "broken at import"
            assert error["requestId"] == ""  # ERR-2
            assert outcome.cold and outcome.init_duration_ms is not None
            assert "importing\n" in texts(outcome)
            assert k.runtime.environments() == []
            again = await k.invoke(spec)  # the next invocation initialises again
            assert again.kind == "error" and again.cold

            missing = k.function("x = 1\n", handler="nosuchmodule.handler")
            outcome = await k.invoke(missing)
            assert outcome.error_type == "Runtime.ImportModuleError"
            assert body(outcome)["errorMessage"].startswith(
                "Unable to import module 'nosuchmodule':"
            )

    run(main)


def test_an_exit_during_init_is_an_exit_error(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function("import sys\nsys.exit(0)\n")
            outcome = await k.invoke(spec)
            assert outcome.error_type == "Runtime.ExitError"
            assert body(outcome)["errorMessage"] == (
                f"RequestId: {outcome.request_id} Error: "
                "Runtime exited without providing a reason"
            )
            assert outcome.init_duration_ms is not None

    run(main)


def test_memory_size_is_enforced_and_max_memory_used_measured(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import os
                def handler(event, context):
                    blob = b"x" * (event["mb"] * 1024 * 1024)
                    return os.getpid()
                """,
                memory=128,
            )
            small = await k.invoke(spec, {"mb": 40})
            assert small.kind == "success"
            assert 40 < small.max_memory_used_mb < 128
            pid = int(body(small))
            big = await k.invoke(spec, {"mb": 300})
            assert big.kind == "error" and big.error_type == "Runtime.OutOfMemory"
            assert body(big) == {
                "errorType": "Runtime.OutOfMemory",
                "errorMessage": f"RequestId: {big.request_id} Error: "
                "Runtime exited with error: signal: killed",
            }
            assert big.max_memory_used_mb == 128
            await k.until(lambda: not alive(pid))
            roomy = k.function(
                "def handler(event, context):\n    return len(b'x' * (300 * 1024 * 1024))\n",
                memory=1024,
            )
            fine = await k.invoke(roomy)
            assert fine.kind == "success" and 300 < fine.max_memory_used_mb < 1024

    run(main)


def test_a_flood_of_output_is_capped(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import sys
                def handler(event, context):
                    line = "y" * 99 + "\\n"
                    for i in range(200_000):  # 20 MB
                        sys.stdout.write(line)
                    sys.stdout.write("z" * 1_000_000)  # one long line without a newline
                    print("last")
                    return "flooded"
                """,
                timeout=60,
            )
            outcome = await k.invoke(spec)
            assert outcome.kind == "success" and body(outcome) == "flooded"
            lines = texts(outcome)
            assert lines[0].startswith("REDRIVE: ") and "dropped" in lines[0]
            assert lines[-1].endswith("last\n")
            assert sum(len(text) for text in lines[1:]) <= LOG_KEEP_BYTES
            assert all(len(text) <= 256 * 1024 for text in lines)
            quiet = await k.invoke(spec)
            assert quiet.kind == "success"

    run(main)


def test_an_oversized_response_is_a_function_error(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                def handler(event, context):
                    return "x" * event["n"]
                """
            )
            limit = await k.invoke(spec, {"n": 6 * 1024 * 1024})
            assert limit.kind == "success"  # 6 MiB of characters fit (INV-8)
            outcome = await k.invoke(spec, {"n": 6_291_556})
            assert outcome.kind == "error"
            assert body(outcome) == {
                "errorMessage": "Response payload size exceeded maximum allowed payload size "
                "(6291556 bytes).",
                "errorType": "Function.ResponseSizeTooLarge",
            }
            assert (await k.invoke(spec, {"n": 1})).kind == "success"

    run(main)


def test_forked_children_die_with_their_environment(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import subprocess, time
                def handler(event, context):
                    child = subprocess.Popen(["sleep", "1000"])
                    if event.get("hang"):
                        time.sleep(1000)
                    return child.pid
                """,
                timeout=5,
            )
            kept = int(body(await k.invoke(spec)))
            assert alive(kept)
            outcome = await k.invoke(spec, {"hang": True})  # times out: the group is killed
            assert outcome.kind == "timeout"
            await k.until(lambda: not alive(kept))
            survivor = int(body(await k.invoke(spec)))
            assert alive(survivor)
            await k.runtime.shutdown()
            assert not alive(survivor)

    run(main)


def test_a_crash_affects_only_its_own_environment(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            crash = k.function("import os\ndef handler(e, c):\n    os._exit(9)\n")
            steady = k.function("import os\ndef handler(e, c):\n    return os.getpid()\n")
            pid = int(body(await k.invoke(steady)))
            assert (await k.invoke(crash)).error_type == "Runtime.ExitError"
            after = await k.invoke(steady)
            assert not after.cold and int(body(after)) == pid

    run(main)


def test_output_keeps_json_of_non_utf8_bytes(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import sys
                def handler(event, context):
                    sys.stdout.buffer.write(b"bad \\xff byte\\n")
                    sys.stdout.flush()
                    return None
                """
            )
            outcome = await k.invoke(spec)
            assert texts(outcome) == ["bad \ufffd byte\n"]
            json.dumps([line.text for line in outcome.logs])

    run(main)


def test_no_hold_outlives_a_fault(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            events = [{}, {"exit": True}, {"sleep": 100}, {"raise": True}, {}]
            spec = k.function(
                """
                import os, time
                def handler(event, context):
                    if event.get("exit"):
                        os._exit(1)
                    if event.get("raise"):
                        raise RuntimeError("no")
                    time.sleep(event.get("sleep", 0))
                    return "fine"
                """,
                timeout=3,
            )
            kinds = []
            for event in events:
                kinds.append((await k.invoke(spec, event)).kind)
                assert k.clock.holds == 0
            assert kinds == ["success", "error", "timeout", "error", "success"]

    run(main)
