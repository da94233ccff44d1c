"""PutItem, GetItem, DeleteItem: keys, values, numbers, sizes, ReturnValues, projections."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.conftest import make_table
from tests.support import error_of


@pytest.fixture(scope="module")
def table(ddb: Any) -> str:
    return make_table(ddb, hash_key=("pk", "S"), range_key=("sk", "N"))


def key(pk: str, sk: str = "1") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": sk}}


def test_put_then_get_every_type(ddb: Any, table: str) -> None:
    item = {
        **key("types"),
        "s": {"S": "héllo"},
        "empty": {"S": ""},
        "b": {"B": b"\x00\xff"},
        "bool": {"BOOL": False},
        "null": {"NULL": True},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"x", b"y"]},
        "m": {"M": {"inner": {"L": [{"N": "1"}, {"S": "two"}]}}},
    }
    ddb.put_item(TableName=table, Item=item)
    assert ddb.get_item(TableName=table, Key=key("types"), ConsistentRead=True)["Item"] == item
    assert "Item" not in ddb.get_item(TableName=table, Key=key("absent"))


def test_numbers_are_stored_canonical_and_exact(ddb: Any, table: str) -> None:
    big = "12345678901234567890123456789012345678"  # 38 digits: kept exactly
    ddb.put_item(
        TableName=table,
        Item={
            **key("num"),
            "a": {"N": "1.50"},
            "b": {"N": "1e2"},
            "c": {"N": big},
            "d": {"N": "-0"},
        },
    )
    got = ddb.get_item(TableName=table, Key=key("num"))["Item"]
    assert [got[k]["N"] for k in "abcd"] == ["1.5", "100", big, "0"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "The parameter cannot be converted to a numeric value: abc"),
        ("1" * 39, "Attempting to store more than 38 significant digits in a Number"),
        (
            "1e126",
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range",
        ),
        (
            "1e-131",
            "Number underflow. Attempting to store a number with magnitude smaller than supported "
            "range",
        ),
    ],
)
def test_invalid_numbers_are_refused(ddb: Any, table: str, value: str, message: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName=table, Item={**key("bad"), "n": {"N": value}})
    assert error_of(exc) == ("ValidationException", message)


def test_key_validation(ddb: Any, table: str) -> None:
    cases = [
        (
            {"pk": {"S": "a"}},
            "One or more parameter values were invalid: Missing the key sk in the item",
        ),
        (
            {"pk": {"S": "a"}, "sk": {"S": "1"}},
            "One or more parameter values were invalid: Type mismatch for key sk expected: N "
            "actual: S",
        ),
        (
            {"pk": {"S": ""}, "sk": {"N": "1"}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk",
        ),
    ]
    for item, message in cases:
        with pytest.raises(ClientError) as exc:
            ddb.put_item(TableName=table, Item=item)
        assert error_of(exc) == ("ValidationException", message)
    for bad_key in (
        {"pk": {"S": "a"}},
        {**key("a"), "x": {"S": "1"}},
        {"pk": {"N": "1"}, "sk": {"N": "1"}},
    ):
        with pytest.raises(ClientError) as exc:
            ddb.get_item(TableName=table, Key=bad_key)
        assert error_of(exc) == (
            "ValidationException",
            "The provided key element does not match the schema",
        )


def test_invalid_values_change_nothing(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**key("keep"), "v": {"S": "old"}})
    for bad, message in [
        (
            {"SS": ["a", "a"]},
            "One or more parameter values were invalid: Input collection [a, a] contains "
            "duplicates.",
        ),
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        (
            {},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
            "the supported datatypes",
        ),
        (
            {"NULL": False},
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true",
        ),
    ]:
        with pytest.raises(ClientError) as exc:
            ddb.put_item(TableName=table, Item={**key("keep"), "v": bad})
        assert error_of(exc) == ("ValidationException", message)
    assert ddb.get_item(TableName=table, Key=key("keep"))["Item"]["v"] == {"S": "old"}


def test_item_size_limit(ddb: Any, table: str) -> None:
    # 400 KB = 409,600 bytes: names and values count ("pk"+"big" 5, "sk"+1 4, "v" 1)
    fits = {**key("big"), "v": {"S": "x" * (409_600 - 10)}}
    ddb.put_item(TableName=table, Item=fits)
    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName=table, Item={**key("big"), "v": {"S": "x" * (409_600 - 9)}})
    assert error_of(exc) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_return_values_all_old(ddb: Any, table: str) -> None:
    first = ddb.put_item(
        TableName=table, Item={**key("rv"), "v": {"N": "1"}}, ReturnValues="ALL_OLD"
    )
    assert "Attributes" not in first
    second = ddb.put_item(
        TableName=table, Item={**key("rv"), "v": {"N": "2"}}, ReturnValues="ALL_OLD"
    )
    assert second["Attributes"] == {**key("rv"), "v": {"N": "1"}}
    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName=table, Item=key("rv"), ReturnValues="ALL_NEW")
    assert error_of(exc) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    deleted = ddb.delete_item(TableName=table, Key=key("rv"), ReturnValues="ALL_OLD")
    assert deleted["Attributes"]["v"] == {"N": "2"}
    assert "Attributes" not in ddb.delete_item(
        TableName=table, Key=key("rv"), ReturnValues="ALL_OLD"
    )


def test_projection_expression(ddb: Any, table: str) -> None:
    ddb.put_item(
        TableName=table,
        Item={
            **key("proj"),
            "a": {"S": "x"},
            "status": {"S": "on"},
            "m": {"M": {"deep": {"N": "1"}, "other": {"N": "2"}}},
            "l": {"L": [{"S": "zero"}, {"S": "one"}, {"S": "two"}]},
        },
    )
    got = ddb.get_item(
        TableName=table,
        Key=key("proj"),
        ProjectionExpression="a, #s, m.deep, l[2], absent",
        ExpressionAttributeNames={"#s": "status"},
    )["Item"]
    assert got == {
        "a": {"S": "x"},
        "status": {"S": "on"},
        "m": {"M": {"deep": {"N": "1"}}},
        "l": {"L": [{"S": "two"}]},
    }


def test_consumed_capacity(ddb: Any, table: str) -> None:
    put = ddb.put_item(
        TableName=table, Item={**key("cap"), "v": {"S": "x" * 1500}}, ReturnConsumedCapacity="TOTAL"
    )
    assert put["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 2.0}
    got = ddb.get_item(TableName=table, Key=key("cap"), ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"]["CapacityUnits"] == 0.5
