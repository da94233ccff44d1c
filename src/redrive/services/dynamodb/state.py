"""DynamoDB state in the store: the tables and the table document.

Every table is prefixed ``dynamodb.``. A table has a storage id ``sid`` from a durable
counter; its items live under that id, so a deleted table's items can be swept in the
background while a new table of the same name starts empty. A stream has a storage id
``ssid`` of its own (the same counter), since a table can have several streams over its life
and a stream outlives its table by 24 hours (:mod:`.streams.state`). Times are emulated epoch
milliseconds.

======================  ==================================  ================================
table                   key                                 value
======================  ==================================  ================================
``dynamodb.tables``     (account, region, name)             table document
``dynamodb.items``      (sid, hash part[, range part])      item (:mod:`.values` form)
``dynamodb.stats``      (sid,)                              [item count, total item bytes]
``dynamodb.sweep``      (sid,)                              storage left to delete
======================  ==================================  ================================

Key parts are described in :mod:`.keys`. ItemCount and TableSizeBytes are kept exact on every
write (AWS refreshes them about every six hours; an emulator has no reason to lag).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from redrive.services._documents import RegionalDocument
from redrive.services.dynamodb import arns
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb.keys import KeySchema
from redrive.store import Transaction

TABLES = "dynamodb.tables"
ITEMS = "dynamodb.items"
STATS = "dynamodb.stats"
SWEEP = "dynamodb.sweep"
STORAGE_IDS = "dynamodb.storage-ids"

#: tables keyed by a storage id first (what a sweep deletes)
STORAGE_TABLES = (ITEMS, STATS)

Doc = dict[str, Any]
TableKey = tuple[str, str, str]


@dataclass
class Table(RegionalDocument):
    """A table document with typed access."""

    @property
    def key(self) -> TableKey:
        return (self.account, self.region, self.name)

    @property
    def arn(self) -> str:
        return arns.table_arn(self.account, self.region, self.name)

    @property
    def status(self) -> str:
        return str(self.doc["status"])

    @property
    def created_ms(self) -> int:
        return int(self.doc["created_ms"])

    @property
    def schema(self) -> KeySchema:
        return KeySchema.from_doc(self.doc["key"])

    @property
    def stream(self) -> Doc:
        """``{"enabled", "view", "label", "ssid"}``: the table's latest stream, if any."""
        found: Doc = self.doc.setdefault("stream", {"enabled": False})
        return found

    @property
    def stream_enabled(self) -> bool:
        return bool(self.stream.get("enabled"))

    @property
    def latest_stream_arn(self) -> str | None:
        label = self.stream.get("label")
        if label is None:
            return None
        return arns.stream_arn(self.account, self.region, self.name, str(label))


def table_id(account: str, region: str, name: str, sid: int) -> str:
    """A TableId: a UUID unique to this incarnation of the table (derived from its storage
    id, so it is stable across restarts and never repeats)."""
    digest = hashlib.sha256(f"{account}/{region}/{name}/{sid}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def new_table(txn: Transaction, where: TableKey, created_ms: int, **fields: Any) -> Table:
    account, region, name = where
    sid = txn.next_id(STORAGE_IDS)
    doc: Doc = {
        "account": account,
        "region": region,
        "name": name,
        "sid": sid,
        "id": table_id(account, region, name, sid),
        "status": c.CREATING,
        "created_ms": created_ms,
        "stream": {"enabled": False},
        **fields,
    }
    return Table(doc)


def get_table(txn: Transaction, key: TableKey) -> Table | None:
    doc = txn.get(TABLES, key)
    return None if doc is None else Table(doc)


def put_table(txn: Transaction, table: Table) -> None:
    txn.put(TABLES, table.key, table.doc)


def iter_tables(
    txn: Transaction, account: str, region: str, *, after: str | None = None
) -> Iterator[Table]:
    """Tables of an account and Region in name order, names after ``after`` if given."""
    start = None if after is None else (account, region, after + "\x00")
    for _key, doc in txn.scan(TABLES, (account, region), start=start):
        yield Table(doc)


def iter_all_tables(txn: Transaction) -> Iterator[Table]:
    for _key, doc in txn.scan(TABLES):
        yield Table(doc)


# -- statistics -------------------------------------------------------------------------------


def stats(txn: Transaction, sid: int) -> tuple[int, int]:
    """(item count, total item bytes) of a table's storage."""
    found = txn.get(STATS, (sid,))
    return (0, 0) if found is None else (int(found[0]), int(found[1]))


def add_stats(txn: Transaction, sid: int, count: int, size: int) -> None:
    if count == 0 and size == 0:
        return
    items, total = stats(txn, sid)
    txn.put(STATS, (sid,), [items + count, total + size])
