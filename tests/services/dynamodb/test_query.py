"""Query and Scan: key conditions, sort key order by type, direction, pagination, filters."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.conftest import make_table
from tests.support import error_of


def query(ddb: Any, table: str, condition: str, **params: Any) -> Any:
    values = params.pop("values", {})
    return ddb.query(
        TableName=table,
        KeyConditionExpression=condition,
        ExpressionAttributeValues={":p": {"S": "p"}, **values},
        **params,
    )


def sort_keys(result: Any, name: str = "sk", kind: str = "N") -> list[Any]:
    return [item[name][kind] for item in result["Items"]]


@pytest.fixture(scope="module")
def numbers(ddb: Any) -> str:
    table = make_table(ddb, hash_key=("pk", "S"), range_key=("sk", "N"))
    for value in ("2", "10", "-1", "-1.5", "0", "1e3", "0.25"):
        ddb.put_item(
            TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": value}, "v": {"N": value}}
        )
    ddb.put_item(TableName=table, Item={"pk": {"S": "other"}, "sk": {"N": "5"}})
    return table


def test_number_sort_keys_order_numerically(ddb: Any, numbers: str) -> None:
    result = query(ddb, numbers, "pk = :p")
    assert sort_keys(result) == ["-1.5", "-1", "0", "0.25", "2", "10", "1000"]
    assert (result["Count"], result["ScannedCount"]) == (7, 7)
    backwards = query(ddb, numbers, "pk = :p", ScanIndexForward=False)
    assert sort_keys(backwards) == ["1000", "10", "2", "0.25", "0", "-1", "-1.5"]


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ("sk = :a", {":a": {"N": "2.0"}}, ["2"]),
        ("sk < :a", {":a": {"N": "0"}}, ["-1.5", "-1"]),
        ("sk <= :a", {":a": {"N": "0"}}, ["-1.5", "-1", "0"]),
        ("sk > :a", {":a": {"N": "2"}}, ["10", "1000"]),
        ("sk >= :a", {":a": {"N": "2"}}, ["2", "10", "1000"]),
        ("sk BETWEEN :a AND :b", {":a": {"N": "-1"}, ":b": {"N": "2"}}, ["-1", "0", "0.25", "2"]),
        (":a > sk", {":a": {"N": "0"}}, ["-1.5", "-1"]),
    ],
)
def test_sort_key_conditions(
    ddb: Any, numbers: str, condition: str, values: dict[str, Any], expected: list[str]
) -> None:
    result = query(ddb, numbers, f"pk = :p AND {condition}", values=values)
    assert sort_keys(result) == expected
    reverse = query(ddb, numbers, f"{condition} AND pk = :p", values=values, ScanIndexForward=False)
    assert sort_keys(reverse) == list(reversed(expected))


def test_string_and_binary_sort_keys(ddb: Any) -> None:
    strings = make_table(ddb, hash_key=("pk", "S"), range_key=("sk", "S"))
    for value in ("b", "a", "ab", "é", "Z", "a\x00"):
        ddb.put_item(TableName=strings, Item={"pk": {"S": "p"}, "sk": {"S": value}})
    result = query(ddb, strings, "pk = :p")
    assert sort_keys(result, kind="S") == ["Z", "a", "a\x00", "ab", "b", "é"]  # UTF-8 bytes
    prefixed = query(ddb, strings, "pk = :p AND begins_with(sk, :a)", values={":a": {"S": "a"}})
    assert sort_keys(prefixed, kind="S") == ["a", "a\x00", "ab"]
    binaries = make_table(ddb, hash_key=("pk", "S"), range_key=("sk", "B"))
    for value in (b"\xff", b"\x01\x02", b"\x01", b"\x80"):
        ddb.put_item(TableName=binaries, Item={"pk": {"S": "p"}, "sk": {"B": value}})
    result = query(ddb, binaries, "pk = :p AND begins_with(sk, :b)", values={":b": {"B": b"\x01"}})
    assert sort_keys(result, kind="B") == [b"\x01", b"\x01\x02"]
    assert sort_keys(query(ddb, binaries, "pk = :p"), kind="B") == [
        b"\x01",
        b"\x01\x02",
        b"\x80",
        b"\xff",
    ]


def test_limit_and_pagination(ddb: Any, numbers: str) -> None:
    seen: list[str] = []
    start: dict[str, Any] | None = None
    pages = 0
    while True:
        more = {"ExclusiveStartKey": start} if start else {}
        page = query(ddb, numbers, "pk = :p", Limit=3, ScanIndexForward=False, **more)
        pages += 1
        seen += sort_keys(page)
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert seen == ["1000", "10", "2", "0.25", "0", "-1", "-1.5"]
    # a page that ends with the last item still has a LastEvaluatedKey (API_Query.html):
    # the third page is empty
    assert pages == 3
    paginated = ddb.get_paginator("query").paginate(
        TableName=numbers,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        PaginationConfig={"PageSize": 2},
    )
    assert [n for page in paginated for n in sort_keys(page)][:3] == ["-1.5", "-1", "0"]


def test_filter_and_select(ddb: Any, numbers: str) -> None:
    result = query(ddb, numbers, "pk = :p", FilterExpression="v > :z", values={":z": {"N": "0"}})
    assert sort_keys(result) == ["0.25", "2", "10", "1000"]
    assert (result["Count"], result["ScannedCount"]) == (4, 7)
    counted = query(ddb, numbers, "pk = :p", Select="COUNT")
    assert counted["Count"] == 7
    assert "Items" not in counted
    projected = query(
        ddb, numbers, "pk = :p AND sk = :z", ProjectionExpression="v", values={":z": {"N": "0"}}
    )
    assert projected["Items"] == [{"v": {"N": "0"}}]


@pytest.mark.parametrize(
    ("condition", "values", "message"),
    [
        ("sk = :p", {}, "Query condition missed key schema element: pk"),
        ("pk > :p", {}, "Query key condition not supported"),
        ("pk = :p AND v = :z", {":z": {"N": "1"}}, "Query key condition not supported"),
        (
            "pk = :p OR sk = :z",
            {":z": {"N": "1"}},
            "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR",
        ),
        (
            "pk = :p AND sk = :z",
            {":z": {"S": "1"}},
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type",
        ),
        (
            "pk = :p AND begins_with(sk, :z)",
            {":z": {"S": "1"}},
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N",
        ),
    ],
)
def test_key_condition_errors(
    ddb: Any, numbers: str, condition: str, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as exc:
        query(ddb, numbers, condition, values=values)
    assert error_of(exc) == ("ValidationException", message)


def test_scan_pages_through_every_item(ddb: Any, numbers: str) -> None:
    first = ddb.scan(TableName=numbers, Limit=5)
    assert (first["Count"], first["ScannedCount"]) == (5, 5)
    rest = ddb.scan(TableName=numbers, ExclusiveStartKey=first["LastEvaluatedKey"])
    everything = first["Items"] + rest["Items"]
    assert len(everything) == 8
    assert "LastEvaluatedKey" not in rest
    assert len({(i["pk"]["S"], i["sk"]["N"]) for i in everything}) == 8
    filtered = ddb.scan(
        TableName=numbers,
        FilterExpression="pk = :o",
        ExpressionAttributeValues={":o": {"S": "other"}},
    )
    assert [i["sk"]["N"] for i in filtered["Items"]] == ["5"]
    assert filtered["ScannedCount"] == 8
    with pytest.raises(ClientError) as exc:
        ddb.scan(TableName=numbers, Segment=0, TotalSegments=2)
    assert error_of(exc)[1].startswith("redrive does not support parallel scans")


def test_a_page_stops_after_1_mb(ddb: Any) -> None:
    table = make_table(ddb, hash_key=("pk", "S"), range_key=("sk", "N"))
    for sk in range(4):
        item = {"pk": {"S": "p"}, "sk": {"N": str(sk)}, "v": {"S": "x" * 390_000}}
        ddb.put_item(TableName=table, Item=item)
    first = query(ddb, table, "pk = :p", ProjectionExpression="sk")
    # 3 x 390 KB passes 1 MB: the page ends with the third item
    assert sort_keys(first) == ["0", "1", "2"]
    assert first["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "2"}}
    rest = query(
        ddb,
        table,
        "pk = :p",
        ProjectionExpression="sk",
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert sort_keys(rest) == ["3"]
    assert "LastEvaluatedKey" not in rest


def test_exclusive_start_key_is_checked(ddb: Any, numbers: str) -> None:
    with pytest.raises(ClientError) as exc:
        query(ddb, numbers, "pk = :p", ExclusiveStartKey={"pk": {"S": "p"}})
    assert error_of(exc) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema",
    )
    with pytest.raises(ClientError) as exc:
        query(ddb, numbers, "pk = :p", ExclusiveStartKey={"pk": {"S": "other"}, "sk": {"N": "1"}})
    assert error_of(exc) == (
        "ValidationException",
        "The provided starting key is outside query boundaries based on provided conditions",
    )
