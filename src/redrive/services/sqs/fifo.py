"""FIFO queues: message groups, deduplication and receive request attempts.

Each message group keeps its messages in send order (``sqs.gmsgs``) and a document with its
number of in-flight messages. A group is *ready* when it has no message in flight and its
oldest message is visible; ready groups are indexed by their oldest message (``sqs.gready``),
so a receive finds the oldest ready group in one read, however many messages wait behind a
blocked group. A receive takes the longest run of visible messages from the oldest ready
group, then the next group, and so on ("SQS first attempts to return as many messages with the
same message group ID as possible", FIFO queue logic in the SQS Developer Guide).

Deduplication ids (given, or the SHA-256 of the body with ContentBasedDeduplication) are
remembered for five minutes of emulated time from the first send; ReceiveRequestAttemptId
likewise.
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from redrive.services.sqs import constants as c
from redrive.services.sqs import state
from redrive.services.sqs.state import Doc

if TYPE_CHECKING:
    from redrive.services.sqs.messages import Diverter, Messages

_WINDOW_MS = c.DEDUPLICATION_WINDOW_SECONDS * c.MS_PER_SECOND


def content_dedup_id(body: str) -> str:
    """The deduplication id ContentBasedDeduplication derives: SHA-256 of the body, hex."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# -- group bookkeeping ----------------------------------------------------------------------


def _group_doc(m: Messages, group: str) -> Doc:
    doc: Doc | None = m.txn.get(state.GROUPS, (m.sid, group))
    return doc if doc is not None else {"i": 0, "r": None}


def refresh(m: Messages, group: str, doc: Doc | None = None) -> None:
    """Index ``group`` as ready (or not) from its in-flight count and its oldest message."""
    txn, sid = m.txn, m.sid
    doc = _group_doc(m, group) if doc is None else doc
    head = None
    for key, _ in txn.scan(state.GROUP_MSGS, (sid, group), limit=1):
        head = int(key[2])
    if head is None:
        if doc.get("r") is not None:
            txn.delete(state.GROUP_READY, (sid, doc["r"], group))
        txn.delete(state.GROUPS, (sid, group))
        return
    head_meta = m.get(head)
    ready = doc["i"] <= 0 and head_meta is not None and head_meta["st"] == "v"
    wanted = head if ready else None
    if doc.get("r") != wanted:
        if doc.get("r") is not None:
            txn.delete(state.GROUP_READY, (sid, doc["r"], group))
        if wanted is not None:
            txn.put(state.GROUP_READY, (sid, wanted, group), 0)
            m.wake = True
        doc["r"] = wanted
    txn.put(state.GROUPS, (sid, group), doc)


def added(m: Messages, seq: int, meta: Doc) -> None:
    m.txn.put(state.GROUP_MSGS, (m.sid, meta["g"], seq), 0)
    refresh(m, meta["g"])


def removed(m: Messages, seq: int, meta: Doc) -> None:
    m.txn.delete(state.GROUP_MSGS, (m.sid, meta["g"], seq))
    doc = _group_doc(m, meta["g"])
    if meta["st"] == "i":
        doc["i"] = max(0, int(doc["i"]) - 1)
    refresh(m, meta["g"], doc)


def went_inflight(m: Messages, meta: Doc) -> None:
    doc = _group_doc(m, meta["g"])
    doc["i"] = int(doc["i"]) + 1
    refresh(m, meta["g"], doc)


def became_visible(m: Messages, seq: int, meta: Doc, *, was_inflight: bool) -> None:
    doc = _group_doc(m, meta["g"])
    if was_inflight:
        doc["i"] = max(0, int(doc["i"]) - 1)
    refresh(m, meta["g"], doc)


def any_ready(m: Messages) -> bool:
    return m.txn.first(state.GROUP_READY, (m.sid,)) is not None


# -- receiving ------------------------------------------------------------------------------


def _next_ready_group(m: Messages, seen: set[str]) -> str | None:
    """The oldest ready group not yet visited in this receive."""
    for key, _ in m.txn.scan(state.GROUP_READY, (m.sid,), limit=len(seen) + 1):
        group = str(key[2])
        if group not in seen:
            return group
    return None


def take(
    m: Messages, max_messages: int, visibility_timeout: int, divert: Diverter | None
) -> list[tuple[int, Doc]]:
    got: list[tuple[int, Doc]] = []
    seen: set[str] = set()
    while len(got) < max_messages:
        group = _next_ready_group(m, seen)
        if group is None:
            break
        seen.add(group)
        for seq, meta in _visible_run(m, group, max_messages - len(got), divert):
            m.receive(seq, meta, visibility_timeout)
            got.append((seq, meta))
        refresh(m, group)
    return got


