"""PutRecord and PutRecords: hashing to shards, sequence numbers, limits."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.kinesis.conftest import ACCOUNT, make_stream, read, shard_id
from tests.support import error_of, status_of

SPACE = 2**128


def md5_key(partition_key: str) -> int:
    return int(hashlib.md5(partition_key.encode()).hexdigest(), 16)


def test_shards_split_the_hash_key_space_evenly(kinesis: Any) -> None:
    for count in (1, 2, 3, 7):
        name = make_stream(kinesis, shards=count)
        shards = kinesis.list_shards(StreamName=name)["Shards"]
        width = SPACE // count
        ranges = [
            (int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
            for s in shards
        ]
        assert ranges[0][0] == 0 and ranges[-1][1] == SPACE - 1
        for i, (start, end) in enumerate(ranges):
            assert start == i * width
            if i + 1 < count:
                assert end == ranges[i + 1][0] - 1
    three = kinesis.list_shards(StreamName=make_stream(kinesis, shards=3))["Shards"]
    assert three[1]["HashKeyRange"] == {
        "StartingHashKey": "113427455640312821154458202477256070485",
        "EndingHashKey": "226854911280625642308916404954512140969",
    }


def test_partition_key_md5_picks_the_shard_whose_range_holds_it(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=4)
    shards = kinesis.list_shards(StreamName=name)["Shards"]
    for key in ["a", "b", "user-42", "ünicödé 🔥", "x" * 256, *map(str, range(30))]:
        placed = kinesis.put_record(StreamName=name, Data=b"d", PartitionKey=key)["ShardId"]
        [expected] = [
            s["ShardId"]
            for s in shards
            if int(s["HashKeyRange"]["StartingHashKey"])
            <= md5_key(key)
            <= int(s["HashKeyRange"]["EndingHashKey"])
        ]
        assert placed == expected, key


def test_explicit_hash_key_overrides_the_partition_key(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=3)
    boundary = SPACE // 3 * 2
    for value, shard in [("0", 0), (str(boundary - 1), 1), (str(boundary), 2), (str(SPACE - 1), 2)]:
        placed = kinesis.put_record(
            StreamName=name, Data=b"", PartitionKey="a", ExplicitHashKey=value
        )["ShardId"]
        assert placed == shard_id(shard), value
    with pytest.raises(ClientError) as exc:
        kinesis.put_record(StreamName=name, Data=b"", PartitionKey="a", ExplicitHashKey=str(SPACE))
    assert error_of(exc) == (
        "InvalidArgumentException",
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
        f"Specified value was {SPACE}",
    )
    assert status_of(exc) == 400


def test_sequence_numbers_increase_as_integers_and_as_strings(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=2)
    numbers: dict[str, list[str]] = {}
    for i in range(40):
        result = kinesis.put_record(StreamName=name, Data=b"%d" % i, PartitionKey=str(i % 5))
        numbers.setdefault(result["ShardId"], []).append(result["SequenceNumber"])
    everything = [n for found in numbers.values() for n in found]
    assert len(set(everything)) == len(everything)  # unique in the stream
    for found in numbers.values():
        assert all(len(n) == 56 and n.isdigit() for n in found)
        assert found == sorted(found)
        assert [int(n) for n in found] == sorted(int(n) for n in found)
        assert len(set(found)) == len(found)
    start = kinesis.list_shards(StreamName=name)["Shards"][0]["SequenceNumberRange"]
    assert all(n > start["StartingSequenceNumber"] for n in numbers.get(shard_id(0), []))


def test_sequence_numbers_keep_increasing_as_time_passes(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    first = kinesis.put_record(StreamName=name, Data=b"1", PartitionKey="k")["SequenceNumber"]
    cloud.advance(3600)
    second = kinesis.put_record(StreamName=name, Data=b"2", PartitionKey="k")["SequenceNumber"]
    assert first < second and int(first) < int(second)


def test_sequence_number_for_ordering(kinesis: Any) -> None:
    name = make_stream(kinesis)
    previous = kinesis.put_record(StreamName=name, Data=b"1", PartitionKey="k")
    following = kinesis.put_record(
        StreamName=name,
        Data=b"2",
        PartitionKey="k",
        SequenceNumberForOrdering=previous["SequenceNumber"],
    )
    assert following["SequenceNumber"] > previous["SequenceNumber"]
    with pytest.raises(ClientError) as exc:
        kinesis.put_record(
            StreamName=name, Data=b"3", PartitionKey="k", SequenceNumberForOrdering="12345"
        )
    assert error_of(exc) == (
        "InvalidArgumentException",
        f"ExclusiveMinimumSequenceNumber 12345 used in PutRecord on stream {name} under "
        f"account {ACCOUNT} is invalid.",
    )
    assert read(kinesis, name) == [b"1", b"2"]


def test_put_records_reports_each_record_in_request_order(kinesis: Any) -> None:
    name = make_stream(kinesis, shards=3)
    entries = [{"Data": f"r{i}".encode(), "PartitionKey": f"key-{i}"} for i in range(20)]
    result = kinesis.put_records(StreamName=name, Records=entries)
    assert result["FailedRecordCount"] == 0
    assert len(result["Records"]) == 20
    for entry, outcome in zip(entries, result["Records"], strict=True):
        single = kinesis.put_record(StreamName=name, Data=b"", PartitionKey=entry["PartitionKey"])
        assert outcome["ShardId"] == single["ShardId"]
        assert outcome["SequenceNumber"] < single["SequenceNumber"]
        assert set(outcome) == {"ShardId", "SequenceNumber"}
    for shard in range(3):
        expected = [
            e["Data"]
            for e, o in zip(entries, result["Records"], strict=True)
            if o["ShardId"] == shard_id(shard)
        ]
        assert read(kinesis, name, shard)[: len(expected)] == expected


def test_a_bad_record_fails_the_whole_put_records_and_stores_nothing(kinesis: Any) -> None:
    name = make_stream(kinesis)
    with pytest.raises(ClientError) as exc:
        kinesis.put_records(
            StreamName=name,
            Records=[
                {"Data": b"ok", "PartitionKey": "a"},
                {"Data": b"bad", "PartitionKey": "b", "ExplicitHashKey": str(SPACE)},
            ],
        )
    assert error_of(exc)[0] == "InvalidArgumentException"
    assert read(kinesis, name) == []


def test_records_larger_than_the_stream_maximum_are_refused(kinesis: Any) -> None:
    name = make_stream(kinesis)
    key = "k"
    fits = b"x" * (1024 * 1024 - len(key))
    kinesis.put_record(StreamName=name, Data=fits, PartitionKey=key)
    with pytest.raises(ClientError) as exc:
        kinesis.put_record(StreamName=name, Data=fits + b"x", PartitionKey=key)
    assert error_of(exc)[0] == "InvalidArgumentException"
    big = make_stream(kinesis, MaxRecordSizeInKiB=2048)
    kinesis.put_record(StreamName=big, Data=fits + b"x", PartitionKey=key)
    assert [len(d) for d in read(kinesis, name)] == [len(fits)]


def test_put_records_total_is_limited_to_ten_mib(kinesis: Any) -> None:
    name = make_stream(kinesis)
    chunk = b"y" * (1024 * 1024 - 1)
    with pytest.raises(ClientError) as exc:
        kinesis.put_records(
            StreamName=name, Records=[{"Data": chunk, "PartitionKey": "k"} for _ in range(11)]
        )
    assert error_of(exc)[0] == "InvalidArgumentException"
    assert read(kinesis, name) == []


def test_invalid_put_is_a_validation_error(kinesis: Any, unchecked: Any) -> None:
    name = make_stream(kinesis)
    with pytest.raises(ClientError) as exc:
        unchecked.put_record(StreamName=name, Data=b"x", PartitionKey="")
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )
    with pytest.raises(ClientError) as exc:
        unchecked.put_records(StreamName=name, Records=[])
    assert error_of(exc)[0] == "ValidationException"
    assert read(kinesis, name) == []


def test_data_round_trips_byte_for_byte(kinesis: Any) -> None:
    name = make_stream(kinesis)
    payloads = [b"", b"\x00\xff\x10binary", "ünicödé 统一码 💣".encode(), b"a" * 1000]
    for payload in payloads:
        kinesis.put_record(StreamName=name, Data=payload, PartitionKey="same")
    assert read(kinesis, name) == payloads
