"""The interface a Lambda event source mapping poller uses: shards, reads, positions (STRM-2)."""

from __future__ import annotations

from typing import Any

import pytest

from redrive import Cloud
from redrive.errors import ServiceError
from redrive.services._base import RequestContext
from redrive.services.dynamodb.service import DynamoDBService
from redrive.services.dynamodb.streams.internal import ReadFrom, ShardRead
from tests.services.dynamodb.conftest import (
    ACCOUNT,
    REGION,
    in_engine,
    make_table,
    shard_id,
    stream_arn,
    streams_service,
)
from tests.support import on_loop


def test_describe_resolves_a_stream_arn(cloud: Cloud, ddb: Any, streams: Any) -> None:
    table = make_table(ddb, range_key=("sk", "N"), view="NEW_AND_OLD_IMAGES")
    arn = stream_arn(ddb, table)
    info = in_engine(cloud, lambda svc: svc.describe(arn))
    api = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert (info.arn, info.table_name, info.label, info.account, info.region) == (
        arn,
        table,
        api["StreamLabel"],
        ACCOUNT,
        REGION,
    )
    assert (info.status, info.view_type) == ("ENABLED", "NEW_AND_OLD_IMAGES")
    assert info.key_schema == (("pk", "HASH"), ("sk", "RANGE"))
    [shard] = info.shards
    assert shard.shard_id == api["Shards"][0]["ShardId"]
    assert (
        shard.starting_sequence_number
        == api["Shards"][0]["SequenceNumberRange"]["StartingSequenceNumber"]
    )
    assert shard.ending_sequence_number is None
    assert in_engine(cloud, lambda svc: svc.shards(arn)) == [shard]


def test_unknown_streams_and_shards_raise_what_clients_get(
    cloud: Cloud, ddb: Any, streams: Any
) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    for target, code in (
        (arn.replace(table, table + "-gone"), "ResourceNotFoundException"),
        ("not-an-arn", "ValidationException"),
    ):
        with pytest.raises(ServiceError) as exc:
            in_engine(cloud, lambda svc, t=target: svc.describe(t))
        assert exc.value.code == code
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.read(arn, "shardId-x", ReadFrom.trim_horizon()))
    assert exc.value.code == "ResourceNotFoundException"
    shard = shard_id(streams, arn)
    with pytest.raises(ValueError):
        in_engine(cloud, lambda svc: svc.read(arn, shard, ReadFrom.latest(), 0))


def test_records_carry_what_a_lambda_event_needs__STRM_2(
    cloud: Cloud, ddb: Any, streams: Any
) -> None:
    table = make_table(ddb, hash_key=("my_partition_key", "S"), view="NEW_IMAGE")
    arn = stream_arn(ddb, table)
    sent_at = cloud.now()
    ddb.put_item(
        TableName=table,
        Item={"my_partition_key": {"S": "hello world"}, "binary_key": {"B": b"foobar"}},
    )
    api = streams.get_records(
        ShardIterator=streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id(streams, arn), ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
    )["Records"][0]
    shard = shard_id(streams, arn)
    found: ShardRead = in_engine(cloud, lambda svc: svc.read(arn, shard, ReadFrom.trim_horizon()))
    [record] = found.records
    event = record.event()
    assert list(event) == [
        "eventID",
        "eventName",
        "eventVersion",
        "eventSource",
        "awsRegion",
        "dynamodb",
        "eventSourceARN",
    ]
    assert event["eventID"] == api["eventID"]
    assert (
        event["eventName"],
        event["eventVersion"],
        event["eventSource"],
        event["awsRegion"],
    ) == ("INSERT", "1.1", "aws:dynamodb", REGION)
    assert event["eventSourceARN"] == arn
    assert event["dynamodb"] == {
        "ApproximateCreationDateTime": int(sent_at),
        "Keys": {"my_partition_key": {"S": "hello world"}},
        "NewImage": {"my_partition_key": {"S": "hello world"}, "binary_key": {"B": "Zm9vYmFy"}},
        "SequenceNumber": api["dynamodb"]["SequenceNumber"],
        "SizeBytes": 70,
        "StreamViewType": "NEW_IMAGE",
    }
    assert record.approximate_arrival_timestamp == pytest.approx(sent_at, abs=0.001)
    assert record.shard_id == shard
    assert found.next == ReadFrom.after(record.sequence_number)
    assert (found.millis_behind_latest, found.closed) == (0, False)


