"""The event a function gets from an SQS mapping: ``{"Records": [...]}`` (SQSM-2..4)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

#: system attributes a record carries, in the order AWS lists them (SQSM-2, SQSM-4)
_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "AWSTraceHeader",
    "SentTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "SenderId",
    "MessageDeduplicationId",
    "ApproximateFirstReceiveTimestamp",
)


def record(message: Mapping[str, Any], *, queue_arn: str, region: str) -> dict[str, Any]:
    """One record from a message as the SQS service's ``receive`` returns it."""
    system = message.get("Attributes") or {}
    out: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {name: str(system[name]) for name in _ATTRIBUTES if name in system},
        "messageAttributes": {
            name: _attribute(value)
            for name, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        # SQSM-3: present only when the message has attributes
        out["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return out


def _attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    """SQSM-3: lower-camel keys and the (always empty) list members."""
    out: dict[str, Any] = {}
    if "StringValue" in value:
        out["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        binary = value["BinaryValue"]
        out["binaryValue"] = (
            base64.b64encode(binary).decode() if isinstance(binary, bytes) else str(binary)
        )
    out["stringListValues"] = []
    out["binaryListValues"] = []
    out["dataType"] = value["DataType"]
    return out


def event(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Records": list(records)}