def _visible_run(
    m: Messages, group: str, limit: int, divert: Diverter | None
) -> list[tuple[int, Doc]]:
    """Up to ``limit`` messages from the head of ``group`` while they are visible."""
    run: list[tuple[int, Doc]] = []
    cursor = 0
    while len(run) < limit:
        rows = list(
            m.txn.scan(state.GROUP_MSGS, (m.sid, group), start=(m.sid, group, cursor), limit=limit)
        )
        if not rows:
            return run
        for key, _ in rows:
            seq = int(key[2])
            cursor = seq + 1
            meta = m.get(seq)
            if meta is None or meta["st"] != "v":
                return run
            if divert is not None and divert(m, seq, meta):
                continue
            run.append((seq, meta))
            if len(run) >= limit:
                return run
    return run


def visible_batch(m: Messages, limit: int) -> list[tuple[int, Doc]]:
    """Visible messages from the oldest ready groups, in group order, without receiving."""
    found: list[tuple[int, Doc]] = []
    for key, _ in m.txn.scan(state.GROUP_READY, (m.sid,), limit=limit):
        found.extend(_visible_run(m, str(key[2]), limit - len(found), None))
        if len(found) >= limit:
            break
    return found


# -- deduplication --------------------------------------------------------------------------


def duplicate_of(m: Messages, scope: str, dedup_id: str) -> Doc | None:
    """The first send with this deduplication id in the last five minutes, if any."""
    doc: Doc | None = m.txn.get(state.DEDUP, (m.sid, scope, dedup_id))
    if doc is None or m.now_ms - int(doc["t"]) >= _WINDOW_MS:
        return None
    return doc


def remember(m: Messages, scope: str, dedup_id: str, message_id: str, sequence: str) -> None:
    old: Doc | None = m.txn.get(state.DEDUP, (m.sid, scope, dedup_id))
    if old is not None:
        m.txn.delete(state.DEDUP_EXPIRY, (m.sid, int(old["t"]), scope, dedup_id))
    m.txn.put(
        state.DEDUP, (m.sid, scope, dedup_id), {"t": m.now_ms, "id": message_id, "sn": sequence}
    )
    m.txn.put(state.DEDUP_EXPIRY, (m.sid, m.now_ms, scope, dedup_id), 0)


# -- receive request attempts ---------------------------------------------------------------


def replay(m: Messages, attempt_id: str, visibility_timeout: int) -> list[tuple[int, Doc]] | None:
    """The messages of an earlier receive with this ReceiveRequestAttemptId, with their
    visibility timeout reset, if it is recent and none of them changed since; else None."""
    doc: Doc | None = m.txn.get(state.ATTEMPTS, (m.sid, attempt_id))
    if doc is None or m.now_ms - int(doc["t"]) >= _WINDOW_MS:
        return None
    found: list[tuple[int, Doc]] = []
    for seq, nonce in doc["m"]:
        meta = m.get(int(seq))
        if meta is None or int(meta["rc"]) != int(nonce) or meta["st"] != "i":
            return None
        found.append((int(seq), meta))
    at_ms = m.now_ms + visibility_timeout * c.MS_PER_SECOND
    for seq, meta in found:
        m.hide_until(seq, meta, at_ms)
    return found


def record_attempt(m: Messages, attempt_id: str, got: list[tuple[int, Doc]]) -> None:
    old: Doc | None = m.txn.get(state.ATTEMPTS, (m.sid, attempt_id))
    if old is not None:
        m.txn.delete(state.ATTEMPT_EXPIRY, (m.sid, int(old["t"]), attempt_id))
    doc = {"t": m.now_ms, "m": [[seq, int(meta["rc"])] for seq, meta in got]}
    m.txn.put(state.ATTEMPTS, (m.sid, attempt_id), doc)
    m.txn.put(state.ATTEMPT_EXPIRY, (m.sid, m.now_ms, attempt_id), 0)


# -- expiry ---------------------------------------------------------------------------------


def expire(m: Messages) -> None:
    """Forget deduplication ids and receive attempts older than five minutes."""
    stop = m.now_ms - _WINDOW_MS + 1
    for index, table in ((state.DEDUP_EXPIRY, state.DEDUP), (state.ATTEMPT_EXPIRY, state.ATTEMPTS)):
        while True:
            batch = list(m.txn.scan(index, (m.sid,), stop=(m.sid, stop), limit=c.SETTLE_BATCH))
            for key, _ in batch:
                m.txn.delete(index, key)
                m.txn.delete(table, (m.sid, *key[2:]))
            if len(batch) < c.SETTLE_BATCH:
                break
