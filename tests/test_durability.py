"""Data acknowledged with a 2xx survives `kill -9` and a restart with the same --data-dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.serverproc import ServerProcess


def test_acknowledged_logs_and_metrics_survive_kill_9(tmp_path: Path) -> None:
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        assert str(tmp_path / "redrive.sqlite3") in first.startup_line
        logs = first.client("logs")
        logs.create_log_group(logGroupName="/durable")
        logs.create_log_stream(logGroupName="/durable", logStreamName="s")
        t0 = int(first.now() * 1000)
        for i in range(20):
            logs.put_log_events(
                logGroupName="/durable",
                logStreamName="s",
                logEvents=[{"timestamp": t0 + i, "message": f"event {i}"}],
            )
        cw = first.client("cloudwatch")
        cw.put_metric_data(Namespace="Durable", MetricData=[{"MetricName": "M", "Value": 7.0}])
        advanced_to = first.advance(3600)
    finally:
        first.kill()

    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        # emulated time does not run backwards across the restart
        assert second.now() >= advanced_to
        events = second.client("logs").get_log_events(
            logGroupName="/durable", logStreamName="s", startFromHead=True
        )["events"]
        assert [e["message"] for e in events] == [f"event {i}" for i in range(20)]
        metrics = second.client("cloudwatch").list_metrics(Namespace="Durable")["Metrics"]
        assert [m["MetricName"] for m in metrics] == ["M"]
    finally:
        assert second.terminate() == 0


def test_refused_requests_change_nothing(tmp_path: Path) -> None:
    proc = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        logs = proc.client("logs")
        logs.create_log_group(logGroupName="/only")
        with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
            logs.create_log_group(logGroupName="/only")
        groups = logs.describe_log_groups()["logGroups"]
        assert [g["logGroupName"] for g in groups] == ["/only"]
    finally:
        assert proc.terminate() == 0
