"""The interface a Lambda event source mapping poller uses: shards, reads, positions (STRM-1)."""

from __future__ import annotations

from typing import Any

import pytest

from redrive import Cloud
from redrive.errors import ServiceError
from redrive.services._base import RequestContext
from redrive.services.kinesis.internal import ReadFrom, ShardRead
from redrive.services.kinesis.service import KinesisService
from tests.services.kinesis.conftest import (
    ACCOUNT,
    REGION,
    arn,
    in_engine,
    make_stream,
    service_of,
    shard_id,
)
from tests.support import on_loop


def test_describe_resolves_a_stream_arn(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis, shards=2)
    info = in_engine(cloud, lambda svc: svc.describe(arn(name)))
    assert (info.name, info.arn, info.account, info.region) == (name, arn(name), ACCOUNT, REGION)
    assert (info.status, info.retention_hours) == ("ACTIVE", 24)
    listed = kinesis.list_shards(StreamName=name)["Shards"]
    assert [s.shard_id for s in info.shards] == [s["ShardId"] for s in listed]
    for shard, api in zip(info.shards, listed, strict=True):
        assert str(shard.starting_hash_key) == api["HashKeyRange"]["StartingHashKey"]
        assert str(shard.ending_hash_key) == api["HashKeyRange"]["EndingHashKey"]
        assert (
            shard.starting_sequence_number == api["SequenceNumberRange"]["StartingSequenceNumber"]
        )
    assert in_engine(cloud, lambda svc: svc.shards(arn(name))) == list(info.shards)
    assert in_engine(cloud, lambda svc: svc.stream_arn(ACCOUNT, REGION, name)) == arn(name)


def test_unknown_streams_and_shards_raise_what_clients_get(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    for target in (arn("missing"), "not-an-arn", arn(name, "eu-west-1")):
        with pytest.raises(ServiceError) as exc:
            in_engine(cloud, lambda svc, t=target: svc.describe(t))
        assert exc.value.code == "ResourceNotFoundException"
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.read(arn(name), shard_id(3), ReadFrom.trim_horizon()))
    assert exc.value.code == "ResourceNotFoundException"
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.read(arn(name), shard_id(0), ReadFrom.at("123")))
    assert exc.value.code == "InvalidArgumentException"
    with pytest.raises(ValueError):
        in_engine(cloud, lambda svc: svc.read(arn(name), shard_id(0), ReadFrom.latest(), 0))


