"""Receivers waiting for a queue: long polls and (later) event source mapping pollers.

A waiter is an ``asyncio.Future`` resolved when the queue *may* have a message for it: when a
message is sent, made visible or unblocked (the service calls :meth:`Waiters.notify` after such
changes), or when the queue's next hidden message falls due -- for that time a scheduler item
is armed while anyone waits, so under the virtual clock a waiting receiver makes time jump
exactly there (DESIGN.md, Time). Waking is a hint: the woken receiver looks again in the store
and waits anew if another took the message. Nothing here is durable; after a restart receivers
simply ask again.
"""

from __future__ import annotations

import asyncio

from redrive.kernel import Handle, Scheduler


class Waiters:
    """Futures of receivers per queue id, and one wake-up timer per queue with waiters."""

    def __init__(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler
        self._waiting: dict[int, list[asyncio.Future[None]]] = {}
        self._timers: dict[int, Handle] = {}

    def wait(self, qid: int, wake_at: float | None = None) -> asyncio.Future[None]:
        """A future resolved at the next notify of ``qid``, or at ``wake_at`` (emulated s).

        Cancel the future to stop waiting; it is forgotten once done either way.
        """
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(qid, []).append(future)
        future.add_done_callback(lambda done: self._forget(qid, done))
        if wake_at is not None:
            self._arm(qid, wake_at)
        return future

    def resolved(self) -> asyncio.Future[None]:
        """An already resolved future (a message is available now)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    def notify(self, qid: int) -> None:
        """Wake every receiver waiting on ``qid``."""
        timer = self._timers.pop(qid, None)
        if timer is not None:
            timer.cancel()
        for future in self._waiting.pop(qid, []):
            if not future.done():
                future.set_result(None)

    def waiting(self, qid: int) -> int:
        return len(self._waiting.get(qid, ()))

    def close(self) -> None:
        """Cancel the wake-up timers (at shutdown; the scheduler cancels the waits)."""
        for qid in list(self._timers):
            self._timers.pop(qid).cancel()

    def _arm(self, qid: int, wake_at: float) -> None:
        timer = self._timers.get(qid)
        if timer is not None and not timer.cancelled and timer.when <= wake_at:
            return
        if timer is not None:
            timer.cancel()
        self._timers[qid] = self._scheduler.call_at(wake_at, lambda: self.notify(qid))

    def _forget(self, qid: int, future: asyncio.Future[None]) -> None:
        futures = self._waiting.get(qid)
        if futures is None:
            return
        if future in futures:
            futures.remove(future)
        if not futures:
            del self._waiting[qid]
            timer = self._timers.pop(qid, None)
            if timer is not None:
                timer.cancel()
