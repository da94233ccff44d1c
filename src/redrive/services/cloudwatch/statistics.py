"""Statistics over one period's samples, as CloudWatch defines them.

Supported (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html):

* ``SampleCount``, ``Sum``, ``Average``, ``Minimum``, ``Maximum``;
* percentiles ``p99``, ``p99.9``, ``p0`` ... ``p100``;
* trimmed mean, count and sum: ``tm90``, ``tc90``, ``ts90`` (upper bound only, percent),
  ``TM(10%:90%)``, ``TM(150:1000)`` (absolute bounds: lower exclusive, upper inclusive),
  likewise ``TC(...)`` and ``TS(...)``; ``IQM`` = ``TM(25%:75%)``;
* winsorized mean ``wm90``, ``WM(10%:90%)``, ``WM(150:1000)`` (values clamped to the bounds);
* percentile rank ``PR(:300)``, ``PR(100:2000)`` (absolute bounds only): the percentage of
  values in (lower, upper].

AWS computes these from approximations; redrive keeps every raw value and computes them
exactly. A percentile is the nearest-rank value (the smallest value with at least p% of the
samples at or below it), so it is always a value that was published. Percent-bounded trims
cut the ordered samples at p% of their total count and keep fractional weight at the edges,
which is why ``TC`` can be fractional, as AWS documents.

Statistic sets: the statistics that need raw values (everything but the five plain ones) are
computable over a period only if every statistic set in it stands for known values - its
SampleCount is 1, or its Minimum equals its Maximum (API_GetMetricStatistics and
API_PutMetricData say the same). Otherwise that statistic has no value for the period.

Anything else (metric math functions, ``Statistic`` strings like ``tm99.9.9``) is refused by
the operations as an invalid statistic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from redrive.services.cloudwatch.constants import MAX_STAT_DECIMALS, SIMPLE_STATISTICS
from redrive.services.cloudwatch.model import Sample

WeightedValues = list[tuple[float, float]]


class Aggregate:
    """What the statistics of one period (and unit) are computed from."""

    __slots__ = ("count", "exact", "keep_values", "maximum", "minimum", "negative", "sum", "values")

    def __init__(self, keep_values: bool = False) -> None:
        self.keep_values = keep_values
        self.count = 0.0
        self.sum = 0.0
        self.minimum = math.inf
        self.maximum = -math.inf
        #: raw (value, count) pairs, when kept
        self.values: WeightedValues = []
        #: False once a statistic set that stands for unknown values was added
        self.exact = True
        #: whether any value was negative
        self.negative = False

    def add(self, sample: Sample) -> None:
        stats = sample.stats
        if stats is not None:
            self.count += stats.sample_count
            self.sum += stats.sum
            self.minimum = min(self.minimum, stats.minimum)
            self.maximum = max(self.maximum, stats.maximum)
            self.negative = self.negative or stats.minimum < 0
            if self.keep_values:
                raw = stats.as_raw_values()
                if raw is None:
                    self.exact = False
                else:
                    self.values.extend(raw)
            return
        for value, count in sample.values:
            self.count += count
            self.sum += value * count
            self.minimum = min(self.minimum, value)
            self.maximum = max(self.maximum, value)
            self.negative = self.negative or value < 0
        if self.keep_values:
            self.values.extend(sample.values)

    @property
    def empty(self) -> bool:
        return self.count <= 0

    def sorted_values(self) -> tuple[WeightedValues, float]:
        """The raw values in ascending order and their total weight."""
        self.values.sort()
        return self.values, sum(weight for _, weight in self.values)


class Statistic:
    """One statistic, named as the user wrote it."""

    #: whether it needs the raw values (percentile-like) rather than the running totals
    needs_values = True

    def __init__(self, name: str) -> None:
        self.name = name

    def compute(self, agg: Aggregate) -> float | None:
        """The statistic's value for the period, or None if it has none."""
        if agg.empty:
            return None
        if self.needs_values:
            if not agg.exact:
                return None
            values, total = agg.sorted_values()
            if total <= 0:
                return None
            return self._from_values(values, total)
        return self._from_totals(agg)

    def _from_values(self, values: WeightedValues, total: float) -> float | None:
        raise NotImplementedError

    def _from_totals(self, agg: Aggregate) -> float | None:
        raise NotImplementedError


class Simple(Statistic):
    """SampleCount, Sum, Average, Minimum, Maximum."""

    needs_values = False

    def _from_totals(self, agg: Aggregate) -> float | None:
        if self.name == "SampleCount":
            return agg.count
        if self.name == "Sum":
            return agg.sum
        if self.name == "Average":
            return agg.sum / agg.count
        if self.name == "Minimum":
            return agg.minimum
        return agg.maximum


class Percentile(Statistic):
    def __init__(self, name: str, percent: float) -> None:
        super().__init__(name)
        self.percent = percent

    def _from_values(self, values: WeightedValues, total: float) -> float | None:
        return quantile(values, total, self.percent)


@dataclass(frozen=True)
class Bounds:
    """The range of a trimmed statistic: percents of the samples, or absolute values."""

    lower: float | None
    upper: float | None
    percent: bool


class Trimmed(Statistic):
    """TM (mean), TC (count) and TS (sum) of the values within the bounds."""

    def __init__(self, name: str, kind: str, bounds: Bounds) -> None:
        super().__init__(name)
        self.kind = kind
        self.bounds = bounds

    def _from_values(self, values: WeightedValues, total: float) -> float | None:
        kept = _kept_weights(values, total, self.bounds)
        count = sum(weight for _, weight in kept)
        trimmed_sum = sum(value * weight for value, weight in kept)
        if self.kind == "TC":
            return count
        if self.kind == "TS":
            return trimmed_sum
        return trimmed_sum / count if count > 0 else None


