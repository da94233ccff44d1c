"""Stream records: one per changing write, in the same transaction, in STRM-2's format."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from redrive import Cloud
from tests.services.dynamodb.conftest import REGION, make_table, records, stream_arn

KEY = {"pk": {"S": "hello world"}}
FIRST = {**KEY, "binary_key": {"B": b"foobar"}}
SECOND = {**KEY, "n": {"N": "42"}}


def write_insert_modify_remove(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item=FIRST)
    ddb.put_item(TableName=table, Item=SECOND)
    ddb.delete_item(TableName=table, Key=KEY)


@pytest.mark.parametrize(
    ("view", "images"),
    [
        ("KEYS_ONLY", [(None, None), (None, None), (None, None)]),
        ("NEW_IMAGE", [(FIRST, None), (SECOND, None), (None, None)]),
        ("OLD_IMAGE", [(None, None), (None, FIRST), (None, SECOND)]),
        ("NEW_AND_OLD_IMAGES", [(FIRST, None), (SECOND, FIRST), (None, SECOND)]),
    ],
)
def test_insert_modify_remove_in_each_view_type__STRM_2(
    cloud: Cloud, ddb: Any, streams: Any, view: str, images: list[tuple[Any, Any]]
) -> None:
    table = make_table(ddb, view=view)
    arn = stream_arn(ddb, table)
    before = cloud.now()
    write_insert_modify_remove(ddb, table)
    found = records(streams, arn)
    assert [r["eventName"] for r in found] == ["INSERT", "MODIFY", "REMOVE"]
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in found]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    for record, (new, old) in zip(found, images, strict=True):
        assert list(record) == [
            "eventID",
            "eventName",
            "eventVersion",
            "eventSource",
            "awsRegion",
            "dynamodb",
        ]
        assert (record["eventVersion"], record["eventSource"], record["awsRegion"]) == (
            "1.1",
            "aws:dynamodb",
            REGION,
        )
        assert len(record["eventID"]) == 32
        body = record["dynamodb"]
        assert body["Keys"] == KEY
        assert body["StreamViewType"] == view
        assert body.get("NewImage") == new
        assert body.get("OldImage") == old
        created = body["ApproximateCreationDateTime"]
        assert created == dt.datetime.fromtimestamp(int(before), tz=dt.timezone.utc)
    # SizeBytes: keys plus the images kept ("pk" + "hello world" = 13 bytes; FIRST adds
    # "binary_key" + 6 bytes; SECOND adds "n" + 42 (2 bytes))
    sizes = {
        "KEYS_ONLY": [13, 13, 13],
        "NEW_IMAGE": [13 + 29, 13 + 16, 13],
        "OLD_IMAGE": [13, 13 + 29, 13 + 16],
        "NEW_AND_OLD_IMAGES": [42, 13 + 16 + 29, 13 + 16],
    }
    assert [r["dynamodb"]["SizeBytes"] for r in found] == sizes[view]


def test_sizes_match_a_recorded_aws_record__STRM_2(ddb: Any, streams: Any) -> None:
    """STRM-2's recorded INSERT: keys {"my_partition_key": "hello world"} and a 6-byte
    binary attribute, NEW_IMAGE: SizeBytes 70."""
    table = make_table(ddb, hash_key=("my_partition_key", "S"), view="NEW_IMAGE")
    ddb.put_item(
        TableName=table,
        Item={"my_partition_key": {"S": "hello world"}, "binary_key": {"B": b"foobar"}},
    )
    [record] = records(streams, stream_arn(ddb, table))
    assert record["dynamodb"]["SizeBytes"] == 70


def test_writes_that_change_nothing_make_no_record__STRM_2(ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="NEW_AND_OLD_IMAGES")
    ddb.put_item(TableName=table, Item={**KEY, "n": {"N": "1"}})
    ddb.put_item(TableName=table, Item={**KEY, "n": {"N": "1.0"}})  # the same number
    ddb.update_item(
        TableName=table,
        Key=KEY,
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
    )
    ddb.delete_item(TableName=table, Key={"pk": {"S": "never written"}})
    assert [r["eventName"] for r in records(streams, stream_arn(ddb, table))] == ["INSERT"]


def test_refused_writes_make_no_record(ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="KEYS_ONLY")
    ddb.put_item(TableName=table, Item=KEY)
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName=table, Item=SECOND, ConditionExpression="attribute_not_exists(pk)")
    assert len(records(streams, stream_arn(ddb, table))) == 1


def test_update_item_records_insert_then_modify__STRM_2(ddb: Any, streams: Any) -> None:
    table = make_table(ddb, view="NEW_AND_OLD_IMAGES")
    for _ in range(2):
        ddb.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="ADD n :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
    first, second = records(streams, stream_arn(ddb, table))
    assert (first["eventName"], second["eventName"]) == ("INSERT", "MODIFY")
    assert "OldImage" not in first["dynamodb"]
    assert second["dynamodb"]["OldImage"]["n"] == {"N": "1"}
    assert second["dynamodb"]["NewImage"]["n"] == {"N": "2"}
