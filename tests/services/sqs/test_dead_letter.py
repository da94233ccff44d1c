"""Dead-letter queues (SQS-3) and redrive out of them with message move tasks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.sqs.conftest import arn, bodies, counts, make_queue, name_of, receive, unique
from tests.support import error_of, status_of


def with_dlq(sqs: Any, max_receive_count: int = 2, fifo: bool = False) -> tuple[str, str]:
    """(source url, dead-letter queue url)."""
    suffix = ".fifo" if fifo else ""
    dlq = make_queue(sqs, unique("dlq") + suffix)
    policy = json.dumps(
        {"deadLetterTargetArn": arn(name_of(dlq)), "maxReceiveCount": max_receive_count}
    )
    source = make_queue(sqs, unique("src") + suffix, RedrivePolicy=policy, VisibilityTimeout="10")
    return source, dlq


def test_message_moves_on_the_receive_past_max_receive_count__SQS_3(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=2)
    sent = sqs.send_message(
        QueueUrl=source,
        MessageBody='{"raise_error": 1}',
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
    )
    sent_at = None
    for expected in ("1", "2"):
        [message] = receive(sqs, source, AttributeNames=["All"])
        assert message["Attributes"]["ApproximateReceiveCount"] == expected
        sent_at = message["Attributes"]["SentTimestamp"]
        cloud.advance(10)
    assert counts(sqs, dlq) == (0, 0, 0)  # moved only by the third receive
    assert receive(sqs, source) == []
    assert counts(sqs, source) == (0, 0, 0)
    [dead] = receive(sqs, dlq, AttributeNames=["All"], MessageAttributeNames=["All"])
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Body"] == '{"raise_error": 1}'
    assert dead["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert dead["Attributes"]["SentTimestamp"] == sent_at
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == arn(name_of(source))
    assert dead["Attributes"]["ApproximateReceiveCount"] == "3"


def test_only_messages_past_the_count_move(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1)
    sqs.send_message(QueueUrl=source, MessageBody="old")
    receive(sqs, source)
    cloud.advance(10)
    sqs.send_message(QueueUrl=source, MessageBody="new")
    assert bodies(receive(sqs, source)) == ["new"]
    assert bodies(receive(sqs, dlq)) == ["old"]


def test_fifo_dead_letter_queue(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1, fifo=True)
    for i in range(2):
        sqs.send_message(
            QueueUrl=source, MessageBody=f"m{i}", MessageGroupId="g", MessageDeduplicationId=str(i)
        )
    assert bodies(receive(sqs, source, MaxNumberOfMessages=1)) == ["m0"]
    cloud.advance(10)
    # m0 goes to the DLQ and the group's next message comes
    assert bodies(receive(sqs, source, MaxNumberOfMessages=1)) == ["m1"]
    [dead] = receive(sqs, dlq, AttributeNames=["All"])
    assert dead["Body"] == "m0"
    assert dead["Attributes"]["MessageGroupId"] == "g"


def test_no_move_when_the_dead_letter_queue_is_gone(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1)
    sqs.send_message(QueueUrl=source, MessageBody="stays")
    receive(sqs, source)
    sqs.delete_queue(QueueUrl=dlq)
    cloud.advance(10)
    assert bodies(receive(sqs, source)) == ["stays"]


def test_retention_in_the_dlq_counts_from_the_original_send__SQS_6(cloud: Cloud, sqs: Any) -> None:
    dlq = make_queue(sqs, MessageRetentionPeriod="120")
    policy = json.dumps({"deadLetterTargetArn": arn(name_of(dlq)), "maxReceiveCount": 1})
    source = make_queue(sqs, RedrivePolicy=policy, VisibilityTimeout="60")
    sqs.send_message(QueueUrl=source, MessageBody="aging")
    receive(sqs, source)
    cloud.advance(60)
    assert receive(sqs, source) == []  # moved
    assert counts(sqs, dlq) == (1, 0, 0)
    cloud.advance(59)
    assert counts(sqs, dlq) == (1, 0, 0)
    cloud.advance(1)  # 120 s after the original send
    assert counts(sqs, dlq) == (0, 0, 0)
    assert receive(sqs, dlq) == []


# -- message move tasks ---------------------------------------------------------------------


def dead_letters(cloud: Cloud, sqs: Any, source: str, count: int) -> None:
    """Send ``count`` messages to ``source`` and let all of them reach its DLQ."""
    for start in range(0, count, 10):
        sqs.send_message_batch(
            QueueUrl=source,
            Entries=[
                {"Id": str(i), "MessageBody": f"m{i:03}"}
                for i in range(start, min(count, start + 10))
            ],
        )
    while receive(sqs, source):
        pass
    cloud.advance(10)
    assert receive(sqs, source) == []


def test_move_task_redrives_back_to_the_source(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1)
    dead_letters(cloud, sqs, source, 5)
    assert counts(sqs, dlq) == (5, 0, 0)
    started = cloud.now()
    handle = sqs.start_message_move_task(SourceArn=arn(name_of(dlq)))["TaskHandle"]
    assert counts(sqs, dlq) == (0, 0, 0)  # the first step runs at once
    [task] = sqs.list_message_move_tasks(SourceArn=arn(name_of(dlq)))["Results"]
    assert task == {
        "Status": "COMPLETED",
        "SourceArn": arn(name_of(dlq)),
        "ApproximateNumberOfMessagesMoved": 5,
        "ApproximateNumberOfMessagesToMove": 5,
        "StartedTimestamp": task["StartedTimestamp"],
    }
    assert abs(task["StartedTimestamp"] - started * 1000) <= 1
    moved = receive(sqs, source, AttributeNames=["All"])
    assert sorted(bodies(moved)) == [f"m{i:03}" for i in range(5)]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in moved} == {"1"}
    with pytest.raises(ClientError) as exc:
        sqs.cancel_message_move_task(TaskHandle=handle)
    assert error_of(exc)[0] == "InvalidParameterValue"


def test_move_task_rate_holds_in_emulated_time(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1)
    destination = make_queue(sqs)
    dead_letters(cloud, sqs, source, 25)
    sqs.start_message_move_task(
        SourceArn=arn(name_of(dlq)),
        DestinationArn=arn(name_of(destination)),
        MaxNumberOfMessagesPerSecond=10,
    )
    assert counts(sqs, destination)[0] == 10
    [task] = sqs.list_message_move_tasks(SourceArn=arn(name_of(dlq)))["Results"]
    assert task["Status"] == "RUNNING"
    assert task["MaxNumberOfMessagesPerSecond"] == 10
    assert task["DestinationArn"] == arn(name_of(destination))
    assert task["TaskHandle"]
    cloud.advance(1)
    assert counts(sqs, destination)[0] == 20
    cloud.advance(1)
    assert counts(sqs, destination)[0] == 25
    [task] = sqs.list_message_move_tasks(SourceArn=arn(name_of(dlq)))["Results"]
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 25)
    assert receive(sqs, source) == []


def test_cancel_a_move_task(cloud: Cloud, sqs: Any) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=1)
    dead_letters(cloud, sqs, source, 12)
    dlq_arn = arn(name_of(dlq))
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=5)[
        "TaskHandle"
    ]
    with pytest.raises(ClientError) as exc:
        sqs.start_message_move_task(SourceArn=dlq_arn)
    assert error_of(exc) == (
        "InvalidParameterValue",
        "There is already a task running. Only one active task is allowed for a source queue "
        "arn at a given time.",
    )
    assert sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"] == 5
    cloud.advance(5)
    assert counts(sqs, dlq) == (7, 0, 0)
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert task["Status"] == "CANCELLED"
    # a new task may start; the list shows the newest first
    sqs.start_message_move_task(SourceArn=dlq_arn)
    tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
    assert [t["Status"] for t in tasks] == ["COMPLETED", "CANCELLED"]
    assert counts(sqs, dlq) == (0, 0, 0)


def test_move_task_errors(sqs: Any) -> None:
    plain = make_queue(sqs)
    with pytest.raises(ClientError) as exc:
        sqs.start_message_move_task(SourceArn=arn(name_of(plain)))
    assert error_of(exc) == (
        "InvalidParameterValue",
        "Source queue must be configured as a Dead Letter Queue.",
    )
    with pytest.raises(ClientError) as exc:
        sqs.start_message_move_task(SourceArn=arn("missing"))
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "The resource that you specified for the SourceArn parameter doesn't exist.",
    )
    assert status_of(exc) == 404
    _, dlq = with_dlq(sqs)
    with pytest.raises(ClientError) as exc:
        sqs.start_message_move_task(SourceArn=arn(name_of(dlq)), DestinationArn=arn("missing"))
    assert error_of(exc)[1] == (
        "The resource that you specified for the DestinationArn parameter doesn't exist."
    )
    with pytest.raises(ClientError) as exc:
        sqs.start_message_move_task(SourceArn=arn(name_of(dlq)), MaxNumberOfMessagesPerSecond=501)
    assert error_of(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        sqs.list_message_move_tasks(SourceArn=arn("missing"))
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        sqs.cancel_message_move_task(TaskHandle="not-a-handle")
    assert error_of(exc) == ("InvalidParameterValue", "Value for parameter TaskHandle is invalid.")
    assert sqs.list_message_move_tasks(SourceArn=arn(name_of(dlq)))["Results"] == []
