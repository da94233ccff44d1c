"""The records of one shard inside one store transaction (a :class:`RecordLog`).

Positions, reads, retention and trimming are the shared log's (:mod:`redrive.services.
_record_log`); here is what a Kinesis record holds and how a shard appends one. Retention is
the stream's own, on the emulated clock.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from redrive.services._record_log import ORIGIN, Position, RecordLog, RecordPage
from redrive.services.kinesis import constants as c
from redrive.services.kinesis import sequence
from redrive.services.kinesis.state import HEADS, RECORDS, Stream
from redrive.store import Key, Transaction

__all__ = ["ORIGIN", "Page", "Position", "ShardLog", "StoredRecord"]


@dataclass(frozen=True)
class StoredRecord:
    """One record as the store holds it."""

    shard: int
    ms: int
    counter: int
    partition_key: str
    data: bytes
    size: int

    @property
    def sequence_number(self) -> str:
        return sequence.encode(self.shard, self.ms, self.counter)

    @property
    def following(self) -> Position:
        """The position just after this record."""
        return (self.ms, self.counter + 1)


#: what one read of this log found
Page = RecordPage[StoredRecord]


class ShardLog(RecordLog[StoredRecord]):
    """Reads and appends the records of one shard of ``stream`` at emulated ``now_ms``."""

    def __init__(self, txn: Transaction, stream: Stream, shard: int, now_ms: int) -> None:
        super().__init__(
            txn,
            records_table=RECORDS,
            heads_table=HEADS,
            prefix=(stream.sid, shard),
            start_ms=stream.created_ms,
            retention_ms=stream.retention_ms,
            trim_batch=c.TRIM_BATCH,
            now_ms=now_ms,
        )
        self.stream = stream
        self.shard = shard
        self.sid = stream.sid

    def append(self, partition_key: str, data: bytes, size: int) -> StoredRecord:
        """Store a new record at the end of the shard, arriving now."""
        encoded = base64.b64encode(data).decode("ascii")
        ms, counter = self._write([partition_key, encoded, size])
        return StoredRecord(self.shard, ms, counter, partition_key, data, size)

    def _decode(self, key: Key, value: Any) -> StoredRecord:
        partition_key, encoded, size = value
        return StoredRecord(
            self.shard,
            int(key[2]),
            int(key[3]),
            str(partition_key),
            base64.b64decode(str(encoded)),
            int(size),
        )
