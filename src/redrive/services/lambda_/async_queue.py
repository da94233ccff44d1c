"""The asynchronous invocation queue: accept, try, retry, and end every event (ASYNC, DEST).

The path of an event (DESIGN.md, Layers): ``Invoke`` with InvocationType ``Event`` checks the
function and payload and commits the event (:mod:`.async_events`) before answering 202
(ASYNC-1, ASYNC-2). A scheduler item at ``next_try_at`` makes a *try*:

* reserved concurrency 0 → the event is given up at once, never run (ASYNC-9);
* no concurrency free → a throttled try: ``Throttles`` +1, back to the queue with backoff
  (ASYNC-8), not a retry (ASYNC-5);
* otherwise an *attempt*: the runtime runs the handler; a function error or timeout is
  retried per :mod:`.retry_policy` (ASYNC-3) with the same request id (ASYNC-4).

Every try samples ``AsyncEventAge``; the event's fate (ASYNC-10) sends the invocation record
to the OnSuccess / OnFailure destination and the event to the dead-letter queue
(:mod:`.destinations`), counts ``AsyncEventsDropped`` for failures (OBS-8), and is written
to the ledger with every try, backoff and delivery. Each step commits before the next is
scheduled, so after a crash the queue resumes from the store: an attempt that was running
when the process died is tried again (at-least-once, ASYNC-14) and the ledger says so.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from redrive.errors import ServiceError
from redrive.kernel import Deferral, Handle
from redrive.runtime.types import FunctionSpec, Invocation, Outcome
from redrive.services.lambda_ import (
    arns,
    async_events,
    destinations,
    invoke,
    ledger,
    qualifiers,
    records,
    reporting,
    retry_policy,
)
from redrive.services.lambda_ import constants as c
from redrive.services.lambda_.event_invoke_config import EventInvokeSettings
from redrive.store import Transaction

if TYPE_CHECKING:
    from redrive.services.lambda_.service import LambdaService

_RNG_STREAM = "lambda.async-retry"


class AsyncQueue:
    """The per-account internal queues of asynchronous events, backed by the store."""

    def __init__(self, service: LambdaService) -> None:
        self.service = service
        self.platform = service.platform
        self._handles: dict[tuple[str, str], Handle] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Schedule every queued event; an attempt lost with the last process runs again."""
        with self.platform.store.transaction() as txn:
            queued = list(async_events.every(txn))
            for account, doc in queued:
                if doc.get("running"):
                    doc["running"] = False
                    doc["next_try_at"] = self.platform.now()
                    async_events.put(txn, account, doc)
                    self._ledger(txn, account, doc, {
                        "kind": "attempt",
                        "attempt": doc["tries"],
                        "outcome": "interrupted",
                        "error_type": None,
                        "reason": "redrive stopped while the attempt ran; it is tried again",
                    })
        for account, doc in queued:
            self._schedule(account, doc["request_id"], float(doc["next_try_at"]))

    async def stop(self) -> None:
        """Stop trying; attempts still running are tried again after a restart."""
        self._stopping = True
        for handle in self._handles.values():
            handle.cancel()
        self._handles.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- accepting ------------------------------------------------------------------------------

    def enqueue(
        self,
        spec: FunctionSpec,
        *,
        qualifier: str | None,
        payload: bytes,
        request_id: str,
        client_context: str | None = None,
        source: str = "Invoke",
    ) -> None:
        """Commit a new event (inside the caller's transaction, if any) and schedule its try."""
        now = self.platform.now()
        doc: async_events.Doc = {
            "request_id": request_id,
            "region": spec.region,
            "function": spec.function_name,
            "qualifier": qualifier,
            "payload": payload.decode("utf-8"),
            "client_context": client_context,
            "trace_id": self.trace_header(now),
            "enqueued_at": now,
            "next_try_at": now,
            "tries": 0,
            "invokes": 0,
            "retries": 0,
            "throttles": 0,
            "running": False,
            "last": None,
            "source": source,
        }
        with self.platform.store.transaction() as txn:
            async_events.put(txn, spec.account_id, doc)
            # OBS-8: once per queued event
            reporting.record_metrics(
                self.platform,
                spec,
                [("AsyncEventsReceived", 1.0, "Count")],
                timestamp=now,
                qualifier=qualifier,
            )
            self._ledger(txn, spec.account_id, doc, {
                "kind": "enqueued",
                "source": source,
                "payload_bytes": len(payload),
            })
        # A rolled-back enqueue leaves a scheduled try that finds nothing and does nothing.
        self._schedule(spec.account_id, request_id, now)

    def enqueue_destination(
        self, account: str, region: str, target: str, payload: bytes, *, source_request_id: str
    ) -> str:
        """Invoke the destination function ``target`` asynchronously with ``payload`` (DEST-8),
        as a caller in ``account`` / ``region``; returns the new event's request id.

        Raises the ServiceError Invoke would answer (no such function, payload too large).
        """
        spec = self.service.function_spec(account, region, target)
        invoke.check_payload(payload, "Event")
        ref = arns.parse(target)
        request_id = self.platform.rng.uuid4("request-ids")
        self.enqueue(
            spec,
            qualifier=ref.qualifier if ref is not None else None,
            payload=payload,
            request_id=request_id,
            source=f"destination of {source_request_id}",
        )
        return request_id

    # -- trying ---------------------------------------------------------------------------------

    def _schedule(self, account: str, request_id: str, when: float) -> None:
        if self._stopping:
            return
        key = (account, request_id)
        previous = self._handles.pop(key, None)
        if previous is not None:
            previous.cancel()
        self._handles[key] = self.platform.scheduler.call_at(
            when, lambda: self._try(account, request_id)
        )

    def _try(self, account: str, request_id: str) -> None:
        """A scheduled try (a scheduler callback: it starts the attempt before returning)."""
        self._handles.pop((account, request_id), None)
        if self._stopping:
            return
        platform, service = self.platform, self.service
        now = platform.now()
        with platform.store.transaction() as txn:
            doc = async_events.get(txn, account, request_id)
            if doc is None or doc["running"]:
                return  # ended meanwhile, or a try is already under way
            try:
                spec = service.function_spec(
                    account, doc["region"], doc["function"], doc["qualifier"]
                )
            except ServiceError as exc:
                self._drop_orphan(txn, account, doc, exc)
                return
            settings = service.event_invoke_settings(
                account, spec.region, spec.function_name, doc["qualifier"]
            )
            reserved = service.reserved_concurrency(account, spec.region, spec.function_name)
            if reserved == 0:  # ASYNC-9: dropped at once, never run, no Throttles
                zero = retry_policy.ZERO_RESERVED_CONCURRENCY
                self._end(txn, account, doc, spec, settings, condition=zero)
                return
            if now > doc["enqueued_at"] + settings.max_event_age_seconds:
                self._end(
                    txn, account, doc, spec, settings, condition=retry_policy.EVENT_AGE_EXCEEDED
                )
                return
            doc["tries"] += 1
            age_ms = (now - doc["enqueued_at"]) * 1000.0
            key = (account, spec.region, spec.function_name)
            pool = service.unreserved_concurrency(account, spec.region)
            reason = service.concurrency.try_acquire(key, reserved=reserved, unreserved_pool=pool)
            if reason is not None:
                self._throttled(
                    txn, account, doc, spec=spec, reason=reason, age_ms=age_ms, settings=settings
                )
                return
            running = service.concurrency.running(key)
            doc["invokes"] += 1
            doc["running"] = True
            async_events.put(txn, account, doc)
            reporting.record_metrics(
                platform,
                spec,
                [("AsyncEventAge", age_ms, "Milliseconds")],
                timestamp=now,
                qualifier=doc["qualifier"],
            )
        invocation = Invocation(
            request_id=request_id,
            payload=doc["payload"].encode(),
            invoked_function_arn=invoke.invoked_arn(spec, doc["qualifier"]),
            client_context=doc["client_context"],
            trace_id=doc["trace_id"],
        )
        # The clock must not move between the outcome and the decision on what follows it
        # (the retry is scheduled from the attempt's end): a deferral spans that gap.
        deferral: list[Deferral] = []

        def on_outcome(_outcome: Outcome) -> None:
            deferral.append(platform.scheduler.defer(f"async outcome {request_id}"))

        try:
            # submit() holds the clock from here on: no jump slips in before the attempt runs
            attempt = service.runtime.submit(spec, invocation, on_outcome=on_outcome)
        except BaseException:
            service.concurrency.release(key, reserved=reserved)
            raise
        task = asyncio.get_running_loop().create_task(
            self._finish(account, spec, attempt, reserved=reserved, running=running)
        )
        def settled(_task: asyncio.Task[None]) -> None:
            for held in deferral:
                held.release()

        task.add_done_callback(settled)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _throttled(
        self,
        txn: Transaction,
        account: str,
        doc: async_events.Doc,
        *,
        spec: FunctionSpec,
        reason: str,
        age_ms: float,
        settings: EventInvokeSettings,
    ) -> None:
        """No concurrency free: back to the queue with backoff (ASYNC-8), or too old."""
        now = self.platform.now()
        doc["throttles"] += 1
        reporting.record_metrics(
            self.platform,
            spec,
            [("Throttles", 1.0, "Count"), ("AsyncEventAge", age_ms, "Milliseconds")],
            timestamp=now,
            qualifier=doc["qualifier"],
        )
        decision = retry_policy.after_throttle(
            now=now,
            enqueued_at=doc["enqueued_at"],
            throttles=doc["throttles"],
            max_age_s=settings.max_event_age_seconds,
            rng=self.platform.rng.stream(_RNG_STREAM),
        )
        self._ledger(txn, account, doc, {
            "kind": "attempt",
            "attempt": doc["tries"],
            "outcome": ledger.THROTTLED,
            "error_type": "TooManyRequestsException",
            "reason": reason,
            "event_age_ms": round(age_ms, 3),
            **_next(decision),
        })
        if decision.condition is not None:
            self._end(txn, account, doc, spec, settings, condition=decision.condition)
            return
        assert decision.next_try_at is not None
        doc["next_try_at"] = decision.next_try_at
        async_events.put(txn, account, doc)
        self._schedule(account, doc["request_id"], decision.next_try_at)

    async def _finish(
        self,
        account: str,
        spec: FunctionSpec,
        attempt: asyncio.Task[Outcome],
        *,
        reserved: int | None,
        running: int,
    ) -> None:
        """Wait for the attempt, then record it and decide what comes next (ASYNC-3)."""
        key = (account, spec.region, spec.function_name)
        try:
            # Not run_until: a background attempt is nobody waiting for time (DESIGN.md, Time);
            # the clock moves for it only while its handler computes or someone else waits.
            outcome = invoke.oversized(await attempt)
        finally:
            self.service.concurrency.release(key, reserved=reserved)
        if self._stopping:
            return  # the event stays "running" in the store and is tried again on restart
        request_id = outcome.request_id
        with self.platform.store.transaction() as txn:
            doc = async_events.get(txn, account, request_id)
            if doc is None:
                return
            settings = self.service.event_invoke_settings(
                account, spec.region, spec.function_name, doc["qualifier"]
            )
            failed = outcome.kind != "success"
            doc["running"] = False
            doc["last"] = {"payload": outcome.payload.decode("utf-8", "replace"),
                           "function_error": failed}
            decision = retry_policy.Decision(condition=retry_policy.SUCCESS)
            if failed:
                decision = retry_policy.after_error(
                    ended_at=outcome.ended_at,
                    enqueued_at=doc["enqueued_at"],
                    retries_used=doc["retries"],
                    max_retries=settings.max_retry_attempts,
                    max_age_s=settings.max_event_age_seconds,
                    rng=self.platform.rng.stream(_RNG_STREAM),
                )
            invoke.finish_attempt(
                self.service,
                spec,
                outcome,
                invocation_type="Event",
                running=running,
                qualifier=doc["qualifier"],
                details={"attempt": doc["tries"], "retry": doc["retries"], **_next(decision)},
            )
            if decision.condition is not None:
                self._end(txn, account, doc, spec, settings, condition=decision.condition)
                return
            assert decision.next_try_at is not None
            doc["retries"] += 1
            doc["next_try_at"] = decision.next_try_at
            async_events.put(txn, account, doc)
        self._schedule(account, request_id, decision.next_try_at)

    # -- fates ----------------------------------------------------------------------------------

    def _end(
        self,
        txn: Transaction,
        account: str,
        doc: async_events.Doc,
        spec: FunctionSpec,
        settings: EventInvokeSettings,
        *,
        condition: str,
    ) -> None:
        """The event's fate (ASYNC-10): deliver it, count it, forget it (DEST-14: at once)."""
        service, platform = self.service, self.platform
        now = platform.now()
        last = doc.get("last")
        response = (
            None
            if last is None
            else records.LastResponse(last["payload"].encode(), bool(last["function_error"]))
        )
        payload = doc["payload"].encode()
        record = records.invocation_record(
            request_id=doc["request_id"],
            function_arn=arns.function_arn(
                account, spec.region, spec.function_name, doc["qualifier"] or c.LATEST
            ),
            condition=condition,
            invoke_count=doc["invokes"],
            request_payload=payload,
            executed_version=spec.version,
            response=None if condition == retry_policy.ZERO_RESERVED_CONCURRENCY else response,
            timestamp=now,
        )
        deliveries: list[destinations.Delivery] = []
        points: list[tuple[str, float, str]] = []
        trace = doc["trace_id"]
        succeeded = condition == retry_policy.SUCCESS
        destination, target = (
            (destinations.ON_SUCCESS, settings.on_success)
            if succeeded
            else (destinations.ON_FAILURE, settings.on_failure)
        )
        if target:
            deliveries.append(destinations.send_record(
                platform, self, destination, target, record,
                account=account, region=spec.region, trace_header=trace,
            ))
        if not succeeded:
            points.append(("AsyncEventsDropped", 1.0, "Count"))  # OBS-8, also when delivered
            # the DeadLetterConfig of the version that ran (frozen per version, VER-2)
            dead_letter = service.dead_letter_target(
                account, spec.region, spec.function_name, spec.version
            )
            if dead_letter:
                attributes = records.dead_letter_attributes(doc["request_id"], response, condition)
                deliveries.append(destinations.send_dead_letter(
                    platform, dead_letter, payload, attributes, trace_header=trace
                ))
        for delivery in deliveries:
            if not delivery.delivered:  # DEST-13, OBS-7
                metric = (
                    "DeadLetterErrors"
                    if delivery.destination == destinations.DEAD_LETTER
                    else "DestinationDeliveryFailures"
                )
                points.append((metric, 1.0, "Count"))
        if points:
            reporting.record_metrics(
                platform, spec, points, timestamp=now, qualifier=doc["qualifier"]
            )
        self._forget(
            txn,
            account,
            doc,
            fate="succeeded" if succeeded else "discarded",
            condition=condition,
            deliveries=[delivery.as_ledger() for delivery in deliveries],
        )

    def _drop_orphan(
        self, txn: Transaction, account: str, doc: async_events.Doc, error: ServiceError
    ) -> None:
        """The function is gone (deleted while the event waited): the event goes with it."""
        self._forget(
            txn,
            account,
            doc,
            fate="dropped",
            condition=None,
            deliveries=[],
            reason=f"{error.code}: {error.message}",
        )

    def _forget(
        self,
        txn: Transaction,
        account: str,
        doc: async_events.Doc,
        *,
        fate: str,
        condition: str | None,
        deliveries: list[dict[str, Any]],
        reason: str | None = None,
    ) -> None:
        """Remove the event from the queue and write its fate to the ledger."""
        async_events.delete(txn, account, doc["request_id"])
        entry: dict[str, Any] = {"kind": "fate", "fate": fate, "condition": condition}
        if reason is not None:
            entry["reason"] = reason
        entry.update(
            approximate_invoke_count=doc["invokes"],
            retries=doc["retries"],
            throttles=doc["throttles"],
            event_age_s=round(self.platform.now() - doc["enqueued_at"], 3),
            deliveries=deliveries,
        )
        self._ledger(txn, account, doc, entry)

    # -- helpers --------------------------------------------------------------------------------

    def _ledger(
        self, txn: Transaction, account: str, doc: async_events.Doc, fields: dict[str, Any]
    ) -> None:
        now = self.platform.now()
        entry: dict[str, Any] = {
            "request_id": doc["request_id"],
            "function": doc["function"],
            "region": doc["region"],
            # an alias's version is known only per attempt (the attempt entries carry it)
            "version": _known_version(doc["qualifier"]),
            "qualifier": doc["qualifier"],
            "invocation_type": "Event",
            "started_at": now,
            "ended_at": now,
        }
        entry.update(fields)
        ledger.record(txn, account, entry)

    def trace_header(self, now: float) -> str:
        """An X-Ray trace header (``Root=1-<epoch hex>-<24 hex>;Sampled=0``)."""
        root = f"1-{int(now):08x}-{self.platform.rng.hex('lambda.trace-id', 24)}"
        return f"Root={root};Sampled=0"


def _known_version(qualifier: str | None) -> str | None:
    """The version an event invoked with ``qualifier`` runs, if the qualifier fixes it."""
    what = qualifiers.kind(qualifier)
    if what == "latest":
        return c.LATEST
    return qualifier if what == "version" else None


def _next(decision: retry_policy.Decision) -> dict[str, Any]:
    """The ledger's note of what a try led to: the backoff chosen, or the condition."""
    if decision.condition is not None:
        return {"next_try_at": None, "backoff_s": None, "gives_up": decision.condition}
    return {
        "next_try_at": decision.next_try_at,
        "backoff_s": None if decision.delay_s is None else round(decision.delay_s, 3),
        "gives_up": None,
    }

