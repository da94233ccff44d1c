"""Long polling (WaitTimeSeconds) on the emulated clock.

Under the virtual clock a waiting receive makes time jump to the next thing that can answer
it: a delayed message becoming visible, a visibility timeout ending, or its own deadline.
Under the wall clock it waits in (scaled) real time and a send wakes it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.sqs.conftest import bodies, make_queue, receive
from tests.support import error_of


def timed_receive(cloud: Cloud, sqs: Any, url: str, **params: Any) -> tuple[list[Any], float]:
    """(messages, emulated seconds the receive took)."""
    start = cloud.now()
    messages = receive(sqs, url, **params)
    return messages, cloud.now() - start


def test_empty_long_poll_waits_its_whole_wait_time(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    real = time.monotonic()
    messages, took = timed_receive(cloud, sqs, url, WaitTimeSeconds=20)
    assert messages == []
    assert took == pytest.approx(20, abs=1e-6)
    assert time.monotonic() - real < 2  # emulated seconds, not real ones


def test_queue_receive_wait_time_is_the_default_wait(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, ReceiveMessageWaitTimeSeconds="7")
    assert timed_receive(cloud, sqs, url)[1] == pytest.approx(7, abs=1e-6)
    # WaitTimeSeconds=0 is a short poll even on such a queue
    assert timed_receive(cloud, sqs, url, WaitTimeSeconds=0)[1] == 0


def test_delayed_message_wakes_a_long_poll_at_its_delay(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="soon", DelaySeconds=5)
    messages, took = timed_receive(cloud, sqs, url, WaitTimeSeconds=20)
    assert bodies(messages) == ["soon"]
    assert took == pytest.approx(5, abs=2e-3)


def test_end_of_a_visibility_timeout_wakes_a_long_poll__SQS_1(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, VisibilityTimeout="12")
    sqs.send_message(QueueUrl=url, MessageBody="again")
    assert bodies(receive(sqs, url)) == ["again"]
    messages, took = timed_receive(
        cloud, sqs, url, WaitTimeSeconds=20, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )
    assert bodies(messages) == ["again"]
    assert messages[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert took == pytest.approx(12, abs=2e-3)


def test_message_hidden_past_the_wait_time_does_not_shorten_it(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="late", DelaySeconds=30)
    messages, took = timed_receive(cloud, sqs, url, WaitTimeSeconds=20)
    assert messages == []
    assert took == pytest.approx(20, abs=1e-6)
    messages, took = timed_receive(cloud, sqs, url, WaitTimeSeconds=20)
    assert bodies(messages) == ["late"]
    assert took == pytest.approx(10, abs=2e-3)


def test_long_poll_returns_at_once_when_a_message_is_there(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="ready")
    messages, took = timed_receive(cloud, sqs, url, WaitTimeSeconds=20)
    assert bodies(messages) == ["ready"]
    assert took == 0


@pytest.mark.parametrize("wait", [-1, 21])
def test_wait_time_is_0_to_20_seconds(sqs: Any, wait: int) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.receive_message(QueueUrl=make_queue(sqs), WaitTimeSeconds=wait)
    assert error_of(exc) == (
        "InvalidParameterValue",
        f"Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
        "if provided.",
    )


def test_send_wakes_a_waiting_receive_under_the_wall_clock() -> None:
    with Cloud(clock="wall", time_scale=10) as cloud:
        sqs = cloud.client("sqs")
        url = make_queue(sqs)
        found: list[Any] = []

        def poll() -> None:
            found.extend(receive(sqs, url, WaitTimeSeconds=20))

        real = time.monotonic()
        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(0.2)  # real time: let the receive start waiting (2 emulated seconds)
        sqs.send_message(QueueUrl=url, MessageBody="wake up")
        poller.join(5)
        assert bodies(found) == ["wake up"]
        assert time.monotonic() - real < 1.5  # well before the 2 real seconds of the wait


def test_deleting_the_queue_ends_a_waiting_receive() -> None:
    with Cloud(clock="wall", time_scale=10) as cloud:
        sqs = cloud.client("sqs")
        url = make_queue(sqs)
        errors: list[str] = []

        def poll() -> None:
            try:
                receive(sqs, url, WaitTimeSeconds=20)
            except ClientError as exc:
                errors.append(exc.response["Error"]["Code"])

        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(0.2)
        sqs.delete_queue(QueueUrl=url)
        poller.join(5)
        assert errors == ["AWS.SimpleQueueService.NonExistentQueue"]
