"""FilterLogEvents: across streams, windows, stream selection, pagination, patterns."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.logs.conftest import ACCOUNT, REGION, LogsEnv
from tests.services.logs.helpers import messages, put
from tests.support import error_of


@pytest.fixture
def three_streams(logs: Any, logs_env: LogsEnv, group: str) -> int:
    """Streams a, b, c with interleaved events; returns the base timestamp."""
    base = logs_env.now_ms() - 1000
    for name in ["a", "b", "c"]:
        logs.create_log_stream(logGroupName=group, logStreamName=name)
    put(logs, group, "a", (base + 0, "a0 ERROR"), (base + 3, "a3 info"), (base + 6, "a6 ERROR"))
    put(logs, group, "b", (base + 1, "b1 info"), (base + 4, "b4 ERROR"))
    put(logs, group, "c", (base + 2, "c2 info"), (base + 5, "c5 info"), (base + 6, "c6 ERROR"))
    return base


def test_events_are_ordered_by_timestamp_across_streams(
    logs: Any, logs_env: LogsEnv, group: str, three_streams: int
) -> None:
    result = logs.filter_log_events(logGroupName=group)
    assert messages(result) == [
        "a0 ERROR", "b1 info", "c2 info", "a3 info", "b4 ERROR", "c5 info", "a6 ERROR", "c6 ERROR",
    ]  # fmt: skip
    first = result["events"][0]
    assert first["logStreamName"] == "a"
    assert first["timestamp"] == three_streams
    assert first["ingestionTime"] == logs_env.now_ms()
    ids = [e["eventId"] for e in result["events"]]
    assert len(set(ids)) == len(ids)
    assert "nextToken" not in result


def test_filter_pattern_and_window(logs: Any, group: str, three_streams: int) -> None:
    base = three_streams
    result = logs.filter_log_events(
        logGroupName=group, filterPattern="ERROR", startTime=base + 1, endTime=base + 6
    )
    # both ends inclusive for FilterLogEvents
    assert messages(result) == ["b4 ERROR", "a6 ERROR", "c6 ERROR"]


def test_stream_names_and_prefix(logs: Any, group: str, three_streams: int) -> None:
    picked = logs.filter_log_events(logGroupName=group, logStreamNames=["c", "a", "zzz"])
    assert {e["logStreamName"] for e in picked["events"]} == {"a", "c"}
    by_prefix = logs.filter_log_events(logGroupName=group, logStreamNamePrefix="b")
    assert messages(by_prefix) == ["b1 info", "b4 ERROR"]


def test_stream_names_with_prefix_is_refused(logs: Any, group: str, three_streams: int) -> None:
    with pytest.raises(ClientError) as exc:
        logs.filter_log_events(logGroupName=group, logStreamNames=["a"], logStreamNamePrefix="a")
    assert error_of(exc)[0] == "InvalidParameterException"


def test_pagination(logs: Any, group: str, three_streams: int) -> None:
    everything = messages(logs.filter_log_events(logGroupName=group))
    seen: list[str] = []
    kwargs: dict[str, Any] = {"logGroupName": group, "limit": 3}
    pages = 0
    while True:
        page = logs.filter_log_events(**kwargs)
        pages += 1
        seen += messages(page)
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert seen == everything
    assert pages == 3


def test_pagination_with_pattern_and_equal_timestamps(
    logs: Any, group: str, three_streams: int
) -> None:
    kwargs: dict[str, Any] = {"logGroupName": group, "filterPattern": "ERROR", "limit": 1}
    seen: list[str] = []
    while True:
        page = logs.filter_log_events(**kwargs)
        seen += messages(page)
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert seen == ["a0 ERROR", "b4 ERROR", "a6 ERROR", "c6 ERROR"]


def test_invalid_token(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        logs.filter_log_events(logGroupName=group, nextToken="invalid-token")
    assert error_of(exc) == ("InvalidParameterException", "The specified nextToken is invalid.")


def test_invalid_filter_pattern(logs: Any, group: str) -> None:
    for pattern in ['"unterminated', "{ $.a = }", "{ $.a > abc }", "a:b", "[a, b"]:
        with pytest.raises(ClientError) as exc:
            logs.filter_log_events(logGroupName=group, filterPattern=pattern)
        code, message = error_of(exc)
        assert code == "InvalidParameterException"
        assert message.startswith("Invalid filter pattern"), pattern


def test_group_identifier(logs: Any, group: str, three_streams: int) -> None:
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
    assert len(logs.filter_log_events(logGroupIdentifier=arn)["events"]) == 8
    with pytest.raises(ClientError) as exc:
        logs.filter_log_events(logGroupIdentifier=f"arn:aws:logs:{REGION}:111111111111:log-group:x")
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_missing_group(logs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        logs.filter_log_events(logGroupName="missing")
    assert error_of(exc) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_json_pattern_through_the_api(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    now = logs_env.now_ms()
    put(
        logs,
        group,
        stream,
        (now, '{"level": "ERROR", "latency": 1200, "user": {"id": 7}}'),
        (now, '{"level": "INFO", "latency": 20, "user": {"id": 8}}'),
        (now, "not json at all ERROR"),
    )
    result = logs.filter_log_events(
        logGroupName=group, filterPattern='{ $.level = "ERROR" && $.latency > 1000 }'
    )
    assert len(result["events"]) == 1
    assert '"id": 7' in result["events"][0]["message"]
