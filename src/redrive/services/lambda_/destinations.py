"""Sending an async event's fate: OnSuccess / OnFailure destinations and the dead-letter queue.

Deliveries go through the target service's public interface, inside the transaction that
ends the event, so the event leaves the queue exactly when its record is delivered:

* an SQS queue: ``SqsService.deliver`` (DEST-6 record as body; DEST-11 event as body with
  ErrorCode / ErrorMessage / RequestID attributes for a dead-letter queue);
* a Lambda function: an asynchronous invocation of it with the record as its event (DEST-8).

A delivery that fails (missing queue or function, FIFO queue, oversized record) is counted as
``DestinationDeliveryFailures`` or ``DeadLetterErrors`` (DEST-13, OBS-7) and noted in the
ledger; it never stops the engine. FIFO queues are refused by AWS as destinations (DEST-1).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from redrive.errors import ServiceError
from redrive.services._base import Platform

if TYPE_CHECKING:
    from redrive.services.lambda_.async_queue import AsyncQueue

ON_SUCCESS = "OnSuccess"
ON_FAILURE = "OnFailure"
DEAD_LETTER = "DeadLetterQueue"


class MessageSink(Protocol):
    """The part of the SQS service destinations use."""

    def deliver(
        self,
        queue_arn: str,
        body: str,
        *,
        message_attributes: dict[str, dict[str, str]] | None = None,
        system_attributes: dict[str, dict[str, str]] | None = None,
    ) -> str: ...


@dataclass(frozen=True)
class Delivery:
    """One send of a fate: where, whether it arrived, and what the target said."""

    destination: str  # OnSuccess, OnFailure or DeadLetterQueue
    target: str
    delivered: bool
    message_id: str | None = None
    error: str | None = None

    def as_ledger(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "target": self.target,
            "delivered": self.delivered,
            "message_id": self.message_id,
            "error": self.error,
        }


def arn_service(arn: str) -> str:
    """The service part of an ARN (``sqs``, ``lambda`` ...), or '' if it is no ARN."""
    parts = arn.split(":")
    return parts[2] if len(parts) >= 6 and parts[0] == "arn" else ""


def send_record(
    platform: Platform,
    queue: AsyncQueue,
    destination: str,
    target: str,
    record: dict[str, Any],
    *,
    account: str,
    region: str,
    trace_header: str,
) -> Delivery:
    """Send an invocation record of a function in ``account`` / ``region`` to ``target``
    (DEST-6, DEST-8)."""
    body = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    service = arn_service(target)
    try:
        if service == "sqs":
            message_id = _sqs(platform, target, body, None, trace_header)
            return Delivery(destination, target, True, message_id=message_id)
        if service == "lambda":
            request_id = queue.enqueue_destination(
                account,
                region,
                target,
                body.encode(),
                source_request_id=record["requestContext"]["requestId"],
            )
            return Delivery(destination, target, True, message_id=request_id)
        raise ServiceError("InvalidParameterValueException", f"unsupported destination {target}")
    except ServiceError as exc:
        return Delivery(destination, target, False, error=f"{exc.code}: {exc.message}")


def send_dead_letter(
    platform: Platform,
    target: str,
    payload: bytes,
    attributes: dict[str, dict[str, str]],
    *,
    trace_header: str,
) -> Delivery:
    """Send the event as submitted to the dead-letter queue ``target`` (DEST-11)."""
    try:
        if arn_service(target) != "sqs":
            raise ServiceError(
                "InvalidParameterValueException", f"unsupported dead-letter target {target}"
            )
        body = payload.decode("utf-8", errors="replace")
        message_id = _sqs(platform, target, body, attributes, trace_header)
        return Delivery(DEAD_LETTER, target, True, message_id=message_id)
    except ServiceError as exc:
        return Delivery(DEAD_LETTER, target, False, error=f"{exc.code}: {exc.message}")


def _sqs(
    platform: Platform,
    queue_arn: str,
    body: str,
    attributes: dict[str, dict[str, str]] | None,
    trace_header: str,
) -> str:
    if queue_arn.endswith(".fifo"):
        raise ServiceError(
            "InvalidParameterValueException",
            f"FIFO queue {queue_arn} cannot be the destination of asynchronous invocations",
        )
    if "sqs" not in platform.services:
        raise ServiceError("ServiceUnavailable", "the SQS service is not running")
    sink = cast(MessageSink, platform.service("sqs"))
    system = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace_header}}
    return sink.deliver(queue_arn, body, message_attributes=attributes, system_attributes=system)
