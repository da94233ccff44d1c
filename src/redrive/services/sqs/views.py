"""Messages and queue attributes as the API returns them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redrive.services.sqs import content
from redrive.services.sqs.md5 import md5_of_attributes
from redrive.services.sqs.messages import Messages
from redrive.services.sqs.state import Counts, Doc, Queue

#: every system attribute ReceiveMessage can return, in the order redrive lists them
SYSTEM_ATTRIBUTES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "AWSTraceHeader",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "DeadLetterQueueSourceArn",
)


def system_attribute_names(*lists: Iterable[str] | None) -> frozenset[str]:
    """The system attributes asked for by ``AttributeNames`` and
    ``MessageSystemAttributeNames`` together (``All`` means every one)."""
    names: set[str] = set()
    for names_list in lists:
        names.update(names_list or ())
    if "All" in names:
        return frozenset(SYSTEM_ATTRIBUTES)
    return frozenset(names & set(SYSTEM_ATTRIBUTES))


def system_attributes(meta: Doc, body: Doc) -> dict[str, str]:
    """Every system attribute a message has (SQS-2, SQS-4)."""
    values = {
        "SenderId": str(meta["snd"]),
        "SentTimestamp": str(meta["sent"]),
        "ApproximateReceiveCount": str(meta["rc"]),
        "ApproximateFirstReceiveTimestamp": str(meta["fr"] if meta.get("fr") is not None else ""),
    }
    trace = body.get("s", {}).get("AWSTraceHeader")
    if trace is not None:
        values["AWSTraceHeader"] = str(trace.get("s", ""))
    if meta.get("sn") is not None:
        values["SequenceNumber"] = str(meta["sn"])
    if meta.get("dd") is not None:
        values["MessageDeduplicationId"] = str(meta["dd"])
    if meta.get("g") is not None:
        values["MessageGroupId"] = str(meta["g"])
    if meta.get("src") is not None:
        values["DeadLetterQueueSourceArn"] = str(meta["src"])
    return values


def message(
    messages: Messages,
    seq: int,
    meta: Doc,
    *,
    system_names: frozenset[str],
    attribute_names: Iterable[str] | None,
) -> dict[str, Any]:
    """One entry of ReceiveMessage's ``Messages``."""
    body = messages.body(seq)
    out: dict[str, Any] = {
        "MessageId": meta["id"],
        "ReceiptHandle": messages.handle(seq, meta),
        "MD5OfBody": body["m"],
        "Body": body["b"],
    }
    if system_names:
        chosen = {k: v for k, v in system_attributes(meta, body).items() if k in system_names}
        if chosen:
            out["Attributes"] = chosen
    user = content.select(body.get("a", {}), attribute_names)
    if user:
        out["MessageAttributes"] = user
        out["MD5OfMessageAttributes"] = md5_of_attributes(user)
    return out


def full_message(messages: Messages, seq: int, meta: Doc) -> dict[str, Any]:
    """A message with every system and message attribute (for internal callers)."""
    return message(
        messages,
        seq,
        meta,
        system_names=frozenset(SYSTEM_ATTRIBUTES),
        attribute_names=["All"],
    )


def queue_attributes(queue: Queue, counts: Counts) -> dict[str, str]:
    """Every attribute GetQueueAttributes can show for ``queue`` (``All``)."""
    values = {
        "QueueArn": queue.arn,
        "ApproximateNumberOfMessages": str(counts.visible),
        "ApproximateNumberOfMessagesNotVisible": str(counts.inflight),
        "ApproximateNumberOfMessagesDelayed": str(counts.delayed),
        "CreatedTimestamp": str(queue.doc["created"]),
        "LastModifiedTimestamp": str(queue.doc["modified"]),
    }
    values.update(queue.attributes)
    return values
