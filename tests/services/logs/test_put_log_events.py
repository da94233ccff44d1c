"""PutLogEvents: acceptance, whole-batch refusals and per-event rejections."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.logs.conftest import LogsEnv
from tests.services.logs.helpers import messages, put
from tests.support import error_of

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


def test_put_and_read_back(logs: Any, logs_env: LogsEnv, group: str, stream: str) -> None:
    now = logs_env.now_ms()
    result = put(logs, group, stream, (now - 2, "first"), (now - 1, "second"), (now, "third"))
    assert result["nextSequenceToken"]
    assert "rejectedLogEventsInfo" not in result
    events = logs.get_log_events(logGroupName=group, logStreamName=stream)["events"]
    assert events == [
        {"timestamp": now - 2, "message": "first", "ingestionTime": now},
        {"timestamp": now - 1, "message": "second", "ingestionTime": now},
        {"timestamp": now, "message": "third", "ingestionTime": now},
    ]


def test_sequence_token_is_ignored(logs: Any, logs_env: LogsEnv, group: str, stream: str) -> None:
    now = logs_env.now_ms()
    first = put(logs, group, stream, (now, "a"))["nextSequenceToken"]
    second = logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": now, "message": "b"}],
        sequenceToken="not-the-right-one",
    )["nextSequenceToken"]
    assert second != first
    events = logs.get_log_events(logGroupName=group, logStreamName=stream)
    assert messages(events) == ["a", "b"]


def test_events_out_of_order_are_refused(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    now = logs_env.now_ms()
    with pytest.raises(ClientError) as exc:
        put(logs, group, stream, (now, "later"), (now - 1, "earlier"))
    assert error_of(exc) == (
        "InvalidParameterException",
        "Log events in a single PutLogEvents request must be in chronological order.",
    )
    assert logs.get_log_events(logGroupName=group, logStreamName=stream)["events"] == []


def test_equal_timestamps_are_in_order(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    now = logs_env.now_ms()
    put(logs, group, stream, (now, "one"), (now, "two"), (now, "three"))
    events = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert messages(events) == ["one", "two", "three"]


def test_batch_spanning_more_than_24_hours_is_refused(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    now = logs_env.now_ms()
    with pytest.raises(ClientError) as exc:
        put(logs, group, stream, (now - 24 * HOUR_MS - 1, "old"), (now, "new"))
    assert error_of(exc)[0] == "InvalidParameterException"
    put(logs, group, stream, (now - 24 * HOUR_MS, "old"), (now, "new"))


def test_batch_over_one_megabyte_is_refused(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    now = logs_env.now_ms()
    # 1,048,576 bytes counting 26 bytes per event: two events of this size fit exactly
    size = 1_048_576 // 2 - 26
    put(logs, group, stream, (now, "x" * size), (now, "y" * size))
    with pytest.raises(ClientError) as exc:
        put(logs, group, stream, (now, "x" * size), (now, "y" * (size + 1)))
    assert error_of(exc)[0] == "InvalidParameterException"


def test_too_old_events_are_rejected(logs: Any, logs_env: LogsEnv, group: str, stream: str) -> None:
    now = logs_env.now_ms()
    result = put(
        logs,
        group,
        stream,
        (now - 14 * DAY_MS - 2, "too old 0"),
        (now - 14 * DAY_MS - 1, "too old 1"),
        (now - 14 * DAY_MS, "kept 2"),
    )
    # exclusive: the events before index 2 were rejected
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 2}
    events = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert messages(events) == ["kept 2"]


def test_too_new_events_are_rejected(logs: Any, logs_env: LogsEnv, group: str, stream: str) -> None:
    now = logs_env.now_ms()
    result = put(
        logs,
        group,
        stream,
        (now, "kept 0"),
        (now + 2 * HOUR_MS, "kept 1"),
        (now + 2 * HOUR_MS + 1, "too new 2"),
        (now + 3 * HOUR_MS, "too new 3"),
    )
    # inclusive: the events from index 2 on were rejected
    assert result["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 2}
    events = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert messages(events) == ["kept 0", "kept 1"]


def test_events_older_than_retention_are_expired(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    now = logs_env.now_ms()
    result = put(
        logs,
        group,
        stream,
        (now - DAY_MS - 5000, "expired 0"),
        (now - DAY_MS - 1, "expired 1"),
        (now - DAY_MS + 1000, "kept"),
    )
    assert result["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 2}
    assert messages(logs.get_log_events(logGroupName=group, logStreamName=stream)) == ["kept"]


def test_all_events_rejected_still_succeeds(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    now = logs_env.now_ms()
    result = put(logs, group, stream, (now + 3 * HOUR_MS, "future"))
    assert result["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 0}
    assert (
        "firstEventTimestamp" not in logs.describe_log_streams(logGroupName=group)["logStreams"][0]
    )


def test_put_to_missing_group_or_stream(logs: Any, logs_env: LogsEnv, group: str) -> None:
    now = logs_env.now_ms()
    with pytest.raises(ClientError) as exc:
        put(logs, "missing-group", "s", (now, "x"))
    assert error_of(exc) == ("ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(ClientError) as exc:
        put(logs, group, "missing-stream", (now, "x"))
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    )


def test_stored_bytes_count_messages(logs: Any, logs_env: LogsEnv, group: str, stream: str) -> None:
    now = logs_env.now_ms()
    put(logs, group, stream, (now, "12345"), (now, "héllo"))
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["storedBytes"] == 5 + 6
