"""Unique, increasing integers without a store write for each one.

:meth:`Transaction.next_id` costs a read and a write per id. An :class:`IdSequence`
(:meth:`Store.sequence`, one per store and name) takes one durable id per process start
(committed with the first transaction that uses it) and counts in memory below it:
``start << 32 | n``. Ids of a later start are larger than every id of an earlier one, so keys
built from them keep their insertion order across restarts; ids handed out in a transaction
that rolls back are simply never used (gaps are fine, repeats never happen).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redrive.store.base import Transaction

_LOW_BITS = 32


class IdSequence:
    def __init__(self, name: str) -> None:
        self.name = name
        self._start: int | None = None
        #: a start taken inside a transaction that has not committed yet
        self._pending: tuple[Transaction, int] | None = None
        self._count = itertools.count(1)

    def next(self, txn: Transaction) -> int:
        """The next id (inside ``txn``, which commits the start if this process has none)."""
        start = self._start
        if start is None:
            if self._pending is not None and self._pending[0] is txn:
                start = self._pending[1]
            else:
                start = txn.next_id(self.name)
                self._pending = (txn, start)
                txn.after_commit(lambda: self._started(start))
        n = next(self._count)
        if n >= 1 << _LOW_BITS:  # four billion ids in one start: take a new one
            self._start, self._pending, self._count = None, None, itertools.count(1)
            return self.next(txn)
        return (start << _LOW_BITS) | n

    def _started(self, start: int) -> None:
        self._start, self._pending = start, None
