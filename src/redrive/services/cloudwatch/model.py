"""What a metric is and what one stored sample holds.

A metric is (namespace, metric name, dimensions); dimensions are a set of name/value pairs,
so their order never matters (OBS-1: each unique combination of dimensions is a separate
metric). :func:`dimensions_key` gives the canonical string that names a dimension set in
store keys.

A :class:`Sample` is one datum as published: raw values with their counts (a single ``Value``
is one value counted once; ``Values``/``Counts`` are many), or a statistic set. Samples keep
the unit and storage resolution they were published with and a millisecond timestamp.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from redrive.services.cloudwatch.constants import DEFAULT_STORAGE_RESOLUTION, DEFAULT_UNIT

#: dimensions as sorted (name, value) pairs
Dimensions = tuple[tuple[str, str], ...]


def canonical_dimensions(
    dimensions: Mapping[str, str] | Iterable[Mapping[str, Any]] | None,
) -> Dimensions:
    """Sorted (name, value) pairs from a mapping or from AWS ``[{"Name", "Value"}]`` lists.

    Callers check for duplicate names first; here a later duplicate would win.
    """
    if dimensions is None:
        return ()
    if isinstance(dimensions, Mapping):
        pairs = {str(k): str(v) for k, v in dimensions.items()}
    else:
        pairs = {str(d["Name"]): str(d["Value"]) for d in dimensions}
    return tuple(sorted(pairs.items()))


@lru_cache(maxsize=4096)
def dimensions_key(dimensions: Dimensions) -> str:
    """The canonical, unambiguous string for a dimension set (JSON of the sorted pairs).

    Cached: the same few dimension sets are written over and over (every Lambda invocation
    writes its metrics by FunctionName and for the Region)."""
    return json.dumps(
        [list(pair) for pair in dimensions], separators=(",", ":"), ensure_ascii=False
    )


def dimensions_from_key(key: str) -> Dimensions:
    return tuple((str(name), str(value)) for name, value in json.loads(key))


def dimensions_output(dimensions: Dimensions) -> list[dict[str, str]]:
    """The AWS ``Dimensions`` list."""
    return [{"Name": name, "Value": value} for name, value in dimensions]


@dataclass(frozen=True)
class MetricId:
    """One metric: namespace, name and dimension set."""

    namespace: str
    name: str
    dimensions: Dimensions = ()

    @property
    def dimensions_key(self) -> str:
        return dimensions_key(self.dimensions)

    def output(self) -> dict[str, Any]:
        """The AWS ``Metric`` structure."""
        return {
            "Namespace": self.namespace,
            "MetricName": self.name,
            "Dimensions": dimensions_output(self.dimensions),
        }


@dataclass(frozen=True)
class StatisticSet:
    """A pre-aggregated datum (``StatisticValues``)."""

    sample_count: float
    sum: float
    minimum: float
    maximum: float

    def as_raw_values(self) -> tuple[tuple[float, float], ...] | None:
        """The raw values this set stands for, when that is knowable.

        AWS computes percentiles from a statistic set only when its SampleCount is 1 or its
        Minimum equals its Maximum (API_GetMetricStatistics); then every value is known.
        """
        if self.sample_count == 1:
            return ((self.sum, 1.0),)
        if self.minimum == self.maximum:
            return ((self.minimum, self.sample_count),)
        return None


@dataclass(frozen=True)
class Sample:
    """One stored datum: raw ``values`` as (value, count) pairs, or a statistic set."""

    timestamp_ms: int
    unit: str = DEFAULT_UNIT
    storage_resolution: int = DEFAULT_STORAGE_RESOLUTION
    values: tuple[tuple[float, float], ...] = ()
    stats: StatisticSet | None = field(default=None)

    def to_doc(self) -> dict[str, Any]:
        """The JSON document stored for this sample (the timestamp lives in the key)."""
        doc: dict[str, Any] = {"u": self.unit, "r": self.storage_resolution}
        if self.stats is not None:
            s = self.stats
            doc["s"] = [s.sample_count, s.sum, s.minimum, s.maximum]
        elif len(self.values) == 1 and self.values[0][1] == 1:
            doc["v"] = self.values[0][0]
        else:
            doc["v"] = [[value, count] for value, count in self.values]
        return doc

    @staticmethod
    def from_doc(timestamp_ms: int, doc: Mapping[str, Any]) -> Sample:
        stats = None
        values: tuple[tuple[float, float], ...] = ()
        if "s" in doc:
            n, total, low, high = doc["s"]
            stats = StatisticSet(float(n), float(total), float(low), float(high))
        elif isinstance(doc["v"], list):
            values = tuple((float(v), float(c)) for v, c in doc["v"])
        else:
            values = ((float(doc["v"]), 1.0),)
        return Sample(timestamp_ms, str(doc["u"]), int(doc["r"]), values, stats)


@dataclass(frozen=True)
class MetricSample:
    """One value for :meth:`CloudWatchService.record_many` (the internal interface)."""

    namespace: str
    metric_name: str
    value: float
    dimensions: Mapping[str, str] | None = None
    unit: str = DEFAULT_UNIT
    #: emulated epoch seconds; None means now
    timestamp: float | None = None
    storage_resolution: int = DEFAULT_STORAGE_RESOLUTION
