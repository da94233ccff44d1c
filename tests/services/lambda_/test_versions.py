"""Published versions through boto3: PublishVersion, ListVersionsByFunction, reads and deletes
by version, ``Publish: true`` (VER-1, VER-2)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import arn, create, make_zip
from tests.support import error_of, status_of

PRECONDITION = (
    "PreconditionFailedException",
    "The Revision Id provided does not match the latest Revision Id. Call the "
    "GetFunction/GetAlias API to retrieve the latest Revision Id",
)


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def version_numbers(lam: Any, name: str) -> list[str]:
    return [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]]


def test_publish_version_snapshots_latest__VER_1(lam: Any) -> None:
    create(lam, "orders", Environment={"Variables": {"STAGE": "one"}}, Timeout=7)
    latest = lam.get_function_configuration(FunctionName="orders")
    published = lam.publish_version(FunctionName="orders")
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert published["Version"] == "1"
    assert published["FunctionArn"] == arn("orders", "1")
    assert published["State"] == "Active"
    assert published["LastUpdateStatus"] == "Successful"
    for member in ("CodeSha256", "CodeSize", "Handler", "Runtime", "Role", "Timeout"):
        assert published[member] == latest[member]
    assert published["Environment"] == {"Variables": {"STAGE": "one"}}
    assert published["RevisionId"] != latest["RevisionId"]
    # the same version by Qualifier, by qualified name and by qualified ARN
    for params in (
        {"FunctionName": "orders", "Qualifier": "1"},
        {"FunctionName": "orders:1"},
        {"FunctionName": arn("orders", "1")},
    ):
        assert body(lam.get_function_configuration(**params)) == body(published)
        got = lam.get_function(**params)
        assert body(got["Configuration"]) == body(published)
        assert got["Code"]["RepositoryType"] == "S3"
    # recorded: publishing changes $LATEST's RevisionId, not its configuration
    after = lam.get_function_configuration(FunctionName="orders")
    assert after["RevisionId"] != latest["RevisionId"]
    assert after["Version"] == "$LATEST"
    assert after["FunctionArn"] == arn("orders")
    assert lam.get_function(FunctionName="orders", Qualifier="$LATEST")["Configuration"][
        "FunctionArn"
    ] == arn("orders", "$LATEST")


def test_publishing_unchanged_latest_returns_the_last_version__VER_1(lam: Any) -> None:
    create(lam, "orders")
    first = lam.publish_version(FunctionName="orders")
    again = lam.publish_version(FunctionName="orders", Description="ignored")
    assert body(again) == body(first)
    # tags are not configuration: still no new version
    lam.tag_resource(Resource=arn("orders"), Tags={"team": "a"})
    assert lam.publish_version(FunctionName="orders")["Version"] == "1"
    # a configuration change alone (recorded: a Description) makes a new version
    lam.update_function_configuration(FunctionName="orders", Description="second")
    second = lam.publish_version(FunctionName="orders")
    assert (second["Version"], second["Description"]) == ("2", "second")
    lam.update_function_code(FunctionName="orders", ZipFile=make_zip({"handler.py": "x = 3\n"}))
    assert lam.publish_version(FunctionName="orders")["Version"] == "3"
    assert version_numbers(lam, "orders") == ["$LATEST", "1", "2", "3"]


def test_publish_description_and_preconditions__VER_1(lam: Any) -> None:
    create(lam, "orders", Description="function")
    latest = lam.get_function_configuration(FunctionName="orders")
    with pytest.raises(ClientError) as exc:
        lam.publish_version(FunctionName="orders", CodeSha256="somenonexistentsha256")
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "CodeSHA256 (somenonexistentsha256) is different from current CodeSHA256 in $LATEST "
        f"({latest['CodeSha256']}). Please try again with the CodeSHA256 in $LATEST.",
    )
    assert status_of(exc) == 400
    with pytest.raises(ClientError) as exc:
        lam.publish_version(FunctionName="orders", RevisionId="wrong")
    assert error_of(exc) == PRECONDITION
    assert status_of(exc) == 412
    assert version_numbers(lam, "orders") == ["$LATEST"]
    published = lam.publish_version(
        FunctionName="orders",
        CodeSha256=latest["CodeSha256"],
        RevisionId=latest["RevisionId"],
        Description="first release",
    )
    assert published["Description"] == "first release"
    assert lam.get_function_configuration(FunctionName="orders")["Description"] == "function"


def test_publish_unknown_function__VER_1(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        lam.publish_version(FunctionName="nope")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {arn('nope')}")
    assert status_of(exc) == 404


def test_update_function_code_with_publish__VER_1(lam: Any) -> None:
    create(lam, "orders")
    package = make_zip({"handler.py": "def handler(e, c):\n    return 'v1'\n"})
    answer = lam.update_function_code(FunctionName="orders", ZipFile=package, Publish=True)
    # recorded (test_publish_with_update): the new version, Pending, qualified ARN
    assert (answer["Version"], answer["FunctionArn"]) == ("1", arn("orders", "1"))
    assert answer["State"] == "Pending"
    assert "LastUpdateStatus" not in answer
    version = lam.get_function(FunctionName="orders", Qualifier="1")["Configuration"]
    assert version["State"] == "Active"
    assert version["CodeSha256"] == answer["CodeSha256"]
    assert version["RevisionId"] == answer["RevisionId"]
    assert (
        lam.get_function_configuration(FunctionName="orders")["CodeSha256"]
        == (answer["CodeSha256"])
    )


def test_a_version_is_frozen_when_latest_changes__VER_2(lam: Any) -> None:
    create(lam, "orders", Environment={"Variables": {"STAGE": "one"}}, Timeout=7)
    published = lam.publish_version(FunctionName="orders")
    lam.update_function_configuration(
        FunctionName="orders", Timeout=30, MemorySize=512, Environment={"Variables": {}}
    )
    lam.update_function_code(FunctionName="orders", ZipFile=make_zip({"handler.py": "y = 1\n"}))
    frozen = lam.get_function_configuration(FunctionName="orders", Qualifier="1")
    assert body(frozen) == body(published)
    latest = lam.get_function_configuration(FunctionName="orders")
    assert (latest["Timeout"], latest["MemorySize"]) == (30, 512)
    assert latest["CodeSha256"] != frozen["CodeSha256"]


def test_list_versions_latest_first_and_paged__VER_1(lam: Any) -> None:
    create(lam, "orders")
    for n in range(3):
        lam.update_function_configuration(FunctionName="orders", Description=f"d{n}")
        lam.publish_version(FunctionName="orders")
    first = lam.list_versions_by_function(FunctionName="orders", MaxItems=2)
    assert [v["Version"] for v in first["Versions"]] == ["$LATEST", "1"]
    assert [v["FunctionArn"] for v in first["Versions"]] == [
        arn("orders", "$LATEST"),
        arn("orders", "1"),
    ]
    # list entries carry no state (recorded: list_versions_result)
    assert "State" not in first["Versions"][1]
    rest = lam.list_versions_by_function(
        FunctionName="orders", MaxItems=2, Marker=first["NextMarker"]
    )
    assert [v["Version"] for v in rest["Versions"]] == ["2", "3"]
    assert "NextMarker" not in rest
    pages = lam.get_paginator("list_versions_by_function").paginate(
        FunctionName=arn("orders"), PaginationConfig={"PageSize": 1}
    )
    assert [v["Version"] for v in pages.search("Versions")] == ["$LATEST", "1", "2", "3"]
    with pytest.raises(ClientError) as exc:
        lam.list_versions_by_function(FunctionName="orders", Marker="bogus")
    assert error_of(exc) == ("InvalidParameterValueException", "Invalid Marker: bogus")
    with pytest.raises(ClientError) as exc:
        lam.list_versions_by_function(FunctionName="nope")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {arn('nope')}")


def test_list_versions_answers_at_most_50_a_page__VER_1(lam: Any) -> None:
    create(lam, "orders")
    for n in range(50):
        lam.update_function_configuration(FunctionName="orders", Description=f"d{n}")
        lam.publish_version(FunctionName="orders")
    page = lam.list_versions_by_function(FunctionName="orders", MaxItems=1000)
    assert len(page["Versions"]) == 50
    rest = lam.list_versions_by_function(FunctionName="orders", Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["Versions"]] == ["50"]


def test_get_unknown_versions_and_aliases__VER_3(lam: Any) -> None:
    create(lam, "orders")
    for qualifier in ("1", "nosuchalias"):
        for call in (lam.get_function, lam.get_function_configuration):
            with pytest.raises(ClientError) as exc:
                call(FunctionName="orders", Qualifier=qualifier)
            assert error_of(exc) == (
                "ResourceNotFoundException",
                f"Function not found: {arn('orders', qualifier)}",
            )


def test_delete_a_version__VER_1(lam: Any) -> None:
    create(lam, "orders")
    lam.publish_version(FunctionName="orders")
    lam.update_function_configuration(FunctionName="orders", Description="two")
    lam.publish_version(FunctionName="orders")
    answer = lam.delete_function(FunctionName="orders", Qualifier="1")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert version_numbers(lam, "orders") == ["$LATEST", "2"]
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName="orders:1")
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        lam.delete_function(FunctionName="orders", Qualifier="1")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Function not found: {arn('orders', '1')}",
    )
    # numbers are never handed out again
    lam.update_function_configuration(FunctionName="orders", Description="three")
    assert lam.publish_version(FunctionName="orders")["Version"] == "3"
    lam.delete_function(FunctionName=arn("orders", "3"))
    assert version_numbers(lam, "orders") == ["$LATEST", "2"]


def test_a_version_an_alias_uses_cannot_be_deleted__VER_3(lam: Any) -> None:
    create(lam, "orders")
    lam.publish_version(FunctionName="orders")
    lam.update_function_configuration(FunctionName="orders", Description="two")
    lam.publish_version(FunctionName="orders")
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    lam.create_alias(
        FunctionName="orders",
        Name="canary",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
    )
    for version, users in (("1", "canary, live"), ("2", "canary")):
        with pytest.raises(ClientError) as exc:
            lam.delete_function(FunctionName="orders", Qualifier=version)
        assert error_of(exc) == (
            "ResourceConflictException",
            f"Unable to delete version because the following aliases reference it: [{users}]",
        )
        assert status_of(exc) == 409
    assert version_numbers(lam, "orders") == ["$LATEST", "1", "2"]
    with pytest.raises(ClientError) as exc:
        lam.delete_function(FunctionName="orders", Qualifier="live")
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Deletion of aliases is not currently supported.",
    )


def test_deleting_the_function_deletes_versions_aliases_and_policies__VER_1(lam: Any) -> None:
    create(lam, "orders")
    lam.publish_version(FunctionName="orders")
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    lam.add_permission(
        FunctionName="orders",
        Qualifier="live",
        StatementId="sns",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
    )
    lam.put_function_event_invoke_config(
        FunctionName="orders", Qualifier="1", MaximumRetryAttempts=0
    )
    lam.delete_function(FunctionName="orders")
    create(lam, "orders")
    assert version_numbers(lam, "orders") == ["$LATEST"]
    assert lam.list_aliases(FunctionName="orders")["Aliases"] == []
    assert (
        lam.list_function_event_invoke_configs(FunctionName="orders")["FunctionEventInvokeConfigs"]
        == []
    )
    # a new function starts numbering afresh
    assert lam.publish_version(FunctionName="orders")["Version"] == "1"
    with pytest.raises(ClientError) as exc:
        lam.get_alias(FunctionName="orders", Name="live")
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_list_functions_all_lists_every_version(lam: Any) -> None:
    create(lam, "a")
    lam.publish_version(FunctionName="a")
    create(lam, "b")
    listed = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert [(f["FunctionName"], f["Version"], f["FunctionArn"]) for f in listed] == [
        ("a", "$LATEST", arn("a", "$LATEST")),
        ("a", "1", arn("a", "1")),
        ("b", "$LATEST", arn("b", "$LATEST")),
    ]
    pages = lam.get_paginator("list_functions").paginate(
        FunctionVersion="ALL", PaginationConfig={"PageSize": 1}
    )
    assert [f["FunctionArn"] for f in pages.search("Functions")] == [
        f["FunctionArn"] for f in listed
    ]
    # without ALL: $LATEST only, unqualified
    assert [f["FunctionArn"] for f in lam.list_functions()["Functions"]] == [arn("a"), arn("b")]


def test_account_code_size_counts_versions(lam: Any) -> None:
    create(lam, "orders")
    before = lam.get_account_settings()["AccountUsage"]
    size = lam.get_function_configuration(FunctionName="orders")["CodeSize"]
    lam.publish_version(FunctionName="orders")
    after = lam.get_account_settings()["AccountUsage"]
    assert after["TotalCodeSize"] == before["TotalCodeSize"] + size
    assert after["FunctionCount"] == before["FunctionCount"] == 1
