"""AWS/Kinesis stream metrics in CloudWatch, recorded by the calls that put and read records."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from redrive import Cloud
from redrive.services.kinesis.internal import ReadFrom
from tests.services.kinesis.conftest import arn, in_engine, iterator, make_stream, shard_id


@pytest.fixture(scope="module")
def cloudwatch(cloud: Cloud) -> Any:
    return cloud.client("cloudwatch")


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def stat(
    cloudwatch: Any, stream: str, metric: str, start: float, end: float, kind: str = "Sum"
) -> float:
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/Kinesis",
        MetricName=metric,
        Dimensions=[{"Name": "StreamName", "Value": stream}],
        StartTime=at(start),
        EndTime=at(end),
        Period=60,
        Statistics=[kind],
    )["Datapoints"]
    return float(sum(p[kind] for p in points))


def test_incoming_and_read_metrics(cloud: Cloud, kinesis: Any, cloudwatch: Any) -> None:
    name = make_stream(kinesis)
    start = cloud.now() - 1
    kinesis.put_record(StreamName=name, Data=b"12345", PartitionKey="k")  # 6 bytes
    kinesis.put_records(
        StreamName=name,
        Records=[{"Data": b"1", "PartitionKey": "a"}, {"Data": b"12", "PartitionKey": "b"}],
    )
    cloud.advance(2)
    kinesis.get_records(ShardIterator=iterator(kinesis, name), Limit=2)
    in_engine(cloud, lambda svc: svc.read(arn(name), shard_id(0), ReadFrom.trim_horizon()))
    end = cloud.now() + 1
    assert stat(cloudwatch, name, "IncomingRecords", start, end) == 3
    assert stat(cloudwatch, name, "IncomingBytes", start, end) == 11
    assert stat(cloudwatch, name, "PutRecord.Success", start, end) == 1
    assert stat(cloudwatch, name, "PutRecords.SuccessfulRecords", start, end) == 2
    assert stat(cloudwatch, name, "GetRecords.Records", start, end) == 5
    assert stat(cloudwatch, name, "GetRecords.Success", start, end) == 2
    age = stat(cloudwatch, name, "GetRecords.IteratorAgeMilliseconds", start, end, "Maximum")
    assert age == 2000