def test_reads_from_every_kind_of_start(cloud: Cloud, ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    shard = shard_id(streams, arn)
    for name in "abc":
        ddb.put_item(TableName=table, Item={"pk": {"S": name}})

    def names(start: ReadFrom, limit: int = 1000) -> list[str]:
        found = in_engine(cloud, lambda svc: svc.read(arn, shard, start, limit))
        return [r.dynamodb["Keys"]["pk"]["S"] for r in found.records]

    numbers = [
        r["dynamodb"]["SequenceNumber"]
        for r in streams.get_records(
            ShardIterator=streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
        )["Records"]
    ]
    assert names(ReadFrom.trim_horizon()) == ["a", "b", "c"]
    assert names(ReadFrom.trim_horizon(), limit=2) == ["a", "b"]
    assert names(ReadFrom.at(numbers[1])) == ["b", "c"]
    assert names(ReadFrom.after(numbers[1])) == ["c"]
    assert names(ReadFrom.latest()) == []
    latest = in_engine(cloud, lambda svc: svc.latest_sequence_number(arn, shard))
    assert latest == numbers[-1]
    ddb.put_item(TableName=table, Item={"pk": {"S": "d"}})
    assert names(ReadFrom.after(latest)) == ["d"]


def test_a_checkpoint_loop_reads_each_record_once(cloud: Cloud, ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    shard = shard_id(streams, arn)
    start = in_engine(cloud, lambda svc: svc.latest_sequence_number(arn, shard))
    for i in range(25):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"{i:02d}"}})
    cloud.advance(2)
    position = ReadFrom.after(start)
    seen: list[str] = []
    behind: list[int] = []
    for _ in range(4):
        found = in_engine(cloud, lambda svc, p=position: svc.read(arn, shard, p, 10))
        seen += [r.dynamodb["Keys"]["pk"]["S"] for r in found.records]
        behind.append(found.millis_behind_latest)
        position = found.next
    assert seen == [f"{i:02d}" for i in range(25)]
    assert behind == [2000, 2000, 0, 0]


def test_a_closed_shard_says_so(cloud: Cloud, ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    shard = shard_id(streams, arn)
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    ddb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1})
    first = in_engine(cloud, lambda svc: svc.read(arn, shard, ReadFrom.trim_horizon(), 1))
    assert [r.dynamodb["Keys"]["pk"]["S"] for r in first.records] == ["a"]
    assert first.closed
    info = in_engine(cloud, lambda svc: svc.describe(arn))
    assert info.status == "DISABLED"
    assert info.shards[0].ending_sequence_number == first.records[0].sequence_number


def test_when_available_resolves_on_the_next_write(cloud: Cloud, ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    shard = shard_id(streams, arn)
    service = streams_service(cloud)
    scheduler = cloud.engine.platform.scheduler

    async def wait(start: ReadFrom, timeout: float) -> bool:
        future = service.when_available(arn, shard, start)
        try:
            return await scheduler.run_until(future, timeout=timeout)
        finally:
            future.cancel()

    assert on_loop(cloud, wait(ReadFrom.trim_horizon(), 60)) is False
    ddb.put_item(TableName=table, Item={"pk": {"S": "x"}})
    assert on_loop(cloud, wait(ReadFrom.trim_horizon(), 60)) is True
    latest = in_engine(cloud, lambda svc: svc.latest_sequence_number(arn, shard))
    assert on_loop(cloud, wait(ReadFrom.after(latest), 60)) is False

    async def write_while_waiting() -> bool:
        future = service.when_available(arn, shard, ReadFrom.after(latest))
        assert not future.done()
        put_in_engine(cloud.engine.platform.service("dynamodb"), table)
        return await scheduler.run_until(future, timeout=60)

    assert on_loop(cloud, write_while_waiting()) is True


def put_in_engine(service: Any, table: str) -> None:
    """Write an item through the operation itself, as a request would."""
    assert isinstance(service, DynamoDBService)
    ctx = RequestContext(ACCOUNT, REGION, "request-id", "PutItem")
    with service.store.transaction():
        service.operations["PutItem"](ctx, {"TableName": table, "Item": {"pk": {"S": "y"}}})
