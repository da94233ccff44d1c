"""The poller of one SQS mapping: receive a batch, invoke, delete what succeeded (SQSM).

A poller runs *slots*, each one batch in flight at most (SQSM-12: five to start with, at most
``ScalingConfig.MaximumConcurrency``, SQSM-13). A slot is driven by scheduler callbacks and
futures, never by sleeping, so an idle mapping never makes the virtual clock move by itself:

1. receive up to ``BatchSize`` messages through the SQS service's internal interface;
2. with a batching window, wait for more until the batch is full or the window since the first
   message has passed (SQSM-10): a scheduler item at the window's end, and the queue's
   ``when_available`` future for new messages;
3. invoke the function synchronously with ``{"Records": [...]}`` (SQSM-1..4); a throttle
   retries the same batch with backoff until its messages' visibility timeout would run out,
   then leaves them to reappear (SQSM-14, SQSM-15);
4. on success delete the batch, or with ``ReportBatchItemFailures`` all but the reported
   failures (SQSM-5, -7, -8); on a function error delete nothing: the messages come back after
   their visibility timeout and reach the queue's DLQ through its redrive policy (SQSM-6).

With ``FilterCriteria`` each received message is checked as it arrives (:mod:`.filter_criteria`):
one that matches no filter is deleted at once and never joins a batch. The ledger entry of the
next batch lists such messages under ``filtered``; when only filtered messages came in, an entry
with outcome ``filtered`` (and no invocation) says so.

While messages keep coming in full batches the poller adds up to 300 slots per emulated
minute up to its cap, and an idle slot beyond the first five retires (SQSM-12). Every batch is
a ledger entry (``kind: attempt``, with the mapping, its message ids and what was deleted,
returned or filtered out). In-flight batches need no saving: after a crash their messages
reappear when their visibility timeout ends, as they would after a lost poller in AWS
(at-least-once).
"""

from __future__ import annotations

import asyncio
import functools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from redrive.errors import ServiceError
from redrive.kernel import Handle
from redrive.runtime.types import FunctionSpec, Outcome
from redrive.services.lambda_ import invoke, ledger, reporting
from redrive.services.lambda_.esm import (
    attempts,
    batch_response,
    filter_criteria,
    mapping,
    sqs_records,
)
from redrive.services.lambda_.esm.state import Doc

if TYPE_CHECKING:
    from redrive.services.lambda_.service import LambdaService
    from redrive.services.sqs.service import SqsService

INITIAL_SLOTS = 5  # SQSM-12
DEFAULT_CAP = 1250  # SQSM-12 (newer text: concurrent invocations per mapping)
SCALE_STEP = 300  # slots added per emulated minute of backlog (SQSM-12)
SCALE_INTERVAL_S = 60.0
RECEIVE_MAX = 10  # one ReceiveMessage
PAYLOAD_MAX = 6 * 1024 * 1024  # a batch ends before its event would pass 6 MB (SQSM-10)
VISIBILITY_MARGIN_S = 30  # SQSM-11
RETRY_SOURCE_S = 60.0  # a missing queue or function is looked for again after this


@dataclass
class _Slot:
    number: int
    pending: list[dict[str, Any]] = field(default_factory=list)
    pending_bytes: int = 0
    #: ids of messages that matched no filter (deleted), not yet in a ledger entry
    filtered: list[str] = field(default_factory=list)
    first_at: float | None = None
    #: emulated time the pending messages' visibility timeout ends
    visible_again_at: float | None = None
    throttles: int = 0
    busy: bool = False
    timer: Handle | None = None
    waiting: asyncio.Future[None] | None = None
    retired: bool = False


