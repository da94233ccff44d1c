"""The engine: kernel, store and services assembled; the backend the wire layer calls."""

from __future__ import annotations

import contextlib
import inspect
import shutil
import tempfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from redrive.errors import ConfigError
from redrive.kernel import Clock, Rng, Scheduler, VirtualClock, WallClock
from redrive.services._base import Platform, RequestContext, Service
from redrive.store import MemoryStore, SqliteStore, Store
from redrive.wire.dispatch import Call


def make_clock(mode: str, time_scale: float = 1.0) -> Clock:
    if mode == "wall":
        if time_scale <= 0:
            raise ConfigError(f"--time-scale must be positive, got {time_scale}")
        return WallClock(time_scale)
    if mode == "virtual":
        if time_scale != 1.0:
            raise ConfigError("--time-scale applies to the wall clock only")
        return VirtualClock()
    raise ConfigError(f"unknown clock {mode!r}: choose wall or virtual")


def make_store(data_dir: str | Path | None) -> Store:
    return MemoryStore() if data_dir is None else SqliteStore(data_dir)


def service_classes() -> list[type[Service]]:
    """Every service redrive implements."""
    from redrive.services.cloudwatch.service import CloudWatchService
    from redrive.services.dynamodb.service import DynamoDBService
    from redrive.services.dynamodb.streams.service import DynamoDBStreamsService
    from redrive.services.kinesis.service import KinesisService
    from redrive.services.lambda_.service import LambdaService
    from redrive.services.logs.service import LogsService
    from redrive.services.sqs.service import SqsService

    return [
        LogsService,
        CloudWatchService,
        SqsService,
        KinesisService,
        DynamoDBService,
        DynamoDBStreamsService,
        LambdaService,
    ]


class Engine:
    """One emulated cloud: the services over one platform.

    ``data_dir=None`` keeps everything in memory.
    """

    def __init__(
        self,
        *,
        clock: str = "wall",
        time_scale: float = 1.0,
        seed: int = 0,
        data_dir: str | Path | None = None,
        account_concurrency: int = 1000,
    ) -> None:
        if account_concurrency < 1:
            raise ConfigError("--account-concurrency must be at least 1")
        the_clock = make_clock(clock, time_scale)
        self.account_concurrency = account_concurrency
        # Files that must be on disk (unpacked function code): under the data dir when there
        # is one, else a temporary directory that stop() removes.
        self._temp_work_dir = data_dir is None
        self._serving: list[Service] | None = None
        self._async: dict[Callable[..., Any], bool] = {}
        work_dir = (
            Path(tempfile.mkdtemp(prefix="redrive-work-"))
            if data_dir is None
            else Path(data_dir).expanduser() / "work"
        )
        self.platform = Platform(
            clock=the_clock,
            scheduler=Scheduler(the_clock),
            rng=Rng(seed),
            store=make_store(data_dir),
            account_concurrency=account_concurrency,
            work_dir=work_dir,
        )
        for cls in service_classes():
            self.platform.services[cls.name] = cls(self.platform)
        self._started = False

    # -- lifecycle (on the event loop) -------------------------------------------------------

    def start(self) -> None:
        """Start the scheduler's driver and the services' background work."""
        if not self._started:
            self._started = True
            self._resume_clock()
            self.platform.scheduler.start()
            for service in self.platform.services.values():
                service.start()

    async def stop(self) -> None:
        """Stop background work, then flush and close the store."""
        try:
            for service in self.platform.services.values():
                stopping = service.stop()
                if stopping is not None:
                    await stopping
            await self.platform.scheduler.stop()
            self.save_clock()
        finally:
            self.platform.store.close()
            if self._temp_work_dir:
                shutil.rmtree(self.platform.work_dir, ignore_errors=True)

    async def advance(self, seconds: float) -> float:
        """Advance the virtual clock (see :meth:`Scheduler.advance`) and save where it is."""
        now = await self.platform.scheduler.advance(seconds)
        self.save_clock()
        return now

    # -- emulated time across restarts ------------------------------------------------------
    #
    # Emulated time never runs backwards for the data in the store: the engine saves the
    # clock after every advance and at shutdown, and a restarted engine continues from there
    # when that is later than the clock's own start (a virtual clock starts at real time).

    def save_clock(self) -> None:
        with self.platform.store.transaction() as txn:
            txn.put("_meta", ("clock_now",), self.platform.clock.now())

    def _resume_clock(self) -> None:
        with self.platform.store.transaction() as txn:
            saved = txn.get("_meta", ("clock_now",))
        if isinstance(saved, (int, float)):
            self.platform.clock.resume_at(float(saved))

    # -- the wire layer's backend -----------------------------------------------------------

    @property
    def services(self) -> Collection[str]:
        return self.platform.services.keys()

    def implements(self, service: str, operation: str) -> bool:
        svc = self.platform.services.get(service)
        return svc is not None and operation in svc.operations

    async def call(self, call: Call) -> Mapping[str, Any]:
        svc = self.platform.services[call.service]
        func = svc.operations[call.operation]
        ctx = RequestContext(
            account_id=self.platform.account_id,
            region=call.region,
            request_id=call.request_id,
            operation=call.operation,
            access_key_id=call.access_key_id,
        )
        serving = self._serving_services()
        if len(serving) == 1:  # the usual case (Lambda): no ExitStack needed
            with serving[0].serving(call.access_key_id):
                return await self._run(func, ctx, call.params)
        with contextlib.ExitStack() as stack:
            for service in serving:
                stack.enter_context(service.serving(call.access_key_id))
            return await self._run(func, ctx, call.params)

    async def _run(
        self, func: Callable[..., Any], ctx: RequestContext, params: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        if self._is_async(func):
            result: Mapping[str, Any] = await func(ctx, params)
            return result
        with self.platform.store.transaction():
            output = func(ctx, params)
        assert isinstance(output, Mapping)
        return output

    def _is_async(self, func: Callable[..., Any]) -> bool:
        """Whether an operation is a coroutine function (asked on every call, answered once
        per operation)."""
        found = self._async.get(func)
        if found is None:
            found = self._async[func] = inspect.iscoroutinefunction(func)
        return found

    def _serving_services(self) -> list[Service]:
        """The services that want to know about every request (see ``Service.serving``): only
        those are entered, so a request costs the same however many services there are."""
        if self._serving is None:
            self._serving = [
                service
                for service in self.platform.services.values()
                if type(service).serving is not Service.serving
            ]
        return self._serving

    def ledger(
        self, function: str | None = None, request_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The attempt ledger (DESIGN.md, Observability), oldest entry first.

        ``function`` keeps one function's entries; ``request_id`` one invocation's or async
        event's (its enqueueing, every try and its fate).
        """
        from redrive.services.lambda_ import ledger

        with self.platform.store.transaction() as txn:
            found = ledger.entries(txn, self.platform.account_id, function=function)
            return [e for e in found if request_id is None or e["request_id"] == request_id]

    def new_request_id(self) -> str:
        return self.platform.rng.uuid4("request-ids")
