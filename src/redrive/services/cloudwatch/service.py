"""The CloudWatch metrics service: its four operations and the internal recording interface."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from redrive.services._base import Output, Params, Platform, RequestContext, Service, operation
from redrive.services.cloudwatch import constants as c
from redrive.services.cloudwatch.errors import (
    invalid_combination,
    invalid_value,
    missing_parameter,
    validation_error,
)
from redrive.services.cloudwatch.ingest import datum_entries, parse_datum, to_ms
from redrive.services.cloudwatch.metric_data import (
    QueryScope,
    compute_series,
    default_labels,
    fingerprint,
    paginate,
    parse_queries,
)
from redrive.services.cloudwatch.model import (
    MetricId,
    MetricSample,
    Sample,
    canonical_dimensions,
)
from redrive.services.cloudwatch.periods import Window, aggregate, datetime_of, valid_period
from redrive.services.cloudwatch.state import MetricsState, cursor_of
from redrive.services.cloudwatch.statistics import Statistic, is_percentile, parse_statistic
from redrive.services.cloudwatch.tokens import decode, encode


class CloudWatchService(Service):
    """CloudWatch metrics, queryable down to 1-second periods for every metric (OBS-1).

    Operations: PutMetricData, GetMetricStatistics, GetMetricData (MetricStat queries; metric
    math is refused as not supported yet), ListMetrics.

    **Internal interface** for the other services, which record their metrics (``AWS/Lambda``
    Invocations, Errors, Throttles, Duration, AsyncEventAge ...) here instead of over HTTP::

        cloudwatch = platform.service("cloudwatch")

        cloudwatch.record(
            account_id: str, region: str, namespace: str, metric_name: str, value: float,
            *, dimensions: Mapping[str, str] | None = None, unit: str = "None",
            timestamp: float | None = None, storage_resolution: int = 60,
        ) -> None

        cloudwatch.record_many(account_id, region, [
            MetricSample("AWS/Lambda", "Invocations", 1, {"FunctionName": "f"}, "Count", t),
            MetricSample("AWS/Lambda", "Invocations", 1, None, "Count", t),
        ]) -> None

        cloudwatch.record_values(
            account_id, region, "AWS/SQS", [("NumberOfMessagesSent", 1, "Count"), ...],
            dimension_sets=[{"QueueName": "q"}], timestamp=None,
        ) -> None

    ``record_values`` is ``record_many`` for values of one namespace that share their
    dimension sets (each value is recorded under each set), without a MetricSample per value:
    the services that record a few values on every request use it.

    * Any namespace may be written, ``AWS/`` ones included (users may not: PutMetricData
      refuses them).
    * ``timestamp`` is emulated epoch seconds, default ``platform.now()``; for Lambda metrics
      pass the invocation's start time (OBS-1). The 2-weeks-past / 2-hours-ahead window of
      PutMetricData does not apply.
    * Each dimension combination is its own metric (OBS-1): to be found by ``FunctionName``
      and by ``Resource``, record the value once per combination; ``record_many`` writes them
      as one batch. The dimensionless metrics of the namespaces in ``constants.ROLLUPS``
      (AWS/Lambda) are read as the union of their metrics by one dimension instead: record
      those by that dimension only.
    * ``unit`` is a CloudWatch StandardUnit (``Count``, ``Milliseconds``, ...);
      ``storage_resolution`` is 1 or 60 and, in redrive, changes nothing in queries.
    * Writes join the caller's store transaction when there is one (else open their own), so
      a metric recorded by an operation that then fails is rolled back with it.
    * Bad input (non-finite value, unknown unit, over 30 dimensions, other resolutions) raises
      ``ValueError``: it is a bug in the calling service, not an AWS error.
    """

    name = "cloudwatch"

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        self.state = MetricsState(platform.store)

    # -- internal interface ---------------------------------------------------------------------

    def record(
        self,
        account_id: str,
        region: str,
        namespace: str,
        metric_name: str,
        value: float,
        *,
        dimensions: Mapping[str, str] | None = None,
        unit: str = c.DEFAULT_UNIT,
        timestamp: float | None = None,
        storage_resolution: int = c.DEFAULT_STORAGE_RESOLUTION,
    ) -> None:
        """Record one value of a metric (see the class docstring)."""
        self.record_many(
            account_id,
            region,
            [
                MetricSample(
                    namespace, metric_name, value, dimensions, unit, timestamp, storage_resolution
                )
            ],
        )

    def record_many(self, account_id: str, region: str, samples: Iterable[MetricSample]) -> None:
        """Record several values at once, as one batch."""
        now = self.platform.now()
        entries = [_internal_entry(sample, now) for sample in samples]
        self.state.put(account_id, region, entries, now)

    def record_values(
        self,
        account_id: str,
        region: str,
        namespace: str,
        data: Iterable[tuple[str, float, str]],
        *,
        dimension_sets: Iterable[Mapping[str, str] | None] = (None,),
        timestamp: float | None = None,
    ) -> None:
        """Record each ``(metric name, value, unit)`` under each dimension set, as one batch."""
        now = self.platform.now()
        timestamp_ms = math.floor((now if timestamp is None else timestamp) * 1000)
        sets = [None if d is None else tuple(d.items()) for d in dimension_sets]
        entries = [
            (
                _internal_metric(namespace, name, dimensions),
                _internal_sample(value, unit, timestamp_ms, c.DEFAULT_STORAGE_RESOLUTION),
            )
            for name, value, unit in data
            for dimensions in sets
        ]
        self.state.put(account_id, region, entries, now)

    # -- operations -----------------------------------------------------------------------------

    @operation("PutMetricData")
    def put_metric_data(self, ctx: RequestContext, params: Params) -> Output:
        namespace = str(params["Namespace"])
        if namespace.startswith(c.RESERVED_NAMESPACE_PREFIX):
            raise invalid_value(f"The value {namespace} for parameter Namespace is invalid.")
        data = datum_entries(params)
        if not data:
            raise missing_parameter("The parameter MetricData is required.")
        if len(data) > c.MAX_METRICS_PER_PUT:
            raise invalid_value(
                "The collection MetricData must not have a size greater than "
                f"{c.MAX_METRICS_PER_PUT}."
            )
        now = self.platform.now()
        entries = [parse_datum(namespace, datum, path, now) for path, datum in data]
        self.state.put(ctx.account_id, ctx.region, entries, now)
        return {}

    @operation("GetMetricStatistics")
    def get_metric_statistics(self, ctx: RequestContext, params: Params) -> Output:
        statistics = self._simple_statistics(params.get("Statistics") or [])
        extended = self._extended_statistics(params.get("ExtendedStatistics") or [])
        if not statistics and not extended:
            raise invalid_combination("Must specify either Statistics or ExtendedStatistics")
        period = int(params["Period"])
        if not valid_period(period):
            raise invalid_value("The parameter Period must be a multiple of 60.")
        start_ms, end_ms = to_ms(params["StartTime"]), to_ms(params["EndTime"])
        if start_ms >= end_ms:
            raise invalid_value("The parameter StartTime must be less than the parameter EndTime.")
        window = Window.of(start_ms, end_ms, period, self.platform.now())
        if window.datapoints > c.MAX_GET_METRIC_STATISTICS_DATAPOINTS:
            raise invalid_combination(
                f"You have requested up to {window.datapoints:,} datapoints, which exceeds the "
                f"limit of {c.MAX_GET_METRIC_STATISTICS_DATAPOINTS:,}. You may reduce the "
                "datapoints requested by increasing Period, or decreasing the time range."
            )
        metric = MetricId(
            str(params["Namespace"]),
            str(params["MetricName"]),
            self._dimensions(params.get("Dimensions") or []),
        )
        samples = self.state.samples(
            ctx.account_id, ctx.region, metric, window.start_ms, end_ms, unit=params.get("Unit")
        )
        by_unit = aggregate(samples, window, keep_values=bool(extended))
        datapoints = []
        # One datapoint per period and unit (recorded against AWS: data published in three
        # units gives three datapoints for one period).
        for unit, buckets in by_unit.items():
            for bucket_start, agg in buckets.items():
                if agg.empty:
                    continue
                point: dict[str, Any] = {"Timestamp": datetime_of(bucket_start), "Unit": unit}
                for stat in statistics:
                    point[stat.name] = stat.compute(agg)
                if extended:
                    values = {}
                    # API_GetMetricStatistics: percentiles are not available when any value
                    # of the period is negative.
                    if not agg.negative:
                        for stat in extended:
                            value = stat.compute(agg)
                            if value is not None:
                                values[stat.name] = value
                    point["ExtendedStatistics"] = values
                datapoints.append(point)
        datapoints.sort(key=lambda p: (p["Timestamp"], p["Unit"]))
        return {"Label": metric.name, "Datapoints": datapoints}

    @operation("GetMetricData")
    def get_metric_data(self, ctx: RequestContext, params: Params) -> Output:
        queries = parse_queries(params["MetricDataQueries"])
        start_ms, end_ms = to_ms(params["StartTime"]), to_ms(params["EndTime"])
        if start_ms >= end_ms:
            raise validation_error(
                "The parameter StartTime must be less than the parameter EndTime."
            )
        max_datapoints = params.get("MaxDatapoints")
        if max_datapoints is not None and max_datapoints < 1:
            raise validation_error("The parameter MaxDatapoints must be greater than 0.")
        scan_by = params.get("ScanBy") or "TimestampDescending"
        descending = scan_by == "TimestampDescending"
        scope = QueryScope(
            self.state,
            ctx.account_id,
            ctx.region,
            start_ms,
            end_ms,
            self.platform.now(),
            descending,
        )
        labels = default_labels(queries)
        series = [
            compute_series(scope, query, label)
            for query, label in zip(queries, labels, strict=True)
            if query.return_data
        ]
        results, token = paginate(
            series,
            max_datapoints,
            params.get("NextToken"),
            fingerprint(queries, start_ms, end_ms, scan_by),
            descending,
        )
        output: dict[str, Any] = {"MetricDataResults": results, "Messages": []}
        if token is not None:
            output["NextToken"] = token
        return output

    @operation("ListMetrics")
    def list_metrics(self, ctx: RequestContext, params: Params) -> Output:
        filters = [
            (str(f["Name"]), None if f.get("Value") is None else str(f["Value"]))
            for f in params.get("Dimensions") or []
        ]
        max_age = (
            c.RECENTLY_ACTIVE_SECONDS
            if params.get("RecentlyActive") == "PT3H"
            else c.LIST_METRICS_MAX_AGE_SECONDS
        )
        oldest = self.platform.now() - max_age

        def accept(metric: MetricId, last_published: float) -> bool:
            if last_published < oldest:
                return False
            dims = dict(metric.dimensions)
            return all(
                name in dims and (value is None or dims[name] == value) for name, value in filters
            )

        after = None
        if params.get("NextToken") is not None:
            document = decode(str(params["NextToken"]))
            if not (
                isinstance(document, list)
                and len(document) == 3
                and all(isinstance(part, str) for part in document)
            ):
                raise invalid_value(
                    f"The value {params['NextToken']} for parameter NextToken is invalid."
                )
            after = (document[0], document[1], document[2])
        found = self.state.metrics(
            ctx.account_id,
            ctx.region,
            namespace=params.get("Namespace"),
            metric_name=params.get("MetricName"),
            after=after,
            accept=accept,
            limit=c.LIST_METRICS_PAGE_SIZE + 1,
        )
        page = found[: c.LIST_METRICS_PAGE_SIZE]
        output: dict[str, Any] = {"Metrics": [metric.output() for metric, _ in page]}
        if len(found) > len(page):
            output["NextToken"] = encode(list(cursor_of(page[-1][0])))
        if params.get("IncludeLinkedAccounts"):
            # No cross-account observability: every metric is the caller's own.
            output["OwningAccounts"] = [ctx.account_id] * len(page)
        return output

    # -- helpers ----------------------------------------------------------------------------------

    @staticmethod
    def _simple_statistics(names: Iterable[str]) -> list[Statistic]:
        found: list[Statistic] = []
        for n, name in enumerate(names, start=1):
            stat = parse_statistic(str(name)) if name in c.SIMPLE_STATISTICS else None
            if stat is None:
                raise invalid_value(
                    f"The value {name} for parameter Statistics.member.{n} is invalid."
                )
            found.append(stat)
        return found

    @staticmethod
    def _extended_statistics(names: Iterable[str]) -> list[Statistic]:
        # GetMetricStatistics takes percentiles only ("Specify values between p0.0 and p100");
        # trimmed means and the like need GetMetricData.
        found: list[Statistic] = []
        for n, name in enumerate(names, start=1):
            stat = parse_statistic(str(name))
            if stat is None or not is_percentile(stat):
                raise invalid_value(
                    f"The value {name} for parameter ExtendedStatistics.member.{n} is invalid."
                )
            found.append(stat)
        return found

    @staticmethod
    def _dimensions(dimensions: list[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
        names = [str(d["Name"]) for d in dimensions]
        if len(set(names)) != len(names):
            raise invalid_value("The parameter Dimensions must not contain duplicate names.")
        return canonical_dimensions(dimensions)


#: one value as services record it: (metric name, value, unit)
Datum = tuple[str, float, str]


def record_if_present(
    platform: Platform,
    account_id: str,
    region: str,
    namespace: str,
    data: Sequence[Datum],
    *,
    dimensions: Mapping[str, str],
) -> None:
    """:meth:`CloudWatchService.record_values` of ``data`` under ``dimensions``, now; nothing
    when there is no data or CloudWatch is not part of this engine (SQS and Kinesis run
    without it in some tests)."""
    cloudwatch = platform.services.get("cloudwatch")
    if data and isinstance(cloudwatch, CloudWatchService):
        cloudwatch.record_values(account_id, region, namespace, data, dimension_sets=[dimensions])


def _internal_entry(sample: MetricSample, now: float) -> tuple[MetricId, Sample]:
    """A metric and sample from the internal interface, checked for the caller's bugs."""
    given = None if sample.dimensions is None else tuple(sample.dimensions.items())
    metric = _internal_metric(sample.namespace, sample.metric_name, given)
    timestamp = now if sample.timestamp is None else sample.timestamp
    return metric, _internal_sample(
        sample.value, sample.unit, math.floor(timestamp * 1000), sample.storage_resolution
    )


