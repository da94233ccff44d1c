"""The Amazon SQS service (botocore ``sqs``)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from redrive.services.sqs import handles, metrics, sending, views
from redrive.services.sqs.message_ops import MessageOperations
from redrive.services.sqs.queue_ops import QueueOperations
from redrive.services.sqs.task_ops import TaskOperations


class SqsService(QueueOperations, MessageOperations, TaskOperations):
    """Amazon SQS: standard and FIFO queues on the emulated clock.

    Operations: CreateQueue, GetQueueUrl, ListQueues, GetQueueAttributes, SetQueueAttributes,
    DeleteQueue, PurgeQueue, ListDeadLetterSourceQueues, TagQueue, UntagQueue, ListQueueTags,
    SendMessage(Batch), ReceiveMessage (long polling waits on the emulated clock),
    DeleteMessage(Batch), ChangeMessageVisibility(Batch), StartMessageMoveTask,
    ListMessageMoveTasks, CancelMessageMoveTask. Messages live in the store (tables ``sqs.*``,
    see :mod:`.state`); visibility timeouts, delays and retention are emulated times there, and
    every call costs the same at any queue depth (:mod:`.messages`).

    **Internal interface** for other services (no HTTP; call it on the instance from
    ``platform.service("sqs")``, inside the caller's store transaction or not; a queue is named
    by its ARN; every method raises the ServiceError an SQS client would get, such as
    QueueDoesNotExist)::

        deliver(queue_arn, body, *, message_attributes=None, system_attributes=None,
                group_id=None, deduplication_id=None, sender_id=None) -> str
            Send one message as SendMessage would (same checks and limits); its MessageId.
            Attribute dicts are in the API shape: {"DataType": "String", "StringValue": "x"}.
            ``system_attributes`` may carry AWSTraceHeader. ``sender_id`` is the SenderId
            receivers see (default: the queue's account id).

        receive(queue_arn, max_messages, visibility_timeout=None) -> list[dict]
            Receive now, without waiting: messages in ReceiveMessage's output shape with
            every system attribute and every message attribute. A redrive policy applies.

        delete(queue_arn, receipt_handle) -> None
        change_visibility(queue_arn, receipt_handle, timeout) -> None
            As DeleteMessage / ChangeMessageVisibility.

        queue_attributes(queue_arn) -> dict[str, str]
            What GetQueueAttributes answers for ``All``.

        when_available(queue_arn) -> asyncio.Future[None]
            Resolved when the queue may have a message to receive: at once if it has one now,
            else at the next send or unblocking, or when its next delayed or in-flight message
            becomes visible (a scheduler item is armed for that time, so the virtual clock
            stops there). A hint: receive() may still find nothing (someone else took it).
            Cancel the future to stop waiting. Call it on the event loop.

    Each of these counts as an API call for the queue's metrics (``AWS/SQS``, :mod:`.metrics`).
    """

    # -- internal interface -----------------------------------------------------------------

    def deliver(
        self,
        queue_arn: str,
        body: str,
        *,
        message_attributes: Mapping[str, Mapping[str, Any]] | None = None,
        system_attributes: Mapping[str, Mapping[str, Any]] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        sender_id: str | None = None,
    ) -> str:
        with self.store.transaction() as txn:
            queue = self.by_arn(txn, queue_arn)
            message = sending.prepare(
                queue,
                body=body,
                attributes=message_attributes,
                system_attributes=system_attributes,
                group=group_id,
                dedup=deduplication_id,
            )
            messages = self.messages(txn, queue, settle=False)
            result = self._store(messages, message, sender_id or queue.account)
            self.finish(messages)
        return str(result["MessageId"])

    def receive(
        self, queue_arn: str, max_messages: int, visibility_timeout: int | None = None
    ) -> list[dict[str, Any]]:
        with self.store.transaction() as txn:
            queue = self.by_arn(txn, queue_arn)
            found, _ = self.receive_now(
                txn,
                queue,
                max_messages=max_messages,
                visibility_timeout=visibility_timeout,
                system_names=frozenset(views.SYSTEM_ATTRIBUTES),
                attribute_names=["All"],
            )
            self.record(queue, metrics.received(len(found)))
        return found

    def delete(self, queue_arn: str, receipt_handle: str) -> None:
        with self.store.transaction() as txn:
            queue = self.by_arn(txn, queue_arn)
            messages = self.messages(txn, queue)
            deleted = handles.delete(messages, receipt_handle)
            self.finish(messages)
            self.record(queue, metrics.deleted(int(deleted)))

    def change_visibility(self, queue_arn: str, receipt_handle: str, timeout: int) -> None:
        with self.store.transaction() as txn:
            queue = self.by_arn(txn, queue_arn)
            messages = self.messages(txn, queue)
            handles.change_visibility(messages, receipt_handle, timeout)
            self.finish(messages)

    def queue_attributes(self, queue_arn: str) -> dict[str, str]:
        with self.store.transaction() as txn:
            queue = self.by_arn(txn, queue_arn)
            messages = self.messages(txn, queue)
            self.finish(messages)
            return views.queue_attributes(queue, messages.counts)

    def when_available(self, queue_arn: str) -> asyncio.Future[None]:
        with self.store.transaction() as txn:
            queue = self.by_arn(txn, queue_arn)
            messages = self.messages(txn, queue)
            self.finish(messages)
            if messages.available():
                return self.waiters.resolved()
            following = messages.next_visible_ms()
        return self.waiters.wait(queue.qid, None if following is None else following / 1000)
