"""GetMetricData: query validation, default labels, per-query series and pagination.

Behaviour recorded against AWS (localstack/localstack
``tests/aws/services/cloudwatch/test_cloudwatch.py`` and its snapshot) that this follows:

* a query without ``Label`` is labelled with the metric name, followed by the statistic when
  the queries of the request use different statistics and by the period when they use
  different periods (``metric1 Sum 60`` / ``metric1 Minimum 30``); units never appear;
* a query without ``Unit`` over data published in several units answers for one unit only,
  chosen in a fixed order (``UNIT_PREFERENCE``), and carries the message
  ``MultipleUnits: Multiple units returned: '[Milliseconds, Seconds]'``;
* ``ScanBy`` defaults to ``TimestampDescending``; ``MaxDatapoints`` bounds the datapoints of a
  page and a ``NextToken`` continues; the response always has a (here empty) ``Messages`` list.

redrive choices where AWS is not documented: ``MaxDatapoints`` counts the datapoints of all
queries of the page together (queries are filled in request order); a query cut short, or not
reached, on a page has StatusCode ``PartialData``; the unit choice above is made once per
query over the whole time range. Query-validation errors use AWS's ``ValidationError`` code;
metric math and Metrics Insights expressions are refused as not supported yet.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from redrive.services.cloudwatch.constants import (
    DEFAULT_MAX_DATAPOINTS,
    MAX_METRIC_DATA_QUERIES,
    QUERY_ID_PATTERN,
    UNIT_PREFERENCE,
)
from redrive.services.cloudwatch.errors import (
    invalid_next_token,
    not_supported,
    validation_error,
)
from redrive.services.cloudwatch.model import MetricId, canonical_dimensions
from redrive.services.cloudwatch.periods import Window, aggregate, datetime_of, valid_period
from redrive.services.cloudwatch.state import MetricsState
from redrive.services.cloudwatch.statistics import Statistic, parse_statistic
from redrive.services.cloudwatch.tokens import decode, encode

_QUERY_ID = re.compile(QUERY_ID_PATTERN)


@dataclass(frozen=True)
class MetricQuery:
    """One validated MetricStat query."""

    position: int  # 1-based, as in MetricDataQueries.member.N
    id: str
    metric: MetricId
    period: int
    stat: Statistic
    unit: str | None
    label: str | None
    return_data: bool
    account_id: str | None


@dataclass
class Series:
    """One query's answer before pagination: points in scan order."""

    query: MetricQuery
    label: str
    points: list[tuple[int, float]]
    status: str = "Complete"
    messages: list[dict[str, str]] = field(default_factory=list)


def parse_queries(queries: Sequence[Mapping[str, Any]]) -> list[MetricQuery]:
    """Validated queries, or the ServiceError AWS would answer."""
    if len(queries) > MAX_METRIC_DATA_QUERIES:
        raise validation_error(
            "The collection MetricDataQueries must not have a size greater than "
            f"{MAX_METRIC_DATA_QUERIES}."
        )
    parsed: list[MetricQuery] = []
    ids: set[str] = set()
    for n, query in enumerate(queries, start=1):
        path = f"MetricDataQueries.member.{n}"
        query_id = str(query["Id"])
        if not _QUERY_ID.fullmatch(query_id):
            raise validation_error(
                f"The value {query_id} for parameter {path}.Id is invalid: it must start with "
                "a lowercase letter and contain only letters, numbers and underscores."
            )
        if query_id in ids:
            raise validation_error(
                "The values for parameter id in MetricDataQueries are not unique."
            )
        ids.add(query_id)
        stat_params = query.get("MetricStat")
        if stat_params is not None and query.get("Expression") is not None:
            raise validation_error(
                f"The parameters {path}.Expression and {path}.MetricStat are mutually "
                "exclusive and you have specified both."
            )
        if query.get("Expression") is not None:
            raise not_supported(f"metric math and Metrics Insights expressions ({path}.Expression)")
        if stat_params is None:
            raise validation_error(
                f"Exactly one of the parameters {path}.MetricStat and {path}.Expression must "
                "be specified."
            )
        if query.get("Period") is not None:
            raise validation_error(
                f"The parameters {path}.Period and {path}.MetricStat are mutually exclusive "
                "and you have specified both."
            )
        parsed.append(_metric_query(n, query_id, query, stat_params, path))
    return parsed


def _metric_query(
    n: int, query_id: str, query: Mapping[str, Any], stat_params: Mapping[str, Any], path: str
) -> MetricQuery:
    metric = stat_params["Metric"]
    for member in ("Namespace", "MetricName"):
        if not metric.get(member):
            raise validation_error(f"The parameter {path}.MetricStat.Metric.{member} is required.")
    period = int(stat_params["Period"])
    if not valid_period(period):
        raise validation_error(
            f"The parameter {path}.MetricStat.Period must be 1, 5, 10, 20, 30 or a multiple of 60."
        )
    stat = parse_statistic(str(stat_params["Stat"]))
    if stat is None:
        raise validation_error(
            f"The value {stat_params['Stat']} for parameter {path}.MetricStat.Stat is invalid."
        )
    return MetricQuery(
        position=n,
        id=query_id,
        metric=MetricId(
            str(metric["Namespace"]),
            str(metric["MetricName"]),
            canonical_dimensions(metric.get("Dimensions") or []),
        ),
        period=period,
        stat=stat,
        unit=stat_params.get("Unit"),
        label=query.get("Label"),
        return_data=query.get("ReturnData", True) is not False,
        account_id=query.get("AccountId"),
    )


