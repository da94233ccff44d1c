"""Deleting the messages of deleted and purged queues in the background.

DeleteQueue and PurgeQueue only detach the queue's message storage (AWS: "the message deletion
process takes up to 60 seconds"), so they cost the same at any depth. The storage id is
written to ``sqs.sweep`` in the same transaction; this sweeper deletes its rows a bounded batch
per step, the first step at once and the next ones a second of emulated time apart, so a huge
queue never blocks the event loop. Pending sweeps resume after a restart.
"""

from __future__ import annotations

from redrive.kernel import Handle
from redrive.services._base import Platform
from redrive.services.sqs import constants as c
from redrive.services.sqs import state
from redrive.store import Transaction


class Sweeper:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._handle: Handle | None = None

    def start(self) -> None:
        with self.platform.store.transaction() as txn:
            pending = txn.first(state.SWEEP) is not None
        if pending:
            self._schedule(0.0)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def add(self, txn: Transaction, sid: int) -> None:
        """Delete storage ``sid`` (call inside the transaction that detaches it)."""
        txn.put(state.SWEEP, (sid,), 0)
        self._schedule(0.0)

    def _schedule(self, delay: float) -> None:
        if self._handle is not None and not self._handle.cancelled:
            return
        self._handle = self.platform.scheduler.call_later(delay, self._step)

    def _step(self) -> None:
        self._handle = None
        with self.platform.store.transaction() as txn:
            first = txn.first(state.SWEEP)
            if first is None:
                return
            sid = int(first[0][0])
            budget = c.SWEEP_BATCH
            for table in state.STORAGE_TABLES:
                rows = list(txn.scan(table, (sid,), limit=budget))
                for key, _ in rows:
                    txn.delete(table, key)
                budget -= len(rows)
                if budget <= 0:
                    break
            if budget > 0:
                txn.delete(state.SWEEP, (sid,))
            more = txn.first(state.SWEEP) is not None
        if more:
            self._schedule(c.SWEEP_INTERVAL_SECONDS)
