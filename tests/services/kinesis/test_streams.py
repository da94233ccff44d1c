"""Streams: create (both capacity modes), describe, list, delete, quotas, resharding refused."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.kinesis.conftest import ACCOUNT, arn, make_stream, shard_id, unique
from tests.support import error_of, status_of


def test_create_provisioned_stream_and_describe_it(cloud: Cloud, kinesis: Any) -> None:
    name = unique()
    before = cloud.now()
    kinesis.create_stream(StreamName=name, ShardCount=3)
    description = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert description["StreamName"] == name
    assert description["StreamARN"] == arn(name)
    assert description["StreamStatus"] == "ACTIVE"
    assert description["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert description["RetentionPeriodHours"] == 24
    assert description["HasMoreShards"] is False
    assert description["EncryptionType"] == "NONE"
    assert description["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]
    assert description["StreamCreationTimestamp"].timestamp() == pytest.approx(before, abs=0.01)
    shards = description["Shards"]
    assert [s["ShardId"] for s in shards] == [shard_id(0), shard_id(1), shard_id(2)]
    for shard in shards:
        start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
        assert len(start) == 56 and start.isdigit()
        assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]


def test_summary_has_open_shards_and_record_size(kinesis: Any) -> None:
    name = unique()
    kinesis.create_stream(StreamName=name, ShardCount=2, MaxRecordSizeInKiB=2048)
    summary = kinesis.describe_stream_summary(StreamARN=arn(name))["StreamDescriptionSummary"]
    assert summary["StreamName"] == name
    assert summary["StreamStatus"] == "ACTIVE"
    assert summary["OpenShardCount"] == 2
    assert summary["ConsumerCount"] == 0
    assert summary["MaxRecordSizeInKiB"] == 2048
    assert summary["RetentionPeriodHours"] == 24


def test_on_demand_stream_starts_with_four_shards(kinesis: Any) -> None:
    name = unique()
    kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert summary["OpenShardCount"] == 4
    # neither mode nor shard count: AWS makes an on-demand stream
    bare = unique()
    kinesis.create_stream(StreamName=bare)
    summary = kinesis.describe_stream_summary(StreamName=bare)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert len(kinesis.describe_stream(StreamName=bare)["StreamDescription"]["Shards"]) == 4


def test_capacity_mode_and_shard_count_must_agree(kinesis: Any) -> None:
    name = unique()
    with pytest.raises(ClientError) as exc:
        kinesis.create_stream(
            StreamName=name, ShardCount=2, StreamModeDetails={"StreamMode": "ON_DEMAND"}
        )
    assert error_of(exc) == (
        "ValidationException",
        "ShardCount is not expected when StreamMode=ON_DEMAND",
    )
    with pytest.raises(ClientError) as exc:
        kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "PROVISIONED"})
    assert error_of(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        kinesis.describe_stream(StreamName=name)
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_existing_name_is_resource_in_use(kinesis: Any) -> None:
    name = make_stream(kinesis)
    with pytest.raises(ClientError) as exc:
        kinesis.create_stream(StreamName=name, ShardCount=5)
    assert error_of(exc) == (
        "ResourceInUseException",
        f"Stream {name} under account {ACCOUNT} already exists.",
    )
    assert status_of(exc) == 400
    assert (
        kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
            "OpenShardCount"
        ]
        == 1
    )


def test_unknown_stream_is_resource_not_found(kinesis: Any) -> None:
    for call in (
        lambda: kinesis.describe_stream(StreamName="missing"),
        lambda: kinesis.describe_stream_summary(StreamARN=arn("missing")),
        lambda: kinesis.delete_stream(StreamName="missing"),
        lambda: kinesis.put_record(StreamName="missing", Data=b"x", PartitionKey="k"),
        lambda: kinesis.list_shards(StreamName="missing"),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (
            "ResourceNotFoundException",
            f"Stream missing under account {ACCOUNT} not found.",
        )
        assert status_of(exc) == 400


def test_stream_name_and_arn_must_name_the_same_stream(kinesis: Any) -> None:
    name = make_stream(kinesis)
    summary = kinesis.describe_stream_summary(StreamName=name, StreamARN=arn(name))
    assert summary["StreamDescriptionSummary"]["StreamName"] == name
    with pytest.raises(ClientError) as exc:
        kinesis.describe_stream_summary(StreamName="other", StreamARN=arn(name))
    assert error_of(exc)[0] == "InvalidArgumentException"
    with pytest.raises(ClientError) as exc:
        kinesis.describe_stream_summary()
    assert error_of(exc)[0] == "InvalidArgumentException"


def test_invalid_input_is_a_validation_error_and_creates_nothing(
    kinesis: Any, unchecked: Any
) -> None:
    with pytest.raises(ClientError) as exc:
        kinesis.create_stream(StreamName="bad name!", ShardCount=1)
    code, message = error_of(exc)
    assert code == "ValidationException"
    assert "streamName" in message and "[a-zA-Z0-9_.-]+" in message
    name = unique()
    with pytest.raises(ClientError) as exc:
        unchecked.create_stream(StreamName=name, ShardCount=0)
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )
    with pytest.raises(ClientError) as exc:
        kinesis.describe_stream(StreamName=name)
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_describe_stream_pages_shards(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=5)
    first = kinesis.describe_stream(StreamName=name, Limit=2)["StreamDescription"]
    assert [s["ShardId"] for s in first["Shards"]] == [shard_id(0), shard_id(1)]
    assert first["HasMoreShards"] is True
    rest = kinesis.describe_stream(StreamName=name, ExclusiveStartShardId=shard_id(1), Limit=10)
    assert [s["ShardId"] for s in rest["StreamDescription"]["Shards"]] == [
        shard_id(2),
        shard_id(3),
        shard_id(4),
    ]
    assert rest["StreamDescription"]["HasMoreShards"] is False


def test_list_streams_pages_by_name(cloud: Cloud) -> None:
    kinesis = cloud.client("kinesis", region_name="eu-central-1")
    empty = kinesis.list_streams()
    assert (empty["StreamNames"], empty["HasMoreStreams"]) == ([], False)
    names = ["c-stream", "a-stream", "b-stream"]
    for name in names:
        kinesis.create_stream(StreamName=name, ShardCount=1)
    page = kinesis.list_streams(Limit=2)
    assert page["StreamNames"] == ["a-stream", "b-stream"]
    assert page["HasMoreStreams"] is True
    summary = page["StreamSummaries"][0]
    assert summary["StreamARN"] == arn("a-stream", "eu-central-1")
    assert summary["StreamStatus"] == "ACTIVE"
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    following = kinesis.list_streams(NextToken=page["NextToken"])
    assert following["StreamNames"] == ["c-stream"]
    assert following["HasMoreStreams"] is False
    assert "NextToken" not in following
    assert kinesis.list_streams(ExclusiveStartStreamName="a-stream")["StreamNames"] == [
        "b-stream",
        "c-stream",
    ]
    paginated = kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 1})
    assert [n for p in paginated for n in p["StreamNames"]] == sorted(names)


def test_delete_stream_and_waiter(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=2)
    kinesis.put_record(StreamName=name, Data=b"gone", PartitionKey="k")
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    with pytest.raises(ClientError) as exc:
        kinesis.describe_stream_summary(StreamName=name)
    assert error_of(exc)[0] == "ResourceNotFoundException"
    # the name is free again, and the new stream starts empty
    make_stream(kinesis, name=name)
    records = kinesis.get_records(
        ShardIterator=kinesis.get_shard_iterator(
            StreamName=name, ShardId=shard_id(0), ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
    )["Records"]
    assert records == []


def test_shard_quota_is_limit_exceeded(cloud: Cloud) -> None:
    kinesis = cloud.client("kinesis", region_name="ap-south-1")  # quota 1,000 shards
    kinesis.create_stream(StreamName="big", ShardCount=600)
    with pytest.raises(ClientError) as exc:
        kinesis.create_stream(StreamName="too-big", ShardCount=401)
    code, message = error_of(exc)
    assert code == "LimitExceededException"
    assert message.startswith(
        f"This request would exceed the shard limit for the account {ACCOUNT} in ap-south-1. "
        "Current shard count for the account: 600. Limit: 1000. Number of additional shards "
        "that would have resulted from this request: 401."
    )
    kinesis.create_stream(StreamName="fits", ShardCount=400)


def test_on_demand_stream_quota(cloud: Cloud) -> None:
    kinesis = cloud.client("kinesis", region_name="sa-east-1")
    for i in range(50):
        kinesis.create_stream(StreamName=f"od-{i}")
    with pytest.raises(ClientError) as exc:
        kinesis.create_stream(StreamName="od-50")
    assert error_of(exc)[0] == "LimitExceededException"
    kinesis.create_stream(StreamName="provisioned", ShardCount=1)


@pytest.mark.parametrize("operation", ["merge_shards", "split_shard", "update_shard_count"])
def test_resharding_is_refused_by_name(kinesis: Any, operation: str) -> None:
    name = make_stream(kinesis, shards=2)
    params: dict[str, Any] = {
        "merge_shards": {"ShardToMerge": shard_id(0), "AdjacentShardToMerge": shard_id(1)},
        "split_shard": {"ShardToSplit": shard_id(0), "NewStartingHashKey": "12345"},
        "update_shard_count": {"TargetShardCount": 4, "ScalingType": "UNIFORM_SCALING"},
    }[operation]
    with pytest.raises(ClientError) as exc:
        getattr(kinesis, operation)(StreamName=name, **params)
    code, message = error_of(exc)
    assert code == "InvalidArgumentException"
    assert message.startswith("redrive does not support")
    api_name = {"merge_shards": "MergeShards", "split_shard": "SplitShard"}.get(
        operation, "UpdateShardCount"
    )
    assert api_name in message
    assert len(kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"]) == 2
