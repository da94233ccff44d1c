"""Retention on the emulated clock.

Reads never return events older than a group's retention (see
:func:`~redrive.services.logs.events.visible_from`); the sweep deletes them from the store.
There is at most one sweep on the scheduler, due when the oldest event of any group with a
retention policy expires (rounded up to :data:`~.constants.SWEEP_GRANULARITY_MS`). The
scheduler keeps nothing across a restart, so :meth:`RetentionSweeper.start` sweeps at once and
the sweep schedules the next one from the store; writes that may expire sooner call
:meth:`RetentionSweeper.expires_at`. Nothing is scheduled while no event can expire, so an
idle virtual clock is not kept jumping.
"""

from __future__ import annotations

from redrive.kernel import Handle
from redrive.services._base import Platform
from redrive.services.logs import state
from redrive.services.logs.constants import MS_PER_DAY, SWEEP_GRANULARITY_MS
from redrive.store import Transaction


class RetentionSweeper:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._handle: Handle | None = None

    @property
    def next_sweep_ms(self) -> int | None:
        """Emulated time (ms) of the scheduled sweep, if any."""
        if self._handle is None or self._handle.cancelled:
            return None
        return round(self._handle.when * 1000)

    def start(self) -> None:
        self._schedule(self.platform.now_ms())

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def expires_at(self, when_ms: int) -> None:
        """Something stored may expire at ``when_ms``: make sure a sweep is due by then."""
        due = -(-when_ms // SWEEP_GRANULARITY_MS) * SWEEP_GRANULARITY_MS
        current = self.next_sweep_ms
        if current is None or due < current:
            self._schedule(due)

    def _schedule(self, when_ms: int) -> None:
        self.stop()
        self._handle = self.platform.scheduler.call_at(when_ms / 1000, self._sweep)

    def _sweep(self) -> None:
        self._handle = None
        with self.platform.store.transaction() as txn:
            following = sweep(txn, self.platform.now_ms())
        if following is not None:
            self.expires_at(following)


def expired_after(timestamp: int, days: int) -> int:
    """The first emulated time (ms) at which an event of ``timestamp`` is past retention."""
    return timestamp + days * MS_PER_DAY + 1


def sweep(txn: Transaction, now_ms: int) -> int | None:
    """Delete every expired event; the time (ms) the next remaining one expires, if any."""
    following: int | None = None
    for account, region, group, days in state.groups_with_retention(txn):
        keep_ms = days * MS_PER_DAY
        freed = 0
        for stream in list(state.iter_streams(txn, account, region, group)):
            name = stream["logStreamName"]
            freed += state.delete_events_before(
                txn, account, region, group, name, cutoff=now_ms - keep_ms
            )
            oldest = state.first_event_timestamp(txn, account, region, group, name)
            if oldest is not None:
                expiry = expired_after(oldest, days)
                following = expiry if following is None else min(following, expiry)
        if freed:
            doc = state.get_group(txn, account, region, group)
            if doc is not None:
                doc["storedBytes"] = max(0, int(doc.get("storedBytes", 0)) - freed)
                state.put_group(txn, account, region, doc)
    return following
