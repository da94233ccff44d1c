"""CloudWatch metrics limits and defaults, each with the page that states it.

Where redrive deliberately differs from AWS, the constant says so.

Resolution (OBS-1, DESIGN.md "Observability"): AWS keeps standard-resolution metrics
(``StorageResolution`` 60) only at 1-minute granularity and answers sub-minute periods only for
high-resolution custom metrics (``StorageResolution`` 1). redrive stores every raw sample with
its millisecond timestamp, whatever its storage resolution, so any valid period - including
1 second - can be asked of every metric, ``AWS/Lambda`` included. The storage resolution is
kept with each sample but changes nothing in the answers.

Retention: AWS keeps sub-minute data 3 hours, 1-minute data 15 days, 5-minute data 63 days
and 1-hour data 15 months, aggregating as it ages. redrive keeps raw samples forever for now
(nothing expires); the constants below are here for when it does.
"""

from __future__ import annotations

_PUT = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html"
_DATUM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html"
_GMS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html"
)
_GMD = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html"
_LIST = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html"
_STATS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html"
)

# -- PutMetricData -------------------------------------------------------------------------

#: metrics per PutMetricData request, MetricData and EntityMetricData together (_PUT)
MAX_METRICS_PER_PUT = 1000
#: distinct values in one Values array (and entries in its Counts array) (_DATUM)
MAX_VALUES_PER_DATUM = 150
#: dimensions per metric (_PUT; also the model's ``max`` on Dimensions)
MAX_DIMENSIONS = 30
#: EntityMetricData objects per request (_PUT, StrictEntityValidation: EntitySizeTooLarge)
MAX_ENTITY_METRIC_DATA = 2
#: accepted timestamps: up to two weeks in the past ... (_PUT)
MAX_PAST_SECONDS = 14 * 24 * 3600
#: ... and up to two hours in the future (_PUT)
MAX_FUTURE_SECONDS = 2 * 3600
#: values must lie within -2^360 .. 2^360; NaN and infinities are refused (_PUT, _DATUM)
MAX_ABS_VALUE = 2.0**360
#: valid StorageResolution values; 60 when omitted (_DATUM)
STORAGE_RESOLUTIONS = (1, 60)
DEFAULT_STORAGE_RESOLUTION = 60
#: the unit of a datum published without one (_DATUM: StandardUnit ``None``)
DEFAULT_UNIT = "None"
#: namespaces users may not publish to; AWS services' own metrics live there (_PUT, Namespace)
RESERVED_NAMESPACE_PREFIX = "AWS/"

# -- periods and time windows ----------------------------------------------------------------

#: sub-minute periods AWS accepts (for high-resolution metrics; redrive: for every metric);
#: longer periods must be multiples of 60 (_GMS, Period; the doc lists 20 as well)
SUB_MINUTE_PERIODS = (1, 5, 10, 20, 30)
PERIOD_MULTIPLE = 60
#: datapoints one GetMetricStatistics call may return (_GMS)
MAX_GET_METRIC_STATISTICS_DATAPOINTS = 1440
#: StartTime rounding by its age (_GMS and _GMD, StartTime): under 15 days -> whole minute
#: (or the sub-minute period), 15-63 days -> 5 minutes, older -> 1 hour
START_ROUNDING_BY_AGE = (
    (15 * 24 * 3600, 60),
    (63 * 24 * 3600, 300),
)
START_ROUNDING_OLDEST = 3600

# -- GetMetricData -------------------------------------------------------------------------

#: MetricDataQuery structures per call (_GMD, MetricDataQueries)
MAX_METRIC_DATA_QUERIES = 500
#: datapoints returned before paginating when MaxDatapoints is omitted (_GMD, MaxDatapoints)
DEFAULT_MAX_DATAPOINTS = 100_800
#: a query Id: letters, digits and underscores, starting with a lowercase letter (MetricDataQuery)
QUERY_ID_PATTERN = r"[a-z][a-zA-Z0-9_]*"
#: the order units are picked in when a GetMetricData query without Unit meets data in several
#: units: AWS then answers for one unit only and adds a ``MultipleUnits`` message. Order as
#: recorded against AWS in localstack/localstack
#: tests/aws/services/cloudwatch/test_cloudwatch.py (test_get_metric_data_different_units_...).
UNIT_PREFERENCE = (
    "Megabits",
    "Terabits",
    "Gigabits",
    "Count",
    "Bytes",
    "Gigabytes",
    "Gigabytes/Second",
    "Kilobytes",
    "Kilobits/Second",
    "Terabytes",
    "Terabits/Second",
    "Bytes/Second",
    "Percent",
    "Megabytes",
    "Megabits/Second",
    "Milliseconds",
    "Microseconds",
    "Kilobytes/Second",
    "Gigabits/Second",
    "Megabytes/Second",
    "Bits",
    "Bits/Second",
    "Count/Second",
    "Seconds",
    "Kilobits",
    "Terabytes/Second",
    "None",
)

# -- ListMetrics ---------------------------------------------------------------------------

#: metrics per ListMetrics page (_LIST)
LIST_METRICS_PAGE_SIZE = 500
#: RecentlyActive=PT3H: data published in the past three hours (_LIST)
RECENTLY_ACTIVE_SECONDS = 3 * 3600
#: metrics without data for two weeks are no longer listed (_LIST)
LIST_METRICS_MAX_AGE_SECONDS = 14 * 24 * 3600
#: redrive refreshes a metric's "last published" time at most this often (AWS itself says
#: RecentlyActive is approximate, up to 50 minutes off); saves a store write per sample
LAST_PUBLISHED_GRANULARITY_SECONDS = 60

# -- statistics ------------------------------------------------------------------------------

#: the plain statistics (_STATS); everything else is an extended statistic
SIMPLE_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
#: decimal places allowed in the number of a percentile / bound (_STATS: "up to 10 decimal
#: places" for bounds; pNN.NN is what the GetMetricStatistics docs show)
MAX_STAT_DECIMALS = 10

DOCS = {
    "PutMetricData": _PUT,
    "MetricDatum": _DATUM,
    "GetMetricStatistics": _GMS,
    "GetMetricData": _GMD,
    "ListMetrics": _LIST,
    "Statistics": _STATS,
}


#: Namespaces whose metrics without dimensions are the union of their metrics by one dimension:
#: Lambda's Region-wide metrics aggregate every function's (OBS-1), so Lambda records each data
#: point by FunctionName only and CloudWatch reads the Region's metric from those.
ROLLUPS = {"AWS/Lambda": "FunctionName"}
