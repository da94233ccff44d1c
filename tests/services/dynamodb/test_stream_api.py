"""DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator, GetRecords, and a stream's
life (enabling, disabling, table deletion, 24 hours of retention on the emulated clock)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.dynamodb.conftest import (
    ACCOUNT,
    REGION,
    make_table,
    records,
    shard_id,
    stream_arn,
    unique,
)
from tests.support import error_of


def put(ddb: Any, table: str, *names: str) -> None:
    for name in names:
        ddb.put_item(TableName=table, Item={"pk": {"S": name}})


def keys(found: list[Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in found]


def test_describe_stream(ddb: Any, streams: Any) -> None:
    table = make_table(ddb, range_key=("sk", "N"), view="NEW_IMAGE")
    described = ddb.describe_table(TableName=table)["Table"]
    arn, label = described["LatestStreamArn"], described["LatestStreamLabel"]
    assert arn == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/stream/{label}"
    assert len(label) == len("2015-05-11T21:21:33.291") and label[10] == "T"
    stream = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert (stream["StreamStatus"], stream["StreamViewType"], stream["TableName"]) == (
        "ENABLED",
        "NEW_IMAGE",
        table,
    )
    assert stream["StreamLabel"] == label
    assert stream["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    [shard] = stream["Shards"]
    assert shard["ShardId"].startswith("shardId-") and len(shard["ShardId"]) <= 65
    assert shard["SequenceNumberRange"]["StartingSequenceNumber"].isdecimal()
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    after = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=shard["ShardId"])
    assert after["StreamDescription"]["Shards"] == []


def test_list_streams(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb", region_name="ap-south-2")
    streams = cloud.client("dynamodbstreams", region_name="ap-south-2")
    tables = sorted(make_table(ddb, view="KEYS_ONLY", name=unique("ls")) for _ in range(3))
    make_table(ddb)  # no stream
    listed = streams.list_streams()["Streams"]
    assert [s["TableName"] for s in listed] == tables
    assert listed[0]["StreamArn"] == stream_arn(ddb, tables[0])
    first = streams.list_streams(Limit=2)
    assert len(first["Streams"]) == 2
    rest = streams.list_streams(ExclusiveStartStreamArn=first["LastEvaluatedStreamArn"])
    assert [s["TableName"] for s in rest["Streams"]] == tables[2:]
    assert "LastEvaluatedStreamArn" not in rest
    only = streams.list_streams(TableName=tables[1])["Streams"]
    assert [s["TableName"] for s in only] == [tables[1]]
    with pytest.raises(ClientError) as exc:
        streams.list_streams(Limit=101)
    assert error_of(exc)[0] == "ValidationException"


def test_iterator_types(ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    put(ddb, table, "a", "b", "c")
    numbers = [r["dynamodb"]["SequenceNumber"] for r in records(streams, arn)]
    assert keys(records(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=numbers[1])) == [
        "b",
        "c",
    ]
    assert keys(records(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=numbers[1])) == ["c"]
    shard = shard_id(streams, arn)
    latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")
    put(ddb, table, "d")
    following = streams.get_records(ShardIterator=latest["ShardIterator"])
    assert keys(following["Records"]) == ["d"]
    # the next iterator continues after what was read
    put(ddb, table, "e")
    assert keys(streams.get_records(ShardIterator=following["NextShardIterator"])["Records"]) == [
        "e"
    ]
    starting = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    start = starting["SequenceNumberRange"]["StartingSequenceNumber"]
    assert len(records(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=start)) == 5


def test_get_records_limit_pages_in_order(ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    names = [f"k{i:02d}" for i in range(25)]
    put(ddb, table, *names)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id(streams, arn), ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    seen: list[str] = []
    for _ in range(3):
        page = streams.get_records(ShardIterator=iterator, Limit=10)
        seen += keys(page["Records"])
        iterator = page["NextShardIterator"]
    assert seen == names
    with pytest.raises(ClientError) as exc:
        streams.get_records(ShardIterator=iterator, Limit=1001)
    assert error_of(exc)[0] == "ValidationException"


def test_iterator_errors(ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    shard = shard_id(streams, arn)
    put(ddb, table, "a")
    number = records(streams, arn)[0]["dynamodb"]["SequenceNumber"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"ShardIteratorType": "AT_SEQUENCE_NUMBER"}, "ValidationException"),
        ({"ShardIteratorType": "LATEST", "SequenceNumber": number}, "ValidationException"),
        (
            {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": "9" * 30},
            "ValidationException",
        ),
        (
            {"ShardIteratorType": "LATEST", "ShardId": "shardId-00000000000000000000-nope"},
            "ResourceNotFoundException",
        ),
        (
            {"ShardIteratorType": "LATEST", "StreamArn": arn.replace(table, table + "x")},
            "ResourceNotFoundException",
        ),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as exc:
            streams.get_shard_iterator(**{"StreamArn": arn, "ShardId": shard, **params})
        assert error_of(exc)[0] == code
    with pytest.raises(ClientError) as exc:
        streams.describe_stream(StreamArn="not-a-stream-arn-at-all-not-a-stream-arn-at-all")
    assert error_of(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        streams.get_records(ShardIterator="garbage")
    assert error_of(exc)[0] == "ValidationException"


def test_iterators_expire_after_15_minutes(cloud: Cloud, ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id(streams, arn), ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    cloud.advance(15 * 60 + 1)
    with pytest.raises(ClientError) as exc:
        streams.get_records(ShardIterator=iterator)
    assert error_of(exc)[0] == "ExpiredIteratorException"


def test_disabling_closes_the_shard_and_a_new_stream_starts(ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    first = stream_arn(ddb, table)
    put(ddb, table, "before")
    with pytest.raises(ClientError) as exc:
        ddb.update_table(
            TableName=table,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
    assert error_of(exc) == (
        "ValidationException",
        f"Table already has an enabled stream: TableName: {table}",
    )
    updated = ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    assert updated["TableDescription"]["TableStatus"] == "UPDATING"
    ddb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1})
    put(ddb, table, "while off")
    closed = streams.describe_stream(StreamArn=first)["StreamDescription"]
    assert closed["StreamStatus"] == "DISABLED"
    ending = closed["Shards"][0]["SequenceNumberRange"]["EndingSequenceNumber"]
    read = streams.get_records(
        ShardIterator=streams.get_shard_iterator(
            StreamArn=first,
            ShardId=closed["Shards"][0]["ShardId"],
            ShardIteratorType="TRIM_HORIZON",
        )["ShardIterator"]
    )
    assert keys(read["Records"]) == ["before"]
    assert read["Records"][0]["dynamodb"]["SequenceNumber"] == ending
    assert "NextShardIterator" not in read  # closed and read to the end
    with pytest.raises(ClientError) as exc:
        ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    assert error_of(exc)[0] == "ValidationException"
    ddb.update_table(
        TableName=table, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    )
    ddb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1})
    second = stream_arn(ddb, table)
    assert second != first
    put(ddb, table, "after")
    assert keys(records(streams, second)) == ["after"]
    listed = streams.list_streams(TableName=table)["Streams"]
    assert [s["StreamArn"] for s in listed] == [first, second]


def test_streams_outlive_their_table_by_24_hours(cloud: Cloud, ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    put(ddb, table, "a")
    ddb.delete_table(TableName=table)
    ddb.get_waiter("table_not_exists").wait(TableName=table, WaiterConfig={"Delay": 1})
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"] == "DISABLED"
    assert keys(records(streams, arn)) == ["a"]
    cloud.advance(24 * 3600 + 1)
    with pytest.raises(ClientError) as exc:
        streams.describe_stream(StreamArn=arn)
    assert error_of(exc)[0] == "ResourceNotFoundException"
    assert streams.list_streams(TableName=table)["Streams"] == []


def test_records_are_kept_24_hours(cloud: Cloud, ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    arn = stream_arn(ddb, table)
    put(ddb, table, "old")
    old = records(streams, arn)[0]["dynamodb"]["SequenceNumber"]
    cloud.advance(23 * 3600)
    put(ddb, table, "new")
    assert keys(records(streams, arn)) == ["old", "new"]
    cloud.advance(3600 + 1)
    assert keys(records(streams, arn)) == ["new"]
    with pytest.raises(ClientError) as exc:
        records(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=old)
    assert error_of(exc)[0] == "TrimmedDataAccessException"
