"""The ``cw`` fixture: a CloudWatch client as a user holds it, plus the clock and record().

Every test runs twice:

* ``boto3`` - through the shared ``cloud`` fixture (in-process ``redrive.Cloud``, virtual
  clock): a real boto3 client speaking smithy-rpc-v2-cbor to redrive, as a user would.
* ``direct`` - the service's operation methods called on a Platform built from the kernel and
  a MemoryStore, through a small stand-in with boto3's calling convention: keyword arguments
  in, the output dict back, :class:`botocore.exceptions.ClientError` for a ServiceError. It
  takes well under a second for the whole suite and tells a service bug from a wire bug.

Tests are written once, as boto3 user code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape

from redrive.errors import ServiceError
from redrive.kernel import Rng, Scheduler, VirtualClock
from redrive.services._base import Platform, RequestContext
from redrive.services.cloudwatch import CloudWatchService
from redrive.store import MemoryStore

REGION = "us-east-1"
ACCOUNT = "000000000000"

_MODEL = botocore.session.get_session().get_service_model("cloudwatch")


def _to_wire_value(shape: Shape, value: Any) -> Any:
    """A parameter as the wire layer hands it to services (timestamps: aware UTC datetimes)."""
    if shape.type_name == "structure":
        return {k: _to_wire_value(shape.members[k], v) for k, v in value.items()}
    if shape.type_name == "list":
        return [_to_wire_value(shape.member, v) for v in value]
    if shape.type_name == "map":
        return {k: _to_wire_value(shape.value, v) for k, v in value.items()}
    if shape.type_name == "timestamp":
        if isinstance(value, datetime):
            return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    return value


class DirectClient:
    """The CloudWatch operations with boto3's calling convention, without HTTP."""

    def __init__(self, platform: Platform, service: CloudWatchService) -> None:
        self._platform = platform
        self._service = service
        self._names = {botocore.xform_name(op): op for op in _MODEL.operation_names}
        self._calls = 0

    def __getattr__(self, attr: str) -> Callable[..., dict[str, Any]]:
        if attr not in self._names or self._names[attr] not in self._service.operations:
            raise AttributeError(attr)
        op_name = self._names[attr]

        def call(**kwargs: Any) -> dict[str, Any]:
            model: OperationModel = _MODEL.operation_model(op_name)
            params = _to_wire_value(model.input_shape, kwargs)
            self._calls += 1
            ctx = RequestContext(ACCOUNT, REGION, f"req-{self._calls}", op_name)
            func = self._service.operations[op_name]
            try:
                with self._platform.store.transaction():
                    output = func(ctx, params)
            except ServiceError as exc:
                error = {"Error": {"Code": exc.code, "Message": exc.message}}
                raise ClientError(error, op_name) from exc  # type: ignore[arg-type]
            assert isinstance(output, Mapping)
            return dict(output)

        return call


class CloudWatchHarness:
    """What a test needs: ``client``, ``now()``, ``advance()`` and the internal ``record``."""

    def __init__(
        self,
        mode: str,
        client: Any,
        service: CloudWatchService,
        now: Callable[[], float],
        advance: Callable[[float], object],
    ) -> None:
        #: "boto3" or "direct"
        self.mode = mode
        self.client = client
        self.service = service
        self.now = now
        self._advance = advance

    def advance(self, seconds: float) -> None:
        self._advance(seconds)

    def align(self, period: int = 60, offset: float = 0.0) -> float:
        """Advance to the next multiple of ``period`` (plus ``offset``); return that time."""
        now = self.now()
        target = (now // period + 1) * period + offset
        self.advance(target - now)
        return self.now()

    def record(self, *args: Any, **kwargs: Any) -> None:
        # In boto3 mode the engine runs on the Cloud's thread; calling in while no request is
        # in flight and nothing is scheduled (nothing in these tests schedules work) is safe.
        self.service.record(*args, **kwargs)


@pytest.fixture(params=["direct", "boto3"])
def cw(request: pytest.FixtureRequest) -> Iterator[CloudWatchHarness]:
    if request.param == "boto3":
        cloud = request.getfixturevalue("cloud")
        service = cloud.engine.platform.services["cloudwatch"]
        client = cloud.client("cloudwatch", region_name=REGION)
        yield CloudWatchHarness("boto3", client, service, cloud.now, cloud.advance)
        return
    clock = VirtualClock()
    platform = Platform(clock=clock, scheduler=Scheduler(clock), rng=Rng(0), store=MemoryStore())
    service = CloudWatchService(platform)
    platform.services[service.name] = service

    def advance(seconds: float) -> None:
        clock.jump_to(clock.now() + seconds)
        platform.scheduler.run_due()

    yield CloudWatchHarness("direct", DirectClient(platform, service), service, clock.now, advance)
    platform.store.close()
