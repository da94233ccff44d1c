"""The Amazon DynamoDB service (botocore ``dynamodb``)."""

from __future__ import annotations

from redrive.services.dynamodb.item_ops import ItemOperations
from redrive.services.dynamodb.read_ops import ReadOperations
from redrive.services.dynamodb.table_ops import TableOperations


class DynamoDBService(TableOperations, ItemOperations, ReadOperations):
    """Amazon DynamoDB on the emulated clock, minimal but real.

    Operations: CreateTable (hash or hash+range keys of type S, N or B; PROVISIONED or
    PAY_PER_REQUEST; StreamSpecification), DescribeTable, ListTables, UpdateTable (streams on
    and off, billing mode and throughput, deletion protection), DeleteTable, PutItem, GetItem,
    UpdateItem, DeleteItem, Query and Scan, with condition, update, key condition, filter and
    projection expressions, ReturnValues and ReturnConsumedCapacity. Secondary indexes, the
    legacy (non-expression) parameters, batch and transaction operations, TTL, backups and
    global tables are refused or not implemented.

    Items live in the store (tables ``dynamodb.*``, :mod:`.state`) under keys whose order is
    DynamoDB's (:mod:`.keys`), so Query and Scan are range scans: O(log n + k). Numbers are
    decimal strings compared as decimals (:mod:`.numbers`). Every write that changes an item
    appends its stream record in the same transaction (:mod:`.streams`); the streams
    themselves are served by :class:`.streams.service.DynamoDBStreamsService`.
    """
