"""Record operations: PutRecord, PutRecords, GetShardIterator, GetRecords.

Records are stored, with their sequence numbers, in the operation's transaction: a 200 is
answered only after they are committed. No throughput limit is emulated: no call is refused
with ProvisionedThroughputExceededException and no PutRecords entry fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.kinesis import constants as c
from redrive.services.kinesis import errors, hashing, iterators, metrics, sequence, state, views
from redrive.services.kinesis.arns import StreamRef
from redrive.services.kinesis.core import KinesisCore
from redrive.services.kinesis.iterators import ShardIterator
from redrive.services.kinesis.records import Position, ShardLog, StoredRecord
from redrive.services.kinesis.state import Stream
from redrive.store import Transaction


class RecordOperations(KinesisCore):
    # -- putting ----------------------------------------------------------------------------

    @operation("PutRecord")
    def put_record(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            stream = self.readable(txn, self.ref_of(ctx, params))
            shard, key, data, size = _prepared(stream, params)
            ordering = params.get("SequenceNumberForOrdering")
            if ordering is not None:
                self._check_ordering(stream, str(ordering))
            stored = self._append(self._writer(txn, stream, shard), key, data, size)
            metrics.record(self.platform, stream, metrics.incoming([stored], batch=False))
        return {"ShardId": sequence.shard_id(shard), "SequenceNumber": stored.sequence_number}

    @operation("PutRecords")
    def put_records(self, ctx: RequestContext, params: Params) -> Output:
        entries: list[Mapping[str, Any]] = list(params["Records"])
        with self.store.transaction() as txn:
            stream = self.readable(txn, self.ref_of(ctx, params))
            # every check first: a bad record fails the whole request, nothing is stored
            prepared = [_prepared(stream, entry) for entry in entries]
            total = sum(size for *_, size in prepared)
            if total > c.MAX_PUT_RECORDS_BYTES:
                raise errors.request_too_large(total, c.MAX_PUT_RECORDS_BYTES)
            logs: dict[int, ShardLog] = {}
            stored: list[StoredRecord] = []
            for shard, key, data, size in prepared:
                log = logs.get(shard)
                if log is None:
                    log = logs[shard] = self._writer(txn, stream, shard)
                stored.append(self._append(log, key, data, size))
            metrics.record(
                self.platform,
                stream,
                metrics.incoming(stored, batch=True, submitted=len(entries)),
            )
        return {
            "FailedRecordCount": 0,
            "Records": [
                {"SequenceNumber": s.sequence_number, "ShardId": sequence.shard_id(s.shard)}
                for s in stored
            ],
        }

    def _writer(self, txn: Transaction, stream: Stream, shard: int) -> ShardLog:
        """The log of a shard about to be written, trimmed of a batch of expired records."""
        log = self.log(txn, stream, shard)
        log.trim()
        return log

    def _append(self, log: ShardLog, key: str, data: bytes, size: int) -> StoredRecord:
        stored = log.append(key, data, size)
        self.waiters.notify((log.sid, log.shard))
        return stored

    def _check_ordering(self, stream: Stream, value: str) -> None:
        """SequenceNumberForOrdering must be a sequence number this service could have
        issued. Beyond that it changes nothing: redrive already gives every record a larger
        sequence number than the records put into its shard before it."""
        parts = sequence.decode(value)
        if parts is None or parts.ms > self.now_ms():
            raise errors.invalid_ordering_number(value, stream.name, stream.account)

    # -- reading ----------------------------------------------------------------------------

    @operation("GetShardIterator")
    def get_shard_iterator(self, ctx: RequestContext, params: Params) -> Output:
        stamp = params.get("Timestamp")
        timestamp_ms = None if stamp is None else round(stamp.timestamp() * c.MS_PER_SECOND)
        sequence_number = params.get("StartingSequenceNumber")
        with self.store.transaction() as txn:
            stream = self.readable(txn, self.ref_of(ctx, params))
            shard = self.shard_of(stream, str(params["ShardId"]))
            log = self.log(txn, stream, shard)
            position = self.start_position(
                log,
                str(params["ShardIteratorType"]),
                sequence_number=None if sequence_number is None else str(sequence_number),
                timestamp_ms=timestamp_ms,
            )
        return {"ShardIterator": self._iterator(stream, shard, position)}

    @operation("GetRecords")
    def get_records(self, ctx: RequestContext, params: Params) -> Output:
        given = iterators.decode(str(params["ShardIterator"]))
        now_ms = self.now_ms()
        iterators.check_age(given, now_ms, c.ITERATOR_TTL_MS)
        with self.store.transaction() as txn:
            stream = self._iterated(txn, StreamRef(given.account, ctx.region, given.stream), given)
            log = self.log(txn, stream, given.shard)
            limit = int(params.get("Limit") or c.MAX_GET_RECORDS)
            page = self.read_page(log, given.position, limit)
            following = page.records[-1].following if page.records else given.position
            return {
                "Records": [views.record(r) for r in page.records],
                "NextShardIterator": self._iterator(stream, given.shard, following),
                "MillisBehindLatest": self.millis_behind(log, page),
            }

    @staticmethod
    def _iterated(txn: Transaction, ref: StreamRef, given: ShardIterator) -> Stream:
        """The stream an iterator reads; the shard must still exist (AWS's message names the
        shard when the stream is gone)."""
        stream = state.get_stream(txn, ref)
        if stream is None or stream.status == c.CREATING or given.shard >= stream.shard_count:
            raise errors.shard_not_found(sequence.shard_id(given.shard), ref.name, ref.account)
        return stream

    def _iterator(self, stream: Stream, shard: int, position: Position) -> str:
        nonce = self.platform.rng.stream("kinesis-iterators").getrandbits(32)
        return iterators.encode(
            ShardIterator(stream.account, stream.name, shard, position, self.now_ms(), nonce)
        )


def _prepared(stream: Stream, entry: Mapping[str, Any]) -> tuple[int, str, bytes, int]:
    """Check one record for ``stream``: (shard, partition key, data, size)."""
    key = str(entry["PartitionKey"])
    data = bytes(entry["Data"])
    size = len(data) + len(key.encode())
    if size > stream.max_record_bytes:
        raise errors.record_too_large(size, stream.max_record_bytes)
    explicit = entry.get("ExplicitHashKey")
    if explicit is None:
        hash_key = hashing.hash_key(key)
    else:
        hash_key = int(str(explicit))
        if hash_key >= c.HASH_KEY_SPACE:
            raise errors.invalid_hash_key(str(explicit))
    return stream.shard_of(hash_key), key, data, size
