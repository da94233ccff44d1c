"""The poller of one Kinesis or DynamoDB Streams mapping (STRM-3..12, STRM-18).

One worker per lane of a shard (:mod:`.stream_lanes`: ParallelizationFactor lanes, records of
one key in one lane), at most one batch of a lane in flight, records in order (STRM-3). A worker
is driven by scheduler callbacks and the stream's ``when_available`` futures, never by
sleeping, so an idle mapping never moves the virtual clock:

1. read up to ``BatchSize`` records after the shard's checkpoint (:mod:`.checkpoints`) that pass
   the mapping's ``FilterCriteria`` (:mod:`.stream_filtering`); with a batching window wait for
   more until the batch is full or the window since the first record has passed; a batch ends
   before its event would pass 6 MB;
2. discard the records older than ``MaximumRecordAgeInSeconds`` or the stream's retention
   (condition ``RecordAgeExceeded``, STRM-8) without invoking;
3. invoke (:mod:`.attempts`); emit ``IteratorAge`` (STRM-18); a throttle retries the same
   batch after a backoff, not counted (STRM-7);
4. decide (:mod:`.stream_retry`): checkpoint what is done, retry, bisect or discard with an
   OnFailure record (:mod:`.stream_failures`), all in the transaction of the ledger entry.

Retries (and halves of a bisected batch) stay with the worker until they are done, so the
lane is blocked meanwhile (STRM-3, STRM-6); the shard's checkpoint stays before the first
record not done of any lane. After a crash the shard resumes after its
checkpoint; the retry count of a batch in progress starts again (at-least-once).

Event filtering: a record that matches no filter is dropped as it is read ("the streams
iterator advances past this record", invocation-eventfiltering.html): it joins no batch, so
bisecting, partial batch responses and retries never see it, and ``BatchSize`` counts only the
records that pass ([inferred] from "Lambda applies your filter criteria to each new event to
determine whether to add it to the current batch"). The ledger entry of the lane's next batch
lists the dropped records' sequence numbers under ``filtered``; when a read finds only dropped
records, an entry with outcome ``filtered`` (no invocation) lists them with the checkpoint they
moved. The checkpoint moves past dropped records as soon as they are read when nothing before
them is pending (in the batch's own transaction otherwise), so after a restart they are not
read again; [redrive] dropped records between the records of a batch in flight can only be
passed with the batch, as a checkpoint is one sequence number.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import TYPE_CHECKING, Any

from redrive.errors import ServiceError
from redrive.kernel import Handle
from redrive.runtime.types import FunctionSpec
from redrive.services.lambda_ import invoke, ledger, reporting
from redrive.services.lambda_ import state as function_state
from redrive.services.lambda_.esm import (
    attempts,
    checkpoints,
    filter_criteria,
    mapping,
    stream_failures,
    stream_filtering,
    stream_lanes,
    stream_mapping,
)
from redrive.services.lambda_.esm import stream_retry as retry
from redrive.services.lambda_.esm.state import Doc
from redrive.services.lambda_.esm.stream_lanes import Lane as _Shard
from redrive.services.lambda_.esm.stream_sources import Found, Position, source

if TYPE_CHECKING:
    from redrive.services.lambda_.service import LambdaService

PAYLOAD_MAX = 6 * 1024 * 1024  # STRM-4
RETRY_SOURCE_S = 60.0  # a missing stream or function is looked for again after this
DISCARDED = "discarded"  # a ledger outcome: records dropped without an invocation


class StreamPoller:
    """Polls every shard of one stream for one mapping while the mapping is enabled."""

    def __init__(self, service: LambdaService, account: str, region: str, doc: Doc) -> None:
        self.service = service
        self.platform = service.platform
        self.account, self.region = account, region
        self.doc = doc
        self.factor = stream_mapping.factor(doc)  # lanes per shard (fixed: a change restarts)
        self.arn = str(doc["EventSourceArn"])
        self.source = source(self.platform, self.arn.split(":")[2])
        self._filters = filter_criteria.patterns(doc)
        #: per lane (shard id, lane number): the records that matched no filter, by sequence
        #: number, not yet listed in a ledger entry
        self._filtered: dict[tuple[str, int], list[str]] = {}
        self._lanes: dict[str, list[_Shard]] = {}
        #: each shard's checkpoint as stored
        self._marks: dict[str, str | None] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopped = False
        self._timer: Handle | None = None

    def start(self) -> None:
        self._timer = self.platform.scheduler.call_soon(self._discover)

    def reconfigure(self, doc: Doc) -> None:
        """New settings: batches read from now on use them (one formed already is kept)."""
        self.doc = doc
        self._filters = filter_criteria.patterns(doc)

    async def stop(self) -> None:
        """Stop; a batch in flight ends without a checkpoint (it is read again later)."""
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
        for lanes in self._lanes.values():
            for shard in lanes:
                self._cancel_waits(shard)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def _discover(self) -> None:
        if self._stopped:
            return
        try:
            shard_ids = self.source.shard_ids(self.arn)
        except ServiceError:  # the stream is gone: look again later (the mapping stays)
            self._timer = self.platform.scheduler.call_later(RETRY_SOURCE_S, self._discover)
            return
        for shard_id in shard_ids:
            with self.platform.store.transaction() as txn:
                at = checkpoints.get(txn, self._where(shard_id))
                if at is None and self.doc["StartingPosition"] == "LATEST":
                    latest = self.source.latest(self.arn, shard_id)
                    checkpoints.put(txn, self._where(shard_id), latest)
                    at = Position(after=latest)
            if at is None:
                at = Position(timestamp=self.doc.get("StartingPositionTimestamp"))
            self._marks[shard_id] = at.after
            lanes = self._lanes[shard_id] = [
                _Shard(shard_id, at, lane=n) for n in range(self.factor)
            ]
            for shard in lanes:
                self.platform.scheduler.call_soon(functools.partial(self._poll, shard))

    # -- reading --------------------------------------------------------------------------------

    def _poll(self, shard: _Shard) -> None:
        if self._stopped or shard.busy:
            return
        self._cancel_waits(shard)
        if not shard.batch and shard.halves:
            shard.batch, shard.retries = shard.halves.pop(0)
            shard.invocations = 0
        if not shard.batch and not self._read(shard):
            return
        self._attempt(shard)

    def _read(self, shard: _Shard) -> bool:
        """Form the next batch; False when it waits (for records or the batching window)."""
        size = int(self.doc["BatchSize"])
        window = int(self.doc["MaximumBatchingWindowInSeconds"])
        try:
            got, dropped = self._read_passing(shard, size)
        except ServiceError:
            self._later(shard, RETRY_SOURCE_S, self._poll)
            return False
        now, found = self.platform.now(), got.records
        if not found:  # nothing of this lane (that passes) up to the end of the shard
            shard.position = got.end
            if dropped:
                self._record_filtered(shard, dropped)
            self._wait(shard, shard.position)
            return False
        shard.first_at = shard.first_at if shard.first_at is not None else now
        if len(found) < size and window > 0 and now < shard.first_at + window:
            shard.timer = self.platform.scheduler.call_at(
                shard.first_at + window, lambda: self._poll(shard)
            )
            self._wait(shard, got.end)
            return False
        shard.first_at = None
        shard.batch, shard.retries, shard.invocations = _within_payload(found), 0, 0
        shard.prev = got.prev
        shard.scanned = got.end
        if len(shard.batch) < len(found):
            shard.scanned = Position(after=shard.batch[-1].sequence_number)
            # the records after the batch are read again for the next one
            last = int(shard.batch[-1].sequence_number)
            dropped = [record for record in dropped if int(record.sequence_number) < last]
        if dropped:
            self._filtered.setdefault(self._lane_key(shard), []).extend(_seqs(dropped))
            self._checkpoint(shard)  # past the dropped records before the batch, if any
        return True

    def _read_passing(
        self, shard: _Shard, size: int
    ) -> tuple[stream_lanes.Read, list[Found]]:
        """Up to ``size`` records of the lane that pass the filters, and the lane's records read
        before the last of them (or up to the end of the shard) that pass none."""
        role = self._role()
        cursor = _Shard(shard.shard_id, shard.position, lane=shard.lane)
        kept: list[Found] = []
        dropped: list[Found] = []
        prev: dict[str, str | None] = {}
        while True:
            want = size - len(kept)
            got = stream_lanes.read(
                self.source, self.arn, cursor, self.factor, want, region=self.region, role=role
            )
            prev.update(got.prev)
            for record in got.records:
                (kept if self._passes(record) else dropped).append(record)
            if not self._filters or len(got.records) < want or len(kept) == size:
                return stream_lanes.Read(kept, got.end, prev), dropped
            cursor.position = got.end

    def _passes(self, record: Found) -> bool:
        return stream_filtering.passes(self._filters, self.source.service, record.entry)

    def _wait(self, shard: _Shard, at: Position) -> None:
        try:
            future = self.source.when_available(self.arn, shard.shard_id, at)
        except ServiceError:
            self._later(shard, RETRY_SOURCE_S, self._poll)
            return
        shard.waiting = future

        def woken(done: asyncio.Future[None]) -> None:
            if done.cancelled() or shard.waiting is not done:
                return
            shard.waiting = None
            self.platform.scheduler.call_soon(lambda: self._poll(shard))

        future.add_done_callback(woken)

    def _later(self, shard: _Shard, delay: float, then: Any) -> None:
        shard.timer = self.platform.scheduler.call_later(delay, lambda: then(shard))

    def _cancel_waits(self, shard: _Shard) -> None:
        if shard.timer is not None:
            shard.timer.cancel()
            shard.timer = None
        if shard.waiting is not None:
            waiting, shard.waiting = shard.waiting, None
            waiting.cancel()

    # -- invoking -------------------------------------------------------------------------------

    def _spec(self) -> FunctionSpec:
        return self.service.function_spec(
            self.account, self.region, str(self.doc["FunctionName"]), self.doc.get("Qualifier")
        )

    def _role(self) -> str:
        with self.platform.store.transaction() as txn:
            doc = function_state.get_function(
                txn, self.account, self.region, str(self.doc["FunctionName"])
            )
        return str(doc["Role"]) if doc else ""

    def _attempt(self, shard: _Shard) -> None:
        if self._stopped or shard.busy:
            return
        try:
            spec = self._spec()
        except ServiceError:
            self._later(shard, RETRY_SOURCE_S, self._attempt)
            return
        now = self.platform.now()
        old = self._too_old(shard.batch, now)
        if old:
            self._discard_old(shard, spec, old, now)
            return
        payload = json.dumps({"Records": [found.entry for found in shard.batch]}).encode()
        qualifier = self.doc.get("Qualifier")
        started = attempts.start(
            self.service, spec, payload, qualifier=qualifier, label=f"mapping {self.doc['UUID']}"
        )
        if isinstance(started, str):
            self._throttled(shard, spec, started, now)
            return
        shard.busy, shard.throttles = True, 0
        shard.invocations += 1
        age_ms = max(0.0, (now - shard.batch[-1].arrival) * 1000.0)
        with self.platform.store.transaction():
            reporting.record_metrics(  # STRM-18, OBS-9
                self.platform, spec, [("IteratorAge", age_ms, "Milliseconds")],
                timestamp=now, qualifier=qualifier,
            )
        attempts.follow(started, self._finish(shard, list(shard.batch), started), self._tasks)

    def _too_old(self, batch: list[Found], now: float) -> list[Found]:
        """The leading records past MaximumRecordAgeInSeconds or the stream's retention."""
        limit = float(self.source.retention_s(self.arn))
        if int(self.doc["MaximumRecordAgeInSeconds"]) != -1:
            limit = min(limit, float(self.doc["MaximumRecordAgeInSeconds"]))
        old = 0
        while old < len(batch) and now - batch[old].arrival > limit:
            old += 1
        return batch[:old]

    def _throttled(self, shard: _Shard, spec: FunctionSpec, reason: str, now: float) -> None:
        """Not counted as a retry (STRM-7): try the same batch again after a backoff."""
        shard.throttles += 1
        delay = retry.backoff(shard.throttles)
        with self.platform.store.transaction() as txn:
            reporting.record_metrics(
                self.platform, spec, [("Throttles", 1.0, "Count")], timestamp=now,
                qualifier=self.doc.get("Qualifier"),
            )
            ledger.record(txn, self.account, {
                **self._entry(spec, shard, now), "outcome": ledger.THROTTLED,
                "error_type": "TooManyRequestsException", "reason": reason, "backoff_s": delay,
                **self._take_filtered(shard),
            })
        self._later(shard, delay, self._attempt)

    def _discard_old(self, shard: _Shard, spec: FunctionSpec, old: list[Found], now: float) -> None:
        """STRM-8: the old records go without an invocation; the rest stays the batch."""
        entry = self._entry(spec, shard, now)
        shard.batch = shard.batch[len(old):]
        stream_lanes.settle(shard)
        with self.platform.store.transaction() as txn:
            sent = self._send_failure(
                shard, spec, old, request_id=None, condition=retry.RECORD_AGE_EXCEEDED,
                function_error=None, now=now,
            )
            ledger.record(txn, self.account, {
                **entry, "outcome": DISCARDED,
                "condition": retry.RECORD_AGE_EXCEEDED, "discarded": _seqs(old),
                "on_failure": sent, "checkpoint": self._checkpoint(shard),
                **self._take_filtered(shard),
            })
        self.platform.scheduler.call_soon(lambda: self._poll(shard))

    async def _finish(self, shard: _Shard, batch: list[Found], attempt: attempts.Attempt) -> None:
        try:
            outcome = await attempt.outcome()
        finally:
            shard.busy = False
        if self._stopped:
            return
        spec, now = attempt.spec, self.platform.now()
        decision = retry.decide(
            outcome, batch,
            report_failures=(
                mapping.REPORT_BATCH_ITEM_FAILURES in self.doc["FunctionResponseTypes"]
            ),
            bisect=bool(self.doc["BisectBatchOnFunctionError"]),
            retries=shard.retries,
            max_retries=int(self.doc["MaximumRetryAttempts"]),
        )
        sent = None
        if decision.halves:
            shard.halves[:0] = [(half, shard.retries) for half in decision.halves]
            shard.batch = []
        elif decision.retry:
            shard.batch, shard.retries = decision.retry, shard.retries + 1
        else:
            shard.batch = []
        stream_lanes.settle(shard)
        with self.platform.store.transaction() as txn:
            stream_mapping.processed(
                txn, self.account, self.region, str(self.doc["UUID"]), outcome.kind == "success"
            )
            if decision.discard:
                sent = self._send_failure(
                    shard, spec, decision.discard, request_id=attempt.request_id,
                    condition=retry.RETRY_ATTEMPTS_EXHAUSTED,
                    function_error=decision.function_error, now=now,
                )
            invoke.finish_attempt(
                self.service, spec, outcome, invocation_type="RequestResponse",
                running=attempt.running, qualifier=self.doc.get("Qualifier"),
                details={
                    **self._about(shard, batch), "attempt": shard.invocations,
                    "processed": _seqs(decision.done), "retried": _seqs(decision.retry),
                    "bisected": [_seqs(half) for half in decision.halves],
                    "discarded": _seqs(decision.discard), "on_failure": sent,
                    "checkpoint": self._checkpoint(shard), **self._take_filtered(shard),
                },
            )
        if decision.retry:
            self._later(shard, retry.backoff(shard.retries), self._attempt)
            return
        self.platform.scheduler.call_soon(lambda: self._poll(shard))

    def _checkpoint(self, shard: _Shard) -> str | None:
        """Move the shard's checkpoint up to what all its lanes are done with; the new one."""
        mark = stream_lanes.done_through(self._lanes[shard.shard_id])
        stored = self._marks.get(shard.shard_id)
        if mark is None or (stored is not None and int(mark) <= int(stored)):
            return None
        with self.platform.store.transaction() as txn:
            checkpoints.put(txn, self._where(shard.shard_id), mark)
        self._marks[shard.shard_id] = mark
        return mark

    def _lane_key(self, shard: _Shard) -> tuple[str, int]:
        return (shard.shard_id, shard.lane)

    def _take_filtered(self, shard: _Shard) -> dict[str, list[str]]:
        """``{"filtered": [sequence numbers]}`` for a ledger entry of a lane of a mapping with
        filters (``{}`` without); each dropped record is listed once."""
        pending = self._filtered.pop(self._lane_key(shard), [])
        if not self._filters and not pending:
            return {}
        return {"filtered": pending}

    def _record_filtered(self, shard: _Shard, dropped: list[Found]) -> None:
        """A read found only records that match no filter: a ledger entry, no invocation, and
        the checkpoint past them (when no other lane is behind)."""
        self._filtered.setdefault(self._lane_key(shard), []).extend(_seqs(dropped))
        try:
            spec: FunctionSpec | None = self._spec()
        except ServiceError:
            spec = None  # the function is gone: the entry still says what was dropped
        with self.platform.store.transaction() as txn:
            ledger.record(txn, self.account, {
                **self._entry(spec, shard, self.platform.now()), "outcome": ledger.FILTERED,
                "attempt": 0, "checkpoint": self._checkpoint(shard),
                **self._take_filtered(shard),
            })

    def _where(self, shard_id: str) -> checkpoints.Where:
        return (self.account, self.region, str(self.doc["UUID"]), shard_id)

    def _send_failure(
        self, shard: _Shard, spec: FunctionSpec, records: list[Found], *,
        request_id: str | None, condition: str, function_error: str | None, now: float,
    ) -> dict[str, Any] | None:
        target = stream_mapping.on_failure(self.doc)
        if target is None:
            return None
        failure = stream_failures.record(
            self.source, spec, records,
            request_id=request_id or self.platform.rng.uuid4("request-ids"),
            condition=condition, invoke_count=shard.invocations,
            function_error=function_error, shard=shard.shard_id, stream_arn=self.arn, now=now,
        )
        return stream_failures.send(self.service, spec, target, failure, now=now)

    def _about(self, shard: _Shard, batch: list[Found]) -> Doc:
        """What every ledger entry of a batch says of it."""
        return {
            "source": "event-source-mapping", "mapping": self.doc["UUID"],
            "event_source": self.arn, "shard": shard.shard_id, "lane": shard.lane,
            "records": _seqs(batch),
        }

    def _entry(self, spec: FunctionSpec | None, shard: _Shard, now: float) -> Doc:
        """A ledger entry of a batch that was not invoked (throttled, discarded, filtered)."""
        return {
            "request_id": None,
            "function": spec.function_name if spec else self.doc["FunctionName"],
            "region": spec.region if spec else self.region,
            "version": spec.version if spec else None, "invocation_type": "RequestResponse",
            "attempt": shard.invocations, "started_at": now, "ended_at": now, "cold": False,
            "duration_ms": 0.0, "environment": None, **self._about(shard, shard.batch),
        }


def _seqs(records: list[Found]) -> list[str]:
    return [found.sequence_number for found in records]


def _within_payload(found: list[Found]) -> list[Found]:
    """The leading records whose event stays under 6 MB (at least one)."""
    total = 0
    for count, record in enumerate(found):
        total += len(json.dumps(record.entry)) + 2
        if total > PAYLOAD_MAX and count > 0:
            return found[:count]
    return found
