"""Turning PutMetricData's MetricDatum structures into samples, with AWS's checks.

The wire layer has already checked what the botocore model says (required members, enum
units, lengths, at most 30 dimensions). What remains are the rules the model cannot express,
refused with the messages AWS uses where they are known (recorded against AWS in
localstack/localstack ``tests/aws/services/cloudwatch/test_cloudwatch.py``,
test_put_metric_data_validation):

* ``Value`` with ``Values`` or with ``StatisticValues`` -> InvalidParameterCombination
  "The parameters MetricData.member.1.Value and MetricData.member.1.Values are mutually
  exclusive and you have specified both."
* ``Values`` and ``Counts`` of different lengths -> InvalidParameterValue "The parameters
  MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size."
* ``Values`` with ``StatisticValues`` is accepted by AWS (recorded); redrive then keeps the
  ``Values`` (raw values serve every statistic) and ignores the statistic set.

[inferred] wording: no value at all (MissingParameter), non-finite or out-of-range values,
timestamps outside [now - 2 weeks, now + 2 hours], StorageResolution other than 1 or 60,
duplicate dimension names, statistic sets with Maximum < Minimum or SampleCount <= 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from redrive.services.cloudwatch import constants as c
from redrive.services.cloudwatch.errors import invalid_combination, invalid_value, missing_parameter
from redrive.services.cloudwatch.model import (
    MetricId,
    Sample,
    StatisticSet,
    canonical_dimensions,
)


def to_epoch(value: datetime | float | int) -> float:
    """Epoch seconds from a parsed timestamp (aware datetime) or a number."""
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)


def to_ms(value: datetime | float | int) -> int:
    return math.floor(to_epoch(value) * 1000)


def format_number(value: float) -> str:
    """A number as AWS writes it in messages (``NaN``, ``Infinity``, ``1.5``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def datum_entries(params: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Every MetricDatum of a PutMetricData request with its parameter path."""
    entries = [
        (f"MetricData.member.{i}", datum)
        for i, datum in enumerate(params.get("MetricData") or [], start=1)
    ]
    for j, entity in enumerate(params.get("EntityMetricData") or [], start=1):
        # The entity itself is accepted and ignored; its metrics are stored like any others.
        for i, datum in enumerate(entity.get("MetricData") or [], start=1):
            entries.append((f"EntityMetricData.member.{j}.MetricData.member.{i}", datum))
    return entries


def parse_datum(
    namespace: str, datum: Mapping[str, Any], path: str, now: float
) -> tuple[MetricId, Sample]:
    """The metric and sample of one MetricDatum, or the ServiceError AWS would answer."""
    dimensions = _dimensions(datum.get("Dimensions") or [], path)
    metric = MetricId(namespace, str(datum["MetricName"]), dimensions)

    timestamp = now
    if datum.get("Timestamp") is not None:
        timestamp = to_epoch(datum["Timestamp"])
        if timestamp < now - c.MAX_PAST_SECONDS:
            raise invalid_value(
                f"The parameter {path}.Timestamp must specify a time within the past two weeks."
            )
        if timestamp > now + c.MAX_FUTURE_SECONDS:
            raise invalid_value(
                f"The parameter {path}.Timestamp must specify a time no more than two hours "
                "in the future."
            )

    resolution = datum.get("StorageResolution")
    if resolution is None:
        resolution = c.DEFAULT_STORAGE_RESOLUTION
    if resolution not in c.STORAGE_RESOLUTIONS:
        raise invalid_value(
            f"The value {resolution} for parameter {path}.StorageResolution is invalid."
        )

    unit = datum.get("Unit") or c.DEFAULT_UNIT
    values, stats = _payload(datum, path)
    sample = Sample(
        timestamp_ms=math.floor(timestamp * 1000),
        unit=str(unit),
        storage_resolution=int(resolution),
        values=values,
        stats=stats,
    )
    return metric, sample


def check_value(value: float, parameter: str) -> float:
    value = float(value)
    if not math.isfinite(value) or abs(value) > c.MAX_ABS_VALUE:
        raise invalid_value(
            f"The value {format_number(value)} for parameter {parameter} is invalid."
        )
    return value


def _dimensions(dimensions: Sequence[Mapping[str, Any]], path: str) -> tuple[tuple[str, str], ...]:
    if len(dimensions) > c.MAX_DIMENSIONS:
        raise invalid_value(
            f"The collection {path}.Dimensions must not have a size greater than "
            f"{c.MAX_DIMENSIONS}."
        )
    seen: set[str] = set()
    for k, dimension in enumerate(dimensions, start=1):
        name = str(dimension["Name"])
        if name in seen:
            raise invalid_value(
                f"The value {name} for parameter {path}.Dimensions.member.{k}.Name is invalid: "
                "dimension names must be unique within a metric."
            )
        seen.add(name)
    return canonical_dimensions(dimensions)


def _payload(
    datum: Mapping[str, Any], path: str
) -> tuple[tuple[tuple[float, float], ...], StatisticSet | None]:
    value = datum.get("Value")
    values = datum.get("Values") or []
    counts = datum.get("Counts") or []
    stats = datum.get("StatisticValues")

    if value is not None and values:
        raise invalid_combination(
            f"The parameters {path}.Value and {path}.Values are mutually exclusive and you "
            "have specified both."
        )
    if value is not None and stats is not None:
        raise invalid_combination(
            f"The parameters {path}.Value and {path}.StatisticValues are mutually exclusive "
            "and you have specified both."
        )
    if counts and len(counts) != len(values):
        raise invalid_value(
            f"The parameters {path}.Values and {path}.Counts must be of the same size."
        )
    if len(values) > c.MAX_VALUES_PER_DATUM:
        raise invalid_value(
            f"The collection {path}.Values must not have a size greater than "
            f"{c.MAX_VALUES_PER_DATUM}."
        )

    if value is not None:
        return ((check_value(value, f"{path}.Value"), 1.0),), None
    if values:
        pairs: list[tuple[float, float]] = []
        for k, raw in enumerate(values, start=1):
            number = check_value(raw, f"{path}.Values.member.{k}")
            count = 1.0
            if counts:
                count = check_value(counts[k - 1], f"{path}.Counts.member.{k}")
                if count < 0:
                    raise invalid_value(
                        f"The value {format_number(count)} for parameter "
                        f"{path}.Counts.member.{k} is invalid."
                    )
            if count > 0:
                pairs.append((number, count))
        return tuple(pairs), None
    if stats is not None:
        return (), _statistic_set(stats, f"{path}.StatisticValues")
    raise missing_parameter(
        f"At least one of the parameters {path}.Value, {path}.Values or "
        f"{path}.StatisticValues must be specified."
    )


def _statistic_set(stats: Mapping[str, Any], path: str) -> StatisticSet:
    numbers = {
        name: check_value(stats[name], f"{path}.{name}")
        for name in ("SampleCount", "Sum", "Minimum", "Maximum")
    }
    if numbers["SampleCount"] <= 0:
        raise invalid_value(f"The parameter {path}.SampleCount must be greater than 0.")
    if numbers["Maximum"] < numbers["Minimum"]:
        raise invalid_value(
            f"The parameter {path}.Maximum must be greater than or equal to {path}.Minimum."
        )
    return StatisticSet(
        numbers["SampleCount"], numbers["Sum"], numbers["Minimum"], numbers["Maximum"]
    )
