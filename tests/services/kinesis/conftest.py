"""Fixtures for the Kinesis tests: a boto3 ``kinesis`` client on a running redrive, and helpers.

``cloud`` is one in-process redrive (virtual clock, in memory) per test *module*, as for SQS:
tests use stream names of their own (:func:`unique`), never assume the clock's absolute value,
and tests that list streams use a Region of their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from botocore.config import Config

from redrive import Cloud
from redrive.services._base import DEFAULT_ACCOUNT_ID
from redrive.services.kinesis.service import KinesisService
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
def kinesis(cloud: Cloud) -> Any:
    return cloud.client("kinesis")


@pytest.fixture(scope="module")
def unchecked(cloud: Cloud) -> Any:
    """A client that sends what it is given (no botocore parameter validation)."""
    return cloud.client("kinesis", config=Config(parameter_validation=False))


def unique(prefix: str = "s") -> str:
    return f"{prefix}-{next(_names)}"


def arn(name: str, region: str = REGION) -> str:
    return f"arn:aws:kinesis:{region}:{ACCOUNT}:stream/{name}"


def make_stream(kinesis: Any, shards: int = 1, name: str | None = None, **params: Any) -> str:
    """Create a provisioned stream (a unique name unless given) and wait until it is ACTIVE."""
    name = name or unique()
    kinesis.create_stream(StreamName=name, ShardCount=shards, **params)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})
    return name


def shard_id(number: int) -> str:
    return f"shardId-{number:012d}"


def iterator(
    kinesis: Any, name: str, shard: int = 0, kind: str = "TRIM_HORIZON", **more: Any
) -> str:
    found: str = kinesis.get_shard_iterator(
        StreamName=name, ShardId=shard_id(shard), ShardIteratorType=kind, **more
    )["ShardIterator"]
    return found


def read(
    kinesis: Any, name: str, shard: int = 0, kind: str = "TRIM_HORIZON", **more: Any
) -> list[bytes]:
    """The data of the records one GetRecords call returns from a fresh iterator."""
    records = kinesis.get_records(ShardIterator=iterator(kinesis, name, shard, kind, **more))
    return [r["Data"] for r in records["Records"]]


def service_of(cloud: Cloud) -> KinesisService:
    service = cloud.engine.platform.service("kinesis")
    assert isinstance(service, KinesisService)
    return service


def in_engine(cloud: Cloud, func: Callable[[KinesisService], T]) -> T:
    """Run ``func(kinesis service)`` on the engine's event loop (where the store lives)."""
    service = service_of(cloud)
    return run_on_loop(cloud, lambda: func(service))
