"""PutMetricData: values, Values/Counts, statistic sets, units, dimensions, and its refusals."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.cloudwatch.conftest import CloudWatchHarness
from tests.services.cloudwatch.support import at, error_of

NS = "App/Test"
ALL = ["SampleCount", "Sum", "Average", "Minimum", "Maximum"]


def one_minute(cw: CloudWatchHarness, t0: float, name: str = "m", **kwargs: Any) -> list[Any]:
    """The datapoints of metric ``name`` for the minute starting at ``t0``."""
    response = cw.client.get_metric_statistics(
        Namespace=NS,
        MetricName=name,
        StartTime=at(t0),
        EndTime=at(t0 + 60),
        Period=60,
        **({"Statistics": ALL} | kwargs),
    )
    assert response["Label"] == name
    return list(response.get("Datapoints", []))


def test_single_values_are_aggregated_per_period(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Value": v, "Timestamp": at(t0 + i)}
            for i, v in enumerate([0, 2, 4, 3.5, 7, 100])
        ],
    )
    [point] = one_minute(cw, t0)
    assert point["Timestamp"] == at(t0)
    assert point["SampleCount"] == 6
    assert point["Sum"] == 116.5
    assert point["Average"] == pytest.approx(19.416666666666668)
    assert point["Minimum"] == 0
    assert point["Maximum"] == 100
    assert point["Unit"] == "None"


def test_values_with_counts_weight_each_value(cw: CloudWatchHarness) -> None:
    # recorded against AWS: Values [1, 10], Counts [2, 4] -> SampleCount 6, Sum 42, Maximum 10
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {
                "MetricName": "m",
                "Timestamp": at(t0 + 5),
                "Values": [1.0, 10.0],
                "Counts": [2, 4],
                "Unit": "Count",
            }
        ],
    )
    [point] = one_minute(cw, t0, Statistics=["SampleCount", "Sum", "Maximum", "Minimum"])
    assert (point["SampleCount"], point["Sum"], point["Maximum"], point["Minimum"]) == (
        6,
        42,
        10,
        1,
    )
    assert point["Unit"] == "Count"


def test_values_without_counts_count_once_each(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[{"MetricName": "m", "Timestamp": at(t0), "Values": [1, 2, 3]}],
    )
    [point] = one_minute(cw, t0)
    assert (point["SampleCount"], point["Sum"], point["Average"]) == (3, 6, 2)


def test_statistic_set_adds_its_totals(cw: CloudWatchHarness) -> None:
    # recorded against AWS: Value 11 plus {10, 55, 1, 10} -> Sum 66, SampleCount 11,
    # Minimum 1, Maximum 11, Average 6
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Value": 11, "Unit": "Seconds", "Timestamp": at(t0 + 1)},
            {
                "MetricName": "m",
                "StatisticValues": {"SampleCount": 10, "Sum": 55, "Minimum": 1, "Maximum": 10},
                "Unit": "Seconds",
                "Timestamp": at(t0 + 2),
            },
        ],
    )
    [point] = one_minute(cw, t0)
    assert point["Sum"] == 66
    assert point["SampleCount"] == 11
    assert point["Minimum"] == 1
    assert point["Maximum"] == 11
    assert point["Average"] == 6


def test_each_unit_gets_its_own_datapoint_and_unit_filters(cw: CloudWatchHarness) -> None:
    # recorded against AWS: three units in one period -> three datapoints
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Timestamp": at(t0), "Value": 1, "Unit": "Seconds"},
            {"MetricName": "m", "Timestamp": at(t0), "Value": 5, "Unit": "Count"},
            {"MetricName": "m", "Timestamp": at(t0), "Value": 10},
        ],
    )
    points = one_minute(cw, t0, Statistics=["Average"])
    assert sorted((p["Unit"], p["Average"]) for p in points) == [
        ("Count", 5),
        ("None", 10),
        ("Seconds", 1),
    ]
    [only] = one_minute(cw, t0, Statistics=["Average"], Unit="Count")
    assert (only["Unit"], only["Average"]) == ("Count", 5)
    assert one_minute(cw, t0, Statistics=["Average"], Unit="Bytes") == []


def test_each_dimension_combination_is_its_own_metric__OBS_1(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Value": 1, "Timestamp": at(t0)},
            {
                "MetricName": "m",
                "Value": 10,
                "Timestamp": at(t0),
                "Dimensions": [{"Name": "A", "Value": "1"}, {"Name": "B", "Value": "2"}],
            },
            {
                "MetricName": "m",
                "Value": 100,
                "Timestamp": at(t0),
                "Dimensions": [{"Name": "A", "Value": "1"}],
            },
        ],
    )
    assert [p["Sum"] for p in one_minute(cw, t0)] == [1]
    # order of dimensions does not matter, the exact set does
    both = [{"Name": "B", "Value": "2"}, {"Name": "A", "Value": "1"}]
    assert [p["Sum"] for p in one_minute(cw, t0, Dimensions=both)] == [10]
    assert [p["Sum"] for p in one_minute(cw, t0, Dimensions=both[1:])] == [100]
    assert one_minute(cw, t0, Dimensions=[{"Name": "A", "Value": "2"}]) == []


def test_timestamp_defaults_to_emulated_now(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.advance(6 * 3600 + 30)  # six hours and a half minute later, in no real time
    cw.client.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "m", "Value": 3}])
    later = t0 + 6 * 3600
    [point] = one_minute(cw, later)
    assert point["Timestamp"] == at(later)
    assert one_minute(cw, t0) == []


def test_storage_resolution_1_and_60_are_both_accepted(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Value": 1, "Timestamp": at(t0), "StorageResolution": 1},
            {"MetricName": "m", "Value": 2, "Timestamp": at(t0), "StorageResolution": 60},
        ],
    )
    [point] = one_minute(cw, t0)
    assert point["Sum"] == 3


def test_entity_metric_data_is_stored_and_the_entity_ignored(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        EntityMetricData=[
            {
                "Entity": {"KeyAttributes": {"Type": "Service", "Name": "svc", "Environment": "e"}},
                "MetricData": [{"MetricName": "m", "Value": 4, "Timestamp": at(t0)}],
            }
        ],
        StrictEntityValidation=False,
    )
    [point] = one_minute(cw, t0)
    assert point["Sum"] == 4


# -- refusals -----------------------------------------------------------------------------


def put_error(cw: CloudWatchHarness, namespace: str = NS, **datum: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        cw.client.put_metric_data(Namespace=namespace, MetricData=[{"MetricName": "m", **datum}])
    return error_of(excinfo)


def test_aws_namespaces_are_reserved(cw: CloudWatchHarness) -> None:
    assert put_error(cw, "AWS/Lambda", Value=1) == (
        "InvalidParameterValue",
        "The value AWS/Lambda for parameter Namespace is invalid.",
    )


def test_value_and_values_are_mutually_exclusive(cw: CloudWatchHarness) -> None:
    assert put_error(cw, Value=1.5, Values=[1.0, 10.0]) == (
        "InvalidParameterCombination",
        "The parameters MetricData.member.1.Value and MetricData.member.1.Values are "
        "mutually exclusive and you have specified both.",
    )


def test_value_and_statistic_values_are_mutually_exclusive(cw: CloudWatchHarness) -> None:
    stats = {"SampleCount": 10, "Sum": 55, "Minimum": 1, "Maximum": 10}
    assert put_error(cw, Value=1.5, StatisticValues=stats) == (
        "InvalidParameterCombination",
        "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues "
        "are mutually exclusive and you have specified both.",
    )


def test_values_and_statistic_values_together_are_accepted(cw: CloudWatchHarness) -> None:
    # recorded: AWS accepts this; redrive keeps the Values
    t0 = cw.align(60)
    stats = {"SampleCount": 10, "Sum": 55, "Minimum": 1, "Maximum": 10}
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Values": [1, 10], "StatisticValues": stats, "Timestamp": at(t0)}
        ],
    )
    [point] = one_minute(cw, t0)
    assert (point["SampleCount"], point["Sum"]) == (2, 11)


def test_values_and_counts_must_have_the_same_size(cw: CloudWatchHarness) -> None:
    assert put_error(cw, Values=[1.0, 10.0], Counts=[2, 4, 5]) == (
        "InvalidParameterValue",
        "The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be "
        "of the same size.",
    )


def test_a_datum_needs_a_value(cw: CloudWatchHarness) -> None:
    code, message = put_error(cw)
    assert code == "MissingParameter"
    assert "MetricData.member.1.Value" in message


def test_at_most_150_values_per_datum(cw: CloudWatchHarness) -> None:
    code, message = put_error(cw, Values=[float(i) for i in range(151)])
    assert code == "InvalidParameterValue"
    assert "150" in message


def test_at_most_1000_metrics_per_request(cw: CloudWatchHarness) -> None:
    with pytest.raises(ClientError) as excinfo:
        cw.client.put_metric_data(
            Namespace=NS, MetricData=[{"MetricName": f"m{i}", "Value": 1} for i in range(1001)]
        )
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "The collection MetricData must not have a size greater than 1000.",
    )


@pytest.mark.parametrize("seconds", [-(14 * 86400 + 60), 2 * 3600 + 60])
def test_timestamps_beyond_two_weeks_ago_or_two_hours_ahead_are_refused(
    cw: CloudWatchHarness, seconds: float
) -> None:
    code, message = put_error(cw, Value=1, Timestamp=at(cw.now() + seconds))
    assert code == "InvalidParameterValue"
    assert message.startswith("The parameter MetricData.member.1.Timestamp must specify a time")


def test_timestamps_within_the_window_are_accepted(cw: CloudWatchHarness) -> None:
    now = cw.now()
    for seconds in (-(14 * 86400 - 60), 2 * 3600 - 60):
        cw.client.put_metric_data(
            Namespace=NS,
            MetricData=[{"MetricName": "m", "Value": 1, "Timestamp": at(now + seconds)}],
        )


def test_storage_resolution_must_be_1_or_60(cw: CloudWatchHarness) -> None:
    assert put_error(cw, Value=1, StorageResolution=30) == (
        "InvalidParameterValue",
        "The value 30 for parameter MetricData.member.1.StorageResolution is invalid.",
    )


def test_duplicate_dimension_names_are_refused(cw: CloudWatchHarness) -> None:
    dims = [{"Name": "A", "Value": "1"}, {"Name": "A", "Value": "2"}]
    code, _ = put_error(cw, Value=1, Dimensions=dims)
    assert code == "InvalidParameterValue"


def test_refused_requests_store_nothing(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    with pytest.raises(ClientError):
        cw.client.put_metric_data(
            Namespace=NS,
            MetricData=[
                {"MetricName": "m", "Value": 1, "Timestamp": at(t0)},
                {"MetricName": "m", "Value": 1, "Values": [2], "Timestamp": at(t0)},
            ],
        )
    assert one_minute(cw, t0) == []
    assert cw.client.list_metrics(Namespace=NS).get("Metrics", []) == []
