"""Send, receive and delete cost the same at any queue depth (indexes, not scans)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from redrive import Cloud
from redrive.services.sqs import sending, state
from redrive.services.sqs.service import SqsService
from tests.services.sqs.conftest import (
    arn,
    bodies,
    counts,
    in_engine,
    make_queue,
    name_of,
    receive,
    unique,
)

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


def index_scans(cloud: Cloud, url: str) -> int:
    """How many times settling the queue now reads its time indexes (hidden and expiry)."""

    def settle(svc: SqsService) -> int:
        scans: list[str] = []
        with svc.store.transaction() as txn:
            real_scan = txn.scan

            def counting(table: str, *args: Any, **kwargs: Any) -> Any:
                if table in (state.HIDDEN, state.EXPIRY):
                    scans.append(table)
                return real_scan(table, *args, **kwargs)

            txn.scan = counting  # type: ignore[method-assign]
            queue = svc.by_arn(txn, arn(name_of(url)))
            svc.finish(svc.messages(txn, queue))
        return len(scans)

    return in_engine(cloud, settle)


def test_settling_reads_no_index_before_anything_can_be_due(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert bodies(receive(sqs, url, VisibilityTimeout=60)) == ["x"]
    assert index_scans(cloud, url) == 0
    # a shorter timeout lowers the floor: the message is back on time
    sqs.send_message(QueueUrl=url, MessageBody="y")
    assert bodies(receive(sqs, url, VisibilityTimeout=10)) == ["y"]
    cloud.advance(10)
    assert counts(sqs, url) == (1, 1, 0)
    assert index_scans(cloud, url) == 0
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=5)
    cloud.advance(5)
    assert counts(sqs, url) == (2, 1, 0)
    cloud.advance(45)
    assert bodies(receive(sqs, url)) == ["x", "y", "later"]


def test_counters_stored_without_floors_still_settle(cloud: Cloud, sqs: Any) -> None:
    """Counters written before the index floors existed hold three numbers."""
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    receive(sqs, url, VisibilityTimeout=30)

    def drop_floors(svc: SqsService) -> None:
        with svc.store.transaction() as txn:
            sid = svc.by_arn(txn, arn(name_of(url))).sid
            txn.put(state.COUNTS, (sid,), txn.get(state.COUNTS, (sid,))[:3])

    in_engine(cloud, drop_floors)
    cloud.advance(30)
    assert counts(sqs, url) == (1, 0, 0)
    assert index_scans(cloud, url) == 0
