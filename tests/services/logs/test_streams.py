"""Log streams: CreateLogStream, DescribeLogStreams, DeleteLogStream."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.logs.conftest import ACCOUNT, REGION, LogsEnv
from tests.services.logs.helpers import put
from tests.support import error_of


def test_create_and_describe_log_stream(logs: Any, logs_env: LogsEnv, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    [stream] = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert stream == {
        "logStreamName": "s1",
        "creationTime": stream["creationTime"],
        "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:log-stream:s1",
        "storedBytes": 0,
    }
    assert stream["creationTime"] <= logs_env.now_ms()


def test_stream_event_fields_appear_with_events(logs: Any, logs_env: LogsEnv, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    now = logs_env.now_ms()
    put(logs, group, "s1", (now - 5000, "a"), (now - 1000, "b"))
    [stream] = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert stream["firstEventTimestamp"] == now - 5000
    assert stream["lastEventTimestamp"] == now - 1000
    assert stream["lastIngestionTime"] == now
    assert stream["uploadSequenceToken"]
    assert stream["storedBytes"] == 0


def test_create_stream_in_missing_group(logs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        logs.create_log_stream(logGroupName="missing", logStreamName="s")
    assert error_of(exc) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_create_stream_twice_is_refused(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    with pytest.raises(ClientError) as exc:
        logs.create_log_stream(logGroupName=group, logStreamName="s")
    assert error_of(exc) == (
        "ResourceAlreadyExistsException",
        "The specified log stream already exists",
    )


def test_delete_log_stream(logs: Any, logs_env: LogsEnv, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    put(logs, group, "s", (logs_env.now_ms(), "hello"))
    logs.delete_log_stream(logGroupName=group, logStreamName="s")
    assert logs.describe_log_streams(logGroupName=group)["logStreams"] == []
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["storedBytes"] == 0
    with pytest.raises(ClientError) as exc:
        logs.delete_log_stream(logGroupName=group, logStreamName="s")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    )


def test_describe_streams_by_name_prefix_and_descending(logs: Any, group: str) -> None:
    for name in ["b", "a", "ab", "c", "aa"]:
        logs.create_log_stream(logGroupName=group, logStreamName=name)
    names = [
        s["logStreamName"] for s in logs.describe_log_streams(logGroupName=group)["logStreams"]
    ]
    assert names == ["a", "aa", "ab", "b", "c"]
    prefixed = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="a")
    assert [s["logStreamName"] for s in prefixed["logStreams"]] == ["a", "aa", "ab"]
    down = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="a", descending=True)
    assert [s["logStreamName"] for s in down["logStreams"]] == ["ab", "aa", "a"]


def test_describe_streams_order_by_last_event_time(
    logs: Any, logs_env: LogsEnv, group: str
) -> None:
    now = logs_env.now_ms()
    for i, name in enumerate(["late", "early", "middle"]):
        logs.create_log_stream(logGroupName=group, logStreamName=name)
        offset = {"late": 0, "early": 3000, "middle": 2000}[name]
        put(logs, group, name, (now - offset, f"event {i}"))
    logs.create_log_stream(logGroupName=group, logStreamName="empty")
    up = logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime")
    assert [s["logStreamName"] for s in up["logStreams"]] == ["empty", "early", "middle", "late"]
    down = logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime", descending=True)
    assert [s["logStreamName"] for s in down["logStreams"]] == ["late", "middle", "early", "empty"]


def test_last_event_time_order_with_prefix_is_refused(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        logs.describe_log_streams(
            logGroupName=group, orderBy="LastEventTime", logStreamNamePrefix="x"
        )
    assert error_of(exc)[0] == "InvalidParameterException"


@pytest.mark.parametrize("order", ["LogStreamName", "LastEventTime"])
@pytest.mark.parametrize("descending", [False, True])
def test_describe_streams_pagination(
    logs: Any, logs_env: LogsEnv, group: str, order: str, descending: bool
) -> None:
    now = logs_env.now_ms()
    names = [f"s{i}" for i in range(7)]
    for i, name in enumerate(names):
        logs.create_log_stream(logGroupName=group, logStreamName=name)
        put(logs, group, name, (now - 10_000 + i, "x"))
    seen: list[str] = []
    kwargs: dict[str, Any] = {
        "logGroupName": group,
        "orderBy": order,
        "descending": descending,
        "limit": 2,
    }
    while True:
        page = logs.describe_log_streams(**kwargs)
        seen += [s["logStreamName"] for s in page["logStreams"]]
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert seen == (names[::-1] if descending else names)


def test_describe_streams_by_group_identifier(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    for identifier in [group, f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"]:
        streams = logs.describe_log_streams(logGroupIdentifier=identifier)["logStreams"]
        assert [s["logStreamName"] for s in streams] == ["s"]


def test_describe_streams_name_and_identifier_is_refused(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        logs.describe_log_streams(logGroupName=group, logGroupIdentifier=group)
    assert error_of(exc) == (
        "ValidationException",
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
    )


def test_describe_streams_of_missing_group(logs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        logs.describe_log_streams(logGroupName="missing")
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_lambda_style_stream_names__OBS_10(logs: Any, group: str) -> None:
    name = "2019/06/07/[$LATEST]8f507cfc7f2f4b4f9f3e0d4bb1a7c9e1"
    logs.create_log_stream(logGroupName=group, logStreamName=name)
    streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="2019/06/07/")
    assert [s["logStreamName"] for s in streams["logStreams"]] == [name]
