"""Fixtures for the SQS tests: a boto3 ``sqs`` client on a running redrive, and helpers.

``cloud`` is one in-process redrive (virtual clock, in memory) per test *module* here: starting
one per test would cost most of the suite's time. Tests therefore use queue names of their
own (:func:`unique`), never assume the clock's absolute value, and list queues by prefix.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from redrive import Cloud
from redrive.services._base import DEFAULT_ACCOUNT_ID
from redrive.services.sqs.service import SqsService
from tests.support import run_on_loop

T = TypeVar("T")

REGION = "us-east-1"
ACCOUNT = DEFAULT_ACCOUNT_ID

_names = itertools.count(1)


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    """One redrive per test module: virtual clock, in memory, seed 0."""
    with Cloud(clock="virtual", seed=0) as running:
        yield running


@pytest.fixture(scope="module")
def sqs(cloud: Cloud) -> Any:
    return cloud.client("sqs")


def unique(prefix: str = "q") -> str:
    return f"{prefix}-{next(_names)}"


def arn(name: str, region: str = REGION) -> str:
    return f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"


def make_queue(sqs: Any, name: str | None = None, **attributes: str) -> str:
    """Create a queue (a unique name unless given) with ``attributes``; its URL."""
    name = name or unique()
    if name.endswith(".fifo"):
        attributes.setdefault("FifoQueue", "true")
    url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url


def name_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def counts(sqs: Any, url: str) -> tuple[int, int, int]:
    """(visible, not visible, delayed) as GetQueueAttributes reports them."""
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (
        int(attrs["ApproximateNumberOfMessages"]),
        int(attrs["ApproximateNumberOfMessagesNotVisible"]),
        int(attrs["ApproximateNumberOfMessagesDelayed"]),
    )


def receive(sqs: Any, url: str, **params: Any) -> list[dict[str, Any]]:
    """ReceiveMessage's messages (an empty list for none)."""
    params.setdefault("MaxNumberOfMessages", 10)
    messages: list[dict[str, Any]] = sqs.receive_message(QueueUrl=url, **params).get("Messages", [])
    return messages


def bodies(messages: list[dict[str, Any]]) -> list[str]:
    return [m["Body"] for m in messages]


def service_of(cloud: Cloud) -> SqsService:
    service = cloud.engine.platform.service("sqs")
    assert isinstance(service, SqsService)
    return service


def in_engine(cloud: Cloud, func: Callable[[SqsService], T]) -> T:
    """Run ``func(sqs service)`` on the engine's event loop (where the store lives)."""
    service = service_of(cloud)
    return run_on_loop(cloud, lambda: func(service))
