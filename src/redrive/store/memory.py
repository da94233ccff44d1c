"""The memory backend: sorted dictionaries per table, undo log for rollback."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from sortedcontainers import SortedDict

from redrive.store import keys
from redrive.store.base import Key, Store, Transaction, dump, load

_MISSING = object()


class _MemoryTransaction(Transaction):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.undo: list[tuple[str, bytes, object]] = []

    def _table(self, table: str) -> SortedDict:
        tables = self._store.tables
        if table not in tables:
            tables[table] = SortedDict()
        return tables[table]

    def get(self, table: str, key: Key) -> Any | None:
        text = self._table(table).get(keys.encode(key))
        return None if text is None else load(text)

    def put(self, table: str, key: Key, value: Any) -> None:
        data = self._table(table)
        raw = keys.encode(key)
        self.undo.append((table, raw, data.get(raw, _MISSING)))
        data[raw] = dump(value)

    def delete(self, table: str, key: Key) -> bool:
        data = self._table(table)
        raw = keys.encode(key)
        old = data.pop(raw, _MISSING)
        if old is _MISSING:
            return False
        self.undo.append((table, raw, old))
        return True

    def scan(
        self,
        table: str,
        prefix: Key = (),
        *,
        start: Key | None = None,
        stop: Key | None = None,
        reverse: bool = False,
        limit: int | None = None,
    ) -> Iterator[tuple[Key, Any]]:
        data = self._table(table)
        low, high = keys.scan_range(prefix, start, stop)
        found = data.irange(low, high, inclusive=(True, False), reverse=reverse)
        # Materialize the keys so the caller may write while iterating.
        for raw in list(islice(found, limit)):
            text = data.get(raw)
            if text is not None:
                yield keys.decode(raw), load(text)


class MemoryStore(Store):
    """Everything in memory; nothing touches the disk."""

    location = "memory"

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, SortedDict] = {}
        self._init_schema()

    def _begin(self) -> Transaction:
        return _MemoryTransaction(self)

    def _commit(self, txn: Transaction) -> None:
        assert isinstance(txn, _MemoryTransaction)
        txn.undo.clear()

    def _rollback(self, txn: Transaction) -> None:
        assert isinstance(txn, _MemoryTransaction)
        for table, raw, old in reversed(txn.undo):
            data = self.tables[table]
            if old is _MISSING:
                data.pop(raw, None)
            else:
                data[raw] = old
        txn.undo.clear()

    def close(self) -> None:
        self.tables.clear()


__all__ = ["MemoryStore"]
