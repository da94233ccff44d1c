"""SQS over the query protocol, as older SDKs and AWS CLI v1 speak it.

botocore's SQS model is JSON now and lost the query names (redrive.wire.quirks.QUERY_NAMES,
QUERY_ERROR_CODES), so these requests and responses are written by hand rather than made by
botocore: in the layout of the query examples of the Amazon SQS API Reference (2012-11-05
editions: ``Attribute.1.Name``, ``SendMessageBatchRequestEntry.1.Id``; ``<Message>``,
``<Attribute>``, ``<SendMessageBatchResultEntry>``), of the SQS Developer Guide ("Making
query API requests using AWS query protocol": a request sent to the queue URL, without
``QueueUrl``; "Interpreting Amazon SQS XML API responses": ``<ErrorResponse>``), with values
modelled on theirs.

Requests parse into the params a JSON client would have sent; responses are checked as XML
and read back by botocore's own ``QueryParser`` with the query names applied.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.awsrequest import AWSRequest

from redrive.errors import ServiceError
from redrive.wire import specs
from redrive.wire.dispatch import Call, dispatch
from redrive.wire.http import HttpRequest, HttpResponse
from redrive.wire.protocols import get_protocol
from redrive.wire.router import route
from tests.wire.botocore_io import botocore_parse, http_request, operation, sign_v4

pytest.importorskip("redrive.wire.protocols.query")

PROTOCOL = get_protocol("query")
HOST = "localhost:4566"
QUEUE_PATH = "/000000000000/MyQueue"
QUEUE_URL = f"http://{HOST}{QUEUE_PATH}"
NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _request(action: str, fields: Mapping[str, str], path: str = "/") -> HttpRequest:
    """A POST as AWS CLI v1 sends it: form-encoded, Action and Version first."""
    body = urlencode({"Action": action, "Version": "2012-11-05", **fields}).encode()
    return HttpRequest("POST", path, "", {"host": HOST, "content-type": FORM}, body)


def parse(action: str, fields: Mapping[str, str], path: str = "/") -> dict[str, Any]:
    return PROTOCOL.parse_request(operation("sqs", action), _request(action, fields, path), {})


def respond(action: str, output: Mapping[str, Any]) -> str:
    return PROTOCOL.serialize_response(operation("sqs", action), output, "rid").body.decode()


def read_back(action: str, body: str) -> dict[str, Any]:
    """What an old (query-protocol) botocore client makes of ``body``."""
    query_op = specs.query_model(specs.service_model("sqs")).operation_model(action)
    response = HttpResponse(200, {"Content-Type": "text/xml"}, body.encode())
    parsed = botocore_parse(query_op, response, "query")
    parsed.pop("ResponseMetadata")
    return parsed


def wrapped(action: str, result: str) -> str:
    return (
        f'<{action}Response xmlns="{NAMESPACE}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></{action}Response>"
    )


# --- requests ------------------------------------------------------------------------------


def test_create_queue_attributes_and_tags() -> None:
    assert parse(
        "CreateQueue",
        {
            "QueueName": "MyQueue",
            "Attribute.1.Name": "DelaySeconds",
            "Attribute.1.Value": "45",
            "Attribute.2.Name": "VisibilityTimeout",
            "Attribute.2.Value": "40",
            "Tag.1.Key": "team",
            "Tag.1.Value": "core",
        },
    ) == {
        "QueueName": "MyQueue",
        "Attributes": {"DelaySeconds": "45", "VisibilityTimeout": "40"},
        "tags": {"team": "core"},
    }


def test_send_message_posted_to_the_queue_url() -> None:
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    parsed = parse(
        "SendMessage",
        {
            "MessageBody": "This is a test message",
            "DelaySeconds": "5",
            "MessageAttribute.1.Name": "my_attribute_name_1",
            "MessageAttribute.1.Value.StringValue": "my_attribute_value_1",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.2.Name": "raw",
            "MessageAttribute.2.Value.BinaryValue": base64.b64encode(b"\x00\x01").decode(),
            "MessageAttribute.2.Value.DataType": "Binary",
            "MessageSystemAttribute.1.Name": "AWSTraceHeader",
            "MessageSystemAttribute.1.Value.StringValue": trace,
            "MessageSystemAttribute.1.Value.DataType": "String",
        },
        path=QUEUE_PATH,
    )
    assert parsed == {
        "QueueUrl": QUEUE_URL,
        "MessageBody": "This is a test message",
        "DelaySeconds": 5,
        "MessageAttributes": {
            "my_attribute_name_1": {"StringValue": "my_attribute_value_1", "DataType": "String"},
            "raw": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
        },
        "MessageSystemAttributes": {
            "AWSTraceHeader": {"StringValue": trace, "DataType": "String"},
        },
    }


def test_receive_message_attribute_names() -> None:
    # AttributeNames and MessageSystemAttributeNames are both AttributeName.N on the query
    # wire; the values go to the first, as a JSON client's --attribute-names would
    assert parse(
        "ReceiveMessage",
        {
            "QueueUrl": QUEUE_URL,
            "AttributeName.1": "All",
            "MessageAttributeName.1": "color",
            "MessageAttributeName.2": "size",
            "MaxNumberOfMessages": "5",
            "VisibilityTimeout": "15",
            "WaitTimeSeconds": "20",
        },
    ) == {
        "QueueUrl": QUEUE_URL,
        "AttributeNames": ["All"],
        "MessageAttributeNames": ["color", "size"],
        "MaxNumberOfMessages": 5,
        "VisibilityTimeout": 15,
        "WaitTimeSeconds": 20,
    }


def test_send_message_batch_entries() -> None:
    assert parse(
        "SendMessageBatch",
        {
            "SendMessageBatchRequestEntry.1.Id": "test_msg_001",
            "SendMessageBatchRequestEntry.1.MessageBody": "test message body 1",
            "SendMessageBatchRequestEntry.2.Id": "test_msg_002",
            "SendMessageBatchRequestEntry.2.MessageBody": "test message body 2",
            "SendMessageBatchRequestEntry.2.DelaySeconds": "60",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Name": "test_attribute_name_1",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue": "v1",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType": "String",
        },
        path=QUEUE_PATH,
    ) == {
        "QueueUrl": QUEUE_URL,
        "Entries": [
            {"Id": "test_msg_001", "MessageBody": "test message body 1"},
            {
                "Id": "test_msg_002",
                "MessageBody": "test message body 2",
                "DelaySeconds": 60,
                "MessageAttributes": {
                    "test_attribute_name_1": {"StringValue": "v1", "DataType": "String"}
                },
            },
        ],
    }


def test_delete_and_change_visibility_batches() -> None:
    assert parse(
        "DeleteMessageBatch",
        {
            "DeleteMessageBatchRequestEntry.1.Id": "msg1",
            "DeleteMessageBatchRequestEntry.1.ReceiptHandle": "gfk0T0R0waama4fVFffkjPQrrvzMr+Og=",
            "DeleteMessageBatchRequestEntry.2.Id": "msg2",
            "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "handle-2",
        },
        path=QUEUE_PATH,
    ) == {
        "QueueUrl": QUEUE_URL,
        "Entries": [
            {"Id": "msg1", "ReceiptHandle": "gfk0T0R0waama4fVFffkjPQrrvzMr+Og="},
            {"Id": "msg2", "ReceiptHandle": "handle-2"},
        ],
    }
    assert parse(
        "ChangeMessageVisibilityBatch",
        {
            "ChangeMessageVisibilityBatchRequestEntry.1.Id": "change_visibility_msg_2",
            "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": "h2",
            "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "45",
            "ChangeMessageVisibilityBatchRequestEntry.2.Id": "change_visibility_msg_3",
            "ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle": "h3",
            "ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout": "45",
        },
        path=QUEUE_PATH,
    ) == {
        "QueueUrl": QUEUE_URL,
        "Entries": [
            {"Id": "change_visibility_msg_2", "ReceiptHandle": "h2", "VisibilityTimeout": 45},
            {"Id": "change_visibility_msg_3", "ReceiptHandle": "h3", "VisibilityTimeout": 45},
        ],
    }


def test_queue_attributes_get_and_set() -> None:
    assert parse(
        "GetQueueAttributes", {"AttributeName.1": "VisibilityTimeout", "AttributeName.2": "Policy"}
    ) == {"AttributeNames": ["VisibilityTimeout", "Policy"]}
    assert parse(
        "SetQueueAttributes",
        {"QueueUrl": QUEUE_URL, "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "35"},
    ) == {"QueueUrl": QUEUE_URL, "Attributes": {"VisibilityTimeout": "35"}}


def test_tags_and_permissions() -> None:
    tagged = parse(
        "TagQueue",
        {
            "Tag.1.Key": "QueueType",
            "Tag.1.Value": "Production",
            "Tag.2.Key": "Owner",
            "Tag.2.Value": "Developer123",
        },
        path=QUEUE_PATH,
    )
    assert tagged == {
        "QueueUrl": QUEUE_URL,
        "Tags": {"QueueType": "Production", "Owner": "Developer123"},
    }
    assert parse("UntagQueue", {"TagKey.1": "QueueType", "TagKey.2": "Owner"}, QUEUE_PATH) == {
        "QueueUrl": QUEUE_URL,
        "TagKeys": ["QueueType", "Owner"],
    }
    assert parse(
        "AddPermission",
        {
            "Label": "MyLabel",
            "AWSAccountId.1": "177715257436",
            "AWSAccountId.2": "111111111111",
            "ActionName.1": "SendMessage",
            "ActionName.2": "ReceiveMessage",
        },
        QUEUE_PATH,
    ) == {
        "QueueUrl": QUEUE_URL,
        "Label": "MyLabel",
        "AWSAccountIds": ["177715257436", "111111111111"],
        "Actions": ["SendMessage", "ReceiveMessage"],
    }


def test_queue_url_parameter_wins_over_the_path() -> None:
    other = "http://localhost:4566/000000000000/Other"
    assert parse("PurgeQueue", {"QueueUrl": other}, QUEUE_PATH) == {"QueueUrl": other}
    assert parse("PurgeQueue", {}, QUEUE_PATH + "/") == {"QueueUrl": QUEUE_URL}


def test_queue_url_is_not_made_up() -> None:
    assert parse("PurgeQueue", {}) == {}  # posted to "/": validation says it is missing
    # ListQueues has no QueueUrl member, whatever the path
    assert parse("ListQueues", {"QueueNamePrefix": "My"}, QUEUE_PATH) == {"QueueNamePrefix": "My"}


def test_a_get_to_the_queue_url() -> None:
    query = urlencode({"Action": "SendMessage", "MessageBody": "Your message text"})
    request = HttpRequest("GET", QUEUE_PATH, query, {"host": HOST})
    assert PROTOCOL.parse_request(operation("sqs", "SendMessage"), request, {}) == {
        "QueueUrl": QUEUE_URL,
        "MessageBody": "Your message text",
    }


# --- routing and dispatch of a request to the queue URL ------------------------------------


def test_a_post_to_the_queue_url_is_routed_to_sqs() -> None:
    request = _request("SendMessage", {"MessageBody": "hi"}, QUEUE_PATH)
    found = route(request, ("logs", "cloudwatch", "sqs"))
    assert (found.service_name, found.operation_name, found.protocol) == (
        "sqs",
        "SendMessage",
        "query",
    )


def test_a_signed_post_to_the_queue_url_is_routed_to_sqs() -> None:
    body = urlencode({"Action": "ReceiveMessage", "Version": "2012-11-05"}).encode()
    aws = AWSRequest("POST", f"http://{HOST}{QUEUE_PATH}", {"Content-Type": FORM}, body)
    sign_v4(aws, "sqs", "eu-west-1")
    found = route(http_request(aws.prepare()), ("logs",))
    assert (found.service_name, found.operation_name, found.region) == (
        "sqs",
        "ReceiveMessage",
        "eu-west-1",
    )


class _Recorder:
    services: Collection[str] = ("sqs",)

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def implements(self, service: str, operation: str) -> bool:
        return service == "sqs"

    async def call(self, call: Call) -> Mapping[str, Any]:
        self.calls.append(call)
        if call.operation == "PurgeQueue":
            raise ServiceError("QueueDoesNotExist", "The specified queue does not exist.")
        return {"MessageId": "m-1", "MD5OfMessageBody": "0e024d309850c78cba5eabbeff7cae71"}


def test_dispatch_fills_the_queue_url_and_answers_in_xml() -> None:
    backend = _Recorder()
    request = _request("SendMessage", {"MessageBody": "hi"}, QUEUE_PATH)
    response = asyncio.run(dispatch(request, backend, "rid"))
    assert response.status == 200
    assert backend.calls[0].params == {"QueueUrl": QUEUE_URL, "MessageBody": "hi"}
    assert response.body.decode() == wrapped(
        "SendMessage",
        "<MD5OfMessageBody>0e024d309850c78cba5eabbeff7cae71</MD5OfMessageBody>"
        "<MessageId>m-1</MessageId>",
    )


def test_dispatch_answers_the_legacy_error_code() -> None:
    response = asyncio.run(dispatch(_request("PurgeQueue", {}, QUEUE_PATH), _Recorder(), "rid"))
    assert response.status == 400
    assert response.body.decode() == (
        f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type>'
        "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
        "<Message>The specified queue does not exist.</Message></Error>"
        "<RequestId>rid</RequestId></ErrorResponse>"
    )


# --- responses -----------------------------------------------------------------------------


def test_create_queue_response() -> None:
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/MyQueue"
    body = respond("CreateQueue", {"QueueUrl": url})
    assert body == wrapped("CreateQueue", f"<QueueUrl>{url}</QueueUrl>")
    assert read_back("CreateQueue", body) == {"QueueUrl": url}


def test_receive_message_response() -> None:
    output = {
        "Messages": [
            {
                "MessageId": "5fea7756-0ea4-451a-a703-a558b933e274",
                "ReceiptHandle": "MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+C",
                "MD5OfBody": "fafb00f5732ab283681e124bf8747ed1",
                "Body": "This is a test message",
                "Attributes": {"SenderId": "195004372649", "ApproximateReceiveCount": "5"},
                "MD5OfMessageAttributes": "d25a6aea97eb8f585bfa92d314504a92",
                "MessageAttributes": {
                    "test_attribute_name_1": {
                        "StringValue": "test_attribute_value_1",
                        "DataType": "String",
                    },
                    "raw": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
                },
            },
            {"MessageId": "m2", "ReceiptHandle": "r2", "MD5OfBody": "x", "Body": "second"},
        ]
    }
    body = respond("ReceiveMessage", output)
    assert body == wrapped(
        "ReceiveMessage",
        "<Message>"
        "<MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId>"
        "<ReceiptHandle>MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+C"
        "</ReceiptHandle>"
        "<MD5OfBody>fafb00f5732ab283681e124bf8747ed1</MD5OfBody>"
        "<Body>This is a test message</Body>"
        "<Attribute><Name>SenderId</Name><Value>195004372649</Value></Attribute>"
        "<Attribute><Name>ApproximateReceiveCount</Name><Value>5</Value></Attribute>"
        "<MD5OfMessageAttributes>d25a6aea97eb8f585bfa92d314504a92</MD5OfMessageAttributes>"
        "<MessageAttribute><Name>test_attribute_name_1</Name><Value>"
        "<StringValue>test_attribute_value_1</StringValue><DataType>String</DataType>"
        "</Value></MessageAttribute>"
        "<MessageAttribute><Name>raw</Name><Value>"
        "<BinaryValue>AAE=</BinaryValue><DataType>Binary</DataType>"
        "</Value></MessageAttribute>"
        "</Message>"
        "<Message><MessageId>m2</MessageId><ReceiptHandle>r2</ReceiptHandle>"
        "<MD5OfBody>x</MD5OfBody><Body>second</Body></Message>",
    )
    assert read_back("ReceiveMessage", body) == output


def test_receive_message_with_no_messages() -> None:
    body = respond("ReceiveMessage", {"Messages": []})
    assert body == wrapped("ReceiveMessage", "")
    assert read_back("ReceiveMessage", body) == {}


def test_get_queue_attributes_response() -> None:
    output = {"Attributes": {"VisibilityTimeout": "30", "DelaySeconds": "0"}}
    body = respond("GetQueueAttributes", output)
    assert body == wrapped(
        "GetQueueAttributes",
        "<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>"
        "<Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute>",
    )
    assert read_back("GetQueueAttributes", body) == output


def test_list_queues_and_dead_letter_sources() -> None:
    urls = [f"https://sqs.us-east-2.amazonaws.com/123456789012/{n}" for n in ("a", "b")]
    body = respond("ListQueues", {"QueueUrls": urls})
    assert body == wrapped("ListQueues", "".join(f"<QueueUrl>{u}</QueueUrl>" for u in urls))
    assert read_back("ListQueues", body) == {"QueueUrls": urls}
    body = respond("ListDeadLetterSourceQueues", {"queueUrls": urls[:1], "NextToken": "t"})
    assert body == wrapped(
        "ListDeadLetterSourceQueues", f"<QueueUrl>{urls[0]}</QueueUrl><NextToken>t</NextToken>"
    )
    assert read_back("ListDeadLetterSourceQueues", body) == {
        "queueUrls": urls[:1],
        "NextToken": "t",
    }


def test_list_queue_tags_response() -> None:
    output = {"Tags": {"QueueType": "Production", "Owner": "Developer123"}}
    body = respond("ListQueueTags", output)
    assert body == wrapped(
        "ListQueueTags",
        "<Tag><Key>QueueType</Key><Value>Production</Value></Tag>"
        "<Tag><Key>Owner</Key><Value>Developer123</Value></Tag>",
    )
    assert read_back("ListQueueTags", body) == output


def test_send_message_batch_response_with_a_failure() -> None:
    output = {
        "Successful": [
            {
                "Id": "test_msg_001",
                "MessageId": "0a5231c7-8bff-4955-be2e-8dc7c50a25fa",
                "MD5OfMessageBody": "0e024d309850c78cba5eabbeff7cae71",
            }
        ],
        "Failed": [
            {
                "Id": "test_msg_002",
                "SenderFault": True,
                "Code": "InvalidParameterValue",
                "Message": "Value for parameter DelaySeconds is invalid.",
            }
        ],
    }
    body = respond("SendMessageBatch", output)
    assert body == wrapped(
        "SendMessageBatch",
        "<SendMessageBatchResultEntry><Id>test_msg_001</Id>"
        "<MessageId>0a5231c7-8bff-4955-be2e-8dc7c50a25fa</MessageId>"
        "<MD5OfMessageBody>0e024d309850c78cba5eabbeff7cae71</MD5OfMessageBody>"
        "</SendMessageBatchResultEntry>"
        "<BatchResultErrorEntry><Id>test_msg_002</Id><SenderFault>true</SenderFault>"
        "<Code>InvalidParameterValue</Code>"
        "<Message>Value for parameter DelaySeconds is invalid.</Message>"
        "</BatchResultErrorEntry>",
    )
    assert read_back("SendMessageBatch", body) == output


def test_delete_and_change_visibility_batch_responses() -> None:
    body = respond("DeleteMessageBatch", {"Successful": [{"Id": "msg1"}, {"Id": "msg2"}]})
    assert body == wrapped(
        "DeleteMessageBatch",
        "<DeleteMessageBatchResultEntry><Id>msg1</Id></DeleteMessageBatchResultEntry>"
        "<DeleteMessageBatchResultEntry><Id>msg2</Id></DeleteMessageBatchResultEntry>",
    )
    body = respond("ChangeMessageVisibilityBatch", {"Successful": [{"Id": "c1"}], "Failed": []})
    assert body == wrapped(
        "ChangeMessageVisibilityBatch",
        "<ChangeMessageVisibilityBatchResultEntry><Id>c1</Id>"
        "</ChangeMessageVisibilityBatchResultEntry>",
    )


def test_output_less_response() -> None:
    body = respond("DeleteQueue", {})
    assert body == (
        f'<DeleteQueueResponse xmlns="{NAMESPACE}">'
        "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteQueueResponse>"
    )


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        ("QueueDoesNotExist", 400, "AWS.SimpleQueueService.NonExistentQueue"),
        ("AWS.SimpleQueueService.NonExistentQueue", 400, "AWS.SimpleQueueService.NonExistentQueue"),
        ("QueueNameExists", 400, "QueueAlreadyExists"),
        ("QueueDeletedRecently", 400, "AWS.SimpleQueueService.QueueDeletedRecently"),
        ("PurgeQueueInProgress", 403, "AWS.SimpleQueueService.PurgeQueueInProgress"),
        ("MessageNotInflight", 400, "AWS.SimpleQueueService.MessageNotInflight"),
        ("BatchEntryIdsNotDistinct", 400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"),
        ("EmptyBatchRequest", 400, "AWS.SimpleQueueService.EmptyBatchRequest"),
        (
            "TooManyEntriesInBatchRequest",
            400,
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        ),
        ("InvalidBatchEntryId", 400, "AWS.SimpleQueueService.InvalidBatchEntryId"),
        ("BatchRequestTooLong", 400, "AWS.SimpleQueueService.BatchRequestTooLong"),
        ("UnsupportedOperation", 400, "AWS.SimpleQueueService.UnsupportedOperation"),
        ("ReceiptHandleIsInvalid", 404, "ReceiptHandleIsInvalid"),
        ("OverLimit", 403, "OverLimit"),
        ("KmsThrottled", 400, "KMS.ThrottlingException"),
        ("InvalidParameterValue", 400, "InvalidParameterValue"),  # generic: unchanged
    ],
)
def test_error_code_is_the_legacy_query_code(raised: str, status: int, code: str) -> None:
    service = specs.service_model("sqs")
    response = PROTOCOL.serialize_error(service, ServiceError(raised, "m", status), "rid")
    assert response.status == status
    assert f"<Code>{code}</Code>" in response.body.decode()
    parsed = botocore_parse(operation("sqs", "ListQueues"), response, "query")
    assert parsed["Error"] == {"Type": "Sender", "Code": code, "Message": "m"}
