"""What the Kinesis operations share: background parts, finding streams and shards, reading."""

from __future__ import annotations

from redrive.services._base import Params, Platform, RequestContext, Service
from redrive.services._waiters import KeyedWaiters
from redrive.services.kinesis import arns, errors, metrics, sequence, state
from redrive.services.kinesis import constants as c
from redrive.services.kinesis.arns import StreamRef
from redrive.services.kinesis.lifecycle import Lifecycle
from redrive.services.kinesis.records import ORIGIN, Page, Position, ShardLog
from redrive.services.kinesis.state import Stream
from redrive.store import Transaction


class KinesisCore(Service):
    """The state and helpers behind every Kinesis operation (:class:`.service.KinesisService`)."""

    name = "kinesis"

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        #: pollers waiting for records, per (storage id, shard)
        self.waiters: KeyedWaiters[tuple[int, int]] = KeyedWaiters()
        self.lifecycle = Lifecycle(platform, self._stream_gone)

    def start(self) -> None:
        self.lifecycle.start()

    def stop(self) -> None:
        self.lifecycle.stop()
        self.waiters.close()

    def _stream_gone(self, sid: int) -> None:
        """Wake every reader of storage ``sid``: the stream is going away."""
        self.waiters.notify_where(lambda key: key[0] == sid)

    def now_ms(self) -> int:
        """Emulated now in whole milliseconds (rounded, as the SQS service does)."""
        return round(self.platform.now() * c.MS_PER_SECOND)

    # -- streams ----------------------------------------------------------------------------

    @staticmethod
    def ref_of(ctx: RequestContext, params: Params) -> StreamRef:
        """The stream a request names by StreamName, StreamARN or both."""
        name = params.get("StreamName")
        arn = params.get("StreamARN")
        if arn is None:
            if name is None:
                raise errors.no_stream_given()
            return StreamRef(ctx.account_id, ctx.region, str(name))
        ref = arns.parse_arn(str(arn))
        if ref is None:
            raise errors.stream_not_found(str(name or arn), ctx.account_id)
        if name is not None and str(name) != ref.name:
            raise errors.name_and_arn_differ(str(name), str(arn))
        return ref

    @staticmethod
    def existing(txn: Transaction, ref: StreamRef) -> Stream:
        """The stream ``ref`` names, in any state; ResourceNotFoundException if none."""
        stream = state.get_stream(txn, ref)
        if stream is None:
            raise errors.stream_not_found(ref.name, ref.account)
        return stream

    def readable(self, txn: Transaction, ref: StreamRef) -> Stream:
        """A stream records may be put into and read from: not while it is being created
        (ResourceNotFoundException, as AWS answers); still while it is being deleted (AWS
        "might continue to accept data read and write operations", API_DeleteStream.html)."""
        stream = self.existing(txn, ref)
        if stream.status == c.CREATING:
            raise errors.stream_not_found(ref.name, ref.account)
        return stream

    def active(self, txn: Transaction, ref: StreamRef) -> Stream:
        """A stream that must be ACTIVE for the operation (ResourceInUseException if not)."""
        stream = self.existing(txn, ref)
        if stream.status != c.ACTIVE:
            raise errors.stream_not_active(stream.name, stream.account, stream.status)
        return stream

    @staticmethod
    def shard_of(stream: Stream, shard_id: str) -> int:
        """The shard number a ShardId names in ``stream``; ResourceNotFoundException if the
        stream has no such shard."""
        number = sequence.shard_number(shard_id)
        if number is None:
            raise errors.unparsable_shard(shard_id, stream.name, stream.account)
        if number >= stream.shard_count or stream.status == c.CREATING:
            raise errors.shard_not_found(sequence.shard_id(number), stream.name, stream.account)
        return number

    # -- records ----------------------------------------------------------------------------

    def log(self, txn: Transaction, stream: Stream, shard: int) -> ShardLog:
        return ShardLog(txn, stream, shard, self.now_ms())

    def start_position(
        self,
        log: ShardLog,
        kind: str,
        *,
        sequence_number: str | None = None,
        timestamp_ms: int | None = None,
    ) -> Position:
        """Where an iterator of type ``kind`` starts reading, checking its arguments the way
        GetShardIterator does (API_GetShardIterator.html)."""
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            if sequence_number is None:
                raise errors.iterator_type_mismatch(kind, with_number=False)
            ms, counter = self._checked_sequence(log, sequence_number)
            return (ms, counter) if kind == "AT_SEQUENCE_NUMBER" else (ms, counter + 1)
        if kind in ("TRIM_HORIZON", "LATEST") and sequence_number is not None:
            raise errors.iterator_type_mismatch(kind, with_number=True)
        if kind == "TRIM_HORIZON":
            return ORIGIN
        if kind == "LATEST":
            return log.latest_position()
        if timestamp_ms is None:
            raise errors.timestamp_required()
        return (max(0, timestamp_ms), 0)

    def _checked_sequence(self, log: ShardLog, value: str) -> Position:
        stream, shard = log.stream, log.shard
        here = sequence.shard_id(shard)
        parts = sequence.decode(value)
        if parts is None:
            raise errors.invalid_sequence_number(value, here, stream.name, stream.account)
        if parts.shard != shard:
            raise errors.sequence_of_other_shard(sequence.shard_id(parts.shard), here)
        head_ms, head_counter = log.head()
        issued = (
            stream.created_ms <= parts.ms <= head_ms and 0 < parts.counter <= head_counter
        ) or (parts.counter == 0 and parts.ms == stream.created_ms)
        if not issued:
            raise errors.foreign_sequence_number(value, here, stream.name, stream.account)
        return (parts.ms, parts.counter)

    def read_page(self, log: ShardLog, position: Position, limit: int) -> Page:
        """Read a shard as GetRecords does (trimming first), recording the read's metrics."""
        log.trim()
        page = log.read(position, limit, c.MAX_GET_RECORDS_BYTES)
        metrics.record(self.platform, log.stream, metrics.read(page.records, log.now_ms))
        return page

    @staticmethod
    def millis_behind(log: ShardLog, page: Page) -> int:
        """How far behind the tip a reader is after ``page``: 0 when it read to the end of
        the shard, else the age of the first record it has not read yet."""
        if page.unread is None:
            return 0
        return max(0, log.now_ms - page.unread.ms)
