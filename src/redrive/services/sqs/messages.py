"""The messages of one queue inside one store transaction.

Every message is in one of three states: **visible** (``v``), **in flight** (``i``: received,
hidden until its visibility timeout ends, SQS-1) or **delayed** (``d``: hidden until its delay
ends). Hidden messages sit in an index by the time they become visible; visible ones of a
standard queue in an index by ``seq`` (FIFO queues keep per-group indexes, :mod:`.fifo`).

Time never changes the store by itself: :meth:`Messages.settle` applies everything that
became due since the last look (hidden messages whose time came, messages past retention,
SQS-6), reading only the due index entries, and every operation settles first. So a call's
cost is the work due plus the messages it touches, never the queue's depth. The counters
behind ``ApproximateNumberOfMessages*`` are kept in the same transaction, and with them a
floor for each time index (:class:`.state.Counts`): while the clock is before the floor,
nothing can be due and settling reads no index at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from redrive.services._base import Platform
from redrive.services.sqs import constants as c
from redrive.services.sqs import fifo, receipts, state
from redrive.services.sqs.state import Doc, Queue
from redrive.store import Transaction

VISIBLE = "v"
INFLIGHT = "i"
DELAYED = "d"

#: decides on a visible message about to be received: True when it was moved away instead
#: (to a dead-letter queue, SQS-3)
Diverter = Callable[["Messages", int, Doc], bool]


def emulated_ms(platform: Platform) -> int:
    """Emulated now in whole milliseconds, rounded (not truncated): a wake-up scheduled at
    ``t_ms / 1000`` then reads back as exactly ``t_ms``, whatever the float error."""
    return round(platform.now() * c.MS_PER_SECOND)


class Messages:
    """Reads and changes one queue's messages; :meth:`save` writes the counters back."""

    def __init__(self, txn: Transaction, queue: Queue, now_ms: int) -> None:
        self.txn = txn
        self.queue = queue
        self.sid = queue.sid
        self.fifo = queue.fifo
        self.now_ms = now_ms
        self.counts = state.get_counts(txn, self.sid)
        self._dirty = False
        #: something happened that may let a waiting receiver have a message
        self.wake = False

    def save(self) -> None:
        if self._dirty:
            state.put_counts(self.txn, self.sid, self.counts)
            self._dirty = False

    def _count(self, st: str, delta: int) -> None:
        if st == VISIBLE:
            self.counts.visible += delta
        elif st == INFLIGHT:
            self.counts.inflight += delta
        else:
            self.counts.delayed += delta
        self._dirty = True

    # -- reading ----------------------------------------------------------------------------

    def get(self, seq: int) -> Doc | None:
        doc: Doc | None = self.txn.get(state.MSGS, (self.sid, seq))
        return doc

    def body(self, seq: int) -> Doc:
        doc: Doc | None = self.txn.get(state.BODIES, (self.sid, seq))
        assert doc is not None, f"message {self.sid}/{seq} has no body"
        return doc

    def handle(self, seq: int, meta: Doc) -> str:
        return receipts.encode(receipts.Receipt(self.queue.qid, self.sid, seq, int(meta["rc"])))

    def available(self) -> bool:
        """Whether a receive could return a message now (call after :meth:`settle`)."""
        if self.fifo:
            return fifo.any_ready(self)
        return self.counts.visible > 0

    def next_visible_ms(self) -> int | None:
        """When the next hidden message becomes visible, if any is hidden."""
        for key, _ in self.txn.scan(state.HIDDEN, (self.sid,), limit=1):
            return int(key[1])
        return None

    def oldest_enqueued_ms(self) -> int | None:
        """When the message that has been longest in this queue entered it."""
        for _key, doc in self.txn.scan(state.MSGS, (self.sid,), limit=1):
            return int(doc["enq"])
        return None

    # -- writing ----------------------------------------------------------------------------

    def insert(
        self,
        *,
        message_id: str,
        body: Doc,
        sent_ms: int,
        sender: str,
        delay_seconds: int = 0,
        base_ms: int | None = None,
        group: str | None = None,
        dedup: str | None = None,
        receive_count: int = 0,
        first_receive_ms: int | None = None,
        source_arn: str | None = None,
    ) -> tuple[int, Doc]:
        """Store a new message; its ``seq`` and state document."""
        seq = self.txn.store.sequence(state.MESSAGE_SEQ).next(self.txn)
        meta: Doc = {
            "id": message_id,
            "sent": sent_ms,
            "base": sent_ms if base_ms is None else base_ms,
            "enq": self.now_ms,
            "rc": receive_count,
            "fr": first_receive_ms,
            "snd": sender,
            "st": VISIBLE,
        }
        if group is not None:
            meta["g"] = group
        if dedup is not None:
            meta["dd"] = dedup
        if self.fifo:
            meta["sn"] = str(c.SEQUENCE_NUMBER_BASE + seq)
        if source_arn is not None:
            meta["src"] = source_arn
        if delay_seconds > 0:
            meta["st"] = DELAYED
            meta["at"] = self.now_ms + delay_seconds * c.MS_PER_SECOND
            self._hide(seq, meta["at"])
        elif not self.fifo:
            self.txn.put(state.READY, (self.sid, seq), 0)
        self._count(meta["st"], +1)
        self.txn.put(state.MSGS, (self.sid, seq), meta)
        self.txn.put(state.BODIES, (self.sid, seq), body)
        self.txn.put(state.EXPIRY, (self.sid, meta["base"], seq), 0)
        self.counts.expiry_floor_ms = min(self.counts.expiry_floor_ms, int(meta["base"]))
        if self.fifo:
            fifo.added(self, seq, meta)
        self.wake = True
        return seq, meta

    def remove(self, seq: int, meta: Doc) -> None:
        """Delete a message from every index (deleted, expired or moved away)."""
        txn, sid = self.txn, self.sid
        txn.delete(state.MSGS, (sid, seq))
        txn.delete(state.BODIES, (sid, seq))
        txn.delete(state.EXPIRY, (sid, meta["base"], seq))
        st = meta["st"]
        if st == VISIBLE:
            if not self.fifo:
                txn.delete(state.READY, (sid, seq))
        else:
            txn.delete(state.HIDDEN, (sid, meta["at"], seq))
        self._count(st, -1)
        if self.fifo:
            fifo.removed(self, seq, meta)
            self.wake = True

    def receive(self, seq: int, meta: Doc, visibility_timeout: int) -> None:
        """Deliver a visible message: count the receive (SQS-2) and hide it (SQS-1)."""
        meta["rc"] = int(meta["rc"]) + 1
        if meta.get("fr") is None:
            meta["fr"] = self.now_ms
        meta["ra"] = self.now_ms
        if visibility_timeout > 0:
            if not self.fifo:
                self.txn.delete(state.READY, (self.sid, seq))
            self._count(VISIBLE, -1)
            self._count(INFLIGHT, +1)
            meta["st"] = INFLIGHT
            meta["at"] = self.now_ms + visibility_timeout * c.MS_PER_SECOND
            self._hide(seq, meta["at"])
            if self.fifo:
                fifo.went_inflight(self, meta)
        self.txn.put(state.MSGS, (self.sid, seq), meta)

    def hide_until(self, seq: int, meta: Doc, at_ms: int) -> None:
        """Move an in-flight message's visibility time (ChangeMessageVisibility)."""
        self.txn.delete(state.HIDDEN, (self.sid, meta["at"], seq))
        meta["at"] = at_ms
        if at_ms <= self.now_ms:
            self._make_visible(seq, meta)
            return
        self._hide(seq, at_ms)
        self.txn.put(state.MSGS, (self.sid, seq), meta)

    def _hide(self, seq: int, at_ms: int) -> None:
        """Index a hidden message by the time it becomes visible (keeps the floor below it)."""
        self.txn.put(state.HIDDEN, (self.sid, at_ms, seq), 0)
        if at_ms < self.counts.hidden_floor_ms:
            self.counts.hidden_floor_ms = at_ms
            self._dirty = True

    def _make_visible(self, seq: int, meta: Doc) -> None:
        was = meta["st"]
        meta["st"] = VISIBLE
        meta.pop("at", None)
        self._count(was, -1)
        self._count(VISIBLE, +1)
        self.txn.put(state.MSGS, (self.sid, seq), meta)
        if self.fifo:
            fifo.became_visible(self, seq, meta, was_inflight=was == INFLIGHT)
        else:
            self.txn.put(state.READY, (self.sid, seq), 0)
        self.wake = True

    # -- time -------------------------------------------------------------------------------

    def settle(self) -> None:
        """Apply what became due by now: retention (SQS-6), then delays and visibility.

        An index is read only when the clock has reached its floor; after draining it, the
        floor moves up to the index's first remaining entry.
        """
        counts = self.counts
        cutoff = self.now_ms - self.queue.retention_seconds * c.MS_PER_SECOND
        if cutoff >= counts.expiry_floor_ms:
            counts.expiry_floor_ms = self._drain(state.EXPIRY, cutoff, self._expire)
            self._dirty = True
        if self.now_ms >= counts.hidden_floor_ms:
            counts.hidden_floor_ms = self._drain(state.HIDDEN, self.now_ms, self._due)
            self._dirty = True
        if self.fifo:
            fifo.expire(self)

    def _drain(self, table: str, until_ms: int, apply: Callable[[int, int], None]) -> int:
        """For every ``(sid, time, seq)`` entry of ``table`` at or before ``until_ms``: drop
        the entry and call ``apply(time, seq)``. Returns the time of the first entry left
        (:data:`.state.NOTHING_DUE_MS` if none): the index's new floor.

        ``apply`` must not add entries to ``table`` at or before ``until_ms``.
        """
        while True:
            batch = list(
                self.txn.scan(
                    table, (self.sid,), stop=(self.sid, until_ms + 1), limit=c.SETTLE_BATCH
                )
            )
            for key, _ in batch:
                self.txn.delete(table, key)
                apply(int(key[1]), int(key[2]))
            if len(batch) < c.SETTLE_BATCH:
                break
        for key, _ in self.txn.scan(table, (self.sid,), limit=1):
            return int(key[1])
        return state.NOTHING_DUE_MS

    def _expire(self, _base_ms: int, seq: int) -> None:
        meta = self.get(seq)
        if meta is not None:
            self.remove(seq, meta)

    def _due(self, at_ms: int, seq: int) -> None:
        meta = self.get(seq)
        if meta is not None and meta["st"] != VISIBLE and meta.get("at") == at_ms:
            self._make_visible(seq, meta)

    # -- receiving --------------------------------------------------------------------------

    def take(
        self, max_messages: int, visibility_timeout: int, divert: Diverter | None = None
    ) -> list[tuple[int, Doc]]:
        """Receive up to ``max_messages`` visible messages, oldest first (call after settle).

        ``divert`` sees each candidate first and may move it away (SQS-3).
        """
        if self.fifo:
            return fifo.take(self, max_messages, visibility_timeout, divert)
        got: list[tuple[int, Doc]] = []
        cursor = 0
        while len(got) < max_messages:
            batch = list(
                self.txn.scan(
                    state.READY,
                    (self.sid,),
                    start=(self.sid, cursor),
                    limit=max_messages - len(got),
                )
            )
            if not batch:
                break
            for key, _ in batch:
                seq = int(key[1])
                cursor = seq + 1
                meta = self.get(seq)
                if meta is None:
                    self.txn.delete(state.READY, key)
                    continue
                if divert is not None and divert(self, seq, meta):
                    continue
                self.receive(seq, meta, visibility_timeout)
                got.append((seq, meta))
        return got

    def visible_batch(self, limit: int) -> list[tuple[int, Doc]]:
        """Up to ``limit`` visible messages in order, without receiving them (move tasks)."""
        if self.fifo:
            return fifo.visible_batch(self, limit)
        found: list[tuple[int, Doc]] = []
        for key, _ in self.txn.scan(state.READY, (self.sid,), limit=limit):
            meta = self.get(int(key[1]))
            if meta is not None:
                found.append((int(key[1]), meta))
        return found


def new_body(
    body: str,
    md5_body: str,
    attributes: dict[str, Any],
    system_attributes: dict[str, Any],
) -> Doc:
    """The stored body document: text, its MD5 and the attributes in store form."""
    doc: Doc = {"b": body, "m": md5_body}
    if attributes:
        doc["a"] = attributes
    if system_attributes:
        doc["s"] = system_attributes
    return doc
