"""CloudWatch metrics through `redrive serve`, with the clock moved over the control API."""

from __future__ import annotations

import uuid

from tests.serverproc import ServerProcess
from tests.services.cloudwatch.support import at


def test_metrics_round_trip_through_redrive_serve__OBS_1(server: ServerProcess) -> None:
    cloudwatch = server.client("cloudwatch")
    namespace = f"Served/{uuid.uuid4().hex[:8]}"
    now = server.now()
    t0 = server.advance((now // 60 + 1) * 60 - now)  # to the next whole minute
    cloudwatch.put_metric_data(
        Namespace=namespace,
        MetricData=[{"MetricName": "Latency", "Values": [10, 20, 30], "Unit": "Milliseconds"}],
    )
    server.advance(61)
    cloudwatch.put_metric_data(
        Namespace=namespace,
        MetricData=[{"MetricName": "Latency", "Value": 5, "Unit": "Milliseconds"}],
    )
    points = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName="Latency",
        StartTime=at(t0),
        EndTime=at(t0 + 120),
        Period=60,
        Statistics=["Sum", "Maximum"],
        ExtendedStatistics=["p50"],
    )["Datapoints"]
    points.sort(key=lambda p: p["Timestamp"])
    assert [(p["Timestamp"], p["Sum"], p["Maximum"], p["ExtendedStatistics"]) for p in points] == [
        (at(t0), 60, 30, {"p50": 20}),
        (at(t0 + 60), 5, 5, {"p50": 5}),
    ]
    [metric] = cloudwatch.list_metrics(Namespace=namespace)["Metrics"]
    assert metric["MetricName"] == "Latency"
