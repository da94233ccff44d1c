"""Item operations: PutItem, GetItem, UpdateItem, DeleteItem.

Each write runs in the operation's transaction with its stream record (:meth:`.core.
DynamoDBCore.write`): a 200 is answered only after both are committed, and a refused request
(bad input, a failed condition) changes nothing.
"""

from __future__ import annotations

from typing import Any

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import errors, values, views
from redrive.services.dynamodb.core import DynamoDBCore
from redrive.services.dynamodb.expressions import evaluate
from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.expressions.apply import apply
from redrive.services.dynamodb.expressions.projection import project
from redrive.services.dynamodb.expressions.request import Expressions, parse
from redrive.services.dynamodb.state import Table
from redrive.services.dynamodb.values import Item

_CONDITION = ("ConditionExpression",)
_UPDATE = ("UpdateExpression", "ConditionExpression")
_OLD_ONLY = ("NONE", "ALL_OLD")


class ItemOperations(DynamoDBCore):
    @operation("PutItem")
    def put_item(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        returned = _return_values(params, _OLD_ONLY)
        exprs = parse(params, _CONDITION)
        item = values.accept_item(params["Item"])
        with self.store.transaction() as txn:
            table = self.usable(txn, where)
            table.schema.check_item(item)
            if values.item_size(item) > c.MAX_ITEM_BYTES:
                raise errors.item_too_large()
            key = table.schema.key_of(item)
            old = self.get_item(txn, table, key)
            _check_condition(exprs, old, params)
            self.write(txn, table, key, old, item)
        output = _attributes(old if returned == "ALL_OLD" else None)
        sizes = (values.item_size(item), 0 if old is None else values.item_size(old))
        return _with_capacity(output, table, params, views.write_units(*sizes))

    @operation("GetItem")
    def get_item_operation(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        exprs = parse(params, ("ProjectionExpression",))
        key = values.accept_item(params["Key"])
        with self.store.transaction() as txn:
            table = self.usable(txn, where)
            table.schema.check_key(key)
            found = self.get_item(txn, table, key)
        output: Output = {}
        if found is not None:
            shown = found if exprs.projection is None else project(found, exprs.projection)
            output["Item"] = values.item_to_wire(shown)
        size = 0 if found is None else values.item_size(found)
        units = views.read_units(size, bool(params.get("ConsistentRead")))
        return _with_capacity(output, table, params, units)

    @operation("UpdateItem")
    def update_item(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        returned = str(params.get("ReturnValues") or "NONE")
        exprs = parse(params, _UPDATE)
        key = values.accept_item(params["Key"])
        with self.store.transaction() as txn:
            table = self.usable(txn, where)
            table.schema.check_key(key)
            old = self.get_item(txn, table, key)
            _check_condition(exprs, old, params)
            start = old if old is not None else dict(key)
            new = start if exprs.update is None else apply(exprs.update, start, key.keys())
            if values.item_size(new) > c.MAX_ITEM_BYTES:
                raise errors.item_too_large(update=True)
            self.write(txn, table, key, old, new)
        paths = [] if exprs.update is None else [a.path for a in exprs.update.actions]
        output = _attributes(_returned(returned, old, new, paths))
        sizes = (values.item_size(new), 0 if old is None else values.item_size(old))
        return _with_capacity(output, table, params, views.write_units(*sizes))

    @operation("DeleteItem")
    def delete_item(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        returned = _return_values(params, _OLD_ONLY)
        exprs = parse(params, _CONDITION)
        key = values.accept_item(params["Key"])
        with self.store.transaction() as txn:
            table = self.usable(txn, where)
            table.schema.check_key(key)
            old = self.get_item(txn, table, key)
            _check_condition(exprs, old, params)
            self.write(txn, table, key, old, None)
        output = _attributes(old if returned == "ALL_OLD" else None)
        units = views.write_units(0 if old is None else values.item_size(old))
        return _with_capacity(output, table, params, units)


def _return_values(params: Params, allowed: tuple[str, ...]) -> str:
    """[observed] PutItem and DeleteItem return only the old item"""
    returned = str(params.get("ReturnValues") or "NONE")
    if returned not in allowed:
        raise errors.return_values(" or ".join(reversed(allowed)))
    return returned


def _check_condition(exprs: Expressions, old: Item | None, params: Params) -> None:
    """ConditionalCheckFailedException unless the condition holds for the stored item (an
    item that does not exist has no attributes)."""
    if exprs.condition is None or evaluate.condition(old or {}, exprs.condition):
        return
    with_item = params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    raise errors.conditional_check_failed(
        values.item_to_wire(old) if with_item and old is not None else None
    )


def _returned(kind: str, old: Item | None, new: Item, paths: list[n.Path]) -> Item | None:
    """UpdateItem's ReturnValues: the whole item before or after, or just what changed."""
    if kind == "ALL_OLD":
        return old
    if kind == "ALL_NEW":
        return new
    if kind == "UPDATED_OLD":
        return None if old is None else project(old, paths)
    if kind == "UPDATED_NEW":
        return project(new, paths)
    return None


def _attributes(item: Item | None) -> Output:
    return {"Attributes": values.item_to_wire(item)} if item else {}


def _with_capacity(output: Output, table: Table, params: Params, units: float) -> dict[str, Any]:
    capacity = views.consumed(table, params.get("ReturnConsumedCapacity"), units)
    if capacity is not None:
        output["ConsumedCapacity"] = capacity
    return output
