"""The interface other services use (Lambda destinations and DLQs, event source mappings)."""

from __future__ import annotations

from typing import Any

import pytest

from redrive import Cloud
from redrive.errors import ServiceError
from tests.services.sqs.conftest import (
    arn,
    bodies,
    counts,
    in_engine,
    make_queue,
    name_of,
    receive,
    service_of,
    unique,
)
from tests.support import on_loop


def test_deliver_sends_a_message(sqs: Any, cloud: Cloud) -> None:
    url = make_queue(sqs)
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793"
    message_id = in_engine(
        cloud,
        lambda svc: svc.deliver(
            arn(name_of(url)),
            '{"requestContext": {}}',
            message_attributes={"ErrorCode": {"DataType": "Number", "StringValue": "200"}},
            system_attributes={"AWSTraceHeader": {"DataType": "String", "StringValue": trace}},
        ),
    )
    [message] = receive(sqs, url, AttributeNames=["All"], MessageAttributeNames=["All"])
    assert message["MessageId"] == message_id
    assert message["Body"] == '{"requestContext": {}}'
    assert message["MessageAttributes"] == {
        "ErrorCode": {"DataType": "Number", "StringValue": "200"}
    }
    assert message["Attributes"]["AWSTraceHeader"] == trace


def test_deliver_refuses_what_send_message_refuses(sqs: Any, cloud: Cloud) -> None:
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.deliver(arn("missing"), "x"))
    assert exc.value.code == "QueueDoesNotExist"
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.deliver("not-an-arn", "x"))
    assert exc.value.code == "QueueDoesNotExist"
    fifo = make_queue(sqs, unique() + ".fifo", ContentBasedDeduplication="true")
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.deliver(arn(name_of(fifo)), "x"))
    assert exc.value.code == "MissingParameter"
    in_engine(cloud, lambda svc: svc.deliver(arn(name_of(fifo)), "x", group_id="g"))
    small = make_queue(sqs, MaximumMessageSize="1024")
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.deliver(arn(name_of(small)), "x" * 1025))
    assert exc.value.code == "InvalidParameterValue"
    assert counts(sqs, small) == (0, 0, 0)


def test_receive_delete_and_change_visibility(sqs: Any, cloud: Cloud) -> None:
    url = make_queue(sqs)
    queue = arn(name_of(url))
    sqs.send_message(
        QueueUrl=url,
        MessageBody="polled",
        MessageAttributes={"a": {"DataType": "String", "StringValue": "1"}},
    )
    sqs.send_message(QueueUrl=url, MessageBody="second")
    found: list[dict[str, Any]] = in_engine(cloud, lambda svc: svc.receive(queue, 10, 60))
    assert bodies(found) == ["polled", "second"]
    first = found[0]
    assert set(first["Attributes"]) >= {
        "SenderId",
        "SentTimestamp",
        "ApproximateReceiveCount",
        "ApproximateFirstReceiveTimestamp",
    }
    assert first["MessageAttributes"] == {"a": {"DataType": "String", "StringValue": "1"}}
    assert first["MD5OfMessageAttributes"]
    attrs = in_engine(cloud, lambda svc: svc.queue_attributes(queue))
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "2"
    assert attrs["QueueArn"] == queue
    in_engine(cloud, lambda svc: svc.delete(queue, first["ReceiptHandle"]))
    in_engine(cloud, lambda svc: svc.change_visibility(queue, found[1]["ReceiptHandle"], 0))
    assert counts(sqs, url) == (1, 0, 0)
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.delete(queue, "junk"))
    assert exc.value.code == "ReceiptHandleIsInvalid"


def test_when_available_resolves_at_once_on_send_or_when_due(sqs: Any, cloud: Cloud) -> None:
    url = make_queue(sqs)
    queue = arn(name_of(url))
    service = service_of(cloud)
    scheduler = cloud.engine.platform.scheduler

    async def wait(timeout: float) -> tuple[bool, float]:
        start = scheduler.now()
        future = service.when_available(queue)
        try:
            done = await scheduler.run_until(future, timeout=timeout)
        finally:
            future.cancel()
        return done, scheduler.now() - start

    assert on_loop(cloud, wait(60)) == (False, 60)
    sqs.send_message(QueueUrl=url, MessageBody="ready")
    assert on_loop(cloud, wait(60)) == (True, 0)
    receive(sqs, url, VisibilityTimeout=45)
    done, waited = on_loop(cloud, wait(60))
    assert done and waited == pytest.approx(45, abs=2e-3)

    async def send_while_waiting() -> bool:
        future = service.when_available(queue)
        assert not future.done()
        service.deliver(queue, "pushed")
        return await scheduler.run_until(future, timeout=60)

    receive(sqs, url, VisibilityTimeout=300)
    assert on_loop(cloud, send_while_waiting()) is True
    with pytest.raises(ServiceError):
        in_engine(cloud, lambda svc: svc.when_available(arn("missing")))
