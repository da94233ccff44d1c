"""Stream operations: create, delete, describe, list streams and shards, retention."""

from __future__ import annotations

import datetime as dt

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.kinesis import constants as c
from redrive.services.kinesis import errors, sequence, state, tags, tokens, views
from redrive.services.kinesis.arns import StreamRef
from redrive.services.kinesis.core import KinesisCore
from redrive.services.kinesis.state import Stream
from redrive.store import Transaction


class StreamOperations(KinesisCore):
    @operation("CreateStream")
    def create_stream(self, ctx: RequestContext, params: Params) -> Output:
        ref = StreamRef(ctx.account_id, ctx.region, str(params["StreamName"]))
        mode, shards = _capacity(params)
        if params.get("WarmThroughputMiBps"):
            raise errors.not_supported("WarmThroughputMiBps (warm throughput)")
        given_tags = {str(k): str(v) for k, v in (params.get("Tags") or {}).items()}
        tags.check(given_tags, {}, ref.name, ref.account)
        with self.store.transaction() as txn:
            if state.get_stream(txn, ref) is not None:
                raise errors.stream_exists(ref.name, ref.account)
            _check_quota(txn, ref, mode, shards)
            stream = state.new_stream(
                txn,
                ref,
                mode=mode,
                shards=shards,
                created_ms=self.now_ms(),
                max_record_kib=int(params.get("MaxRecordSizeInKiB") or c.DEFAULT_MAX_RECORD_KIB),
                tags=given_tags,
            )
            state.put_stream(txn, stream)
        self.lifecycle.created(ref, stream.sid)
        return {}

    @operation("DeleteStream")
    def delete_stream(self, ctx: RequestContext, params: Params) -> Output:
        # EnforceConsumerDeletion: streams have no registered consumers in redrive, so
        # nothing ever stops a deletion for them.
        with self.store.transaction() as txn:
            stream = self.active(txn, self.ref_of(ctx, params))
            stream.doc["status"] = c.DELETING
            state.put_stream(txn, stream)
        self.lifecycle.deleting(stream.ref, stream.sid)
        return {}

    @operation("DescribeStream")
    def describe_stream(self, ctx: RequestContext, params: Params) -> Output:
        limit = min(int(params.get("Limit") or c.DEFAULT_DESCRIBE_LIMIT), c.MAX_DESCRIBE_LIMIT)
        with self.store.transaction() as txn:
            stream = self.existing(txn, self.ref_of(ctx, params))
        numbers = _after(views.shard_numbers(stream), params.get("ExclusiveStartShardId"))
        shown = numbers[:limit]
        return {"StreamDescription": views.description(stream, shown, len(numbers) > limit)}

    @operation("DescribeStreamSummary")
    def describe_stream_summary(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            stream = self.existing(txn, self.ref_of(ctx, params))
        return {"StreamDescriptionSummary": views.summary(stream)}

    @operation("ListStreams")
    def list_streams(self, ctx: RequestContext, params: Params) -> Output:
        limit = min(int(params.get("Limit") or c.DEFAULT_DESCRIBE_LIMIT), c.MAX_DESCRIBE_LIMIT)
        token = params.get("NextToken")
        after = params.get("ExclusiveStartStreamName")
        if token is not None:
            if after is not None:
                raise errors.next_token_with("ExclusiveStartStreamName")
            after = tokens.decode_streams(str(token))
        found: list[Stream] = []
        with self.store.transaction() as txn:
            for stream in state.iter_streams(
                txn, ctx.account_id, ctx.region, after=None if after is None else str(after)
            ):
                found.append(stream)
                if len(found) > limit:
                    break
        more, page = len(found) > limit, found[:limit]
        output: Output = {
            "StreamNames": [s.name for s in page],
            "HasMoreStreams": more,
            "StreamSummaries": [views.stream_summary(s) for s in page],
        }
        if more:
            output["NextToken"] = tokens.encode_streams(page[-1].name)
        return output

    @operation("ListShards")
    def list_shards(self, ctx: RequestContext, params: Params) -> Output:
        limit = min(int(params.get("MaxResults") or c.MAX_LIST_SHARDS), c.MAX_LIST_SHARDS)
        with self.store.transaction() as txn:
            if params.get("NextToken") is not None:
                stream, numbers = self._continued(txn, ctx, params)
            else:
                stream, numbers = self._first_shards(txn, ctx, params)
        shown = numbers[:limit]
        output: Output = {"Shards": [views.shard(stream, n) for n in shown]}
        if len(numbers) > limit:
            output["NextToken"] = tokens.encode_shards(
                tokens.ShardsToken(
                    stream.account, stream.name, stream.created_ms, shown[-1] + 1, self.now_ms()
                )
            )
        return output

    def _continued(
        self, txn: Transaction, ctx: RequestContext, params: Params
    ) -> tuple[Stream, range]:
        for member in ("StreamName", "StreamARN"):
            if params.get(member) is not None:
                raise errors.next_token_with(member)
        for member in ("ExclusiveStartShardId", "StreamCreationTimestamp"):
            if params.get(member) is not None:
                raise errors.next_token_with(member)
        token = tokens.decode_shards(str(params["NextToken"]))
        if self.now_ms() - token.issued_ms > c.NEXT_TOKEN_TTL_MS:
            raise errors.next_token_expired()
        stream = state.get_stream(txn, StreamRef(token.account, ctx.region, token.stream))
        if stream is None or stream.created_ms != token.created_ms:
            raise errors.stream_not_found(token.stream, token.account)
        numbers = views.shard_numbers(stream)
        return stream, numbers[min(token.next_shard, len(numbers)) :]

    def _first_shards(
        self, txn: Transaction, ctx: RequestContext, params: Params
    ) -> tuple[Stream, range]:
        if params.get("StreamName") is None and params.get("StreamARN") is None:
            raise errors.next_token_or_stream()
        stream = self.existing(txn, self.ref_of(ctx, params))
        created = params.get("StreamCreationTimestamp")
        if isinstance(created, dt.datetime) and (
            int(created.timestamp()) != stream.created_ms // c.MS_PER_SECOND
        ):
            raise errors.stream_not_found(stream.name, stream.account)
        numbers = _after(views.shard_numbers(stream), params.get("ExclusiveStartShardId"))
        # No stream is ever resharded yet: every shard is open and has existed since the
        # stream was created, so the trim horizon, latest and timestamp filters all select
        # every shard (a timestamp before the stream's creation reads from its trim horizon).
        shard_filter = params.get("ShardFilter") or {}
        kind = shard_filter.get("Type")
        if kind == "AFTER_SHARD_ID":
            if shard_filter.get("ShardId") is None:
                raise errors.shard_filter_needs("ShardId", "AFTER_SHARD_ID")
            numbers = _after(numbers, shard_filter["ShardId"])
        elif kind in ("AT_TIMESTAMP", "FROM_TIMESTAMP") and shard_filter.get("Timestamp") is None:
            raise errors.shard_filter_needs("Timestamp", "FROM_TIMESTAMP or AT_TIMESTAMP")
        return stream, numbers

    # -- retention --------------------------------------------------------------------------

    @operation("IncreaseStreamRetentionPeriod")
    def increase_stream_retention_period(self, ctx: RequestContext, params: Params) -> Output:
        return self._set_retention(ctx, params, increase=True)

    @operation("DecreaseStreamRetentionPeriod")
    def decrease_stream_retention_period(self, ctx: RequestContext, params: Params) -> Output:
        return self._set_retention(ctx, params, increase=False)

    def _set_retention(self, ctx: RequestContext, params: Params, *, increase: bool) -> Output:
        hours = int(params["RetentionPeriodHours"])
        with self.store.transaction() as txn:
            stream = self.active(txn, self.ref_of(ctx, params))
            if hours < c.MIN_RETENTION_HOURS:
                raise errors.retention_too_short(hours, c.MIN_RETENTION_HOURS)
            if hours > c.MAX_RETENTION_HOURS:
                raise errors.retention_too_long(hours, c.MAX_RETENTION_HOURS)
            current = stream.retention_hours
            if increase and hours < current:
                raise errors.retention_not_longer(stream.name, hours, current)
            if not increase and hours > current:
                raise errors.retention_not_shorter(stream.name, hours, current)
            stream.doc["retention_hours"] = hours
            state.put_stream(txn, stream)
        return {}

    # -- resharding -------------------------------------------------------------------------

    @operation("MergeShards")
    def merge_shards(self, ctx: RequestContext, params: Params) -> Output:
        return self._resharding(ctx, params, "MergeShards")

    @operation("SplitShard")
    def split_shard(self, ctx: RequestContext, params: Params) -> Output:
        return self._resharding(ctx, params, "SplitShard")

    @operation("UpdateShardCount")
    def update_shard_count(self, ctx: RequestContext, params: Params) -> Output:
        return self._resharding(ctx, params, "UpdateShardCount")

    def _resharding(self, ctx: RequestContext, params: Params, name: str) -> Output:
        """Resharding is not emulated yet: the stream is checked (an unknown stream is still
        ResourceNotFoundException), then the call is refused by name."""
        with self.store.transaction() as txn:
            self.active(txn, self.ref_of(ctx, params))
        raise errors.not_supported(f"{name} (resharding)")


def _capacity(params: Params) -> tuple[str, int]:
    """The stream mode and shard count CreateStream asks for. Without StreamModeDetails a
    ShardCount means PROVISIONED and no ShardCount means ON_DEMAND (AWS creates a 4-shard
    on-demand stream for a request with neither)."""
    details = params.get("StreamModeDetails") or {}
    count = params.get("ShardCount")
    mode = details.get("StreamMode") or (c.PROVISIONED if count is not None else c.ON_DEMAND)
    if mode == c.ON_DEMAND:
        if count is not None:
            raise errors.shard_count_with_on_demand()
        return mode, c.ON_DEMAND_SHARDS
    if count is None:
        raise errors.shard_count_required()
    return mode, int(count)


def _check_quota(txn: Transaction, ref: StreamRef, mode: str, shards: int) -> None:
    """The account's shard quota for provisioned streams and on-demand stream quota."""
    existing = list(state.iter_streams(txn, ref.account, ref.region))
    if mode == c.ON_DEMAND:
        if sum(s.mode == c.ON_DEMAND for s in existing) >= c.ON_DEMAND_STREAM_QUOTA:
            raise errors.on_demand_quota(ref.account, ref.region, c.ON_DEMAND_STREAM_QUOTA)
        return
    quota = c.LARGE_SHARD_QUOTA if ref.region in c.LARGE_SHARD_QUOTA_REGIONS else c.SHARD_QUOTA
    current = sum(s.shard_count for s in existing if s.mode == c.PROVISIONED)
    if current + shards > quota:
        raise errors.shard_quota(ref.account, ref.region, current, quota, shards)


def _after(numbers: range, exclusive_start: object) -> range:
    """The shards of ``numbers`` whose ids sort after ``exclusive_start``, if given."""
    if exclusive_start is None:
        return numbers
    start = str(exclusive_start)
    index = next((i for i, n in enumerate(numbers) if sequence.shard_id(n) > start), len(numbers))
    return numbers[index:]
