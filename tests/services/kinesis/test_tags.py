"""Stream tags: add, list with paging, remove, limits."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.kinesis.conftest import ACCOUNT, make_stream, unique
from tests.support import error_of


def test_add_list_and_remove_tags(kinesis: Any) -> None:
    name = make_stream(kinesis)
    kinesis.add_tags_to_stream(StreamName=name, Tags={"team": "data", "env": "test"})
    kinesis.add_tags_to_stream(StreamName=name, Tags={"env": "prod"})
    listed = kinesis.list_tags_for_stream(StreamName=name)
    assert listed["Tags"] == [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "data"}]
    assert listed["HasMoreTags"] is False
    page = kinesis.list_tags_for_stream(StreamName=name, Limit=1)
    assert page["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert page["HasMoreTags"] is True
    rest = kinesis.list_tags_for_stream(StreamName=name, ExclusiveStartTagKey="env")
    assert rest["Tags"] == [{"Key": "team", "Value": "data"}]
    kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["team", "absent"])
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == [
        {"Key": "env", "Value": "prod"}
    ]


def test_tags_given_at_creation(kinesis: Any) -> None:
    name = unique()
    kinesis.create_stream(StreamName=name, ShardCount=1, Tags={"owner": "me"})
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == [
        {"Key": "owner", "Value": "me"}
    ]


def test_at_most_fifty_tags(kinesis: Any) -> None:
    name = make_stream(kinesis)
    kinesis.add_tags_to_stream(StreamName=name, Tags={f"k{i}": "v" for i in range(50)})
    with pytest.raises(ClientError) as exc:
        kinesis.add_tags_to_stream(StreamName=name, Tags={"one-more": "v"})
    assert error_of(exc) == (
        "InvalidArgumentException",
        f"Failed to add tags to stream {name} under account {ACCOUNT} because a given stream "
        "cannot have more than 50 tags associated with it.",
    )
    kinesis.add_tags_to_stream(StreamName=name, Tags={"k0": "replaced"})
    assert len(kinesis.list_tags_for_stream(StreamName=name)["Tags"]) == 50


def test_tag_characters(kinesis: Any) -> None:
    name = make_stream(kinesis)
    kinesis.add_tags_to_stream(StreamName=name, Tags={"ünïcode key_.:/=+-@%": "a value 1"})
    with pytest.raises(ClientError) as exc:
        kinesis.add_tags_to_stream(StreamName=name, Tags={"bad*key": "v"})
    assert error_of(exc) == (
        "InvalidArgumentException",
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, "
        "white space, _ . / = + - % @ :.",
    )
    assert len(kinesis.list_tags_for_stream(StreamName=name)["Tags"]) == 1
