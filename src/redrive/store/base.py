"""The store interface every backend implements."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import orjson

from redrive.store.sequence import IdSequence

Key = tuple[str | int, ...]

#: Version of the layout of data in the store; bump it and add a migration when it changes.
SCHEMA_VERSION = 1


def dump(value: Any) -> str:
    """A document as compact JSON text (orjson: about ten times the standard library's speed,
    and every store write goes through here). Dictionary keys that are not strings become
    strings, as with :mod:`json`; NaN and infinities, which JSON does not have, become null.
    Integers beyond 64 bits, which orjson refuses, fall back to :mod:`json`."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def load(text: str) -> Any:
    return orjson.loads(text)


class Transaction(ABC):
    """Reads and writes inside one atomic unit. Reads see the transaction's own writes."""

    #: callbacks to run once the outermost transaction has committed (see :meth:`after_commit`)
    _after_commit: list[Callable[[], None]] | None = None
    #: the store this transaction belongs to (set when it begins)
    store: Store

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this transaction has committed; never if it rolls back.

        For in-memory caches of stored values: a cache updated only here never holds a value
        the store does not."""
        if self._after_commit is None:
            self._after_commit = []
        self._after_commit.append(callback)

    @abstractmethod
    def get(self, table: str, key: Key) -> Any | None:
        """The document at ``key`` or None."""

    @abstractmethod
    def put(self, table: str, key: Key, value: Any) -> None:
        """Store a JSON-serializable document at ``key`` (replacing any)."""

    @abstractmethod
    def delete(self, table: str, key: Key) -> bool:
        """Remove ``key``; True if it existed."""

    @abstractmethod
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
        """Documents whose key starts with ``prefix``, in key order.

        ``start`` (inclusive) and ``stop`` (exclusive) are full keys bounding the range
        further. The iterator must be consumed before the transaction ends.
        """

    def first(self, table: str, prefix: Key = (), **kwargs: Any) -> tuple[Key, Any] | None:
        """The first item of :meth:`scan`, or None."""
        for item in self.scan(table, prefix, limit=1, **kwargs):
            return item
        return None

    def count(self, table: str, prefix: Key = ()) -> int:
        return sum(1 for _ in self.scan(table, prefix))

    def next_id(self, name: str) -> int:
        """The next value (1, 2, ...) of the durable counter ``name``."""
        value = int(self.get("_counters", (name,)) or 0) + 1
        self.put("_counters", (name,), value)
        return value


class Store(ABC):
    """A durable ordered key-value store.

    :meth:`transaction` nests: an inner ``with`` joins the outer transaction, and only the
    outermost one commits (or rolls back everything if an exception leaves it). A transaction
    must not stay open across an ``await``.
    """

    #: where the data lives, for the startup line ("memory" for the memory backend)
    location: str

    def __init__(self) -> None:
        self._current: Transaction | None = None
        self._sequences: dict[str, IdSequence] = {}

    def transaction(self) -> AbstractContextManager[Transaction]:
        """The current transaction if one is open (joined), else a new outermost one."""
        current = self._current
        if current is not None:
            return _Joined(current)
        return _Outermost(self)

    def sequence(self, name: str) -> IdSequence:
        """This store's id sequence ``name`` (see :mod:`redrive.store.sequence`)."""
        found = self._sequences.get(name)
        if found is None:
            found = self._sequences[name] = IdSequence(name)
        return found

    @property
    def schema_version(self) -> int:
        with self.transaction() as txn:
            return int(txn.get("_meta", ("schema_version",)) or 0)

    def _init_schema(self) -> None:
        with self.transaction() as txn:
            version = int(txn.get("_meta", ("schema_version",)) or 0)
            if version > SCHEMA_VERSION:
                from redrive.errors import StoreError

                raise StoreError(
                    f"store {self.location} has schema version {version}, newer than this "
                    f"redrive ({SCHEMA_VERSION}); upgrade redrive or use another --data-dir"
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[target](txn)
            txn.put("_meta", ("schema_version",), SCHEMA_VERSION)

    @abstractmethod
    def _begin(self) -> Transaction: ...

    @abstractmethod
    def _commit(self, txn: Transaction) -> None: ...

    @abstractmethod
    def _rollback(self, txn: Transaction) -> None: ...

    @abstractmethod
    def close(self) -> None:
        """Flush and release the store."""


class _Joined:
    """``with store.transaction()`` inside another: the same transaction, nothing to finish.
    (A class, not a generator context manager: stores are entered several times per request.)
    """

    __slots__ = ("txn",)

    def __init__(self, txn: Transaction) -> None:
        self.txn = txn

    def __enter__(self) -> Transaction:
        return self.txn

    def __exit__(self, *exc_info: object) -> None:
        return None


class _Outermost:
    """The outermost ``with store.transaction()``: commits when the block ends, rolls
    everything back if an exception leaves it, then runs the after-commit callbacks."""

    __slots__ = ("store", "txn")

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Transaction:
        store = self.store
        txn = store._begin()
        txn.store = store
        store._current = self.txn = txn
        return txn

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        store, txn = self.store, self.txn
        store._current = None
        if exc_type is not None:
            store._rollback(txn)
            return
        store._commit(txn)
        for callback in txn._after_commit or ():
            callback()


def _migrate_to_1(txn: Transaction) -> None:
    """Version 1 is the first layout: nothing to convert."""


#: MIGRATIONS[n] converts data of schema version n-1 to version n.
MIGRATIONS = {1: _migrate_to_1}
