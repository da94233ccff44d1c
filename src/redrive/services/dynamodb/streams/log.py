"""The records of one stream inside one store transaction.

A *position* is ``(arrival ms, counter)``: the place in the stream's log at or after which a
read starts. Positions order exactly like the records' store keys and sequence numbers, so a
read is one range scan from its position: O(log n + k) for k records, whatever the length of
the log (the scheme of kinesis/records.py).

Records are kept 24 hours on the emulated clock. Older records are *expired*: no read returns
them, and a position before the first unexpired record reads from that record (the trim
horizon). Expired rows are deleted a bounded batch at a time whenever the stream is written
or read (:meth:`StreamLog.trim`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb.streams import sequence
from redrive.services.dynamodb.streams.state import HEADS, RECORDS
from redrive.services.dynamodb.values import Item
from redrive.store import Transaction

Position = tuple[int, int]

#: before every record a stream can ever hold
ORIGIN: Position = (0, 0)


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


@dataclass(frozen=True)
class Page:
    """What one read found: records in order, and the first record it left unread."""

    records: list[StoredRecord]
    unread: StoredRecord | None


class StreamLog:
    """Reads and appends the records of stream ``ssid`` (created at ``created_ms``) at
    emulated ``now_ms``."""

    def __init__(self, txn: Transaction, ssid: int, created_ms: int, now_ms: int) -> None:
        self.txn = txn
        self.ssid = ssid
        self.created_ms = created_ms
        self.now_ms = now_ms

    @property
    def cutoff_ms(self) -> int:
        """Records that arrived before this time are expired."""
        return self.now_ms - c.RETENTION_MS

    @property
    def start_position(self) -> Position:
        """The position of the shard's StartingSequenceNumber (counter 0)."""
        return (self.created_ms, 0)

    def head(self) -> Position:
        """(arrival ms, counter) of the last record ever appended, or the start."""
        found = self.txn.get(HEADS, (self.ssid,))
        if found is None:
            return self.start_position
        return (int(found[1]), int(found[0]))

    def latest_position(self) -> Position:
        """Just after the last record: where LATEST reads from."""
        ms, counter = self.head()
        return (ms, counter + 1)

    def append(
        self,
        event_name: str,
        keys: Item,
        new_image: Item | None,
        old_image: Item | None,
        size: int,
    ) -> StoredRecord:
        last_ms, last_counter = self.head()
        ms = max(self.now_ms, last_ms)  # arrival times never decrease: numbers increase
        counter = last_counter + 1
        value = [event_name, keys, new_image, old_image, size]
        self.txn.put(RECORDS, (self.ssid, ms, counter), value)
        self.txn.put(HEADS, (self.ssid,), [counter, ms])
        return StoredRecord(ms, counter, event_name, keys, new_image, old_image, size)

    def trim(self) -> int:
        """Delete up to one batch of expired records; how many."""
        rows = list(
            self.txn.scan(
                RECORDS,
                (self.ssid,),
                stop=(self.ssid, self.cutoff_ms),
                limit=c.TRIM_BATCH,
            )
        )
        for key, _ in rows:
            self.txn.delete(RECORDS, key)
        return len(rows)

    def effective(self, position: Position) -> Position:
        """``position``, or the trim horizon if the position is before it."""
        return max(position, (self.cutoff_ms, 0))

    def read(self, position: Position, limit: int, max_bytes: int) -> Page:
        """Up to ``limit`` unexpired records from ``position`` on, at most ``max_bytes`` of
        them (but always the first one)."""
        found: list[StoredRecord] = []
        total = 0
        cursor = self.effective(position)
        # Scan in chunks that double (1, 2, 4, ...): records of up to 800 KB each (two
        # images) never load much more than the 1 MB a read may return.
        chunk = 1
        while True:
            rows = list(
                self.txn.scan(
                    RECORDS,
                    (self.ssid,),
                    start=(self.ssid, *cursor),
                    limit=min(chunk, limit + 1 - len(found)),
                )
            )
            for key, value in rows:
                record = _record(key, value)
                if len(found) >= limit or (found and total + record.size > max_bytes):
                    return Page(found, record)
                found.append(record)
                total += record.size
                cursor = record.following
            if len(rows) < chunk:
                return Page(found, None)
            chunk *= 2


def _record(key: tuple[str | int, ...], value: list[Any]) -> StoredRecord:
    event_name, keys, new_image, old_image, size = value
    return StoredRecord(
        int(key[1]), int(key[2]), str(event_name), keys, new_image, old_image, int(size)
    )
