"""Send, receive and delete cost the same at any queue depth (indexes, not scans)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from redrive import Cloud
from redrive.services.sqs import sending
from redrive.services.sqs.service import SqsService
from tests.services.sqs.conftest import arn, counts, in_engine, make_queue, name_of, unique

DEPTH = 20_000


def fill(cloud: Cloud, url: str, count: int, group: str | None = None) -> None:
    """Put ``count`` messages into the queue inside the engine, in one transaction (the
    service's own send path, without a request or a metric per message: this is set-up)."""

    def put(svc: SqsService) -> None:
        with svc.store.transaction() as txn:
            queue = svc.by_arn(txn, arn(name_of(url)))
            messages = svc.messages(txn, queue, settle=False)
            for i in range(count):
                message = sending.prepare(queue, body=f"filler {i}", group=group)
                sending.store(messages, message, message_id=f"id-{i}", sender="filler")
            svc.finish(messages)

    in_engine(cloud, put)


def cycle_time(sqs: Any, url: str, rounds: int = 30, **send: Any) -> float:
    """Median real seconds of one send -> receive -> delete cycle."""
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        sqs.send_message(QueueUrl=url, MessageBody=f"cycle {i}", **send)
        [message] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=300)["Messages"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_cycle_cost_is_flat_with_depth(cloud: Cloud, sqs: Any) -> None:
    empty = make_queue(sqs)
    deep = make_queue(sqs)
    fill(cloud, deep, DEPTH)
    assert counts(sqs, deep) == (DEPTH, 0, 0)
    # receive the filler out of the way: the cycles then meet 20,000 in-flight messages,
    # the worst case for the visibility index
    in_engine(cloud, lambda svc: svc.receive(arn(name_of(deep)), 10, 300))
    baseline = cycle_time(sqs, empty)
    at_depth = cycle_time(sqs, deep)
    assert at_depth < 3 * baseline + 0.002, (baseline, at_depth)
    attributes_start = time.perf_counter()
    assert counts(sqs, deep)[0] == DEPTH - 10
    assert time.perf_counter() - attributes_start < 0.1


def test_a_blocked_fifo_group_does_not_slow_other_groups(cloud: Cloud, sqs: Any) -> None:
    empty = make_queue(sqs, unique() + ".fifo", ContentBasedDeduplication="true")
    deep = make_queue(sqs, unique() + ".fifo", ContentBasedDeduplication="true")
    fill(cloud, deep, DEPTH // 4, group="blocked")
    # the blocked group's head goes in flight: its thousands of messages must be skipped
    [head] = in_engine(cloud, lambda svc: svc.receive(arn(name_of(deep)), 1, 300))
    assert head["Body"] == "filler 0"
    baseline = cycle_time(sqs, empty, MessageGroupId="other")
    at_depth = cycle_time(sqs, deep, MessageGroupId="other")
    assert at_depth < 3 * baseline + 0.002, (baseline, at_depth)
