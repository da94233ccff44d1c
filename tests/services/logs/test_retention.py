"""Retention policies on the emulated clock: hidden at once, swept from the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive.store import MemoryStore, SqliteStore, Store
from tests.services.logs.conftest import DirectEnv, LogsEnv
from tests.services.logs.helpers import messages, put
from tests.support import error_of

DAY = 86_400


def stored_bytes(logs: Any, group: str) -> int:
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    return int(described["storedBytes"])


def test_put_and_delete_retention_policy(logs: Any, group: str) -> None:
    logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["retentionInDays"] == 7
    logs.delete_retention_policy(logGroupName=group)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert "retentionInDays" not in described


@pytest.mark.parametrize("days", [0, 2, 4000, -1])
def test_retention_outside_the_allowed_values_is_refused(logs: Any, group: str, days: int) -> None:
    with pytest.raises(ClientError) as exc:
        logs.put_retention_policy(logGroupName=group, retentionInDays=days)
    code, message = error_of(exc)
    assert code == "InvalidParameterException"
    assert "retentionInDays" in message


def test_retention_of_missing_group(logs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        logs.put_retention_policy(logGroupName="missing", retentionInDays=1)
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        logs.delete_retention_policy(logGroupName="missing")
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_expired_events_disappear_after_advancing_days(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    now = logs_env.now_ms()
    put(logs, group, stream, (now - 1000, "older"), (now, "newer"))
    assert stored_bytes(logs, group) == len("older") + len("newer")

    logs_env.advance(DAY - 0.5)  # "older" is now past retention, "newer" is not
    page = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert messages(page) == ["newer"]
    assert messages(logs.filter_log_events(logGroupName=group)) == ["newer"]

    logs_env.advance(2 * 60)  # the sweep has run for both
    assert logs.get_log_events(logGroupName=group, logStreamName=stream)["events"] == []
    assert stored_bytes(logs, group) == 0


def test_policy_set_after_the_events_also_applies(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    put(logs, group, stream, (logs_env.now_ms(), "kept for a while"))
    logs_env.advance(4 * DAY)
    assert len(logs.get_log_events(logGroupName=group, logStreamName=stream)["events"]) == 1
    logs.put_retention_policy(logGroupName=group, retentionInDays=3)
    assert logs.get_log_events(logGroupName=group, logStreamName=stream)["events"] == []
    logs_env.advance(60)
    assert stored_bytes(logs, group) == 0


def test_groups_without_retention_keep_everything(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    put(logs, group, stream, (logs_env.now_ms(), "forever"))
    logs_env.advance(3653 * DAY)
    assert messages(logs.filter_log_events(logGroupName=group)) == ["forever"]


def test_deleting_the_policy_keeps_unswept_events(
    logs: Any, logs_env: LogsEnv, group: str, stream: str
) -> None:
    logs.put_retention_policy(logGroupName=group, retentionInDays=30)
    put(logs, group, stream, (logs_env.now_ms(), "survivor"))
    logs_env.advance(10 * DAY)
    logs.delete_retention_policy(logGroupName=group)
    logs_env.advance(30 * DAY)
    assert messages(logs.filter_log_events(logGroupName=group)) == ["survivor"]


def test_no_sweep_is_scheduled_without_expiring_events() -> None:
    env = DirectEnv()
    try:
        logs = env.client
        logs.create_log_group(logGroupName="g")
        logs.create_log_stream(logGroupName="g", logStreamName="s")
        put(logs, "g", "s", (env.now_ms(), "x"))
        assert env.platform.scheduler.pending == 0
        logs.put_retention_policy(logGroupName="g", retentionInDays=1)
        assert env.platform.scheduler.pending == 1
        env.advance(DAY + 60)
        # swept, and nothing left that could expire
        assert env.platform.scheduler.pending == 0
    finally:
        env.stop()


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_sweep_resumes_after_a_restart(backend: str, tmp_path: Path) -> None:
    def open_store() -> Store:
        return SqliteStore(tmp_path) if backend == "sqlite" else memory

    memory = MemoryStore()
    first = DirectEnv(open_store())
    logs = first.client
    logs.create_log_group(logGroupName="g")
    logs.put_retention_policy(logGroupName="g", retentionInDays=1)
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    put(logs, "g", "s", (first.now_ms(), "before the restart"))
    first.stop()  # the scheduler's pending sweep is gone with it
    if backend == "sqlite":
        first.platform.store.close()

    second = DirectEnv(open_store(), start=first.now() + 2 * DAY)
    try:
        second.advance(0)  # start() scheduled a sweep for now
        assert stored_bytes(second.client, "g") == 0
        assert second.client.filter_log_events(logGroupName="g")["events"] == []
    finally:
        second.stop()
        if backend == "sqlite":
            second.platform.store.close()
