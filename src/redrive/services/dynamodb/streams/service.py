"""The Amazon DynamoDB Streams service (botocore ``dynamodbstreams``)."""

from __future__ import annotations

import asyncio

from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb.streams import internal as i
from redrive.services.dynamodb.streams import sequence
from redrive.services.dynamodb.streams.log import StoredRecord, StreamLog
from redrive.services.dynamodb.streams.operations import StreamOperations
from redrive.services.dynamodb.streams.state import Stream
from redrive.store import Transaction

#: an internal read returns at most this many records and bytes (the poller's batch size may
#: exceed GetRecords' 1,000; the byte cap only bounds memory)
MAX_READ = 10_000
MAX_READ_BYTES = 10 * 1024 * 1024


class DynamoDBStreamsService(StreamOperations):
    """Amazon DynamoDB Streams: the streams of DynamoDB tables, on the emulated clock.

    Operations: ListStreams, DescribeStream, GetShardIterator (TRIM_HORIZON, LATEST,
    AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER), GetRecords. The records are written by the
    DynamoDB service in the transaction of the write that makes them; each stream has one
    shard, records are kept 24 hours, and a stream outlives its disabling or its table by 24
    hours (:mod:`.state`).

    **Internal interface** for other services (no HTTP; call it on the instance from
    ``platform.service("dynamodbstreams")``, inside the caller's store transaction or not),
    shaped like the Kinesis service's so one event source mapping poller serves both. Every
    method raises the ServiceError a client would get (ResourceNotFoundException for a
    stream or shard that does not exist, ValidationException for a sequence number that is
    not the shard's, TrimmedDataAccessException for one already trimmed)::

        describe(stream_arn) -> StreamInfo
            Resolve a stream ARN: table, label, status, view type, key schema, its shard.
        shards(stream_arn) -> list[ShardInfo]
        latest_sequence_number(stream_arn, shard_id) -> str
            The sequence number of the last record ever written to the shard (trimmed or
            not), or its StartingSequenceNumber: reading ``after`` it returns exactly the
            records written from now on.
        read(stream_arn, shard_id, start: ReadFrom, limit=1000) -> ShardRead
            Up to ``limit`` (1-10,000) records in order from ``start`` (at most 10 MiB of
            them), each with its Lambda event fields (STRM-2), the position to continue from
            and whether the shard is closed and read to its end. Trimmed records are never
            returned (a start before the trim horizon reads from it). Reading changes
            nothing: the caller keeps its own place.
        when_available(stream_arn, shard_id, start: ReadFrom) -> asyncio.Future[None]
            Resolved when a read from ``start`` may find a record: at once if it would now,
            else after the next write to the table commits (or the stream is closed or
            removed). A hint; cancel the future to stop waiting. Call it on the event loop.
    """

    # -- internal interface -----------------------------------------------------------------

    def describe(self, stream_arn: str) -> i.StreamInfo:
        with self.store.transaction() as txn:
            stream = self.stream_of(txn, stream_arn)
            shard = _shard_info(self.log(txn, stream), stream)
        return i.StreamInfo(
            arn=stream.arn,
            label=stream.label,
            table_name=stream.table,
            account=stream.ref.account,
            region=stream.region,
            status=stream.status,
            view_type=stream.view,
            key_schema=tuple((k["AttributeName"], k["KeyType"]) for k in stream.key_schema),
            created=stream.created_ms / c.MS_PER_SECOND,
            shards=(shard,),
        )

    def shards(self, stream_arn: str) -> list[i.ShardInfo]:
        return list(self.describe(stream_arn).shards)

    def latest_sequence_number(self, stream_arn: str, shard_id: str) -> str:
        with self.store.transaction() as txn:
            log = self._shard_log(txn, stream_arn, shard_id)[1]
            return sequence.encode(*log.head())

    def read(
        self, stream_arn: str, shard_id: str, start: i.ReadFrom, limit: int = c.MAX_GET_RECORDS
    ) -> i.ShardRead:
        if not 1 <= limit <= MAX_READ:
            raise ValueError(f"limit must be 1-{MAX_READ}, not {limit}")
        if start.kind not in i.KINDS:
            raise ValueError(f"unknown ReadFrom kind {start.kind!r}")
        with self.store.transaction() as txn:
            stream, log = self._shard_log(txn, stream_arn, shard_id)
            position = self.start_position(log, start.kind, start.sequence_number)
            page = self.read_page(log, position, limit, MAX_READ_BYTES)
            behind = self.millis_behind(log, page)
        found = tuple(_record(stream, r, self.shown(stream, r, wire=False)) for r in page.records)
        following = i.ReadFrom.after(found[-1].sequence_number) if found else start
        return i.ShardRead(found, following, behind, self.ended(stream, page))

    def when_available(
        self, stream_arn: str, shard_id: str, start: i.ReadFrom
    ) -> asyncio.Future[None]:
        with self.store.transaction() as txn:
            stream, log = self._shard_log(txn, stream_arn, shard_id)
            position = self.start_position(log, start.kind, start.sequence_number)
            page = log.read(position, 1, MAX_READ_BYTES)
        if page.records or self.ended(stream, page):
            return self.waiters.resolved()
        return self.waiters.wait(stream.ssid)

    def _shard_log(
        self, txn: Transaction, stream_arn: str, shard_id: str
    ) -> tuple[Stream, StreamLog]:
        stream = self.stream_of(txn, stream_arn)
        self.check_shard(stream, shard_id)
        return stream, self.log(txn, stream)


def _shard_info(log: StreamLog, stream: Stream) -> i.ShardInfo:
    numbers = StreamOperations.shard(log, stream)["SequenceNumberRange"]
    return i.ShardInfo(
        shard_id=stream.shard_id,
        starting_sequence_number=numbers["StartingSequenceNumber"],
        ending_sequence_number=numbers.get("EndingSequenceNumber"),
    )


def _record(stream: Stream, stored: StoredRecord, event: dict[str, object]) -> i.StreamRecord:
    body = event["dynamodb"]
    assert isinstance(body, dict)
    return i.StreamRecord(
        event_id=str(event["eventID"]),
        event_name=str(event["eventName"]),
        event_version=str(event["eventVersion"]),
        event_source=str(event["eventSource"]),
        aws_region=str(event["awsRegion"]),
        dynamodb=body,
        event_source_arn=stream.arn,
        shard_id=stream.shard_id,
        approximate_arrival_timestamp=stored.ms / c.MS_PER_SECOND,
    )
