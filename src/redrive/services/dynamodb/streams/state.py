"""Streams in the store: the stream document, its records and its head.

A table's stream is created when streams are enabled (CreateTable or UpdateTable) and has its
own storage id ``ssid``. It is closed when streams are disabled or the table is deleted, and
stays readable for 24 hours after that (Streams.html); then it is removed and its records
swept (:mod:`..lifecycle`).

=============================  ===========================  =====================================
table                          key                          value
=============================  ===========================  =====================================
``dynamodb.streams``           (account, region, table,     stream document
                               label)
``dynamodb.stream-records``    (ssid, arrival ms, counter)  [event name, keys, new image,
                                                            old image, size]
``dynamodb.stream-heads``      (ssid,)                      [last counter, its arrival ms]
=============================  ===========================  =====================================

Each stream has one shard (AWS splits a stream into shards that roll over every few hours;
one shard per stream keeps every table's records in one ordered log, which is what AWS
guarantees per item anyway). Records are keyed like Kinesis's (:mod:`.sequence`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from redrive.services.dynamodb import arns
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb.arns import StreamRef
from redrive.store import Transaction

STREAMS = "dynamodb.streams"
RECORDS = "dynamodb.stream-records"
HEADS = "dynamodb.stream-heads"

#: tables keyed by a stream's storage id first (what a sweep deletes)
STORAGE_TABLES = (RECORDS, HEADS)

Doc = dict[str, Any]


@dataclass
class Stream:
    """A stream document with typed access."""

    doc: Doc

    @property
    def ref(self) -> StreamRef:
        d = self.doc
        return StreamRef(str(d["account"]), str(d["region"]), str(d["table"]), str(d["label"]))

    @property
    def arn(self) -> str:
        return self.ref.arn

    @property
    def table(self) -> str:
        return str(self.doc["table"])

    @property
    def label(self) -> str:
        return str(self.doc["label"])

    @property
    def region(self) -> str:
        return str(self.doc["region"])

    @property
    def ssid(self) -> int:
        return int(self.doc["ssid"])

    @property
    def view(self) -> str:
        return str(self.doc["view"])

    @property
    def status(self) -> str:
        return str(self.doc["status"])

    @property
    def created_ms(self) -> int:
        return int(self.doc["created_ms"])

    @property
    def closed_ms(self) -> int | None:
        closed = self.doc.get("closed_ms")
        return None if closed is None else int(closed)

    @property
    def shard_id(self) -> str:
        return str(self.doc["shard"])

    @property
    def key_schema(self) -> list[dict[str, str]]:
        return [{"AttributeName": str(n), "KeyType": str(t)} for n, t in self.doc["key"]]

    def expired(self, now_ms: int) -> bool:
        """A closed stream is gone 24 hours after it was closed."""
        closed = self.closed_ms
        return closed is not None and now_ms - closed >= c.RETENTION_MS


def new_stream(
    ref: StreamRef, *, ssid: int, view: str, status: str, key: list[list[str]], shard: str
) -> Stream:
    return Stream(
        {
            "account": ref.account,
            "region": ref.region,
            "table": ref.table,
            "label": ref.label,
            "ssid": ssid,
            "view": view,
            "status": status,
            "created_ms": arns.label_ms(ref.label),
            "closed_ms": None,
            "key": key,
            "shard": shard,
        }
    )


def get_stream(txn: Transaction, ref: StreamRef) -> Stream | None:
    doc = txn.get(STREAMS, ref.key)
    return None if doc is None else Stream(doc)


def put_stream(txn: Transaction, stream: Stream) -> None:
    txn.put(STREAMS, stream.ref.key, stream.doc)


def iter_streams(
    txn: Transaction, account: str, region: str, *, table: str | None = None
) -> Iterator[Stream]:
    """Streams of an account and Region (of one table if given), by table name and label."""
    prefix: tuple[str, ...] = (account, region) if table is None else (account, region, table)
    for _key, doc in txn.scan(STREAMS, prefix):
        yield Stream(doc)


def iter_all_streams(txn: Transaction) -> Iterator[Stream]:
    for _key, doc in txn.scan(STREAMS):
        yield Stream(doc)
