"""A function's DeadLetterConfig (DEST-10) through CreateFunction and
UpdateFunctionConfiguration, as boto3 sees it, and the target the async engine reads."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from redrive.errors import ServiceError
from tests.services.lambda_.conftest import ACCOUNT, REGION, arn, create, in_engine
from tests.support import error_of

QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
OTHER_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:other-dlq"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-dlq"
SERVICE_NOT_SUPPORTED = (
    "InvalidParameterValueException",
    "Invalid dead letter queue ARN: The service specified by the TargetArn is not supported "
    "for dead letter configuration.",
)
TARGET_ARN_PATTERN = "(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()"


def target_of(cloud: Cloud, name: str) -> str | None:
    return in_engine(cloud, lambda svc: svc.dead_letter_target(ACCOUNT, REGION, name))


def every_view(lam: Any, name: str) -> list[dict[str, Any]]:
    """The function's configuration as GetFunction, GetFunctionConfiguration and
    ListFunctions show it."""
    listed = [f for f in lam.list_functions()["Functions"] if f["FunctionName"] == name]
    return [
        lam.get_function(FunctionName=name)["Configuration"],
        lam.get_function_configuration(FunctionName=name),
        *listed,
    ]


def assert_target(cloud: Cloud, lam: Any, name: str, target: str | None) -> None:
    for view in every_view(lam, name):
        if target is None:
            assert "DeadLetterConfig" not in view
        else:
            assert view["DeadLetterConfig"] == {"TargetArn": target}
    assert target_of(cloud, name) == target


def assert_nothing_created(lam: Any, name: str) -> None:
    assert lam.list_functions()["Functions"] == []
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName=name)
    assert error_of(exc)[0] == "ResourceNotFoundException"


# -- accepted ---------------------------------------------------------------------------------


def test_create_with_an_sqs_dead_letter_queue__DEST_10(cloud: Cloud, lam: Any) -> None:
    created = create(lam, "orders", DeadLetterConfig={"TargetArn": QUEUE})
    assert created["DeadLetterConfig"] == {"TargetArn": QUEUE}
    assert_target(cloud, lam, "orders", QUEUE)


@pytest.mark.parametrize("overrides", [{}, {"DeadLetterConfig": {}}])
def test_create_without_a_dead_letter_queue__DEST_10(
    cloud: Cloud, lam: Any, overrides: dict[str, Any]
) -> None:
    created = create(lam, "orders", **overrides)
    assert "DeadLetterConfig" not in created
    assert_target(cloud, lam, "orders", None)


def test_queue_need_not_exist_yet__DEST_10(cloud: Cloud, lam: Any) -> None:
    """AWS checks only the execution role's permission, which redrive does not model."""
    missing = f"arn:aws:sqs:{REGION}:123456789012:not-created-yet"
    create(lam, "orders", DeadLetterConfig={"TargetArn": missing})
    assert_target(cloud, lam, "orders", missing)


def test_update_sets_changes_and_keeps_the_dead_letter_queue__DEST_10(
    cloud: Cloud, lam: Any
) -> None:
    create(lam, "orders")
    updated = lam.update_function_configuration(
        FunctionName="orders", DeadLetterConfig={"TargetArn": QUEUE}
    )
    assert updated["DeadLetterConfig"] == {"TargetArn": QUEUE}
    assert_target(cloud, lam, "orders", QUEUE)
    # other settings leave it alone
    kept = lam.update_function_configuration(FunctionName="orders", Timeout=10)
    assert kept["DeadLetterConfig"] == {"TargetArn": QUEUE}
    assert_target(cloud, lam, "orders", QUEUE)
    changed = lam.update_function_configuration(
        FunctionName="orders", DeadLetterConfig={"TargetArn": OTHER_QUEUE}
    )
    assert changed["DeadLetterConfig"] == {"TargetArn": OTHER_QUEUE}
    assert_target(cloud, lam, "orders", OTHER_QUEUE)


