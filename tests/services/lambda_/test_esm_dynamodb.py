"""DynamoDB Streams event source mappings: records, API errors and OnFailure records (STRM),
through boto3 on the virtual clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.lambda_.stream_helpers import failures, function, invoked, queue_arn
from tests.support import error_of


@pytest.fixture
def ddb(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("dynamodb")


def table(ddb: Any, name: str, view: str = "NEW_AND_OLD_IMAGES") -> str:
    created = ddb.create_table(
        TableName=name, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )
    return str(created["TableDescription"]["LatestStreamArn"])


def test_records_look_like_aws_in_order__STRM_2_STRM_3(cloud: Cloud, lam: Any, ddb: Any) -> None:
    function(lam, "ddb-records", "record")
    arn = table(ddb, "ddb-records-t")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="ddb-records", StartingPosition="TRIM_HORIZON"
    )
    assert uuid["StateTransitionReason"] == "User action"
    ddb.put_item(TableName="ddb-records-t", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    ddb.put_item(TableName="ddb-records-t", Item={"pk": {"S": "a"}, "v": {"N": "2"}})
    ddb.delete_item(TableName="ddb-records-t", Key={"pk": {"S": "a"}})
    cloud.advance(5)
    records = [r for batch in invoked(cloud, "ddb-records") for r in batch]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    first = records[0]
    assert list(first) == [
        "eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb",
        "eventSourceARN",
    ]
    assert first["eventSource"] == "aws:dynamodb" and first["eventVersion"] == "1.1"
    assert first["eventSourceARN"] == arn
    assert first["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert records[1]["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert first["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_bad_dynamodb_mappings_are_refused__STRM_16(cloud: Cloud, lam: Any, ddb: Any) -> None:
    function(lam, "ddb-bad", "record")
    arn = table(ddb, "ddb-bad-t")
    missing = arn.replace("ddb-bad-t", "ddb-no-such-t")
    stamp = dt.datetime.fromtimestamp(cloud.now(), dt.timezone.utc)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"EventSourceArn": missing, "StartingPosition": "LATEST"}, f"Stream not found: {missing}"),
        ({"EventSourceArn": arn, "StartingPosition": "AT_TIMESTAMP",
          "StartingPositionTimestamp": stamp},
         f"Unsupported starting position for arn type: {arn}"),
    ]
    for params, message in cases:
        with pytest.raises(ClientError) as exc:
            lam.create_event_source_mapping(FunctionName="ddb-bad", **params)
        assert error_of(exc) == ("InvalidParameterValueException", message)
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []


def test_a_discarded_batch_sends_the_dynamodb_on_failure_record__STRM_9_STRM_14(
    cloud: Cloud, lam: Any, ddb: Any
) -> None:
    function(lam, "ddb-fail", "poison")
    arn = table(ddb, "ddb-fail-t")
    target = queue_arn(cloud, "ddb-fail-dlq")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="ddb-fail", StartingPosition="LATEST",
        MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": target}},
    )
    cloud.advance(1)
    ddb.put_item(TableName="ddb-fail-t", Item={"pk": {"S": "poison"}})
    cloud.advance(10)
    ddb.put_item(TableName="ddb-fail-t", Item={"pk": {"S": "fine"}})
    cloud.advance(5)
    seen = [[r["dynamodb"]["Keys"]["pk"]["S"] for r in b] for b in invoked(cloud, "ddb-fail")]
    assert seen == [["poison"], ["poison"], ["fine"]]
    (failure,) = failures(cloud, "ddb-fail-dlq")
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    info = failure["DDBStreamBatchInfo"]
    assert info["streamArn"] == arn and info["batchSize"] == 1
    assert info["shardId"].startswith("shardId-")
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    assert len(info["approximateArrivalOfFirstRecord"]) == len("2022-07-13T13:48:01Z")


def test_last_processing_result_follows_the_last_batch__STRM_5(
    cloud: Cloud, lam: Any, ddb: Any
) -> None:
    function(lam, "ddb-result", "poison")
    arn = table(ddb, "ddb-result-t")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="ddb-result", StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=0,
    )["UUID"]
    cloud.advance(2)
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == (
        "No records processed"
    )
    ddb.put_item(TableName="ddb-result-t", Item={"pk": {"S": "a"}, "v": {"S": "poison"}})
    cloud.advance(2)
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == (
        "PROBLEM: Function call failed"
    )
    ddb.put_item(TableName="ddb-result-t", Item={"pk": {"S": "b"}, "v": {"S": "fine"}})
    cloud.advance(2)
    (listed,) = lam.list_event_source_mappings(FunctionName="ddb-result")["EventSourceMappings"]
    assert listed["LastProcessingResult"] == "OK"
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK"
