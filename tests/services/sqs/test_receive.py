"""ReceiveMessage, visibility (SQS-1), receive counts (SQS-2), attributes (SQS-4, SQS-7),
DeleteMessage and ChangeMessageVisibility."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.sqs.conftest import ACCOUNT, bodies, counts, make_queue, receive
from tests.services.sqs.test_send import JEDI
from tests.support import error_of, status_of


def test_receive_returns_messages_oldest_first(sqs: Any) -> None:
    url = make_queue(sqs)
    for i in range(15):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i:02}")
    assert bodies(receive(sqs, url)) == [f"m{i:02}" for i in range(10)]
    assert bodies(receive(sqs, url)) == [f"m{i:02}" for i in range(10, 15)]
    assert receive(sqs, url) == []
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_receive_one_message_by_default(sqs: Any) -> None:
    url = make_queue(sqs)
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    assert len(sqs.receive_message(QueueUrl=url)["Messages"]) == 1


@pytest.mark.parametrize("count", [0, 11])
def test_max_number_of_messages_is_1_to_10(sqs: Any, count: int) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.receive_message(QueueUrl=make_queue(sqs), MaxNumberOfMessages=count)
    assert error_of(exc) == (
        "InvalidParameterValue",
        f"Value {count} for parameter MaxNumberOfMessages is invalid. Reason: Must be between "
        "1 and 10, if provided.",
    )


def test_visibility_timeout_hides_a_received_message__SQS_1(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="once")
    assert bodies(receive(sqs, url)) == ["once"]
    assert receive(sqs, url) == []
    cloud.advance(29.9)
    assert receive(sqs, url) == []
    cloud.advance(0.1)
    assert bodies(receive(sqs, url)) == ["once"]


def test_visibility_timeout_per_queue_and_per_receive__SQS_1(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, VisibilityTimeout="100")
    sqs.send_message(QueueUrl=url, MessageBody="a")
    sqs.send_message(QueueUrl=url, MessageBody="b")
    assert bodies(receive(sqs, url, MaxNumberOfMessages=1)) == ["a"]
    assert bodies(receive(sqs, url, MaxNumberOfMessages=1, VisibilityTimeout=10)) == ["b"]
    cloud.advance(10)
    assert bodies(receive(sqs, url, VisibilityTimeout=0)) == ["b"]
    # a zero visibility timeout leaves the message visible
    assert bodies(receive(sqs, url, VisibilityTimeout=5)) == ["b"]
    cloud.advance(90)
    assert bodies(receive(sqs, url)) == ["a", "b"]
    with pytest.raises(ClientError) as exc:
        sqs.receive_message(QueueUrl=url, VisibilityTimeout=43201)
    assert error_of(exc)[0] == "InvalidParameterValue"


def test_receive_count_increments__SQS_2(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sent = sqs.send_message(QueueUrl=url, MessageBody="retry me")
    sent_at = int(cloud.now() * 1000)
    cloud.advance(5)
    first_at = int(cloud.now() * 1000)
    [first] = receive(sqs, url, MessageSystemAttributeNames=["All"])
    cloud.advance(30)
    [second] = receive(sqs, url, MessageSystemAttributeNames=["All"])
    assert first["MessageId"] == second["MessageId"] == sent["MessageId"]
    assert first["ReceiptHandle"] != second["ReceiptHandle"]
    assert first["Attributes"]["ApproximateReceiveCount"] == "1"
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    for message in (first, second):
        assert abs(int(message["Attributes"]["SentTimestamp"]) - sent_at) <= 1
        assert abs(int(message["Attributes"]["ApproximateFirstReceiveTimestamp"]) - first_at) <= 1


def test_system_attributes_of_a_standard_queue__SQS_4(sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url, AttributeNames=["All"], VisibilityTimeout=0)
    assert set(message["Attributes"]) == {
        "SenderId",
        "SentTimestamp",
        "ApproximateReceiveCount",
        "ApproximateFirstReceiveTimestamp",
    }
    assert message["Attributes"]["SenderId"] == ACCOUNT
    [message] = receive(
        sqs, url, MessageSystemAttributeNames=["SenderId", "ApproximateReceiveCount"]
    )
    assert message["Attributes"] == {"SenderId": ACCOUNT, "ApproximateReceiveCount": "2"}
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    assert "Attributes" not in receive(sqs, url)[0]


def test_message_attribute_names_select_attributes__SQS_7(sqs: Any) -> None:
    """Selections and their MD5s as recorded from AWS (test_sqs.snapshot.json)."""
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=JEDI)

    def pick(names: list[str] | None) -> dict[str, Any]:
        params = {} if names is None else {"MessageAttributeNames": names}
        [message] = receive(sqs, url, VisibilityTimeout=0, **params)
        return message

    assert "MessageAttributes" not in pick(None)
    for names in (["All"], [".*"]):
        message = pick(names)
        assert message["MessageAttributes"] == JEDI
        assert message["MD5OfMessageAttributes"] == "4c360f3fdafd970e05fae2f149d997f5"
    assert "MessageAttributes" not in pick(["Foo"])
    assert pick(["General", "Hello"])["MD5OfMessageAttributes"] == (
        "fca026605781cb4126a1e9044df24232"
    )
    assert pick(["Hello", "Missing"])["MD5OfMessageAttributes"] == (
        "a311262e065454b75da111d535b8dacd"
    )
    prefixed = pick(["Hel.*"])
    assert set(prefixed["MessageAttributes"]) == {"Hello", "Help.Me"}
    assert prefixed["MD5OfMessageAttributes"] == "83fee93c1bcd8b9a5a923ffacdc636c7"


def test_binary_attribute_md5(sqs: Any) -> None:
    url = make_queue(sqs)
    value = b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="test",
        MessageAttributes={"attr1": {"DataType": "Binary", "BinaryValue": value}},
    )
    [message] = receive(sqs, url, MessageAttributeNames=["All"])
    assert message["MessageAttributes"]["attr1"]["BinaryValue"] == value
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]


# -- DeleteMessage --------------------------------------------------------------------------


def test_delete_message(sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    assert counts(sqs, url) == (0, 1, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert counts(sqs, url) == (0, 0, 0)
    # deleting again is a success
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@pytest.mark.parametrize(
    "handle", ["garbage", "", "aGVsbG8=", base64.b64encode(b"1:2:3:4:5").decode()]
)
def test_delete_with_a_handle_that_is_not_one(sqs: Any, handle: str) -> None:
    url = make_queue(sqs)
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as exc:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    assert error_of(exc) == (
        "ReceiptHandleIsInvalid",
        f'The input receipt handle "{handle}" is not a valid receipt handle.',
    )
    assert status_of(exc) == 404


def test_handle_of_another_queue_is_invalid(sqs: Any) -> None:
    first, second = make_queue(sqs), make_queue(sqs)
    sqs.send_message(QueueUrl=first, MessageBody="x")
    [message] = receive(sqs, first)
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=second, ReceiptHandle=message["ReceiptHandle"])


def test_delete_with_an_old_handle_keeps_the_message(cloud: Cloud, sqs: Any) -> None:
    """DeleteMessage API reference: with a handle older than the latest receive "the request
    succeeds, but the message will not be deleted"."""
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [old] = receive(sqs, url)
    cloud.advance(30)
    [new] = receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=old["ReceiptHandle"])
    assert counts(sqs, url) == (0, 1, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=new["ReceiptHandle"])
    assert counts(sqs, url) == (0, 0, 0)


