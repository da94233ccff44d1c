"""What every service shares: the platform it runs on, request context, operations.

A service is a class with a botocore service ``name`` and methods marked with
:func:`operation`. Each operation takes the :class:`RequestContext` and the parsed, validated
input parameters and returns the output structure as a dict (see
``redrive.wire.protocols.base`` for the Python value of each botocore type). It raises
:class:`~redrive.errors.ServiceError` for anything AWS would refuse.

Synchronous operations run inside one store transaction opened by the engine: if they raise,
nothing they wrote is kept. Asynchronous operations (``async def``, for calls that wait, such
as long polls) open their own short transactions and must not hold one across an ``await``.

Services never reach into each other's state: they call each other's public methods, looked
up with :meth:`Platform.service`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from redrive.kernel import Clock, Rng, Scheduler
from redrive.store import Store

DEFAULT_ACCOUNT_ID = "000000000000"  # DESIGN.md, Contracts

Params = dict[str, Any]
Output = dict[str, Any]
OperationFunc = Callable[..., Output | Awaitable[Output]]
F = TypeVar("F", bound=OperationFunc)

_OPERATION_ATTR = "__redrive_operation__"


def partition(region: str) -> str:
    """The ARN partition of a Region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def operation(name: str) -> Callable[[F], F]:
    """Mark a method as the implementation of the AWS operation ``name``."""

    def mark(func: F) -> F:
        setattr(func, _OPERATION_ATTR, name)
        return func

    return mark


@dataclass(frozen=True)
class RequestContext:
    """Who asked, where, and under which request id."""

    account_id: str
    region: str
    request_id: str
    operation: str = ""
    access_key_id: str | None = None


@dataclass
class Platform:
    """What services run on: one clock, scheduler, random generator and store."""

    clock: Clock
    scheduler: Scheduler
    rng: Rng
    store: Store
    #: a private directory for files that must exist on disk (e.g. unpacked function code);
    #: under the data dir when there is one, else a temporary directory removed at shutdown
    work_dir: Path = field(default_factory=Path)
    account_id: str = DEFAULT_ACCOUNT_ID
    #: the account's Lambda concurrency limit (``--account-concurrency``, CONC-2)
    account_concurrency: int = 1000
    services: dict[str, Service] = field(default_factory=dict)
    #: where this engine is reachable (``http://127.0.0.1:<port>``), known once serving
    endpoint_url: str = ""

    def now(self) -> float:
        return self.clock.now()

    def now_ms(self) -> int:
        """Emulated time in whole milliseconds since the epoch."""
        return int(self.clock.now() * 1000)

    def service(self, name: str) -> Service:
        return self.services[name]


class Service:
    """Base class of every service."""

    #: botocore's name of the service (``logs``, ``cloudwatch``, ``sqs`` ...)
    name: ClassVar[str]

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.operations: dict[str, Callable[..., Output | Awaitable[Output]]] = {}
        for attr in dir(type(self)):
            func = getattr(type(self), attr)
            op_name = getattr(func, _OPERATION_ATTR, None)
            if op_name is not None:
                self.operations[op_name] = getattr(self, attr)

    @property
    def store(self) -> Store:
        return self.platform.store

    def start(self) -> None:
        """Called once the store is open and the scheduler runs: resume background work."""

    def serving(self, access_key_id: str | None) -> AbstractContextManager[object]:
        """Entered around every AWS request the engine serves, with the caller's access key.

        The Lambda service uses it to know that a handler whose own boto3 call is being
        served is waiting on redrive, not computing (DESIGN.md, Time).
        """
        return nullcontext()

    def stop(self) -> Awaitable[None] | None:
        """Called before the store closes; may return an awaitable (e.g. to stop workers)."""
        return None
