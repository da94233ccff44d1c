"""Tables: CreateTable's validation, DescribeTable and the waiter, ListTables, UpdateTable,
DeleteTable."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from redrive.services._base import RequestContext
from redrive.services.dynamodb import state
from redrive.services.dynamodb.streams import state as stream_state
from tests.services.dynamodb.conftest import ACCOUNT, REGION, make_table, unique
from tests.support import error_of, status_of

KEY = [{"AttributeName": "id", "KeyType": "HASH"}]
ID_S = [{"AttributeName": "id", "AttributeType": "S"}]


def create(ddb: Any, **params: Any) -> Any:
    params.setdefault("TableName", unique())
    params.setdefault("KeySchema", KEY)
    params.setdefault("AttributeDefinitions", ID_S)
    params.setdefault("BillingMode", "PAY_PER_REQUEST")
    return ddb.create_table(**params)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"AttributeDefinitions": [{"AttributeName": "other", "AttributeType": "S"}]},
            "One or more parameter values were invalid: Some index key attributes are not "
            "defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [other]",
        ),
        (
            {"AttributeDefinitions": [*ID_S, {"AttributeName": "x", "AttributeType": "N"}]},
            "One or more parameter values were invalid: Number of attributes in KeySchema does "
            "not exactly match number of attributes defined in AttributeDefinitions",
        ),
        (
            {"KeySchema": [*KEY, {"AttributeName": "sk", "KeyType": "RANGE"}]},
            "Invalid KeySchema: Some index key attribute have no definition",
        ),
        (
            {
                "KeySchema": [{"AttributeName": "id", "KeyType": "RANGE"}],
            },
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            {"BillingMode": "PROVISIONED"},
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
            "must both be specified when BillingMode is PROVISIONED",
        ),
        (
            {"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}},
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
            "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ),
        (
            {"TableName": "ab"},
            "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 3",
        ),
    ],
)
def test_create_table_validates_like_aws(ddb: Any, params: dict[str, Any], message: str) -> None:
    name = params.setdefault("TableName", unique())
    with pytest.raises(ClientError) as exc:
        create(ddb, **params)
    assert error_of(exc) == ("ValidationException", message)
    assert status_of(exc) == 400
    assert name not in ddb.list_tables()["TableNames"]


def test_create_returns_creating_and_the_waiter_sees_active(ddb: Any) -> None:
    name = unique()
    created = create(
        ddb,
        TableName=name,
        KeySchema=[*KEY, {"AttributeName": "at", "KeyType": "RANGE"}],
        AttributeDefinitions=[*ID_S, {"AttributeName": "at", "AttributeType": "N"}],
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
    )["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    assert created["TableArn"] == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    assert created["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 7,
    }
    assert "BillingModeSummary" not in created
    assert "LatestStreamArn" not in created
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["TableId"] == created["TableId"]
    assert table["KeySchema"][1] == {"AttributeName": "at", "KeyType": "RANGE"}
    assert (table["ItemCount"], table["TableSizeBytes"]) == (0, 0)
    # a table ARN names the table too
    by_arn = ddb.describe_table(TableName=table["TableArn"])["Table"]
    assert by_arn["TableId"] == table["TableId"]


def test_on_demand_table_shows_its_billing_mode(ddb: Any) -> None:
    created = create(ddb)["TableDescription"]
    assert created["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert created["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert created["DeletionProtectionEnabled"] is False


def test_item_count_and_size_follow_writes(ddb: Any) -> None:
    name = make_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "n": {"N": "12345"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "bb"}})
    table = ddb.describe_table(TableName=name)["Table"]
    # "pk"+"a" = 3, "n"+12345 (5 digits: 3+1 bytes) = 5; "pk"+"bb" = 4
    assert (table["ItemCount"], table["TableSizeBytes"]) == (2, 12)
    ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    table = ddb.describe_table(TableName=name)["Table"]
    assert (table["ItemCount"], table["TableSizeBytes"]) == (1, 4)


def test_create_existing_table_is_resource_in_use(ddb: Any) -> None:
    name = make_table(ddb)
    with pytest.raises(ClientError) as exc:
        create(ddb, TableName=name)
    assert error_of(exc) == ("ResourceInUseException", f"Table already exists: {name}")


def test_unknown_tables(ddb: Any) -> None:
    for call in (ddb.describe_table, ddb.delete_table):
        with pytest.raises(ClientError) as exc:
            call(TableName="missing-table")
        assert error_of(exc) == (
            "ResourceNotFoundException",
            "Requested resource not found: Table: missing-table not found",
        )
    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName="missing-table", Item={"pk": {"S": "a"}})
    assert error_of(exc) == ("ResourceNotFoundException", "Requested resource not found")


def test_list_tables_pages_by_name(cloud: Cloud) -> None:
    ddb = cloud.client("dynamodb", region_name="eu-west-3")
    names = sorted(unique("list") for _ in range(5))
    for name in names:
        create(ddb, TableName=name)
    first = ddb.list_tables(Limit=2)
    assert first["TableNames"] == names[:2]
    assert first["LastEvaluatedTableName"] == names[1]
    rest = ddb.list_tables(ExclusiveStartTableName=names[1])
    assert rest["TableNames"] == names[2:]
    assert "LastEvaluatedTableName" not in rest
    paged = [
        n for page in ddb.get_paginator("list_tables").paginate(Limit=2) for n in page["TableNames"]
    ]
    assert paged == names


def test_delete_table(ddb: Any) -> None:
    name = make_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    # a new table of the same name starts empty
    make_table(ddb, name=name)
    assert ddb.scan(TableName=name)["Items"] == []


def test_deletion_protection(ddb: Any) -> None:
    name = make_table(ddb, DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as exc:
        ddb.delete_table(TableName=name)
    assert error_of(exc)[0] == "ValidationException"
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    ddb.delete_table(TableName=name)


def test_update_table_switches_billing(ddb: Any) -> None:
    name = make_table(ddb)
    updated = ddb.update_table(
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )["TableDescription"]
    assert updated["TableStatus"] == "UPDATING"
    assert updated["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"


def test_update_table_refuses_what_it_does_not_emulate(ddb: Any) -> None:
    name = make_table(ddb)
    with pytest.raises(ClientError) as exc:
        ddb.update_table(TableName=name, TableClass="STANDARD_INFREQUENT_ACCESS")
    code, message = error_of(exc)
    assert code == "ValidationException"
    assert message.startswith("redrive does not support UpdateTable's TableClass")
    with pytest.raises(ClientError) as exc:
        create(
            ddb,
            GlobalSecondaryIndexes=[
                {"IndexName": "gsi", "KeySchema": KEY, "Projection": {"ProjectionType": "ALL"}}
            ],
        )
    assert error_of(exc)[1].startswith("redrive does not support secondary indexes")


def test_deleted_tables_and_expired_streams_are_swept(cloud: Cloud, ddb: Any) -> None:
    name = make_table(ddb, hash_key=("id", "S"), view="KEYS_ONLY")
    service = cloud.engine.platform.service("dynamodb")
    ctx = RequestContext(ACCOUNT, REGION, "request-id", "PutItem")

    async def fill() -> tuple[int, int]:
        for i in range(1200):
            with service.store.transaction():
                service.operations["PutItem"](
                    ctx, {"TableName": name, "Item": {"id": {"S": f"{i}"}}}
                )
        with service.store.transaction() as txn:
            table = state.get_table(txn, (ACCOUNT, REGION, name))
            assert table is not None
            return table.sid, int(table.stream["ssid"])

    sid, ssid = cloud._call(fill())

    async def left() -> tuple[int, int]:
        with service.store.transaction() as txn:
            return (
                txn.count(state.ITEMS, (sid,)) + txn.count(state.STATS, (sid,)),
                txn.count(stream_state.RECORDS, (ssid,)) + txn.count(stream_state.HEADS, (ssid,)),
            )

    assert cloud._call(left()) == (1201, 1201)
    ddb.delete_table(TableName=name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    items, records = cloud._call(left())
    assert 0 < items < 1201  # one batch at once, the rest a second apart
    assert records == 1201  # the stream stays readable for 24 hours
    cloud.advance(5)
    assert cloud._call(left()) == (0, 1201)
    cloud.advance(24 * 3600)
    assert cloud._call(left()) == (0, 0)
