"""What the DynamoDB Streams operations share: finding streams and shards, positions, reading."""

from __future__ import annotations

from typing import Any

from redrive.services._base import Platform, Service
from redrive.services._waiters import KeyedWaiters
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import errors
from redrive.services.dynamodb.arns import parse_stream_arn
from redrive.services.dynamodb.streams import records, sequence
from redrive.services.dynamodb.streams.log import ORIGIN, Page, Position, StoredRecord, StreamLog
from redrive.services.dynamodb.streams.state import Stream, get_stream
from redrive.store import Transaction


class DynamoDBStreamsCore(Service):
    """The state and helpers behind every DynamoDB Streams operation."""

    name = "dynamodbstreams"

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        #: pollers waiting for records, per stream storage id
        self.waiters: KeyedWaiters[int] = KeyedWaiters()

    def stop(self) -> None:
        self.waiters.close()

    def records_added(self, ssid: int) -> None:
        """Called by the DynamoDB service once records were appended to stream ``ssid`` (or
        the stream was closed or removed): wake its readers."""
        self.waiters.notify(ssid)

    def now_ms(self) -> int:
        return round(self.platform.now() * c.MS_PER_SECOND)

    # -- streams and shards -----------------------------------------------------------------

    def stream_of(self, txn: Transaction, arn: str) -> Stream:
        """The stream an ARN names: ValidationException if it is not a stream ARN,
        ResourceNotFoundException if there is no such stream (or no more)."""
        ref = parse_stream_arn(arn)
        if ref is None:
            raise errors.invalid_stream_arn(arn)
        stream = get_stream(txn, ref)
        if stream is None or stream.expired(self.now_ms()):
            raise errors.stream_not_found(arn)
        return stream

    @staticmethod
    def check_shard(stream: Stream, shard_id: str) -> None:
        if shard_id != stream.shard_id:
            raise errors.shard_not_found(shard_id, stream.arn)

    def log(self, txn: Transaction, stream: Stream) -> StreamLog:
        return StreamLog(txn, stream.ssid, stream.created_ms, self.now_ms())

    @staticmethod
    def shard(log: StreamLog, stream: Stream) -> dict[str, Any]:
        """One ``Shard`` of DescribeStream: a closed shard with records has an ending number."""
        numbers: dict[str, str] = {"StartingSequenceNumber": sequence.encode(*log.start_position)}
        ms, counter = log.head()
        if stream.closed_ms is not None and counter > 0:
            numbers["EndingSequenceNumber"] = sequence.encode(ms, counter)
        return {"ShardId": stream.shard_id, "SequenceNumberRange": numbers}

    # -- positions --------------------------------------------------------------------------

    def start_position(self, log: StreamLog, kind: str, sequence_number: str | None) -> Position:
        """Where an iterator of type ``kind`` starts, checking its arguments the way
        GetShardIterator does."""
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            if sequence_number is None:
                raise errors.iterator_type_mismatch(kind, with_number=False)
            ms, counter = self._checked(log, sequence_number)
            return (ms, counter) if kind == "AT_SEQUENCE_NUMBER" else (ms, counter + 1)
        if sequence_number is not None:
            raise errors.iterator_type_mismatch(kind, with_number=True)
        if kind == "TRIM_HORIZON":
            return ORIGIN
        return log.latest_position()

    @staticmethod
    def _checked(log: StreamLog, value: str) -> Position:
        """A sequence number of this shard: the shard's starting number or one of its
        records' (TrimmedDataAccessException for a record already trimmed)."""
        parts = sequence.decode(value)
        if parts is None:
            raise errors.invalid_sequence_number(value)
        if parts.counter == 0 and parts.ms == log.created_ms:
            return (parts.ms, 0)
        head_ms, head_counter = log.head()
        if not (log.created_ms <= parts.ms <= head_ms and 0 < parts.counter <= head_counter):
            raise errors.invalid_sequence_number(value)
        if parts.ms < log.cutoff_ms:
            raise errors.trimmed(value)
        return (parts.ms, parts.counter)

    # -- reading ----------------------------------------------------------------------------

    @staticmethod
    def read_page(log: StreamLog, position: Position, limit: int, max_bytes: int) -> Page:
        log.trim()
        return log.read(position, limit, max_bytes)

    @staticmethod
    def millis_behind(log: StreamLog, page: Page) -> int:
        return 0 if page.unread is None else max(0, log.now_ms - page.unread.ms)

    @staticmethod
    def ended(stream: Stream, page: Page) -> bool:
        """Whether a read reached the end of a closed shard (nothing will ever follow)."""
        return stream.closed_ms is not None and page.unread is None

    @staticmethod
    def shown(stream: Stream, record: StoredRecord, *, wire: bool) -> dict[str, Any]:
        return records.stream_record(
            record, stream_arn=stream.arn, region=stream.region, view=stream.view, wire=wire
        )
