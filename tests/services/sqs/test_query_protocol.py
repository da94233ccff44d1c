"""SQS over the query protocol (AWS CLI v1, older SDKs), end to end through the server."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from redrive import Cloud
from tests.services.sqs.conftest import make_queue

_AUTH = (
    "AWS4-HMAC-SHA256 Credential=redrive/20240101/us-east-1/sqs/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


def post(cloud: Cloud, params: dict[str, str], path: str = "/") -> tuple[int, str]:
    request = urllib.request.Request(
        cloud.endpoint_url + path,
        data=urllib.parse.urlencode({"Version": "2012-11-05", **params}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": _AUTH},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_send_and_receive_over_the_query_protocol(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    status, body = post(
        cloud,
        {
            "Action": "SendMessage",
            "QueueUrl": url,
            "MessageBody": "over query",
            "MessageAttribute.1.Name": "a",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.1.Value.StringValue": "x",
        },
    )
    assert status == 200
    assert (
        "<MD5OfMessageAttributes>a512aac9938034acb0b3c3d965944bf1</MD5OfMessageAttributes>" in body
    )
    status, body = post(
        cloud,
        {
            "Action": "ReceiveMessage",
            "QueueUrl": url,
            "AttributeName.1": "All",
            "MessageAttributeName.1": "All",
        },
    )
    assert status == 200
    assert "<Body>over query</Body>" in body
    assert "<Name>ApproximateReceiveCount</Name><Value>1</Value>" in body


def test_query_errors_carry_the_legacy_code(cloud: Cloud) -> None:
    status, body = post(cloud, {"Action": "GetQueueUrl", "QueueName": "no-such-queue"})
    assert status == 400
    assert "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in body
