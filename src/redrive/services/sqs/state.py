"""SQS state in the store: the tables, queue documents and message counters.

Every table is prefixed ``sqs.``. A queue has two ids from durable counters: ``qid`` names
the queue for as long as it exists; ``sid`` names its message *storage*, and PurgeQueue gives
the queue a fresh one (the old storage is swept in the background, :mod:`.sweeper`). All
message tables are keyed by ``sid`` first, times are emulated epoch milliseconds.

==================  ===============================================  ===========================
table               key                                              value
==================  ===============================================  ===========================
``sqs.queues``      (account, region, name)                          queue document
``sqs.deleted``     (account, region, name)                          when it was deleted (s)
``sqs.counts``      (sid,)                                           counters, index floors
``sqs.msgs``        (sid, seq)                                       message state (small)
``sqs.bodies``      (sid, seq)                                       body and attributes
``sqs.ready``       (sid, seq)                                       visible (standard queues)
``sqs.hidden``      (sid, visible-at ms, seq)                        delayed or in flight
``sqs.expiry``      (sid, retention-base ms, seq)                    retention index (SQS-6)
``sqs.gmsgs``       (sid, group, seq)                                a FIFO group's messages
``sqs.groups``      (sid, group)                                     in-flight count, ready key
``sqs.gready``      (sid, head seq, group)                           FIFO groups ready to give
``sqs.dedup``       (sid, scope, dedup id)                           first send in the window
``sqs.dedupx``      (sid, sent ms, scope, dedup id)                  dedup expiry index
``sqs.attempts``    (sid, attempt id)                                a FIFO receive to repeat
``sqs.attemptx``    (sid, at ms, attempt id)                         attempt expiry index
``sqs.sweep``       (sid,)                                           storage left to delete
``sqs.tasks``       (account, region, task id)                       message move task
``sqs.tasksrc``     (source arn, started ms, task id)                tasks by source queue
==================  ===============================================  ===========================

``seq`` comes from one durable counter: it orders messages by when they entered their queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from redrive.services._documents import RegionalDocument
from redrive.services.sqs import arns
from redrive.services.sqs import attributes as attrs
from redrive.services.sqs.arns import QueueRef
from redrive.store import Transaction

QUEUES = "sqs.queues"
DELETED = "sqs.deleted"
COUNTS = "sqs.counts"
MSGS = "sqs.msgs"
BODIES = "sqs.bodies"
READY = "sqs.ready"
HIDDEN = "sqs.hidden"
EXPIRY = "sqs.expiry"
GROUP_MSGS = "sqs.gmsgs"
GROUPS = "sqs.groups"
GROUP_READY = "sqs.gready"
DEDUP = "sqs.dedup"
DEDUP_EXPIRY = "sqs.dedupx"
ATTEMPTS = "sqs.attempts"
ATTEMPT_EXPIRY = "sqs.attemptx"
SWEEP = "sqs.sweep"
TASKS = "sqs.tasks"
TASKS_BY_SOURCE = "sqs.tasksrc"

#: every table keyed by sid first (what a sweep deletes)
STORAGE_TABLES = (
    COUNTS,
    MSGS,
    BODIES,
    READY,
    HIDDEN,
    EXPIRY,
    GROUP_MSGS,
    GROUPS,
    GROUP_READY,
    DEDUP,
    DEDUP_EXPIRY,
    ATTEMPTS,
    ATTEMPT_EXPIRY,
)

QUEUE_IDS = "sqs.queue-ids"
STORAGE_IDS = "sqs.storage-ids"
#: message sequence numbers, from an IdSequence: increasing across queues and restarts (the
#: order of a standard queue's visible messages), without a counter write per message
MESSAGE_SEQ = "sqs.seq"

Doc = dict[str, Any]


@dataclass
class Queue(RegionalDocument):
    """A queue document with typed access to what the message logic needs."""

    @property
    def ref(self) -> QueueRef:
        return QueueRef(self.doc["account"], self.doc["region"], self.doc["name"])

    @property
    def arn(self) -> str:
        return arns.queue_arn(self.account, self.region, self.name)

    @property
    def qid(self) -> int:
        return int(self.doc["qid"])

    @property
    def fifo(self) -> bool:
        return bool(self.doc["fifo"])

    @property
    def attributes(self) -> dict[str, str]:
        """The queue's own attributes (defaults included), as strings."""
        values: dict[str, str] = self.doc["attrs"]
        return values

    def _int(self, name: str) -> int:
        return int(self.attributes[name])

    @property
    def visibility_timeout(self) -> int:
        return self._int("VisibilityTimeout")

    @property
    def delay_seconds(self) -> int:
        return self._int("DelaySeconds")

    @property
    def retention_seconds(self) -> int:
        return self._int("MessageRetentionPeriod")

    @property
    def maximum_message_size(self) -> int:
        return self._int("MaximumMessageSize")

    @property
    def receive_wait_seconds(self) -> int:
        return self._int("ReceiveMessageWaitTimeSeconds")

    @property
    def content_based_deduplication(self) -> bool:
        return self.attributes.get("ContentBasedDeduplication") == "true"

    @property
    def dedup_per_group(self) -> bool:
        return self.attributes.get("DeduplicationScope") == "messageGroup"

    @property
    def redrive_policy(self) -> attrs.RedrivePolicy | None:
        value = self.attributes.get("RedrivePolicy")
        return None if value is None else attrs.parse_redrive_policy(value)

    @property
    def allow_policy(self) -> attrs.RedriveAllowPolicy:
        value = self.attributes.get("RedriveAllowPolicy")
        return attrs.ALLOW_ALL if value is None else attrs.parse_allow_policy(value)

    @property
    def tags(self) -> dict[str, str]:
        values: dict[str, str] = self.doc.setdefault("tags", {})
        return values


