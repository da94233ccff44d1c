"""AWS/SQS metrics in CloudWatch: counters per call, gauges sampled every emulated minute."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from redrive import Cloud
from tests.services.sqs.conftest import make_queue, name_of, receive


@pytest.fixture(scope="module")
def cloudwatch(cloud: Cloud) -> Any:
    return cloud.client("cloudwatch")


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def total(cloudwatch: Any, queue: str, metric: str, start: float, end: float) -> float:
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName=metric,
        Dimensions=[{"Name": "QueueName", "Value": queue}],
        StartTime=at(start),
        EndTime=at(end),
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    return float(sum(p["Sum"] for p in points))


def test_counters_are_recorded_per_call(cloud: Cloud, sqs: Any, cloudwatch: Any) -> None:
    url = make_queue(sqs)
    name = name_of(url)
    start = cloud.now() - 1
    sqs.send_message(QueueUrl=url, MessageBody="12345")
    sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": "a", "MessageBody": "1"}, {"Id": "b", "MessageBody": "12"}],
    )
    handles = [m["ReceiptHandle"] for m in receive(sqs, url)]
    receive(sqs, url)
    receive(sqs, url, WaitTimeSeconds=5)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handles[0])
    sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles[1:])],
    )
    end = cloud.now() + 1
    assert total(cloudwatch, name, "NumberOfMessagesSent", start, end) == 3
    assert total(cloudwatch, name, "SentMessageSize", start, end) == 8
    assert total(cloudwatch, name, "NumberOfMessagesReceived", start, end) == 3
    assert total(cloudwatch, name, "NumberOfEmptyReceives", start, end) == 2
    assert total(cloudwatch, name, "NumberOfMessagesDeleted", start, end) == 3


def test_gauges_are_sampled_each_minute(cloud: Cloud, sqs: Any, cloudwatch: Any) -> None:
    url = make_queue(sqs)
    name = name_of(url)
    start = cloud.now()
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=900)
    receive(sqs, url, MaxNumberOfMessages=1, VisibilityTimeout=900)
    cloud.advance(180)
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": name}],
        StartTime=at(start - 60),
        EndTime=at(start + 240),
        Period=60,
        Statistics=["Maximum", "SampleCount"],
    )["Datapoints"]
    assert len(points) == 3
    assert {p["Maximum"] for p in points} == {2}
    for metric, value in (
        ("ApproximateNumberOfMessagesNotVisible", 1),
        ("ApproximateNumberOfMessagesDelayed", 1),
    ):
        stats = cloudwatch.get_metric_statistics(
            Namespace="AWS/SQS",
            MetricName=metric,
            Dimensions=[{"Name": "QueueName", "Value": name}],
            StartTime=at(start - 60),
            EndTime=at(start + 240),
            Period=300,
            Statistics=["Maximum"],
        )["Datapoints"]
        assert [p["Maximum"] for p in stats] == [value]
    ages = cloudwatch.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": name}],
        StartTime=at(start - 60),
        EndTime=at(start + 240),
        Period=60,
        Statistics=["Maximum"],
        Unit="Seconds",
    )["Datapoints"]
    assert max(p["Maximum"] for p in ages) == pytest.approx(180, abs=60)


def test_gauges_stop_six_hours_after_the_last_call(cloud: Cloud, sqs: Any, cloudwatch: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="idle")
    start = cloud.now()
    cloud.advance(7 * 3600)
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": name_of(url)}],
        StartTime=at(start),
        EndTime=at(start + 7 * 3600),
        Period=3600,
        Statistics=["SampleCount"],
    )["Datapoints"]
    assert sum(p["SampleCount"] for p in points) == 6 * 60
    assert max(p["Timestamp"] for p in points).timestamp() < start + 6 * 3600
