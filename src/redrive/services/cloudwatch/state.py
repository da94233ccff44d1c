"""CloudWatch metrics in the store.

Two tables:

``cloudwatch.samples``
    key ``(account, region, namespace, metric name, dimensions key, timestamp ms, batch, n)``
    -> :meth:`Sample.to_doc`. One metric's samples are contiguous and ordered by time, so a
    query for one metric over a time window is one range scan; ``batch`` (unique per
    PutMetricData / record call: a durable per-start counter in the high 32 bits, a count in
    memory below) and ``n`` (position in the batch) keep samples with equal timestamps apart.

``cloudwatch.metrics``
    key ``(account, region, namespace, metric name, dimensions key)`` -> ``{"d": dimensions,
    "t": last published, emulated epoch seconds}``: the index ListMetrics reads, so listing
    never touches the samples. ``t`` is refreshed at most once a minute per metric
    (``LAST_PUBLISHED_GRANULARITY_SECONDS``); the committed ``t`` of each metric is also kept in
    memory, so recording a sample of a known metric usually costs one write.

Nothing expires yet (see ``constants``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from redrive.services.cloudwatch.constants import LAST_PUBLISHED_GRANULARITY_SECONDS, ROLLUPS
from redrive.services.cloudwatch.model import MetricId, Sample, dimensions_from_key
from redrive.store import Key, Store, Transaction

SAMPLES = "cloudwatch.samples"
METRICS = "cloudwatch.metrics"
#: the durable counter behind batch numbers (one value per start, see IdSequence)
START_COUNTER = "cloudwatch.start"

#: a metric in the index and when it last received data
ListedMetric = tuple[MetricId, float]
#: where a ListMetrics page ends: (namespace, metric name, dimensions key)
MetricCursor = tuple[str, str, str]


class MetricsState:
    """Reads and writes of metric samples and the metric index for all accounts and regions."""

    def __init__(self, store: Store) -> None:
        self.store = store
        #: committed "last published" time of indexed metrics, by index key
        self._published: dict[Key, float] = {}
        #: namespaces whose dimensionless metrics are rollups: namespace -> dimension name
        self.rollups: dict[str, str] = dict(ROLLUPS)
        self._batches = store.sequence(START_COUNTER)

    def _last_published(self, txn: Transaction, index_key: Key) -> float | None:
        cached = self._published.get(index_key)
        if cached is not None:
            return cached
        known = txn.get(METRICS, index_key)
        return None if known is None else float(known["t"])

    def _published_at(self, txn: Transaction, index_key: Key, when: float) -> None:
        def remember() -> None:
            self._published[index_key] = when

        txn.after_commit(remember)

    def put(
        self,
        account: str,
        region: str,
        entries: Sequence[tuple[MetricId, Sample]],
        received_at: float,
    ) -> None:
        """Store ``entries`` as one batch and note each metric as published at ``received_at``."""
        if not entries:
            return
        with self.store.transaction() as txn:
            batch = self._batches.next(txn)
            for n, (metric, sample) in enumerate(entries):
                index_key = _metric_key(account, region, metric)
                txn.put(SAMPLES, (*index_key, sample.timestamp_ms, batch, n), sample.to_doc())
                self._index(txn, index_key, metric, received_at)
                rolled_up = self._rollup_of(metric)
                if rolled_up is not None:
                    rolled_key = _metric_key(account, region, rolled_up)
                    self._index(txn, rolled_key, rolled_up, received_at)

    def _index(
        self, txn: Transaction, index_key: Key, metric: MetricId, received_at: float
    ) -> None:
        """Note ``metric`` in the ListMetrics index as published at ``received_at`` (a write
        at most once a minute per metric; a metric seen twice in one batch may be written
        twice, with the same document)."""
        last = self._last_published(txn, index_key)
        if last is None or received_at - last >= LAST_PUBLISHED_GRANULARITY_SECONDS:
            doc = {"d": [list(pair) for pair in metric.dimensions], "t": received_at}
            txn.put(METRICS, index_key, doc)
            self._published_at(txn, index_key, received_at)

    def _rollup_of(self, metric: MetricId) -> MetricId | None:
        """The dimensionless metric a sample of ``metric`` also counts for, if any."""
        dimension = self.rollups.get(metric.namespace)
        if dimension is None or len(metric.dimensions) != 1:
            return None
        if metric.dimensions[0][0] != dimension:
            return None
        return _dimensionless(metric.namespace, metric.name)

    def samples(
        self,
        account: str,
        region: str,
        metric: MetricId,
        start_ms: int,
        end_ms: int,
        *,
        unit: str | None = None,
    ) -> list[Sample]:
        """The samples of ``metric`` with start_ms <= timestamp < end_ms (of ``unit`` if given).

        A rollup (the dimensionless metric of a namespace in :attr:`rollups`) is the union of
        the series that have exactly the rollup's one dimension, found through the index.
        """
        if not metric.dimensions and metric.namespace in self.rollups:
            dimension = self.rollups[metric.namespace]
            found: list[Sample] = []
            with self.store.transaction() as txn:
                index = (account, region, metric.namespace, metric.name)
                for key, doc in txn.scan(METRICS, index):
                    pairs = doc["d"]
                    if len(pairs) != 1 or pairs[0][0] != dimension:
                        continue
                    dimensions = dimensions_from_key(str(key[4]))
                    series = MetricId(metric.namespace, metric.name, dimensions)
                    prefix = _metric_key(account, region, series)
                    found += self._series(txn, prefix, start_ms, end_ms, unit)
            found.sort(key=lambda sample: sample.timestamp_ms)
            return found
        with self.store.transaction() as txn:
            prefix = _metric_key(account, region, metric)
            return self._series(txn, prefix, start_ms, end_ms, unit)

    @staticmethod
    def _series(
        txn: Transaction,
        prefix: Key,
        start_ms: int,
        end_ms: int,
        unit: str | None,
    ) -> list[Sample]:
        """One metric's samples (``prefix``: its index key) in the window."""
        found: list[Sample] = []
        for key, doc in txn.scan(
            SAMPLES, prefix, start=(*prefix, start_ms), stop=(*prefix, end_ms)
        ):
            if unit is not None and doc["u"] != unit:
                continue
            timestamp = key[len(prefix)]
            assert isinstance(timestamp, int)
            found.append(Sample.from_doc(timestamp, doc))
        return found

    def metrics(
        self,
        account: str,
        region: str,
        *,
        namespace: str | None,
        metric_name: str | None,
        after: MetricCursor | None,
        accept: Callable[[MetricId, float], bool],
        limit: int,
    ) -> list[ListedMetric]:
        """Up to ``limit`` indexed metrics after ``after`` in key order that ``accept`` takes."""
        prefix: Key = (account, region)
        if namespace is not None:
            prefix = (*prefix, namespace)
            if metric_name is not None:
                prefix = (*prefix, metric_name)
        start = None if after is None else (account, region, *after)
        found: list[ListedMetric] = []
        with self.store.transaction() as txn:
            for key, doc in txn.scan(METRICS, prefix, start=start):
                if len(found) >= limit:
                    break
                cursor = key[2:]
                if after is not None and cursor == after:
                    continue  # the scan starts at the last key of the previous page
                ns, name, dims = (str(part) for part in cursor)
                if metric_name is not None and name != metric_name:
                    continue
                metric = MetricId(ns, name, dimensions_from_key(dims))
                last = float(doc["t"])
                if accept(metric, last):
                    found.append((metric, last))
        return found


def cursor_of(metric: MetricId) -> MetricCursor:
    return (metric.namespace, metric.name, metric.dimensions_key)


@lru_cache(maxsize=4096)
def _metric_key(account: str, region: str, metric: MetricId) -> Key:
    """Cached: services record the same few metrics over and over."""
    return (account, region, metric.namespace, metric.name, metric.dimensions_key)


@lru_cache(maxsize=1024)
def _dimensionless(namespace: str, name: str) -> MetricId:
    return MetricId(namespace, name, ())
