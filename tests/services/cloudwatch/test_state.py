"""The metric store's own bookkeeping: batch numbers across restarts, the in-memory index."""

from __future__ import annotations

import pytest

from redrive.services.cloudwatch.model import MetricId, Sample
from redrive.services.cloudwatch.state import MetricsState
from redrive.store import MemoryStore

METRIC = MetricId("App", "Invocations", (("Name", "f"),))  # not a rollup namespace


def one(value: float) -> list[tuple[MetricId, Sample]]:
    return [(METRIC, Sample(timestamp_ms=1_000, unit="Count", storage_resolution=60,
                            values=((value, 1.0),)))]


def listed(state: MetricsState) -> list[tuple[MetricId, float]]:
    return state.metrics(
        "a", "r", namespace=None, metric_name=None, after=None,
        accept=lambda metric, last: True, limit=10,
    )


def test_samples_with_equal_timestamps_survive_a_restart_apart() -> None:
    store = MemoryStore()
    MetricsState(store).put("a", "r", one(1.0), received_at=1.0)
    MetricsState(store).put("a", "r", one(2.0), received_at=2.0)  # as after a restart
    found = MetricsState(store).samples("a", "r", METRIC, 0, 2_000)
    assert sorted(sample.values for sample in found) == [((1.0, 1.0),), ((2.0, 1.0),)]


def test_a_rolled_back_put_leaves_no_trace_in_the_index() -> None:
    store = MemoryStore()
    state = MetricsState(store)
    with pytest.raises(RuntimeError), store.transaction():
        state.put("a", "r", one(1.0), received_at=1.0)
        raise RuntimeError
    assert listed(state) == []
    state.put("a", "r", one(2.0), received_at=2.0)  # the index entry is written now
    assert listed(state) == [(METRIC, 2.0)]
