"""What the SQS operations share: background parts, queue lookup, receiving."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redrive.services._base import Platform, RequestContext, Service
from redrive.services._sweeper import StorageSweeper
from redrive.services.cloudwatch.service import Datum
from redrive.services.sqs import arns, errors, fifo, metrics, state, views
from redrive.services.sqs import constants as c
from redrive.services.sqs.arns import QueueRef
from redrive.services.sqs.messages import Messages, emulated_ms
from redrive.services.sqs.metrics import GaugeSampler
from redrive.services.sqs.move_tasks import MoveTasks
from redrive.services.sqs.redrive import DeadLetterRoute, Finder
from redrive.services.sqs.state import Queue
from redrive.services.sqs.waiters import Waiters
from redrive.store import Transaction


class SqsCore(Service):
    """The state and helpers behind every SQS operation (see :class:`.service.SqsService`)."""

    name = "sqs"

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        self.waiters = Waiters(platform.scheduler)
        self.sampler = GaugeSampler(platform)
        #: deletes the messages of deleted and purged queues (AWS: "up to 60 seconds")
        self.sweeper = StorageSweeper(platform, state.SWEEP, state.STORAGE_TABLES)
        self.tasks = MoveTasks(platform, self.waiters.notify)

    def start(self) -> None:
        self.sweeper.start()
        self.tasks.start()
        with self.store.transaction() as txn:
            queues = list(state.iter_all_queues(txn))
        for queue in queues:  # after a restart every queue counts as just active
            self.sampler.touch(queue)

    def stop(self) -> None:
        self.sampler.stop()
        self.sweeper.stop()
        self.tasks.stop()
        self.waiters.close()

    # -- queues -------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return self.platform.endpoint_url or c.DEFAULT_ENDPOINT

    def url_of(self, queue: Queue | QueueRef) -> str:
        return arns.queue_url(self.endpoint, queue.account, queue.name)

    def by_url(self, txn: Transaction, ctx: RequestContext, url: str) -> Queue:
        """The queue a QueueUrl names (QueueDoesNotExist if none); notes the activity."""
        ref = arns.parse_url(url, ctx.region)
        if ref is None:
            raise errors.invalid_address(url)
        return self._existing(txn, ref)

    def by_arn(self, txn: Transaction, arn: str) -> Queue:
        """The queue an ARN names (QueueDoesNotExist if none); notes the activity."""
        ref = arns.parse_arn(arn)
        if ref is None:
            raise errors.queue_does_not_exist()
        return self._existing(txn, ref)

    def _existing(self, txn: Transaction, ref: QueueRef) -> Queue:
        queue = state.get_queue(txn, ref)
        if queue is None:
            raise errors.queue_does_not_exist()
        self.sampler.touch(queue)
        return queue

    @staticmethod
    def finder(txn: Transaction) -> Finder:
        return lambda ref: state.get_queue(txn, ref)

    # -- messages -----------------------------------------------------------------------------

    def messages(self, txn: Transaction, queue: Queue, *, settle: bool = True) -> Messages:
        found = Messages(txn, queue, emulated_ms(self.platform))
        if settle:
            found.settle()
        return found

    def finish(self, messages: Messages) -> None:
        """Write the counters back and wake the queue's receivers if that may help them."""
        messages.save()
        if messages.wake:
            self.waiters.notify(messages.queue.qid)

    def record(self, queue: Queue, data: list[Datum]) -> None:
        metrics.record(self.platform, queue, data)

    def receive_now(
        self,
        txn: Transaction,
        queue: Queue,
        *,
        max_messages: int,
        visibility_timeout: int | None,
        system_names: frozenset[str],
        attribute_names: Iterable[str] | None,
        attempt_id: str | None = None,
        short_poll: bool = False,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Receive what is there now: the messages, and (when none) when the queue's next
        hidden message becomes visible.

        At the in-flight quota nothing is received; a short poll of a standard queue gets
        OverLimit (quotas-queues.html).
        """
        messages = self.messages(txn, queue)
        if messages.counts.inflight >= c.MAX_INFLIGHT_MESSAGES:
            if short_poll and not queue.fifo:
                raise errors.over_limit(c.MAX_INFLIGHT_MESSAGES)
            self.finish(messages)
            return [], messages.next_visible_ms()
        timeout = queue.visibility_timeout if visibility_timeout is None else visibility_timeout
        route = DeadLetterRoute(txn, queue, messages.now_ms, self.finder(txn))
        got = None
        if queue.fifo and attempt_id:
            got = fifo.replay(messages, attempt_id, timeout)
        if got is None:
            got = messages.take(max_messages, timeout, route if route.policy else None)
            if queue.fifo and attempt_id and got:
                fifo.record_attempt(messages, attempt_id, got)
        out = [
            views.message(
                messages, seq, meta, system_names=system_names, attribute_names=attribute_names
            )
            for seq, meta in got
        ]
        following = None if out else messages.next_visible_ms()
        route.save()
        target = route.target() if route.moved else None
        if target is not None:
            self.waiters.notify(target.queue.qid)
        self.finish(messages)
        return out, following
