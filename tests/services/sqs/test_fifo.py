"""FIFO queues: group ordering and blocking, deduplication, sequence numbers, attempts."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.sqs.conftest import bodies, counts, make_queue, receive, unique
from tests.support import error_of


def fifo_queue(sqs: Any, **attributes: str) -> str:
    return make_queue(sqs, unique("fifo") + ".fifo", **attributes)


def send(sqs: Any, url: str, body: str, group: str = "g", dedup: str | None = None) -> Any:
    return sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageGroupId=group,
        MessageDeduplicationId=dedup or body,
    )


def test_messages_of_a_group_come_in_order(sqs: Any) -> None:
    url = fifo_queue(sqs)
    for i in range(5):
        send(sqs, url, f"m{i}")
    assert bodies(receive(sqs, url, MaxNumberOfMessages=3)) == ["m0", "m1", "m2"]


def test_a_group_is_blocked_while_it_has_a_message_in_flight(cloud: Cloud, sqs: Any) -> None:
    url = fifo_queue(sqs)
    for i in range(3):
        send(sqs, url, f"a{i}", group="a")
    send(sqs, url, "b0", group="b")
    [first] = receive(sqs, url, MaxNumberOfMessages=1)
    assert first["Body"] == "a0"
    # group a is blocked: only b comes, however many are asked for
    assert bodies(receive(sqs, url)) == ["b0"]
    assert receive(sqs, url) == []
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert bodies(receive(sqs, url)) == ["a1", "a2"]


def test_an_unacknowledged_message_comes_back_first(cloud: Cloud, sqs: Any) -> None:
    url = fifo_queue(sqs)
    for i in range(3):
        send(sqs, url, f"m{i}")
    assert bodies(receive(sqs, url, MaxNumberOfMessages=1)) == ["m0"]
    cloud.advance(30)
    assert bodies(receive(sqs, url)) == ["m0", "m1", "m2"]


def test_receive_takes_as_many_of_one_group_as_possible(sqs: Any) -> None:
    url = fifo_queue(sqs)
    for body, group in [("a0", "a"), ("b0", "b"), ("a1", "a"), ("b1", "b"), ("a2", "a")]:
        send(sqs, url, body, group=group)
    assert bodies(receive(sqs, url, MaxNumberOfMessages=4)) == ["a0", "a1", "a2", "b0"]


def test_messages_deleted_in_the_middle_of_a_batch(cloud: Cloud, sqs: Any) -> None:
    url = fifo_queue(sqs)
    for i in range(3):
        send(sqs, url, f"m{i}")
    messages = receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[1]["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[2]["ReceiptHandle"])
    assert receive(sqs, url) == []  # m0 still in flight blocks the group
    cloud.advance(30)
    assert bodies(receive(sqs, url)) == ["m0"]


def test_sequence_numbers_grow(sqs: Any) -> None:
    url = fifo_queue(sqs)
    numbers = [int(send(sqs, url, f"m{i}")["SequenceNumber"]) for i in range(3)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert all(len(str(n)) == 20 for n in numbers)


def test_system_attributes_of_a_fifo_queue__SQS_4(sqs: Any) -> None:
    url = fifo_queue(sqs)
    sent = send(sqs, url, "body", group="group-1", dedup="dedup-1")
    [message] = receive(sqs, url, AttributeNames=["All"])
    assert set(message["Attributes"]) == {
        "SenderId",
        "SentTimestamp",
        "ApproximateReceiveCount",
        "ApproximateFirstReceiveTimestamp",
        "MessageGroupId",
        "MessageDeduplicationId",
        "SequenceNumber",
    }
    assert message["Attributes"]["MessageGroupId"] == "group-1"
    assert message["Attributes"]["MessageDeduplicationId"] == "dedup-1"
    assert message["Attributes"]["SequenceNumber"] == sent["SequenceNumber"]


def test_duplicates_within_five_minutes_are_accepted_but_not_delivered(
    cloud: Cloud, sqs: Any
) -> None:
    url = fifo_queue(sqs)
    first = send(sqs, url, "one", dedup="d")
    again = send(sqs, url, "one again", dedup="d")
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    [message] = receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    cloud.advance(299)
    send(sqs, url, "still a duplicate", dedup="d")  # even after the original was deleted
    assert receive(sqs, url) == []
    cloud.advance(1)
    fresh = send(sqs, url, "new", dedup="d")
    assert fresh["MessageId"] != first["MessageId"]
    assert bodies(receive(sqs, url)) == ["new"]


def test_content_based_deduplication(sqs: Any) -> None:
    url = fifo_queue(sqs, ContentBasedDeduplication="true")
    first = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="a")
    again = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="b")
    sqs.send_message(QueueUrl=url, MessageBody="other", MessageGroupId="a")
    assert again["MessageId"] == first["MessageId"]
    [message, other] = receive(sqs, url, AttributeNames=["All"])
    # SHA-256 of the body
    assert message["Attributes"]["MessageDeduplicationId"] == (
        "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5"
    )
    assert other["Body"] == "other"


def test_deduplication_scope_message_group(sqs: Any) -> None:
    url = fifo_queue(sqs, DeduplicationScope="messageGroup")
    first = send(sqs, url, "x", group="a", dedup="d")
    other_group = send(sqs, url, "y", group="b", dedup="d")
    same_group = send(sqs, url, "z", group="a", dedup="d")
    assert other_group["MessageId"] != first["MessageId"]
    assert same_group["MessageId"] == first["MessageId"]
    assert sorted(bodies(receive(sqs, url))) == ["x", "y"]


def test_fifo_send_errors(sqs: Any) -> None:
    url = fifo_queue(sqs)
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert error_of(exc) == (
        "MissingParameter",
        "The request must contain the parameter MessageGroupId.",
    )
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert error_of(exc) == (
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly",
    )
    with pytest.raises(ClientError) as exc:
        sqs.send_message(
            QueueUrl=url,
            MessageBody="x",
            MessageGroupId="g",
            MessageDeduplicationId="d",
            DelaySeconds=2,
        )
    assert error_of(exc) == (
        "InvalidParameterValue",
        "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter "
        "that is not valid for this queue type.",
    )
    with pytest.raises(ClientError) as exc:
        send(sqs, url, "x", group="bad group")
    assert error_of(exc) == (
        "InvalidParameterValue",
        "Value bad group for parameter MessageGroupId is invalid. Reason: MessageGroupId can "
        "only include alphanumeric and punctuation characters. 1 to 128 in length.",
    )
    # DelaySeconds=0 is allowed
    sqs.send_message(
        QueueUrl=url,
        MessageBody="x",
        MessageGroupId="g",
        MessageDeduplicationId="d",
        DelaySeconds=0,
    )


def test_queue_delay_applies_to_fifo_messages(cloud: Cloud, sqs: Any) -> None:
    url = fifo_queue(sqs, DelaySeconds="10")
    send(sqs, url, "m0")
    assert counts(sqs, url) == (0, 0, 1)
    assert receive(sqs, url) == []
    cloud.advance(10)
    assert bodies(receive(sqs, url)) == ["m0"]


def test_fifo_batch_needs_group_ids_for_every_entry(sqs: Any) -> None:
    url = fifo_queue(sqs)
    with pytest.raises(ClientError) as exc:
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[
                {
                    "Id": "1",
                    "MessageBody": "a",
                    "MessageGroupId": "g",
                    "MessageDeduplicationId": "1",
                },
                {"Id": "2", "MessageBody": "b", "MessageDeduplicationId": "2"},
            ],
        )
    assert error_of(exc) == (
        "InvalidParameterValue",
        "The request must contain the parameter MessageGroupId.",
    )
    with pytest.raises(ClientError) as exc:
        sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "a", "MessageGroupId": "g"}]
        )
    assert error_of(exc)[1].startswith("The queue should either have ContentBasedDeduplication")
    assert counts(sqs, url) == (0, 0, 0)


def test_fifo_batch_keeps_entry_order(sqs: Any) -> None:
    url = fifo_queue(sqs, ContentBasedDeduplication="true")
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": str(i), "MessageBody": f"m{i}", "MessageGroupId": "g"} for i in range(10)],
    )
    numbers = [int(s["SequenceNumber"]) for s in result["Successful"]]
    assert numbers == sorted(numbers)
    assert bodies(receive(sqs, url)) == [f"m{i}" for i in range(10)]


def test_expired_receipt_handle_cannot_delete(cloud: Cloud, sqs: Any) -> None:
    url = fifo_queue(sqs)
    send(sqs, url, "g1-m1")
    [message] = receive(sqs, url)
    cloud.advance(30)
    with pytest.raises(ClientError) as exc:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert error_of(exc) == (
        "InvalidParameterValue",
        f"Value {message['ReceiptHandle']} for parameter ReceiptHandle is invalid. Reason: The "
        "receipt handle has expired.",
    )
    assert counts(sqs, url) == (1, 0, 0)


def test_receive_request_attempt_id_repeats_a_receive(cloud: Cloud, sqs: Any) -> None:
    url = fifo_queue(sqs)
    for i in range(3):
        send(sqs, url, f"m{i}")
    first = receive(sqs, url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
    cloud.advance(20)
    retried = receive(sqs, url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
    assert [m["ReceiptHandle"] for m in retried] == [m["ReceiptHandle"] for m in first]
    # the retry reset the visibility timeout: 29 s later still hidden, 30 s later back
    cloud.advance(29)
    assert receive(sqs, url) == []
    cloud.advance(1)
    assert bodies(receive(sqs, url, ReceiveRequestAttemptId="attempt-2")) == ["m0", "m1", "m2"]
    # after a change to its messages an attempt id receives anew
    cloud.advance(30)
    assert bodies(receive(sqs, url, MaxNumberOfMessages=1, ReceiveRequestAttemptId="a3")) == ["m0"]
