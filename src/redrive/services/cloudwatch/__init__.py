"""CloudWatch metrics: PutMetricData, GetMetricStatistics, GetMetricData, ListMetrics.

Every later service records its metrics here through
:meth:`CloudWatchService.record` / :meth:`CloudWatchService.record_many` (no HTTP).

Files: ``service`` (operations and the internal interface), ``ingest`` (PutMetricData's
checks), ``metric_data`` (GetMetricData), ``periods`` (periods, windows, bucketing),
``statistics`` (SampleCount ... percentiles, trimmed and winsorized means), ``state`` (store
layout), ``model`` (metric, sample), ``tokens`` (pagination), ``errors``, ``constants``.
"""

from redrive.services.cloudwatch.model import MetricSample
from redrive.services.cloudwatch.service import CloudWatchService

__all__ = ["CloudWatchService", "MetricSample"]
