"""Message operations: send, receive (with long polling), delete, change visibility."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from redrive.errors import ServiceError
from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.sqs import constants as c
from redrive.services.sqs import content, errors, handles, metrics, sending, views
from redrive.services.sqs.core import SqsCore
from redrive.services.sqs.messages import Messages

_ENTRY_ID = re.compile(rf"[A-Za-z0-9_\-]{{1,{c.MAX_BATCH_ENTRY_ID_LENGTH}}}")


class MessageOperations(SqsCore):
    # -- sending ------------------------------------------------------------------------------

    @operation("SendMessage")
    def send_message(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            message = sending.prepare(queue, **_send_args(params))
            messages = self.messages(txn, queue, settle=False)
            result = self._store(messages, message, ctx.account_id)
            self.finish(messages)
        return _send_output(result)

    @operation("SendMessageBatch")
    def send_message_batch(self, ctx: RequestContext, params: Params) -> Output:
        entries: list[dict[str, Any]] = list(params.get("Entries") or [])
        _check_batch(entries, "SendMessageBatchRequestEntry")
        successful: list[Output] = []
        failed: list[Output] = []
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            if queue.fifo:
                for entry in entries:
                    if not entry.get("MessageGroupId"):
                        raise errors.invalid_parameter(
                            "The request must contain the parameter MessageGroupId."
                        )
                    if not entry.get("MessageDeduplicationId") and not (
                        queue.content_based_deduplication
                    ):
                        raise errors.dedup_required()
            total = sum(
                content.size_of(str(e["MessageBody"]), e.get("MessageAttributes")) for e in entries
            )
            if total > c.MAX_BATCH_BYTES:
                raise errors.batch_too_long(c.MAX_BATCH_BYTES, total)
            messages = self.messages(txn, queue, settle=False)
            for entry in entries:
                try:
                    message = sending.prepare(queue, **_send_args(entry))
                except ServiceError as error:
                    failed.append(_failure(entry["Id"], error))
                    continue
                result = self._store(messages, message, ctx.account_id)
                successful.append({"Id": entry["Id"], **_send_output(result)})
            self.finish(messages)
        return {"Successful": successful, "Failed": failed}

    def _store(self, messages: Messages, message: sending.Outgoing, sender: str) -> Output:
        message_id = self.platform.rng.uuid4("sqs-message-ids")
        result = sending.store(messages, message, message_id=message_id, sender=sender)
        if result["_stored"]:
            self.record(messages.queue, metrics.sent([message.size]))
        else:
            self.record(messages.queue, [("NumberOfDeduplicatedSentMessages", 1, "Count")])
        return result

    # -- receiving ----------------------------------------------------------------------------

    @operation("ReceiveMessage")
    async def receive_message(self, ctx: RequestContext, params: Params) -> Output:
        max_messages = params.get("MaxNumberOfMessages")
        if max_messages is not None and not 1 <= max_messages <= c.MAX_RECEIVE_MESSAGES:
            raise errors.invalid_value(
                "MaxNumberOfMessages",
                max_messages,
                f"Must be between 1 and {c.MAX_RECEIVE_MESSAGES}, if provided.",
            )
        timeout = params.get("VisibilityTimeout")
        if timeout is not None and not 0 <= timeout <= c.MAX_VISIBILITY_TIMEOUT:
            raise errors.invalid_value(
                "VisibilityTimeout",
                timeout,
                f"Must be >= 0 and <= {c.MAX_VISIBILITY_TIMEOUT}, if provided.",
            )
        wait = params.get("WaitTimeSeconds")
        if wait is not None and not 0 <= wait <= c.MAX_WAIT_SECONDS:
            raise errors.invalid_value(
                "WaitTimeSeconds", wait, f"Must be >= 0 and <= {c.MAX_WAIT_SECONDS}, if provided."
            )
        attempt_id = params.get("ReceiveRequestAttemptId")
        if attempt_id is not None:
            content.check_fifo_id("ReceiveRequestAttemptId", str(attempt_id))
        system_names = views.system_attribute_names(
            params.get("AttributeNames"), params.get("MessageSystemAttributeNames")
        )
        deadline: float | None = None
        short_poll = False
        while True:
            now = self.platform.now()
            with self.store.transaction() as txn:
                queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
                if deadline is None:
                    waits = queue.receive_wait_seconds if wait is None else wait
                    deadline, short_poll = now + waits, waits == 0
                found, following = self.receive_now(
                    txn,
                    queue,
                    max_messages=max_messages or 1,
                    visibility_timeout=timeout,
                    system_names=system_names,
                    attribute_names=params.get("MessageAttributeNames"),
                    attempt_id=None if attempt_id is None else str(attempt_id),
                    short_poll=short_poll,
                )
                if found or now >= deadline:
                    self.record(queue, metrics.received(len(found)))
                    return {"Messages": found} if found else {}
            # Nothing yet: wait for a send, a message falling visible, or the deadline.
            wake_at = None if following is None else following / c.MS_PER_SECOND
            woken = self.waiters.wait(queue.qid, wake_at)
            try:
                await self.platform.scheduler.run_until(
                    woken, timeout=max(0.0, deadline - self.platform.now())
                )
            finally:
                if not woken.done():
                    woken.cancel()

    # -- deleting -----------------------------------------------------------------------------

    @operation("DeleteMessage")
    def delete_message(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            messages = self.messages(txn, queue)
            deleted = handles.delete(messages, str(params["ReceiptHandle"]))
            self.finish(messages)
            self.record(queue, metrics.deleted(int(deleted)))
        return {}

    @operation("DeleteMessageBatch")
    def delete_message_batch(self, ctx: RequestContext, params: Params) -> Output:
        entries: list[dict[str, Any]] = list(params.get("Entries") or [])
        _check_batch(entries, "DeleteMessageBatchRequestEntry")
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            messages = self.messages(txn, queue)
            count = 0

            def delete(entry: dict[str, Any]) -> None:
                nonlocal count
                count += int(handles.delete(messages, str(entry["ReceiptHandle"])))

            output = _each(entries, delete)
            self.finish(messages)
            self.record(queue, metrics.deleted(count))
        return output

    # -- visibility ---------------------------------------------------------------------------

    @operation("ChangeMessageVisibility")
    def change_message_visibility(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            messages = self.messages(txn, queue)
            handles.change_visibility(
                messages, str(params["ReceiptHandle"]), int(params["VisibilityTimeout"])
            )
            self.finish(messages)
        return {}

    @operation("ChangeMessageVisibilityBatch")
    def change_message_visibility_batch(self, ctx: RequestContext, params: Params) -> Output:
        entries: list[dict[str, Any]] = list(params.get("Entries") or [])
        _check_batch(entries, "ChangeMessageVisibilityBatchRequestEntry")
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            messages = self.messages(txn, queue)

            def change(entry: dict[str, Any]) -> None:
                if entry.get("VisibilityTimeout") is None:
                    raise errors.missing_parameter("VisibilityTimeout")
                handles.change_visibility(
                    messages, str(entry["ReceiptHandle"]), int(entry["VisibilityTimeout"])
                )

            output = _each(entries, change)
            self.finish(messages)
        return output


def _send_args(params: Params) -> dict[str, Any]:
    return {
        "body": str(params["MessageBody"]),
        "attributes": params.get("MessageAttributes"),
        "system_attributes": params.get("MessageSystemAttributes"),
        "delay_seconds": params.get("DelaySeconds"),
        "group": params.get("MessageGroupId"),
        "dedup": params.get("MessageDeduplicationId"),
    }


def _send_output(result: Output) -> Output:
    return {k: v for k, v in result.items() if v is not None and not k.startswith("_")}


def _check_batch(entries: Sequence[dict[str, Any]], entry_name: str) -> None:
    """The checks that fail a whole batch request, in AWS's order."""
    if not entries:
        raise errors.empty_batch(entry_name)
    if len(entries) > c.MAX_BATCH_ENTRIES:
        raise errors.too_many_entries(c.MAX_BATCH_ENTRIES, len(entries))
    seen: set[str] = set()
    for entry in entries:
        entry_id = str(entry.get("Id", ""))
        if not _ENTRY_ID.fullmatch(entry_id):
            raise errors.invalid_batch_entry_id()
        if entry_id in seen:
            raise errors.batch_ids_not_distinct(entry_id)
        seen.add(entry_id)


def _failure(entry_id: str, error: ServiceError) -> Output:
    return {
        "Id": entry_id,
        "SenderFault": error.sender_fault,
        "Code": errors.entry_code(error),
        "Message": error.message,
    }


def _each(entries: Sequence[dict[str, Any]], act: Callable[[dict[str, Any]], None]) -> Output:
    """Apply ``act`` to each entry; a ServiceError fails only that entry."""
    successful: list[Output] = []
    failed: list[Output] = []
    for entry in entries:
        try:
            act(entry)
        except ServiceError as error:
            failed.append(_failure(entry["Id"], error))
        else:
            successful.append({"Id": entry["Id"]})
    return {"Successful": successful, "Failed": failed}