@pytest.mark.parametrize("removal", [{"TargetArn": ""}, {}])
def test_update_removes_the_dead_letter_queue__DEST_10(
    cloud: Cloud, lam: Any, removal: dict[str, str]
) -> None:
    create(lam, "orders", DeadLetterConfig={"TargetArn": QUEUE})
    updated = lam.update_function_configuration(FunctionName="orders", DeadLetterConfig=removal)
    assert "DeadLetterConfig" not in updated
    assert_target(cloud, lam, "orders", None)


def test_dead_letter_target_of_a_function_that_does_not_exist(cloud: Cloud) -> None:
    with pytest.raises(ServiceError) as exc:
        target_of(cloud, "ghost")
    assert (exc.value.code, exc.value.status) == ("ResourceNotFoundException", 404)
    assert exc.value.message == f"Function not found: {arn('ghost')}"


def test_dead_letter_target_by_arn(cloud: Cloud, lam: Any) -> None:
    create(lam, "orders", DeadLetterConfig={"TargetArn": QUEUE})
    assert target_of(cloud, arn("orders")) == QUEUE


# -- refused, and nothing changes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            TOPIC,
            (
                "InvalidParameterValueException",
                f"redrive does not support Amazon SNS topics as dead-letter queues ({TOPIC}) yet.",
            ),
        ),
        (arn("audit"), SERVICE_NOT_SUPPORTED),
        (f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default", SERVICE_NOT_SUPPORTED),
        ("arn:aws:s3:::bucket", SERVICE_NOT_SUPPORTED),
        (
            f"{QUEUE}.fifo",
            (
                "InvalidParameterValueException",
                "Invalid dead letter queue ARN: FIFO SQS queue is not supported for dead letter "
                "configuration",
            ),
        ),
        (
            f"{TOPIC}.fifo",
            (
                "InvalidParameterValueException",
                "Invalid dead letter queue ARN: FIFO SNS topic is not supported for dead letter "
                "configuration",
            ),
        ),
        (
            f"arn:aws:sqs:{REGION}::orders-dlq",
            (
                "InvalidParameterValueException",
                "redrive expects a dead-letter queue ARN of the form arn:aws:sqs:<region>:"
                f"<account id>:<queue name>, not arn:aws:sqs:{REGION}::orders-dlq",
            ),
        ),
    ],
)
def test_targets_other_than_an_sqs_queue_are_refused__DEST_10(
    cloud: Cloud, lam: Any, target: str, expected: tuple[str, str]
) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", DeadLetterConfig={"TargetArn": target})
    assert error_of(exc) == expected
    assert_nothing_created(lam, "orders")

    create(lam, "orders", DeadLetterConfig={"TargetArn": QUEUE})
    before = lam.get_function_configuration(FunctionName="orders")
    with pytest.raises(ClientError) as exc:
        lam.update_function_configuration(
            FunctionName="orders", DeadLetterConfig={"TargetArn": target}
        )
    assert error_of(exc) == expected
    after = lam.get_function_configuration(FunctionName="orders")
    assert after["RevisionId"] == before["RevisionId"]
    assert_target(cloud, lam, "orders", QUEUE)


def test_create_refuses_an_empty_target__DEST_10(lam: Any) -> None:
    """[observed] AWS answers CreateFunction this way (only Update takes "" to remove one)."""
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", DeadLetterConfig={"TargetArn": ""})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Invalid dead letter queue ARN: ARNs must start with 'arn:':",
    )
    assert_nothing_created(lam, "orders")


def test_a_target_that_is_no_arn_fails_the_model_pattern__DEST_10(
    cloud: Cloud, lam: Any, unchecked_lam: Any
) -> None:
    with pytest.raises(ClientError) as exc:
        create(unchecked_lam, "orders", DeadLetterConfig={"TargetArn": "orders-dlq"})
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value 'orders-dlq' at 'deadLetterConfig.targetArn' failed "
        f"to satisfy constraint: Member must satisfy regular expression pattern: "
        f"{TARGET_ARN_PATTERN}",
    )
    assert_nothing_created(lam, "orders")
    create(lam, "orders")
    with pytest.raises(ClientError) as exc:
        unchecked_lam.update_function_configuration(
            FunctionName="orders", DeadLetterConfig={"TargetArn": "orders-dlq"}
        )
    assert error_of(exc)[0] == "ValidationException"
    assert_target(cloud, lam, "orders", None)
