"""Retention on the emulated clock: expired records are trimmed, iterators move past them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from redrive.services.kinesis import state
from redrive.services.kinesis.arns import StreamRef
from redrive.services.kinesis.service import KinesisService
from tests.services.kinesis.conftest import ACCOUNT, REGION, in_engine, iterator, make_stream, read
from tests.support import error_of

HOUR = 3600


def put(kinesis: Any, name: str, data: bytes) -> str:
    sequence: str = kinesis.put_record(StreamName=name, Data=data, PartitionKey="k")[
        "SequenceNumber"
    ]
    return sequence


def test_records_expire_after_24_hours_by_default(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    put(kinesis, name, b"old")
    cloud.advance(12 * HOUR)
    put(kinesis, name, b"young")
    cloud.advance(12 * HOUR)
    assert read(kinesis, name) == [b"old", b"young"]
    cloud.advance(0.001)
    assert read(kinesis, name) == [b"young"]
    cloud.advance(12 * HOUR)
    assert read(kinesis, name) == []


def test_positions_before_the_trim_horizon_read_from_the_oldest_record(
    cloud: Cloud, kinesis: Any
) -> None:
    name = make_stream(kinesis)
    first = put(kinesis, name, b"first")
    put(kinesis, name, b"second")
    cloud.advance(2 * HOUR)
    put(kinesis, name, b"third")
    cloud.advance(22 * HOUR + 1)
    # both records of the first hour are gone; an iterator at the first moves to the third
    at_first = read(kinesis, name, kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber=first)
    assert at_first == [b"third"]
    after_first = read(kinesis, name, kind="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=first)
    assert after_first == [b"third"]


def test_an_iterator_held_while_records_expire_skips_them(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    put(kinesis, name, b"a")
    cloud.advance(24 * HOUR - 60)
    put(kinesis, name, b"b")
    held = iterator(kinesis, name)
    cloud.advance(120)  # "a" expires while the iterator (2 minutes old) is held
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=held)["Records"]] == [b"b"]


def test_increase_and_decrease_retention(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["RetentionPeriodHours"] == 48
    put(kinesis, name, b"kept")
    cloud.advance(30 * HOUR)
    assert read(kinesis, name) == [b"kept"]
    # a shorter period makes older records inaccessible at once
    kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
    assert read(kinesis, name) == []
    # and a longer one does not bring them back
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=8760)
    assert read(kinesis, name) == []


def test_retention_limits_and_direction(kinesis: Any) -> None:
    name = make_stream(kinesis)
    cases = [
        (
            kinesis.increase_stream_retention_period,
            8761,
            "Maximum allowed retention period is 8760 hours. Requested retention period "
            "(8761 hours) is too long.",
        ),
        (
            kinesis.decrease_stream_retention_period,
            23,
            "Minimum allowed retention period is 24 hours. Requested retention period "
            "(23 hours) is too short.",
        ),
        (
            kinesis.decrease_stream_retention_period,
            48,
            f"Requested retention period (48 hours) for stream {name} can not be longer than "
            "existing retention period (24 hours). Use IncreaseRetentionPeriod API.",
        ),
    ]
    for call, hours, message in cases:
        with pytest.raises(ClientError) as exc:
            call(StreamName=name, RetentionPeriodHours=hours)
        assert error_of(exc) == ("InvalidArgumentException", message)
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=100)
    with pytest.raises(ClientError) as exc:
        kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=50)
    assert error_of(exc) == (
        "InvalidArgumentException",
        f"Requested retention period (50 hours) for stream {name} can not be shorter than "
        "existing retention period (100 hours). Use DecreaseRetentionPeriod API.",
    )
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["RetentionPeriodHours"] == 100


def test_expired_records_are_deleted_when_the_shard_is_next_touched(
    cloud: Cloud, kinesis: Any
) -> None:
    name = make_stream(kinesis)
    kinesis.put_records(
        StreamName=name, Records=[{"Data": b"x", "PartitionKey": "k"} for _ in range(50)]
    )

    def stored(svc: KinesisService) -> int:
        with svc.store.transaction() as txn:
            stream = state.get_stream(txn, StreamRef(ACCOUNT, REGION, name))
            assert stream is not None
            return txn.count(state.RECORDS, (stream.sid,))

    assert in_engine(cloud, stored) == 50
    cloud.advance(25 * HOUR)
    assert in_engine(cloud, stored) == 50  # time alone changes nothing in the store
    kinesis.put_record(StreamName=name, Data=b"new", PartitionKey="k")
    assert in_engine(cloud, stored) == 1
    assert read(kinesis, name) == [b"new"]
