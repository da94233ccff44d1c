"""Deleting detached storage in the background, for every service that detaches it.

Deleting a queue, a stream or a table only detaches its storage id (so the call costs the same
at any size) and writes the id to the service's sweep table in the same transaction. A
:class:`StorageSweeper` then deletes that storage's rows a bounded batch per step, the first
step at once and the next ones a second of emulated time apart, so a huge queue or stream never
blocks the event loop. Pending sweeps resume after a restart.

Storage tables are keyed ``(sid, ...)``; the sweep table ``(sid,)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from redrive.kernel import Handle
from redrive.services._base import Platform
from redrive.store import Transaction

SWEEP_BATCH = 1000  # rows deleted per step
SWEEP_INTERVAL_SECONDS = 1.0  # emulated time between steps


class StorageSweeper:
    def __init__(self, platform: Platform, sweep_table: str, tables: Sequence[str]) -> None:
        self.platform = platform
        self.sweep_table = sweep_table
        self.tables = tuple(tables)
        self._handle: Handle | None = None

    def start(self) -> None:
        with self.platform.store.transaction() as txn:
            pending = txn.first(self.sweep_table) is not None
        if pending:
            self._schedule(0.0)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def add(self, txn: Transaction, sid: int) -> None:
        """Delete storage ``sid`` (call inside the transaction that detaches it)."""
        txn.put(self.sweep_table, (sid,), 0)
        self._schedule(0.0)

    def _schedule(self, delay: float) -> None:
        if self._handle is not None and not self._handle.cancelled:
            return
        self._handle = self.platform.scheduler.call_later(delay, self._step)

    def _step(self) -> None:
        self._handle = None
        with self.platform.store.transaction() as txn:
            first = txn.first(self.sweep_table)
            if first is None:
                return
            sid = int(first[0][0])
            budget = SWEEP_BATCH
            for table in self.tables:
                rows = list(txn.scan(table, (sid,), limit=budget))
                for key, _ in rows:
                    txn.delete(table, key)
                budget -= len(rows)
                if budget <= 0:
                    break
            if budget > 0:
                txn.delete(self.sweep_table, (sid,))
            more = txn.first(self.sweep_table) is not None
        if more:
            self._schedule(SWEEP_INTERVAL_SECONDS)
