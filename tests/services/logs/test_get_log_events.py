"""GetLogEvents: head and tail, time windows, forward and backward paging."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.logs.conftest import ACCOUNT, REGION, LogsEnv
from tests.services.logs.helpers import messages, put
from tests.support import error_of


def fill(logs: Any, group: str, stream: str, base: int, count: int) -> list[str]:
    """``count`` events one millisecond apart from ``base``; their messages."""
    texts = [f"event {i:02d}" for i in range(count)]
    put(logs, group, stream, *((base + i, text) for i, text in enumerate(texts)))
    return texts


def test_default_returns_the_newest_events(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    texts = fill(logs, group, stream, logs_env.now_ms() - 100, 10)
    page = logs.get_log_events(logGroupName=group, logStreamName=stream, limit=3)
    assert messages(page) == texts[-3:]
    head = logs.get_log_events(
        logGroupName=group, logStreamName=stream, limit=3, startFromHead=True
    )
    assert messages(head) == texts[:3]


def test_time_window_is_start_inclusive_end_exclusive(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    base = logs_env.now_ms() - 100
    texts = fill(logs, group, stream, base, 10)
    page = logs.get_log_events(
        logGroupName=group, logStreamName=stream, startTime=base + 2, endTime=base + 5
    )
    assert messages(page) == texts[2:5]


def test_forward_paging_until_the_token_repeats(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    texts = fill(logs, group, stream, logs_env.now_ms() - 100, 10)
    kwargs: dict[str, Any] = {
        "logGroupName": group,
        "logStreamName": stream,
        "limit": 4,
        "startFromHead": True,
    }
    seen: list[str] = []
    token = None
    for _ in range(10):
        page = logs.get_log_events(**kwargs)
        seen += messages(page)
        assert page["nextForwardToken"].startswith("f/")
        assert page["nextBackwardToken"].startswith("b/")
        if page["nextForwardToken"] == token:
            assert page["events"] == []
            break
        token = kwargs["nextToken"] = page["nextForwardToken"]
    assert seen == texts


def test_backward_paging_until_the_token_repeats(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    texts = fill(logs, group, stream, logs_env.now_ms() - 100, 10)
    kwargs: dict[str, Any] = {"logGroupName": group, "logStreamName": stream, "limit": 4}
    pages: list[list[str]] = []
    token = None
    for _ in range(10):
        page = logs.get_log_events(**kwargs)
        if page["nextBackwardToken"] == token:
            assert page["events"] == []
            break
        pages.append(messages(page))
        token = kwargs["nextToken"] = page["nextBackwardToken"]
    # newest page first; each page in chronological order
    assert pages == [texts[6:10], texts[2:6], texts[0:2]]


def test_forward_token_sees_new_events(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    now = logs_env.now_ms()
    put(logs, group, stream, (now - 10, "old"))
    page = logs.get_log_events(logGroupName=group, logStreamName=stream)
    token = page["nextForwardToken"]
    empty = logs.get_log_events(logGroupName=group, logStreamName=stream, nextToken=token)
    assert empty["events"] == []
    assert empty["nextForwardToken"] == token
    put(logs, group, stream, (now - 5, "new"))
    later = logs.get_log_events(logGroupName=group, logStreamName=stream, nextToken=token)
    assert messages(later) == ["new"]


def test_empty_stream_tokens(logs: Any, group: str, stream: str) -> None:
    page = logs.get_log_events(logGroupName=group, logStreamName=stream)
    assert page["events"] == []
    again = logs.get_log_events(
        logGroupName=group, logStreamName=stream, nextToken=page["nextForwardToken"]
    )
    assert again["nextForwardToken"] == page["nextForwardToken"]


def test_invalid_token_is_refused(logs: Any, group: str, stream: str) -> None:
    with pytest.raises(ClientError) as exc:
        logs.get_log_events(logGroupName=group, logStreamName=stream, nextToken="bogus")
    assert error_of(exc) == ("InvalidParameterException", "The specified nextToken is invalid.")


def test_group_identifier_by_arn(logs: Any, logs_env: LogsEnv, group: str, stream: str) -> None:
    put(logs, group, stream, (logs_env.now_ms(), "hi"))
    # the ARN without ":*" (the model's pattern for logGroupIdentifier refuses "*")
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
    page = logs.get_log_events(logGroupIdentifier=arn, logStreamName=stream)
    assert messages(page) == ["hi"]


def test_missing_group_and_stream(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        logs.get_log_events(logGroupName="missing", logStreamName="s")
    assert error_of(exc) == ("ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(ClientError) as exc:
        logs.get_log_events(logGroupName=group, logStreamName="missing")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    )


def test_page_is_at_most_one_megabyte(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    now = logs_env.now_ms()
    big = "x" * 400_000
    for i in range(3):
        put(logs, group, stream, (now - 10 + i, big + str(i)))
    page = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert [m[-1] for m in messages(page)] == ["0", "1"]
    rest = logs.get_log_events(
        logGroupName=group, logStreamName=stream, nextToken=page["nextForwardToken"]
    )
    assert [m[-1] for m in messages(rest)] == ["2"]
