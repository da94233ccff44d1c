"""Periods and time windows: which periods are valid, where datapoints start, bucketing.

A query's datapoints start at its StartTime rounded down as AWS documents
(API_GetMetricStatistics, StartTime): to the whole minute when the start is less than 15
days old, to 5 minutes up to 63 days, to the hour beyond; with a sub-minute period (1, 5, 10,
20, 30 s) to a multiple of that period. Datapoint k covers [start + k*period,
start + (k+1)*period); samples at or after EndTime (exclusive) are not counted. Periods
without samples have no datapoint.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from redrive.services.cloudwatch.constants import (
    PERIOD_MULTIPLE,
    START_ROUNDING_BY_AGE,
    START_ROUNDING_OLDEST,
    SUB_MINUTE_PERIODS,
)
from redrive.services.cloudwatch.model import Sample
from redrive.services.cloudwatch.statistics import Aggregate


def valid_period(period: int) -> bool:
    return period in SUB_MINUTE_PERIODS or (period >= PERIOD_MULTIPLE and period % 60 == 0)


def datetime_of(ms: int) -> datetime:
    """An aware UTC datetime for a millisecond timestamp."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


@dataclass(frozen=True)
class Window:
    """The datapoints of one query: aligned start, exclusive end, period, all in ms."""

    start_ms: int
    end_ms: int
    period_ms: int

    @staticmethod
    def of(start_ms: int, end_ms: int, period: int, now: float) -> Window:
        if period < PERIOD_MULTIPLE:
            rounding = period
        else:
            age = now - start_ms / 1000
            rounding = START_ROUNDING_OLDEST
            for max_age, step in START_ROUNDING_BY_AGE:
                if age < max_age:
                    rounding = step
                    break
        step_ms = rounding * 1000
        return Window(start_ms - start_ms % step_ms, end_ms, period * 1000)

    @property
    def datapoints(self) -> int:
        """How many periods the window spans (AWS's "requested up to N datapoints")."""
        return max(0, math.ceil((self.end_ms - self.start_ms) / self.period_ms))

    def bucket(self, timestamp_ms: int) -> int:
        return self.start_ms + (timestamp_ms - self.start_ms) // self.period_ms * self.period_ms


def aggregate(
    samples: Iterable[Sample], window: Window, keep_values: bool
) -> dict[str, dict[int, Aggregate]]:
    """Samples grouped by unit, then by period start (in time order)."""
    by_unit: dict[str, dict[int, Aggregate]] = {}
    for sample in samples:
        buckets = by_unit.setdefault(sample.unit, {})
        start = window.bucket(sample.timestamp_ms)
        agg = buckets.get(start)
        if agg is None:
            agg = buckets[start] = Aggregate(keep_values)
        agg.add(sample)
    return by_unit
