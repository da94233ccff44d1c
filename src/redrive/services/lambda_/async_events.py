"""Queued asynchronous events in the store (table ``lambda.async-events``).

One document per accepted event, keyed by (account, request id), from the ``202`` until its
fate (ASYNC-1, ASYNC-10). It holds what the next try needs and what the record will say:

=================  ====================================================================
``request_id``     the 202's request id, reused by every attempt (ASYNC-4)
``region``         the function's Region
``function``       the function's name
``qualifier``      the qualifier it was invoked with (None: unqualified)
``payload``        the event as submitted (UTF-8 text; it was checked to be JSON)
``client_context`` base64 ClientContext as sent, or None
``trace_id``       the X-Ray trace header the attempts carry
``enqueued_at``    emulated time of acceptance; the event's age counts from here (ASYNC-7)
``next_try_at``    emulated time of the next try
``tries``          tries so far, throttled ones included
``invokes``        attempts that started the function (approximateInvokeCount, ASYNC-6)
``retries``        retries used after function errors (ASYNC-3, ASYNC-5)
``throttles``      throttled tries (ASYNC-8)
``running``        True while an attempt runs; still True after a crash means the attempt
                   was lost with the process and the event is tried again
``last``           the last attempt's answer: ``{"payload", "function_error"}`` or None
``source``         who sent it: ``Invoke`` or ``destination of <request id>``
=================  ====================================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from redrive.store import Transaction

TABLE = "lambda.async-events"

Doc = dict[str, Any]


def get(txn: Transaction, account: str, request_id: str) -> Doc | None:
    doc = txn.get(TABLE, (account, request_id))
    return doc if isinstance(doc, dict) else None


def put(txn: Transaction, account: str, doc: Doc) -> None:
    txn.put(TABLE, (account, doc["request_id"]), doc)


def delete(txn: Transaction, account: str, request_id: str) -> None:
    txn.delete(TABLE, (account, request_id))


def every(txn: Transaction) -> Iterator[tuple[str, Doc]]:
    """(account, document) of every queued event."""
    for key, doc in txn.scan(TABLE):
        yield str(key[0]), doc
