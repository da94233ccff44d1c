"""SQS event source mappings: the API, the records, and what is deleted or returned (SQSM).

Everything through boto3 against redrive on the virtual clock: the mapping polls the queue on
its own, the tests only let emulated time pass.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.serverproc import ServerProcess
from tests.services.lambda_.conftest import ROLE, in_engine, make_zip
from tests.support import error_of, status_of

HANDLERS = '''
import itertools
import json

def record(event, context):
    print("EVENT " + json.dumps(event))
    return None

def fail(event, context):
    print("EVENT " + json.dumps(event))
    raise Exception("batch failed")

def partial(event, context):
    print("EVENT " + json.dumps(event))
    bodies = {r["messageId"]: r["body"] for r in event["Records"]}
    if any(b == "bad-response" for b in bodies.values()):
        return "not json {"
    return {"batchItemFailures": [
        {"itemIdentifier": mid} for mid, body in bodies.items() if body.startswith("fail")
    ]}
'''


@pytest.fixture
def lam(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("lambda")


@pytest.fixture
def sqs(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("sqs")


def function(lam: Any, name: str, handler: str) -> None:
    lam.create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler=f"handlers.{handler}",
        Code={"ZipFile": make_zip({"handlers.py": HANDLERS})},
    )


def queue(sqs: Any, name: str, **attributes: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def events(cloud: Cloud, name: str) -> list[dict[str, Any]]:
    """The events the function printed, oldest first."""
    logs = cloud.client("logs")
    try:
        found = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}", filterPattern="EVENT")
    except logs.exceptions.ResourceNotFoundException:
        return []  # never invoked: no log group yet
    return [
        json.loads(e["message"].split("EVENT ", 1)[1])
        for e in sorted(found["events"], key=lambda e: (e["timestamp"], e["eventId"]))
    ]


def batches(cloud: Cloud, name: str) -> list[dict[str, Any]]:
    return [e for e in cloud.ledger(function=name) if e.get("source") == "event-source-mapping"]


def depth(sqs: Any, url: str) -> tuple[int, int]:
    got = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    visible, hidden = "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"
    return int(got[visible]), int(got[hidden])


def test_create_get_list_update_delete__SQSM_16(cloud: Cloud, lam: Any, sqs: Any) -> None:
    function(lam, "esm-api", "record")
    _url, arn = queue(sqs, "esm-api-q")
    created = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-api")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    uuid = created["UUID"]
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["BatchSize"] == 10
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["FunctionResponseTypes"] == []
    assert created["FunctionArn"].endswith(":function:esm-api")
    assert created["EventSourceMappingArn"].endswith(f":event-source-mapping:{uuid}")
    assert "ScalingConfig" not in created
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    listed = lam.list_event_source_mappings(FunctionName="esm-api")["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [uuid]
    assert lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"][0][
        "UUID"
    ] == uuid

    updated = lam.update_event_source_mapping(
        UUID=uuid, Enabled=False, ScalingConfig={"MaximumConcurrency": 2}
    )
    assert updated["State"] == "Disabling"
    assert updated["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"

    deleted = lam.delete_event_source_mapping(UUID=uuid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"
    with pytest.raises(ClientError) as exc:
        lam.get_event_source_mapping(UUID=uuid)
    assert error_of(exc) == (
        "ResourceNotFoundException", "The resource you requested does not exist."
    )
    assert status_of(exc) == 404


def test_bad_mappings_are_refused_and_nothing_is_created__SQSM_17_SQSM_10(
    cloud: Cloud, lam: Any, sqs: Any
) -> None:
    function(lam, "esm-bad", "record")
    _url, arn = queue(sqs, "esm-bad-q")
    _furl, fifo_arn = queue(sqs, "esm-bad-q.fifo", FifoQueue="true")
    missing_queue = arn.replace("esm-bad-q", "esm-no-such-q")
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"EventSourceArn": missing_queue, "FunctionName": "esm-bad"},
            "InvalidParameterValueException",
            "Error occurred while ReceiveMessage. SQS Error Code: "
            "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue "
            "does not exist.",
        ),
        (
            {"EventSourceArn": arn, "FunctionName": "esm-no-such-function"},
            "InvalidParameterValueException",
            "Function does not exist",
        ),
        (
            {"FunctionName": "esm-bad"},
            "InvalidParameterValueException",
            "Unrecognized event source.",
        ),
        (
            {"EventSourceArn": arn, "FunctionName": "esm-bad",
             "DestinationConfig": {"OnFailure": {"Destination": arn}}},
            "InvalidParameterValueException",
            "Unsupported DestinationConfig parameter for given event source mapping type.",
        ),
        (
            {"EventSourceArn": arn, "FunctionName": "esm-bad", "BatchSize": 11},
            "InvalidParameterValueException",
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is "
            "greater than 10",
        ),
        (
            {"EventSourceArn": fifo_arn, "FunctionName": "esm-bad", "BatchSize": 11,
             "MaximumBatchingWindowInSeconds": 1},
            "InvalidParameterValueException",
            "Maximum batch size must be between 1 and 10 inclusive",
        ),
    ]
    for params, code, message in cases:
        with pytest.raises(ClientError) as exc:
            lam.create_event_source_mapping(**params)
        assert error_of(exc) == (code, message), params
        assert status_of(exc) == 400
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []

    first = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-bad")
    with pytest.raises(ClientError) as exc:
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-bad")
    assert error_of(exc) == (
        "ResourceConflictException",
        f'An event source mapping with SQS arn (" {arn} ") and function (" esm-bad ") already '
        f"exists. Please update or delete the existing mapping with UUID {first['UUID']}",
    )
    assert status_of(exc) == 409
    with pytest.raises(ClientError) as exc:
        lam.update_event_source_mapping(UUID=first["UUID"], BatchSize=100)
    assert error_of(exc)[0] == "InvalidParameterValueException"
    assert lam.get_event_source_mapping(UUID=first["UUID"])["BatchSize"] == 10  # unchanged
    lam.delete_event_source_mapping(UUID=first["UUID"])


def test_a_successful_batch_is_deleted_and_records_look_like_aws__SQSM_1_SQSM_2_SQSM_5(
    cloud: Cloud, lam: Any, sqs: Any
) -> None:
    function(lam, "esm-ok", "record")
    url, arn = queue(sqs, "esm-ok-q")
    sent = sqs.send_message(
        QueueUrl=url, MessageBody='{"n": 1}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}},
    )
    sqs.send_message(QueueUrl=url, MessageBody="plain text")
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-ok")["UUID"]
    cloud.advance(1)
    [event] = events(cloud, "esm-ok")
    records = event["Records"]
    assert [r["body"] for r in records] == ['{"n": 1}', "plain text"]  # body never parsed
    first = records[0]
    assert first["messageId"] == sent["MessageId"]
    assert first["md5OfBody"] == sent["MD5OfMessageBody"]
    assert first["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert first["messageAttributes"] == {"kind": {
        "stringValue": "test", "stringListValues": [], "binaryListValues": [],
        "dataType": "String",
    }}  # SQSM-3
    assert "md5OfMessageAttributes" not in records[1]
    assert first["eventSource"] == "aws:sqs"
    assert first["eventSourceARN"] == arn
    assert first["awsRegion"] == "us-east-1"
    assert first["receiptHandle"]
    attributes = first["attributes"]
    assert attributes["ApproximateReceiveCount"] == "1"
    assert set(attributes) >= {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"}
    assert all(isinstance(v, str) for v in attributes.values())
    assert depth(sqs, url) == (0, 0)  # SQSM-5: the whole batch deleted
    [batch] = batches(cloud, "esm-ok")
    assert batch["mapping"] == uuid and batch["outcome"] == "success"
    assert batch["deleted"] == [r["messageId"] for r in records] and batch["returned"] == []
    lam.delete_event_source_mapping(UUID=uuid)


def test_a_failed_batch_returns_after_the_visibility_timeout_and_reaches_the_dlq__SQSM_6(
    cloud: Cloud, lam: Any, sqs: Any
) -> None:
    function(lam, "esm-fail", "fail")
    _dlq_url, dlq_arn = queue(sqs, "esm-fail-dlq")
    dlq_url = _dlq_url
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url, arn = queue(sqs, "esm-fail-q", VisibilityTimeout="30", RedrivePolicy=policy)
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-fail")["UUID"]
    start = cloud.now()
    cloud.advance(1)
    assert depth(sqs, url) == (0, 1)  # not deleted: in flight until the timeout
    cloud.advance(40)
    seen = events(cloud, "esm-fail")
    assert [e["Records"][0]["attributes"]["ApproximateReceiveCount"] for e in seen] == ["1", "2"]
    attempts = batches(cloud, "esm-fail")
    assert [a["outcome"] for a in attempts] == ["function_error", "function_error"]
    assert attempts[1]["started_at"] - attempts[0]["started_at"] == pytest.approx(30, abs=1)
    assert all(a["deleted"] == [] for a in attempts)
    cloud.advance(40)  # the third receive moves it to the DLQ (SQS-3), Lambda never sees it
    assert len(events(cloud, "esm-fail")) == 2
    moved = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in moved] == ["poison"]
    assert cloud.now() - start < 90
    lam.delete_event_source_mapping(UUID=uuid)


def test_report_batch_item_failures_deletes_all_but_the_reported__SQSM_7_SQSM_8(
    cloud: Cloud, lam: Any, sqs: Any
) -> None:
    function(lam, "esm-partial", "partial")
    url, arn = queue(sqs, "esm-partial-q", VisibilityTimeout="30")
    for body in ("ok-1", "fail-2", "ok-3", "fail-4"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="esm-partial",
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )["UUID"]
    cloud.advance(1)
    [batch] = batches(cloud, "esm-partial")
    by_id = {r["messageId"]: r["body"] for r in events(cloud, "esm-partial")[0]["Records"]}
    assert sorted(by_id[i] for i in batch["deleted"]) == ["ok-1", "ok-3"]
    assert sorted(by_id[i] for i in batch["returned"]) == ["fail-2", "fail-4"]
    assert depth(sqs, url) == (0, 2)
    cloud.advance(31)  # the reported ones come back, received a second time
    again = events(cloud, "esm-partial")[1]["Records"]
    assert sorted(r["body"] for r in again) == ["fail-2", "fail-4"]
    assert {r["attributes"]["ApproximateReceiveCount"] for r in again} == {"2"}

    # SQSM-8: a response that is not JSON fails the whole batch
    sqs.send_message(QueueUrl=url, MessageBody="bad-response")
    cloud.advance(31)
    last = batches(cloud, "esm-partial")[-1]
    assert last["outcome"] == "success" and last["deleted"] == []
    assert len(last["returned"]) == len(last["messages"])
    lam.delete_event_source_mapping(UUID=uuid)


def test_the_batching_window_collects_a_batch__SQSM_10(
    cloud: Cloud, lam: Any, sqs: Any
) -> None:
    function(lam, "esm-window", "record")
    url, arn = queue(sqs, "esm-window-q", VisibilityTimeout="120")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="esm-window", BatchSize=20,
        MaximumBatchingWindowInSeconds=5,
    )["UUID"]
    cloud.advance(1)
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    start = cloud.now()
    cloud.advance(4)
    assert events(cloud, "esm-window") == []  # the window is still open
    cloud.advance(2)
    [event] = events(cloud, "esm-window")
    assert sorted(r["body"] for r in event["Records"]) == ["m0", "m1", "m2"]
    [batch] = batches(cloud, "esm-window")
    assert batch["started_at"] - start == pytest.approx(5, abs=0.5)

    # a full batch does not wait for the window
    sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": str(n), "MessageBody": f"full{n}"} for n in range(10)],
    )
    sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": str(n), "MessageBody": f"full{10 + n}"} for n in range(10)],
    )
    cloud.advance(1)
    assert len(events(cloud, "esm-window")[1]["Records"]) == 20
    lam.delete_event_source_mapping(UUID=uuid)


def test_a_disabled_mapping_stops_polling(cloud: Cloud, lam: Any, sqs: Any) -> None:
    function(lam, "esm-off", "record")
    url, arn = queue(sqs, "esm-off-q")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="esm-off", Enabled=False
    )["UUID"]
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
    sqs.send_message(QueueUrl=url, MessageBody="waits")
    cloud.advance(10)
    assert events(cloud, "esm-off") == [] and depth(sqs, url) == (1, 0)
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    cloud.advance(1)
    assert len(events(cloud, "esm-off")) == 1 and depth(sqs, url) == (0, 0)
    lam.delete_event_source_mapping(UUID=uuid)


def test_maximum_concurrency_caps_the_pollers__SQSM_12_SQSM_13(
    cloud: Cloud, lam: Any, sqs: Any
) -> None:
    function(lam, "esm-cap", "record")
    _url, arn = queue(sqs, "esm-cap-q")
    capped = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="esm-cap", ScalingConfig={"MaximumConcurrency": 2}
    )["UUID"]

    def slots(uuid: str) -> int:
        def read(service: Any) -> int:
            poller = service.pollers.poller("000000000000", "us-east-1", uuid)
            return 0 if poller is None else int(poller.slots)

        return in_engine(cloud, read)

    cloud.advance(1)
    assert slots(capped) == 2
    lam.update_event_source_mapping(UUID=capped, ScalingConfig={})
    cloud.advance(1)
    assert slots(capped) == 5  # SQSM-12: five to start with
    lam.delete_event_source_mapping(UUID=capped)


def test_mappings_and_their_messages_survive_kill_9(tmp_path: Path) -> None:
    """A mapping polls again after a restart; a batch in flight at the kill is received again
    once its visibility timeout ends (at-least-once, as when AWS loses a poller)."""
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        lam, sqs = first.client("lambda"), first.client("sqs")
        function(lam, "esm-durable", "record")
        url, arn = queue(sqs, "esm-durable-q", VisibilityTimeout="30")
        uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-durable")[
            "UUID"
        ]
        first.advance(1)
        sqs.send_message(QueueUrl=url, MessageBody="before the kill")
    finally:
        first.kill()
    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        lam, sqs = second.client("lambda"), second.client("sqs")
        assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
        sqs.send_message(QueueUrl=url, MessageBody="after the restart")
        second.advance(40)
        assert depth(sqs, url) == (0, 0)
        status, body = second.control("GET", "/_redrive/ledger?function=esm-durable")
        assert status == 200
        done = [
            m for e in body["attempts"] if e.get("source") == "event-source-mapping"
            for m in e["deleted"]
        ]
        assert len(done) >= 2  # both messages were processed (the first maybe twice)
        assert second.terminate() == 0
    finally:
        if second.proc.poll() is None:
            second.kill()


def test_throttled_batches_back_off_and_count_as_receives__SQSM_14_SQSM_15(
    cloud: Cloud, lam: Any, sqs: Any
) -> None:
    function(lam, "esm-throttled", "record")
    lam.put_function_concurrency(FunctionName="esm-throttled", ReservedConcurrentExecutions=0)
    _dlq_url, dlq_arn = queue(sqs, "esm-throttled-dlq")
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url, arn = queue(sqs, "esm-throttled-q", VisibilityTimeout="20", RedrivePolicy=policy)
    sqs.send_message(QueueUrl=url, MessageBody="never runs")
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="esm-throttled")[
        "UUID"
    ]
    cloud.advance(19)
    tries = batches(cloud, "esm-throttled")
    assert tries and all(t["outcome"] == "throttled" for t in tries)
    gaps = [b["started_at"] - a["started_at"] for a, b in itertools.pairwise(tries)]
    assert gaps[:4] == pytest.approx([1, 2, 4, 8], abs=0.01)  # doubling backoff
    cloud.advance(60)  # received twice, then moved to the DLQ by the redrive policy
    assert events(cloud, "esm-throttled") == []
    assert depth(sqs, url) == (0, 0)
    moved = sqs.receive_message(QueueUrl=_dlq_url)["Messages"]
    assert [m["Body"] for m in moved] == ["never runs"]
    lam.delete_event_source_mapping(UUID=uuid)


def test_fifo_messages_of_a_group_are_processed_in_order__SQSM_4_SQSM_9(
    cloud: Cloud, lam: Any, sqs: Any
) -> None:
    function(lam, "esm-fifo", "record")
    url, arn = queue(
        sqs, "esm-fifo-q.fifo", FifoQueue="true", ContentBasedDeduplication="true"
    )
    for n in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=f"a{n}", MessageGroupId="a")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="esm-fifo", BatchSize=2
    )["UUID"]
    cloud.advance(5)
    seen = events(cloud, "esm-fifo")
    assert [r["body"] for e in seen for r in e["Records"]] == [f"a{n}" for n in range(5)]
    assert all(len(e["Records"]) <= 2 for e in seen)
    attributes = seen[0]["Records"][0]["attributes"]
    assert attributes["MessageGroupId"] == "a"
    assert {"MessageDeduplicationId", "SequenceNumber"} <= set(attributes)
    lam.delete_event_source_mapping(UUID=uuid)
