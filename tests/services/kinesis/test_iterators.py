"""GetShardIterator: every iterator type, shard ids, and the sequence numbers it accepts."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.kinesis.conftest import ACCOUNT, iterator, make_stream, read, shard_id
from tests.support import error_of, status_of


def put(kinesis: Any, name: str, *payloads: bytes) -> list[str]:
    return [
        kinesis.put_record(StreamName=name, Data=p, PartitionKey="k")["SequenceNumber"]
        for p in payloads
    ]


def test_trim_horizon_reads_from_the_oldest_record(kinesis: Any) -> None:
    name = make_stream(kinesis)
    put(kinesis, name, b"1", b"2", b"3")
    assert read(kinesis, name, kind="TRIM_HORIZON") == [b"1", b"2", b"3"]


def test_latest_reads_only_records_put_after_it(kinesis: Any) -> None:
    name = make_stream(kinesis)
    put(kinesis, name, b"old")
    latest = iterator(kinesis, name, kind="LATEST")
    assert kinesis.get_records(ShardIterator=latest)["Records"] == []
    put(kinesis, name, b"new-1", b"new-2")
    found = kinesis.get_records(ShardIterator=latest)["Records"]
    assert [r["Data"] for r in found] == [b"new-1", b"new-2"]
    # LATEST on a shard that never had a record
    empty = make_stream(kinesis)
    latest = iterator(kinesis, empty, kind="LATEST")
    put(kinesis, empty, b"first")
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=latest)["Records"]] == [b"first"]


def test_at_and_after_sequence_number(kinesis: Any) -> None:
    name = make_stream(kinesis)
    numbers = put(kinesis, name, b"a", b"b", b"c")
    at = read(kinesis, name, kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber=numbers[1])
    assert at == [b"b", b"c"]
    after = read(kinesis, name, kind="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=numbers[1])
    assert after == [b"c"]
    start = kinesis.list_shards(StreamName=name)["Shards"][0]["SequenceNumberRange"][
        "StartingSequenceNumber"
    ]
    assert read(kinesis, name, kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber=start) == [
        b"a",
        b"b",
        b"c",
    ]
    last = read(kinesis, name, kind="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=numbers[2])
    assert last == []


def test_at_timestamp_reads_from_the_first_record_at_or_after_it(
    cloud: Cloud, kinesis: Any
) -> None:
    name = make_stream(kinesis)
    # boto3 sends Timestamp in whole seconds: put the records on whole seconds
    cloud.advance(math.ceil(cloud.now()) + 1 - cloud.now())
    early = round(cloud.now())
    put(kinesis, name, b"early")
    cloud.advance(10)
    put(kinesis, name, b"late")
    cloud.advance(10)

    def at(moment: float) -> list[bytes]:
        stamp = datetime.fromtimestamp(moment, tz=timezone.utc)
        return read(kinesis, name, kind="AT_TIMESTAMP", Timestamp=stamp)

    assert at(early - 60) == [b"early", b"late"]
    assert at(early) == [b"early", b"late"]
    assert at(early + 1) == [b"late"]
    assert at(early + 10) == [b"late"]
    assert at(early + 11) == []
    with pytest.raises(ClientError) as exc:
        iterator(kinesis, name, kind="AT_TIMESTAMP")
    assert error_of(exc)[0] == "InvalidArgumentException"


def test_records_carry_arrival_time_from_the_emulated_clock(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    cloud.advance(123.456)
    sent = cloud.now()
    put(kinesis, name, b"x")
    [record] = kinesis.get_records(ShardIterator=iterator(kinesis, name))["Records"]
    assert record["ApproximateArrivalTimestamp"].timestamp() == pytest.approx(sent, abs=0.001)
    assert record["PartitionKey"] == "k"


def test_type_and_sequence_number_must_agree(kinesis: Any) -> None:
    name = make_stream(kinesis)
    [number] = put(kinesis, name, b"x")
    for kind, given in [
        ("AT_SEQUENCE_NUMBER", None),
        ("AFTER_SEQUENCE_NUMBER", None),
        ("TRIM_HORIZON", number),
        ("LATEST", number),
    ]:
        more = {} if given is None else {"StartingSequenceNumber": given}
        with pytest.raises(ClientError) as exc:
            iterator(kinesis, name, kind=kind, **more)
        words = "also a StartingSequenceNumber" if given else "no StartingSequenceNumber"
        assert error_of(exc) == (
            "InvalidArgumentException",
            "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
            "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no "
            f"StartingSequenceNumber. Request specified {kind} and {words}.",
        )
        assert status_of(exc) == 400


def test_sequence_numbers_of_other_shards_and_streams_are_refused(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=2)
    on_one = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k", ExplicitHashKey="0")
    assert on_one["ShardId"] == shard_id(0)
    with pytest.raises(ClientError) as exc:
        iterator(
            kinesis, name, shard=1, kind="AT_SEQUENCE_NUMBER",
            StartingSequenceNumber=on_one["SequenceNumber"],
        )  # fmt: skip
    assert error_of(exc) == (
        "InvalidArgumentException",
        f"Invalid StartingSequenceNumber. It encodes {shard_id(0)}, while it was used in a call "
        f"to a shard with {shard_id(1)}",
    )
    with pytest.raises(ClientError) as exc:
        iterator(kinesis, name, kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber="12345")
    assert error_of(exc) == (
        "InvalidArgumentException",
        f"StartingSequenceNumber 12345 used in GetShardIterator on shard {shard_id(0)} in "
        f"stream {name} under account {ACCOUNT} is invalid.",
    )
    # a number from an earlier stream of the same name (a stale checkpoint)
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    make_stream(kinesis, shards=2, name=name)
    with pytest.raises(ClientError) as exc:
        iterator(
            kinesis, name, kind="AFTER_SEQUENCE_NUMBER",
            StartingSequenceNumber=on_one["SequenceNumber"],
        )  # fmt: skip
    assert error_of(exc) == (
        "InvalidArgumentException",
        f"StartingSequenceNumber {on_one['SequenceNumber']} used in GetShardIterator on shard "
        f"{shard_id(0)} in stream {name} under account {ACCOUNT} is invalid because it did "
        "not come from this stream.",
    )


def test_shard_ids(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=2)
    kinesis.put_record(StreamName=name, Data=b"one", PartitionKey="k", ExplicitHashKey=str(2**127))
    for loose in ("shardId-1", "shard-1", "1", shard_id(1)):
        it = kinesis.get_shard_iterator(
            StreamName=name, ShardId=loose, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        assert [r["Data"] for r in kinesis.get_records(ShardIterator=it)["Records"]] == [b"one"]
    with pytest.raises(ClientError) as exc:
        kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-5", ShardIteratorType="LATEST")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Shard {shard_id(5)} in stream {name} under account {ACCOUNT} does not exist",
    )
    with pytest.raises(ClientError) as exc:
        kinesis.get_shard_iterator(StreamName=name, ShardId="ABKLFD8", ShardIteratorType="LATEST")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Could not find shard ABKLFD8 in stream {name} under account {ACCOUNT}.",
    )


def test_iterators_are_opaque_and_fresh_each_time(kinesis: Any) -> None:
    name = make_stream(kinesis)
    first = iterator(kinesis, name, kind="LATEST")
    second = iterator(kinesis, name, kind="LATEST")
    assert first != second
    following = kinesis.get_records(ShardIterator=first)["NextShardIterator"]
    assert following not in (first, second)
    assert 1 <= len(first) <= 512
