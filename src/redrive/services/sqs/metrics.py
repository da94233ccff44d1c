"""AWS/SQS metrics, recorded in the CloudWatch service by ``QueueName``.

Counters are recorded by the operations themselves, in their transaction:
NumberOfMessagesSent and SentMessageSize per message sent, NumberOfMessagesReceived per
message received, NumberOfEmptyReceives per ReceiveMessage call that returned nothing,
NumberOfMessagesDeleted per message deleted. Messages moved to a dead-letter queue by a
redrive policy are not counted as sent there (AWS: only manual sends to a DLQ are).

Gauges (ApproximateNumberOfMessagesVisible / NotVisible / Delayed and
ApproximateAgeOfOldestMessage) are sampled by :class:`GaugeSampler` at every whole emulated
minute for each queue that saw an API call within the last six hours ("active", as AWS
defines it), and only while such queues exist: six idle emulated hours after the last call the
sampling stops, so it never keeps a waiting virtual clock jumping for ever. Sampling is
scheduled work; it never holds the clock.
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
"""

from __future__ import annotations

from collections.abc import Sequence

from redrive.kernel import Handle
from redrive.services._base import Platform
from redrive.services.cloudwatch.service import Datum, record_if_present
from redrive.services.sqs import constants as c
from redrive.services.sqs import state
from redrive.services.sqs.messages import Messages, emulated_ms
from redrive.services.sqs.state import Queue


def record(platform: Platform, queue: Queue, data: Sequence[Datum]) -> None:
    """Record ``data`` for ``queue`` now (nothing if CloudWatch is not part of this engine)."""
    record_if_present(
        platform,
        queue.account,
        queue.region,
        c.NAMESPACE,
        data,
        dimensions={"QueueName": queue.name},
    )


def sent(sizes: Sequence[int]) -> list[Datum]:
    data: list[Datum] = []
    for size in sizes:
        data.append(("NumberOfMessagesSent", 1, "Count"))
        data.append(("SentMessageSize", size, "Bytes"))
    return data


def received(count: int) -> list[Datum]:
    if count:
        return [("NumberOfMessagesReceived", count, "Count")]
    return [("NumberOfEmptyReceives", 1, "Count")]


def deleted(count: int) -> list[Datum]:
    return [("NumberOfMessagesDeleted", count, "Count")] if count else []


class GaugeSampler:
    """Samples the queue gauges once per emulated minute while queues exist."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        #: queue id -> emulated time of its last API call
        self.active: dict[int, float] = {}
        self._handle: Handle | None = None

    def touch(self, queue: Queue) -> None:
        """Note an API call on ``queue`` (it stays active for six hours) and make sure a
        sample is scheduled."""
        self.active[queue.qid] = self.platform.now()
        self.ensure()

    def ensure(self) -> None:
        if self._handle is not None and not self._handle.cancelled:
            return
        now = self.platform.now()
        due = (now // c.SAMPLE_INTERVAL_SECONDS + 1) * c.SAMPLE_INTERVAL_SECONDS
        self._handle = self.platform.scheduler.call_at(due, self._sample)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _sample(self) -> None:
        self._handle = None
        now = self.platform.now()
        now_ms = emulated_ms(self.platform)
        sampled = False
        with self.platform.store.transaction() as txn:
            for queue in list(state.iter_all_queues(txn)):
                last = self.active.get(queue.qid)
                if last is None or now - last > c.ACTIVE_WINDOW_SECONDS:
                    self.active.pop(queue.qid, None)
                    continue
                sampled = True
                messages = Messages(txn, queue, now_ms)
                messages.settle()
                messages.save()
                counts = messages.counts
                data: list[Datum] = [
                    ("ApproximateNumberOfMessagesVisible", counts.visible, "Count"),
                    ("ApproximateNumberOfMessagesNotVisible", counts.inflight, "Count"),
                    ("ApproximateNumberOfMessagesDelayed", counts.delayed, "Count"),
                ]
                oldest = messages.oldest_enqueued_ms()
                if oldest is not None:
                    age = max(0.0, (now_ms - oldest) / c.MS_PER_SECOND)
                    data.append(("ApproximateAgeOfOldestMessage", age, "Seconds"))
                record(self.platform, queue, data)
        if sampled:
            self.ensure()
