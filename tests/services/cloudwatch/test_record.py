"""The internal interface later services use: record() and record_many(), read back as a user."""

from __future__ import annotations

from typing import Any

import pytest

from redrive.services.cloudwatch import MetricSample
from tests.services.cloudwatch.conftest import ACCOUNT, REGION, CloudWatchHarness
from tests.services.cloudwatch.support import at


def lambda_sums(cw: CloudWatchHarness, name: str, start: float, end: float, period: int) -> list:
    response = cw.client.get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=name,
        Dimensions=[{"Name": "FunctionName", "Value": "f"}],
        StartTime=at(start),
        EndTime=at(end),
        Period=period,
        Statistics=["Sum", "SampleCount"],
    )
    points = sorted(response.get("Datapoints", []), key=lambda p: p["Timestamp"])
    return [(p["Timestamp"], p["Sum"], p["Unit"]) for p in points]


def test_recorded_lambda_metrics_are_queryable_through_the_api__OBS_1(
    cw: CloudWatchHarness,
) -> None:
    t0 = cw.align(60)
    for _ in range(3):
        cw.record(
            ACCOUNT,
            REGION,
            "AWS/Lambda",
            "Invocations",
            1,
            dimensions={"FunctionName": "f"},
            unit="Count",
        )
    cw.advance(90)
    cw.record(
        ACCOUNT,
        REGION,
        "AWS/Lambda",
        "Invocations",
        1,
        dimensions={"FunctionName": "f"},
        unit="Count",
    )
    assert lambda_sums(cw, "Invocations", t0, t0 + 180, 60) == [
        (at(t0), 3, "Count"),
        (at(t0 + 60), 1, "Count"),
    ]
    # the same data at 1-second resolution
    assert lambda_sums(cw, "Invocations", t0, t0 + 180, 1) == [
        (at(t0), 3, "Count"),
        (at(t0 + 90), 1, "Count"),
    ]
    metrics = cw.client.list_metrics(Namespace="AWS/Lambda")["Metrics"]
    # AWS/Lambda's Region-wide metrics are the rollup of those by FunctionName (OBS-1)
    assert metrics == [
        {
            "Namespace": "AWS/Lambda",
            "MetricName": "Invocations",
            "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
        },
        {"Namespace": "AWS/Lambda", "MetricName": "Invocations", "Dimensions": []},
    ]
    # and the Region-wide metric reads the function's data points
    everything = cw.client.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Invocations", StartTime=at(t0),
        EndTime=at(t0 + 180), Period=180, Statistics=["Sum"],
    )["Datapoints"]
    assert [p["Sum"] for p in everything] == [4]


def test_explicit_timestamps_are_emulated_epoch_seconds(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.advance(3 * 3600)  # an invocation that started 3 hours ago is reported now
    cw.record(
        ACCOUNT,
        REGION,
        "AWS/Lambda",
        "Duration",
        12.5,
        dimensions={"FunctionName": "f"},
        unit="Milliseconds",
        timestamp=t0 + 5,
    )
    assert lambda_sums(cw, "Duration", t0, t0 + 60, 60) == [(at(t0), 12.5, "Milliseconds")]


def test_record_many_writes_one_batch(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.service.record_many(
        ACCOUNT,
        REGION,
        [
            MetricSample("AWS/Lambda", "Errors", 1, {"FunctionName": "f"}, "Count", t0 + 1),
            MetricSample("AWS/Lambda", "Errors", 1, {"FunctionName": "f"}, "Count", t0 + 1),
            MetricSample("AWS/Lambda", "Errors", 1, None, "Count", t0 + 2),
        ],
    )
    assert lambda_sums(cw, "Errors", t0, t0 + 60, 60) == [(at(t0), 2, "Count")]
    names = cw.client.list_metrics(Namespace="AWS/Lambda", MetricName="Errors")["Metrics"]
    assert len(names) == 2


def test_metrics_are_per_account_and_region(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.record(
        "111111111111", REGION, "AWS/Lambda", "Invocations", 1, dimensions={"FunctionName": "f"}
    )
    cw.record(
        ACCOUNT, "eu-west-1", "AWS/Lambda", "Invocations", 1, dimensions={"FunctionName": "f"}
    )
    assert lambda_sums(cw, "Invocations", t0, t0 + 60, 60) == []


@pytest.mark.parametrize(
    ("value", "kwargs"),
    [
        (float("nan"), {}),
        (1.0, {"unit": "Furlongs"}),
        (1.0, {"storage_resolution": 5}),
        (1.0, {"dimensions": {f"d{i}": "x" for i in range(31)}}),
    ],
)
def test_record_refuses_caller_bugs_loudly(
    cw: CloudWatchHarness, value: float, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        cw.service.record(ACCOUNT, REGION, "AWS/Lambda", "Invocations", value, **kwargs)
