"""UpdateItem: SET, REMOVE, ADD, DELETE, arithmetic, functions, ReturnValues and errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.conftest import make_table
from tests.support import error_of


@pytest.fixture(scope="module")
def table(ddb: Any) -> str:
    return make_table(ddb, hash_key=("id", "S"))


def update(ddb: Any, table: str, ident: str, expression: str, **values: Any) -> Any:
    params: dict[str, Any] = {
        "TableName": table,
        "Key": {"id": {"S": ident}},
        "UpdateExpression": expression,
        "ReturnValues": "ALL_NEW",
    }
    if values:
        params["ExpressionAttributeValues"] = values
    return ddb.update_item(**params).get("Attributes")


def test_update_creates_the_item(ddb: Any, table: str) -> None:
    got = update(ddb, table, "new", "SET a = :v", **{":v": {"S": "x"}})
    assert got == {"id": {"S": "new"}, "a": {"S": "x"}}


def test_counters_add_exactly(ddb: Any, table: str) -> None:
    update(ddb, table, "count", "SET n = :start", **{":start": {"N": "0.1"}})
    got = update(ddb, table, "count", "SET n = n + :d", **{":d": {"N": "0.2"}})
    assert got["n"] == {"N": "0.3"}  # decimal, not float: 0.1 + 0.2 is 0.3
    got = update(ddb, table, "count", "SET n = n - :d", **{":d": {"N": "1"}})
    assert got["n"] == {"N": "-0.7"}
    got = update(ddb, table, "count", "ADD hits :one", **{":one": {"N": "1"}})
    got = update(ddb, table, "count", "ADD hits :one", **{":one": {"N": "1"}})
    assert got["hits"] == {"N": "2"}


def test_remove_and_sets(ddb: Any, table: str) -> None:
    update(
        ddb,
        table,
        "sets",
        "SET gone = :v, tags = :tags",
        **{":v": {"S": "x"}, ":tags": {"SS": ["a", "b"]}},
    )
    got = update(ddb, table, "sets", "REMOVE gone ADD tags :more", **{":more": {"SS": ["b", "c"]}})
    assert "gone" not in got
    assert sorted(got["tags"]["SS"]) == ["a", "b", "c"]
    got = update(ddb, table, "sets", "DELETE tags :drop", **{":drop": {"SS": ["a", "b", "c"]}})
    assert "tags" not in got  # an emptied set goes away


def test_documents_and_functions(ddb: Any, table: str) -> None:
    update(ddb, table, "doc", "SET m = :m, l = :l", **{":m": {"M": {}}, ":l": {"L": [{"N": "1"}]}})
    got = update(
        ddb,
        table,
        "doc",
        "SET m.nested = :v, l = list_append(l, :more), earliest = if_not_exists(earliest, :v)",
        **{":v": {"S": "x"}, ":more": {"L": [{"N": "2"}]}},
    )
    assert got["m"] == {"M": {"nested": {"S": "x"}}}
    assert got["l"] == {"L": [{"N": "1"}, {"N": "2"}]}
    assert got["earliest"] == {"S": "x"}
    got = update(
        ddb,
        table,
        "doc",
        "SET earliest = if_not_exists(earliest, :y) REMOVE l[0]",
        **{":y": {"S": "y"}},
    )
    assert got["earliest"] == {"S": "x"}
    assert got["l"] == {"L": [{"N": "2"}]}


def test_updated_old_and_new(ddb: Any, table: str) -> None:
    update(ddb, table, "rv", "SET a = :one, b = :one", **{":one": {"N": "1"}})
    params = {
        "TableName": table,
        "Key": {"id": {"S": "rv"}},
        "UpdateExpression": "SET a = :two",
        "ExpressionAttributeValues": {":two": {"N": "2"}},
    }
    assert ddb.update_item(**params, ReturnValues="UPDATED_OLD")["Attributes"] == {"a": {"N": "1"}}
    params["ExpressionAttributeValues"] = {":two": {"N": "3"}}
    assert ddb.update_item(**params, ReturnValues="UPDATED_NEW")["Attributes"] == {"a": {"N": "3"}}
    assert "Attributes" not in ddb.update_item(**params)


@pytest.mark.parametrize(
    ("expression", "values", "message"),
    [
        (
            "SET id = :v",
            {":v": {"S": "x"}},
            "One or more parameter values were invalid: Cannot update attribute id. This "
            "attribute is part of the key",
        ),
        (
            "SET a = missing_attr + :v",
            {":v": {"N": "1"}},
            "The provided expression refers to an attribute that does not exist in the item",
        ),
        (
            "SET a = s + :v",
            {":v": {"N": "1"}},
            "An operand in the update expression has an incorrect data type",
        ),
        (
            "SET nope.deeper = :v",
            {":v": {"N": "1"}},
            "The document path provided in the update expression is invalid for update",
        ),
        (
            "SET a = :v, a = :v",
            {":v": {"N": "1"}},
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
            "rewrite one of these paths; path one: [a], path two: [a]",
        ),
        (
            "SET a = :v SET b = :v",
            {":v": {"N": "1"}},
            'Invalid UpdateExpression: The "SET" section can only be used once in an update '
            "expression;",
        ),
        (
            "ADD s :v",
            {":v": {"S": "x"}},
            "Invalid UpdateExpression: Incorrect operand type for operator or function; "
            "operator: ADD, operand type: STRING",
        ),
        (
            "SET a = :big + :big",
            {":big": {"N": "9" * 38}},
            "Attempting to store more than 38 significant digits in a Number",
        ),
    ],
)
def test_update_errors_change_nothing(
    ddb: Any, table: str, expression: str, values: dict[str, Any], message: str
) -> None:
    ddb.put_item(TableName=table, Item={"id": {"S": "err"}, "s": {"S": "text"}})
    with pytest.raises(ClientError) as exc:
        update(ddb, table, "err", expression, **values)
    assert error_of(exc) == ("ValidationException", message)
    item = ddb.get_item(TableName=table, Key={"id": {"S": "err"}})["Item"]
    assert item == {"id": {"S": "err"}, "s": {"S": "text"}}
