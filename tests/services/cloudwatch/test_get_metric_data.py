"""GetMetricData: several queries, labels, ScanBy, pagination, extended statistics, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.cloudwatch.conftest import CloudWatchHarness
from tests.services.cloudwatch.support import at, error_of

NS = "App/Data"


def query(
    qid: str, name: str = "m", stat: str = "Sum", period: int = 60, **extra: Any
) -> dict[str, Any]:
    metric_stat: dict[str, Any] = {
        "Metric": {"Namespace": NS, "MetricName": name, **extra.pop("metric", {})},
        "Period": period,
        "Stat": stat,
    }
    if "unit" in extra:
        metric_stat["Unit"] = extra.pop("unit")
    return {"Id": qid, "MetricStat": metric_stat, **extra}


def put_minutes(cw: CloudWatchHarness, t0: float, values: list[float], name: str = "m") -> None:
    """One value per minute from ``t0``."""
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": name, "Value": v, "Timestamp": at(t0 + 60 * i)}
            for i, v in enumerate(values)
        ],
    )


def by_id(response: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["Id"]: r for r in response["MetricDataResults"]}


def test_two_queries_in_one_call(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put_minutes(cw, t0, [1, 2, 3], name="first")
    put_minutes(cw, t0, [10, 20], name="second")
    response = cw.client.get_metric_data(
        MetricDataQueries=[query("a", "first"), query("b", "second")],
        StartTime=at(t0),
        EndTime=at(t0 + 600),
    )
    results = by_id(response)
    assert [r["Id"] for r in response["MetricDataResults"]] == ["a", "b"]
    assert results["a"]["Label"] == "first"
    assert results["a"]["Values"] == [3, 2, 1]  # TimestampDescending by default
    assert results["a"]["Timestamps"] == [at(t0 + 120), at(t0 + 60), at(t0)]
    assert results["a"]["StatusCode"] == "Complete"
    assert results["b"]["Label"] == "second"
    assert results["b"]["Values"] == [20, 10]
    assert "NextToken" not in response
    assert response.get("Messages", []) == []


def test_scan_by_ascending_reverses_the_order(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put_minutes(cw, t0, [float(i) for i in range(10)])
    kwargs: dict[str, Any] = {
        "MetricDataQueries": [query("m1")],
        "StartTime": at(t0),
        "EndTime": at(t0 + 600),
    }
    default = cw.client.get_metric_data(**kwargs)["MetricDataResults"][0]
    descending = cw.client.get_metric_data(**kwargs, ScanBy="TimestampDescending")
    ascending = cw.client.get_metric_data(**kwargs, ScanBy="TimestampAscending")
    assert default["Timestamps"] == descending["MetricDataResults"][0]["Timestamps"]
    assert ascending["MetricDataResults"][0]["Timestamps"] == default["Timestamps"][::-1]
    assert ascending["MetricDataResults"][0]["Values"] == [float(i) for i in range(10)]


def test_max_datapoints_pages_with_next_token(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put_minutes(cw, t0, [float(i) for i in range(20)], name="first")
    put_minutes(cw, t0, [100.0 + i for i in range(5)], name="second")
    kwargs: dict[str, Any] = {
        "MetricDataQueries": [query("a", "first"), query("b", "second")],
        "StartTime": at(t0),
        "EndTime": at(t0 + 20 * 60),
        "MaxDatapoints": 10,
        "ScanBy": "TimestampAscending",
    }
    pages = []
    token = None
    while True:
        response = cw.client.get_metric_data(**kwargs, **({"NextToken": token} if token else {}))
        pages.append(by_id(response))
        token = response.get("NextToken")
        if token is None:
            break
    assert len(pages) == 3
    assert pages[0]["a"]["Values"] == [float(i) for i in range(10)]
    assert pages[0]["a"]["StatusCode"] == "PartialData"
    assert pages[0]["b"]["Values"] == []
    assert pages[0]["b"]["StatusCode"] == "PartialData"
    assert pages[1]["a"]["Values"] == [float(i) for i in range(10, 20)]
    assert pages[2]["a"]["Values"] == []
    assert [v for page in pages for v in page["b"]["Values"]] == [100.0 + i for i in range(5)]
    assert pages[2]["b"]["StatusCode"] == "Complete"
    assert sum(len(page[q]["Values"]) for page in pages for q in "ab") == 25


def test_a_token_from_another_request_is_refused(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put_minutes(cw, t0, [1, 2, 3])
    first = cw.client.get_metric_data(
        MetricDataQueries=[query("a")], StartTime=at(t0), EndTime=at(t0 + 600), MaxDatapoints=1
    )
    with pytest.raises(ClientError) as excinfo:
        cw.client.get_metric_data(
            MetricDataQueries=[query("a", stat="Maximum")],
            StartTime=at(t0),
            EndTime=at(t0 + 600),
            NextToken=first["NextToken"],
        )
    assert error_of(excinfo)[0] == "InvalidNextToken"
    with pytest.raises(ClientError) as excinfo:
        cw.client.get_metric_data(
            MetricDataQueries=[query("a")],
            StartTime=at(t0),
            EndTime=at(t0 + 600),
            NextToken="not-a-token",
        )
    assert error_of(excinfo)[0] == "InvalidNextToken"


def test_expressions_are_refused_as_not_supported_yet(cw: CloudWatchHarness) -> None:
    now = cw.now()
    with pytest.raises(ClientError) as excinfo:
        cw.client.get_metric_data(
            MetricDataQueries=[
                query("errors", "Errors", ReturnData=False),
                query("invocations", "Invocations", ReturnData=False),
                {"Id": "rate", "Expression": "errors / invocations", "Label": "Error rate"},
            ],
            StartTime=at(now - 600),
            EndTime=at(now),
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValue"
    assert message.startswith("redrive does not support metric math")
    assert "MetricDataQueries.member.3.Expression" in message


def test_default_labels_name_what_differs_between_queries(cw: CloudWatchHarness) -> None:
    # recorded against AWS: stat and period are appended when they differ, units never
    t0 = cw.align(60)
    put_minutes(cw, t0, [0, 2])
    window = {"StartTime": at(t0), "EndTime": at(t0 + 120)}
    cases = [
        ([("Sum", 60), ("Minimum", 30)], ["m Sum 60", "m Minimum 30"]),
        ([("Sum", 60), ("Minimum", 60)], ["m Sum", "m Minimum"]),
        ([("Sum", 60), ("Sum", 30)], ["m 60", "m 30"]),
        ([("Sum", 60), ("Sum", 60)], ["m", "m"]),
    ]
    for pairs, labels in cases:
        response = cw.client.get_metric_data(
            MetricDataQueries=[
                query(f"q{i}", stat=stat, period=period) for i, (stat, period) in enumerate(pairs)
            ],
            **window,
        )
        assert [r["Label"] for r in response["MetricDataResults"]] == labels
    response = cw.client.get_metric_data(MetricDataQueries=[query("q", Label="mine")], **window)
    assert response["MetricDataResults"][0]["Label"] == "mine"


def test_return_data_false_hides_a_query(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    put_minutes(cw, t0, [1])
    response = cw.client.get_metric_data(
        MetricDataQueries=[query("shown"), query("hidden", ReturnData=False)],
        StartTime=at(t0),
        EndTime=at(t0 + 60),
    )
    assert [r["Id"] for r in response["MetricDataResults"]] == ["shown"]


def test_unit_filter_and_several_units_without_one(cw: CloudWatchHarness) -> None:
    # recorded against AWS: without Unit, one unit is answered and a MultipleUnits message added
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Timestamp": at(t0), "Value": 60000, "Unit": "Milliseconds"},
            {"MetricName": "m", "Timestamp": at(t0), "Value": 60, "Unit": "Seconds"},
        ],
    )
    window = {"StartTime": at(t0), "EndTime": at(t0 + 60)}
    [seconds] = cw.client.get_metric_data(
        MetricDataQueries=[query("m1", unit="Seconds")], **window
    )["MetricDataResults"]
    assert seconds["Values"] == [60]
    assert not seconds.get("Messages")
    [mixed] = cw.client.get_metric_data(MetricDataQueries=[query("m1")], **window)[
        "MetricDataResults"
    ]
    assert mixed["Values"] == [60000]
    assert mixed["Messages"] == [
        {"Code": "MultipleUnits", "Value": "Multiple units returned: '[Milliseconds, Seconds]'"}
    ]


def test_dimensions_must_match_exactly__OBS_1(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {
                "MetricName": "m",
                "Value": 1,
                "Timestamp": at(t0),
                "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
            }
        ],
    )
    window = {"StartTime": at(t0), "EndTime": at(t0 + 60)}
    response = cw.client.get_metric_data(
        MetricDataQueries=[
            query("none"),
            query("f", metric={"Dimensions": [{"Name": "FunctionName", "Value": "f"}]}),
        ],
        **window,
    )
    results = by_id(response)
    assert results["none"]["Values"] == []
    assert results["f"]["Values"] == [1]


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        ("p50", 5),
        ("p90", 9),
        ("tm80", 4.5),  # mean of the lowest 80 %: 1..8
        ("TM(10%:90%)", 5.5),  # 2..9
        ("TM(2:5)", 4),  # values in (2, 5]: 3, 4, 5
        ("IQM", 5.5),  # TM(25%:75%) of 1..10: 3 and 8 count half
        ("tc80", 8),
        ("TC(2:5)", 3),
        ("ts80", 36),
        ("wm80", 5.2),  # 9 and 10 become 8: (36 + 16) / 10
        ("WM(2:9)", 5.5),  # 1 -> 2 and 10 -> 9: 55 / 10
        ("PR(:5)", 50),
        ("PR(3:5)", 20),
    ],
)
def test_extended_statistics(cw: CloudWatchHarness, stat: str, expected: float) -> None:
    t0 = cw.align(60)
    cw.client.put_metric_data(
        Namespace=NS,
        MetricData=[
            {"MetricName": "m", "Values": [float(v) for v in range(10, 0, -1)], "Timestamp": at(t0)}
        ],
    )
    [result] = cw.client.get_metric_data(
        MetricDataQueries=[query("m1", stat=stat)], StartTime=at(t0), EndTime=at(t0 + 60)
    )["MetricDataResults"]
    assert result["Values"] == [pytest.approx(expected)]


def test_one_second_period_in_get_metric_data__OBS_1(cw: CloudWatchHarness) -> None:
    t0 = cw.align(60)
    cw.record("000000000000", "us-east-1", NS, "m", 1, timestamp=t0 + 1.2)
    cw.record("000000000000", "us-east-1", NS, "m", 1, timestamp=t0 + 1.7)
    cw.record("000000000000", "us-east-1", NS, "m", 1, timestamp=t0 + 4)
    [result] = cw.client.get_metric_data(
        MetricDataQueries=[query("m1", period=1)],
        StartTime=at(t0),
        EndTime=at(t0 + 10),
        ScanBy="TimestampAscending",
    )["MetricDataResults"]
    assert result["Timestamps"] == [at(t0 + 1), at(t0 + 4)]
    assert result["Values"] == [2, 1]


@pytest.mark.parametrize(
    ("queries", "fragment"),
    [
        ([query("a"), query("a")], "not unique"),
        ([query("A")], "MetricDataQueries.member.1.Id"),
        ([query("a", period=7)], "MetricDataQueries.member.1.MetricStat.Period"),
        ([query("a", stat="Median")], "MetricDataQueries.member.1.MetricStat.Stat"),
        ([query("a", Period=60)], "mutually exclusive"),
        ([{"Id": "a"}], "MetricDataQueries.member.1.MetricStat"),
    ],
)
def test_invalid_queries_are_refused(
    cw: CloudWatchHarness, queries: list[dict[str, Any]], fragment: str
) -> None:
    now = cw.now()
    with pytest.raises(ClientError) as excinfo:
        cw.client.get_metric_data(
            MetricDataQueries=queries, StartTime=at(now - 600), EndTime=at(now)
        )
    code, message = error_of(excinfo)
    assert code == "ValidationError"
    assert fragment in message


def test_start_must_precede_end(cw: CloudWatchHarness) -> None:
    now = cw.now()
    with pytest.raises(ClientError) as excinfo:
        cw.client.get_metric_data(
            MetricDataQueries=[query("a")], StartTime=at(now), EndTime=at(now - 60)
        )
    assert error_of(excinfo)[0] == "ValidationError"
