"""The runtime on the emulated clock: holds, sleeps that jump, compute at real speed, timeouts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.runtime.envkit import alive, body, kit, run, texts

SLEEPER = """
    import os, time
    state = {"calls": 0}

    def handler(event, context):
        state["calls"] += 1
        start = time.time()
        time.sleep(event.get("sleep", 0))
        return {"slept": time.time() - start, "calls": state["calls"], "pid": os.getpid()}
"""


def test_a_sleeping_handler_takes_emulated_time_and_no_real_time(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(SLEEPER, timeout=120)
            await k.invoke(spec)  # cold start out of the way
            t0, real0 = k.clock.now(), time.monotonic()
            outcome = await k.invoke(spec, {"sleep": 60})
            real = time.monotonic() - real0
            assert outcome.kind == "success"
            assert real < 1.0
            assert 60.0 <= body(outcome)["slept"] < 60.2
            assert 60_000 <= outcome.duration_ms < 60_200
            assert 60.0 <= k.clock.now() - t0 < 60.2

    run(main)


def test_cpu_work_counts_at_real_speed(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import time
                def handler(event, context):
                    end = time.perf_counter() + 0.3
                    while time.perf_counter() < end:
                        pass
                    return "done"
                """
            )
            await k.invoke(spec)
            t0, real0 = k.clock.now(), time.monotonic()
            outcome = await k.invoke(spec)
            real = time.monotonic() - real0
            assert outcome.kind == "success"
            assert 300 <= outcome.duration_ms <= real * 1000 + 1
            assert k.clock.now() - t0 == pytest.approx(real, abs=0.05)

    run(main)


def test_a_sleeping_handler_times_out_by_a_jump_and_the_next_start_is_cold(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(SLEEPER, timeout=3)
            warm = await k.invoke(spec)
            old_pid = body(warm)["pid"]
            real0 = time.monotonic()
            outcome = await k.invoke(spec, {"sleep": 100})
            assert time.monotonic() - real0 < 1.0
            assert outcome.kind == "timeout" and outcome.error_type == "Sandbox.Timedout"
            assert body(outcome) == {
                "errorType": "Sandbox.Timedout",
                "errorMessage": f"RequestId: {outcome.request_id} Error: "
                "Task timed out after 3.00 seconds",
            }
            assert 3000 <= outcome.duration_ms < 3100
            await k.until(lambda: not alive(old_pid))
            after = await k.invoke(spec)  # ERR-8: a fresh process, module state lost
            assert after.cold and body(after)["calls"] == 1 and body(after)["pid"] != old_pid

    run(main)


def test_a_computing_handler_times_out_in_real_time(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                def handler(event, context):
                    print("spinning")
                    while True:
                        pass
                """,
                timeout=1,
            )
            real0 = time.monotonic()
            outcome = await k.invoke(spec)
            real = time.monotonic() - real0
            assert outcome.kind == "timeout"
            assert 1000 <= outcome.duration_ms < 1200
            assert 1.0 <= real < 2.0  # the clock ran at real speed while it computed
            assert texts(outcome) == ["spinning\n"]
            assert k.runtime.environments() == []

    run(main)


def test_the_environment_holds_the_clock_only_while_it_computes(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            flag = tmp_path / "go"
            spec = k.function(
                f"""
                import os, time
                def handler(event, context):
                    while not os.path.exists({str(flag)!r}):  # computing, really
                        pass
                    time.sleep(30)  # sleeping: the clock may jump
                    return "done"
                """,
                timeout=60,
            )
            task = k.submit(spec)
            assert k.clock.holds >= 1  # held from the call on, before any await
            await k.until(lambda: any(env.holding for env in k.runtime.environments()))
            (env,) = k.runtime.environments()
            key = env.credentials.access_key_id
            with k.runtime.waiting(key):
                assert not env.holding and k.clock.holds == 0
            assert env.holding
            with k.runtime.waiting("ASIANOBODY0000000000"), k.runtime.waiting(None):
                assert env.holding  # unknown callers change nothing
            flag.write_text("go")
            await k.until(lambda: not env.holding)  # asleep now
            assert k.clock.holds == 0 and not task.done()
            t0 = k.clock.now()
            await k.scheduler.run_until(task)
            assert task.result().kind == "success"
            # the handler asked to wake at (its now + 30), a little before t0 + 30
            assert 29.5 <= k.clock.now() - t0 <= 30.05
            assert k.clock.holds == 0  # idle: nothing held

    run(main)


def test_init_time_counts_and_a_sleeping_init_jumps(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import time
                time.sleep(5)
                def handler(event, context):
                    return "ready"
                """
            )
            real0 = time.monotonic()
            outcome = await k.invoke(spec)
            assert time.monotonic() - real0 < 1.5
            assert outcome.kind == "success" and outcome.cold
            assert outcome.init_duration_ms is not None
            assert 5000 <= outcome.init_duration_ms < 5500
            assert outcome.duration_ms < 500  # the handler's own time only

    run(main)


def test_an_init_past_ten_seconds_is_retried_inside_the_invocation(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            source = """
                import time
                print("init starts")
                time.sleep(15)
                def handler(event, context):
                    return "ready"
            """
            short = k.function(source, timeout=3)
            t0 = k.clock.now()
            outcome = await k.invoke(short)
            # 10 s of init, then a retry within the 3 s timeout that does not finish either
            assert outcome.kind == "timeout" and outcome.cold
            assert 13 <= k.clock.now() - t0 < 13.5
            assert 3000 <= outcome.duration_ms < 3200
            assert texts(outcome) == ["init starts\n", "init starts\n"]

            long = k.function(source, timeout=30)
            t0 = k.clock.now()
            outcome = await k.invoke(long)
            assert outcome.kind == "success" and outcome.cold
            assert outcome.init_duration_ms is None  # a suppressed init: inside Duration
            assert 15_000 <= outcome.duration_ms < 15_500
            assert 25 <= k.clock.now() - t0 < 25.5

    run(main)


def test_idle_environments_are_reaped_after_the_idle_timeout(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path, idle_timeout=300) as k:
            spec = k.function(SLEEPER)
            pid = body(await k.invoke(spec))["pid"]
            await k.scheduler.advance(299)
            assert len(k.runtime.environments()) == 1 and alive(pid)
            again = await k.invoke(spec)  # using it restarts the idle timer
            assert not again.cold
            await k.scheduler.advance(299)
            assert len(k.runtime.environments()) == 1
            await k.scheduler.advance(2)
            assert k.runtime.environments() == []
            await k.until(lambda: not alive(pid))
            assert (await k.invoke(spec)).cold

    run(main)


def test_the_wall_clock_with_a_time_scale_runs_the_handler_faster(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path, clock="wall", scale=100.0) as k:
            spec = k.function(SLEEPER, timeout=60)
            await k.invoke(spec)
            real0 = time.monotonic()
            outcome = await k.invoke(spec, {"sleep": 20})
            real = time.monotonic() - real0
            assert outcome.kind == "success"
            assert 0.2 <= real < 1.0  # 20 emulated seconds at 100x
            # each real millisecond of latency is 100 emulated ones: a loose upper bound
            assert 20_000 <= outcome.duration_ms < 30_000

    run(main)
