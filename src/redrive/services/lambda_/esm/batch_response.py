"""Reading a partial batch response (``ReportBatchItemFailures``, SQSM-7/8)."""

from __future__ import annotations

import json
from collections.abc import Collection

#: the whole batch failed: delete nothing
ALL = None


def failed_ids(payload: bytes, batch_ids: Collection[str]) -> set[str] | None:
    """The message ids the function reported as failed; ``None`` when the response makes the
    whole batch a failure (SQSM-8).

    Complete success (an empty set): ``null``, ``{}``, an empty or ``null``
    ``batchItemFailures``. Complete failure: a response that is not JSON, an entry without
    ``itemIdentifier`` (or with an empty or ``null`` one), or an identifier that is not a
    message of the batch.
    """
    try:
        response = json.loads(payload) if payload.strip() else None
    except ValueError:
        return ALL
    if response is None:
        return set()
    if not isinstance(response, dict):
        return ALL  # [inferred] neither a success shape nor a list of failures
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return ALL
    found: set[str] = set()
    for entry in failures:
        if not isinstance(entry, dict):
            return ALL
        identifier = entry.get("itemIdentifier")
        if not isinstance(identifier, str) or not identifier or identifier not in batch_ids:
            return ALL
        found.add(identifier)
    return found
