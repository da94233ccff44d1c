"""The Lambda operations on versions, aliases and resource-based policies (VER-1..9).

:class:`VersionOperations` is a base of :class:`~redrive.services.lambda_.service.LambdaService`
holding these operations and the helpers they share with function management (revision ids,
``$LATEST`` lookups, publishing); the rules themselves live in :mod:`.versions`,
:mod:`.aliases` and :mod:`.policy`.
"""

from __future__ import annotations

from redrive.services._base import Output, Params, RequestContext, Service, operation
from redrive.services.lambda_ import aliases, arns, config, errors, policy, state, versions
from redrive.services.lambda_ import constants as c
from redrive.services.lambda_.arns import FunctionRef
from redrive.services.lambda_.state import Doc
from redrive.store import Transaction

_REVISIONS = "lambda-revisions"


class VersionOperations(Service):
    """PublishVersion, ListVersionsByFunction, the alias and the permission operations."""

    # -- versions (VER-1, VER-2) ----------------------------------------------------------------

    @operation("PublishVersion")
    def publish_version(self, ctx: RequestContext, params: Params) -> Output:
        if params.get("PublishTo"):
            raise errors.not_supported("PublishTo")
        with self.store.transaction() as txn:
            _ref, doc = self._lookup_latest(txn, ctx, params["FunctionName"], "PublishVersion")
            versions.check_publish(doc, params)
            version = self._publish(txn, ctx, doc, description=params.get("Description"))
        return config.read_view(
            version, ctx.account_id, ctx.region, arn_qualifier=version["Version"]
        )

    @operation("ListVersionsByFunction")
    def list_versions_by_function(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            _ref, doc = self._lookup_latest(
                txn, ctx, params["FunctionName"], "ListVersionsByFunction"
            )
            return versions.list_page(
                txn,
                ctx.account_id,
                ctx.region,
                doc,
                marker=params.get("Marker"),
                max_items=params.get("MaxItems"),
            )

    def _publish(
        self, txn: Transaction, ctx: RequestContext, doc: Doc, *, description: str | None
    ) -> Doc:
        return versions.publish(
            txn,
            ctx.account_id,
            ctx.region,
            doc,
            description=description,
            now_ms=self.platform.now_ms(),
            revision=self._revision,
        )

    # -- aliases (VER-3..5) ---------------------------------------------------------------------

    @operation("CreateAlias")
    def create_alias(self, ctx: RequestContext, params: Params) -> Output:
        name = self._unqualified_name(ctx, params)
        with self.store.transaction() as txn:
            return aliases.create(
                txn, ctx.account_id, ctx.region, name, params, revision=self._revision
            )

    @operation("UpdateAlias")
    def update_alias(self, ctx: RequestContext, params: Params) -> Output:
        name = self._unqualified_name(ctx, params)
        with self.store.transaction() as txn:
            return aliases.update(
                txn, ctx.account_id, ctx.region, name, params, revision=self._revision
            )

    @operation("GetAlias")
    def get_alias(self, ctx: RequestContext, params: Params) -> Output:
        name = self._unqualified_name(ctx, params)
        with self.store.transaction() as txn:
            return aliases.get(txn, ctx.account_id, ctx.region, name, params["Name"])

    @operation("DeleteAlias")
    def delete_alias(self, ctx: RequestContext, params: Params) -> Output:
        name = self._unqualified_name(ctx, params)
        with self.store.transaction() as txn:
            aliases.delete(txn, ctx.account_id, ctx.region, name, params["Name"])
        return {}

    @operation("ListAliases")
    def list_aliases(self, ctx: RequestContext, params: Params) -> Output:
        name = self._unqualified_name(ctx, params)
        with self.store.transaction() as txn:
            return aliases.list_page(
                txn,
                ctx.account_id,
                ctx.region,
                name,
                function_version=params.get("FunctionVersion"),
                marker=params.get("Marker"),
                max_items=params.get("MaxItems"),
            )

    def _unqualified_name(self, ctx: RequestContext, params: Params) -> str:
        """The alias operations name a function; a qualifier in the name is not read [inferred:
        the model's pattern admits one, AWS's handling of it is not recorded]."""
        ref = arns.resolve(
            params["FunctionName"],
            account_id=ctx.account_id,
            region=ctx.region,
            action=ctx.operation or "GetAlias",
        )
        return ref.name

    # -- resource-based policies (VER-6..9) -----------------------------------------------------

    @operation("AddPermission")
    def add_permission(self, ctx: RequestContext, params: Params) -> Output:
        ref = self._qualified_ref(ctx, params)
        with self.store.transaction() as txn:
            return policy.add_permission(
                txn, ctx.account_id, ctx.region, ref, params, revision=self._revision
            )

    @operation("RemovePermission")
    def remove_permission(self, ctx: RequestContext, params: Params) -> Output:
        ref = self._qualified_ref(ctx, params)
        with self.store.transaction() as txn:
            return policy.remove_permission(
                txn, ctx.account_id, ctx.region, ref, params, revision=self._revision
            )

    @operation("GetPolicy")
    def get_policy(self, ctx: RequestContext, params: Params) -> Output:
        ref = self._qualified_ref(ctx, params)
        with self.store.transaction() as txn:
            return policy.get_policy(txn, ctx.account_id, ctx.region, ref)

    @staticmethod
    def _qualified_ref(ctx: RequestContext, params: Params) -> FunctionRef:
        return arns.resolve(
            params["FunctionName"],
            account_id=ctx.account_id,
            region=ctx.region,
            qualifier=params.get("Qualifier"),
            action=ctx.operation or "GetPolicy",
        )

    # -- shared helpers ---------------------------------------------------------------------

    def _revision(self) -> str:
        """A new RevisionId (functions, versions, aliases), from the seeded generator."""
        return self.platform.rng.uuid4(_REVISIONS)

    def _lookup_latest(
        self, txn: Transaction, ctx: RequestContext, function_name: str, action: str
    ) -> tuple[FunctionRef, Doc]:
        """Update operations: ``$LATEST`` of the function, or 404."""
        ref = arns.resolve(
            function_name, account_id=ctx.account_id, region=ctx.region, action=action
        )
        doc = state.get_function(txn, ctx.account_id, ctx.region, ref.name)
        if doc is None:
            raise errors.function_not_found(arns.function_arn(ctx.account_id, ctx.region, ref.name))
        if ref.qualifier not in (None, c.LATEST):
            # [inferred] only $LATEST can change (VER-1) or be published from
            raise errors.function_not_found(
                arns.function_arn(ctx.account_id, ctx.region, ref.name, ref.qualifier)
            )
        return ref, doc
