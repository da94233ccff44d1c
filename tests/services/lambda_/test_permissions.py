"""Resource-based policies through boto3 - AddPermission, RemovePermission, GetPolicy per
qualifier - and the service's own ``allows`` (VER-6..11)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.lambda_.conftest import ACCOUNT, REGION, arn, create, in_engine
from tests.services.lambda_.test_versions import PRECONDITION
from tests.support import error_of, status_of

BUCKET = "arn:aws:s3:::test-bucket"
OTHER_ACCOUNT = "111122223333"


def add(lam: Any, sid: str = "s3", **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "FunctionName": "orders",
        "StatementId": sid,
        "Action": "lambda:InvokeFunction",
        "Principal": "s3.amazonaws.com",
    }
    params.update(extra)
    response: dict[str, Any] = lam.add_permission(**params)
    return response


def statement_of(response: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = json.loads(response["Statement"])
    return statement


def policy_of(lam: Any, **params: Any) -> tuple[dict[str, Any], str]:
    response = lam.get_policy(FunctionName="orders", **params)
    return json.loads(response["Policy"]), response["RevisionId"]


@pytest.fixture
def fn(lam: Any) -> str:
    create(lam, "orders")
    return "orders"


def test_add_permission_statement_and_policy__VER_6_VER_7(lam: Any, fn: str) -> None:
    before = lam.get_function_configuration(FunctionName=fn)["RevisionId"]
    response = add(lam, SourceArn=BUCKET)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    # the statement exactly as recorded, keys in AWS's order
    assert response["Statement"] == json.dumps(
        {
            "Sid": "s3",
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": arn(fn),
            "Condition": {"ArnLike": {"AWS:SourceArn": BUCKET}},
        },
        separators=(",", ":"),
    )
    add(lam, "sqs", Principal="sqs.amazonaws.com")
    policy, revision = policy_of(lam)
    assert list(policy) == ["Version", "Id", "Statement"]
    assert (policy["Version"], policy["Id"]) == ("2012-10-17", "default")
    assert [s["Sid"] for s in policy["Statement"]] == ["s3", "sqs"]
    assert policy["Statement"][1] == {
        "Sid": "sqs",
        "Effect": "Allow",
        "Principal": {"Service": "sqs.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": arn(fn),
    }
    # recorded: the policy's RevisionId is the function's, and each change changes it
    current = lam.get_function_configuration(FunctionName=fn)["RevisionId"]
    assert revision == current != before
    removed = lam.remove_permission(FunctionName=fn, StatementId="s3", RevisionId=revision)
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    policy, after = policy_of(lam)
    assert [s["Sid"] for s in policy["Statement"]] == ["sqs"]
    assert after != revision
    lam.remove_permission(FunctionName=fn, StatementId="sqs")
    with pytest.raises(ClientError) as exc:
        lam.get_policy(FunctionName=fn)
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
    )
    assert status_of(exc) == 404


def test_principals_and_conditions__VER_6(lam: Any, fn: str) -> None:
    cases: list[tuple[dict[str, Any], Any, dict[str, Any] | None]] = [
        (
            {"Principal": "*", "SourceAccount": ACCOUNT},
            "*",
            {"StringEquals": {"AWS:SourceAccount": ACCOUNT}},
        ),
        ({"Principal": OTHER_ACCOUNT}, {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}, None),
        (
            {"Principal": f"arn:aws:iam::{OTHER_ACCOUNT}:user/alice", "SourceAccount": ACCOUNT},
            {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:user/alice"},
            {"StringEquals": {"AWS:SourceAccount": ACCOUNT}},
        ),
        (
            {
                "Principal": "*",
                "Action": "lambda:InvokeFunctionUrl",
                "SourceArn": BUCKET,
                "SourceAccount": ACCOUNT,
                "PrincipalOrgID": "o-1234567890",
                "FunctionUrlAuthType": "NONE",
            },
            "*",
            {
                "StringEquals": {
                    "lambda:FunctionUrlAuthType": "NONE",
                    "aws:PrincipalOrgID": "o-1234567890",
                    "AWS:SourceAccount": ACCOUNT,
                },
                "ArnLike": {"AWS:SourceArn": BUCKET},
            },
        ),
        (
            {"Principal": "*", "EventSourceToken": "amzn1.ask.skill.xxxx"},
            "*",
            {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.xxxx"}},
        ),
    ]
    for n, (params, principal, condition) in enumerate(cases):
        statement = statement_of(add(lam, f"s{n}", **params))
        assert statement["Principal"] == principal
        assert statement["Action"] == params.get("Action", "lambda:InvokeFunction")
        assert statement.get("Condition") == condition
        if condition:
            # key order as recorded (add_permission_optional_fields)
            assert json.dumps(statement["Condition"]) == json.dumps(condition)


def test_policies_are_per_qualifier_and_not_inherited__VER_8(lam: Any, fn: str) -> None:
    add(lam, SourceArn=BUCKET)
    lam.publish_version(FunctionName=fn)
    with pytest.raises(ClientError) as exc:
        lam.get_policy(FunctionName=fn, Qualifier="1")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
    )
    version_before = lam.get_function_configuration(FunctionName=fn, Qualifier="1")["RevisionId"]
    # the same Sid on the version: a policy of its own, Resource qualified
    statement = statement_of(add(lam, FunctionName=f"{fn}:1", Qualifier="1", SourceArn=BUCKET))
    assert statement["Resource"] == arn(fn, "1")
    policy, revision = policy_of(lam, Qualifier="1")
    assert [s["Resource"] for s in policy["Statement"]] == [arn(fn, "1")]
    assert revision == lam.get_function_configuration(FunctionName=fn, Qualifier="1")["RevisionId"]
    assert revision != version_before
    # an alias: its RevisionId guards and changes with its policy
    alias = lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as exc:
        add(lam, Qualifier="live", RevisionId="wrong")
    assert error_of(exc) == PRECONDITION
    add(lam, Qualifier="live", RevisionId=alias["RevisionId"])
    policy, revision = policy_of(lam, Qualifier="live")
    assert [s["Resource"] for s in policy["Statement"]] == [arn(fn, "live")]
    assert revision == lam.get_alias(FunctionName=fn, Name="live")["RevisionId"]
    assert revision != alias["RevisionId"]
    # the function's own policy is untouched
    policy, _ = policy_of(lam)
    assert [s["Resource"] for s in policy["Statement"]] == [arn(fn)]


def test_add_permission_errors_change_nothing__VER_9(lam: Any, unchecked_lam: Any, fn: str) -> None:
    add(lam, SourceArn=BUCKET)
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="$LATEST")
    policy_before = lam.get_policy(FunctionName=fn)["Policy"]

    def refused(client: Any = lam, **params: Any) -> tuple[str, str, int]:
        with pytest.raises(ClientError) as exc:
            add(client, **params)
        code, message = error_of(exc)
        return code, message, status_of(exc)

    assert refused(unchecked_lam, sid="example.com") == (
        "ValidationException",
        "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
        400,
    )
    assert refused(FunctionName=f"{fn}:alias-not-42", Qualifier="42") == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
        400,
    )
    assert refused(FunctionName=f"{fn}:$LATEST", Qualifier="$LATEST") == (
        "InvalidParameterValueException",
        "We currently do not support adding policies for $LATEST.",
        400,
    )
    assert refused(Principal="invalid.nonaws.com") == (
        "InvalidParameterValueException",
        "The provided principal was invalid. Please check the principal and try again.",
        400,
    )
    assert refused(FunctionName="doesnotexist") == (
        "ResourceNotFoundException",
        f"Function not found: {arn('doesnotexist')}",
        404,
    )
    assert refused(FunctionName=f"{fn}:alias-doesnotexist") == (
        "ResourceNotFoundException",
        f"Cannot find alias arn: {arn(fn, 'alias-doesnotexist')}",
        404,
    )
    assert refused(Qualifier="42") == (
        "ResourceNotFoundException",
        f"Function not found: {arn(fn, '42')}",
        404,
    )
    assert refused(Qualifier="valid-with-$-but-doesnotexist") == (
        "ResourceNotFoundException",
        f"Function not found: {arn(fn, 'valid-with-$-but-doesnotexist')}",
        404,
    )
    assert refused() == (
        "ResourceConflictException",
        "The statement id (s3) provided already exists. Please provide a new statement id, or "
        "remove the existing statement.",
        409,
    )
    assert refused(sid="other", RevisionId="wrong") == (*PRECONDITION, 412)
    assert lam.get_policy(FunctionName=fn)["Policy"] == policy_before
    with pytest.raises(ClientError) as exc:
        lam.get_policy(FunctionName=fn, Qualifier="live")
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_remove_permission_and_get_policy_errors__VER_7(lam: Any, fn: str) -> None:
    with pytest.raises(ClientError) as exc:
        lam.remove_permission(FunctionName=fn, StatementId="s3")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "No policy is associated with the given resource.",
    )
    with pytest.raises(ClientError) as exc:
        lam.remove_permission(FunctionName="doesnotexist", StatementId="s3")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"No policy found for: {arn('doesnotexist')}",
    )
    with pytest.raises(ClientError) as exc:
        lam.remove_permission(FunctionName=fn, StatementId="s3", Qualifier="alias-doesnotexist")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Cannot find alias arn: {arn(fn, 'alias-doesnotexist')}",
    )
    add(lam)
    with pytest.raises(ClientError) as exc:
        lam.remove_permission(FunctionName=fn, StatementId="non-existent")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "Statement non-existent is not found in resource policy.",
    )
    with pytest.raises(ClientError) as exc:
        lam.remove_permission(FunctionName=fn, StatementId="s3", RevisionId="wrong")
    assert error_of(exc) == PRECONDITION
    assert [s["Sid"] for s in policy_of(lam)[0]["Statement"]] == ["s3"]
    with pytest.raises(ClientError) as exc:
        lam.get_policy(FunctionName="doesnotexist")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Function not found: {arn('doesnotexist')}",
    )
    with pytest.raises(ClientError) as exc:
        lam.get_policy(FunctionName=fn, Qualifier="77")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
    )


def allows(cloud: Cloud, name: str, qualifier: str | None = None, **params: Any) -> bool:
    result: bool = in_engine(
        cloud, lambda svc: svc.allows(ACCOUNT, REGION, name, qualifier, **params)
    )
    return result


def test_allows_evaluates_the_policy_of_the_qualifier__VER_10_VER_11(
    cloud: Cloud, lam: Any, fn: str
) -> None:
    lam.publish_version(FunctionName=fn)
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    sns = {"principal": "sns.amazonaws.com", "source_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:t"}
    # nothing allows a service principal until a statement does
    assert not allows(cloud, fn, **sns)
    add(lam, "sns", Principal="sns.amazonaws.com", Qualifier="live", SourceArn=sns["source_arn"])
    assert allows(cloud, fn, "live", **sns)
    assert allows(cloud, f"{fn}:live", **sns)
    # VER-8: not the version behind the alias, not the function
    assert not allows(cloud, fn, "1", **sns)
    assert not allows(cloud, fn, **sns)
    # conditions: the SourceArn must match (ArnLike, wildcards allowed)
    assert not allows(cloud, fn, "live", principal="sns.amazonaws.com", source_arn=BUCKET)
    assert not allows(cloud, fn, "live", principal="sns.amazonaws.com")
    add(lam, "s3", SourceArn="arn:aws:s3:::uploads-*", SourceAccount=ACCOUNT)
    s3 = {"principal": "s3.amazonaws.com", "source_arn": "arn:aws:s3:::uploads-2024"}
    assert allows(cloud, fn, **s3, source_account=ACCOUNT)
    assert allows(cloud, fn, "$LATEST", **s3, source_account=ACCOUNT)
    assert not allows(cloud, fn, **s3, source_account=OTHER_ACCOUNT)
    assert not allows(cloud, fn, **s3)
    # another account: by its root, or by a principal of "*"
    assert not allows(cloud, fn, principal=OTHER_ACCOUNT)
    add(lam, "acct", Principal=OTHER_ACCOUNT)
    assert allows(cloud, fn, principal=OTHER_ACCOUNT)
    assert allows(cloud, fn, principal=f"arn:aws:iam::{OTHER_ACCOUNT}:role/r")
    assert not allows(cloud, fn, principal="444455556666")
    # the function's own account needs no statement (identity policies, VER-10)
    assert allows(cloud, fn, "1", principal=ACCOUNT)
    assert allows(cloud, fn, "1", principal=f"arn:aws:iam::{ACCOUNT}:role/app")
    # organisations are not modelled: such a statement never matches
    add(lam, "org", Principal="*", PrincipalOrgID="o-1234567890", Qualifier="1")
    assert not allows(cloud, fn, "1", principal="events.amazonaws.com")
    add(lam, "any", Principal="*", Qualifier="1")
    assert allows(cloud, fn, "1", principal="events.amazonaws.com")
    with pytest.raises(Exception, match="Function not found"):
        allows(cloud, fn, "nope", principal="events.amazonaws.com")
