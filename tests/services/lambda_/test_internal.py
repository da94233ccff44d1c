"""The interface the invoke path and the runtime use: function_spec, reserved and unreserved
concurrency, and change notifications."""

from __future__ import annotations

import stat
from typing import Any

import pytest

from redrive import Cloud
from redrive.errors import ServiceError
from redrive.runtime.types import FunctionSpec
from redrive.services.lambda_.service import FunctionChange
from tests.services.lambda_.conftest import (
    ACCOUNT,
    HANDLER_SOURCE,
    REGION,
    arn,
    create,
    in_engine,
    make_zip,
)


def spec_of(cloud: Cloud, name: str, qualifier: str | None = None) -> FunctionSpec:
    return in_engine(cloud, lambda svc: svc.function_spec(ACCOUNT, REGION, name, qualifier))


def spec_error(cloud: Cloud, name: str, qualifier: str | None = None) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        spec_of(cloud, name, qualifier)
    return exc.value


def test_function_spec_describes_latest(cloud: Cloud, lam: Any) -> None:
    create(
        lam,
        "orders",
        Timeout=30,
        MemorySize=256,
        Environment={"Variables": {"TABLE": "orders"}},
    )
    spec = spec_of(cloud, "orders")
    assert spec.function_name == "orders"
    assert spec.version == "$LATEST"
    assert spec.function_arn == arn("orders")
    assert (spec.region, spec.account_id) == (REGION, ACCOUNT)
    assert spec.runtime == "python3.12"
    assert spec.handler == "handler.handler"
    assert spec.memory_mb == 256
    assert spec.timeout_s == 30
    assert spec.environment == {"TABLE": "orders"}
    assert spec.log_group == "/aws/lambda/orders"
    assert spec.code_dir.name == spec.code_sha256
    assert (spec.code_dir / "handler.py").read_text() == HANDLER_SOURCE
    assert spec.code_dir.is_relative_to(cloud.engine.platform.work_dir / "code")
    # by name, partial ARN, full ARN and $LATEST alike
    for name, qualifier in (
        (f"{ACCOUNT}:function:orders", None),
        (arn("orders"), None),
        ("orders", "$LATEST"),
        ("orders:$LATEST", None),
    ):
        assert spec_of(cloud, name, qualifier) == spec


def test_function_spec_unpacks_once_and_shares_identical_code(cloud: Cloud, lam: Any) -> None:
    create(lam, "a")
    create(lam, "b")
    first = spec_of(cloud, "a")
    marker = first.code_dir / "handler.py"
    before = marker.stat().st_mtime_ns
    assert spec_of(cloud, "b").code_dir == first.code_dir
    assert spec_of(cloud, "a").code_dir == first.code_dir
    assert marker.stat().st_mtime_ns == before


def test_function_spec_keeps_file_modes_and_directories(cloud: Cloud, lam: Any) -> None:
    package = make_zip(
        {"handler.py": HANDLER_SOURCE, "bin/tool": "#!/bin/sh\necho hi\n", "pkg/__init__.py": ""},
        modes={"bin/tool": 0o755, "handler.py": 0o644},
    )
    create(lam, "orders", Code={"ZipFile": package})
    code_dir = spec_of(cloud, "orders").code_dir
    assert stat.S_IMODE((code_dir / "bin" / "tool").stat().st_mode) == 0o755
    assert stat.S_IMODE((code_dir / "handler.py").stat().st_mode) == 0o644
    assert stat.S_IMODE((code_dir / "pkg" / "__init__.py").stat().st_mode) == 0o644
    assert (code_dir / "pkg").is_dir()


def test_function_spec_errors_are_invokes__INV_10(cloud: Cloud, lam: Any) -> None:
    create(lam, "orders")
    error = spec_error(cloud, "doesnotexist")
    assert (error.code, error.status) == ("ResourceNotFoundException", 404)
    assert error.message == f"Function not found: {arn('doesnotexist', '$LATEST')}"
    error = spec_error(cloud, "orders", "$latest")
    assert error.message == f"Function not found: {arn('orders', '$latest')}"
    error = spec_error(cloud, "orders", "1")
    assert error.message == f"Function not found: {arn('orders', '1')}"
    error = spec_error(cloud, arn("orders", region="eu-west-1"))
    assert (
        error.message == "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"
    )
    error = spec_error(cloud, "orders:1", "2")
    assert error.code == "InvalidParameterValueException"
    error = spec_error(cloud, "arn:aws:lambda:us-east-1:123456789012:function:orders")
    assert (error.code, error.status) == ("AccessDeniedException", 403)


def test_spec_changes_with_code_and_configuration_not_with_tags(cloud: Cloud, lam: Any) -> None:
    create(lam, "orders")
    first = spec_of(cloud, "orders")
    lam.tag_resource(Resource=arn("orders"), Tags={"a": "b"})
    assert spec_of(cloud, "orders").key == first.key
    lam.update_function_configuration(FunctionName="orders", Timeout=9)
    second = spec_of(cloud, "orders")
    assert second.key != first.key
    assert second.timeout_s == 9
    lam.update_function_code(
        FunctionName="orders",
        ZipFile=make_zip({"handler.py": "def handler(e, c):\n    return 1\n"}),
    )
    third = spec_of(cloud, "orders")
    assert third.key != second.key
    assert third.code_sha256 != second.code_sha256
    assert "return 1" in (third.code_dir / "handler.py").read_text()


def test_listeners_hear_updates_deletes_and_concurrency(cloud: Cloud, lam: Any) -> None:
    heard: list[FunctionChange] = []
    unsubscribe = in_engine(cloud, lambda svc: svc.on_function_changed(heard.append))
    create(lam, "orders")
    lam.tag_resource(Resource=arn("orders"), Tags={"a": "b"})
    assert heard == []
    lam.update_function_configuration(FunctionName="orders", Timeout=9)
    lam.update_function_code(FunctionName="orders", ZipFile=make_zip())
    lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=3)
    lam.delete_function_concurrency(FunctionName="orders")
    lam.delete_function(FunctionName="orders")
    assert [(c.function_name, c.kind) for c in heard] == [
        ("orders", "updated"),
        ("orders", "updated"),
        ("orders", "concurrency"),
        ("orders", "concurrency"),
        ("orders", "deleted"),
    ]
    assert {(c.account_id, c.region) for c in heard} == {(ACCOUNT, REGION)}
    in_engine(cloud, lambda svc: unsubscribe())
    create(lam, "again")
    lam.delete_function(FunctionName="again")
    assert len(heard) == 5


def test_failed_updates_are_not_announced(cloud: Cloud, lam: Any) -> None:
    heard: list[FunctionChange] = []
    in_engine(cloud, lambda svc: svc.on_function_changed(heard.append))
    create(lam, "orders")
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        lam.update_function_code(FunctionName="orders", ZipFile=b"not a zip")
    assert heard == []


def test_reserved_and_unreserved_concurrency(cloud: Cloud, lam: Any) -> None:
    create(lam, "a")
    create(lam, "b")
    lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=30)
    reserved = in_engine(
        cloud,
        lambda svc: (
            svc.reserved_concurrency(ACCOUNT, REGION, "a"),
            svc.reserved_concurrency(ACCOUNT, REGION, "b"),
            svc.unreserved_concurrency(ACCOUNT, REGION),
        ),
    )
    assert reserved == (30, None, 970)
