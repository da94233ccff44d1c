"""CloudWatch Logs limits and defaults, each with the page (or spec rule) it comes from."""

from __future__ import annotations

MS_PER_SECOND = 1000
MS_PER_HOUR = 3600 * MS_PER_SECOND
MS_PER_DAY = 24 * MS_PER_HOUR

# -- retention ------------------------------------------------------------------------------
#: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip

# -- PutLogEvents ---------------------------------------------------------------------------
# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
#: maximum number of log events in one batch
MAX_BATCH_EVENTS = 10_000
#: maximum batch size: the sum of all messages (UTF-8) plus 26 bytes per event
MAX_BATCH_BYTES = 1_048_576
#: bytes AWS counts for each event on top of its message
EVENT_OVERHEAD_BYTES = 26
#: a batch cannot span more than 24 hours
MAX_BATCH_SPAN_MS = 24 * MS_PER_HOUR
#: events older than 14 days are rejected (tooOldLogEventEndIndex)
MAX_EVENT_AGE_MS = 14 * MS_PER_DAY
#: events more than 2 hours in the future are rejected (tooNewLogEventStartIndex)
MAX_EVENT_FUTURE_MS = 2 * MS_PER_HOUR

# -- reading events -------------------------------------------------------------------------
#: GetLogEvents / FilterLogEvents: default and maximum ``limit``, and at most 1 MB per page.
#: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
#: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
DEFAULT_EVENTS_LIMIT = 10_000
MAX_PAGE_BYTES = 1_048_576

# -- describing -----------------------------------------------------------------------------
#: DescribeLogGroups / DescribeLogStreams ``limit``: 1-50, default 50.
#: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
DEFAULT_DESCRIBE_LIMIT = 50

# -- log groups -----------------------------------------------------------------------------
#: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
DEFAULT_LOG_GROUP_CLASS = "STANDARD"
#: a log group carries at most 50 tags
#: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html
MAX_TAGS = 50

# -- filter patterns ------------------------------------------------------------------------
#: at most 2 regular expressions per filter pattern when filtering log events
#: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
MAX_REGEX_PER_PATTERN = 2
#: FilterLogEvents ``filterPattern`` is at most 1024 characters (botocore model, FilterPattern)
MAX_FILTER_PATTERN_LENGTH = 1024

# -- redrive's own choices ------------------------------------------------------------------
#: AWS deletes expired events lazily ("typically within 72 hours",
#: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html);
#: redrive hides them from reads at once and sweeps them from the store at the next whole
#: minute of emulated time after they expire, so sweeps are batched.
SWEEP_GRANULARITY_MS = 60 * MS_PER_SECOND