def _internal_sample(
    value: float, unit: str, timestamp_ms: int, storage_resolution: int
) -> Sample:
    """One value from the internal interface as a sample, checked for the caller's bugs."""
    number = float(value)
    if not math.isfinite(number) or abs(number) > c.MAX_ABS_VALUE:
        raise ValueError(f"metric value must be finite and within ±2^360, got {number!r}")
    if unit not in c.UNIT_PREFERENCE:
        raise ValueError(f"unknown CloudWatch unit {unit!r}")
    if storage_resolution not in c.STORAGE_RESOLUTIONS:
        raise ValueError(f"storage resolution must be 1 or 60, got {storage_resolution}")
    return Sample(timestamp_ms, unit, storage_resolution, ((number, 1.0),))


@lru_cache(maxsize=4096)
def _internal_metric(
    namespace: str, name: str, dimensions: tuple[tuple[str, str], ...] | None
) -> MetricId:
    """The metric of an internal sample, checked once per distinct metric (services record the
    same few metrics over and over)."""
    canonical = canonical_dimensions(None if dimensions is None else dict(dimensions))
    if len(canonical) > c.MAX_DIMENSIONS:
        raise ValueError(f"at most {c.MAX_DIMENSIONS} dimensions, got {len(canonical)}")
    return MetricId(namespace, name, canonical)
