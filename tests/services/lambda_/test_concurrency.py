"""PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency (CONC-5), the
unreserved floor (CONC-4) and GetAccountSettings (CONC-3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.lambda_.conftest import REGION, arn, create, make_zip
from tests.support import error_of, status_of

QUALIFIED_MESSAGE = (
    "This operation is permitted on Lambda functions only. Aliases and versions do not support "
    "this operation. Please specify either a function name or an unqualified function ARN."
)


def floor_message(floor: int) -> str:
    return (
        "Specified ReservedConcurrentExecutions for function decreases account's "
        f"UnreservedConcurrentExecution below its minimum value of [{floor}]."
    )


@pytest.fixture(params=[10, 50, 150])
def small_account(request: pytest.FixtureRequest) -> Iterator[tuple[int, Any]]:
    """A cloud whose account concurrency is 10, 50 or 150, with its lambda client."""
    with Cloud(clock="virtual", account_concurrency=request.param) as cloud:
        yield request.param, cloud.client("lambda", region_name=REGION)


def test_function_concurrency_lifecycle__CONC_5(lam: Any) -> None:
    create(lam, "orders")
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="orders")
    put = lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=0)
    assert put["ReservedConcurrentExecutions"] == 0
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    put = lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=1)
    assert put["ReservedConcurrentExecutions"] == 1
    got = lam.get_function_concurrency(FunctionName="orders")
    assert got["ReservedConcurrentExecutions"] == 1
    assert lam.get_function(FunctionName="orders")["Concurrency"] == {
        "ReservedConcurrentExecutions": 1
    }
    deleted = lam.delete_function_concurrency(FunctionName="orders")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="orders")
    assert "Concurrency" not in lam.get_function(FunctionName="orders")


def test_function_concurrency_by_arn__CONC_5(lam: Any) -> None:
    create(lam, "orders")
    lam.put_function_concurrency(FunctionName=arn("orders"), ReservedConcurrentExecutions=7)
    assert (
        lam.get_function_concurrency(FunctionName=arn("orders"))["ReservedConcurrentExecutions"]
        == 7
    )


@pytest.mark.parametrize("name", ["orders:$LATEST", "orders:1", "orders:prod"])
def test_qualified_names_are_refused__CONC_5(lam: Any, name: str) -> None:
    create(lam, "orders")
    for call in (
        lambda: lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1),
        lambda: lam.get_function_concurrency(FunctionName=name),
        lambda: lam.delete_function_concurrency(FunctionName=name),
        lambda: lam.put_function_concurrency(
            FunctionName=arn("orders", name.split(":")[1]), ReservedConcurrentExecutions=1
        ),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("InvalidParameterValueException", QUALIFIED_MESSAGE)
        assert status_of(exc) == 400


def test_unknown_function__CONC_5(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        lam.put_function_concurrency(FunctionName="doesnotexist", ReservedConcurrentExecutions=1)
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Function not found: {arn('doesnotexist', '$LATEST')}",
    )
    # the function is looked up before the value is judged
    with pytest.raises(ClientError) as exc:
        lam.put_function_concurrency(
            FunctionName="doesnotexist", ReservedConcurrentExecutions=100000
        )
    assert error_of(exc)[0] == "ResourceNotFoundException"
    for call in (
        lambda: lam.get_function_concurrency(FunctionName="doesnotexist"),
        lambda: lam.delete_function_concurrency(FunctionName="doesnotexist"),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (
            "ResourceNotFoundException",
            f"Function not found: {arn('doesnotexist')}",
        )


def test_put_function_concurrency_floor__CONC_4(lam: Any) -> None:
    create(lam, "a")
    create(lam, "b")
    lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=900)
    with pytest.raises(ClientError) as exc:
        lam.put_function_concurrency(FunctionName="b", ReservedConcurrentExecutions=1)
    assert error_of(exc) == ("InvalidParameterValueException", floor_message(100))
    assert status_of(exc) == 400
    # the function's own reservation is replaced, not added to
    lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=899)
    lam.put_function_concurrency(FunctionName="b", ReservedConcurrentExecutions=1)
    with pytest.raises(ClientError) as exc:
        lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=900)
    assert error_of(exc)[1] == floor_message(100)
    assert lam.get_function_concurrency(FunctionName="a")["ReservedConcurrentExecutions"] == 899


def test_reservation_above_the_account_limit__CONC_4(lam: Any) -> None:
    create(lam, "a")
    with pytest.raises(ClientError) as exc:
        lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=1001)
    assert error_of(exc) == ("InvalidParameterValueException", floor_message(100))
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="a")


def test_reservation_of_zero_is_always_allowed__CONC_4(lam: Any) -> None:
    create(lam, "a")
    create(lam, "b")
    lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=900)
    lam.put_function_concurrency(FunctionName="b", ReservedConcurrentExecutions=0)
    assert lam.get_function_concurrency(FunctionName="b")["ReservedConcurrentExecutions"] == 0


def test_floor_on_small_accounts__CONC_4(small_account: tuple[int, Any]) -> None:
    limit, lam = small_account
    floor = min(100, limit)
    create(lam, "a")
    allowed = limit - floor  # 0 on 10- and 50-limit accounts: any positive value fails
    if allowed:
        lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=allowed)
    with pytest.raises(ClientError) as exc:
        lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=allowed + 1)
    assert error_of(exc) == ("InvalidParameterValueException", floor_message(floor))
    lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=0)
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == limit
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == limit


def test_account_settings_of_a_fresh_account__CONC_3(lam: Any) -> None:
    settings = lam.get_account_settings()
    del settings["ResponseMetadata"]
    assert settings == {
        "AccountLimit": {
            "TotalCodeSize": 80530636800,
            "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800,
            "ConcurrentExecutions": 1000,
            "UnreservedConcurrentExecutions": 1000,
        },
        "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 0},
    }


def test_account_settings_count_functions_code_and_reservations__CONC_3(
    cloud: Cloud, lam: Any
) -> None:
    small, large = make_zip(), make_zip({"handler.py": "x = 1\n" * 1000, "lib.py": "y = 2\n"})
    create(lam, "a", Code={"ZipFile": small})
    create(lam, "b", Code={"ZipFile": large})
    lam.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=100)
    lam.put_function_concurrency(FunctionName="b", ReservedConcurrentExecutions=50)
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 850
    assert settings["AccountUsage"] == {
        "TotalCodeSize": len(small) + len(large),
        "FunctionCount": 2,
    }
    lam.update_function_code(FunctionName="a", ZipFile=large)
    assert lam.get_account_settings()["AccountUsage"]["TotalCodeSize"] == 2 * len(large)
    lam.delete_function(FunctionName="b")
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 900
    assert settings["AccountUsage"] == {"TotalCodeSize": len(large), "FunctionCount": 1}
    # settings are per region
    west = cloud.client("lambda", region_name="eu-west-1").get_account_settings()
    assert west["AccountUsage"]["FunctionCount"] == 0
    assert west["AccountLimit"]["UnreservedConcurrentExecutions"] == 1000
