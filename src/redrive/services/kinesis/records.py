"""The records of one shard inside one store transaction.

A *position* is ``(arrival ms, counter)``: the place in the shard's log at or after which a
read starts. Positions order exactly like the records' store keys and sequence numbers, so a
read is one range scan from its position: it costs O(log n + k) for k records returned,
whatever the shard's length.

Retention is applied on the emulated clock. Records that arrived before ``now - retention``
are *expired*: no read ever returns them, and a position before the first unexpired record
reads from that record (where AWS moves such iterators: the trim horizon). Expired rows are
deleted a bounded batch at a time whenever the shard is written or read (:meth:`trim`), so the
work of trimming is spread over the calls that touch the shard.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from redrive.services.kinesis import constants as c
from redrive.services.kinesis import sequence
from redrive.services.kinesis.state import HEADS, RECORDS, Stream
from redrive.store import Transaction

Position = tuple[int, int]

#: the start of a shard: before every record it can ever hold
ORIGIN: Position = (0, 0)


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


@dataclass(frozen=True)
class Page:
    """What one read found: records in order, and the first record it left unread."""

    records: list[StoredRecord]
    unread: StoredRecord | None


class ShardLog:
    """Reads and appends the records of one shard of ``stream`` at emulated ``now_ms``."""

    def __init__(self, txn: Transaction, stream: Stream, shard: int, now_ms: int) -> None:
        self.txn = txn
        self.stream = stream
        self.shard = shard
        self.sid = stream.sid
        self.now_ms = now_ms

    @property
    def cutoff_ms(self) -> int:
        """Records that arrived before this time are expired."""
        return self.now_ms - self.stream.retention_ms

    @property
    def start_position(self) -> Position:
        """The position of the shard's StartingSequenceNumber (counter 0)."""
        return (self.stream.created_ms, 0)

    def head(self) -> Position:
        """(arrival ms, counter) of the last record ever put into the shard, or the start."""
        found = self.txn.get(HEADS, (self.sid, self.shard))
        if found is None:
            return self.start_position
        return (int(found[1]), int(found[0]))

    def latest_position(self) -> Position:
        """The position just after the last record: where LATEST reads from."""
        ms, counter = self.head()
        return (ms, counter + 1)

    # -- writing ----------------------------------------------------------------------------

    def append(self, partition_key: str, data: bytes, size: int) -> StoredRecord:
        """Store a new record at the end of the shard, arriving now."""
        last_ms, last_counter = self.head()
        # the arrival time never decreases within a shard (sequence numbers must increase)
        ms = max(self.now_ms, last_ms)
        counter = last_counter + 1
        encoded = base64.b64encode(data).decode("ascii")
        self.txn.put(RECORDS, (self.sid, self.shard, ms, counter), [partition_key, encoded, size])
        self.txn.put(HEADS, (self.sid, self.shard), [counter, ms])
        return StoredRecord(self.shard, ms, counter, partition_key, data, size)

    def trim(self) -> int:
        """Delete up to one batch of expired records; how many."""
        rows = list(
            self.txn.scan(
                RECORDS,
                (self.sid, self.shard),
                stop=(self.sid, self.shard, self.cutoff_ms),
                limit=c.TRIM_BATCH,
            )
        )
        for key, _ in rows:
            self.txn.delete(RECORDS, key)
        return len(rows)

    # -- reading ----------------------------------------------------------------------------

    def effective(self, position: Position) -> Position:
        """``position``, or the trim horizon if the position is before it."""
        return max(position, (self.cutoff_ms, 0))

    def read(self, position: Position, limit: int, max_bytes: int) -> Page:
        """Up to ``limit`` unexpired records from ``position`` on, at most ``max_bytes`` of
        them (but always the first one, whatever its size)."""
        found: list[StoredRecord] = []
        total = 0
        cursor = self.effective(position)
        # Scan in chunks that double (1, 2, 4, ...), so records of up to 10 MiB each never
        # load much more than the 10 MiB a read may return.
        chunk = 1
        while True:
            rows = list(
                self.txn.scan(
                    RECORDS,
                    (self.sid, self.shard),
                    start=(self.sid, self.shard, *cursor),
                    limit=min(chunk, limit + 1 - len(found)),
                )
            )
            for key, value in rows:
                record = _record(self.shard, key, value)
                if len(found) >= limit or (found and total + record.size > max_bytes):
                    return Page(found, record)
                found.append(record)
                total += record.size
                cursor = record.following
            if len(rows) < chunk:
                return Page(found, None)
            chunk *= 2


def _record(shard: int, key: tuple[str | int, ...], value: list[object]) -> StoredRecord:
    ms, counter = int(key[2]), int(key[3])
    partition_key, encoded, size = value
    return StoredRecord(
        shard, ms, counter, str(partition_key), base64.b64decode(str(encoded)), int(str(size))
    )
