"""The Amazon Kinesis Data Streams service (botocore ``kinesis``)."""

from __future__ import annotations

import asyncio

from redrive.services.kinesis import arns, errors, sequence, views
from redrive.services.kinesis import constants as c
from redrive.services.kinesis import internal as i
from redrive.services.kinesis.record_ops import RecordOperations
from redrive.services.kinesis.records import Position, ShardLog, StoredRecord
from redrive.services.kinesis.state import Stream
from redrive.services.kinesis.stream_ops import StreamOperations
from redrive.services.kinesis.tags import TagOperations
from redrive.store import Transaction


class KinesisService(StreamOperations, RecordOperations, TagOperations):
    """Amazon Kinesis Data Streams on the emulated clock.

    Operations: CreateStream (PROVISIONED with ShardCount, or ON_DEMAND with 4 shards),
    DeleteStream, DescribeStream, DescribeStreamSummary, ListStreams, ListShards, PutRecord,
    PutRecords, GetShardIterator, GetRecords, AddTagsToStream, RemoveTagsFromStream,
    ListTagsForStream, IncreaseStreamRetentionPeriod, DecreaseStreamRetentionPeriod.
    MergeShards, SplitShard and UpdateShardCount are refused as not supported yet. Records live
    in the store (tables ``kinesis.*``, :mod:`.state`), retention is applied on the emulated
    clock, and every read costs O(log n + k) for k records, whatever the shard's length.

    **Internal interface** for other services (no HTTP; call it on the instance from
    ``platform.service("kinesis")``, inside the caller's store transaction or not). A stream is
    named by its ARN, a shard by its ShardId; the values are in :mod:`.internal`. Every method
    raises the ServiceError a Kinesis client would get (ResourceNotFoundException for a
    stream or shard that does not exist, InvalidArgumentException for a sequence number that
    is not the shard's)::

        stream_arn(account_id, region, name) -> str
        describe(stream_arn) -> StreamInfo
            Resolve a stream ARN: name, status, retention, creation time and its shards.
        shards(stream_arn) -> list[ShardInfo]
        latest_sequence_number(stream_arn, shard_id) -> str
            The sequence number of the last record ever put into the shard (expired or not),
            or the shard's StartingSequenceNumber if none was: reading ``after`` it returns
            exactly the records put from now on.
        read(stream_arn, shard_id, start: ReadFrom, limit=10000) -> ShardRead
            Up to ``limit`` (1-10,000) records in order from ``start``, at most 10 MiB of
            them, as GetRecords reads (expired records never; a start before the trim horizon
            reads from it). Reading changes nothing: the caller keeps its own place.
        when_available(stream_arn, shard_id, start: ReadFrom) -> asyncio.Future[None]
            Resolved when a read from ``start`` may find a record: at once if it would now,
            else after the next put into the shard commits (or the stream goes away). A
            hint; cancel the future to stop waiting. Call it on the event loop.

    Reads count as GetRecords calls in the stream's metrics (``AWS/Kinesis``, :mod:`.metrics`).
    """

    # -- internal interface -----------------------------------------------------------------

    @staticmethod
    def stream_arn(account_id: str, region: str, name: str) -> str:
        return arns.stream_arn(account_id, region, name)

    def describe(self, stream_arn: str) -> i.StreamInfo:
        with self.store.transaction() as txn:
            stream = self._by_arn(txn, stream_arn)
        return i.StreamInfo(
            name=stream.name,
            arn=stream.arn,
            account=stream.account,
            region=stream.region,
            status=stream.status,
            retention_hours=stream.retention_hours,
            created=stream.created_ms / c.MS_PER_SECOND,
            shards=tuple(_shard_info(stream, n) for n in views.shard_numbers(stream)),
        )

    def shards(self, stream_arn: str) -> list[i.ShardInfo]:
        return list(self.describe(stream_arn).shards)

    def latest_sequence_number(self, stream_arn: str, shard_id: str) -> str:
        with self.store.transaction() as txn:
            log = self._log(txn, stream_arn, shard_id)
            ms, counter = log.head()
        return sequence.encode(log.shard, ms, counter)

    def read(
        self, stream_arn: str, shard_id: str, start: i.ReadFrom, limit: int = c.MAX_GET_RECORDS
    ) -> i.ShardRead:
        if not 1 <= limit <= c.MAX_GET_RECORDS:
            raise ValueError(f"limit must be 1-{c.MAX_GET_RECORDS}, not {limit}")
        with self.store.transaction() as txn:
            log = self._log(txn, stream_arn, shard_id)
            page = self.read_page(log, self._position(log, start), limit)
            behind = self.millis_behind(log, page)
        records = tuple(_record(r) for r in page.records)
        following = i.ReadFrom.after(records[-1].sequence_number) if records else start
        return i.ShardRead(records, following, behind)

    def when_available(
        self, stream_arn: str, shard_id: str, start: i.ReadFrom
    ) -> asyncio.Future[None]:
        with self.store.transaction() as txn:
            log = self._log(txn, stream_arn, shard_id)
            found = log.read(self._position(log, start), 1, c.MAX_GET_RECORDS_BYTES).records
        if found:
            return self.waiters.resolved()
        return self.waiters.wait((log.sid, log.shard))

    # -- helpers ----------------------------------------------------------------------------

    def _by_arn(self, txn: Transaction, stream_arn: str) -> Stream:
        ref = arns.parse_arn(stream_arn)
        if ref is None:
            raise errors.arn_not_found(stream_arn)
        return self.readable(txn, ref)

    def _log(self, txn: Transaction, stream_arn: str, shard_id: str) -> ShardLog:
        stream = self._by_arn(txn, stream_arn)
        return self.log(txn, stream, self.shard_of(stream, shard_id))

    def _position(self, log: ShardLog, start: i.ReadFrom) -> Position:
        if start.kind not in i.KINDS:
            raise ValueError(f"unknown ReadFrom kind {start.kind!r}")
        timestamp_ms = None
        if start.timestamp is not None:
            timestamp_ms = round(start.timestamp * c.MS_PER_SECOND)
        return self.start_position(
            log, start.kind, sequence_number=start.sequence_number, timestamp_ms=timestamp_ms
        )


def _shard_info(stream: Stream, number: int) -> i.ShardInfo:
    start, end = stream.hash_range(number)
    return i.ShardInfo(
        shard_id=sequence.shard_id(number),
        starting_hash_key=start,
        ending_hash_key=end,
        starting_sequence_number=sequence.encode(number, stream.created_ms, 0),
    )


def _record(stored: StoredRecord) -> i.StreamRecord:
    return i.StreamRecord(
        shard_id=sequence.shard_id(stored.shard),
        sequence_number=stored.sequence_number,
        partition_key=stored.partition_key,
        data=stored.data,
        approximate_arrival_timestamp=stored.ms / c.MS_PER_SECOND,
        size=stored.size,
    )