def default_labels(queries: Sequence[MetricQuery]) -> list[str]:
    """Each query's label: its own, or the metric name plus what tells it from the others."""
    stats_differ = len({q.stat.name for q in queries}) > 1
    periods_differ = len({q.period for q in queries}) > 1
    labels = []
    for q in queries:
        if q.label is not None:
            labels.append(q.label)
            continue
        parts = [q.metric.name]
        if stats_differ:
            parts.append(q.stat.name)
        if periods_differ:
            parts.append(str(q.period))
        labels.append(" ".join(parts))
    return labels


@dataclass(frozen=True)
class QueryScope:
    """What every query of one GetMetricData call shares."""

    state: MetricsState
    account: str
    region: str
    start_ms: int
    end_ms: int
    now: float
    descending: bool


def compute_series(scope: QueryScope, query: MetricQuery, label: str) -> Series:
    """One query's datapoints over the whole window, in scan order."""
    account = scope.account
    if query.account_id is not None and query.account_id != account:
        return Series(
            query,
            label,
            [],
            status="Forbidden",
            messages=[
                {
                    "Code": "Forbidden",
                    "Value": "redrive does not emulate cross-account observability: "
                    f"account {query.account_id} is not linked to {account}.",
                }
            ],
        )
    window = Window.of(scope.start_ms, scope.end_ms, query.period, scope.now)
    samples = scope.state.samples(
        account, scope.region, query.metric, window.start_ms, scope.end_ms, unit=query.unit
    )
    by_unit = aggregate(samples, window, keep_values=query.stat.needs_values)
    series = Series(query, label, [])
    if not by_unit:
        return series
    unit = min(by_unit, key=_unit_rank)
    if len(by_unit) > 1:
        listed = ", ".join(sorted(by_unit))
        series.messages.append(
            {"Code": "MultipleUnits", "Value": f"Multiple units returned: '[{listed}]'"}
        )
    for bucket_start, agg in by_unit[unit].items():
        value = query.stat.compute(agg)
        if value is not None:
            series.points.append((bucket_start, value))
    if scope.descending:
        series.points.reverse()
    return series


def fingerprint(queries: Sequence[MetricQuery], start_ms: int, end_ms: int, scan_by: str) -> str:
    """What a NextToken is bound to: the same queries over the same window and order."""
    shape = [
        [
            q.id,
            q.metric.namespace,
            q.metric.name,
            q.metric.dimensions_key,
            q.period,
            q.stat.name,
            q.unit,
            q.return_data,
        ]
        for q in queries
    ]
    raw = json.dumps([shape, start_ms, end_ms, scan_by], separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def paginate(
    series: Sequence[Series],
    max_datapoints: int | None,
    next_token: str | None,
    bound_to: str,
    descending: bool,
) -> tuple[list[dict[str, Any]], str | None]:
    """The page's MetricDataResults and the token for the next page, if any."""
    resume_at, resume_after = 0, None
    if next_token is not None:
        document = decode(next_token)
        if not (
            isinstance(document, dict)
            and document.get("h") == bound_to
            and isinstance(document.get("q"), int)
            and isinstance(document.get("t"), (int, type(None)))
        ):
            raise invalid_next_token()
        resume_at, resume_after = document["q"], document["t"]
    budget = DEFAULT_MAX_DATAPOINTS if max_datapoints is None else max_datapoints
    token: str | None = None
    results: list[dict[str, Any]] = []
    for pos, one in enumerate(series):
        points = [] if pos < resume_at else one.points
        if pos == resume_at and resume_after is not None:
            after = resume_after
            points = [p for p in points if (p[0] < after if descending else p[0] > after)]
        status = one.status
        taken: list[tuple[int, float]] = []
        if token is not None:
            if points:
                status = "PartialData"
        else:
            taken = points[:budget]
            budget -= len(taken)
            if len(taken) < len(points):
                status = "PartialData"
                cursor = taken[-1][0] if taken else (resume_after if pos == resume_at else None)
                token = encode({"h": bound_to, "q": pos, "t": cursor})
        results.append(
            {
                "Id": one.query.id,
                "Label": one.label,
                "Timestamps": [datetime_of(ts) for ts, _ in taken],
                "Values": [value for _, value in taken],
                "StatusCode": status,
                **({"Messages": one.messages} if one.messages else {}),
            }
        )
    return results, token


def _unit_rank(unit: str) -> int:
    try:
        return UNIT_PREFERENCE.index(unit)
    except ValueError:
        return len(UNIT_PREFERENCE)
