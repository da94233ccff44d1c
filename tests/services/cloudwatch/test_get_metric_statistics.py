"""GetMetricStatistics: each statistic, percentiles, periods down to 1 second, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.cloudwatch.conftest import CloudWatchHarness
from tests.services.cloudwatch.support import at, error_of

NS = "App/Stats"


def put(cw: CloudWatchHarness, *points: tuple[float, float], name: str = "m", **extra: Any) -> None:
    """Publish (epoch seconds, value) points of metric ``name``."""
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": name, "Value": value, "Timestamp": at(t), **extra} for t, value in points
        ],
    )


def stats(cw: CloudWatchHarness, start: float, end: float, period: int, **kwargs: Any) -> list[Any]:
    response = cw.client.get_metric_statistics(
        Namespace=NS,
        MetricName=kwargs.pop("name", "m"),
        StartTime=at(start),
        EndTime=at(end),
        Period=period,
        **kwargs,
    )
    return sorted(response.get("Datapoints", []), key=lambda p: p["Timestamp"])


@pytest.mark.parametrize(
    ("statistic", "expected"),
    [("SampleCount", 5), ("Sum", 20), ("Average", 4), ("Minimum", 1), ("Maximum", 9)],
)
def test_each_statistic(cw: CloudWatchHarness, statistic: str, expected: float) -> None:
    t0 = cw.align(60)
    put(cw, *[(t0 + i, v) for i, v in enumerate([1, 3, 4, 3, 9])])
    [point] = stats(cw, t0, t0 + 60, 60, Statistics=[statistic])
    assert point[statistic] == expected
    # only what was asked for
    assert set(point) - {"Timestamp", "Unit"} == {statistic}


def test_percentiles_p50_p99_and_decimal_ones(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Values": [float(v) for v in range(1, 101)], "Timestamp": at(t0)}
        ],
    )
    [point] = stats(cw, t0, t0 + 60, 60, ExtendedStatistics=["p50", "p99", "p99.9", "p0", "p100"])
    assert point["ExtendedStatistics"] == {
        "p50": 50,
        "p99": 99,
        "p99.9": 100,
        "p0": 1,
        "p100": 100,
    }
    assert "Sum" not in point


def test_statistics_and_percentiles_together(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put(cw, (t0, 10), (t0 + 1, 20))
    [point] = stats(cw, t0, t0 + 60, 60, Statistics=["Sum"], ExtendedStatistics=["p50"])
    assert point["Sum"] == 30
    assert point["ExtendedStatistics"] == {"p50": 10}


def test_percentiles_of_statistic_sets_only_when_their_values_are_known(
    cw: CloudWatchHarness,
) -> None:
    # API_GetMetricStatistics: only sets with SampleCount 1 or Minimum == Maximum
    t0 = cw.align(60)
    uniform = {"SampleCount": 4, "Sum": 20, "Minimum": 5, "Maximum": 5}
    spread = {"SampleCount": 4, "Sum": 20, "Minimum": 1, "Maximum": 9}
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "uniform", "StatisticValues": uniform, "Timestamp": at(t0)},
            {"MetricName": "uniform", "Value": 100, "Timestamp": at(t0)},
            {"MetricName": "spread", "StatisticValues": spread, "Timestamp": at(t0)},
        ],
    )
    [known] = stats(cw, t0, t0 + 60, 60, name="uniform", ExtendedStatistics=["p50", "p90"])
    assert known["ExtendedStatistics"] == {"p50": 5, "p90": 100}
    [unknown] = stats(
        cw, t0, t0 + 60, 60, name="spread", Statistics=["Sum"], ExtendedStatistics=["p50"]
    )
    assert unknown["Sum"] == 20
    assert not unknown.get("ExtendedStatistics")


def test_percentiles_are_not_available_with_negative_values(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put(cw, (t0, -1), (t0 + 1, 5))
    [point] = stats(cw, t0, t0 + 60, 60, Statistics=["Minimum"], ExtendedStatistics=["p50"])
    assert point["Minimum"] == -1
    assert not point.get("ExtendedStatistics")


def test_one_second_periods_for_a_standard_resolution_metric__OBS_1(
    cw: CloudWatchHarness,
) -> None:
    t0 = cw.align(60)
    put(cw, (t0, 1), (t0 + 0.5, 2), (t0 + 1, 4), (t0 + 3.2, 8))  # StorageResolution 60
    points = stats(cw, t0, t0 + 5, 1, Statistics=["Sum"])
    assert [(p["Timestamp"], p["Sum"]) for p in points] == [
        (at(t0), 3),
        (at(t0 + 1), 4),
        (at(t0 + 3), 8),
    ]


def test_one_minute_periods_align_to_the_minute__OBS_1(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put(cw, (t0 + 10, 1), (t0 + 59, 2), (t0 + 60, 4), (t0 + 150, 8))
    # StartTime is rounded down to the minute: 12:00:30 -> 12:00:00
    points = stats(cw, t0 + 30, t0 + 180, 60, Statistics=["Sum", "SampleCount"])
    assert [(p["Timestamp"], p["Sum"], p["SampleCount"]) for p in points] == [
        (at(t0), 3, 2),
        (at(t0 + 60), 4, 1),
        (at(t0 + 120), 8, 1),
    ]


def test_five_minute_periods_start_at_the_rounded_start_time(cw: CloudWatchHarness) -> None:
    t0 = cw.align(3600)
    put(cw, *[(t0 + 60 * i, 1) for i in range(15)])
    points = stats(cw, t0, t0 + 900, 300, Statistics=["Sum"])
    assert [(p["Timestamp"], p["Sum"]) for p in points] == [
        (at(t0), 5),
        (at(t0 + 300), 5),
        (at(t0 + 600), 5),
    ]
    # periods count from the (minute-rounded) start, not from the epoch
    shifted = stats(cw, t0 + 120, t0 + 900, 300, Statistics=["Sum"])
    assert [(p["Timestamp"], p["Sum"]) for p in shifted] == [
        (at(t0 + 120), 5),
        (at(t0 + 420), 5),
        (at(t0 + 720), 3),
    ]


def test_end_time_is_exclusive(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put(cw, (t0, 1), (t0 + 30, 2))
    [point] = stats(cw, t0, t0 + 30, 60, Statistics=["Sum"])
    assert point["Sum"] == 1


def test_sub_minute_periods(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put(cw, *[(t0 + i, 1) for i in range(60)])
    for period in (5, 10, 20, 30):
        points = stats(cw, t0, t0 + 60, period, Statistics=["SampleCount"])
        assert [p["SampleCount"] for p in points] == [period] * (60 // period)


@pytest.mark.parametrize("period", [7, 45, 90, 61])
def test_invalid_period_is_refused(cw: CloudWatchHarness, period: int) -> None:
    now = cw.now()
    with pytest.raises(ClientError) as excinfo:
        stats(cw, now - 3600, now, period, Statistics=["Sum"])
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "The parameter Period must be a multiple of 60.",
    )


def test_more_than_1440_datapoints_are_refused(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    assert stats(cw, t0 - 1440 * 60, t0, 60, Statistics=["Sum"]) == []
    with pytest.raises(ClientError) as excinfo:
        stats(cw, t0 - 1441 * 60, t0, 60, Statistics=["Sum"])
    assert error_of(excinfo) == (
        "InvalidParameterCombination",
        "You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may "
        "reduce the datapoints requested by increasing Period, or decreasing the time range.",
    )


def test_statistics_or_extended_statistics_are_required(cw: CloudWatchHarness) -> None:
    now = cw.now()
    with pytest.raises(ClientError) as excinfo:
        stats(cw, now - 60, now, 60)
    assert error_of(excinfo) == (
        "InvalidParameterCombination",
        "Must specify either Statistics or ExtendedStatistics",
    )


@pytest.mark.parametrize("extended", ["p101", "q50", "tm99", "p50.5.5"])
def test_extended_statistics_must_be_percentiles(cw: CloudWatchHarness, extended: str) -> None:
    now = cw.now()
    with pytest.raises(ClientError) as excinfo:
        stats(cw, now - 60, now, 60, ExtendedStatistics=[extended])
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        f"The value {extended} for parameter ExtendedStatistics.member.1 is invalid.",
    )


def test_start_must_precede_end(cw: CloudWatchHarness) -> None:
    now = cw.now()
    with pytest.raises(ClientError) as excinfo:
        stats(cw, now, now, 60, Statistics=["Sum"])
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_unknown_metric_has_no_datapoints(cw: CloudWatchHarness) -> None:
    now = cw.now()
    assert stats(cw, now - 600, now, 60, name="nothing", Statistics=["Sum"]) == []
