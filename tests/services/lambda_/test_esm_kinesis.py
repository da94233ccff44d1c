"""Kinesis event source mappings: API, records, order, retries, bisect, partial batch
responses, OnFailure records, IteratorAge and checkpoints (STRM), through boto3 on the virtual
clock."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.serverproc import ServerProcess
from tests.services.lambda_.async_helpers import metric_values
from tests.services.lambda_.stream_helpers import (
    batches,
    failures,
    function,
    invoked,
    put,
    queue_arn,
    stream,
)
from tests.support import error_of, status_of


@pytest.fixture
def kinesis(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("kinesis")


def data_of(record: dict[str, Any]) -> str:
    return base64.b64decode(record["kinesis"]["data"]).decode()


def test_create_response__STRM_4_STRM_5(cloud: Cloud, lam: Any, kinesis: Any) -> None:
    function(lam, "kin-api", "record")
    arn = stream(kinesis, "kin-api-s")
    created = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-api", StartingPosition="LATEST"
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    shown = {k: v for k, v in created.items() if k not in ("ResponseMetadata", "LastModified")}
    uuid = created["UUID"]
    assert shown == {
        "UUID": uuid, "BatchSize": 100, "BisectBatchOnFunctionError": False,
        "DestinationConfig": {"OnFailure": {}}, "EventSourceArn": arn,
        "EventSourceMappingArn": (
            f"arn:aws:lambda:us-east-1:000000000000:event-source-mapping:{uuid}"
        ),
        "FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:kin-api",
        "FunctionResponseTypes": [], "LastProcessingResult": "No records processed",
        "MaximumBatchingWindowInSeconds": 0, "MaximumRecordAgeInSeconds": -1,
        "MaximumRetryAttempts": -1, "ParallelizationFactor": 1, "StartingPosition": "LATEST",
        "State": "Creating", "StateTransitionReason": "User action", "TumblingWindowInSeconds": 0,
    }
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    updated = lam.update_event_source_mapping(UUID=uuid, MaximumRetryAttempts=3)
    assert updated["MaximumRetryAttempts"] == 3
    lam.delete_event_source_mapping(UUID=uuid)


def test_bad_stream_mappings_are_refused__STRM_16(cloud: Cloud, lam: Any, kinesis: Any) -> None:
    function(lam, "kin-bad", "record")
    arn = stream(kinesis, "kin-bad-s")
    missing = arn.replace("kin-bad-s", "kin-no-such-s")
    base = {"FunctionName": "kin-bad", "EventSourceArn": arn}
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"EventSourceArn": missing, "StartingPosition": "LATEST"},
         "InvalidParameterValueException", f"Stream not found: {missing}"),
        ({}, "InvalidParameterValueException",
         "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
         "constraint: Member must not be null."),
        ({"StartingPosition": "invalid"}, "ValidationException",
         "1 validation error detected: Value 'invalid' at 'startingPosition' failed to satisfy "
         "constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"),
        ({"StartingPosition": "LATEST", "TumblingWindowInSeconds": 60},
         "InvalidParameterValueException",
         "redrive does not support TumblingWindowInSeconds (tumbling windows) yet."),
        ({"StartingPosition": "LATEST", "MaximumRecordAgeInSeconds": 30},
         "InvalidParameterValueException",
         "The minimum valid value for maximum record age is 60 seconds."),
    ]
    for extra, code, message in cases:
        with pytest.raises(ClientError) as exc:
            lam.create_event_source_mapping(**{**base, **extra})
        assert error_of(exc) == (code, message), extra
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []
    uuid = lam.create_event_source_mapping(**base, StartingPosition="LATEST")["UUID"]
    with pytest.raises(ClientError) as exc:
        lam.create_event_source_mapping(**base, StartingPosition="TRIM_HORIZON")
    assert status_of(exc) == 409
    assert error_of(exc) == (
        "ResourceConflictException",
        f'The event source arn (" {arn} ") and function (" kin-bad ") provided mapping already '
        f"exists. Please update or delete the existing mapping with UUID {uuid}",
    )


def test_records_look_like_aws_and_each_shard_keeps_its_order__STRM_1_STRM_3(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "kin-order", "record")
    arn = stream(kinesis, "kin-order-s", shards=2)
    sent = {key: put(kinesis, "kin-order-s", *(f"{key}{n}" for n in range(5)), key=key)
            for key in ("a", "b", "c")}
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-order", StartingPosition="TRIM_HORIZON",
        BatchSize=2,
    )
    cloud.advance(5)
    seen = invoked(cloud, "kin-order")
    assert all(len(records) <= 2 for records in seen)
    assert all(len({r["eventID"].split(":")[0] for r in records}) == 1 for records in seen)
    flat = [r for records in seen for r in records]
    for key, seqs in sent.items():
        mine = [r for r in flat if r["kinesis"]["partitionKey"] == key]
        assert [r["kinesis"]["sequenceNumber"] for r in mine] == seqs
    first = flat[0]
    assert list(first) == [
        "kinesis", "eventSource", "eventVersion", "eventID", "eventName", "invokeIdentityArn",
        "awsRegion", "eventSourceARN",
    ]
    assert first["eventSource"] == "aws:kinesis" and first["eventName"] == "aws:kinesis:record"
    assert first["eventID"].startswith("shardId-00000000000")
    assert first["eventID"].endswith(":" + first["kinesis"]["sequenceNumber"])
    assert first["eventSourceARN"] == arn and first["awsRegion"] == "us-east-1"
    assert first["invokeIdentityArn"].startswith("arn:aws:iam::")
    assert first["kinesis"]["kinesisSchemaVersion"] == "1.0"
    assert isinstance(first["kinesis"]["approximateArrivalTimestamp"], float)


def test_a_failing_batch_is_retried_until_it_succeeds__STRM_6_STRM_17(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "kin-retry", "young_fails")
    arn = stream(kinesis, "kin-retry-s")
    put(kinesis, "kin-retry-s", "one", "two")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-retry", StartingPosition="TRIM_HORIZON"
    )
    put(kinesis, "kin-retry-s", "three")  # blocked behind the failing batch
    cloud.advance(30)
    tries = [b for b in batches(cloud, "kin-retry") if b["outcome"] != "throttled"]
    outcomes = [t["outcome"] for t in tries]
    assert outcomes == ["function_error"] * 3 + ["success", "success"]
    gaps = [b["started_at"] - a["started_at"] for a, b in itertools.pairwise(tries[:4])]
    assert gaps == pytest.approx([1, 2, 4], abs=0.05)
    assert [t["attempt"] for t in tries[:4]] == [1, 2, 3, 4]
    assert [len(t["records"]) for t in tries] == [2, 2, 2, 2, 1]


def test_retries_exhausted_send_the_on_failure_record_and_the_shard_moves_on__STRM_6_STRM_9_STRM_13(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "kin-exhaust", "poison")
    arn = stream(kinesis, "kin-exhaust-s")
    target = queue_arn(cloud, "kin-exhaust-dlq")
    seqs = put(kinesis, "kin-exhaust-s", "poison-1", "poison-2")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-exhaust", StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=2, DestinationConfig={"OnFailure": {"Destination": target}},
    )
    cloud.advance(20)
    after = put(kinesis, "kin-exhaust-s", "fine")
    cloud.advance(5)
    seen = invoked(cloud, "kin-exhaust")
    assert [[data_of(r) for r in records] for records in seen] == [
        ["poison-1", "poison-2"]] * 3 + [["fine"]]
    (failure,) = failures(cloud, "kin-exhaust-dlq")
    info = failure["KinesisBatchInfo"]
    assert set(failure) == {
        "requestContext", "responseContext", "version", "timestamp", "KinesisBatchInfo"
    }
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 3
    assert failure["requestContext"]["functionArn"].endswith(":function:kin-exhaust")
    assert failure["responseContext"] == {
        "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"
    }
    assert failure["version"] == "1.0" and failure["timestamp"].endswith("Z")
    assert info["shardId"] == "shardId-000000000000"
    assert (info["startSequenceNumber"], info["endSequenceNumber"]) == (seqs[0], seqs[1])
    assert info["batchSize"] == 2 and info["streamArn"] == arn
    assert info["approximateArrivalOfFirstRecord"].endswith("Z")
    assert len(info["approximateArrivalOfFirstRecord"]) == len("2019-11-14T00:38:04.835Z")
    done = batches(cloud, "kin-exhaust")
    assert done[2]["discarded"] == seqs and done[2]["on_failure"]["delivered"] is True
    assert done[-1]["checkpoint"] == after[0]


def test_records_past_the_maximum_age_are_discarded__STRM_8(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "kin-age", "fail")
    arn = stream(kinesis, "kin-age-s")
    target = queue_arn(cloud, "kin-age-dlq")
    put(kinesis, "kin-age-s", "old")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-age", StartingPosition="TRIM_HORIZON",
        MaximumRecordAgeInSeconds=60, DestinationConfig={"OnFailure": {"Destination": target}},
    )
    cloud.advance(120)
    tries = [b for b in batches(cloud, "kin-age") if b["outcome"] == "function_error"]
    (failure,) = failures(cloud, "kin-age-dlq")
    assert failure["requestContext"]["condition"] == "RecordAgeExceeded"
    assert failure["requestContext"]["approximateInvokeCount"] == len(tries) > 5
    assert "responseContext" not in failure
    assert all(t["started_at"] - tries[0]["started_at"] <= 60 for t in tries)


def test_records_too_old_before_any_invocation_never_reach_the_function__STRM_8(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "kin-stale", "record")
    arn = stream(kinesis, "kin-stale-s")
    target = queue_arn(cloud, "kin-stale-dlq")
    put(kinesis, "kin-stale-s", "stale")
    cloud.advance(90)
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-stale", StartingPosition="TRIM_HORIZON",
        MaximumRecordAgeInSeconds=60, DestinationConfig={"OnFailure": {"Destination": target}},
    )
    cloud.advance(5)
    assert invoked(cloud, "kin-stale") == []
    (failure,) = failures(cloud, "kin-stale-dlq")
    assert failure["requestContext"]["approximateInvokeCount"] == 1
    assert "responseContext" not in failure


def test_bisect_isolates_the_poison_record__STRM_10(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "kin-bisect", "poison")
    arn = stream(kinesis, "kin-bisect-s")
    target = queue_arn(cloud, "kin-bisect-dlq")
    datas = [f"r{n}" if n != 3 else "poison" for n in range(1, 11)]
    seqs = put(kinesis, "kin-bisect-s", *datas)
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-bisect", StartingPosition="TRIM_HORIZON",
        BisectBatchOnFunctionError=True, MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": target}},
    )
    cloud.advance(30)
    done = [b for b in batches(cloud, "kin-bisect") if b["outcome"] == "success"]
    succeeded = [seq for b in done for seq in b["records"]]
    assert succeeded == [s for s in seqs if s != seqs[2]]  # each once, in order
    (failure,) = failures(cloud, "kin-bisect-dlq")
    info = failure["KinesisBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (
        seqs[2], seqs[2], 1
    )
    assert failure["requestContext"]["approximateInvokeCount"] == 3
    first = batches(cloud, "kin-bisect")[0]
    assert first["bisected"] == [seqs[:5], seqs[5:]]


def test_partial_batch_responses_checkpoint_by_sequence_number__STRM_11_STRM_12(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "kin-partial", "partial")
    arn = stream(kinesis, "kin-partial-s")
    target = queue_arn(cloud, "kin-partial-dlq")
    seqs = put(kinesis, "kin-partial-s", "r1", "r2", "r3", "r4", "r5", "fail6")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-partial", StartingPosition="TRIM_HORIZON",
        BatchSize=3, MaximumRetryAttempts=2, FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": target}},
    )
    cloud.advance(30)
    seen = [[data_of(r) for r in records] for records in invoked(cloud, "kin-partial")]
    assert seen == [["r1", "r2", "r3"], ["r4", "r5", "fail6"], ["fail6"], ["fail6"]]
    (failure,) = failures(cloud, "kin-partial-dlq")
    info = failure["KinesisBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (
        seqs[5], seqs[5], 1
    )
    assert failure["responseContext"]["functionError"] is None
    second = batches(cloud, "kin-partial")[1]
    assert second["processed"] == seqs[3:5] and second["checkpoint"] == seqs[4]


def test_iterator_age_grows_while_a_shard_is_blocked__STRM_18(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "kin-age-metric", "fail")
    arn = stream(kinesis, "kin-age-metric-s")
    put(kinesis, "kin-age-metric-s", "stuck")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kin-age-metric", StartingPosition="TRIM_HORIZON"
    )
    cloud.advance(40)
    ages = metric_values(cloud, "IteratorAge", "kin-age-metric")
    assert len(ages) >= 5
    assert ages == sorted(ages) and ages[-1] > 20_000


def test_a_mapping_resumes_after_its_checkpoint_after_kill_9__STRM_9(tmp_path: Path) -> None:
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        lam, kinesis = first.client("lambda"), first.client("kinesis")
        function(lam, "kin-durable", "record")
        arn = stream(kinesis, "kin-durable-s")
        put(kinesis, "kin-durable-s", "before-1", "before-2")
        uuid = lam.create_event_source_mapping(
            EventSourceArn=arn, FunctionName="kin-durable", StartingPosition="TRIM_HORIZON"
        )["UUID"]
        first.advance(5)
    finally:
        first.kill()
    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        lam, kinesis = second.client("lambda"), second.client("kinesis")
        got = lam.get_event_source_mapping(UUID=uuid)
        assert (got["State"], got["LastProcessingResult"]) == ("Enabled", "OK")  # stored
        put(kinesis, "kin-durable-s", "after")
        second.advance(5)
        status, body = second.control("GET", "/_redrive/ledger?function=kin-durable")
        assert status == 200
        done = [e for e in body["attempts"] if e.get("source") == "event-source-mapping"]
        assert [len(e["records"]) for e in done] == [2, 1]  # resumed after the checkpoint
        assert all(e["outcome"] == "success" for e in done)
        assert second.terminate() == 0
    finally:
        if second.proc.poll() is None:
            second.kill()
