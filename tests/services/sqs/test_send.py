"""SendMessage and SendMessageBatch: checksums, attributes, limits, per-entry failures."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.sqs.conftest import bodies, counts, make_queue, receive
from tests.support import error_of

#: [recorded] localstack test_sqs.snapshot.json test_receive_message_message_attribute_names_filters
JEDI = {
    "General": {"DataType": "String", "StringValue": "Kenobi"},
    "Hello": {"DataType": "String", "StringValue": "There"},
    "Help.Me": {"DataType": "String", "StringValue": "Me"},
}


def test_send_message_answers_md5_of_body__SQS_5(sqs: Any) -> None:
    url = make_queue(sqs)
    sent = sqs.send_message(QueueUrl=url, MessageBody='{"raise_error": 1}')
    assert sent["MD5OfMessageBody"] == "ba08269cbd0ce515889bfba6593731e1"
    assert "MD5OfMessageAttributes" not in sent
    assert "SequenceNumber" not in sent
    [message] = receive(sqs, url)
    assert message["MessageId"] == sent["MessageId"]
    assert message["MD5OfBody"] == "ba08269cbd0ce515889bfba6593731e1"
    assert "MD5OfMessageAttributes" not in message


def test_md5_of_message_attributes__SQS_5(sqs: Any) -> None:
    url = make_queue(sqs)
    sent = sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=JEDI)
    assert sent["MD5OfMessageAttributes"] == "4c360f3fdafd970e05fae2f149d997f5"
    foo = {"Foo": {"DataType": "String", "StringValue": "Bar"}}
    sent = sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=foo)
    assert sent["MD5OfMessageAttributes"] == "ae7155c6026991b6d54b11589678bf9c"


def test_message_attributes_of_every_type_round_trip__SQS_7(sqs: Any) -> None:
    url = make_queue(sqs)
    attributes = {
        "text": {"DataType": "String", "StringValue": "héllo"},
        "count": {"DataType": "Number", "StringValue": "-12.5e3"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
        "custom": {"DataType": "String.json", "StringValue": "{}"},
        "id": {"DataType": "Number.int", "StringValue": "7"},
    }
    sent = sqs.send_message(QueueUrl=url, MessageBody="typed", MessageAttributes=attributes)
    [message] = receive(sqs, url, MessageAttributeNames=["All"])
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]


def test_aws_trace_header_system_attribute__SQS_4(sqs: Any) -> None:
    url = make_queue(sqs)
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="traced",
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": trace}},
    )
    assert len(sent["MD5OfMessageSystemAttributes"]) == 32
    [message] = receive(sqs, url, MessageSystemAttributeNames=["All"])
    assert message["Attributes"]["AWSTraceHeader"] == trace


def test_body_with_characters_sqs_refuses(sqs: Any) -> None:
    url = make_queue(sqs)
    for body in ("bell \x07", "nul \x00", "\ufffe"):
        with pytest.raises(ClientError) as exc:
            sqs.send_message(QueueUrl=url, MessageBody=body)
        assert error_of(exc) == (
            "InvalidMessageContents",
            "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to "
            "#xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
        )
    # tabs, newlines, astral characters are fine
    sqs.send_message(QueueUrl=url, MessageBody="tab\tnl\ncr\r 😀 \ud7ff \ue000")
    assert counts(sqs, url) == (1, 0, 0)


def test_empty_body_is_refused(sqs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=make_queue(sqs), MessageBody="")
    assert error_of(exc) == (
        "MissingParameter",
        "The request must contain the parameter MessageBody.",
    )


def test_message_size_counts_body_and_attributes(sqs: Any) -> None:
    url = make_queue(sqs, MaximumMessageSize="1024")
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    too_long = (
        "InvalidParameterValue",
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
    )
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert error_of(exc) == too_long
    # "a" (1) + "String" (6) + "v" (1) = 8 bytes of attributes
    attribute = {"a": {"DataType": "String", "StringValue": "v"}}
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1016, MessageAttributes=attribute)
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1017, MessageAttributes=attribute)
    assert error_of(exc) == too_long
    # UTF-8 bytes count, not characters
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=url, MessageBody="é" * 513)


def test_default_maximum_message_size_is_1_mib(sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1_048_576)
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1_048_577)
    assert error_of(exc)[1].endswith("Message must be shorter than 1048576 bytes.")


@pytest.mark.parametrize(
    ("attributes", "fragment"),
    [
        ({f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}, "[11]"),
        ({"AWS.x": {"DataType": "String", "StringValue": "v"}}, "AWS.x"),
        ({"amazon.x": {"DataType": "String", "StringValue": "v"}}, "amazon.x"),
        ({".dot": {"DataType": "String", "StringValue": "v"}}, ".dot"),
        ({"a..b": {"DataType": "String", "StringValue": "v"}}, "a..b"),
        ({"sp ace": {"DataType": "String", "StringValue": "v"}}, "sp ace"),
        ({"n": {"DataType": "Number", "StringValue": "twelve"}}, "number"),
        ({"t": {"DataType": "Text", "StringValue": "v"}}, "type"),
        ({"e": {"DataType": "String", "StringValue": ""}}, "'e'"),
        ({"b": {"DataType": "Binary", "StringValue": "v"}}, "'b'"),
    ],
)
def test_invalid_message_attributes(sqs: Any, attributes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=make_queue(sqs), MessageBody="x", MessageAttributes=attributes)
    code, message = error_of(exc)
    assert code == "InvalidParameterValue"
    assert fragment in message


def test_delay_seconds_per_message_and_queue(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, DelaySeconds="20")
    sqs.send_message(QueueUrl=url, MessageBody="queue-delay")
    sqs.send_message(QueueUrl=url, MessageBody="own-delay", DelaySeconds=5)
    sqs.send_message(QueueUrl=url, MessageBody="no-delay", DelaySeconds=0)
    assert bodies(receive(sqs, url)) == ["no-delay"]
    assert counts(sqs, url) == (0, 1, 2)
    cloud.advance(5)
    assert bodies(receive(sqs, url)) == ["own-delay"]
    cloud.advance(15)
    assert bodies(receive(sqs, url)) == ["queue-delay"]
    for bad in (-1, 901):
        with pytest.raises(ClientError) as exc:
            sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=bad)
        assert error_of(exc) == (
            "InvalidParameterValue",
            f"Value {bad} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be "
            ">= 0 and <= 900",
        )


def test_deduplication_id_is_only_for_fifo_queues(sqs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=make_queue(sqs), MessageBody="x", MessageDeduplicationId="d")
    assert error_of(exc) == (
        "InvalidParameterValue",
        "Value d for parameter MessageDeduplicationId is invalid. Reason: The request includes "
        "a parameter that is not valid for this queue type.",
    )


def test_message_group_id_on_a_standard_queue_is_kept(sqs: Any) -> None:
    """Standard queues accept MessageGroupId (fair queues)."""
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="tenant-1")
    [message] = receive(sqs, url, MessageSystemAttributeNames=["MessageGroupId"])
    assert message["Attributes"] == {"MessageGroupId": "tenant-1"}


def test_sending_to_a_missing_queue(sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    assert error_of(exc)[0] == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl="no-queue-here", MessageBody="x")
    assert error_of(exc)[0] == "InvalidAddress"


# -- batches --------------------------------------------------------------------------------


def test_send_message_batch(sqs: Any) -> None:
    url = make_queue(sqs)
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "1", "MessageBody": "msg", "MessageAttributes": JEDI},
            {"Id": "two", "MessageBody": '{"raise_error": 1}', "DelaySeconds": 1},
        ],
    )
    assert result["Failed"] == []
    first, second = result["Successful"]
    assert (first["Id"], first["MD5OfMessageAttributes"]) == (
        "1",
        "4c360f3fdafd970e05fae2f149d997f5",
    )
    assert (second["Id"], second["MD5OfMessageBody"]) == (
        "two",
        "ba08269cbd0ce515889bfba6593731e1",
    )
    assert first["MessageId"] != second["MessageId"]
    assert counts(sqs, url) == (1, 0, 1)


def test_send_message_batch_reports_failures_per_entry(sqs: Any) -> None:
    url = make_queue(sqs)
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "MessageBody": "fine"},
            {"Id": "bad-chars", "MessageBody": "\x01"},
            {"Id": "bad-delay", "MessageBody": "x", "DelaySeconds": 1000},
            {"Id": "ok2", "MessageBody": "fine too"},
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["ok", "ok2"]
    failed = {f["Id"]: f for f in result["Failed"]}
    assert failed["bad-chars"]["Code"] == "InvalidMessageContents"
    assert failed["bad-chars"]["SenderFault"] is True
    assert failed["bad-delay"]["Code"] == "InvalidParameterValue"
    assert "DelaySeconds" in failed["bad-delay"]["Message"]
    assert sorted(bodies(receive(sqs, url))) == ["fine", "fine too"]


def test_batch_request_errors(sqs: Any) -> None:
    url = make_queue(sqs)
    cases = [
        (
            [],
            (
                "AWS.SimpleQueueService.EmptyBatchRequest",
                "There should be at least one SendMessageBatchRequestEntry in the request.",
            ),
        ),
        (
            [{"Id": str(i), "MessageBody": "x"} for i in range(11)],
            (
                "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                "Maximum number of entries per request are 10. You have sent 11.",
            ),
        ),
        (
            [{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}],
            ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id a repeated."),
        ),
    ]
    for entries, expected in cases:
        with pytest.raises(ClientError) as exc:
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        assert error_of(exc) == expected
    for bad_id in ("", "invalid:id", "x" * 81):
        with pytest.raises(ClientError) as exc:
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": bad_id, "MessageBody": "x"}])
        assert error_of(exc) == (
            "AWS.SimpleQueueService.InvalidBatchEntryId",
            "A batch entry id can only contain alphanumeric characters, hyphens and "
            "underscores. It can be at most 80 letters long.",
        )
    assert counts(sqs, url) == (0, 0, 0)


def test_batch_longer_than_1_mib_is_refused(sqs: Any) -> None:
    url = make_queue(sqs)
    entries = [
        {"Id": "a", "MessageBody": "x" * 524_288},
        {"Id": "b", "MessageBody": "x" * 524_289},
    ]
    with pytest.raises(ClientError) as exc:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert error_of(exc) == (
        "AWS.SimpleQueueService.BatchRequestTooLong",
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.",
    )
    entries[1]["MessageBody"] = "x" * 524_288
    assert len(sqs.send_message_batch(QueueUrl=url, Entries=entries)["Successful"]) == 2


def test_batch_to_a_missing_queue(sqs: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message_batch(
            QueueUrl=make_queue(sqs).replace("/q-", "/gone-"),
            Entries=[{"Id": "a", "MessageBody": "x"}],
        )