class SqsPoller:
    """Polls one queue for one mapping while the mapping is enabled."""

    def __init__(self, service: LambdaService, account: str, region: str, doc: Doc) -> None:
        self.service = service
        self.platform = service.platform
        self.account, self.region = account, region
        self.doc = doc
        self._filters = filter_criteria.patterns(doc)
        self._slots: list[_Slot] = []
        self._numbers = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopped = False
        self._scaled_at = self.platform.now()

    @property
    def queue_arn(self) -> str:
        return str(self.doc["EventSourceArn"])

    @property
    def cap(self) -> int:
        return int((self.doc.get("ScalingConfig") or {}).get("MaximumConcurrency", DEFAULT_CAP))

    @property
    def slots(self) -> int:
        return len(self._slots)

    # -- life -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._add_slots(min(INITIAL_SLOTS, self.cap))

    def reconfigure(self, doc: Doc) -> None:
        """New settings: batches formed from now on use them; slots beyond a lower cap retire."""
        self.doc = doc
        self._filters = filter_criteria.patterns(doc)
        for slot in self._slots[self.cap :]:
            self._retire(slot)
        if self.slots < min(INITIAL_SLOTS, self.cap):
            self._add_slots(min(INITIAL_SLOTS, self.cap) - self.slots)

    async def stop(self) -> None:
        """Stop polling; batches in flight end without deleting anything (their messages
        reappear after the visibility timeout)."""
        self._stopped = True
        for slot in list(self._slots):
            self._retire(slot)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def _add_slots(self, count: int) -> None:
        for _ in range(count):
            self._numbers += 1
            slot = _Slot(self._numbers)
            self._slots.append(slot)
            self.platform.scheduler.call_soon(functools.partial(self._poll, slot))

    def _retire(self, slot: _Slot) -> None:
        slot.retired = True
        self._cancel_waits(slot)
        if slot in self._slots:
            self._slots.remove(slot)

    # -- polling --------------------------------------------------------------------------------

    def _sqs(self) -> SqsService:
        return cast("SqsService", self.platform.service("sqs"))

    def _poll(self, slot: _Slot) -> None:
        """A scheduler callback: receive, and invoke or wait."""
        if self._stopped or slot.retired or slot.busy:
            return
        self._cancel_waits(slot)
        now = self.platform.now()
        size = int(self.doc["BatchSize"])
        window = int(self.doc["MaximumBatchingWindowInSeconds"])
        try:
            received = self._receive(slot, size, window)
        except ServiceError:
            # the queue is gone: look again later (the mapping stays, as in AWS)
            slot.timer = self.platform.scheduler.call_later(
                RETRY_SOURCE_S, lambda: self._poll(slot)
            )
            return
        if not slot.pending:
            self._record_filtered(slot)
            if not received and self.slots > INITIAL_SLOTS:
                self._retire(slot)  # traffic fell: scale back (SQSM-12)
                return
            self._wait(slot)
            return
        if slot.first_at is None:
            slot.first_at = now
        full = len(slot.pending) >= size or slot.pending_bytes >= PAYLOAD_MAX
        if full or window == 0 or now >= slot.first_at + window:
            self._invoke(slot)
            return
        slot.timer = self.platform.scheduler.call_at(
            slot.first_at + window, lambda: self._poll(slot)
        )
        self._wait(slot)

    def _receive(self, slot: _Slot, size: int, window: int) -> int:
        """Receive into ``slot.pending`` until the batch is full or nothing is visible."""
        sqs = self._sqs()
        visibility = self._visibility_timeout(sqs, window)
        received = 0
        while len(slot.pending) < size and slot.pending_bytes < PAYLOAD_MAX:
            want = min(RECEIVE_MAX, size - len(slot.pending))
            found = sqs.receive(self.queue_arn, want, visibility_timeout=visibility)
            if not found:
                break
            for message in found:
                if not self._passes(message):
                    sqs.delete(self.queue_arn, message["ReceiptHandle"])
                    slot.filtered.append(str(message["MessageId"]))
                    continue
                slot.pending.append(message)
                slot.pending_bytes += len(message["Body"].encode()) + 1024  # record metadata
            received += len(found)
            if slot.pending and slot.visible_again_at is None:
                slot.visible_again_at = self.platform.now() + visibility
        return received

    def _passes(self, message: dict[str, Any]) -> bool:
        if not self._filters:
            return True
        record = sqs_records.record(message, queue_arn=self.queue_arn, region=self.region)
        return filter_criteria.sqs_record_passes(self._filters, record)

    def _visibility_timeout(self, sqs: SqsService, window: int) -> int:
        """The queue's, or window + function timeout + 30 s when that is longer (SQSM-11)."""
        queue_timeout = int(sqs.queue_attributes(self.queue_arn)["VisibilityTimeout"])
        if window <= 0:
            return queue_timeout
        try:
            spec = self._spec()
        except ServiceError:
            return queue_timeout
        if window + spec.timeout_s > queue_timeout:
            return window + spec.timeout_s + VISIBILITY_MARGIN_S
        return queue_timeout

    def _wait(self, slot: _Slot) -> None:
        future = self._sqs().when_available(self.queue_arn)
        slot.waiting = future

        def woken(done: asyncio.Future[None]) -> None:
            if done.cancelled() or slot.waiting is not done:
                return
            slot.waiting = None
            self.platform.scheduler.call_soon(lambda: self._poll(slot))

        future.add_done_callback(woken)

    def _cancel_waits(self, slot: _Slot) -> None:
        if slot.timer is not None:
            slot.timer.cancel()
            slot.timer = None
        if slot.waiting is not None:
            waiting, slot.waiting = slot.waiting, None
            waiting.cancel()

    # -- invoking -------------------------------------------------------------------------------

    def _spec(self) -> FunctionSpec:
        return self.service.function_spec(
            self.account, self.region, str(self.doc["FunctionName"]), self.doc.get("Qualifier")
        )

    def _invoke(self, slot: _Slot) -> None:
        platform, service = self.platform, self.service
        try:
            spec = self._spec()
        except ServiceError:
            # the function is gone: its messages come back after their visibility timeout
            self._drop_batch(slot)
            slot.timer = platform.scheduler.call_later(RETRY_SOURCE_S, lambda: self._poll(slot))
            return
        batch = slot.pending
        records = [
            sqs_records.record(message, queue_arn=self.queue_arn, region=self.region)
            for message in batch
        ]
        started = attempts.start(
            service, spec, json.dumps(sqs_records.event(records)).encode(),
            qualifier=self.doc.get("Qualifier"), label=f"mapping {self.doc['UUID']}",
        )
        if isinstance(started, str):
            self._throttled(slot, spec, started)
            return
        slot.busy = True
        slot.throttles = 0
        self._drop_batch(slot)
        filtered = self._take_filtered(slot)
        attempts.follow(started, self._finish(slot, batch, started, filtered), self._tasks)

    def _throttled(self, slot: _Slot, spec: FunctionSpec, reason: str) -> None:
        """Retry the batch with backoff while its messages stay hidden (SQSM-14)."""
        now = self.platform.now()
        slot.throttles += 1
        delay = float(min(2 ** (slot.throttles - 1), SCALE_INTERVAL_S))
        with self.platform.store.transaction() as txn:
            reporting.record_metrics(
                self.platform, spec, [("Throttles", 1.0, "Count")], timestamp=now,
                qualifier=self.doc.get("Qualifier"),
            )
            ledger.record(txn, self.account, {
                **self._entry(spec, slot.pending, now),
                "outcome": ledger.THROTTLED,
                "error_type": "TooManyRequestsException",
                "reason": reason,
                "deleted": [],
                "returned": [m["MessageId"] for m in slot.pending],
                "backoff_s": delay,
                **self._take_filtered(slot),
            })
        if slot.visible_again_at is not None and now + delay >= slot.visible_again_at:
            self._drop_batch(slot)  # the messages reappear in the queue (SQSM-14)
            slot.throttles = 0
            delay = max(0.0, (slot.visible_again_at or now) - now)
        slot.timer = self.platform.scheduler.call_later(delay, lambda: self._retry(slot))

    def _retry(self, slot: _Slot) -> None:
        if slot.pending and not self._stopped and not slot.retired:
            self._invoke(slot)
        else:
            self._poll(slot)

    def _drop_batch(self, slot: _Slot) -> None:
        slot.pending = []
        slot.pending_bytes = 0
        slot.first_at = None
        slot.visible_again_at = None

    async def _finish(
        self,
        slot: _Slot,
        batch: list[dict[str, Any]],
        attempt: attempts.Attempt,
        filtered: dict[str, list[str]],
    ) -> None:
        spec = attempt.spec
        try:
            outcome = await attempt.outcome()
        finally:
            slot.busy = False
        if self._stopped:
            return
        ids = [str(message["MessageId"]) for message in batch]
        failed = self._failed(outcome, ids)
        deleted: list[str] = []
        not_deleted: dict[str, str] = {}
        sqs = self._sqs()
        for message in batch:
            if message["MessageId"] in failed:
                continue
            try:
                sqs.delete(self.queue_arn, message["ReceiptHandle"])
                deleted.append(message["MessageId"])
            except ServiceError as exc:  # the queue went away meanwhile
                not_deleted[message["MessageId"]] = f"{exc.code}: {exc.message}"
        invoke.finish_attempt(
            self.service,
            spec,
            outcome,
            invocation_type="RequestResponse",
            running=attempt.running,
            qualifier=self.doc.get("Qualifier"),
            details={
                "source": "event-source-mapping",
                "mapping": self.doc["UUID"],
                "event_source": self.queue_arn,
                "messages": ids,
                "deleted": deleted,
                "returned": [i for i in ids if i in failed],
                **filtered,
                **({"delete_errors": not_deleted} if not_deleted else {}),
            },
        )
        if len(batch) >= int(self.doc["BatchSize"]):
            self._scale_up()
        self.platform.scheduler.call_soon(lambda: self._poll(slot))

    def _failed(self, outcome: Outcome, ids: list[str]) -> set[str]:
        """Which messages stay in the queue: all on a function error (SQSM-6, SQSM-8), the
        reported ones with ReportBatchItemFailures (SQSM-7), none otherwise (SQSM-5)."""
        if outcome.kind != "success":
            return set(ids)
        if mapping.REPORT_BATCH_ITEM_FAILURES not in self.doc["FunctionResponseTypes"]:
            return set()
        found = batch_response.failed_ids(outcome.payload, ids)
        return set(ids) if found is None else found

    def _scale_up(self) -> None:
        """A full batch means a backlog: up to 300 more slots per emulated minute (SQSM-12)."""
        now = self.platform.now()
        if now - self._scaled_at < SCALE_INTERVAL_S or self.slots >= self.cap:
            return
        self._scaled_at = now
        self._add_slots(min(SCALE_STEP, self.cap - self.slots))

    def _take_filtered(self, slot: _Slot) -> dict[str, list[str]]:
        """``{"filtered": [ids]}`` for a ledger entry of a mapping with filters (``{}``
        without); each filtered message is listed once."""
        if not self._filters and not slot.filtered:
            return {}
        ids, slot.filtered = slot.filtered, []
        return {"filtered": ids}

    def _record_filtered(self, slot: _Slot) -> None:
        """Messages came in and none matched a filter: a ledger entry, no invocation."""
        if not slot.filtered:
            return
        try:
            spec: FunctionSpec | None = self._spec()
        except ServiceError:
            spec = None  # the function is gone: the entry still says what was deleted
        with self.platform.store.transaction() as txn:
            ledger.record(txn, self.account, {
                **self._entry(spec, [], self.platform.now()),
                "outcome": ledger.FILTERED,
                "deleted": [],
                "returned": [],
                **self._take_filtered(slot),
            })

    def _entry(self, spec: FunctionSpec | None, batch: list[dict[str, Any]], now: float) -> Doc:
        return {
            "request_id": None,
            "function": spec.function_name if spec else self.doc["FunctionName"],
            "region": spec.region if spec else self.region,
            "version": spec.version if spec else None,
            "invocation_type": "RequestResponse",
            "attempt": 1,
            "started_at": now,
            "ended_at": now,
            "cold": False,
            "duration_ms": 0.0,
            "environment": None,
            "source": "event-source-mapping",
            "mapping": self.doc["UUID"],
            "event_source": self.queue_arn,
            "messages": [str(m["MessageId"]) for m in batch],
        }
