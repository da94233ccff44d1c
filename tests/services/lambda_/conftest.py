"""Fixtures for the Lambda function-management tests: a boto3 ``lambda`` client on a running
redrive (the shared ``cloud`` fixture), and small helpers to build deployment packages."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pytest
from botocore.config import Config

from redrive import Cloud
from redrive.services._base import DEFAULT_ACCOUNT_ID
from redrive.services.lambda_.service import LambdaService
from tests.support import run_on_loop

T = TypeVar("T")

REGION = "us-east-1"
ACCOUNT = DEFAULT_ACCOUNT_ID
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
HANDLER_SOURCE = "def handler(event, context):\n    return event\n"
#: a fixed timestamp for zip entries, so the same files give the same CodeSha256
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def make_zip(
    files: Mapping[str, str | bytes] | None = None, *, modes: Mapping[str, int] | None = None
) -> bytes:
    """A deployment package with ``files`` (default: ``handler.py``), deterministic bytes.

    Entries listed in ``modes`` carry those Unix modes; the others carry none (so redrive
    gives them its defaults).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (files or {"handler.py": HANDLER_SOURCE}).items():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = (modes or {}).get(name)
            if mode is None:
                info.create_system = 0  # as made on Windows: no Unix modes stored
            else:
                info.create_system = 3
                info.external_attr = mode << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def arn(name: str, qualifier: str | None = None, region: str = REGION) -> str:
    base = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"
    return base if qualifier is None else f"{base}:{qualifier}"


def create(lam: Any, name: str, **overrides: Any) -> dict[str, Any]:
    """CreateFunction with sensible defaults; ``overrides`` replace or add parameters."""
    params: dict[str, Any] = {
        "FunctionName": name,
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "handler.handler",
        "Code": {"ZipFile": make_zip()},
    }
    params.update(overrides)
    response: dict[str, Any] = lam.create_function(**params)
    return response


def in_engine(cloud: Cloud, func: Callable[[LambdaService], T]) -> T:
    """Run ``func(lambda service)`` on the engine's event loop (where the store lives)."""
    service = cloud.engine.platform.service("lambda")
    assert isinstance(service, LambdaService)
    return run_on_loop(cloud, lambda: func(service))


@pytest.fixture
def lam(cloud: Cloud) -> Any:
    """A boto3 ``lambda`` client bound to the test's cloud."""
    return cloud.client("lambda", region_name=REGION)


@pytest.fixture
def unchecked_lam(cloud: Cloud) -> Any:
    """A client that sends what botocore would refuse to (to reach redrive's own checks)."""
    return cloud.client("lambda", region_name=REGION, config=Config(parameter_validation=False))
