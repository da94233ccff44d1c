"""Fixtures for the Logs tests: one ``logs_env`` used two ways.

* ``direct``: the LogsService on a Platform of its own (kernel + MemoryStore), called through a
  boto3-shaped adapter that validates parameters with botocore, calls the operation in a store
  transaction and raises botocore's ``ClientError`` for service errors. No HTTP.
* ``cloud``: the shared ``cloud`` fixture (a running in-process redrive) and a real boto3
  client.

Tests are written once, against boto3's interface, and run both ways.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import botocore.session
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from botocore.validate import ParamValidator

from redrive.errors import ServiceError
from redrive.kernel import Rng, Scheduler, VirtualClock
from redrive.services._base import DEFAULT_ACCOUNT_ID, Platform, RequestContext
from redrive.services.logs.service import LogsService
from redrive.store import MemoryStore, Store

T = TypeVar("T")

REGION = "us-east-1"
ACCOUNT = DEFAULT_ACCOUNT_ID
#: 2023-11-14T22:13:20Z: the direct platform's virtual clock starts here
START = 1_700_000_000.0

_MODEL = botocore.session.get_session().get_service_model("logs")


class DirectClient:
    """The part of a boto3 ``logs`` client the tests use, calling the service in-process."""

    def __init__(self, service: LogsService, region: str = REGION) -> None:
        self.service = service
        self.region = region
        self._names = {botocore.xform_name(op): op for op in _MODEL.operation_names}
        self._requests = 0

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        if name not in self._names:
            raise AttributeError(name)
        operation = self._names[name]
        return lambda **params: self._call(operation, params)

    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        shape = _MODEL.operation_model(operation).input_shape
        report = ParamValidator().validate(params, shape)
        if report.has_errors():
            raise ParamValidationError(report=report.generate_report())
        self._requests += 1
        ctx = RequestContext(ACCOUNT, self.region, f"req-{self._requests}", operation)
        func = self.service.operations[operation]
        try:
            with self.service.store.transaction():
                output = func(ctx, json.loads(json.dumps(params)))
        except ServiceError as exc:
            response = {
                "Error": {"Code": exc.code, "Message": exc.message},
                "ResponseMetadata": {"HTTPStatusCode": exc.status},
            }
            raise ClientError(response, operation) from None  # type: ignore[arg-type,unused-ignore]
        return dict(json.loads(json.dumps(output)))


class LogsEnv:
    """What a Logs test needs: a client, the clock, and the service for its internal API."""

    mode: str
    client: Any
    service: LogsService

    def now(self) -> float:
        raise NotImplementedError

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> float:
        raise NotImplementedError

    def in_engine(self, func: Callable[[LogsService], T]) -> T:
        """Run ``func(service)`` where the engine runs (its event loop thread)."""
        raise NotImplementedError


class DirectEnv(LogsEnv):
    mode = "direct"

    def __init__(self, store: Store | None = None, start: float = START) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = VirtualClock(start)
        self.platform = Platform(
            clock=self.clock,
            scheduler=Scheduler(self.clock),
            rng=Rng(0),
            store=store or MemoryStore(),
        )
        self.service = LogsService(self.platform)
        self.platform.services["logs"] = self.service
        self.client = DirectClient(self.service)
        self.loop.run_until_complete(self._start())

    async def _start(self) -> None:
        self.platform.scheduler.start()
        self.service.start()

    def now(self) -> float:
        return self.clock.now()

    def advance(self, seconds: float) -> float:
        return self.loop.run_until_complete(self.platform.scheduler.advance(seconds))

    def in_engine(self, func: Callable[[LogsService], T]) -> T:
        return func(self.service)

    def stop(self) -> None:
        self.service.stop()
        self.loop.run_until_complete(self.platform.scheduler.stop())
        self.loop.close()


class CloudEnv(LogsEnv):
    mode = "cloud"

    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud
        self.client = cloud.client("logs", region_name=REGION)
        self.service = cloud.engine.platform.service("logs")

    def now(self) -> float:
        return float(self.cloud.now())

    def advance(self, seconds: float) -> float:
        return float(self.cloud.advance(seconds))

    def in_engine(self, func: Callable[[LogsService], T]) -> T:
        async def run() -> T:
            return func(self.service)

        # The engine's loop owns the scheduler; calls that schedule work must run there.
        result: T = self.cloud._call(run())
        return result


@pytest.fixture(params=["direct", "cloud"])
def logs_env(request: pytest.FixtureRequest) -> Iterator[LogsEnv]:
    if request.param == "direct":
        env = DirectEnv()
        yield env
        env.stop()
    else:
        yield CloudEnv(request.getfixturevalue("cloud"))


@pytest.fixture
def logs(logs_env: LogsEnv) -> Any:
    """A boto3 ``logs`` client (or its direct stand-in)."""
    return logs_env.client


@pytest.fixture
def group(logs: Any, request: pytest.FixtureRequest) -> str:
    """A fresh log group named after the test."""
    name: str = "/test/" + str(request.node.name).replace("[", "-").replace("]", "")
    logs.create_log_group(logGroupName=name)
    return name


@pytest.fixture
def stream(logs: Any, group: str) -> str:
    name = "main"
    logs.create_log_stream(logGroupName=group, logStreamName=name)
    return name
