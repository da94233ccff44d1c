"""GetRecords: limits, chaining iterators, MillisBehindLatest, expiry, deleted streams."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.kinesis.conftest import ACCOUNT, iterator, make_stream, shard_id
from tests.support import error_of

MIB = 1024 * 1024


def put_many(kinesis: Any, name: str, count: int, prefix: str = "r") -> None:
    for start in range(0, count, 500):
        kinesis.put_records(
            StreamName=name,
            Records=[
                {"Data": f"{prefix}{i}".encode(), "PartitionKey": "k"}
                for i in range(start, min(count, start + 500))
            ],
        )


def test_limit_and_next_shard_iterator_walk_the_shard_in_order(kinesis: Any) -> None:
    name = make_stream(kinesis)
    put_many(kinesis, name, 25)
    current = iterator(kinesis, name)
    seen: list[bytes] = []
    for _ in range(3):
        result = kinesis.get_records(ShardIterator=current, Limit=10)
        seen += [r["Data"] for r in result["Records"]]
        current = result["NextShardIterator"]
    assert seen == [f"r{i}".encode() for i in range(25)]
    tail = kinesis.get_records(ShardIterator=current)
    assert tail["Records"] == []
    assert tail["MillisBehindLatest"] == 0
    kinesis.put_record(StreamName=name, Data=b"later", PartitionKey="k")
    later = kinesis.get_records(ShardIterator=tail["NextShardIterator"])["Records"]
    assert [r["Data"] for r in later] == [b"later"]


def test_default_limit_is_ten_thousand(kinesis: Any) -> None:
    name = make_stream(kinesis)
    put_many(kinesis, name, 10_001)
    result = kinesis.get_records(ShardIterator=iterator(kinesis, name))
    assert len(result["Records"]) == 10_000
    assert result["MillisBehindLatest"] == 0  # the one left arrived now
    rest = kinesis.get_records(ShardIterator=result["NextShardIterator"])["Records"]
    assert [r["Data"] for r in rest] == [b"r10000"]


def test_limit_outside_one_to_ten_thousand_is_a_validation_error(
    kinesis: Any, unchecked: Any
) -> None:
    name = make_stream(kinesis)
    shard_iterator = iterator(kinesis, name)
    for limit in (0, 10_001):
        with pytest.raises(ClientError) as exc:
            unchecked.get_records(ShardIterator=shard_iterator, Limit=limit)
        assert error_of(exc)[0] == "ValidationException"


def test_a_call_returns_at_most_ten_mib(kinesis: Any) -> None:
    name = make_stream(kinesis)
    big = b"z" * (MIB - 1)
    for _ in range(11):
        kinesis.put_record(StreamName=name, Data=big, PartitionKey="k")
    first = kinesis.get_records(ShardIterator=iterator(kinesis, name))
    assert len(first["Records"]) == 10  # 10 x 1 MiB fit; the 11th would pass 10 MiB
    second = kinesis.get_records(ShardIterator=first["NextShardIterator"])
    assert len(second["Records"]) == 1


def test_millis_behind_latest_is_the_age_of_the_first_unread_record(
    cloud: Cloud, kinesis: Any
) -> None:
    name = make_stream(kinesis)
    kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="k")
    cloud.advance(30)
    kinesis.put_record(StreamName=name, Data=b"newer", PartitionKey="k")
    cloud.advance(10)
    first = kinesis.get_records(ShardIterator=iterator(kinesis, name), Limit=1)
    assert first["MillisBehindLatest"] == 10_000
    second = kinesis.get_records(ShardIterator=first["NextShardIterator"], Limit=1)
    assert second["MillisBehindLatest"] == 0


def test_iterators_expire_after_five_emulated_minutes(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    fresh = iterator(kinesis, name)
    cloud.advance(300)
    kinesis.get_records(ShardIterator=fresh)
    stale = iterator(kinesis, name)
    cloud.advance(300.001)
    with pytest.raises(ClientError) as exc:
        kinesis.get_records(ShardIterator=stale)
    code, message = error_of(exc)
    assert code == "ExpiredIteratorException"
    assert message.startswith("Iterator expired. The iterator was created at time ")
    assert message.endswith(
        "which is further in the future than the tolerated delay of 300000 milliseconds."
    )
    assert " UTC " in message


def test_garbage_is_not_an_iterator(kinesis: Any) -> None:
    for text in ("not-an-iterator", "AAAA", "QUJD" * 20):
        with pytest.raises(ClientError) as exc:
            kinesis.get_records(ShardIterator=text)
        assert error_of(exc) == ("InvalidArgumentException", "Invalid ShardIterator.")


def test_iterators_of_a_deleted_stream_name_its_shard(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=2)
    zero, one = iterator(kinesis, name, 0), iterator(kinesis, name, 1)
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    for shard, it in ((0, zero), (1, one)):
        with pytest.raises(ClientError) as exc:
            kinesis.get_records(ShardIterator=it)
        assert error_of(exc) == (
            "ResourceNotFoundException",
            f"Shard {shard_id(shard)} in stream {name} under account {ACCOUNT} does not exist",
        )
    # as in AWS, an iterator names the stream by name: it reads a new stream of that name
    make_stream(kinesis, shards=1, name=name)
    assert kinesis.get_records(ShardIterator=zero)["Records"] == []
    with pytest.raises(ClientError) as exc:
        kinesis.get_records(ShardIterator=one)
    assert error_of(exc)[0] == "ResourceNotFoundException"
