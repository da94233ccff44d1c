"""Asynchronous invoke: acceptance, the retry schedule, throttles and event age (ASYNC).

All on the virtual clock: a test advances emulated time and reads the ledger, metrics and
logs, so three attempts spread over three emulated minutes take milliseconds.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.lambda_.async_helpers import (
    create,
    fates,
    invoke_event,
    metric_sum,
    metric_values,
    tries,
)
from tests.support import error_of, status_of


@pytest.fixture
def lam(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("lambda")


def attempts(cloud: Cloud, function: str) -> list[dict[str, Any]]:
    return [t for t in tries(cloud, function) if t["outcome"] != "throttled"]


def test_event_is_accepted_with_202_and_runs_once__ASYNC_1(lam: Any, cloud: Cloud) -> None:
    create(lam, "ok", "ok")
    request_id = invoke_event(lam, "ok", {"n": 1})
    cloud.advance(1)
    [attempt] = attempts(cloud, "ok")
    assert attempt["outcome"] == "success"
    assert attempt["request_id"] == request_id
    [fate] = fates(cloud, "ok")
    assert fate["fate"] == "succeeded"
    assert fate["condition"] == "Success"
    assert fate["approximate_invoke_count"] == 1
    assert metric_sum(cloud, "AsyncEventsReceived", "ok") == 1
    assert metric_sum(cloud, "Invocations", "ok") == 1
    assert metric_sum(cloud, "AsyncEventsDropped", "ok") == 0


def test_rejections_at_enqueue_are_synchronous_and_queue_nothing__ASYNC_2(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "ok", "ok")
    with pytest.raises(ClientError) as missing:
        lam.invoke(FunctionName="nope", InvocationType="Event", Payload=b"{}")
    assert status_of(missing) == 404
    assert error_of(missing)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as too_big:
        too_large = b'"' + b"x" * 1_048_576 + b'"'
        lam.invoke(FunctionName="ok", InvocationType="Event", Payload=too_large)
    assert status_of(too_big) == 413
    assert error_of(too_big) == (
        "RequestEntityTooLargeException",
        "1048578 byte payload is too large for the Event invocation type (limit 1048576 bytes)",
    )
    with pytest.raises(ClientError) as not_json:
        lam.invoke(FunctionName="ok", InvocationType="Event", Payload=b"{nope")
    assert status_of(not_json) == 400
    assert error_of(not_json)[0] == "InvalidRequestContentException"
    cloud.advance(600)
    assert cloud.ledger(function="ok") == []
    assert metric_sum(cloud, "AsyncEventsReceived", "ok") == 0


def test_function_error_is_retried_after_1_then_2_minutes__ASYNC_3(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "fail", "fail")
    start = cloud.now()
    invoke_event(lam, "fail", {"raise_error": 1})
    cloud.advance(59)
    assert len(attempts(cloud, "fail")) == 1
    cloud.advance(600)
    first, second, third = attempts(cloud, "fail")
    assert [a["outcome"] for a in (first, second, third)] == ["function_error"] * 3
    assert first["started_at"] - start < 1
    # about 1 min after the first attempt ended, then about 2 min after the second
    assert 60 <= second["started_at"] - first["ended_at"] <= 63.5
    assert 120 <= third["started_at"] - second["ended_at"] <= 126.5
    assert first["backoff_s"] == pytest.approx(second["started_at"] - first["ended_at"], abs=0.01)
    assert third["gives_up"] == "RetriesExhausted"
    [fate] = fates(cloud, "fail")
    assert (fate["fate"], fate["condition"]) == ("discarded", "RetriesExhausted")
    assert fate["approximate_invoke_count"] == 3  # ASYNC-6
    assert metric_sum(cloud, "AsyncEventsDropped", "fail") == 1  # OBS-8
    assert metric_sum(cloud, "Errors", "fail") == 3
    assert metric_sum(cloud, "AsyncEventsReceived", "fail") == 1


def test_every_attempt_uses_the_request_id_of_the_202__ASYNC_4(lam: Any, cloud: Cloud) -> None:
    create(lam, "fail", "fail")
    request_id = invoke_event(lam, "fail")
    cloud.advance(400)
    assert {a["request_id"] for a in attempts(cloud, "fail")} == {request_id}
    logs = cloud.client("logs")
    events = logs.filter_log_events(logGroupName="/aws/lambda/fail", filterPattern="END")
    assert [e["message"] for e in events["events"]] == [f"END RequestId: {request_id}\n"] * 3
    # the event's whole life, by its request id
    life = cloud.ledger(request_id=request_id)
    assert [e["kind"] for e in life] == ["enqueued", "attempt", "attempt", "attempt", "fate"]
    assert [e.get("attempt") for e in life[1:4]] == [1, 2, 3]


def test_timeouts_are_retried_like_errors__ASYNC_3(lam: Any, cloud: Cloud) -> None:
    create(lam, "slow", "sleep", Timeout=2)
    invoke_event(lam, "slow", {"seconds": 30})
    cloud.advance(600)
    first, second, third = attempts(cloud, "slow")
    assert [a["outcome"] for a in (first, second, third)] == ["timeout"] * 3
    # retries are counted from the end of the timed-out attempt
    assert first["ended_at"] - first["started_at"] == pytest.approx(2, abs=0.2)
    assert 60 <= second["started_at"] - first["ended_at"] <= 63.5
    assert fates(cloud, "slow")[0]["condition"] == "RetriesExhausted"


def test_success_after_a_retry_ends_the_event(lam: Any, cloud: Cloud) -> None:
    create(lam, "flaky", "fail_once")
    invoke_event(lam, "flaky")
    cloud.advance(300)
    assert [a["outcome"] for a in attempts(cloud, "flaky")] == ["function_error", "success"]
    [fate] = fates(cloud, "flaky")
    assert (fate["condition"], fate["approximate_invoke_count"]) == ("Success", 2)
    assert metric_sum(cloud, "AsyncEventsDropped", "flaky") == 0


def test_reserved_concurrency_zero_drops_at_once__ASYNC_9(lam: Any, cloud: Cloud) -> None:
    create(lam, "off", "ok")
    lam.put_function_concurrency(FunctionName="off", ReservedConcurrentExecutions=0)
    invoke_event(lam, "off")  # ASYNC-1: still 202
    cloud.advance(0)
    assert tries(cloud, "off") == []
    [fate] = fates(cloud, "off")
    assert fate["condition"] == "ZeroReservedConcurrency"
    assert fate["approximate_invoke_count"] == 0
    assert fate["started_at"] == pytest.approx(fate["started_at"], abs=0.01)
    cloud.advance(3600)
    assert tries(cloud, "off") == []  # never retried
    assert metric_sum(cloud, "AsyncEventsReceived", "off") == 1
    assert metric_sum(cloud, "AsyncEventsDropped", "off") == 1
    assert metric_sum(cloud, "Throttles", "off") == 0
    assert metric_sum(cloud, "Invocations", "off") == 0


def test_throttled_event_backs_off_doubling_and_runs_when_free__ASYNC_8_ASYNC_5(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "busy", "sleep", Timeout=120)
    lam.put_function_concurrency(FunctionName="busy", ReservedConcurrentExecutions=1)
    start = cloud.now()
    invoke_event(lam, "busy", {"seconds": 60})
    invoke_event(lam, "busy", {"seconds": 60})
    cloud.advance(200)
    entries = tries(cloud, "busy")
    throttled = [t for t in entries if t["outcome"] == "throttled"]
    ran = [t for t in entries if t["outcome"] != "throttled"]
    assert [r["outcome"] for r in ran] == ["success", "success"]
    assert {t["reason"] for t in throttled} == {
        "ReservedFunctionConcurrentInvocationLimitExceeded"
    }
    # the throttled event's tries: right away, then gaps of ~1, 2, 4, 8, 16, 32 s (jittered)
    times = [t["started_at"] - start for t in throttled] + [ran[1]["started_at"] - start]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert times[0] < 0.5
    for n, gap in enumerate(gaps[:-1]):
        assert 0.95 * 2**n - 0.01 <= gap <= 1.25 * 2**n + 0.01
    assert ran[1]["started_at"] >= ran[0]["ended_at"]  # ran once the first finished (~60 s)
    assert 60 <= ran[1]["started_at"] - start <= 130
    # throttles are not retries (ASYNC-5) and are counted as Throttles (observed)
    assert all(t["retry"] == 0 for t in ran)
    assert metric_sum(cloud, "Throttles", "busy") == len(throttled)
    assert metric_sum(cloud, "Invocations", "busy") == 2
    # AsyncEventAge is sampled on every try, throttled ones included (OBS-8)
    assert len(metric_values(cloud, "AsyncEventAge", "busy")) >= len(throttled)
    assert [f["condition"] for f in fates(cloud, "busy")] == ["Success", "Success"]


def test_six_hour_throttled_event_ends_event_age_exceeded__ASYNC_8_ASYNC_10(
    lam: Any, cloud: Cloud, tmp_path: Path
) -> None:
    create(lam, "hog", "sleep", Timeout=900)
    lam.put_function_concurrency(FunctionName="hog", ReservedConcurrentExecutions=1)
    started, release = tmp_path / "started", tmp_path / "release"

    def hog_the_only_slot() -> None:
        # one 15-minute synchronous run after another, for six emulated hours; the first
        # keeps the slot (computing) until the event is queued
        event = {"seconds": 899, "marker": str(started), "until_file": str(release)}
        while not fates(cloud, "hog"):
            lam.invoke(FunctionName="hog", Payload=json.dumps(event))
            event = {"seconds": 899}

    real_start = time.monotonic()
    hogger = threading.Thread(target=hog_the_only_slot)
    hogger.start()
    while not started.exists():  # real time: the first run's process is starting
        assert time.monotonic() - real_start < 30
        time.sleep(0.01)
    start = cloud.now()
    invoke_event(lam, "hog", {"seconds": 1})
    release.touch()
    hogger.join(timeout=120)
    real = time.monotonic() - real_start
    [fate] = fates(cloud, "hog")
    assert fate["condition"] == "EventAgeExceeded"
    assert fate["approximate_invoke_count"] == 0
    assert 21600 - 300 * 1.25 <= fate["started_at"] - start <= 21600
    throttled = tries(cloud, "hog")
    assert len(throttled) > 70 and all(t["outcome"] == "throttled" for t in throttled)
    gaps = [b["started_at"] - a["started_at"] for a, b in itertools.pairwise(throttled)]
    assert max(gaps) <= 300.01  # capped at 5 minutes between tries
    assert metric_sum(cloud, "Throttles", "hog") == len(throttled)
    assert real < 30  # six emulated hours in a few real seconds


def test_maximum_retry_attempts_zero_means_one_attempt__ASYNC_6_ASYNC_11(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "once", "fail")
    lam.put_function_event_invoke_config(FunctionName="once", MaximumRetryAttempts=0)
    invoke_event(lam, "once")
    cloud.advance(600)
    assert len(attempts(cloud, "once")) == 1
    [fate] = fates(cloud, "once")
    assert (fate["condition"], fate["approximate_invoke_count"]) == ("RetriesExhausted", 1)


@pytest.mark.parametrize(("max_age", "expected_attempts"), [(60, 1), (90, 2)])
def test_event_age_limit_discards_before_the_next_retry__ASYNC_7(
    lam: Any, cloud: Cloud, max_age: int, expected_attempts: int
) -> None:
    create(lam, "aging", "fail")
    lam.put_function_event_invoke_config(
        FunctionName="aging", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=max_age
    )
    start = cloud.now()
    invoke_event(lam, "aging")
    cloud.advance(600)
    assert len(attempts(cloud, "aging")) == expected_attempts
    [fate] = fates(cloud, "aging")
    assert fate["condition"] == "EventAgeExceeded"
    assert fate["approximate_invoke_count"] == expected_attempts
    # given up at once, not when the retry would have been due (DEST-14)
    assert fate["started_at"] - start < max_age
