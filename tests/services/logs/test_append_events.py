"""The internal interface other services (Lambda first) write their log lines through."""

from __future__ import annotations

from typing import Any

from tests.services.logs.conftest import ACCOUNT, REGION, LogsEnv
from tests.services.logs.helpers import messages

GROUP = "/aws/lambda/orders"
STREAM = "2024/01/02/[$LATEST]0123456789abcdef0123456789abcdef"


def test_append_creates_group_and_stream__OBS_10(logs: Any, logs_env: LogsEnv) -> None:
    now = logs_env.now_ms()
    lines = [
        (now, "START RequestId: 6d3b Version: $LATEST\n"),
        (now + 1, "hello from the handler\n"),
        (now + 2, "END RequestId: 6d3b\n"),
        (
            now + 3,
            "REPORT RequestId: 6d3b\tDuration: 3.01 ms\tBilled Duration: 4 ms\t"
            "Memory Size: 128 MB\tMax Memory Used: 36 MB\t\n",
        ),
    ]
    logs_env.in_engine(lambda svc: svc.append_events(ACCOUNT, REGION, GROUP, STREAM, lines))

    [group] = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    assert group["logGroupName"] == GROUP
    [stream] = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert stream["logStreamName"] == STREAM
    assert stream["lastEventTimestamp"] == now + 3

    page = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)
    assert messages(page) == [text for _, text in lines]  # tabs and newlines kept exactly
    assert {e["ingestionTime"] for e in page["events"]} == {now}


def test_append_to_existing_group_keeps_its_settings(logs: Any, logs_env: LogsEnv) -> None:
    logs.create_log_group(logGroupName=GROUP, tags={"team": "orders"})
    logs_env.in_engine(
        lambda svc: svc.append_events(ACCOUNT, REGION, GROUP, STREAM, [(logs_env.now_ms(), "x")])
    )
    logs_env.in_engine(
        lambda svc: svc.append_events(ACCOUNT, REGION, GROUP, STREAM, [(logs_env.now_ms(), "y")])
    )
    assert logs.list_tags_log_group(logGroupName=GROUP)["tags"] == {"team": "orders"}
    assert messages(logs.filter_log_events(logGroupName=GROUP)) == ["x", "y"]


def test_append_is_searchable_with_patterns(logs: Any, logs_env: LogsEnv) -> None:
    now = logs_env.now_ms()
    lines = [
        (now, "START RequestId: r1 Version: $LATEST\n"),
        (now + 1, "[ERROR] ValueError: bad input\nTraceback (most recent call last):\n"),
        (now + 2, "END RequestId: r1\n"),
        (now + 3, "START RequestId: r2 Version: $LATEST\n"),
        (now + 4, "END RequestId: r2\n"),
    ]
    logs_env.in_engine(lambda svc: svc.append_events(ACCOUNT, REGION, GROUP, STREAM, lines))
    errors = logs.filter_log_events(logGroupName=GROUP, filterPattern='"[ERROR]"')
    assert messages(errors) == [lines[1][1]]
    starts = logs.filter_log_events(logGroupName=GROUP, filterPattern="START -r1")
    assert messages(starts) == [lines[3][1]]


def test_append_honours_retention(logs: Any, logs_env: LogsEnv) -> None:
    logs_env.in_engine(lambda svc: svc.ensure_group(ACCOUNT, REGION, GROUP))
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=1)
    logs_env.in_engine(
        lambda svc: svc.append_events(ACCOUNT, REGION, GROUP, STREAM, [(logs_env.now_ms(), "x")])
    )
    logs_env.advance(86_400 + 60)
    assert logs.filter_log_events(logGroupName=GROUP)["events"] == []
    [group] = logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"]
    assert group["storedBytes"] == 0


def test_ensure_stream_is_idempotent(logs: Any, logs_env: LogsEnv) -> None:
    for _ in range(2):
        logs_env.in_engine(lambda svc: svc.ensure_stream(ACCOUNT, REGION, GROUP, STREAM))
    assert len(logs.describe_log_streams(logGroupName=GROUP)["logStreams"]) == 1
