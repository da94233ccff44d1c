"""Handing a mapping's batch to the function: shared by the SQS and stream pollers.

:func:`start` takes a concurrency slot (or says why the function is throttled) and submits
the event to the runtime. From the moment the runtime knows the outcome until the poller has
decided what follows (delete, retry, checkpoint), a :class:`~redrive.kernel.Deferral` holds the
virtual clock, so no jump slips in between outcome and decision (as in the async queue).
:func:`follow` runs the poller's coroutine that awaits :meth:`Attempt.outcome` and decides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redrive.kernel import Deferral
from redrive.runtime.types import FunctionSpec, Invocation, Outcome
from redrive.services.lambda_ import invoke

if TYPE_CHECKING:
    from redrive.services.lambda_.service import LambdaService


@dataclass
class Attempt:
    """One invocation of a batch in flight, holding a concurrency slot until its outcome."""

    service: LambdaService
    spec: FunctionSpec
    request_id: str
    reserved: int | None
    #: the function's invocations in flight when this one started (ConcurrentExecutions)
    running: int
    task: asyncio.Task[Outcome] | None = None
    deferrals: list[Deferral] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.spec.account_id, self.spec.region, self.spec.function_name)

    async def outcome(self) -> Outcome:
        """The attempt's outcome (an oversized response is an error); frees the slot."""
        assert self.task is not None
        try:
            return invoke.oversized(await self.task)
        finally:
            self.service.concurrency.release(self.key, reserved=self.reserved)


def start(
    service: LambdaService,
    spec: FunctionSpec,
    payload: bytes,
    *,
    qualifier: str | None,
    label: str,
) -> Attempt | str:
    """Submit ``payload`` to the function, or return the reason it is throttled."""
    platform = service.platform
    with platform.store.transaction():
        reserved = service.reserved_concurrency(spec.account_id, spec.region, spec.function_name)
        pool = service.unreserved_concurrency(spec.account_id, spec.region)
    key = (spec.account_id, spec.region, spec.function_name)
    reason = service.concurrency.try_acquire(key, reserved=reserved, unreserved_pool=pool)
    if reason is not None:
        return reason
    attempt = Attempt(
        service, spec, platform.rng.uuid4("request-ids"), reserved, service.concurrency.running(key)
    )
    invocation = Invocation(
        request_id=attempt.request_id,
        payload=payload,
        invoked_function_arn=invoke.invoked_arn(spec, qualifier),
    )

    def on_outcome(_outcome: Outcome) -> None:
        attempt.deferrals.append(platform.scheduler.defer(f"{label} outcome"))

    try:
        attempt.task = service.runtime.submit(spec, invocation, on_outcome=on_outcome)
    except BaseException:
        service.concurrency.release(key, reserved=reserved)
        raise
    return attempt


def follow(
    attempt: Attempt, decide: Coroutine[Any, Any, None], tasks: set[asyncio.Task[None]]
) -> None:
    """Run ``decide`` (which awaits ``attempt.outcome()``); the clock is released after it."""
    task = asyncio.get_running_loop().create_task(decide)

    def settled(_task: asyncio.Task[None]) -> None:
        for held in attempt.deferrals:
            held.release()

    task.add_done_callback(settled)
    tasks.add(task)
    task.add_done_callback(tasks.discard)
