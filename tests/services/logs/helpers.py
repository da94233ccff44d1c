"""Small helpers for the Logs tests."""

from __future__ import annotations

from typing import Any


def put(logs: Any, group: str, stream: str, *events: tuple[int, str]) -> dict[str, Any]:
    """PutLogEvents of ``(timestamp_ms, message)`` pairs."""
    result: dict[str, Any] = logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": ts, "message": msg} for ts, msg in events],
    )
    return result


def messages(response: dict[str, Any]) -> list[str]:
    return [e["message"] for e in response["events"]]
