"""Retention on the emulated clock (SQS-6)."""

from __future__ import annotations

from typing import Any

from redrive import Cloud
from tests.services.sqs.conftest import bodies, counts, make_queue, receive


def test_expired_messages_are_never_returned_and_are_removed__SQS_6(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, MessageRetentionPeriod="60")
    sqs.send_message(QueueUrl=url, MessageBody="short-lived")
    cloud.advance(30)
    sqs.send_message(QueueUrl=url, MessageBody="younger")
    cloud.advance(29.999)
    assert counts(sqs, url) == (2, 0, 0)
    cloud.advance(0.001)
    assert counts(sqs, url) == (1, 0, 0)
    assert bodies(receive(sqs, url)) == ["younger"]


def test_in_flight_and_delayed_messages_expire_too__SQS_6(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, MessageRetentionPeriod="60", VisibilityTimeout="600")
    sqs.send_message(QueueUrl=url, MessageBody="in flight")
    receive(sqs, url)
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=900)
    assert counts(sqs, url) == (0, 1, 1)
    cloud.advance(60)
    assert counts(sqs, url) == (0, 0, 0)
    cloud.advance(900)
    assert receive(sqs, url) == []


def test_default_retention_is_four_days__SQS_6(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    cloud.advance(345_599)
    assert counts(sqs, url) == (1, 0, 0)
    cloud.advance(1)
    assert counts(sqs, url) == (0, 0, 0)


def test_shorter_retention_applies_to_messages_already_queued__SQS_6(
    cloud: Cloud, sqs: Any
) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="old")
    cloud.advance(120)
    sqs.send_message(QueueUrl=url, MessageBody="new")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "60"})
    assert bodies(receive(sqs, url)) == ["new"]
