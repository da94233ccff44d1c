"""Log groups: CreateLogGroup, DescribeLogGroups, DeleteLogGroup, tags."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.logs.conftest import ACCOUNT, REGION, LogsEnv
from tests.support import error_of


def test_create_and_describe_log_group(logs: Any, logs_env: LogsEnv) -> None:
    before = logs_env.now_ms()
    logs.create_log_group(logGroupName="/aws/lambda/orders")
    groups = logs.describe_log_groups()["logGroups"]
    assert groups == [
        {
            "logGroupName": "/aws/lambda/orders",
            "creationTime": groups[0]["creationTime"],
            "metricFilterCount": 0,
            "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/orders:*",
            "storedBytes": 0,
            "logGroupClass": "STANDARD",
            "logGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/orders",
            "deletionProtectionEnabled": False,
        }
    ]
    assert before <= groups[0]["creationTime"] <= logs_env.now_ms()


def test_create_log_group_twice_is_refused(logs: Any) -> None:
    logs.create_log_group(logGroupName="dup")
    with pytest.raises(ClientError) as exc:
        logs.create_log_group(logGroupName="dup")
    assert error_of(exc) == (
        "ResourceAlreadyExistsException",
        "The specified log group already exists",
    )


def test_create_log_group_with_class_and_tags(logs: Any) -> None:
    logs.create_log_group(
        logGroupName="ia", logGroupClass="INFREQUENT_ACCESS", tags={"team": "payments"}
    )
    [group] = logs.describe_log_groups(logGroupNamePrefix="ia")["logGroups"]
    assert group["logGroupClass"] == "INFREQUENT_ACCESS"
    assert logs.list_tags_log_group(logGroupName="ia")["tags"] == {"team": "payments"}
    only = logs.describe_log_groups(logGroupClass="STANDARD")["logGroups"]
    assert "ia" not in [g["logGroupName"] for g in only]


def test_delete_log_group(logs: Any) -> None:
    logs.create_log_group(logGroupName="gone")
    logs.create_log_stream(logGroupName="gone", logStreamName="s")
    logs.delete_log_group(logGroupName="gone")
    assert logs.describe_log_groups(logGroupNamePrefix="gone")["logGroups"] == []
    # a group of the same name starts empty
    logs.create_log_group(logGroupName="gone")
    assert logs.describe_log_streams(logGroupName="gone")["logStreams"] == []


def test_delete_missing_log_group_is_not_found(logs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        logs.delete_log_group(logGroupName="nope")
    assert error_of(exc) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_deletion_protection_refuses_delete(logs: Any) -> None:
    logs.create_log_group(logGroupName="kept", deletionProtectionEnabled=True)
    with pytest.raises(ClientError) as exc:
        logs.delete_log_group(logGroupName="kept")
    assert error_of(exc)[0] == "ValidationException"


def test_describe_log_groups_prefix_and_pattern(logs: Any) -> None:
    for name in ["/aws/lambda/a", "/aws/lambda/b", "/aws/other/Lambda-c", "/zzz"]:
        logs.create_log_group(logGroupName=name)
    by_prefix = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    assert [g["logGroupName"] for g in by_prefix] == ["/aws/lambda/a", "/aws/lambda/b"]
    # the pattern is a case-insensitive substring
    by_pattern = logs.describe_log_groups(logGroupNamePattern="lambda")["logGroups"]
    assert [g["logGroupName"] for g in by_pattern] == [
        "/aws/lambda/a",
        "/aws/lambda/b",
        "/aws/other/Lambda-c",
    ]


def test_describe_log_groups_prefix_with_pattern_is_refused(logs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        logs.describe_log_groups(logGroupNamePrefix="a", logGroupNamePattern="b")
    assert error_of(exc) == (
        "InvalidParameterException",
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
    )


def test_describe_log_groups_pages_in_name_order(logs: Any) -> None:
    names = [f"g{i:02d}" for i in range(7)]
    for name in reversed(names):
        logs.create_log_group(logGroupName=name)
    seen: list[str] = []
    kwargs: dict[str, Any] = {"limit": 3}
    pages = 0
    while True:
        page = logs.describe_log_groups(**kwargs)
        pages += 1
        seen += [g["logGroupName"] for g in page["logGroups"]]
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert seen == names
    assert pages == 3


def test_describe_log_groups_by_identifiers(logs: Any) -> None:
    for name in ["one", "two", "three"]:
        logs.create_log_group(logGroupName=name)
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:three"
    found = logs.describe_log_groups(logGroupIdentifiers=[arn, "one"])["logGroups"]
    assert [g["logGroupName"] for g in found] == ["one", "three"]


def test_describe_log_groups_bad_token(logs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        logs.describe_log_groups(nextToken="garbage")
    assert error_of(exc) == ("InvalidParameterException", "The specified nextToken is invalid.")


def test_tag_resource_and_tag_log_group_share_tags(logs: Any) -> None:
    logs.create_log_group(logGroupName="tagged", tags={"env": "testing1"})
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:tagged"
    logs.tag_resource(resourceArn=arn, tags={"test1": "val1", "test2": "val2"})
    expected = {"env": "testing1", "test1": "val1", "test2": "val2"}
    assert logs.list_tags_log_group(logGroupName="tagged")["tags"] == expected
    logs.tag_log_group(logGroupName="tagged", tags={"test3": "val3"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {**expected, "test3": "val3"}
    logs.untag_log_group(logGroupName="tagged", tags=["test1"])
    logs.untag_resource(resourceArn=arn, tagKeys=["env", "test3"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"test2": "val2"}


def test_tags_of_missing_group_are_not_found(logs: Any) -> None:
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:missing"
    with pytest.raises(ClientError) as exc:
        logs.list_tags_for_resource(resourceArn=arn)
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        logs.tag_log_group(logGroupName="missing", tags={"a": "b"})
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_more_than_50_tags_is_refused(logs: Any) -> None:
    logs.create_log_group(logGroupName="many", tags={f"k{i}": "v" for i in range(40)})
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:many"
    with pytest.raises(ClientError) as exc:
        logs.tag_resource(resourceArn=arn, tags={f"x{i}": "v" for i in range(11)})
    assert error_of(exc)[0] == "TooManyTagsException"


def test_groups_are_per_region(logs_env: LogsEnv, logs: Any) -> None:
    logs.create_log_group(logGroupName="regional")
    if logs_env.mode == "cloud":
        other = logs_env.cloud.client("logs", region_name="eu-west-1")  # type: ignore[attr-defined]
    else:
        from tests.services.logs.conftest import DirectClient

        other = DirectClient(logs_env.service, region="eu-west-1")
    assert other.describe_log_groups()["logGroups"] == []
    other.create_log_group(logGroupName="regional")
    [group] = other.describe_log_groups()["logGroups"]
    assert group["arn"] == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:regional:*"