def test_latest_handle_deletes_after_the_visibility_timeout(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    cloud.advance(31)
    assert counts(sqs, url) == (1, 0, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert counts(sqs, url) == (0, 0, 0)


def test_delete_message_batch(sqs: Any) -> None:
    url = make_queue(sqs)
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    handles = [m["ReceiptHandle"] for m in receive(sqs, url)]
    result = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": handles[0]},
            {"Id": "bad", "ReceiptHandle": "fake-receipt-handle"},
            {"Id": "b", "ReceiptHandle": handles[1]},
        ],
    )
    assert result["Successful"] == [{"Id": "a"}, {"Id": "b"}]
    assert result["Failed"] == [
        {
            "Id": "bad",
            "SenderFault": True,
            "Code": "ReceiptHandleIsInvalid",
            "Message": 'The input receipt handle "fake-receipt-handle" is not a valid receipt '
            "handle.",
        }
    ]
    assert counts(sqs, url) == (0, 1, 0)
    with pytest.raises(ClientError) as exc:
        sqs.delete_message_batch(QueueUrl=url, Entries=[])
    assert error_of(exc) == (
        "AWS.SimpleQueueService.EmptyBatchRequest",
        "There should be at least one DeleteMessageBatchRequestEntry in the request.",
    )
    with pytest.raises(ClientError) as exc:
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": handles[2]} for i in range(20)],
        )
    assert error_of(exc) == (
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        "Maximum number of entries per request are 10. You have sent 20.",
    )


