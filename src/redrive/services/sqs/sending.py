"""Sending: checking a message against its queue, then storing it (or deduplicating it).

:func:`prepare` raises every error a single message can have, before anything is written, so
SendMessageBatch can report it in that entry's ``Failed`` result; :func:`store` writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redrive.services.sqs import constants as c
from redrive.services.sqs import content, errors, fifo
from redrive.services.sqs.md5 import md5_of_attributes, md5_of_body
from redrive.services.sqs.messages import Messages, new_body
from redrive.services.sqs.state import Queue

Attributes = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Outgoing:
    """A message that passed every check for its queue."""

    body: str
    attributes: Attributes
    system_attributes: Attributes
    delay_seconds: int
    group: str | None
    dedup: str | None
    size: int


def prepare(
    queue: Queue,
    *,
    body: str,
    attributes: Attributes | None = None,
    system_attributes: Attributes | None = None,
    delay_seconds: int | None = None,
    group: str | None = None,
    dedup: str | None = None,
) -> Outgoing:
    """Check one message for ``queue``; raise the ServiceError SendMessage would answer."""
    content.check_body(body)
    if delay_seconds is not None and not 0 <= delay_seconds <= c.MAX_DELAY_SECONDS:
        raise errors.invalid_value(
            "DelaySeconds",
            delay_seconds,
            f"DelaySeconds must be >= 0 and <= {c.MAX_DELAY_SECONDS}",
        )
    if queue.fifo:
        if delay_seconds:
            raise errors.not_for_queue_type("DelaySeconds", delay_seconds)
        if not group:
            raise errors.missing_parameter("MessageGroupId")
        if dedup is None and not queue.content_based_deduplication:
            raise errors.dedup_required()
    elif dedup is not None:
        raise errors.invalid_value(
            "MessageDeduplicationId",
            dedup,
            "The request includes a parameter that is not valid for this queue type.",
        )
    if group is not None:
        content.check_fifo_id("MessageGroupId", group)
    if dedup is not None:
        content.check_fifo_id("MessageDeduplicationId", dedup)
    content.check_attributes(attributes)
    content.check_system_attributes(system_attributes)
    size = content.size_of(body, attributes)
    if size > queue.maximum_message_size:
        raise errors.message_too_long(queue.maximum_message_size)
    delay = queue.delay_seconds if delay_seconds is None else delay_seconds
    if queue.fifo:
        delay = queue.delay_seconds
        if dedup is None:
            dedup = fifo.content_dedup_id(body)
    return Outgoing(
        body=body,
        attributes=attributes or {},
        system_attributes=system_attributes or {},
        delay_seconds=delay,
        group=group,
        dedup=dedup,
        size=size,
    )


def store(messages: Messages, message: Outgoing, *, message_id: str, sender: str) -> dict[str, Any]:
    """Store ``message`` (or recognise a duplicate in the FIFO window); the send result.

    The result has SendMessage's members plus ``_stored`` (False for a duplicate).
    """
    result: dict[str, Any] = {
        "MD5OfMessageBody": md5_of_body(message.body),
        "MD5OfMessageAttributes": md5_of_attributes(message.attributes),
        "MD5OfMessageSystemAttributes": md5_of_attributes(message.system_attributes),
    }
    if messages.fifo:
        assert message.dedup is not None
        scope = (message.group or "") if messages.queue.dedup_per_group else ""
        earlier = fifo.duplicate_of(messages, scope, message.dedup)
        if earlier is not None:
            result.update(MessageId=earlier["id"], SequenceNumber=earlier["sn"], _stored=False)
            return result
    _seq, meta = messages.insert(
        message_id=message_id,
        body=new_body(
            message.body,
            result["MD5OfMessageBody"],
            content.to_store(message.attributes),
            content.to_store(message.system_attributes),
        ),
        sent_ms=messages.now_ms,
        sender=sender,
        delay_seconds=message.delay_seconds,
        group=message.group,
        dedup=message.dedup,
    )
    result.update(MessageId=message_id, _stored=True)
    if messages.fifo:
        result["SequenceNumber"] = meta["sn"]
        assert message.dedup is not None
        scope = (message.group or "") if messages.queue.dedup_per_group else ""
        fifo.remember(messages, scope, message.dedup, message_id, str(meta["sn"]))
    return result
