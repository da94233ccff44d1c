"""Kinesis state in the store: the tables and the stream document.

Every table is prefixed ``kinesis.``. A stream has a storage id ``sid`` from a durable counter;
its records live under that id, so a deleted stream's records can be swept in the background
while a new stream of the same name starts with fresh storage. Times are emulated epoch
milliseconds.

======================  =================================  ==================================
table                   key                                value
======================  =================================  ==================================
``kinesis.streams``     (account, region, name)            stream document
``kinesis.heads``       (sid, shard)                       [last counter, its arrival ms]
``kinesis.records``     (sid, shard, arrival ms, counter)  [partition key, data b64, size]
``kinesis.sweep``       (sid,)                             storage left to delete
======================  =================================  ==================================

A record's key holds what its sequence number encodes (:mod:`.sequence`), so a sequence
number, an arrival time or the trim horizon (the first record not older than the retention
period) each find their place in a shard's records with one ordered range scan.

Streams are never resharded yet (SplitShard, MergeShards and UpdateShardCount are refused), so
a stream's shards are its shard count: shard ``i`` of ``n`` has the ``i``-th of ``n`` even hash
key ranges (:func:`.hashing.even_ranges`) and was created with the stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from redrive.services._documents import RegionalDocument
from redrive.services.kinesis import arns, hashing
from redrive.services.kinesis import constants as c
from redrive.services.kinesis.arns import StreamRef
from redrive.store import Transaction

STREAMS = "kinesis.streams"
HEADS = "kinesis.heads"
RECORDS = "kinesis.records"
SWEEP = "kinesis.sweep"

#: tables keyed by sid first (what a sweep deletes)
STORAGE_TABLES = (RECORDS, HEADS)

STORAGE_IDS = "kinesis.storage-ids"

Doc = dict[str, Any]


@lru_cache(maxsize=64)
def _ranges(count: int) -> tuple[tuple[int, int], ...]:
    return tuple(hashing.even_ranges(count))


@lru_cache(maxsize=64)
def _starts(count: int) -> tuple[int, ...]:
    return tuple(start for start, _ in _ranges(count))


@dataclass
class Stream(RegionalDocument):
    """A stream document with typed access."""

    @property
    def ref(self) -> StreamRef:
        return StreamRef(self.account, self.region, self.name)

    @property
    def arn(self) -> str:
        return arns.stream_arn(self.account, self.region, self.name)

    @property
    def status(self) -> str:
        return str(self.doc["status"])

    @property
    def mode(self) -> str:
        return str(self.doc["mode"])

    @property
    def created_ms(self) -> int:
        return int(self.doc["created_ms"])

    @property
    def shard_count(self) -> int:
        return int(self.doc["shards"])

    @property
    def retention_hours(self) -> int:
        return int(self.doc["retention_hours"])

    @property
    def retention_ms(self) -> int:
        return self.retention_hours * c.MS_PER_HOUR

    @property
    def max_record_kib(self) -> int:
        return int(self.doc["max_record_kib"])

    @property
    def max_record_bytes(self) -> int:
        return self.max_record_kib * c.KIB

    @property
    def tags(self) -> dict[str, str]:
        values: dict[str, str] = self.doc.setdefault("tags", {})
        return values

    def hash_range(self, shard: int) -> tuple[int, int]:
        return _ranges(self.shard_count)[shard]

    def shard_of(self, key: int) -> int:
        """The shard whose hash key range contains ``key``."""
        return hashing.shard_for(key, _starts(self.shard_count))


# -- streams --------------------------------------------------------------------------------


def get_stream(txn: Transaction, ref: StreamRef) -> Stream | None:
    doc = txn.get(STREAMS, ref.key)
    return None if doc is None else Stream(doc)


def put_stream(txn: Transaction, stream: Stream) -> None:
    txn.put(STREAMS, stream.ref.key, stream.doc)


def new_stream(
    txn: Transaction,
    ref: StreamRef,
    *,
    mode: str,
    shards: int,
    created_ms: int,
    max_record_kib: int,
    tags: dict[str, str],
) -> Stream:
    doc: Doc = {
        "account": ref.account,
        "region": ref.region,
        "name": ref.name,
        "sid": txn.next_id(STORAGE_IDS),
        "status": c.CREATING,
        "mode": mode,
        "shards": shards,
        "created_ms": created_ms,
        "retention_hours": c.DEFAULT_RETENTION_HOURS,
        "max_record_kib": max_record_kib,
        "tags": dict(tags),
    }
    return Stream(doc)


def iter_streams(
    txn: Transaction, account: str, region: str, *, after: str | None = None
) -> Iterator[Stream]:
    """Streams of an account and Region in name order, names after ``after`` if given."""
    start = None if after is None else (account, region, after + "\x00")
    for _key, doc in txn.scan(STREAMS, (account, region), start=start):
        yield Stream(doc)


def iter_all_streams(txn: Transaction) -> Iterator[Stream]:
    for _key, doc in txn.scan(STREAMS):
        yield Stream(doc)
