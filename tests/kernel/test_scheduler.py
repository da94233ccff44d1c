"""The scheduler: deterministic order, advancing and waiting for emulated time, the driver.

Every test runs its own event loop with ``asyncio.run``. Emulated time is never waited for
with real sleeps; the virtual clocks here read a fake real-time source the test moves by hand.
Only the wall-clock tests wait real time, a few milliseconds at a scale of 1000.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from redrive.kernel import ClockModeError, Deferral, Rng, Scheduler, VirtualClock, WallClock
from tests.kernel.fakes import T0, FakeReal


def run(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(main())


def virtual() -> tuple[Scheduler, FakeReal]:
    real = FakeReal()
    return Scheduler(VirtualClock(start=T0, real=real)), real


class Log:
    """Records (emulated seconds since T0, label) as work items run."""

    def __init__(self, sched: Scheduler) -> None:
        self.sched = sched
        self.entries: list[tuple[float, str]] = []

    def __call__(self, label: str) -> Callable[[], None]:
        return lambda: self.entries.append((self.sched.now() - T0, label))

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.entries]


async def spin(times: int = 20) -> None:
    """Let the loop run a few rounds (no real time passes)."""
    for _ in range(times):
        await asyncio.sleep(0)


# -- ordering ----------------------------------------------------------------------------------


def test_ties_resolve_by_priority_then_insertion_order() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        sched.call_at(T0 + 5, log("a"), priority=1)
        sched.call_at(T0 + 5, log("b"))
        sched.call_at(T0 + 5, log("c"), priority=1)
        sched.call_at(T0 + 5, log("d"), priority=-1)
        sched.call_at(T0 + 5, log("e"))
        sched.call_at(T0 + 4, log("early"), priority=99)
        sched.call_at(T0 + 6, log("late"), priority=-99)
        await sched.advance(10)
        assert log.entries == [
            (4.0, "early"),
            (5.0, "d"),
            (5.0, "b"),
            (5.0, "e"),
            (5.0, "a"),
            (5.0, "c"),
            (6.0, "late"),
        ]
        await sched.stop()

    run(main)


def test_run_due_runs_due_items_in_order_including_those_they_schedule() -> None:
    # run_due needs no event loop: it is the synchronous heart of the driver.
    sched, _ = virtual()
    log = Log(sched)
    clock = sched.clock
    assert isinstance(clock, VirtualClock)

    def first() -> None:
        log("first")()
        sched.call_soon(log("now, from first"))
        sched.call_later(1, log("later, from first"))

    sched.call_at(T0 + 2, first)
    sched.call_at(T0 + 2, log("second"))
    sched.call_at(T0 + 3, log("not yet"))
    assert sched.run_due() == 0
    clock.jump_to(T0 + 2)
    assert sched.run_due() == 3
    assert log.labels == ["first", "second", "now, from first"]
    assert sched.pending == 2
    assert sched.next_due() == T0 + 3


def test_work_scheduled_during_an_advance_runs_in_the_same_window_in_time_order() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)

        def at_1() -> None:
            log("at 1")()
            sched.call_soon(log("now, from 1"))
            # earlier than the pending item at 8
            sched.call_at(T0 + 5, log("5, from 1"))
            sched.call_later(20, log("21, outside the window"))

        def at_8() -> None:
            log("at 8")()
            sched.call_at(T0 + 2, log("in the past, from 8"))  # runs at once
            sched.call_later(1.5, log("9.5, from 8"))

        sched.call_at(T0 + 8, at_8)
        sched.call_at(T0 + 1, at_1)
        sched.call_at(T0 + 3, log("at 3"))
        assert await sched.advance(10) == T0 + 10
        assert log.entries == [
            (1.0, "at 1"),
            (1.0, "now, from 1"),
            (3.0, "at 3"),
            (5.0, "5, from 1"),
            (8.0, "at 8"),
            (8.0, "in the past, from 8"),
            (9.5, "9.5, from 8"),
        ]
        assert sched.pending == 1
        assert sched.next_due() == T0 + 21
        await sched.advance(20)
        assert log.labels[-1] == "21, outside the window"
        await sched.stop()

    run(main)


def test_call_later_with_a_negative_delay_means_now() -> None:
    sched, _ = virtual()
    handle = sched.call_later(-5, lambda: None)
    assert handle.when == T0


# -- cancel ------------------------------------------------------------------------------------


def test_cancelled_items_never_run_and_pending_counts_live_items() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        a = sched.call_later(1, log("a"))
        b = sched.call_later(2, log("b"))
        c = sched.call_later(3, log("c"))
        d = sched.call_later(4, log("d"))
        assert sched.pending == 4
        b.cancel()
        assert b.cancelled
        assert sched.pending == 3
        b.cancel()  # twice is harmless
        assert sched.pending == 3
        a.cancel()
        assert sched.next_due() == T0 + 3  # cancelled items are skipped
        sched.call_later(2.5, d.cancel)  # cancelled by a running item
        await sched.advance(10)
        assert log.entries == [(3.0, "c")]
        assert sched.pending == 0
        assert sched.next_due() is None
        c.cancel()  # after it ran: harmless
        assert sched.pending == 0
        await sched.stop()

    run(main)


def test_cancelling_the_head_item_lets_later_items_run() -> None:
    sched, _ = virtual()
    log = Log(sched)
    sched.call_soon(log("x")).cancel()
    sched.call_soon(log("y"))
    assert sched.run_due() == 1
    assert log.labels == ["y"]


# -- determinism -------------------------------------------------------------------------------


def timeline(seed: int, *, extra_consumer: bool = False) -> list[tuple[float, str]]:
    """A small randomized workload: arrivals, failures and jittered retries."""

    async def main() -> list[tuple[float, str]]:
        rng = Rng(seed)
        arrivals, outcomes, jitter = (rng.stream(n) for n in ("arrivals", "outcomes", "jitter"))
        sched, _ = virtual()
        log = Log(sched)

        def attempt(event: int, n: int) -> None:
            log(f"event {event} attempt {n}")()
            if n < 3 and outcomes.random() < 0.5:
                sched.call_later(60 * n + jitter.uniform(0, 10), lambda: attempt(event, n + 1))

        t = 0.0
        for event in range(15):
            t += arrivals.expovariate(1 / 20)
            sched.call_at(T0 + t, lambda event=event: attempt(event, 1), priority=event % 3)
        if extra_consumer:
            noise = rng.stream("a newcomer")
            for _ in range(10):
                sched.call_later(noise.uniform(0, 300), noise.random)
        await sched.advance(3600)
        await sched.stop()
        return log.entries

    return asyncio.run(main())


def test_same_seed_same_timeline() -> None:
    first = timeline(11)
    assert len(first) > 15
    assert first == timeline(11)


def test_another_seed_another_timeline() -> None:
    assert timeline(11) != timeline(12)


def test_a_new_stream_does_not_change_the_timeline() -> None:
    assert timeline(11, extra_consumer=True) == timeline(11)


# -- the wall clock ----------------------------------------------------------------------------


def test_under_a_scaled_wall_clock_due_work_runs_on_its_own() -> None:
    async def main() -> None:
        sched = Scheduler(WallClock(scale=1000))
        sched.start()
        ran: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        due = sched.now() + 5  # 5 emulated seconds: about 5 ms of real time
        sched.call_at(due, lambda: ran.set_result(sched.now()))
        started = time.perf_counter()
        ran_at = await asyncio.wait_for(ran, 2.0)
        assert ran_at >= due
        assert time.perf_counter() - started < 1.0
        assert sched.pending == 0
        await sched.stop()

    run(main)


def test_run_until_under_a_wall_clock_waits_for_real_time() -> None:
    async def main() -> None:
        sched = Scheduler(WallClock(scale=1000))
        start = sched.now()
        done = await asyncio.wait_for(sched.run_until(lambda: False, timeout=5), 2.0)
        assert done is False
        assert sched.now() >= start + 5
        await sched.stop()

    run(main)


def test_advance_under_a_wall_clock_is_refused() -> None:
    async def main() -> None:
        sched = Scheduler(WallClock(scale=60, real=FakeReal()))
        with pytest.raises(ClockModeError):
            await sched.advance(1)
        await sched.stop()

    run(main)


# -- the virtual clock: runs while held, jumps when released -----------------------------------


def test_advance_while_held_runs_at_real_speed_then_jumps_once_released() -> None:
    async def main() -> None:
        sched, real = virtual()
        log = Log(sched)
        sched.call_later(1, log("at 1"))
        sched.call_later(3, log("at 3"))
        hold = sched.hold("handler computing")
        advancing = asyncio.create_task(sched.advance(10))
        await spin()
        assert log.entries == []
        assert not advancing.done()
        assert sched.now() == T0  # no real time has passed

        real.t += 0.5
        await spin()
        assert log.entries == []
        assert sched.now() == T0 + 0.5

        real.t += 1.0
        # The driver sleeps in real time until the item falls due; with a fake real time
        # nothing wakes it, so nudge it the public way: any change of the clock's motion.
        with sched.hold("nudge"):
            pass
        await spin()
        assert log.entries == [(1.5, "at 1")]  # ran when real time reached it, not before
        assert not advancing.done()

        hold.release()  # nobody computes: the rest of the window is jumped
        assert await asyncio.wait_for(advancing, 1.0) == T0 + 10
        assert log.entries == [(1.5, "at 1"), (3.0, "at 3")]
        await sched.stop()

    run(main)


def test_a_task_taking_a_hold_when_woken_stops_the_jump() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        holds = []

        async def handler() -> None:
            await woken
            holds.append(sched.hold("compute"))

        task = asyncio.create_task(handler())
        sched.call_later(2, lambda: woken.set_result(None))
        sched.call_later(3, log("at 3"))
        advancing = asyncio.create_task(sched.advance(10))
        await spin()
        assert holds
        assert sched.now() == T0 + 2
        assert log.entries == []
        holds[0].release()
        await advancing
        await task
        assert log.entries == [(3.0, "at 3")]
        await sched.stop()

    run(main)


def test_a_deferral_keeps_the_clock_still_across_awaits_until_released() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        deferrals: list[Deferral] = []

        async def decide_later() -> None:
            # the work a deferral covers: a few awaits, then scheduling what follows
            for _ in range(20):
                await asyncio.sleep(0)
            sched.call_later(1, log("scheduled by the deferred work"))
            deferrals[0].release()

        def outcome() -> None:
            deferrals.append(sched.defer("outcome"))
            asyncio.get_running_loop().create_task(decide_later())

        sched.call_later(2, outcome)
        sched.call_later(60, log("at 60"))
        await sched.advance(100)
        assert log.entries == [(3.0, "scheduled by the deferred work"), (60.0, "at 60")]
        await sched.stop()

    run(main)


# -- advance -----------------------------------------------------------------------------------


def test_advance_ends_exactly_at_start_plus_seconds() -> None:
    async def main() -> None:
        sched, _ = virtual()
        for delay in (0.1, 0.2, 0.7, 1.3):
            sched.call_later(delay, lambda: None)
        start = sched.now()
        assert await sched.advance(0.3) == start + 0.3
        assert sched.now() == start + 0.3
        middle = sched.now()
        assert await sched.advance(1.1) == middle + 1.1
        assert sched.now() == middle + 1.1
        assert await sched.advance(0) == middle + 1.1
        empty = sched.now()
        assert await sched.advance(86_400) == empty + 86_400
        await sched.stop()

    run(main)


def test_advance_zero_runs_due_now_work() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        sched.call_soon(log("now"))
        sched.call_later(0.001, log("later"))
        assert await sched.advance(0) == T0
        assert log.entries == [(0.0, "now")]
        await sched.stop()

    run(main)


def test_advance_rejects_a_negative_time() -> None:
    async def main() -> None:
        sched, _ = virtual()
        with pytest.raises(ValueError, match="negative"):
            await sched.advance(-1)
        await sched.stop()

    run(main)


def test_six_idle_hours_with_a_timer_every_minute_take_well_under_a_second() -> None:
    async def main() -> None:
        sched, _ = virtual()
        fired: list[float] = []

        def tick() -> None:
            fired.append(sched.now() - T0)
            sched.call_later(60, tick)

        sched.call_later(60, tick)
        started = time.perf_counter()
        assert await sched.advance(6 * 3600) == T0 + 6 * 3600
        elapsed = time.perf_counter() - started
        assert fired == [60.0 * i for i in range(1, 361)]
        assert elapsed < 1.0, f"6 idle hours took {elapsed:.3f} s of real time"
        await sched.stop()

    run(main)


def test_a_failing_item_makes_advance_raise() -> None:
    class Boom(Exception):
        pass

    def fail() -> None:
        raise Boom("handler bug")

    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        sched.call_later(1, log("before"))
        sched.call_later(2, fail)
        sched.call_later(3, log("after"))
        with pytest.raises(Boom, match="handler bug"):
            await sched.advance(10)
        assert log.labels == ["before"]
        # the run is stopped: later waiters hear about it too instead of hanging
        with pytest.raises(Boom):
            await sched.advance(10)
        with pytest.raises(Boom):
            await sched.run_until(lambda: True)
        assert log.labels == ["before"]
        with contextlib.suppress(Boom):
            await sched.stop()

    run(main)


# -- run_until and sleep -----------------------------------------------------------------------


def test_run_until_a_predicate_stops_at_the_item_that_makes_it_true() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        state = {"ready": False}

        def make_ready() -> None:
            log("ready")()
            state["ready"] = True

        sched.call_later(1, log("at 1"))
        sched.call_later(2, make_ready)
        sched.call_later(3, log("at 3"))
        assert await sched.run_until(lambda: state["ready"]) is True
        assert sched.now() == T0 + 2
        assert log.labels == ["at 1", "ready"]
        assert sched.pending == 1
        await sched.stop()

    run(main)


def test_run_until_a_predicate_already_true_does_not_move_the_clock() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        sched.call_later(1, log("at 1"))
        assert await sched.run_until(lambda: True) is True
        assert sched.now() == T0
        assert log.entries == []
        await sched.stop()

    run(main)


def test_run_until_with_a_timeout_returns_false_at_start_plus_timeout() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        sched.call_later(10, log("at 10"))
        sched.call_later(40, log("at 40"))
        assert await sched.run_until(lambda: False, timeout=30) is False
        assert sched.now() == T0 + 30
        assert log.labels == ["at 10"]
        await sched.stop()

    run(main)


def test_run_until_a_future_set_by_a_scheduled_callback() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        sched.call_later(7, lambda: future.set_result("done"))
        sched.call_later(9, log("at 9"))
        assert await sched.run_until(future, timeout=60) is True
        assert future.result() == "done"
        assert sched.now() == T0 + 7
        assert log.entries == []
        await sched.stop()

    run(main)


def test_run_until_a_coroutine_waiting_on_scheduled_work() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        async def waiting() -> str:
            return await future

        sched.call_later(7, lambda: future.set_result("done"))
        sched.call_later(9, log("at 9"))
        assert await sched.run_until(waiting()) is True
        # the clock did not jump past the coroutine's wake-up to the next item
        assert sched.now() == T0 + 7
        assert log.entries == []
        await sched.stop()

    run(main)


def test_run_until_an_awaitable_that_fails_raises_its_error() -> None:
    async def main() -> None:
        sched, _ = virtual()
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        async def waiting() -> str:
            return await future

        sched.call_later(3, lambda: future.set_exception(LookupError("lost")))
        with pytest.raises(LookupError, match="lost"):
            await sched.run_until(waiting())
        assert sched.now() == T0 + 3
        await sched.stop()

    run(main)


def test_run_until_an_awaitable_with_a_timeout() -> None:
    async def main() -> None:
        sched, _ = virtual()
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        assert await sched.run_until(future, timeout=15) is False
        assert sched.now() == T0 + 15
        future.cancel()
        await sched.stop()

    run(main)


def test_sleep_takes_emulated_time_and_wakes_at_its_deadline() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)
        sched.call_later(6, log("item at 6"))
        started = time.perf_counter()
        await sched.sleep(300)
        assert sched.now() == T0 + 300
        assert time.perf_counter() - started < 1.0
        assert log.labels == ["item at 6"]
        await sched.stop()

    run(main)


def test_a_task_sleeping_during_an_advance_wakes_at_its_own_time() -> None:
    async def main() -> None:
        sched, _ = virtual()
        log = Log(sched)

        async def sleeper() -> None:
            await sched.sleep(5)
            log("woke")()
            sched.call_soon(log("scheduled on waking"))

        sched.call_later(6, log("item at 6"))
        task = asyncio.create_task(sleeper())
        await sched.advance(10)
        await task
        assert log.entries == [
            (5.0, "woke"),
            (5.0, "scheduled on waking"),
            (6.0, "item at 6"),
        ]
        await sched.stop()

    run(main)


# -- the driver ----------------------------------------------------------------------------------


def test_due_now_work_runs_with_nobody_waiting() -> None:
    async def main() -> None:
        sched, real = virtual()
        log = Log(sched)
        sched.start()
        sched.call_later(30, log("later"))
        sched.call_soon(log("now"))
        real.t += 100  # real time passing does not move an unheld virtual clock
        await spin()
        assert log.entries == [(0.0, "now")]
        assert sched.now() == T0
        assert sched.pending == 1
        await sched.stop()

    run(main)


def test_stop_cancels_open_waiters() -> None:
    async def main() -> None:
        sched, _ = virtual()
        hold = sched.hold()  # the clock runs at (fake) real speed: the advance cannot finish
        advancing = asyncio.create_task(sched.advance(10))
        await spin()
        await sched.stop()
        with pytest.raises(asyncio.CancelledError):
            await advancing
        hold.release()

    run(main)
