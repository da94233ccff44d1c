"""Query and Scan.

A Query reads one partition in sort key order (either direction) as one range scan of the
store; a Scan reads the table in store key order (partitions by their encoded key, each in
sort key order; AWS's order is by a hash of the partition key, and undocumented). Both stop
after ``Limit`` items or once 1 MB of items was read, and then return LastEvaluatedKey, the
key of the last item read (whether or not more follow: API_Query.html). FilterExpression is
applied after reading, so ScannedCount counts the items read and Count those returned.
Reads cost O(log n + k) for k items read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from redrive.errors import ServiceError
from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import errors, state, values, views
from redrive.services.dynamodb.core import DynamoDBCore
from redrive.services.dynamodb.expressions import evaluate
from redrive.services.dynamodb.expressions.keycond import key_range
from redrive.services.dynamodb.expressions.projection import project
from redrive.services.dynamodb.expressions.request import Expressions, parse
from redrive.services.dynamodb.keys import StoreKey, encode
from redrive.services.dynamodb.state import Table
from redrive.services.dynamodb.values import Item
from redrive.store import Transaction

_QUERY = ("ProjectionExpression", "FilterExpression", "KeyConditionExpression")
_SCAN = ("ProjectionExpression", "FilterExpression")
#: just after every string with a given prefix (see keycond)
_AFTER = "\x00"
#: store rows fetched per step: doubling from the first to the last
_FIRST_CHUNK, _LAST_CHUNK = 16, 1024


class ReadOperations(DynamoDBCore):
    @operation("Query")
    def query(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        exprs = parse(params, _QUERY)
        if exprs.key_condition is None:
            raise errors.validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified "
                "in the request."
            )
        _refuse_indexes(params)
        select = _select(params, exprs)
        given_start = _starting_key(params)
        forward = params.get("ScanIndexForward", True) is not False
        with self.store.transaction() as txn:
            table = self.usable(txn, where)
            schema = table.schema
            found = key_range(exprs.key_condition, schema)
            partition: StoreKey = (table.sid, encode(found.hash_value, schema.hash[1]))
            start = None if found.start is None else (*partition, found.start)
            stop = None if found.stop is None else (*partition, found.stop)
            if given_start is not None:
                schema.check_key_as_start(given_start)
                if not values.equal(given_start[schema.hash[0]], found.hash_value):
                    raise errors.validation(
                        "The provided starting key is outside query boundaries based on provided "
                        "conditions"
                    )
                after = schema.store_key(table.sid, given_start)
                if forward:
                    start = _later((*after[:-1], str(after[-1]) + _AFTER), start)
                else:
                    stop = after if stop is None else min(after, stop)
            rows = _rows(txn, partition, start, stop, reverse=not forward)
            return self._page(table, rows, exprs, select, params)

    @operation("Scan")
    def scan(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        exprs = parse(params, _SCAN)
        _refuse_indexes(params)
        if params.get("Segment") is not None or params.get("TotalSegments") is not None:
            raise errors.not_supported("parallel scans (Segment, TotalSegments)")
        select = _select(params, exprs)
        given_start = _starting_key(params)
        with self.store.transaction() as txn:
            table = self.usable(txn, where)
            start = None
            if given_start is not None:
                table.schema.check_key_as_start(given_start)
                after = table.schema.store_key(table.sid, given_start)
                start = (*after[:-1], str(after[-1]) + _AFTER)
            rows = _rows(txn, (table.sid,), start, None, reverse=False)
            return self._page(table, rows, exprs, select, params)

    def _page(
        self,
        table: Table,
        rows: Iterator[Item],
        exprs: Expressions,
        select: str,
        params: Params,
    ) -> Output:
        limit = params.get("Limit")
        items: list[dict[str, Any]] = []
        scanned = size = 0
        last: Item | None = None
        for item in rows:
            scanned += 1
            size += values.item_size(item)
            if exprs.filter is None or evaluate.condition(item, exprs.filter):
                if select != "COUNT":
                    shown = item if exprs.projection is None else project(item, exprs.projection)
                    items.append(values.item_to_wire(shown))
                else:
                    items.append({})
            if (limit is not None and scanned >= int(limit)) or size >= c.MAX_PAGE_BYTES:
                last = item
                break
        output: Output = {"Count": len(items), "ScannedCount": scanned}
        if select != "COUNT":
            output["Items"] = items
        if last is not None:
            output["LastEvaluatedKey"] = values.item_to_wire(table.schema.key_of(last))
        units = views.read_units(size, bool(params.get("ConsistentRead")))
        capacity = views.consumed(table, params.get("ReturnConsumedCapacity"), units)
        if capacity is not None:
            output["ConsumedCapacity"] = capacity
        return output


def _refuse_indexes(params: Params) -> None:
    if params.get("IndexName") is not None:
        raise errors.not_supported("secondary indexes (IndexName)")


def _select(params: Params, exprs: Expressions) -> str:
    """[observed] Select's combinations with ProjectionExpression"""
    select = params.get("Select")
    if select is None:
        return "SPECIFIC_ATTRIBUTES" if exprs.projection is not None else "ALL_ATTRIBUTES"
    if select == "ALL_PROJECTED_ATTRIBUTES":
        raise errors.validation(
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )
    if select == "SPECIFIC_ATTRIBUTES" and exprs.projection is None:
        raise errors.validation(
            "SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet"
        )
    if select != "SPECIFIC_ATTRIBUTES" and exprs.projection is not None:
        raise errors.validation(
            f"Cannot specify the ProjectionExpression when choosing to get {select}"
        )
    return str(select)


def _starting_key(params: Params) -> Item | None:
    raw = params.get("ExclusiveStartKey")
    if raw is None:
        return None
    try:
        return values.accept_item(raw)
    except ServiceError as problem:
        raise errors.starting_key(problem.message) from None


def _later(first: StoreKey, second: StoreKey | None) -> StoreKey:
    return first if second is None else max(first, second)


def _rows(
    txn: Transaction,
    prefix: StoreKey,
    start: StoreKey | None,
    stop: StoreKey | None,
    *,
    reverse: bool,
) -> Iterator[Item]:
    """The items under ``prefix`` in ``[start, stop)``, fetched in growing chunks so a page
    that stops early reads little more than it returns."""
    chunk = _FIRST_CHUNK
    while True:
        rows = list(
            txn.scan(state.ITEMS, prefix, start=start, stop=stop, reverse=reverse, limit=chunk)
        )
        for _key, item in rows:
            yield item
        if len(rows) < chunk:
            return
        last = rows[-1][0]
        if reverse:
            stop = last
        else:
            start = (*last[:-1], str(last[-1]) + _AFTER)
        chunk = min(chunk * 2, _LAST_CHUNK)
