"""Fixtures for the DynamoDB tests: boto3 ``dynamodb`` and ``dynamodbstreams`` clients on a
running redrive, and helpers.

``cloud`` is one in-process redrive (virtual clock, in memory) per test *module*, as for
Kinesis: tests use table names of their own (:func:`unique`), never assume the clock's
absolute value, and tests that list tables or streams use a Region of their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from redrive import Cloud
from redrive.services._base import DEFAULT_ACCOUNT_ID
from redrive.services.dynamodb.streams.service import DynamoDBStreamsService
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
def ddb(cloud: Cloud) -> Any:
    return cloud.client("dynamodb")


@pytest.fixture(scope="module")
def streams(cloud: Cloud) -> Any:
    return cloud.client("dynamodbstreams")


def unique(prefix: str = "tbl") -> str:
    return f"{prefix}-{next(_names)}"


def make_table(
    ddb: Any,
    *,
    hash_key: tuple[str, str] = ("pk", "S"),
    range_key: tuple[str, str] | None = None,
    view: str | None = None,
    name: str | None = None,
    **params: Any,
) -> str:
    """Create an on-demand table (a unique name unless given) and wait until it is ACTIVE."""
    name = name or unique()
    keys = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    definitions = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
    if range_key is not None:
        keys.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
    if view is not None:
        params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
    params.setdefault("BillingMode", "PAY_PER_REQUEST")
    ddb.create_table(TableName=name, KeySchema=keys, AttributeDefinitions=definitions, **params)
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    return name


def stream_arn(ddb: Any, table: str) -> str:
    arn: str = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    return arn


def shard_id(streams: Any, arn: str) -> str:
    found: str = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return found


def records(streams: Any, arn: str, kind: str = "TRIM_HORIZON", **more: Any) -> list[Any]:
    """The records one GetRecords call returns from a fresh iterator."""
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id(streams, arn), ShardIteratorType=kind, **more
    )["ShardIterator"]
    found: list[Any] = streams.get_records(ShardIterator=iterator)["Records"]
    return found


def streams_service(cloud: Cloud) -> DynamoDBStreamsService:
    service = cloud.engine.platform.service("dynamodbstreams")
    assert isinstance(service, DynamoDBStreamsService)
    return service


def in_engine(cloud: Cloud, func: Callable[[DynamoDBStreamsService], T]) -> T:
    """Run ``func(streams service)`` on the engine's event loop (where the store lives)."""
    service = streams_service(cloud)
    return run_on_loop(cloud, lambda: func(service))
