"""A stream's states: CREATING -> ACTIVE, DELETING -> gone, and boto3's waiters."""

from __future__ import annotations

from typing import Any

import pytest

from redrive import Cloud
from redrive.errors import ServiceError
from redrive.services._base import RequestContext
from redrive.services.kinesis import state
from redrive.services.kinesis.arns import StreamRef
from redrive.services.kinesis.service import KinesisService
from tests.services.kinesis.conftest import ACCOUNT, REGION, arn, in_engine, make_stream, unique


def call(svc: KinesisService, operation: str, **params: Any) -> dict[str, Any]:
    """An operation as the engine runs it for a request, without the HTTP around it."""
    ctx = RequestContext(ACCOUNT, REGION, "request-id", operation)
    with svc.store.transaction():
        result = svc.operations[operation](ctx, params)
    assert isinstance(result, dict)
    return result


def status(svc: KinesisService, name: str) -> str:
    summary = call(svc, "DescribeStreamSummary", StreamName=name)["StreamDescriptionSummary"]
    return str(summary["StreamStatus"])


def test_waiters_see_creation_and_deletion(kinesis: Any) -> None:
    name = unique()
    kinesis.create_stream(StreamName=name, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=name)
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["StreamStatus"] == "ACTIVE"
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name)


def test_a_stream_is_creating_until_the_scheduler_activates_it(cloud: Cloud) -> None:
    name = unique()

    def create_and_look(svc: KinesisService) -> tuple[str, list[Any], str]:
        call(svc, "CreateStream", StreamName=name, ShardCount=2)
        description = call(svc, "DescribeStream", StreamName=name)["StreamDescription"]
        with pytest.raises(ServiceError) as exc:
            call(svc, "PutRecord", StreamName=name, Data=b"x", PartitionKey="k")
        with pytest.raises(ServiceError) as in_use:
            call(svc, "AddTagsToStream", StreamName=name, Tags={"a": "b"})
        assert in_use.value.code == "ResourceInUseException"
        return description["StreamStatus"], description["Shards"], exc.value.code

    # all within one turn of the event loop: the activation has not run yet
    state, shards, put_error = in_engine(cloud, create_and_look)
    assert (state, shards, put_error) == ("CREATING", [], "ResourceNotFoundException")
    assert in_engine(cloud, lambda svc: status(svc, name)) == "ACTIVE"


def test_a_deleting_stream_refuses_management_and_then_disappears(
    cloud: Cloud, kinesis: Any
) -> None:
    name = make_stream(kinesis)
    kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k")

    def delete_and_look(svc: KinesisService) -> tuple[str, str, int]:
        call(svc, "DeleteStream", StreamName=name)
        with pytest.raises(ServiceError) as exc:
            call(svc, "IncreaseStreamRetentionPeriod", StreamName=name, RetentionPeriodHours=48)
        # AWS may still accept reads and writes while a stream is being deleted
        put = call(svc, "PutRecord", StreamName=name, Data=b"y", PartitionKey="k")
        return status(svc, name), exc.value.code, len(put["SequenceNumber"])

    assert in_engine(cloud, delete_and_look) == ("DELETING", "ResourceInUseException", 56)
    with pytest.raises(ServiceError) as exc:
        in_engine(cloud, lambda svc: svc.describe(arn(name)))
    assert exc.value.code == "ResourceNotFoundException"


def test_deleted_records_are_swept_in_the_background(cloud: Cloud, kinesis: Any) -> None:
    name = make_stream(kinesis)
    for start in range(0, 2500, 500):
        kinesis.put_records(
            StreamName=name,
            Records=[{"Data": b"r", "PartitionKey": str(i)} for i in range(start, start + 500)],
        )
    sid = in_engine(cloud, lambda svc: _sid(svc, name))

    def left(svc: KinesisService) -> int:
        with svc.store.transaction() as txn:
            return txn.count("kinesis.records", (sid,)) + txn.count("kinesis.heads", (sid,))

    assert in_engine(cloud, left) == 2501
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    assert 0 < in_engine(cloud, left) < 2501  # one batch at once, the rest a second apart
    cloud.advance(5)
    assert in_engine(cloud, left) == 0


def _sid(svc: KinesisService, name: str) -> int:
    with svc.store.transaction() as txn:
        stream = state.get_stream(txn, StreamRef(ACCOUNT, REGION, name))
        assert stream is not None
        return stream.sid
