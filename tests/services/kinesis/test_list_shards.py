"""ListShards: pagination with tokens that expire, filters, and how the stream is named."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.kinesis.conftest import arn, make_stream, shard_id
from tests.support import error_of


def ids(result: dict[str, Any]) -> list[str]:
    return [s["ShardId"] for s in result["Shards"]]


def test_pages_with_max_results_and_next_token(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=5)
    first = kinesis.list_shards(StreamName=name, MaxResults=2)
    assert ids(first) == [shard_id(0), shard_id(1)]
    second = kinesis.list_shards(NextToken=first["NextToken"], MaxResults=2)
    assert ids(second) == [shard_id(2), shard_id(3)]
    third = kinesis.list_shards(NextToken=second["NextToken"])
    assert ids(third) == [shard_id(4)]
    assert "NextToken" not in third
    everything = kinesis.list_shards(StreamARN=arn(name))
    assert ids(everything) == [shard_id(i) for i in range(5)]
    assert "NextToken" not in everything
    assert (
        everything["Shards"][0]
        == kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"][0]
    )


def test_next_token_expires_after_300_emulated_seconds(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis, shards=3)
    token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
    cloud.advance(300)
    assert ids(kinesis.list_shards(NextToken=token, MaxResults=1)) == [shard_id(1)]
    cloud.advance(0.001)
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(NextToken=token)
    assert error_of(exc)[0] == "ExpiredNextTokenException"


def test_stream_is_named_by_exactly_one_of_token_and_name(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=2)
    token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(StreamName=name, NextToken=token)
    assert error_of(exc) == (
        "InvalidArgumentException",
        "NextToken and StreamName cannot be provided together.",
    )
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards()
    assert error_of(exc) == (
        "InvalidArgumentException",
        "Either NextToken or StreamName should be provided.",
    )
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(NextToken="garbage")
    assert error_of(exc)[0] == "InvalidArgumentException"


def test_token_does_not_continue_into_a_new_stream_of_the_same_name(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=2)
    token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(NextToken=token)
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_exclusive_start_and_shard_filters(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=4)
    after = kinesis.list_shards(StreamName=name, ExclusiveStartShardId=shard_id(1))
    assert ids(after) == [shard_id(2), shard_id(3)]
    after_filter = kinesis.list_shards(
        StreamName=name, ShardFilter={"Type": "AFTER_SHARD_ID", "ShardId": shard_id(2)}
    )
    assert ids(after_filter) == [shard_id(3)]
    now = datetime.now(tz=timezone.utc)
    for shard_filter in (
        {"Type": "AT_TRIM_HORIZON"},
        {"Type": "FROM_TRIM_HORIZON"},
        {"Type": "AT_LATEST"},
        {"Type": "AT_TIMESTAMP", "Timestamp": now},
        {"Type": "FROM_TIMESTAMP", "Timestamp": now},
    ):
        found = kinesis.list_shards(StreamName=name, ShardFilter=shard_filter)
        assert ids(found) == [shard_id(i) for i in range(4)], shard_filter
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AFTER_SHARD_ID"})
    assert error_of(exc)[0] == "InvalidArgumentException"
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_TIMESTAMP"})
    assert error_of(exc)[0] == "InvalidArgumentException"


def test_stream_creation_timestamp_picks_the_stream(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=1)
    created = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "StreamCreationTimestamp"
    ]
    assert ids(kinesis.list_shards(StreamName=name, StreamCreationTimestamp=created)) == [
        shard_id(0)
    ]
    earlier = datetime.fromtimestamp(created.timestamp() - 3600, tz=timezone.utc)
    with pytest.raises(ClientError) as exc:
        kinesis.list_shards(StreamName=name, StreamCreationTimestamp=earlier)
    assert error_of(exc)[0] == "ResourceNotFoundException"
