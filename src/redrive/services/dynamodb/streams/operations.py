"""DynamoDB Streams operations: ListStreams, DescribeStream, GetShardIterator, GetRecords."""

from __future__ import annotations

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import errors
from redrive.services.dynamodb.arns import parse_stream_arn
from redrive.services.dynamodb.streams import iterators
from redrive.services.dynamodb.streams.core import DynamoDBStreamsCore
from redrive.services.dynamodb.streams.iterators import ShardIterator
from redrive.services.dynamodb.streams.log import Position
from redrive.services.dynamodb.streams.state import Stream, get_stream, iter_streams


def _limit(params: Params, maximum: int) -> int:
    """[observed] Limit above the maximum is a validation error (the model has no maximum)"""
    limit = int(params.get("Limit") or maximum)
    if limit > maximum:
        raise errors.validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            f"constraint: Member must have value less than or equal to {maximum}"
        )
    return limit


class StreamOperations(DynamoDBStreamsCore):
    @operation("ListStreams")
    def list_streams(self, ctx: RequestContext, params: Params) -> Output:
        limit = _limit(params, c.MAX_LIST_STREAMS)
        after = params.get("ExclusiveStartStreamArn")
        after_key = None
        if after is not None:
            ref = parse_stream_arn(str(after))
            if ref is None:
                raise errors.invalid_stream_arn(str(after))
            after_key = ref.key
        table = params.get("TableName")
        now_ms = self.now_ms()
        found: list[Stream] = []
        with self.store.transaction() as txn:
            for stream in iter_streams(
                txn, ctx.account_id, ctx.region, table=None if table is None else str(table)
            ):
                if (after_key is not None and stream.ref.key <= after_key) or stream.expired(
                    now_ms
                ):
                    continue
                found.append(stream)
                if len(found) > limit:
                    break
        output: Output = {
            "Streams": [
                {"StreamArn": s.arn, "TableName": s.table, "StreamLabel": s.label}
                for s in found[:limit]
            ]
        }
        if len(found) > limit:
            output["LastEvaluatedStreamArn"] = found[limit - 1].arn
        return output

    @operation("DescribeStream")
    def describe_stream(self, ctx: RequestContext, params: Params) -> Output:
        limit = _limit(params, c.DESCRIBE_STREAM_LIMIT)
        with self.store.transaction() as txn:
            stream = self.stream_of(txn, str(params["StreamArn"]))
            shard = self.shard(self.log(txn, stream), stream)
        shards = [shard]
        start = params.get("ExclusiveStartShardId")
        if start is not None:
            shards = [s for s in shards if s["ShardId"] > str(start)]
        if params.get("ShardFilter"):
            shards = []  # CHILD_SHARDS: redrive's shards are never split, they have no children
        return {
            "StreamDescription": {
                "StreamArn": stream.arn,
                "StreamLabel": stream.label,
                "StreamStatus": stream.status,
                "StreamViewType": stream.view,
                "CreationRequestDateTime": stream.created_ms / c.MS_PER_SECOND,
                "TableName": stream.table,
                "KeySchema": stream.key_schema,
                "Shards": shards[:limit],
            }
        }

    @operation("GetShardIterator")
    def get_shard_iterator(self, ctx: RequestContext, params: Params) -> Output:
        number = params.get("SequenceNumber")
        with self.store.transaction() as txn:
            stream = self.stream_of(txn, str(params["StreamArn"]))
            self.check_shard(stream, str(params["ShardId"]))
            position = self.start_position(
                self.log(txn, stream),
                str(params["ShardIteratorType"]),
                None if number is None else str(number),
            )
        return {"ShardIterator": self._iterator(stream, position)}

    @operation("GetRecords")
    def get_records(self, ctx: RequestContext, params: Params) -> Output:
        limit = _limit(params, c.MAX_GET_RECORDS)
        given = iterators.decode(str(params["ShardIterator"]))
        iterators.check_age(given, self.now_ms(), c.ITERATOR_TTL_MS)
        with self.store.transaction() as txn:
            stream = get_stream(txn, given.stream)
            if stream is None or stream.expired(self.now_ms()):
                raise errors.stream_not_found(given.stream.arn)
            log = self.log(txn, stream)
            page = self.read_page(log, given.position, limit, c.MAX_GET_RECORDS_BYTES)
        output: Output = {"Records": [self.shown(stream, r, wire=True) for r in page.records]}
        if not self.ended(stream, page):
            following = page.records[-1].following if page.records else given.position
            output["NextShardIterator"] = self._iterator(stream, following)
        return output

    def _iterator(self, stream: Stream, position: Position) -> str:
        nonce = self.platform.rng.stream("dynamodbstreams-iterators").getrandbits(32)
        return iterators.encode(ShardIterator(stream.ref, position, self.now_ms(), nonce))
