"""Dead-letter queues: moving messages out on receive (SQS-3), and checking a RedrivePolicy.

A message that was already received ``maxReceiveCount`` times is moved to the dead-letter
queue by the receive that would deliver it once more (recorded with ``maxReceiveCount`` 2:
deliveries with ApproximateReceiveCount "1" and "2", then the message sits in the DLQ). The
moved message keeps its MessageId, body, attributes, SentTimestamp and receive count; it gains
the system attribute ``DeadLetterQueueSourceArn``. For standard queues retention still counts
from the original send; for FIFO queues the enqueue time resets (Developer Guide, "Setting up
dead-letter queue retention"). The move happens only while the target exists, has the source's
queue type and its RedriveAllowPolicy admits the source; otherwise the message is delivered.
"""

from __future__ import annotations

from collections.abc import Callable

from redrive.services.sqs import arns, errors
from redrive.services.sqs.arns import QueueRef
from redrive.services.sqs.attributes import RedrivePolicy
from redrive.services.sqs.messages import Messages
from redrive.services.sqs.state import Doc, Queue
from redrive.store import Transaction

Finder = Callable[[QueueRef], Queue | None]


def move(
    source: Messages, seq: int, meta: Doc, target: Messages, *, dead_letter: bool
) -> tuple[int, Doc]:
    """Move one message from ``source`` to ``target`` keeping its identity.

    ``dead_letter``: a move to a dead-letter queue (keeps the receive count and names the
    source); otherwise a redrive back out of one (the message starts afresh).
    """
    body = source.body(seq)
    source.remove(seq, meta)
    base_ms = target.now_ms if target.fifo else int(meta["base"])
    return target.insert(
        message_id=str(meta["id"]),
        body=body,
        sent_ms=int(meta["sent"]),
        sender=str(meta["snd"]),
        base_ms=base_ms,
        group=meta.get("g"),
        dedup=meta.get("dd"),
        receive_count=int(meta["rc"]) if dead_letter else 0,
        first_receive_ms=meta.get("fr") if dead_letter else None,
        source_arn=source.queue.arn if dead_letter else None,
    )


class DeadLetterRoute:
    """A receive's diverter: moves messages past ``maxReceiveCount`` to the DLQ (SQS-3)."""

    def __init__(self, txn: Transaction, source: Queue, now_ms: int, find: Finder) -> None:
        self.txn = txn
        self.source = source
        self.now_ms = now_ms
        self.find = find
        policy = source.redrive_policy
        self.policy: RedrivePolicy | None = policy
        self._target: Messages | None = None
        self._resolved = False
        self.moved = 0

    def __call__(self, messages: Messages, seq: int, meta: Doc) -> bool:
        if self.policy is None or int(meta["rc"]) < self.policy.max_receive_count:
            return False
        target = self.target()
        if target is None:
            return False
        move(messages, seq, meta, target, dead_letter=True)
        self.moved += 1
        return True

    def target(self) -> Messages | None:
        if not self._resolved:
            self._resolved = True
            assert self.policy is not None
            ref = arns.parse_arn(self.policy.dead_letter_target_arn)
            queue = None if ref is None else self.find(ref)
            if (
                queue is not None
                and queue.qid != self.source.qid
                and queue.fifo == self.source.fifo
                and queue.allow_policy.allows(self.source.arn)
            ):
                self._target = Messages(self.txn, queue, self.now_ms)
        return self._target

    def save(self) -> None:
        if self._target is not None:
            self._target.save()


def check_policy(
    source: QueueRef, fifo: bool, value: str, policy: RedrivePolicy, find: Finder
) -> None:
    """Raise AWS's error if ``policy`` names no usable dead-letter queue for ``source``."""
    ref = arns.parse_arn(policy.dead_letter_target_arn)
    target = None if ref is None else find(ref)
    if target is None:
        raise errors.invalid_policy_value(
            "RedrivePolicy", value, "Dead letter target does not exist."
        )
    if target.fifo != fifo:
        raise errors.invalid_policy_value(
            "RedrivePolicy", value, "Dead-letter queue must be same type of queue as the source.."
        )
    if not target.allow_policy.allows(source.arn):
        raise errors.invalid_policy_value(
            "RedrivePolicy",
            value,
            f"Queue {source.arn} is not allowed by the RedriveAllowPolicy of "
            f"{target.arn} to use it as a dead-letter queue.",
        )
