"""Aliases through boto3: CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases and the
RoutingConfig checks (VER-3, VER-4, VER-5)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import ROLE, arn, create
from tests.services.lambda_.test_versions import PRECONDITION, body
from tests.support import error_of, status_of


@pytest.fixture
def fn(lam: Any) -> str:
    """A function with versions 1 and 2 (different environments, as in the recordings)."""
    create(lam, "orders", Environment={"Variables": {"STAGE": "staging"}})
    lam.publish_version(FunctionName="orders")
    lam.update_function_configuration(
        FunctionName="orders", Environment={"Variables": {"STAGE": "prod"}}
    )
    lam.publish_version(FunctionName="orders")
    return "orders"


def aliases(lam: Any, fn: str, **extra: Any) -> list[str]:
    return [a["Name"] for a in lam.list_aliases(FunctionName=fn, **extra)["Aliases"]]


def test_alias_lifecycle__VER_3(lam: Any, fn: str) -> None:
    created = lam.create_alias(
        FunctionName=fn,
        Name="live",
        FunctionVersion="1",
        Description="custom-alias",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert body(created) == {
        "AliasArn": arn(fn, "live"),
        "Name": "live",
        "FunctionVersion": "1",
        "Description": "custom-alias",
        "RevisionId": created["RevisionId"],
        "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.2}},
    }
    assert body(lam.get_alias(FunctionName=fn, Name="live")) == body(created)
    assert body(lam.get_alias(FunctionName=arn(fn), Name="live")) == body(created)
    # GetFunction through the alias: the primary version, the alias's ARN
    for params in ({"FunctionName": fn, "Qualifier": "live"}, {"FunctionName": arn(fn, "live")}):
        configuration = lam.get_function(**params)["Configuration"]
        assert configuration["FunctionArn"] == arn(fn, "live")
        assert configuration["Version"] == "1"
        assert configuration["Environment"] == {"Variables": {"STAGE": "staging"}}
    # no RoutingConfig without weights; an empty one is none (recorded)
    plain = lam.create_alias(FunctionName=fn, Name="plain", FunctionVersion="2", RoutingConfig={})
    assert "RoutingConfig" not in plain
    assert plain["Description"] == ""
    # UpdateAlias with {} weights sends everything to the FunctionVersion (VER-5)
    updated = lam.update_alias(
        FunctionName=fn, Name="live", RoutingConfig={"AdditionalVersionWeights": {}}
    )
    assert "RoutingConfig" not in updated
    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["Description"] == "custom-alias"
    # an update without changes still changes the RevisionId (recorded: update_alias_1_2)
    again = lam.update_alias(FunctionName=fn, Name="live")
    assert again["RevisionId"] != updated["RevisionId"]
    moved = lam.update_alias(
        FunctionName=fn, Name="live", FunctionVersion="2", RevisionId=again["RevisionId"]
    )
    assert moved["FunctionVersion"] == "2"
    deleted = lam.delete_alias(FunctionName=fn, Name="live")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert aliases(lam, fn) == ["plain"]


def test_alias_to_latest_without_routing__VER_4(lam: Any, fn: str) -> None:
    created = lam.create_alias(FunctionName=fn, Name="edge", FunctionVersion="$LATEST")
    assert created["FunctionVersion"] == "$LATEST"
    configuration = lam.get_function_configuration(FunctionName=f"{fn}:edge")
    assert configuration["Version"] == "$LATEST"
    assert configuration["FunctionArn"] == arn(fn, "edge")


def test_list_aliases_filtered_and_paged__VER_3(lam: Any, fn: str) -> None:
    for name, version in (("b", "1"), ("a", "2"), ("d", "1"), ("c", "1")):
        lam.create_alias(FunctionName=fn, Name=name, FunctionVersion=version)
    assert aliases(lam, fn) == ["a", "b", "c", "d"]
    assert aliases(lam, fn, FunctionVersion="1") == ["b", "c", "d"]
    first = lam.list_aliases(FunctionName=fn, MaxItems=3)
    assert [a["Name"] for a in first["Aliases"]] == ["a", "b", "c"]
    rest = lam.list_aliases(FunctionName=fn, MaxItems=3, Marker=first["NextMarker"])
    assert [a["Name"] for a in rest["Aliases"]] == ["d"]
    assert "NextMarker" not in rest
    pages = lam.get_paginator("list_aliases").paginate(
        FunctionName=fn, FunctionVersion="1", PaginationConfig={"PageSize": 1}
    )
    assert [a["Name"] for a in pages.search("Aliases")] == ["b", "c", "d"]
    with pytest.raises(ClientError) as exc:
        lam.list_aliases(FunctionName=fn, Marker="bogus")
    assert error_of(exc) == ("InvalidParameterValueException", "Invalid Marker: bogus")


def test_alias_not_found_and_duplicates__VER_3(lam: Any, fn: str) -> None:
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as exc:
        lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="2")
    assert error_of(exc) == (
        "ResourceConflictException",
        f"Alias already exists: {arn(fn, 'live')}",
    )
    assert status_of(exc) == 409
    assert lam.get_alias(FunctionName=fn, Name="live")["FunctionVersion"] == "1"
    missing = ("ResourceNotFoundException", f"Cannot find alias arn: {arn(fn, 'nope')}")
    for call in (lam.get_alias, lam.delete_alias, lam.update_alias):
        with pytest.raises(ClientError) as exc:
            call(FunctionName=fn, Name="nope")
        assert error_of(exc) == missing
        assert status_of(exc) == 404
    with pytest.raises(ClientError) as exc:
        lam.get_alias(FunctionName="ghost", Name="live")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {arn('ghost')}")
    with pytest.raises(ClientError) as exc:
        lam.list_aliases(FunctionName="ghost")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {arn('ghost')}")


def test_alias_names_are_not_version_numbers__VER_3(lam: Any, fn: str) -> None:
    with pytest.raises(ClientError) as exc:
        lam.create_alias(FunctionName=fn, Name="2024", FunctionVersion="1")
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
    )
    assert lam.create_alias(FunctionName=fn, Name="2024-01-02", FunctionVersion="1")["Name"] == (
        "2024-01-02"
    )


def test_routing_config_checks__VER_4(unchecked_lam: Any, lam: Any, fn: str) -> None:
    def refused(**params: Any) -> tuple[str, str]:
        with pytest.raises(ClientError) as exc:
            unchecked_lam.create_alias(FunctionName=params.pop("fn", fn), Name="custom", **params)
        assert status_of(exc) in (400, 404)
        return error_of(exc)

    def weights(value: dict[str, Any]) -> dict[str, Any]:
        return {"RoutingConfig": {"AdditionalVersionWeights": value}}

    range_message = (
        "1 validation error detected: Value '{{2={}}}' at 'routingConfig.additionalVersionWeights' "
        "failed to satisfy constraint: Map value must satisfy constraint: [Member must have "
        "value less than or equal to 1.0, Member must have value greater than or equal to 0.0, "
        "Member must not be null]"
    )
    assert refused(FunctionVersion="1", **weights({"1": 0.8, "2": 0.2})) == (
        "InvalidParameterValueException",
        "Number of items in AdditionalVersionWeights cannot be greater than 1",
    )
    assert refused(FunctionVersion="1", **weights({"2": 2})) == (
        "ValidationException",
        range_message.format("2.0"),
    )
    assert refused(FunctionVersion="1", **weights({"2": -1})) == (
        "ValidationException",
        range_message.format("-1.0"),
    )
    assert refused(FunctionVersion="1", **weights({"1": 0.5})) == (
        "InvalidParameterValueException",
        "Invalid function version 1. Function version 1 is already included in routing "
        "configuration.",
    )
    assert refused(FunctionVersion="10", **weights({"2": 0.5})) == (
        "ResourceNotFoundException",
        f"Function not found: {arn(fn, '10')}",
    )
    assert refused(FunctionVersion="1", **weights({"10": 0.5})) == (
        "ResourceNotFoundException",
        f"Function not found: {arn(fn, '10')}",
    )
    assert refused(FunctionVersion="$LATEST", **weights({"1": 0.5})) == (
        "InvalidParameterValueException",
        "$LATEST is not supported for an alias pointing to more than 1 version",
    )
    assert refused(FunctionVersion="1", **weights({"$LATEST": 0.5})) == (
        "ValidationException",
        "1 validation error detected: Value '{$LATEST=0.5}' at "
        "'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must "
        "satisfy constraint: [Member must have length less than or equal to 1024, Member must "
        "have length greater than or equal to 1, Member must satisfy regular expression "
        "pattern: [0-9]+, Member must not be null]",
    )
    assert refused(fn="ghost", FunctionVersion="1", **weights({"2": 0.5})) == (
        "ResourceNotFoundException",
        f"Function not found: {arn('ghost', '1')}",
    )
    assert aliases(lam, fn) == []
    # the same checks on UpdateAlias, and nothing changes
    lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as exc:
        lam.update_alias(FunctionName=fn, Name="live", **weights({"1": 0.5}))
    assert error_of(exc)[1].startswith("Invalid function version 1.")
    assert "RoutingConfig" not in lam.get_alias(FunctionName=fn, Name="live")


def test_routed_versions_share_the_execution_role__VER_4(lam: Any, fn: str) -> None:
    lam.update_function_configuration(FunctionName=fn, Role=ROLE + "-other")
    lam.publish_version(FunctionName=fn)
    with pytest.raises(ClientError) as exc:
        lam.create_alias(
            FunctionName=fn,
            Name="live",
            FunctionVersion="2",
            RoutingConfig={"AdditionalVersionWeights": {"3": 0.5}},
        )
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Specified versions must be associated with the same execution role",
    )
    assert aliases(lam, fn) == []


def test_update_alias_revision_precondition__VER_3(lam: Any, fn: str) -> None:
    created = lam.create_alias(FunctionName=fn, Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as exc:
        lam.update_alias(FunctionName=fn, Name="live", FunctionVersion="2", RevisionId="wrong")
    assert error_of(exc) == PRECONDITION
    assert status_of(exc) == 412
    assert body(lam.get_alias(FunctionName=fn, Name="live")) == body(created)
    # creating an alias changes neither $LATEST's nor the version's RevisionId (recorded)
    before = lam.get_function_configuration(FunctionName=fn)["RevisionId"]
    version = lam.get_function_configuration(FunctionName=fn, Qualifier="1")["RevisionId"]
    lam.create_alias(FunctionName=fn, Name="other", FunctionVersion="1")
    assert lam.get_function_configuration(FunctionName=fn)["RevisionId"] == before
    assert lam.get_function_configuration(FunctionName=fn, Qualifier="1")["RevisionId"] == version
