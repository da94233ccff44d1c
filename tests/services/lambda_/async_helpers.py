"""Helpers for the asynchronous-invocation tests: handlers, invoking with Event, reading
the ledger's tries and fates, and summing metrics on the emulated clock."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from redrive import Cloud
from tests.services.lambda_.conftest import ROLE, make_zip

HANDLERS = '''
import json, time

def ok(event, context):
    return {"ok": True, "got": event}

def fail(event, context):
    raise Exception("Test exception (this is intentional)")

def fail_long(event, context):
    raise ValueError("é" * 1500)

def sleep(event, context):
    if "marker" in event:  # tells a test, in real time, that this attempt has started
        open(event["marker"], "w").close()
    if "until_file" in event:  # computes (the clock runs at real speed) until the file exists
        import os
        deadline = time.perf_counter() + 20
        while not os.path.exists(event["until_file"]) and time.perf_counter() < deadline:
            pass
    time.sleep(event.get("seconds", 60))
    return "slept"

def record(event, context):
    print("EVENT " + json.dumps(event))
    return "recorded"

def fail_once(event, context):
    import os
    marker = "/tmp/redrive-fail-once-" + context.aws_request_id
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise RuntimeError("first attempt fails")
    os.remove(marker)
    return "second attempt"
'''


def create(lam: Any, name: str, handler: str, **extra: Any) -> str:
    """Create a function running ``handlers.<handler>``; returns its ARN."""
    response = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler=f"handlers.{handler}",
        Code={"ZipFile": make_zip({"handlers.py": HANDLERS})},
        **extra,
    )
    return str(response["FunctionArn"])


def invoke_event(lam: Any, name: str, event: object = None, **extra: Any) -> str:
    """Invoke with InvocationType Event; returns the request id of the 202."""
    response = lam.invoke(
        FunctionName=name,
        InvocationType="Event",
        Payload=json.dumps({} if event is None else event),
        **extra,
    )
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    return str(response["ResponseMetadata"]["RequestId"])


def tries(cloud: Cloud, function: str) -> list[dict[str, Any]]:
    """The function's async tries (attempts and throttled tries), oldest first."""
    return [
        entry
        for entry in cloud.ledger(function=function)
        if entry["kind"] == "attempt" and entry["invocation_type"] == "Event"
    ]


def fates(cloud: Cloud, function: str) -> list[dict[str, Any]]:
    return [entry for entry in cloud.ledger(function=function) if entry["kind"] == "fate"]


def metric_sum(cloud: Cloud, metric: str, function: str) -> float:
    """The sum of ``metric`` for ``function`` over the last day of emulated time."""
    now = dt.datetime.fromtimestamp(cloud.now(), dt.timezone.utc)
    points = cloud.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=metric,
        Dimensions=[{"Name": "FunctionName", "Value": function}],
        StartTime=now - dt.timedelta(days=1),
        EndTime=now + dt.timedelta(minutes=1),
        Period=86400 * 2,
        Statistics=["Sum"],
    )["Datapoints"]
    return float(sum(p["Sum"] for p in points))


def metric_values(cloud: Cloud, metric: str, function: str) -> list[float]:
    """Samples of ``metric`` in the last 20 emulated minutes (1-second periods, Maximum)."""
    now = dt.datetime.fromtimestamp(cloud.now(), dt.timezone.utc)
    points = cloud.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=metric,
        Dimensions=[{"Name": "FunctionName", "Value": function}],
        StartTime=now - dt.timedelta(minutes=20),
        EndTime=now + dt.timedelta(seconds=30),
        Period=1,
        Statistics=["Maximum"],
    )["Datapoints"]
    return [p["Maximum"] for p in sorted(points, key=lambda p: p["Timestamp"])]
