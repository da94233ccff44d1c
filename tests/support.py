"""What many tests share: reading a boto3 error, and running code on the engine's loop."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud

T = TypeVar("T")


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """(code, message) of a ClientError."""
    error = exc.value.response["Error"]
    return error["Code"], error["Message"]


def status_of(exc: pytest.ExceptionInfo[ClientError]) -> int:
    return int(exc.value.response["ResponseMetadata"]["HTTPStatusCode"])


def on_loop(cloud: Cloud, coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the engine's event loop (where the store lives)."""
    result: T = cloud._call(coro)
    return result


def run_on_loop(cloud: Cloud, func: Callable[[], T]) -> T:
    """Call ``func()`` on the engine's event loop."""

    async def run() -> T:
        return func()

    return on_loop(cloud, run())