#: an index floor when the index is empty: later than any emulated time
NOTHING_DUE_MS = 2**62


@dataclass
class Counts:
    """Messages of one storage by state: visible, in flight (not visible) and delayed; and
    the floors of the two time indexes.

    ``hidden_floor_ms`` is a lower bound on the times in ``sqs.hidden`` and
    ``expiry_floor_ms`` one on the retention bases in ``sqs.expiry``: no entry lies before
    its floor (0 means not known yet; :data:`NOTHING_DUE_MS` an empty index). Writes to an
    index lower its floor; a settle that finds nothing due before the floor reads neither
    index (:meth:`.messages.Messages.settle`). Stored as one list ``[visible, in flight,
    delayed, hidden floor, expiry floor]``; documents written before the floors existed have
    the first three only and read as floors 0.
    """

    visible: int = 0
    inflight: int = 0
    delayed: int = 0
    hidden_floor_ms: int = 0
    expiry_floor_ms: int = 0

    @property
    def total(self) -> int:
        return self.visible + self.inflight + self.delayed


# -- queues ---------------------------------------------------------------------------------


def get_queue(txn: Transaction, ref: QueueRef) -> Queue | None:
    doc = txn.get(QUEUES, ref.key)
    return None if doc is None else Queue(doc)


def put_queue(txn: Transaction, queue: Queue) -> None:
    txn.put(QUEUES, queue.ref.key, queue.doc)


def new_queue(
    txn: Transaction, ref: QueueRef, *, fifo: bool, attributes: dict[str, str], now: float
) -> Queue:
    created = int(now)
    doc: Doc = {
        "account": ref.account,
        "region": ref.region,
        "name": ref.name,
        "qid": txn.next_id(QUEUE_IDS),
        "sid": txn.next_id(STORAGE_IDS),
        "fifo": fifo,
        "attrs": attributes,
        "created": created,
        "modified": created,
        "tags": {},
        "purged": None,
    }
    return Queue(doc)


def iter_queues(
    txn: Transaction, account: str, region: str, *, prefix: str = "", after: str | None = None
) -> Iterator[Queue]:
    """Queues of an account and region in name order, names starting with ``prefix``."""
    first = prefix if after is None else max(prefix, after + "\x00")
    start = (account, region, first)
    for _key, doc in txn.scan(QUEUES, (account, region), start=start):
        queue = Queue(doc)
        if not queue.name.startswith(prefix):
            return
        yield queue


def iter_all_queues(txn: Transaction) -> Iterator[Queue]:
    for _key, doc in txn.scan(QUEUES):
        yield Queue(doc)


# -- counters -------------------------------------------------------------------------------


def get_counts(txn: Transaction, sid: int) -> Counts:
    doc = txn.get(COUNTS, (sid,))
    if doc is None:
        return Counts()
    counts = Counts(int(doc[0]), int(doc[1]), int(doc[2]))
    if len(doc) >= 5:
        counts.hidden_floor_ms, counts.expiry_floor_ms = int(doc[3]), int(doc[4])
    return counts


def put_counts(txn: Transaction, sid: int, counts: Counts) -> None:
    txn.put(
        COUNTS,
        (sid,),
        [
            counts.visible,
            counts.inflight,
            counts.delayed,
            counts.hidden_floor_ms,
            counts.expiry_floor_ms,
        ],
    )
