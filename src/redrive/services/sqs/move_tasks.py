"""Message move tasks: redrive from a dead-letter queue (StartMessageMoveTask & co).

A task moves the visible messages of its source (a dead-letter queue) to a destination queue
or, without one, each back to the queue it was dead-lettered from (``DeadLetterQueueSourceArn``).
It runs as scheduled work on the emulated clock: each step moves at most
``MaxNumberOfMessagesPerSecond`` messages and the next step follows one emulated second later,
so the rate holds in emulated time. Moved messages keep their MessageId, body, attributes and
SentTimestamp and start with a receive count of zero. The task is COMPLETED when its source has
no visible message left, FAILED when a queue it needs is gone (FailureReason: the error code),
CANCELLED by CancelMessageMoveTask. Tasks live in the store and resume after a restart.
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from redrive.kernel import Handle
from redrive.services._base import Platform
from redrive.services.sqs import arns, errors, redrive, state
from redrive.services.sqs import constants as c
from redrive.services.sqs.messages import Messages, emulated_ms
from redrive.services.sqs.state import Doc, Queue
from redrive.store import Transaction

RUNNING = "RUNNING"
COMPLETED = "COMPLETED"
CANCELLED = "CANCELLED"
FAILED = "FAILED"

TaskKey = tuple[str, str, str]


def encode_handle(task_id: str, source_arn: str) -> str:
    raw = json.dumps({"taskId": task_id, "sourceArn": source_arn}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_handle(handle: str) -> tuple[str, str] | None:
    try:
        document = json.loads(base64.b64decode(handle.encode("ascii"), validate=True))
    except (ValueError, binascii.Error, UnicodeError):
        return None
    if not isinstance(document, dict):
        return None
    task_id, source = document.get("taskId"), document.get("sourceArn")
    if not isinstance(task_id, str) or not isinstance(source, str):
        return None
    return task_id, source


class MoveTasks:
    """Runs message move tasks on the scheduler; ``notify(qid)`` wakes a queue's receivers."""

    def __init__(self, platform: Platform, notify: Callable[[int], None]) -> None:
        self.platform = platform
        self.notify = notify
        self._handles: dict[TaskKey, Handle] = {}

    def start(self) -> None:
        with self.platform.store.transaction() as txn:
            running = [
                (str(k[0]), str(k[1]), str(k[2]))
                for k, doc in txn.scan(state.TASKS)
                if doc["Status"] == RUNNING
            ]
        for key in running:
            self._schedule(key, 0.0)

    def stop(self) -> None:
        for handle in self._handles.values():
            handle.cancel()
        self._handles.clear()

    # -- the operations -------------------------------------------------------------------------

    def begin(
        self, txn: Transaction, source: Queue, destination: Queue | None, rate: int | None
    ) -> str:
        """Start a task (the caller checked the queues); its TaskHandle."""
        for _key, other in txn.scan(state.TASKS_BY_SOURCE, (source.arn,)):
            if other["Status"] == RUNNING:
                raise errors.task_already_running()
        messages = Messages(txn, source, emulated_ms(self.platform))
        messages.settle()
        messages.save()
        task_id = self.platform.rng.uuid4("sqs-move-tasks")
        started = emulated_ms(self.platform)
        doc: Doc = {
            "TaskId": task_id,
            "Status": RUNNING,
            "SourceArn": source.arn,
            "StartedTimestamp": started,
            "ApproximateNumberOfMessagesMoved": 0,
            "ApproximateNumberOfMessagesToMove": messages.counts.visible,
        }
        if destination is not None:
            doc["DestinationArn"] = destination.arn
        if rate is not None:
            doc["MaxNumberOfMessagesPerSecond"] = rate
        key = (source.account, source.region, task_id)
        self._put(txn, key, doc)
        self._schedule(key, 0.0)
        return encode_handle(task_id, source.arn)

    def cancel(self, txn: Transaction, account: str, region: str, task_id: str) -> int:
        key = (account, region, task_id)
        doc: Doc | None = txn.get(state.TASKS, key)
        if doc is None:
            raise errors.task_not_found()
        if doc["Status"] != RUNNING:
            raise errors.task_not_running()
        doc["Status"] = CANCELLED
        self._put(txn, key, doc)
        handle = self._handles.pop(key, None)
        if handle is not None:
            handle.cancel()
        return int(doc["ApproximateNumberOfMessagesMoved"])

    def listing(self, txn: Transaction, source_arn: str, limit: int) -> list[dict[str, Any]]:
        entries = []
        for _key, doc in txn.scan(state.TASKS_BY_SOURCE, (source_arn,), reverse=True, limit=limit):
            entry = {k: v for k, v in doc.items() if k != "TaskId"}
            if doc["Status"] == RUNNING:
                entry["TaskHandle"] = encode_handle(doc["TaskId"], doc["SourceArn"])
            entries.append(entry)
        return entries

    # -- running --------------------------------------------------------------------------------

    def _put(self, txn: Transaction, key: TaskKey, doc: Doc) -> None:
        txn.put(state.TASKS, key, doc)
        txn.put(
            state.TASKS_BY_SOURCE, (doc["SourceArn"], doc["StartedTimestamp"], doc["TaskId"]), doc
        )

    def _schedule(self, key: TaskKey, delay: float) -> None:
        self._handles[key] = self.platform.scheduler.call_later(delay, lambda: self._step(key))

    def _step(self, key: TaskKey) -> None:
        self._handles.pop(key, None)
        woken: set[int] = set()
        with self.platform.store.transaction() as txn:
            doc: Doc | None = txn.get(state.TASKS, key)
            if doc is None or doc["Status"] != RUNNING:
                return
            again = self._move_some(txn, doc, woken)
            self._put(txn, key, doc)
        for qid in woken:
            self.notify(qid)
        if again:
            self._schedule(key, 1.0)

    def _move_some(self, txn: Transaction, doc: Doc, woken: set[int]) -> bool:
        """Move one step's messages; whether the task goes on."""
        now_ms = emulated_ms(self.platform)
        source = _find(txn, doc["SourceArn"])
        if source is None:
            return _fail(doc, "AWS.SimpleQueueService.NonExistentQueue")
        rate = int(doc.get("MaxNumberOfMessagesPerSecond") or c.DEFAULT_MOVE_RATE)
        messages = Messages(txn, source, now_ms)
        messages.settle()
        batch = messages.visible_batch(rate)
        targets: dict[str, Messages] = {}
        try:
            for seq, meta in batch:
                target_arn = doc.get("DestinationArn") or meta.get("src")
                target = targets.get(target_arn) if target_arn else None
                if target is None:
                    queue = _find(txn, target_arn) if target_arn else None
                    if queue is None or queue.fifo != source.fifo:
                        return _fail(doc, "AWS.SimpleQueueService.NonExistentQueue")
                    target = targets[str(target_arn)] = Messages(txn, queue, now_ms)
                redrive.move(messages, seq, meta, target, dead_letter=False)
                woken.add(target.queue.qid)
                doc["ApproximateNumberOfMessagesMoved"] += 1
        finally:
            messages.save()
            for target in targets.values():
                target.save()
        if len(batch) < rate:
            doc["Status"] = COMPLETED
            return False
        return True


def _find(txn: Transaction, arn: str) -> Queue | None:
    ref = arns.parse_arn(arn)
    return None if ref is None else state.get_queue(txn, ref)


def _fail(doc: Doc, reason: str) -> bool:
    doc["Status"] = FAILED
    doc["FailureReason"] = reason
    return False
