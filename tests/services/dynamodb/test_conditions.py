"""ConditionExpression on PutItem, UpdateItem and DeleteItem; expression errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.conftest import make_table
from tests.support import error_of

FAILED = ("ConditionalCheckFailedException", "The conditional request failed")


@pytest.fixture(scope="module")
def table(ddb: Any) -> str:
    return make_table(ddb, hash_key=("id", "S"))


def item(ident: str, **attrs: Any) -> dict[str, Any]:
    return {"id": {"S": ident}, **attrs}


def test_put_if_not_exists(ddb: Any, table: str) -> None:
    condition = {"ConditionExpression": "attribute_not_exists(id)"}
    ddb.put_item(TableName=table, Item=item("once", v={"N": "1"}), **condition)
    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName=table, Item=item("once", v={"N": "2"}), **condition)
    assert error_of(exc) == FAILED
    assert ddb.get_item(TableName=table, Key=item("once"))["Item"]["v"] == {"N": "1"}


def test_update_and_delete_if_exists(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.update_item(
            TableName=table,
            Key=item("ghost"),
            UpdateExpression="SET v = :v",
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeValues={":v": {"N": "1"}},
        )
    assert error_of(exc) == FAILED
    assert "Item" not in ddb.get_item(TableName=table, Key=item("ghost"))
    with pytest.raises(ClientError) as exc:
        ddb.delete_item(
            TableName=table, Key=item("ghost"), ConditionExpression="attribute_exists(id)"
        )
    assert error_of(exc) == FAILED


def test_optimistic_locking_with_equality(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item=item("lock", version={"N": "1"}))
    update = {
        "TableName": table,
        "Key": item("lock"),
        "UpdateExpression": "SET version = :next",
        "ConditionExpression": "version = :expected",
    }
    ddb.update_item(
        **update, ExpressionAttributeValues={":next": {"N": "2"}, ":expected": {"N": "1.0"}}
    )
    with pytest.raises(ClientError) as exc:
        ddb.update_item(
            **update, ExpressionAttributeValues={":next": {"N": "3"}, ":expected": {"N": "1"}}
        )
    assert error_of(exc) == FAILED
    assert ddb.get_item(TableName=table, Key=item("lock"))["Item"]["version"] == {"N": "2"}


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ("n > :five", True),
        ("n < :five", False),
        ("n BETWEEN :five AND :twenty", True),
        ("n IN (:five, :ten)", True),
        ("s = :ten", False),  # different types are never equal
        ("s <> :ten", True),
        ("begins_with(s, :pre)", True),
        ("contains(tags, :pre)", False),
        ("contains(tags, :red)", True),
        ("size(tags) = :two", True),
        ("attribute_type(n, :N)", True),
        ("NOT (n > :five) OR absent_attr = :five", False),
        ("(n > :five AND s <> :pre) OR attribute_exists(nope)", True),
    ],
)
def test_condition_language(ddb: Any, table: str, condition: str, holds: bool) -> None:
    ddb.put_item(
        TableName=table,
        Item=item("lang", n={"N": "10"}, s={"S": "prefix-x"}, tags={"SS": ["red", "blue"]}),
    )
    all_values = {
        ":five": {"N": "5"},
        ":ten": {"N": "10"},
        ":twenty": {"N": "20"},
        ":two": {"N": "2"},
        ":pre": {"S": "prefix"},
        ":red": {"S": "red"},
        ":N": {"S": "N"},
    }
    used = {k: v for k, v in all_values.items() if k in condition}
    params = {
        "TableName": table,
        "Item": item("lang", n={"N": "10"}, s={"S": "prefix-x"}, tags={"SS": ["red", "blue"]}),
        "ConditionExpression": condition,
        "ExpressionAttributeValues": used,
    }
    if holds:
        ddb.put_item(**params)
    else:
        with pytest.raises(ClientError) as exc:
            ddb.put_item(**params)
        assert error_of(exc) == FAILED


def test_failed_condition_can_return_the_item(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item=item("ret", v={"S": "stored"}))
    with pytest.raises(ClientError) as exc:
        ddb.put_item(
            TableName=table,
            Item=item("ret"),
            ConditionExpression="attribute_not_exists(id)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert exc.value.response["Item"] == item("ret", v={"S": "stored"})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"ConditionExpression": "v = "},
            'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="',
        ),
        (
            {"ConditionExpression": "status = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}},
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: "
            "status",
        ),
        (
            {"ConditionExpression": "#s = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}},
            "Invalid ConditionExpression: An expression attribute name used in the document path "
            "is not defined; attribute name: #s",
        ),
        (
            {"ConditionExpression": "v = :v"},
            "Invalid ConditionExpression: An expression attribute value used in expression is not "
            "defined; attribute value: :v",
        ),
        (
            {
                "ConditionExpression": "attribute_exists(v)",
                "ExpressionAttributeNames": {"#unused": "x"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}",
        ),
        (
            {"ExpressionAttributeValues": {":v": {"N": "1"}}},
            "ExpressionAttributeValues can only be specified when using expressions: "
            "ConditionExpression is null",
        ),
        (
            {"ConditionExpression": "bogus(v)"},
            "Invalid ConditionExpression: Invalid function name; function: bogus",
        ),
        (
            {"ConditionExpression": "((v = :v))", "ExpressionAttributeValues": {":v": {"N": "1"}}},
            "Invalid ConditionExpression: The expression has redundant parentheses;",
        ),
        (
            {"ConditionExpression": ""},
            "Invalid ConditionExpression: The expression can not be empty;",
        ),
        (
            {"Expected": {"v": {"Exists": False}}},
            "redrive does not support the legacy parameter Expected (use the expression "
            "parameters) yet.",
        ),
    ],
)
def test_expression_errors(ddb: Any, table: str, params: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName=table, Item=item("err"), **params)
    assert error_of(exc) == ("ValidationException", message)
    assert "Item" not in ddb.get_item(TableName=table, Key=item("err"))
