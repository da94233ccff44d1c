"""Invoke: RequestResponse and DryRun (INV); Event comes with asynchronous invocation.

The path of a synchronous invoke: resolve the function (404s), check the payload (INV-7,
INV-9), take a concurrency slot or answer 429 (CONC-7/8), hand the event to the runtime and
let emulated time pass until the result is ready (under the virtual clock the clock jumps
while the handler sleeps, and other due work runs in order meanwhile), then write the log
lines, metrics and ledger entry, and answer 200 with the result or the error object (INV-3).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from redrive.errors import ServiceError
from redrive.runtime import FunctionSpec, Invocation, LogLine, Outcome
from redrive.services._base import Output, Params, RequestContext
from redrive.services.lambda_ import arns, ledger, reporting

if TYPE_CHECKING:
    from redrive.services.lambda_.service import LambdaService

#: INV-7: request payload limits by invocation type
SYNC_PAYLOAD_LIMIT = 6_291_456
ASYNC_PAYLOAD_LIMIT = 1_048_576
#: INV-8 / ERR-6: the largest synchronous response
RESPONSE_LIMIT = 6_291_556
#: INV-1: base64 ClientContext limit
CLIENT_CONTEXT_LIMIT = 3583


def _too_large(size: int, invocation_type: str, limit: int) -> ServiceError:
    return ServiceError(
        "RequestEntityTooLargeException",
        f"{size} byte payload is too large for the {invocation_type} invocation type "
        f"(limit {limit} bytes)",
        413,
        fields={"Type": "User"},
    )


def check_payload(payload: bytes, invocation_type: str) -> bytes:
    """The payload to hand to the function, or the invocation error AWS gives (INV-7, INV-9)."""
    limit = ASYNC_PAYLOAD_LIMIT if invocation_type == "Event" else SYNC_PAYLOAD_LIMIT
    if len(payload) > limit:
        raise _too_large(len(payload), invocation_type, limit)
    if not payload.strip():
        return b"{}"  # no payload: the handler gets an empty object
    try:
        json.loads(payload)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ServiceError(
            "InvalidRequestContentException",
            f"Could not parse request body into json: Could not parse payload into json: {exc}",
            400,
            fields={"Type": "User"},
        ) from exc
    return payload


def check_client_context(value: str | None) -> str | None:
    """ClientContext must be base64 of a JSON object, at most 3583 bytes (INV-1)."""
    if value is None:
        return None
    if len(value) > CLIENT_CONTEXT_LIMIT:
        raise ServiceError(
            "InvalidParameterValueException",
            f"Client context must be no longer than {CLIENT_CONTEXT_LIMIT} bytes "
            "once base64 encoded.",
            fields={"Type": "User"},
        )
    try:
        decoded = base64.b64decode(value, validate=True)
        json.loads(decoded)
    except (binascii.Error, ValueError) as exc:
        raise ServiceError(
            "InvalidRequestContentException",
            "Client context must be a valid Base64-encoded JSON object.",
            fields={"Type": "User"},
        ) from exc
    return value


def oversized(outcome: Outcome) -> Outcome:
    """A result over 6,291,556 bytes becomes Function.ResponseSizeTooLarge (INV-8, ERR-6)."""
    if outcome.kind != "success" or len(outcome.payload) <= RESPONSE_LIMIT:
        return outcome
    outcome.kind = "error"
    outcome.error_type = "Function.ResponseSizeTooLarge"
    outcome.payload = json.dumps(
        {
            "errorMessage": "Response payload size exceeded maximum allowed payload size "
            f"({RESPONSE_LIMIT} bytes).",
            "errorType": "Function.ResponseSizeTooLarge",
        }
    ).encode()
    return outcome


async def invoke(service: LambdaService, ctx: RequestContext, params: Params) -> Output:
    """The Invoke operation."""
    platform = service.platform
    invocation_type = params.get("InvocationType", "RequestResponse")
    with platform.store.transaction():
        spec = service.function_spec(
            ctx.account_id, ctx.region, params["FunctionName"], params.get("Qualifier")
        )
    # the qualifier the caller named, in the Qualifier parameter or in the name (VER-5)
    qualifier = arns.resolve(
        params["FunctionName"],
        account_id=ctx.account_id,
        region=ctx.region,
        qualifier=params.get("Qualifier"),
    ).qualifier
    payload = check_payload(params.get("Payload") or b"", invocation_type)
    client_context = check_client_context(params.get("ClientContext"))
    if invocation_type == "Event":
        # ASYNC-1: committed before the 202; everything after happens in the queue
        service.async_queue.enqueue(
            spec,
            qualifier=qualifier,
            payload=payload,
            request_id=ctx.request_id,
            client_context=client_context,
        )
        return {"StatusCode": 202, "Payload": b""}
    if invocation_type == "DryRun":
        return {"StatusCode": 204}  # INV-18: validated, not run, no logs, no metrics

    key = (spec.account_id, spec.region, spec.function_name)
    with platform.store.transaction():
        reserved = service.reserved_concurrency(spec.account_id, spec.region, spec.function_name)
        pool = service.unreserved_concurrency(spec.account_id, spec.region)
    reason = service.concurrency.try_acquire(key, reserved=reserved, unreserved_pool=pool)
    if reason is not None:
        _record_throttle(service, spec, ctx.request_id, invocation_type, qualifier)
        raise ServiceError(
            "TooManyRequestsException",
            "Rate Exceeded.",
            429,
            fields={"Reason": reason, "Type": "User"},
        )
    try:
        # OBS-6: instances running as this one starts (read it with the Maximum statistic);
        # written with the attempt's other data points, stamped with the same start time.
        running = service.concurrency.running(key)
        invocation = Invocation(
            request_id=ctx.request_id,
            payload=payload,
            invoked_function_arn=invoked_arn(spec, qualifier),
            client_context=client_context,
        )
        outcome = await run_attempt(service, spec, invocation)
    finally:
        service.concurrency.release(key, reserved=reserved)

    lines = finish_attempt(
        service,
        spec,
        outcome,
        invocation_type=invocation_type,
        running=running,
        qualifier=qualifier,
    )
    output: Output = {
        "StatusCode": 200,
        "ExecutedVersion": spec.version,
        "Payload": outcome.payload,
    }
    if outcome.kind != "success":
        output["FunctionError"] = "Unhandled"  # INV-3: always Unhandled
    if params.get("LogType") == "Tail":
        output["LogResult"] = reporting.log_tail(lines)
    return output


async def run_attempt(
    service: LambdaService, spec: FunctionSpec, invocation: Invocation
) -> Outcome:
    """Run one attempt in an environment, letting emulated time pass until it is done."""
    # submit() holds the clock from this call on, so no jump can slip in before the
    # environment takes over; run_until then lets time pass until the result is there.
    attempt = service.runtime.submit(spec, invocation)
    await service.platform.scheduler.run_until(attempt)
    return oversized(attempt.result())


def finish_attempt(
    service: LambdaService,
    spec: FunctionSpec,
    outcome: Outcome,
    *,
    invocation_type: str,
    running: int,
    qualifier: str | None = None,
    details: dict[str, Any] | None = None,
) -> list[LogLine]:
    """Write the attempt's log lines, metrics (OBS-2..6) and ledger entry; return the lines.

    ``running`` is the function's number of invocations in flight when this one started;
    ``qualifier`` the one the caller named (metrics' Resource dimension, OBS-1); ``details``
    are added to the ledger entry (an async attempt's number and what follows it).
    """
    platform = service.platform
    lines = reporting.report_lines(
        outcome,
        version=spec.version,
        memory_mb=spec.memory_mb,
        runtime=reporting.runtime_version(spec.runtime, spec.region),
    )
    with service.platform.store.transaction() as txn:
        reporting.write_logs(platform, spec, outcome.log_stream, lines)
        points = [
            ("Invocations", 1.0, "Count"),
            ("Duration", outcome.duration_ms, "Milliseconds"),
            ("ConcurrentExecutions", float(running), "Count"),
        ]
        if outcome.kind != "success":
            points.append(("Errors", 1.0, "Count"))
        # OBS-1: a data point is stamped with the invocation's start
        reporting.record_metrics(
            platform, spec, points, timestamp=outcome.started_at, qualifier=qualifier
        )
        ledger.record(
            txn,
            spec.account_id,
            {
                "request_id": outcome.request_id,
                "function": spec.function_name,
                "region": spec.region,
                "version": spec.version,
                "qualifier": qualifier,
                "invocation_type": invocation_type,
                "attempt": 1,
                "started_at": outcome.started_at,
                "ended_at": outcome.ended_at,
                "outcome": ledger.classify(outcome),
                "error_type": outcome.error_type,
                "cold": outcome.cold,
                "duration_ms": round(outcome.duration_ms, 2),
                "environment": outcome.environment_id,
                **(details or {}),
            },
        )
    return lines


def _record_throttle(
    service: LambdaService,
    spec: FunctionSpec,
    request_id: str,
    invocation_type: str,
    qualifier: str | None,
) -> None:
    """A throttled request: Throttles +1, no Invocations (CONC-7, CONC-11), a ledger entry."""
    platform = service.platform
    now = platform.now()
    with platform.store.transaction() as txn:
        reporting.record_metrics(
            platform, spec, [("Throttles", 1.0, "Count")], timestamp=now, qualifier=qualifier
        )
        ledger.record(
            txn,
            spec.account_id,
            {
                "request_id": request_id,
                "function": spec.function_name,
                "region": spec.region,
                "version": spec.version,
                "qualifier": qualifier,
                "invocation_type": invocation_type,
                "attempt": 1,
                "started_at": now,
                "ended_at": now,
                "outcome": ledger.THROTTLED,
                "error_type": "TooManyRequestsException",
                "cold": False,
                "duration_ms": 0.0,
                "environment": None,
            },
        )


def invoked_arn(spec: FunctionSpec, qualifier: str | None) -> str:
    """The ARN the caller invoked: qualified when it named a qualifier (context's
    ``invoked_function_arn``)."""
    return spec.function_arn if not qualifier else f"{spec.function_arn}:{qualifier}"
