"""ListMetrics: filters, uniqueness, pagination, RecentlyActive on emulated time."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.cloudwatch.conftest import CloudWatchHarness
from tests.services.cloudwatch.support import error_of

NS = "App/List"


def listed(cw: CloudWatchHarness, **kwargs: Any) -> list[tuple[str, str, tuple[Any, ...]]]:
    metrics = cw.client.list_metrics(**kwargs).get("Metrics", [])
    return sorted(
        (
            m["Namespace"],
            m["MetricName"],
            tuple((d["Name"], d["Value"]) for d in m.get("Dimensions", [])),
        )
        for m in metrics
    )


def dims(**pairs: str) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in pairs.items()]


@pytest.fixture
def published(cw: CloudWatchHarness) -> CloudWatchHarness:
    """The metrics of AWS's recorded ListMetrics filter test, plus one in another namespace."""
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "CPUUtilization", "Value": 15},
            {"MetricName": "MemoryUtilization", "Value": 30, "Dimensions": dims(InstanceId="one")},
            {"MetricName": "DiskReadOps", "Value": 15, "Dimensions": dims(InstanceId="two")},
            {
                "MetricName": "DiskWriteOps",
                "Dimensions": dims(InstanceId="two"),
                "StatisticValues": {"Maximum": 1, "Minimum": 1, "SampleCount": 1, "Sum": 1},
            },
            # a second sample of a known metric adds no metric
            {"MetricName": "DiskReadOps", "Value": 16, "Dimensions": dims(InstanceId="two")},
        ],
    )
    cw.client.put_metric_data(
        Namespace="Other", MetricData=[{"MetricName": "CPUUtilization", "Value": 1}]
    )
    return cw


def test_filters_by_namespace_name_and_dimensions(published: CloudWatchHarness) -> None:
    cw = published
    # the counts AWS answered in localstack's recorded test_list_metrics_with_filters
    assert len(listed(cw, Namespace=NS)) == 4
    assert listed(cw, Namespace=NS, MetricName="CPUUtilization") == [(NS, "CPUUtilization", ())]
    assert len(listed(cw, Namespace=NS, Dimensions=[{"Name": "InstanceId"}])) == 3
    assert listed(cw, Namespace=NS, Dimensions=dims(InstanceId="two")) == [
        (NS, "DiskReadOps", (("InstanceId", "two"),)),
        (NS, "DiskWriteOps", (("InstanceId", "two"),)),
    ]
    assert listed(cw, MetricName="CPUUtilization") == [
        (NS, "CPUUtilization", ()),
        ("Other", "CPUUtilization", ()),
    ]
    assert len(listed(cw)) == 5
    assert listed(cw, Namespace="Nothing") == []


def test_a_dimension_filter_matches_metrics_with_more_dimensions(cw: CloudWatchHarness) -> None:
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Value": 1, "Dimensions": dims(A="1", B="2")},
            {"MetricName": "m", "Value": 1, "Dimensions": dims(A="1")},
            {"MetricName": "m", "Value": 1, "Dimensions": dims(B="2")},
        ],
    )
    assert len(listed(cw, Namespace=NS, Dimensions=dims(A="1"))) == 2
    assert listed(cw, Namespace=NS, Dimensions=dims(A="1", B="2")) == [
        (NS, "m", (("A", "1"), ("B", "2")))
    ]


def test_pages_of_500_with_next_token(cw: CloudWatchHarness) -> None:
    cw.client.put_metric_data(
        Namespace=NS, MetricData=[{"MetricName": f"m-{i:03}", "Value": 1} for i in range(501)]
    )
    first = cw.client.list_metrics(Namespace=NS)
    assert len(first["Metrics"]) == 500
    assert first.get("NextToken")
    second = cw.client.list_metrics(Namespace=NS, NextToken=first["NextToken"])
    assert len(second["Metrics"]) == 1
    assert "NextToken" not in second
    names = {m["MetricName"] for m in first["Metrics"] + second["Metrics"]}
    assert len(names) == 501


def test_bad_next_token_is_refused(cw: CloudWatchHarness) -> None:
    with pytest.raises(ClientError) as excinfo:
        cw.client.list_metrics(NextToken="garbage")
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_recently_active_counts_emulated_hours(cw: CloudWatchHarness) -> None:
    cw.client.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "old", "Value": 1}])
    cw.advance(2 * 3600)
    cw.client.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "new", "Value": 1}])
    assert [m[1] for m in listed(cw, Namespace=NS, RecentlyActive="PT3H")] == ["new", "old"]
    cw.advance(1.5 * 3600)  # old: 3.5 h ago, new: 1.5 h ago
    assert [m[1] for m in listed(cw, Namespace=NS, RecentlyActive="PT3H")] == ["new"]
    assert [m[1] for m in listed(cw, Namespace=NS)] == ["new", "old"]


def test_publishing_again_makes_a_metric_recently_active(cw: CloudWatchHarness) -> None:
    cw.client.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "m", "Value": 1}])
    cw.advance(4 * 3600)
    assert listed(cw, Namespace=NS, RecentlyActive="PT3H") == []
    cw.client.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "m", "Value": 1}])
    assert len(listed(cw, Namespace=NS, RecentlyActive="PT3H")) == 1


def test_metrics_silent_for_two_weeks_are_not_listed(cw: CloudWatchHarness) -> None:
    cw.client.put_metric_data(Namespace=NS, MetricData=[{"MetricName": "m", "Value": 1}])
    cw.advance(14 * 86400 - 60)
    assert len(listed(cw, Namespace=NS)) == 1
    cw.advance(120)
    assert listed(cw, Namespace=NS) == []
