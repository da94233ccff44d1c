"""Reads cost O(log n + k): a read visits the records it returns, not the shard's length."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from redrive import Cloud
from redrive.services.kinesis import sequence, state
from redrive.services.kinesis.arns import StreamRef
from redrive.services.kinesis.records import ShardLog
from redrive.services.kinesis.service import KinesisService
from redrive.store import Transaction
from tests.services.kinesis.conftest import (
    ACCOUNT,
    REGION,
    arn,
    in_engine,
    make_stream,
    shard_id,
)

LENGTH = 20_000


class CountingTransaction:
    """Delegates to a transaction, counting the rows its scans hand out."""

    def __init__(self, txn: Transaction) -> None:
        self.txn = txn
        self.rows = 0

    def scan(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for item in self.txn.scan(*args, **kwargs):
            self.rows += 1
            yield item

    def __getattr__(self, name: str) -> Any:
        return getattr(self.txn, name)


def fill(cloud: Cloud, name: str) -> None:
    """Append LENGTH records to shard 0 in one transaction (set-up, not the API path)."""

    def put(svc: KinesisService) -> None:
        with svc.store.transaction() as txn:
            stream = state.get_stream(txn, StreamRef(ACCOUNT, REGION, name))
            assert stream is not None
            log = svc.log(txn, stream, 0)
            for i in range(LENGTH):
                log.append("k", b"%d" % i, 6)

    in_engine(cloud, put)


def rows_visited(cloud: Cloud, name: str, position: tuple[int, int], limit: int) -> tuple[int, int]:
    """(records returned, rows scanned) of one read of shard 0 from ``position``."""

    def measure(svc: KinesisService) -> tuple[int, int]:
        with svc.store.transaction() as txn:
            counting = CountingTransaction(txn)
            stream = state.get_stream(txn, StreamRef(ACCOUNT, REGION, name))
            assert stream is not None
            log = ShardLog(cast(Transaction, counting), stream, 0, svc.now_ms())
            page = log.read(position, limit, 10 * 1024 * 1024)
            return len(page.records), counting.rows

    return in_engine(cloud, measure)


def test_reading_the_tail_of_a_long_shard_visits_only_what_it_returns(
    cloud: Cloud, kinesis: Any
) -> None:
    name = make_stream(kinesis)
    fill(cloud, name)
    head = in_engine(cloud, lambda svc: svc.latest_sequence_number(arn(name), shard_id(0)))
    parts = sequence.decode(head)
    assert parts is not None and parts.counter == LENGTH
    ms, counter = parts.ms, parts.counter
    returned, visited = rows_visited(cloud, name, (ms, counter - 9), 100)
    assert returned == 10 and visited <= 11
    returned, visited = rows_visited(cloud, name, (0, 0), 5)
    assert returned == 5 and visited <= 6
    returned, visited = rows_visited(cloud, name, (ms, counter + 1), 10_000)
    assert returned == 0 and visited == 0


def test_get_records_at_a_late_sequence_number_of_a_long_shard(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    fill(cloud, name)
    late = kinesis.put_record(StreamName=name, Data=b"late", PartitionKey="k")["SequenceNumber"]
    it = kinesis.get_shard_iterator(
        StreamName=name,
        ShardId="shardId-000000000000",
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=late,
    )["ShardIterator"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=it)["Records"]] == [b"late"]
