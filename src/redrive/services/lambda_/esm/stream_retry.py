"""What follows a stream batch's attempt: checkpoint, retry, bisect or discard (STRM-6..12).

:func:`decide` is pure: it takes the outcome and the batch and says which records are done,
which are retried (a counted retry), how the batch is split, or what is discarded.

* Success (no ``ReportBatchItemFailures``, or an empty / ``null`` report): all done (STRM-12).
* ``ReportBatchItemFailures`` naming records: the records before the lowest reported one are
  done, the rest of the batch is retried from it, counted (STRM-11; with bisect too, STRM-10).
  A report that names no record of the batch or is malformed fails the whole batch, counted,
  with ``functionError`` ``null`` in the OnFailure record (STRM-12).
* A function error (an exception, a timeout, a runtime fault): with
  ``BisectBatchOnFunctionError`` a batch of two or more records is split in halves, not counted
  (STRM-10); otherwise (or a single record) the whole batch is retried, counted (STRM-6).
* A counted failure after ``MaximumRetryAttempts`` retries discards the failing records with
  condition ``RetryAttemptsExhausted`` (STRM-6, STRM-9).

[redrive] Halves of a split inherit the retries counted so far; the OnFailure record's
``approximateInvokeCount`` is the number of invocations of the discarded (sub-)batch itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from redrive.runtime.types import Outcome
from redrive.services.lambda_.esm import batch_response
from redrive.services.lambda_.esm.stream_sources import Found

RETRY_ATTEMPTS_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"
UNHANDLED = "Unhandled"
BACKOFF_FIRST_S = 1.0  # STRM-17 (inferred): 1 s doubling ...
BACKOFF_MAX_S = 8.0  # ... up to 8 s between attempts of a failing batch or a throttled one


@dataclass
class Decision:
    #: records done with (the checkpoint moves past the last one)
    done: list[Found]
    #: records to retry, counted against MaximumRetryAttempts
    retry: list[Found]
    #: halves of a bisected batch (not counted)
    halves: list[list[Found]]
    #: records discarded after their retries ran out
    discard: list[Found]
    #: the OnFailure record's ``functionError`` (None: a failure by partial batch response)
    function_error: str | None = None


def decide(
    outcome: Outcome,
    batch: list[Found],
    *,
    report_failures: bool,
    bisect: bool,
    retries: int,
    max_retries: int,
) -> Decision:
    if outcome.kind != "success":
        if bisect and len(batch) > 1:
            middle = (len(batch) + 1) // 2
            return Decision([], [], [batch[:middle], batch[middle:]], [], UNHANDLED)
        return _failed(batch, [], retries, max_retries, UNHANDLED)
    if not report_failures:
        return Decision(list(batch), [], [], [])
    seqs = [found.sequence_number for found in batch]
    failed = batch_response.failed_ids(outcome.payload, seqs)
    if failed is None:
        return _failed(batch, [], retries, max_retries, None)
    if not failed:
        return Decision(list(batch), [], [], [])
    first = min(seqs.index(seq) for seq in failed)
    return _failed(batch[first:], batch[:first], retries, max_retries, None)


def _failed(
    failing: list[Found], done: list[Found], retries: int, max_retries: int, error: str | None
) -> Decision:
    if max_retries != -1 and retries >= max_retries:
        return Decision(done, [], [], failing, error)
    return Decision(done, failing, [], [], error)


def backoff(tries: int) -> float:
    """Seconds before the next attempt after ``tries`` (1, 2, ...) failed or throttled ones."""
    return float(min(BACKOFF_FIRST_S * 2 ** max(tries - 1, 0), BACKOFF_MAX_S))
