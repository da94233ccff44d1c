"""TagResource, UntagResource, ListTags (by function ARN), and tags given at creation."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import arn, create
from tests.support import error_of


def test_tag_lifecycle(lam: Any) -> None:
    create(lam, "orders", Tags={"key_a": "value_a"})
    resource = arn("orders")
    assert lam.list_tags(Resource=resource)["Tags"] == {"key_a": "value_a"}
    response = lam.tag_resource(Resource=resource, Tags={"key_b": "value_b", "key_c": "value_c"})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    lam.tag_resource(Resource=resource, Tags={"key_c": "value_x"})
    expected = {"key_a": "value_a", "key_b": "value_b", "key_c": "value_x"}
    assert lam.list_tags(Resource=resource)["Tags"] == expected
    assert lam.get_function(FunctionName="orders")["Tags"] == expected
    response = lam.untag_resource(Resource=resource, TagKeys=["key_c", "key_a", "not-there"])
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lam.list_tags(Resource=resource)["Tags"] == {"key_b": "value_b"}
    lam.untag_resource(Resource=resource, TagKeys=["key_b"])
    assert lam.list_tags(Resource=resource)["Tags"] == {}
    assert "Tags" not in lam.get_function(FunctionName="orders")


def test_tagging_changes_the_revision_id(lam: Any) -> None:
    create(lam, "orders")
    before = lam.get_function_configuration(FunctionName="orders")
    lam.tag_resource(Resource=arn("orders"), Tags={"a": "b"})
    after = lam.get_function_configuration(FunctionName="orders")
    assert after["RevisionId"] != before["RevisionId"]
    assert after["LastModified"] == before["LastModified"]


def test_tags_on_unknown_function(lam: Any) -> None:
    resource = arn("doesnotexist")
    for call in (
        lambda: lam.tag_resource(Resource=resource, Tags={"a": "b"}),
        lambda: lam.untag_resource(Resource=resource, TagKeys=["a"]),
        lambda: lam.list_tags(Resource=resource),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {resource}")


@pytest.mark.parametrize("qualifier", ["$LATEST", "1", "prod"])
def test_tags_on_qualified_arns_are_refused(lam: Any, qualifier: str) -> None:
    create(lam, "orders")
    with pytest.raises(ClientError) as exc:
        lam.tag_resource(Resource=arn("orders", qualifier), Tags={"a": "b"})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Tags on function aliases and versions are not supported. Please specify a function ARN.",
    )


def test_tags_need_a_function_arn(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        lam.list_tags(Resource="arn:aws:something")
    code, message = error_of(exc)
    assert code == "ValidationException"
    assert message.startswith(
        "1 validation error detected: Value 'arn:aws:something' at 'resource' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
    )


def test_tag_resource_with_no_tags(lam: Any) -> None:
    create(lam, "orders")
    with pytest.raises(ClientError) as exc:
        lam.tag_resource(Resource=arn("orders"), Tags={})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "An error occurred and the request cannot be processed.",
    )


def test_at_most_50_tags(lam: Any) -> None:
    fifty = {f"{i}_key": f"{i}_value" for i in range(50)}
    create(lam, "orders")
    with pytest.raises(ClientError) as exc:
        lam.tag_resource(Resource=arn("orders"), Tags={**fifty, "extra": "x"})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Number of tags exceeds resource tag limit.",
    )
    lam.tag_resource(Resource=arn("orders"), Tags=fifty)
    assert lam.list_tags(Resource=arn("orders"))["Tags"] == fifty
    with pytest.raises(ClientError) as exc:
        lam.tag_resource(Resource=arn("orders"), Tags={"one_more": "x"})
    assert error_of(exc)[1] == "Number of tags exceeds resource tag limit."
    with pytest.raises(ClientError) as exc:
        create(lam, "crowded", Tags={**fifty, "extra": "x"})
    assert error_of(exc)[1] == "Number of tags exceeds resource tag limit."
