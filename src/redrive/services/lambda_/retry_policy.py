"""When an asynchronous event is tried again, or given up (ASYNC-3, ASYNC-5, ASYNC-7, ASYNC-8).

Pure functions over emulated times and a random generator: the async queue asks them what to
do after each try and records the answer in the ledger.

Function errors (an exception, a timeout, a runtime exit) are retried at most
``MaximumRetryAttempts`` times: the n-th retry starts about ``60 s * 2^(n-1)`` after the failed
attempt ended (ASYNC-3: ≈1 min, then ≈2 min). AWS documents no jitter for these; its observed
gaps were 62 s and 122 s, never shorter, so redrive waits the base delay times a factor drawn
from [1.0, 1.05).

Throttled tries (no concurrency free) are not retries (ASYNC-5): the n-th throttled try waits
``min(300, 2^(n-1)) s`` times a factor drawn from [0.95, 1.25) (ASYNC-8's emulator model; AWS's
observed factors were 0.97 to 1.2), capped at 300 s between tries.

Either way, a next try that would start after the event's maximum age is not waited for: the
event is given up at once with condition ``EventAgeExceeded`` (ASYNC-7, DEST-14).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: ASYNC-3: the first retry after a function error comes about 1 min after the attempt ended,
#: each further one after twice the previous delay
ERROR_RETRY_BASE_S = 60.0
ERROR_RETRY_JITTER = (1.0, 1.05)
#: ASYNC-8: throttle backoff starts near 1 s and doubles, capped at 5 min between tries
THROTTLE_BACKOFF_BASE_S = 1.0
THROTTLE_BACKOFF_CAP_S = 300.0
THROTTLE_BACKOFF_JITTER = (0.95, 1.25)

#: ASYNC-10 conditions
SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"
ZERO_RESERVED_CONCURRENCY = "ZeroReservedConcurrency"


@dataclass(frozen=True)
class Decision:
    """Try again at ``next_try_at`` (after waiting ``delay_s``), or give up with ``condition``."""

    next_try_at: float | None = None
    delay_s: float | None = None
    condition: str | None = None


def error_retry_delay(retry: int, rng: random.Random) -> float:
    """Seconds before retry number ``retry`` (1, 2, ...) after a function error (ASYNC-3)."""
    low, high = ERROR_RETRY_JITTER
    return float(ERROR_RETRY_BASE_S * 2 ** (retry - 1) * rng.uniform(low, high))


def throttle_delay(throttles: int, rng: random.Random) -> float:
    """Seconds before the next try after the ``throttles``-th throttled try (ASYNC-8)."""
    low, high = THROTTLE_BACKOFF_JITTER
    base = THROTTLE_BACKOFF_BASE_S * 2.0 ** min(throttles - 1, 16)
    return min(THROTTLE_BACKOFF_CAP_S, float(base * rng.uniform(low, high)))


def after_error(
    *,
    ended_at: float,
    enqueued_at: float,
    retries_used: int,
    max_retries: int,
    max_age_s: float,
    rng: random.Random,
) -> Decision:
    """What follows a failed attempt that ended at ``ended_at`` (ASYNC-3, ASYNC-7)."""
    if retries_used >= max_retries:
        return Decision(condition=RETRIES_EXHAUSTED)
    delay = error_retry_delay(retries_used + 1, rng)
    return _unless_too_old(ended_at, delay, enqueued_at, max_age_s)


def after_throttle(
    *, now: float, enqueued_at: float, throttles: int, max_age_s: float, rng: random.Random
) -> Decision:
    """What follows the ``throttles``-th throttled try, made at ``now`` (ASYNC-8)."""
    return _unless_too_old(now, throttle_delay(throttles, rng), enqueued_at, max_age_s)


def _unless_too_old(now: float, delay: float, enqueued_at: float, max_age_s: float) -> Decision:
    next_try_at = now + delay
    if next_try_at > enqueued_at + max_age_s:
        return Decision(condition=EVENT_AGE_EXCEEDED, delay_s=delay)
    return Decision(next_try_at=next_try_at, delay_s=delay)