def test_records_carry_what_a_lambda_event_needs__STRM_1(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    sent_at = cloud.now()
    put = kinesis.put_record(StreamName=name, Data=b"Hello, this is a test.", PartitionKey="1")
    found: ShardRead = in_engine(
        cloud, lambda svc: svc.read(arn(name), put["ShardId"], ReadFrom.trim_horizon())
    )
    [record] = found.records
    assert record.shard_id == put["ShardId"]
    assert record.sequence_number == put["SequenceNumber"]
    assert record.partition_key == "1"
    assert record.data == b"Hello, this is a test."
    assert record.approximate_arrival_timestamp == pytest.approx(sent_at, abs=0.001)
    assert record.size == len(b"Hello, this is a test.") + 1
    assert found.next == ReadFrom.after(put["SequenceNumber"])
    assert found.millis_behind_latest == 0


def test_reads_from_every_kind_of_start(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    shard = shard_id(0)
    numbers = [
        kinesis.put_record(StreamName=name, Data=d, PartitionKey="k")["SequenceNumber"]
        for d in (b"a", b"b")
    ]
    cloud.advance(1.5)
    middle = cloud.now()
    numbers.append(
        kinesis.put_record(StreamName=name, Data=b"c", PartitionKey="k")["SequenceNumber"]
    )

    def data(start: ReadFrom, limit: int = 10_000) -> list[bytes]:
        found = in_engine(cloud, lambda svc: svc.read(arn(name), shard, start, limit))
        return [r.data for r in found.records]

    assert data(ReadFrom.trim_horizon()) == [b"a", b"b", b"c"]
    assert data(ReadFrom.trim_horizon(), limit=2) == [b"a", b"b"]
    assert data(ReadFrom.at(numbers[1])) == [b"b", b"c"]
    assert data(ReadFrom.after(numbers[1])) == [b"c"]
    assert data(ReadFrom.at_timestamp(middle - 0.2)) == [b"c"]  # millisecond precision
    assert data(ReadFrom.latest()) == []
    latest = in_engine(cloud, lambda svc: svc.latest_sequence_number(arn(name), shard))
    assert latest == numbers[-1]
    kinesis.put_record(StreamName=name, Data=b"d", PartitionKey="k")
    assert data(ReadFrom.after(latest)) == [b"d"]


def test_latest_sequence_number_of_an_empty_shard_reads_everything_put_later(
    cloud: Cloud, kinesis: Any
) -> None:
    name = make_stream(kinesis)
    start = in_engine(cloud, lambda svc: svc.latest_sequence_number(arn(name), shard_id(0)))
    assert (
        start
        == kinesis.list_shards(StreamName=name)["Shards"][0]["SequenceNumberRange"][
            "StartingSequenceNumber"
        ]
    )
    kinesis.put_record(StreamName=name, Data=b"first", PartitionKey="k")
    found = in_engine(cloud, lambda svc: svc.read(arn(name), shard_id(0), ReadFrom.after(start)))
    assert [r.data for r in found.records] == [b"first"]


def test_a_checkpoint_loop_reads_each_record_once(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    for i in range(25):
        kinesis.put_record(StreamName=name, Data=b"%d" % i, PartitionKey="k")
    position = ReadFrom.trim_horizon()
    seen: list[bytes] = []
    behind: list[int] = []
    cloud.advance(2)
    for _ in range(4):
        found = in_engine(cloud, lambda svc, p=position: svc.read(arn(name), shard_id(0), p, 10))
        seen += [r.data for r in found.records]
        behind.append(found.millis_behind_latest)
        position = found.next
    assert seen == [b"%d" % i for i in range(25)]
    assert behind == [2000, 2000, 0, 0]
    assert position.kind == "AFTER_SEQUENCE_NUMBER"


def test_reads_skip_expired_records(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    old = kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="k")["SequenceNumber"]
    cloud.advance(23 * 3600)
    kinesis.put_record(StreamName=name, Data=b"new", PartitionKey="k")
    cloud.advance(3600 + 1)
    found = in_engine(cloud, lambda svc: svc.read(arn(name), shard_id(0), ReadFrom.at(old)))
    assert [r.data for r in found.records] == [b"new"]


def test_when_available_resolves_on_the_next_put(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    service = service_of(cloud)
    scheduler = cloud.engine.platform.scheduler

    async def wait(start: ReadFrom, timeout: float) -> bool:
        future = service.when_available(arn(name), shard_id(0), start)
        try:
            return await scheduler.run_until(future, timeout=timeout)
        finally:
            future.cancel()

    assert on_loop(cloud, wait(ReadFrom.trim_horizon(), 60)) is False
    sequence = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k")["SequenceNumber"]
    assert on_loop(cloud, wait(ReadFrom.trim_horizon(), 60)) is True
    assert on_loop(cloud, wait(ReadFrom.after(sequence), 60)) is False

    async def put_while_waiting() -> bool:
        future = service.when_available(arn(name), shard_id(0), ReadFrom.after(sequence))
        assert not future.done()
        put_in_engine(service, name)
        return await scheduler.run_until(future, timeout=60)

    assert on_loop(cloud, put_while_waiting()) is True


def put_in_engine(service: KinesisService, name: str) -> None:
    """Put a record through the operation itself, as a request would."""
    ctx = RequestContext(ACCOUNT, REGION, "request-id", "PutRecord")
    with service.store.transaction():
        service.operations["PutRecord"](
            ctx, {"StreamName": name, "Data": b"y", "PartitionKey": "k"}
        )
