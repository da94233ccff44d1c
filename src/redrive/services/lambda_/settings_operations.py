"""Function settings: tags, reserved concurrency, account settings and async invocation
settings (EventInvokeConfig), plus the change notifications the runtime listens to.

:class:`SettingsOperations` is a base of :class:`~redrive.services.lambda_.service.LambdaService`
(as :class:`~redrive.services.lambda_.version_operations.VersionOperations` is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.lambda_ import arns, concurrency_config, errors, qualifiers, state
from redrive.services.lambda_ import constants as c
from redrive.services.lambda_ import event_invoke_config as eic
from redrive.services.lambda_.state import Doc
from redrive.services.lambda_.version_operations import VersionOperations
from redrive.store import Transaction

ChangeKind = Literal["updated", "deleted", "concurrency", "version-deleted"]


@dataclass(frozen=True)
class FunctionChange:
    """A change the runtime may have to react to (discard environments of the old code).

    ``updated``: code or configuration of ``$LATEST`` changed (a new :attr:`FunctionSpec.key`);
    ``deleted``: the function is gone, every version with it; ``concurrency``: its reserved
    concurrency changed; ``version-deleted``: the published :attr:`version` is gone.
    """

    account_id: str
    region: str
    function_name: str
    kind: ChangeKind
    version: str | None = None


FunctionListener = Callable[[FunctionChange], None]


class SettingsOperations(VersionOperations):
    """Tags, concurrency, account settings, EventInvokeConfig; function change listeners."""

    _listeners: list[FunctionListener]

    def on_function_changed(self, callback: FunctionListener) -> Callable[[], None]:
        """Call ``callback`` on every :class:`FunctionChange`; returns the unsubscriber."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def _notify(
        self, ctx: RequestContext, name: str, kind: ChangeKind, version: str | None = None
    ) -> None:
        change = FunctionChange(ctx.account_id, ctx.region, name, kind, version)
        for listener in list(self._listeners):
            listener(change)

    # -- tags -----------------------------------------------------------------------------------

    @operation("TagResource")
    def tag_resource(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            doc = self._tagged_function(txn, ctx, params["Resource"], "TagResource")
            if not params["Tags"]:
                raise errors.tags_empty()
            tags = {**doc["Tags"], **params["Tags"]}
            if len(tags) > c.MAX_TAGS:
                raise errors.too_many_tags()
            doc["Tags"] = tags
            doc["RevisionId"] = self._revision()
            state.put_function(txn, ctx.account_id, ctx.region, doc)
        return {}

    @operation("UntagResource")
    def untag_resource(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            doc = self._tagged_function(txn, ctx, params["Resource"], "UntagResource")
            for key in params["TagKeys"]:
                doc["Tags"].pop(key, None)
            doc["RevisionId"] = self._revision()
            state.put_function(txn, ctx.account_id, ctx.region, doc)
        return {}

    @operation("ListTags")
    def list_tags(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            doc = self._tagged_function(txn, ctx, params["Resource"], "ListTags")
        return {"Tags": dict(doc["Tags"])}

    # -- concurrency ----------------------------------------------------------------------------

    @operation("PutFunctionConcurrency")
    def put_function_concurrency(self, ctx: RequestContext, params: Params) -> Output:
        value = int(params["ReservedConcurrentExecutions"])
        with self.store.transaction() as txn:
            name = self._unqualified_function(txn, ctx, params, "PutFunctionConcurrency")
            reserved = state.reserved_by_function(txn, ctx.account_id, ctx.region)
            concurrency_config.check_reservation(
                self.platform.account_concurrency, reserved, name, value
            )
            state.put_reserved(txn, ctx.account_id, ctx.region, name, value)
            self._notify(ctx, name, "concurrency")
        return {"ReservedConcurrentExecutions": value}

    @operation("GetFunctionConcurrency")
    def get_function_concurrency(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            name = self._unqualified_function(txn, ctx, params, "GetFunctionConcurrency")
            value = state.get_reserved(txn, ctx.account_id, ctx.region, name)
        return {} if value is None else {"ReservedConcurrentExecutions": value}

    @operation("DeleteFunctionConcurrency")
    def delete_function_concurrency(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            name = self._unqualified_function(txn, ctx, params, "DeleteFunctionConcurrency")
            state.delete_reserved(txn, ctx.account_id, ctx.region, name)
            self._notify(ctx, name, "concurrency")
        return {}

    @operation("GetAccountSettings")
    def get_account_settings(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            reserved = state.reserved_by_function(txn, ctx.account_id, ctx.region)
            count = 0
            total = 0
            for doc in state.iter_functions(txn, ctx.account_id, ctx.region):
                count += 1
                total += int(doc["CodeSize"])
                # published versions keep their own packages (recorded:
                # test_account_settings_total_code_size_config_update)
                for version in state.iter_versions(
                    txn, ctx.account_id, ctx.region, doc["FunctionName"]
                ):
                    total += int(version["CodeSize"])
        return concurrency_config.account_settings(
            self.platform.account_concurrency,
            reserved,
            function_count=count,
            total_code_size=total,
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _tagged_function(
        self, txn: Transaction, ctx: RequestContext, resource: str, action: str
    ) -> Doc:
        ref = arns.resolve(resource, account_id=ctx.account_id, region=ctx.region, action=action)
        if ref.qualified_name:
            raise errors.tags_on_qualified_arn()
        doc = state.get_function(txn, ctx.account_id, ctx.region, ref.name)
        if doc is None:
            raise errors.function_not_found(arns.function_arn(ctx.account_id, ctx.region, ref.name))
        return doc

    def _unqualified_function(
        self, txn: Transaction, ctx: RequestContext, params: Params, action: str
    ) -> str:
        """The concurrency operations: an unqualified, existing function (CONC-5)."""
        ref = arns.resolve(
            params["FunctionName"], account_id=ctx.account_id, region=ctx.region, action=action
        )
        if ref.qualifier is not None:
            raise errors.concurrency_on_qualified_name()
        if state.get_function(txn, ctx.account_id, ctx.region, ref.name) is None:
            # recorded: PutFunctionConcurrency names $LATEST, GetFunctionConcurrency does not
            qualifier = c.LATEST if action == "PutFunctionConcurrency" else None
            raise errors.function_not_found(
                arns.function_arn(ctx.account_id, ctx.region, ref.name, qualifier)
            )
        return ref.name

    # -- asynchronous invocation settings (ASYNC-11..13, DEST-1, DEST-10) -----------------------

    def event_invoke_settings(
        self, account_id: str, region: str, function_name: str, qualifier: str | None = None
    ) -> eic.EventInvokeSettings:
        """Retry limits and destinations of a qualifier's async events (see the class doc)."""
        ref = arns.invoked(
            function_name, account_id=account_id, region=region, qualifier=qualifier
        )
        with self.store.transaction() as txn:
            return eic.settings(txn, account_id, region, ref)

    def dead_letter_target(
        self, account_id: str, region: str, function_name: str, qualifier: str | None = None
    ) -> str | None:
        """The dead-letter queue ARN of a function version, or None (see the class doc)."""
        ref = arns.invoked(
            function_name, account_id=account_id, region=region, qualifier=qualifier
        )
        with self.store.transaction() as txn:
            found = qualifiers.resolve(txn, account_id, region, ref.name, ref.qualifier)
        if found is None:
            raise errors.function_not_found(
                arns.function_arn(account_id, region, ref.name, ref.qualifier)
            )
        target = found.config.get("DeadLetterTarget")
        return str(target) if target else None

    @operation("PutFunctionEventInvokeConfig")
    def put_function_event_invoke_config(self, ctx: RequestContext, params: Params) -> Output:
        ref = self._qualified_ref(ctx, params)
        with self.store.transaction() as txn:
            return eic.put(
                txn, ctx.account_id, ctx.region, ref, params, now_ms=self.platform.now_ms()
            )

    @operation("UpdateFunctionEventInvokeConfig")
    def update_function_event_invoke_config(self, ctx: RequestContext, params: Params) -> Output:
        ref = self._qualified_ref(ctx, params)
        with self.store.transaction() as txn:
            return eic.update(
                txn, ctx.account_id, ctx.region, ref, params, now_ms=self.platform.now_ms()
            )

    @operation("GetFunctionEventInvokeConfig")
    def get_function_event_invoke_config(self, ctx: RequestContext, params: Params) -> Output:
        ref = self._qualified_ref(ctx, params)
        with self.store.transaction() as txn:
            return eic.get(txn, ctx.account_id, ctx.region, ref)

    @operation("DeleteFunctionEventInvokeConfig")
    def delete_function_event_invoke_config(self, ctx: RequestContext, params: Params) -> Output:
        ref = self._qualified_ref(ctx, params)
        with self.store.transaction() as txn:
            return eic.delete(txn, ctx.account_id, ctx.region, ref)

    @operation("ListFunctionEventInvokeConfigs")
    def list_function_event_invoke_configs(self, ctx: RequestContext, params: Params) -> Output:
        ref = self._qualified_ref(ctx, params)
        with self.store.transaction() as txn:
            return eic.list_configs(
                txn,
                ctx.account_id,
                ctx.region,
                ref,
                marker=params.get("Marker"),
                max_items=params.get("MaxItems"),
            )
