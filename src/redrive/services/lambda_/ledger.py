"""The attempt ledger: every invocation attempt, with its emulated times and outcome.

One document per attempt in table ``lambda.ledger`` keyed by (account, function, emulated
start in microseconds, sequence): ``/_redrive/ledger?function=NAME`` and
``Cloud.ledger(function=NAME)`` read it. Later issues add the fate of async events and
mapping batches to the same entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from redrive.runtime import Outcome
from redrive.store import Transaction

TABLE = "lambda.ledger"

SUCCESS = "success"
FUNCTION_ERROR = "function_error"
TIMEOUT = "timeout"
THROTTLED = "throttled"
RUNTIME_FAULT = "runtime_fault"
#: a mapping's batch whose messages all matched no filter: nothing invoked
FILTERED = "filtered"

#: errorType prefixes of errors the runtime produces rather than the handler's code (ERR-4..6)
_RUNTIME_PREFIXES = ("Runtime.", "Function.", "Sandbox.")


def classify(outcome: Outcome) -> str:
    """success, function_error (the handler raised), timeout, or runtime_fault."""
    if outcome.kind == "success":
        return SUCCESS
    if outcome.kind == "timeout":
        return TIMEOUT
    if (outcome.error_type or "").startswith(_RUNTIME_PREFIXES):
        return RUNTIME_FAULT
    return FUNCTION_ERROR


def record(txn: Transaction, account: str, entry: dict[str, Any]) -> None:
    """Append one entry (``entry`` must have ``function`` and ``started_at``).

    ``kind`` says what it is: ``attempt`` (the default), ``enqueued`` or ``fate`` (async events).
    """
    entry.setdefault("kind", "attempt")
    key = (
        account,
        str(entry["function"]),
        int(float(entry["started_at"]) * 1_000_000),
        txn.store.sequence(TABLE).next(txn),  # orders entries of one microsecond
    )
    txn.put(TABLE, key, entry)


def entries(
    txn: Transaction, account: str, *, function: str | None = None
) -> Iterator[dict[str, Any]]:
    """Attempts in emulated-time order (of one function, or all)."""
    prefix: tuple[str, ...] = (account,) if function is None else (account, function)
    found = [value for _key, value in txn.scan(TABLE, prefix)]
    if function is None:
        found.sort(key=lambda e: (e["started_at"], e.get("seq", 0)))
    yield from found