# -- ChangeMessageVisibility ----------------------------------------------------------------


def test_change_visibility_extends_or_ends_the_timeout__SQS_1(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    cloud.advance(20)
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=60
    )
    cloud.advance(59)
    assert receive(sqs, url) == []
    cloud.advance(1)
    [again] = receive(sqs, url)
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=0
    )
    assert counts(sqs, url) == (1, 0, 0)
    assert bodies(receive(sqs, url)) == ["x"]


def test_twelve_hours_count_from_the_receive__SQS_1(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url, VisibilityTimeout=43200)
    handle = message["ReceiptHandle"]
    cloud.advance(3600)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=39600)
    with pytest.raises(ClientError) as exc:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=39601)
    assert error_of(exc) == (
        "InvalidParameterValue",
        "Value 39601 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout "
        "for the message is beyond the limit [43200 seconds]",
    )
    with pytest.raises(ClientError) as exc:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=-1)
    assert error_of(exc)[0] == "InvalidParameterValue"


def test_change_visibility_of_a_message_not_in_flight(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    cloud.advance(30)
    with pytest.raises(sqs.exceptions.MessageNotInflight) as exc:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=10
        )
    assert error_of(exc) == (
        "AWS.SimpleQueueService.MessageNotInflight",
        "The specified message isn't in flight.",
    )
    [again] = receive(sqs, url)
    with pytest.raises(sqs.exceptions.MessageNotInflight):  # the older handle
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=10
        )
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    with pytest.raises(ClientError) as exc:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=10
        )
    assert error_of(exc) == (
        "InvalidParameterValue",
        f"Value {again['ReceiptHandle']} for parameter ReceiptHandle is invalid. Reason: "
        "Message does not exist or is not available for visibility timeout change.",
    )
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle="junk", VisibilityTimeout=10)


def test_change_message_visibility_batch(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    for i in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    first, second = receive(sqs, url)
    result = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "long", "ReceiptHandle": first["ReceiptHandle"], "VisibilityTimeout": 300},
            {"Id": "now", "ReceiptHandle": second["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "junk", "ReceiptHandle": "junk", "VisibilityTimeout": 0},
        ],
    )
    assert result["Successful"] == [{"Id": "long"}, {"Id": "now"}]
    assert [(f["Id"], f["Code"]) for f in result["Failed"]] == [("junk", "ReceiptHandleIsInvalid")]
    assert bodies(receive(sqs, url)) == ["1"]
    cloud.advance(300)
    result = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[{"Id": "gone", "ReceiptHandle": first["ReceiptHandle"], "VisibilityTimeout": 5}],
    )
    assert [(f["Id"], f["Code"]) for f in result["Failed"]] == [
        ("gone", "AWS.SimpleQueueService.MessageNotInflight")
    ]


def test_in_flight_quota(cloud: Cloud, sqs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the in-flight quota a short poll gets OverLimit, a long poll nothing (quotas-queues)."""
    from redrive.services.sqs import constants

    monkeypatch.setattr(constants, "MAX_INFLIGHT_MESSAGES", 2)
    url = make_queue(sqs)
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    assert len(receive(sqs, url, MaxNumberOfMessages=2)) == 2
    with pytest.raises(ClientError) as exc:
        sqs.receive_message(QueueUrl=url)
    assert error_of(exc)[0] == "OverLimit"
    assert status_of(exc) == 403
    start = cloud.now()
    assert receive(sqs, url, WaitTimeSeconds=20) == []  # no error on a long poll
    assert cloud.now() - start == pytest.approx(20, abs=1e-3)
    # a long poll waits until in-flight messages come back, then receives again
    assert len(receive(sqs, url, WaitTimeSeconds=20, MaxNumberOfMessages=2)) == 2
    assert cloud.now() - start == pytest.approx(30, abs=2e-3)


def test_attribute_names_takes_system_attribute_names__SQS_4(sqs: Any) -> None:
    """The deprecated AttributeNames member still names message system attributes."""
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = sqs.receive_message(
        QueueUrl=url, AttributeNames=["SentTimestamp", "ApproximateReceiveCount"]
    )["Messages"]
    assert set(message["Attributes"]) == {"SentTimestamp", "ApproximateReceiveCount"}
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
