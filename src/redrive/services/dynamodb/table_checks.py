"""Checking CreateTable's and UpdateTable's arguments as DynamoDB does.

Messages and their order are AWS's, as the dynalite suite checks them against AWS
(architect/dynalite ``validations/createTable.js``); botocore's model already refuses what it
constrains (name pattern and length, enum values, one or two key elements, units >= 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import errors
from redrive.services.dynamodb.keys import KeySchema

Params = Mapping[str, Any]

#: CreateTable members redrive does not emulate yet (refused by name when given)
UNSUPPORTED_CREATE = {
    "LocalSecondaryIndexes": "secondary indexes (LocalSecondaryIndexes)",
    "GlobalSecondaryIndexes": "secondary indexes (GlobalSecondaryIndexes)",
    "SSESpecification": "SSESpecification (encryption settings)",
    "WarmThroughput": "WarmThroughput",
    "OnDemandThroughput": "OnDemandThroughput",
    "ResourcePolicy": "resource policies",
    "GlobalTableSourceArn": "global tables",
    "GlobalTableSettingsReplicationMode": "global tables",
}


def billing(params: Params, *, default: str = c.PROVISIONED) -> tuple[str, int, int]:
    """(billing mode, read units, write units) from BillingMode and ProvisionedThroughput."""
    mode = str(params.get("BillingMode") or default)
    throughput = params.get("ProvisionedThroughput")
    if mode == c.PAY_PER_REQUEST:
        if throughput is not None:
            raise errors.invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                "BillingMode is PAY_PER_REQUEST"
            )
        return mode, 0, 0
    if (
        not throughput
        or not throughput.get("ReadCapacityUnits")
        or not throughput.get("WriteCapacityUnits")
    ):
        raise errors.invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode "
            "is PROVISIONED"
        )
    read, write = int(throughput["ReadCapacityUnits"]), int(throughput["WriteCapacityUnits"])
    for units, name in ((read, "ReadCapacityUnits"), (write, "WriteCapacityUnits")):
        if units > c.MAX_CAPACITY_UNITS:
            raise errors.validation(f"Given value {units} for {name} is out of bounds")
    return mode, read, write


def key_schema(params: Params) -> tuple[KeySchema, list[list[str]]]:
    """The key schema (with each key's type) and the attribute definitions as given."""
    definitions = [
        [str(d["AttributeName"]), str(d["AttributeType"])] for d in params["AttributeDefinitions"]
    ]
    elements = [(str(k["AttributeName"]), str(k["KeyType"])) for k in params["KeySchema"]]
    defined = [name for name, _ in definitions]
    keys = [name for name, _ in elements]
    if len(keys) > len(defined):
        raise errors.validation("Invalid KeySchema: Some index key attribute have no definition")
    if any(k not in defined for k in keys):
        raise errors.invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(defined)}]"
        )
    if len(keys) == 2 and keys[0] == keys[1]:
        raise errors.validation(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if elements[0][1] != "HASH":
        raise errors.validation(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
        )
    if len(elements) == 2 and elements[1][1] != "RANGE":
        raise errors.validation(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
        )
    if len(keys) != len(defined):
        raise errors.invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes "
            "defined in AttributeDefinitions"
        )
    types = dict(definitions)
    parts = [(name, types[name]) for name in keys]
    return KeySchema(parts[0], parts[1] if len(parts) > 1 else None), definitions


def stream_view(spec: Mapping[str, Any] | None) -> str | None:
    """The view type a StreamSpecification enables, or None if it enables no stream."""
    if not spec or not spec.get("StreamEnabled"):
        return None
    view = spec.get("StreamViewType")
    if view is None:
        raise errors.validation(
            "StreamSpecification: a StreamViewType is required when StreamEnabled is true"
        )
    return str(view)
