"""Where an async event's fate goes: destinations and dead-letter queues (DEST, ASYNC-10).

Records are read back from SQS queues in redrive with boto3, as a user would.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from redrive import Cloud
from tests.services.lambda_.async_helpers import (
    create,
    fates,
    invoke_event,
    metric_sum,
)
from tests.services.lambda_.conftest import ACCOUNT, REGION

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


@pytest.fixture
def lam(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("lambda")


@pytest.fixture
def sqs(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("sqs")


def queue(sqs: Any, name: str) -> tuple[str, str]:
    """Create a queue; (url, arn)."""
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def messages(sqs: Any, url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    return found


def destinations(on_success: str | None = None, on_failure: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if on_success:
        config["OnSuccess"] = {"Destination": on_success}
    if on_failure:
        config["OnFailure"] = {"Destination": on_failure}
    return config


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def test_success_record_goes_to_the_on_success_queue__DEST_2_DEST_5_DEST_6(
    lam: Any, sqs: Any, cloud: Cloud
) -> None:
    url, arn = queue(sqs, "good")
    create(lam, "ok", "ok")
    lam.put_function_event_invoke_config(
        FunctionName="ok", DestinationConfig=destinations(on_success=arn)
    )
    request_id = invoke_event(lam, "ok", {"n": 1})
    cloud.advance(1)
    [message] = messages(sqs, url)
    record = json.loads(message["Body"])
    assert list(record) == [
        "version", "timestamp", "requestContext", "requestPayload",
        "responseContext", "responsePayload",
    ]
    assert record["version"] == "1.0"
    assert ISO_MS.match(record["timestamp"])
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": function_arn("ok") + ":$LATEST",
        "condition": "Success",
        "approximateInvokeCount": 1,
    }
    assert record["requestPayload"] == {"n": 1}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"ok": True, "got": {"n": 1}}
    # DEST-6: no message attributes, the standard system attributes and a trace header
    assert "MessageAttributes" not in message
    assert message["Attributes"]["AWSTraceHeader"].startswith("Root=1-")
    [fate] = fates(cloud, "ok")
    assert fate["deliveries"] == [
        {"destination": "OnSuccess", "target": arn, "delivered": True,
         "message_id": message["MessageId"], "error": None}
    ]


def test_failure_record_after_retries_exhausted__DEST_3_ASYNC_6(
    lam: Any, sqs: Any, cloud: Cloud
) -> None:
    url, arn = queue(sqs, "bad")
    create(lam, "fail", "fail")
    lam.put_function_event_invoke_config(
        FunctionName="fail", DestinationConfig=destinations(on_failure=arn)
    )
    request_id = invoke_event(lam, "fail", {"raise_error": 1})
    cloud.advance(100)
    assert messages(sqs, url) == []  # not before the last retry failed
    cloud.advance(300)
    [message] = messages(sqs, url)
    record = json.loads(message["Body"])
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": function_arn("fail") + ":$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 3,
    }
    assert record["requestPayload"] == {"raise_error": 1}
    assert record["responseContext"] == {
        "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled",
    }
    error = record["responsePayload"]
    assert error["errorMessage"] == "Test exception (this is intentional)"
    assert error["errorType"] == "Exception"
    assert error["requestId"] == request_id
    assert error["stackTrace"]
    assert metric_sum(cloud, "AsyncEventsDropped", "fail") == 1  # also when delivered


def test_zero_reserved_concurrency_record_has_no_response__DEST_4_ASYNC_9(
    lam: Any, sqs: Any, cloud: Cloud
) -> None:
    url, arn = queue(sqs, "zero")
    create(lam, "off", "ok")
    lam.put_function_concurrency(FunctionName="off", ReservedConcurrentExecutions=0)
    lam.put_function_event_invoke_config(
        FunctionName="off", DestinationConfig=destinations(on_failure=arn)
    )
    invoke_event(lam, "off", {"x": 1})
    cloud.advance(0)  # DEST-14: delivered at once
    [message] = messages(sqs, url)
    record = json.loads(message["Body"])
    assert list(record) == ["version", "timestamp", "requestContext", "requestPayload"]
    assert record["requestContext"]["condition"] == "ZeroReservedConcurrency"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["requestPayload"] == {"x": 1}


def test_dead_letter_queue_gets_the_event_with_error_attributes__DEST_11(
    lam: Any, sqs: Any, cloud: Cloud
) -> None:
    url, arn = queue(sqs, "dlq")
    create(lam, "fail", "fail", DeadLetterConfig={"TargetArn": arn})
    payload = b'{"raise_error": 1}'
    response = lam.invoke(FunctionName="fail", InvocationType="Event", Payload=payload)
    request_id = response["ResponseMetadata"]["RequestId"]
    cloud.advance(400)
    [message] = messages(sqs, url)
    assert message["Body"] == payload.decode()
    assert message["MD5OfBody"] == "ba08269cbd0ce515889bfba6593731e1"  # SQS-5
    assert message["MessageAttributes"] == {
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {
            "DataType": "String", "StringValue": "Test exception (this is intentional)",
        },
        "RequestID": {"DataType": "String", "StringValue": request_id},
    }
    [fate] = fates(cloud, "fail")
    assert [d["destination"] for d in fate["deliveries"]] == ["DeadLetterQueue"]


def test_dead_letter_error_message_is_cut_to_1_kb__DEST_11(
    lam: Any, sqs: Any, cloud: Cloud
) -> None:
    url, arn = queue(sqs, "dlq")
    create(lam, "long", "fail_long", DeadLetterConfig={"TargetArn": arn})
    lam.put_function_event_invoke_config(FunctionName="long", MaximumRetryAttempts=0)
    invoke_event(lam, "long")
    cloud.advance(1)
    [message] = messages(sqs, url)
    text = message["MessageAttributes"]["ErrorMessage"]["StringValue"]
    assert text == "é" * 512 and len(text.encode()) == 1024


def test_dead_letter_queue_and_on_failure_both_receive__ASYNC_10(
    lam: Any, sqs: Any, cloud: Cloud
) -> None:
    dlq_url, dlq_arn = queue(sqs, "dlq")
    failures_url, failures_arn = queue(sqs, "failures")
    create(lam, "fail", "fail", DeadLetterConfig={"TargetArn": dlq_arn})
    lam.put_function_event_invoke_config(
        FunctionName="fail",
        MaximumRetryAttempts=0,
        DestinationConfig=destinations(on_failure=failures_arn),
    )
    invoke_event(lam, "fail")
    cloud.advance(1)
    assert len(messages(sqs, dlq_url)) == 1
    assert json.loads(messages(sqs, failures_url)[0]["Body"])["requestContext"]["condition"] == (
        "RetriesExhausted"
    )


def test_lambda_destination_is_invoked_async_with_the_record__DEST_8(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "ok", "ok")
    recorder_arn = create(lam, "recorder", "record")
    lam.put_function_event_invoke_config(
        FunctionName="ok", DestinationConfig=destinations(on_success=recorder_arn)
    )
    request_id = invoke_event(lam, "ok", {"n": 2})
    cloud.advance(1)
    [fate] = fates(cloud, "recorder")
    assert fate["condition"] == "Success"
    enqueued = [e for e in cloud.ledger(function="recorder") if e["kind"] == "enqueued"]
    assert enqueued[0]["source"] == f"destination of {request_id}"
    events = cloud.client("logs").filter_log_events(
        logGroupName="/aws/lambda/recorder", filterPattern="EVENT"
    )["events"]
    record = json.loads(events[0]["message"].removeprefix("EVENT "))
    assert record["requestContext"]["requestId"] == request_id
    assert record["responsePayload"] == {"ok": True, "got": {"n": 2}}


def test_failed_deliveries_are_counted_and_never_stop_the_engine__DEST_13_OBS_7(
    lam: Any, sqs: Any, cloud: Cloud
) -> None:
    missing = f"arn:aws:sqs:{REGION}:{ACCOUNT}:does-not-exist"
    _, fifo_arn = queue_fifo(sqs, "records.fifo")
    create(lam, "fail", "fail", DeadLetterConfig={"TargetArn": missing})
    lam.put_function_event_invoke_config(
        FunctionName="fail",
        MaximumRetryAttempts=0,
        DestinationConfig=destinations(on_failure=fifo_arn),  # DEST-1: FIFO is not allowed
    )
    invoke_event(lam, "fail")
    cloud.advance(1)
    [fate] = fates(cloud, "fail")
    assert [(d["destination"], d["delivered"]) for d in fate["deliveries"]] == [
        ("OnFailure", False), ("DeadLetterQueue", False)
    ]
    assert all(d["error"] for d in fate["deliveries"])
    assert metric_sum(cloud, "DestinationDeliveryFailures", "fail") == 1
    assert metric_sum(cloud, "DeadLetterErrors", "fail") == 1
    # the engine goes on serving
    create(lam, "ok", "ok")
    invoke_event(lam, "ok")
    cloud.advance(1)
    assert fates(cloud, "ok")[0]["condition"] == "Success"


def queue_fifo(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def test_event_age_exceeded_record_carries_the_last_error__DEST_3_ASYNC_7(
    lam: Any, sqs: Any, cloud: Cloud
) -> None:
    url, arn = queue(sqs, "aged")
    create(lam, "fail", "fail")
    lam.put_function_event_invoke_config(
        FunctionName="fail",
        MaximumEventAgeInSeconds=60,
        DestinationConfig=destinations(on_failure=arn),
    )
    invoke_event(lam, "fail")
    cloud.advance(1)
    [message] = messages(sqs, url)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responsePayload"]["errorType"] == "Exception"
    assert hashlib.md5(message["Body"].encode()).hexdigest() == message["MD5OfBody"]
