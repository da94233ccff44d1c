"""Durable state behind one interface: an ordered key-value store with transactions.

Services keep all their state here. Keys are tuples of ``str`` and ``int`` and sort the same
way in every backend; values are JSON documents. Two backends:

* :class:`SqliteStore` - stdlib ``sqlite3``, WAL, ``synchronous=FULL``: a committed
  transaction is on disk (fsync'd) before the caller answers the client.
* :class:`MemoryStore` - the same semantics, nothing written to disk.
"""

from redrive.store.base import SCHEMA_VERSION, Key, Store, Transaction
from redrive.store.memory import MemoryStore
from redrive.store.sqlite import SqliteStore

__all__ = ["SCHEMA_VERSION", "Key", "MemoryStore", "SqliteStore", "Store", "Transaction"]
