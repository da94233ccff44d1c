"""An append-only log of records in the store, read from positions (Kinesis shards, DynamoDB
streams).

A *position* is ``(arrival ms, counter)``: the place in the log at or after which a read
starts. Records are keyed ``(*prefix, arrival ms, counter)``, so positions order exactly like
the records' store keys (and their sequence numbers), and a read is one range scan from its
position: O(log n + k) for k records returned, whatever the log's length. The last position
ever written is kept in a heads table under ``prefix``.

Records that arrived before ``now - retention`` are *expired*: no read ever returns them, and
a position before the first unexpired record reads from that record (the trim horizon). Expired
rows are deleted a bounded batch at a time whenever the log is written or read (:meth:`trim`),
so the work of trimming is spread over the calls that touch it.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from redrive.store import Key, Transaction

Position = tuple[int, int]

TRIM_HORIZON = "TRIM_HORIZON"
LATEST = "LATEST"
AT_TIMESTAMP = "AT_TIMESTAMP"
AT_SEQUENCE_NUMBER = "AT_SEQUENCE_NUMBER"
AFTER_SEQUENCE_NUMBER = "AFTER_SEQUENCE_NUMBER"


@dataclass(frozen=True)
class ReadFrom:
    """Where a read of a log starts, as GetShardIterator's iterator types say it (each service
    lists the kinds it accepts: DynamoDB Streams has no AT_TIMESTAMP).

    ``LATEST`` reads only records written after the read (so it always finds nothing); to
    start at the tip and keep the place, take the service's ``latest_sequence_number`` and
    read :meth:`after` it.
    """

    kind: str
    sequence_number: str | None = None
    #: emulated epoch seconds (AT_TIMESTAMP)
    timestamp: float | None = None

    @classmethod
    def trim_horizon(cls) -> ReadFrom:
        return cls(TRIM_HORIZON)

    @classmethod
    def latest(cls) -> ReadFrom:
        return cls(LATEST)

    @classmethod
    def at_timestamp(cls, timestamp: float) -> ReadFrom:
        return cls(AT_TIMESTAMP, timestamp=timestamp)

    @classmethod
    def at(cls, sequence_number: str) -> ReadFrom:
        return cls(AT_SEQUENCE_NUMBER, sequence_number=sequence_number)

    @classmethod
    def after(cls, sequence_number: str) -> ReadFrom:
        return cls(AFTER_SEQUENCE_NUMBER, sequence_number=sequence_number)

#: before every record a log can ever hold
ORIGIN: Position = (0, 0)


class LoggedRecord(Protocol):
    @property
    def size(self) -> int: ...

    @property
    def following(self) -> Position: ...


R = TypeVar("R", bound=LoggedRecord)


@dataclass(frozen=True)
class RecordPage(Generic[R]):
    """What one read found: records in order, and the first record it left unread."""

    records: list[R]
    unread: R | None


class RecordLog(ABC, Generic[R]):
    """Reads and appends one log's records inside ``txn`` at emulated ``now_ms``."""

    def __init__(
        self,
        txn: Transaction,
        *,
        records_table: str,
        heads_table: str,
        prefix: Key,
        start_ms: int,
        retention_ms: int,
        trim_batch: int,
        now_ms: int,
    ) -> None:
        self.txn = txn
        self.now_ms = now_ms
        self._records = records_table
        self._heads = heads_table
        self._prefix = prefix
        self._start_ms = start_ms
        self._retention_ms = retention_ms
        self._trim_batch = trim_batch

    @abstractmethod
    def _decode(self, key: Key, value: Any) -> R:
        """The record stored at ``key``."""

    @property
    def cutoff_ms(self) -> int:
        """Records that arrived before this time are expired."""
        return self.now_ms - self._retention_ms

    @property
    def start_position(self) -> Position:
        """The position of the log's StartingSequenceNumber (counter 0)."""
        return (self._start_ms, 0)

    def head(self) -> Position:
        """(arrival ms, counter) of the last record ever appended, or the start."""
        found = self.txn.get(self._heads, self._prefix)
        if found is None:
            return self.start_position
        return (int(found[1]), int(found[0]))

    def latest_position(self) -> Position:
        """The position just after the last record: where LATEST reads from."""
        ms, counter = self.head()
        return (ms, counter + 1)

    def _write(self, value: Any) -> Position:
        """Store ``value`` as the next record, arriving now; its (ms, counter)."""
        last_ms, last_counter = self.head()
        # the arrival time never decreases in a log (sequence numbers must increase)
        ms = max(self.now_ms, last_ms)
        counter = last_counter + 1
        self.txn.put(self._records, (*self._prefix, ms, counter), value)
        self.txn.put(self._heads, self._prefix, [counter, ms])
        return ms, counter

    def trim(self) -> int:
        """Delete up to one batch of expired records; how many."""
        rows = list(
            self.txn.scan(
                self._records,
                self._prefix,
                stop=(*self._prefix, self.cutoff_ms),
                limit=self._trim_batch,
            )
        )
        for key, _ in rows:
            self.txn.delete(self._records, key)
        return len(rows)

    def effective(self, position: Position) -> Position:
        """``position``, or the trim horizon if the position is before it."""
        return max(position, (self.cutoff_ms, 0))

    def read(self, position: Position, limit: int, max_bytes: int) -> RecordPage[R]:
        """Up to ``limit`` unexpired records from ``position`` on, at most ``max_bytes`` of
        them (but always the first one, whatever its size)."""
        found: list[R] = []
        total = 0
        cursor = self.effective(position)
        # Scan in chunks that double (1, 2, 4, ...), so large records never load much more
        # than the bytes a read may return.
        chunk = 1
        while True:
            rows = list(
                self.txn.scan(
                    self._records,
                    self._prefix,
                    start=(*self._prefix, *cursor),
                    limit=min(chunk, limit + 1 - len(found)),
                )
            )
            for key, value in rows:
                record = self._decode(key, value)
                if len(found) >= limit or (found and total + record.size > max_bytes):
                    return RecordPage(found, record)
                found.append(record)
                total += record.size
                cursor = record.following
            if len(rows) < chunk:
                return RecordPage(found, None)
            chunk *= 2


def expired_iterator_message(issued_ms: int, now_ms: int, ttl_ms: int) -> str:
    """ExpiredIteratorException's text, as Kinesis and DynamoDB Streams both write it."""
    return (
        f"Iterator expired. The iterator was created at time {java_date(issued_ms)} while right "
        f"now it is {java_date(now_ms)} which is further in the future than the tolerated "
        f"delay of {ttl_ms} milliseconds."
    )


def java_date(ms: int) -> str:
    """``Thu Jan 22 01:22:02 UTC 2015``: how AWS's messages write a time (Java's
    ``Date.toString`` in UTC), whatever the process's locale."""
    moment = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return (
        f"{days[moment.weekday()]} {months[moment.month - 1]} {moment.day:02d} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )
