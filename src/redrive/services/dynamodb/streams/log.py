"""The records of one stream inside one store transaction (a :class:`RecordLog`).

Positions, reads, retention and trimming are the shared log's (:mod:`redrive.services.
_record_log`, the scheme Kinesis shards use too); here is what a stream record holds. Records
are kept 24 hours on the emulated clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redrive.services._record_log import ORIGIN, Position, RecordLog, RecordPage
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb.streams import sequence
from redrive.services.dynamodb.streams.state import HEADS, RECORDS
from redrive.services.dynamodb.values import Item
from redrive.store import Key, Transaction

__all__ = ["ORIGIN", "Page", "Position", "StoredRecord", "StreamLog"]


@dataclass(frozen=True)
class StoredRecord:
    """One stream record as the store holds it (images only as the view type keeps them)."""

    ms: int
    counter: int
    event_name: str
    keys: Item
    new_image: Item | None
    old_image: Item | None
    size: int

    @property
    def sequence_number(self) -> str:
        return sequence.encode(self.ms, self.counter)

    @property
    def following(self) -> Position:
        return (self.ms, self.counter + 1)


#: what one read of this log found
Page = RecordPage[StoredRecord]


class StreamLog(RecordLog[StoredRecord]):
    """Reads and appends the records of stream ``ssid`` (created at ``created_ms``) at
    emulated ``now_ms``."""

    def __init__(self, txn: Transaction, ssid: int, created_ms: int, now_ms: int) -> None:
        super().__init__(
            txn,
            records_table=RECORDS,
            heads_table=HEADS,
            prefix=(ssid,),
            start_ms=created_ms,
            retention_ms=c.RETENTION_MS,
            trim_batch=c.TRIM_BATCH,
            now_ms=now_ms,
        )
        self.ssid = ssid
        self.created_ms = created_ms

    def append(
        self,
        event_name: str,
        keys: Item,
        new_image: Item | None,
        old_image: Item | None,
        size: int,
    ) -> StoredRecord:
        ms, counter = self._write([event_name, keys, new_image, old_image, size])
        return StoredRecord(ms, counter, event_name, keys, new_image, old_image, size)

    def _decode(self, key: Key, value: Any) -> StoredRecord:
        event_name, keys, new_image, old_image, size = value
        return StoredRecord(
            int(key[1]), int(key[2]), str(event_name), keys, new_image, old_image, int(size)
        )
