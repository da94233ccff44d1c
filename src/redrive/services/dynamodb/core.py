"""What the DynamoDB operations share: background parts, finding tables, reading and writing
items (with their stream records)."""

from __future__ import annotations

from redrive.services._base import Platform, RequestContext, Service
from redrive.services.dynamodb import arns, errors, state, values
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb.lifecycle import Lifecycle
from redrive.services.dynamodb.state import Table, TableKey
from redrive.services.dynamodb.streams import records
from redrive.services.dynamodb.streams.log import StreamLog
from redrive.services.dynamodb.values import Item
from redrive.store import Transaction


class DynamoDBCore(Service):
    """The state and helpers behind every DynamoDB operation (:class:`.service.DynamoDBService`)."""

    name = "dynamodb"

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        self.lifecycle = Lifecycle(platform, self.streams_changed)

    def start(self) -> None:
        self.lifecycle.start()

    def stop(self) -> None:
        self.lifecycle.stop()

    def now_ms(self) -> int:
        """Emulated now in whole milliseconds (rounded, as the other services do)."""
        return round(self.platform.now() * c.MS_PER_SECOND)

    # -- tables -----------------------------------------------------------------------------

    @staticmethod
    def table_key(ctx: RequestContext, name: str, *, arn_allowed: bool = True) -> TableKey:
        """The table a request's TableName names: a table name, or (except for CreateTable)
        a table ARN, as the API allows (API_PutItem.html, TableName)."""
        if arn_allowed:
            found = arns.parse_table_arn(name)
            if found is not None:
                return found
        arns.check_table_name(name)
        return (ctx.account_id, ctx.region, name)

    @staticmethod
    def described(txn: Transaction, key: TableKey) -> Table:
        """A table in any state (DescribeTable, DeleteTable, UpdateTable)."""
        table = state.get_table(txn, key)
        if table is None:
            raise errors.table_not_found(key[2])
        return table

    @staticmethod
    def usable(txn: Transaction, key: TableKey) -> Table:
        """A table items can be read from and written to: ACTIVE or UPDATING (AWS answers
        ResourceNotFoundException while a table is being created or deleted)."""
        table = state.get_table(txn, key)
        if table is None or table.status not in (c.ACTIVE, c.UPDATING):
            raise errors.resource_not_found()
        return table

    # -- items ------------------------------------------------------------------------------

    @staticmethod
    def get_item(txn: Transaction, table: Table, key: Item) -> Item | None:
        found = txn.get(state.ITEMS, table.schema.store_key(table.sid, key))
        return None if found is None else dict(found)

    def write(
        self, txn: Transaction, table: Table, key: Item, old: Item | None, new: Item | None
    ) -> None:
        """Store ``new`` in place of ``old`` (None: no item), keep the table's statistics and
        append the stream record the change makes, all in ``txn``."""
        if not records.changed(old, new):
            return
        store_key = table.schema.store_key(table.sid, key)
        if new is None:
            txn.delete(state.ITEMS, store_key)
        else:
            txn.put(state.ITEMS, store_key, new)
        old_size = 0 if old is None else values.item_size(old)
        new_size = 0 if new is None else values.item_size(new)
        state.add_stats(txn, table.sid, (new is not None) - (old is not None), new_size - old_size)
        if table.stream_enabled:
            self._record(txn, table, key, old, new)

    def _record(
        self, txn: Transaction, table: Table, key: Item, old: Item | None, new: Item | None
    ) -> None:
        stream = table.stream
        ssid = int(stream["ssid"])
        log = StreamLog(txn, ssid, int(stream["created_ms"]), self.now_ms())
        log.trim()
        event_name, new_image, old_image, size = records.contents(
            str(stream["view"]), key, old, new
        )
        log.append(event_name, key, new_image, old_image, size)
        txn.after_commit(lambda: self.streams_changed(ssid))

    def streams_changed(self, ssid: int) -> None:
        """Wake readers of stream ``ssid`` (records appended, or the stream closed or gone)."""
        # the DynamoDB Streams service, when the engine has it (a public method, looked up
        # by name: the two services only share the store layout of their package)
        records_added = getattr(
            self.platform.services.get("dynamodbstreams"), "records_added", None
        )
        if callable(records_added):
            records_added(ssid)