class Winsorized(Statistic):
    """WM: the mean with values beyond the bounds moved onto them."""

    def __init__(self, name: str, bounds: Bounds) -> None:
        super().__init__(name)
        self.bounds = bounds

    def _from_values(self, values: WeightedValues, total: float) -> float | None:
        low, high = self.bounds.lower, self.bounds.upper
        if self.bounds.percent:
            low = None if low is None else quantile(values, total, low)
            high = None if high is None else quantile(values, total, high)
        clamped = 0.0
        for value, weight in values:
            moved = value if low is None else max(value, low)
            moved = moved if high is None else min(moved, high)
            clamped += moved * weight
        return clamped / total


class PercentileRank(Statistic):
    """PR: the percentage of values in (lower, upper]."""

    def __init__(self, name: str, bounds: Bounds) -> None:
        super().__init__(name)
        self.bounds = bounds

    def _from_values(self, values: WeightedValues, total: float) -> float | None:
        inside = sum(weight for _, weight in _kept_weights(values, total, self.bounds))
        return 100.0 * inside / total


def quantile(values: WeightedValues, total: float, percent: float) -> float:
    """Nearest-rank percentile of ascending weighted values."""
    target = percent / 100.0 * total
    tolerance = 1e-9 * total
    seen = 0.0
    for value, weight in values:
        seen += weight
        if seen >= target - tolerance:
            return value
    return values[-1][0]


def _kept_weights(values: WeightedValues, total: float, bounds: Bounds) -> WeightedValues:
    """The (value, weight) pairs inside ``bounds``, with fractional weights at percent edges."""
    kept: WeightedValues = []
    if not bounds.percent:
        for value, weight in values:
            if bounds.lower is not None and value <= bounds.lower:
                continue
            if bounds.upper is not None and value > bounds.upper:
                continue
            kept.append((value, weight))
        return kept
    low = 0.0 if bounds.lower is None else bounds.lower / 100.0 * total
    high = total if bounds.upper is None else bounds.upper / 100.0 * total
    seen = 0.0
    for value, weight in values:
        start, seen = seen, seen + weight
        portion = min(seen, high) - max(start, low)
        if portion > 0:
            kept.append((value, portion))
    return kept


# -- parsing ------------------------------------------------------------------------------

_NUMBER = r"(\d+(?:\.\d+)?)"
_PERCENTILE = re.compile(rf"[pP]{_NUMBER}")
_SHORT = re.compile(rf"(tm|wm|tc|ts|TM|WM|TC|TS){_NUMBER}")
_LONG = re.compile(r"(TM|WM|TC|TS|PR|tm|wm|tc|ts|pr)\(([^:()]*):([^:()]*)\)")
_BOUND = re.compile(r"(-?\d+(?:\.\d+)?)(%?)")


def parse_statistic(text: str) -> Statistic | None:
    """The statistic ``text`` names, or None if it is not one CloudWatch knows."""
    if text in SIMPLE_STATISTICS:
        return Simple(text)
    if text.upper() == "IQM":
        return Trimmed(text, "TM", Bounds(25.0, 75.0, percent=True))
    if match := _PERCENTILE.fullmatch(text):
        percent = _percent(match.group(1))
        return None if percent is None else Percentile(text, percent)
    if match := _SHORT.fullmatch(text):
        upper = _percent(match.group(2))
        if upper is None or upper == 0:
            return None
        return _make(text, match.group(1).upper(), Bounds(None, upper, percent=True))
    if match := _LONG.fullmatch(text):
        bounds = _bounds(match.group(2), match.group(3))
        if bounds is None:
            return None
        kind = match.group(1).upper()
        if kind == "PR" and bounds.percent:
            return None
        return _make(text, kind, bounds)
    return None


def is_percentile(statistic: Statistic) -> bool:
    return isinstance(statistic, Percentile)


def _make(text: str, kind: str, bounds: Bounds) -> Statistic:
    if kind == "WM":
        return Winsorized(text, bounds)
    if kind == "PR":
        return PercentileRank(text, bounds)
    return Trimmed(text, kind, bounds)


def _decimals_ok(number: str) -> bool:
    _, _, decimals = number.partition(".")
    return len(decimals) <= MAX_STAT_DECIMALS


def _percent(number: str) -> float | None:
    if not _decimals_ok(number):
        return None
    value = float(number)
    return value if 0 <= value <= 100 else None


def _bounds(lower_text: str, upper_text: str) -> Bounds | None:
    sides: list[tuple[float, bool] | None] = []
    for text in (lower_text.strip(), upper_text.strip()):
        if not text:
            sides.append(None)
            continue
        match = _BOUND.fullmatch(text)
        if match is None or not _decimals_ok(match.group(1)):
            return None
        sides.append((float(match.group(1)), match.group(2) == "%"))
    given = [side for side in sides if side is not None]
    if not given:
        return None
    percent = given[0][1]
    if any(side[1] != percent for side in given):
        return None  # one bound in percent and the other absolute
    lower = None if sides[0] is None else sides[0][0]
    upper = None if sides[1] is None else sides[1][0]
    if percent and any(not 0 <= side[0] <= 100 for side in given):
        return None
    if lower is not None and upper is not None and lower >= upper:
        return None
    return Bounds(lower, upper, percent)
