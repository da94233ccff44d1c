"""The scheduler: all timed work, ordered by (emulated time, priority, sequence).

Work items are plain synchronous callbacks. Ties in time resolve by ``priority`` (lower
first) and then by insertion order, so the same inputs give the same order every run
(SimPy's ``Environment.schedule``).

A *driver* task on the asyncio loop runs items when they fall due:

* under a running clock (the wall clock, or a held virtual clock) due work runs on its own as
  real time passes;
* under a virtual clock that nobody holds, time stands still; due-now work still runs, and when
  somebody *waits for time* (:meth:`Scheduler.advance`, :meth:`Scheduler.run_until`) the clock
  jumps straight to the next due item or the waiter's deadline, whichever is first.

The contract for callers: a callback that starts something which will take real time (a
handler computing, a process starting) takes a :class:`~redrive.kernel.clock.Hold` before it
returns, and releases it when that work stops computing. Otherwise the clock may jump past it.

Work that must finish *at* the current emulated time, across a few awaits (an attempt's
outcome handed from the runtime to the service that decides what follows), takes a
:class:`Deferral` instead: while one is open a virtual clock neither jumps nor runs. It stands
still, as the engine takes no emulated time.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redrive.kernel.clock import Clock, ClockModeError, Hold, VirtualClock

Callback = Callable[[], object]
Condition = Callable[[], bool] | Awaitable[object]


@dataclass
class _Item:
    when: float
    priority: int
    seq: int
    callback: Callback
    cancelled: bool = False


#: what the heap holds: the order key as a plain tuple (compared in C; ``seq`` is unique, so
#: the item itself is never compared), then the item
_Entry = tuple[float, int, int, _Item]


class Handle:
    """A scheduled work item; :meth:`cancel` stops it from running."""

    __slots__ = ("_item", "_scheduler")

    def __init__(self, scheduler: Scheduler, item: _Item) -> None:
        self._scheduler = scheduler
        self._item = item

    @property
    def when(self) -> float:
        return self._item.when

    @property
    def cancelled(self) -> bool:
        return self._item.cancelled

    def cancel(self) -> None:
        if not self._item.cancelled:
            self._item.cancelled = True
            self._scheduler._live -= 1


class Deferral:
    """A claim that work due now is still being done: no jump until it is released.

    Releasing twice is harmless; a deferral is also a context manager.
    """

    __slots__ = ("_scheduler", "reason")

    def __init__(self, scheduler: Scheduler, reason: str) -> None:
        self.reason = reason
        self._scheduler: Scheduler | None = scheduler
        scheduler._deferrals += 1

    def release(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler._deferrals -= 1
            scheduler._poke()

    def __enter__(self) -> Deferral:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


@dataclass(eq=False)
class _Waiter:
    deadline: float | None
    condition: Callable[[], bool] | None
    future: asyncio.Future[bool]


class Scheduler:
    """Runs callbacks at emulated times on one asyncio loop."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._live = 0
        self._waiters: list[_Waiter] = []
        self._wakeup: asyncio.Event | None = None
        self._driver: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None
        self._deferrals = 0
        clock.subscribe(self._poke)

    # -- scheduling -------------------------------------------------------------------------

    def now(self) -> float:
        return self.clock.now()

    def call_at(self, when: float, callback: Callback, *, priority: int = 0) -> Handle:
        """Run ``callback`` at emulated time ``when`` (at once if ``when`` has passed)."""
        item = _Item(float(when), priority, next(self._seq), callback)
        heapq.heappush(self._heap, (item.when, priority, item.seq, item))
        self._live += 1
        if self._heap[0][3] is item:
            self._poke()
        return Handle(self, item)

    def call_later(self, delay: float, callback: Callback, *, priority: int = 0) -> Handle:
        return self.call_at(self.now() + max(0.0, delay), callback, priority=priority)

    def call_soon(self, callback: Callback, *, priority: int = 0) -> Handle:
        return self.call_at(self.now(), callback, priority=priority)

    def hold(self, reason: str = "") -> Hold:
        """Hold the clock while something computes (see the module's contract)."""
        return self.clock.hold(reason)

    def defer(self, reason: str = "") -> Deferral:
        """Keep a virtual clock from jumping until the returned deferral is released."""
        return Deferral(self, reason)

    @property
    def pending(self) -> int:
        """Number of scheduled items not yet run or cancelled."""
        return self._live

    def next_due(self) -> float | None:
        """Emulated time of the next live item, or None."""
        self._drop_cancelled()
        return self._heap[0][0] if self._heap else None

    def run_due(self) -> int:
        """Run every item due by now, in order, including items they schedule that are due."""
        ran = 0
        while True:
            self._drop_cancelled()
            if not self._heap or self._heap[0][0] > self.clock.now():
                return ran
            item = heapq.heappop(self._heap)[3]
            item.cancelled = True
            self._live -= 1
            ran += 1
            item.callback()

    # -- waiting for time -------------------------------------------------------------------

    async def advance(self, seconds: float) -> float:
        """Run all work due within ``seconds`` of emulated time; return the new time.

        Only under the virtual clock. Unless something holds the clock meanwhile, the clock
        ends exactly at start + seconds.
        """
        if not isinstance(self.clock, VirtualClock):
            raise ClockModeError("advance is only possible under the virtual clock")
        if seconds < 0:
            raise ValueError("cannot advance by a negative time")
        await self._wait(_Waiter(self.now() + seconds, None, self._new_future()))
        return self.now()

    async def run_until(self, condition: Condition, *, timeout: float | None = None) -> bool:
        """Let emulated time pass until ``condition`` holds; False if ``timeout`` ran out first.

        ``condition`` is a predicate (checked whenever work has run) or an awaitable (done when
        it completes). ``timeout`` is in emulated seconds. Under the virtual clock time jumps
        only as far as needed; under the wall clock this simply waits.
        """
        check: Callable[[], bool]
        future: asyncio.Future[object] | None = None
        if callable(condition):
            check = condition
        else:
            future = asyncio.ensure_future(condition)
            future.add_done_callback(lambda _f: self._poke())
            check = future.done
        deadline = None if timeout is None else self.now() + timeout
        done = await self._wait(_Waiter(deadline, check, self._new_future()))
        if future is not None and future.done() and not future.cancelled():
            # Failures are loud: an awaitable that failed is not "done" silently.
            error = future.exception()
            if error is not None:
                raise error
        return done

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of emulated time (a waiter: under the virtual clock time jumps)."""
        await self.run_until(lambda: False, timeout=seconds)

    # -- the driver ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the driver on the running loop."""
        if self._driver is None:
            self._wakeup = asyncio.Event()
            self._driver = asyncio.get_running_loop().create_task(self._drive())

    async def stop(self) -> None:
        driver, self._driver = self._driver, None
        if driver is not None:
            driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await driver
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.cancel()
        self._waiters.clear()

    async def _wait(self, waiter: _Waiter) -> bool:
        if self._failure is not None:
            raise self._failure
        self.start()
        self._waiters.append(waiter)
        self._poke()
        try:
            return await waiter.future
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _new_future(self) -> asyncio.Future[bool]:
        return asyncio.get_running_loop().create_future()

    def _poke(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def _drive(self) -> None:
        assert self._wakeup is not None
        try:
            yielded = False
            while True:
                busy = self.run_due() + self._settle_waiters()
                target = self._jump_target()
                if target is not None:
                    if busy or not yielded:
                        # Let tasks woken by this round (a sleeper, a future set by a callback)
                        # run before time moves on: they may schedule work, wait for time, take
                        # a hold or finish, which changes where (or whether) the clock jumps.
                        yielded = True
                        await asyncio.sleep(0)
                        continue
                    assert isinstance(self.clock, VirtualClock)
                    self.clock.jump_to(target)
                    yielded = False
                    continue
                yielded = False
                self._wakeup.clear()
                delay = self._real_delay()
                if delay is not None and delay <= 0:
                    await asyncio.sleep(0)
                    continue
                with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), delay)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            # Failures are loud: a work item that raises stops the run, and every waiter
            # (advance, run_until) re-raises the error instead of hanging.
            self._failure = exc
            for waiter in self._waiters:
                if not waiter.future.done():
                    waiter.future.set_exception(exc)
            raise

    def _settle_waiters(self) -> int:
        """Resolve the waiters whose condition holds or whose deadline passed; how many."""
        now = self.now()
        settled = 0
        for waiter in list(self._waiters):
            if waiter.future.done():
                continue
            if waiter.condition is not None and waiter.condition():
                waiter.future.set_result(True)
            elif waiter.deadline is not None and now >= waiter.deadline:
                waiter.future.set_result(waiter.condition is None)
            else:
                continue
            settled += 1
        return settled

    def _open_waiters(self) -> list[_Waiter]:
        return [w for w in self._waiters if not w.future.done()]

    def _jump_target(self) -> float | None:
        """Where a virtual clock that nobody holds should jump for its waiters, if anywhere."""
        if not isinstance(self.clock, VirtualClock) or self.clock.running or self._deferrals:
            return None
        waiters = self._open_waiters()
        if not waiters:
            return None
        candidates = [w.deadline for w in waiters if w.deadline is not None]
        due = self.next_due()
        if due is not None:
            candidates.append(due)
        if not candidates:
            return None
        return max(min(candidates), self.now())

    def _real_delay(self) -> float | None:
        """Real seconds until the next item or deadline falls due, if the clock is running."""
        if not self.clock.running:
            return None
        times = [w.deadline for w in self._open_waiters() if w.deadline is not None]
        due = self.next_due()
        if due is not None:
            times.append(due)
        if not times:
            return None
        return max(0.0, (min(times) - self.now()) / self.clock.rate)

    def _drop_cancelled(self) -> None:
        while self._heap and self._heap[0][3].cancelled:
            heapq.heappop(self._heap)
