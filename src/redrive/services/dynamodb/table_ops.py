"""Table operations: CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable."""

from __future__ import annotations

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.dynamodb import arns, errors, state, table_checks, views
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb.arns import StreamRef
from redrive.services.dynamodb.core import DynamoDBCore
from redrive.services.dynamodb.state import Table
from redrive.services.dynamodb.streams import sequence
from redrive.services.dynamodb.streams import state as streams
from redrive.store import Transaction

#: UpdateTable members redrive applies; any other is refused by name
_UPDATABLE = (
    "TableName",
    "StreamSpecification",
    "BillingMode",
    "ProvisionedThroughput",
    "DeletionProtectionEnabled",
)


class TableOperations(DynamoDBCore):
    @operation("CreateTable")
    def create_table(self, ctx: RequestContext, params: Params) -> Output:
        key = self.table_key(ctx, str(params["TableName"]), arn_allowed=False)
        mode, read, write = table_checks.billing(params)
        schema, definitions = table_checks.key_schema(params)
        view = table_checks.stream_view(params.get("StreamSpecification"))
        for member, what in table_checks.UNSUPPORTED_CREATE.items():
            if params.get(member):
                raise errors.not_supported(what)
        with self.store.transaction() as txn:
            if state.get_table(txn, key) is not None:
                raise errors.table_exists(key[2])
            table = state.new_table(
                txn,
                key,
                self.now_ms(),
                key=schema.to_doc(),
                attrs=definitions,
                billing=mode,
                rcu=read,
                wcu=write,
                protect=bool(params.get("DeletionProtectionEnabled")),
                tags={str(t["Key"]): str(t["Value"]) for t in params.get("Tags") or []},
                **({"class": str(params["TableClass"])} if params.get("TableClass") else {}),
            )
            if view is not None:
                self._open_stream(txn, table, view)
            state.put_table(txn, table)
            described = views.description(txn, table)
        self.lifecycle.transition(key, table.sid, c.CREATING)
        return {"TableDescription": described}

    @operation("DescribeTable")
    def describe_table(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        with self.store.transaction() as txn:
            table = self.described(txn, where)
            return {"Table": views.description(txn, table)}

    @operation("ListTables")
    def list_tables(self, ctx: RequestContext, params: Params) -> Output:
        limit = int(params.get("Limit") or c.MAX_LIST_TABLES)
        after = params.get("ExclusiveStartTableName")
        names: list[str] = []
        with self.store.transaction() as txn:
            for table in state.iter_tables(
                txn, ctx.account_id, ctx.region, after=None if after is None else str(after)
            ):
                names.append(table.name)
                if len(names) > limit:
                    break
        output: Output = {"TableNames": names[:limit]}
        if len(names) > limit:
            output["LastEvaluatedTableName"] = names[limit - 1]
        return output

    @operation("DeleteTable")
    def delete_table(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        with self.store.transaction() as txn:
            table = self.described(txn, where)
            if table.status != c.ACTIVE:
                raise errors.table_in_use(table.name, table.status)
            if table.doc.get("protect"):
                raise errors.deletion_protected(table.name)
            table.doc["status"] = c.DELETING
            state.put_table(txn, table)
            described = views.description(txn, table)
        self.lifecycle.transition(table.key, table.sid, c.DELETING)
        return {"TableDescription": described}

    @operation("UpdateTable")
    def update_table(self, ctx: RequestContext, params: Params) -> Output:
        where = self.table_key(ctx, str(params["TableName"]))
        for member, value in params.items():
            if member not in _UPDATABLE and value is not None:
                raise errors.not_supported(f"UpdateTable's {member}")
        changes = [m for m in _UPDATABLE[1:] if params.get(m) is not None]
        if not changes:
            raise errors.validation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"
            )
        with self.store.transaction() as txn:
            table = self.described(txn, where)
            if table.status != c.ACTIVE:
                raise errors.table_in_use(table.name, table.status)
            if params.get("BillingMode") is not None or params.get("ProvisionedThroughput"):
                self._set_billing(table, params)
            if params.get("DeletionProtectionEnabled") is not None:
                table.doc["protect"] = bool(params["DeletionProtectionEnabled"])
            spec = params.get("StreamSpecification")
            if spec is not None:
                self._set_stream(txn, table, spec)
            table.doc["status"] = c.UPDATING
            state.put_table(txn, table)
            described = views.description(txn, table)
        self.lifecycle.transition(table.key, table.sid, c.UPDATING)
        return {"TableDescription": described}

    # -- helpers ----------------------------------------------------------------------------

    def _set_billing(self, table: Table, params: Params) -> None:
        mode, read, write = table_checks.billing(params, default=str(table.doc["billing"]))
        if mode == c.PAY_PER_REQUEST and table.doc["billing"] != mode:
            table.doc["billing_ms"] = self.now_ms()
        table.doc.update(billing=mode, rcu=read, wcu=write)

    def _set_stream(self, txn: Transaction, table: Table, spec: Params) -> None:
        view = table_checks.stream_view(spec)
        if view is not None:
            if table.stream_enabled:
                raise errors.stream_already_enabled(table.name)
            self._open_stream(txn, table, view)
            return
        if not table.stream_enabled:
            raise errors.no_stream_to_disable(table.name)
        ref = StreamRef(table.account, table.region, table.name, str(table.stream["label"]))
        stream = streams.get_stream(txn, ref)
        if stream is not None:
            stream.doc.update(status=c.DISABLING, closed_ms=self.now_ms())
            streams.put_stream(txn, stream)
        table.stream["enabled"] = False

    def _open_stream(self, txn: Transaction, table: Table, view: str) -> None:
        """A new stream for ``table`` (ENABLING until the table's transition ends)."""
        created_ms = self.now_ms()
        previous = table.stream.get("label")
        if previous is not None:  # labels of one table must differ, even within a millisecond
            created_ms = max(created_ms, arns.label_ms(str(previous)) + 1)
        ref = StreamRef(table.account, table.region, table.name, arns.label(created_ms))
        ssid = txn.next_id(state.STORAGE_IDS)
        key_types = zip(table.schema.names, ("HASH", "RANGE"), strict=False)
        stream = streams.new_stream(
            ref,
            ssid=ssid,
            view=view,
            status=c.ENABLING,
            key=[[name, kind] for name, kind in key_types],
            shard=sequence.shard_id(ref.arn, created_ms),
        )
        streams.put_stream(txn, stream)
        table.doc["stream"] = {
            "enabled": True,
            "view": view,
            "label": ref.label,
            "ssid": ssid,
            "created_ms": stream.created_ms,
        }
