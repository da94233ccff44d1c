"""Reading function names, partial ARNs, full ARNs and qualifiers."""

from __future__ import annotations

import pytest

from redrive.errors import ServiceError
from redrive.services.lambda_ import arns
from redrive.services.lambda_.arns import FunctionRef

ACCOUNT = "000000000000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my-function", FunctionRef("my-function", None)),
        ("my_function.v2", FunctionRef("my_function.v2", None)),
        ("my-function:prod", FunctionRef("my-function", "prod", qualified_name=True)),
        ("my-function:$LATEST", FunctionRef("my-function", "$LATEST", qualified_name=True)),
        ("my-function:7", FunctionRef("my-function", "7", qualified_name=True)),
        (
            "123456789012:function:my-function",
            FunctionRef("my-function", None, account="123456789012"),
        ),
        (
            "123456789012:function:my-function:prod",
            FunctionRef("my-function", "prod", account="123456789012", qualified_name=True),
        ),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:my-function",
            FunctionRef("my-function", None, region="us-east-1", account="123456789012"),
        ),
        (
            "arn:aws:lambda:us-gov-west-1:123456789012:function:f:$LATEST",
            FunctionRef(
                "f", "$LATEST", region="us-gov-west-1", account="123456789012", qualified_name=True
            ),
        ),
        ("function:my-function", FunctionRef("my-function", None)),
        ("eu-west-1:function:f", FunctionRef("f", None, region="eu-west-1")),
    ],
)
def test_parse(text: str, expected: FunctionRef) -> None:
    assert arns.parse(text) == expected


@pytest.mark.parametrize("text", ["", "bad name", "a:b:c:d", "f:$latest", "arn:aws:s3:::bucket"])
def test_parse_refuses_what_the_model_pattern_refuses(text: str) -> None:
    assert arns.parse(text) is None


def test_resolve_checks_account_region_and_qualifier() -> None:
    ref = arns.resolve("f:prod", account_id=ACCOUNT, region="us-east-1", qualifier="prod")
    assert (ref.name, ref.qualifier) == ("f", "prod")
    ref = arns.resolve("f", account_id=ACCOUNT, region="us-east-1", qualifier="3")
    assert (ref.name, ref.qualifier, ref.qualified_name) == ("f", "3", False)
    with pytest.raises(ServiceError) as exc:
        arns.resolve("f:1", account_id=ACCOUNT, region="us-east-1", qualifier="2")
    assert exc.value.code == "InvalidParameterValueException"
    with pytest.raises(ServiceError) as exc:
        arns.resolve(
            f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f", account_id=ACCOUNT, region="us-east-1"
        )
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        arns.resolve(
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            account_id=ACCOUNT,
            region="us-east-1",
            action="InvokeFunction",
        )
    assert exc.value.code == "AccessDeniedException"
    assert "lambda:InvokeFunction" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        arns.resolve("bad name", account_id=ACCOUNT, region="us-east-1")
    assert exc.value.code == "ValidationException"


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-east-1", "arn:aws:lambda:us-east-1:000000000000:function:f"),
        ("cn-north-1", "arn:aws-cn:lambda:cn-north-1:000000000000:function:f"),
        ("us-gov-west-1", "arn:aws-us-gov:lambda:us-gov-west-1:000000000000:function:f"),
    ],
)
def test_function_arn_partitions(region: str, expected: str) -> None:
    assert arns.function_arn(ACCOUNT, region, "f") == expected
    assert arns.function_arn(ACCOUNT, region, "f", "$LATEST") == expected + ":$LATEST"
