"""The Lambda service (botocore ``lambda``): function management.

Invocation lives in ``invoke.py`` of this package; this module creates, reads, updates and
deletes functions and holds the internal interface other services and the runtime use. Tags,
reserved concurrency, GetAccountSettings and EventInvokeConfig are in
:mod:`.settings_operations`; versions, aliases and policies in :mod:`.version_operations`
(rules in :mod:`.versions`, :mod:`.aliases`, :mod:`.policy`); event source mappings in
:mod:`.esm`.

Changes take effect at once; the answers still show AWS's transitional states (Pending,
InProgress) and the next read the final ones (INV-19, see :mod:`.config`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from redrive.runtime.pool import Runtime
from redrive.runtime.types import FunctionSpec
from redrive.services._base import Output, Params, Platform, RequestContext, operation
from redrive.services.lambda_ import (
    aliases,
    arns,
    code,
    concurrency_config,
    config,
    errors,
    invoke,
    paging,
    policy,
    qualifiers,
    state,
    versions,
)
from redrive.services.lambda_ import constants as c
from redrive.services.lambda_.arns import FunctionRef
from redrive.services.lambda_.async_queue import AsyncQueue
from redrive.services.lambda_.concurrency import ConcurrencyTracker
from redrive.services.lambda_.esm.operations import MappingOperations
from redrive.services.lambda_.esm.pollers import Pollers
from redrive.services.lambda_.settings_operations import (
    FunctionChange,
    FunctionListener,
    SettingsOperations,
)
from redrive.services.lambda_.state import Doc
from redrive.store import Transaction

#: the seeded stream weighted alias routing draws from (VER-4)
_ROUTING = "lambda.alias-routing"
_MARKER_TAG = "lf"


class LambdaService(SettingsOperations, MappingOperations):
    """Lambda function management.

    Internal interface for the invoke path and the runtime (no HTTP; call it on the instance
    from ``platform.service("lambda")``, inside or outside a store transaction):

    * :meth:`function_spec` ``(account_id, region, function_name_or_arn, qualifier)`` ->
      :class:`~redrive.runtime.types.FunctionSpec` of the version that runs, with the code
      unpacked on disk: ``$LATEST`` (unqualified), a published version, or for an alias the
      version its weighted routing picks for this invocation (VER-4, seeded); ``version`` is
      that executed version. Raises the ServiceError Invoke answers for a function or
      qualifier that does not exist (INV-10: ``Function not found: <arn>:<qualifier>``),
      another region or account, or a qualifier that contradicts the name.
    * :meth:`reserved_concurrency` ``(account_id, region, name)`` -> ``int | None``.
    * :meth:`event_invoke_settings` ``(account_id, region, function_name, qualifier=None)`` ->
      :class:`~redrive.services.lambda_.event_invoke_config.EventInvokeSettings`: the retry
      limits and destination ARNs of that qualifier's EventInvokeConfig (``$LATEST`` when
      None), with AWS's defaults (2 retries, 21600 s, no destinations) for what it leaves unset
      or when there is none (ASYNC-3, ASYNC-7, ASYNC-12); raises ``Function not found`` (404)
      when the function does not exist.
    * :meth:`dead_letter_target` ``(account_id, region, function_name, qualifier=None)`` ->
      ``str | None``: the TargetArn of the DeadLetterConfig of ``$LATEST`` or of the version
      ``qualifier`` names (it is frozen per version, VER-2; an alias reads its FunctionVersion),
      an SQS queue ARN (DEST-10), None without one; 404 as above.
    * :meth:`allows` ``(account_id, region, function_name_or_arn, qualifier, principal=...,
      source_arn=..., source_account=...)`` -> ``bool``: whether the resource-based policy of
      that qualifier lets ``principal`` invoke (VER-10, VER-11; see :func:`.policy.allows`).
      Services that push to Lambda (SNS, EventBridge, S3, API Gateway) are to ask it before
      invoking; none exists yet, so nothing calls it.
    * :meth:`on_function_changed` ``(callback)`` registers ``callback(FunctionChange)``, called
      after a function's code or configuration changes, after it or one of its versions is
      deleted, and after its reserved concurrency changes; it returns a function that
      unregisters the callback. A callback runs inside the operation's transaction: if it
      raises, the change is undone and the caller gets the error.
    """

    name = "lambda"

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        self._listeners: list[FunctionListener] = []
        #: execution environments of every function (worker processes)
        self.runtime = Runtime(platform)
        #: invocations in flight against the concurrency pools (CONC)
        self.concurrency = ConcurrencyTracker()
        #: accepted asynchronous events until their fate (ASYNC, DEST)
        self.async_queue = AsyncQueue(self)
        #: unpacked code by its SHA-256 (hex): looked up on every invocation
        self._code_dirs: dict[str, Path] = {}
        #: a poller per enabled event source mapping (SQSM)
        self.pollers = Pollers(self)
        self.on_function_changed(self._discard_environments)

    # -- life and invocation ---------------------------------------------------------------

    def start(self) -> None:
        self.runtime.start()
        self.async_queue.start()
        self.pollers.start()

    async def stop(self) -> None:
        await self.pollers.stop()
        await self.async_queue.stop()
        await self.runtime.shutdown()

    def serving(self, access_key_id: str | None) -> AbstractContextManager[object]:
        """A handler's own AWS call: its environment waits on redrive, it does not compute."""
        return self.runtime.waiting(access_key_id)

    @operation("Invoke")
    async def invoke(self, ctx: RequestContext, params: Params) -> Output:
        return await invoke.invoke(self, ctx, params)

    def _discard_environments(self, change: FunctionChange) -> None:
        """Warm environments of old code or configuration, or of deleted versions, are never
        reused; published versions keep theirs when ``$LATEST`` changes."""
        if change.kind == "concurrency":
            return
        version = {"updated": c.LATEST, "version-deleted": change.version}.get(change.kind)
        self.runtime.discard(
            change.function_name,
            account_id=change.account_id,
            region=change.region,
            version=version,
        )

    # -- internal interface -----------------------------------------------------------------

    def function_spec(
        self,
        account_id: str,
        region: str,
        function_name_or_arn: str,
        qualifier: str | None = None,
    ) -> FunctionSpec:
        """What an execution environment needs to run the function (see the class doc)."""
        ref = arns.invoked(
            function_name_or_arn, account_id=account_id, region=region, qualifier=qualifier
        )
        with self.store.transaction() as txn:
            target = qualifiers.resolve(txn, account_id, region, ref.name, ref.qualifier)
            if target is None:
                raise errors.function_not_found(
                    arns.function_arn(account_id, region, ref.name, ref.qualifier or c.LATEST)
                )
            doc = target.config
            if target.alias is not None:
                picked = aliases.pick_version(target.alias, self.platform.rng.stream(_ROUTING))
                if picked != target.version:
                    found = qualifiers.version_doc(txn, account_id, region, target.name, picked)
                    if found is None:  # versions an alias routes to cannot be deleted
                        raise RuntimeError(f"alias {ref.qualifier} routes to a missing version")
                    doc = found
            version = str(doc.get("Version", c.LATEST))
            code_dir = self._code_dirs.get(doc["CodeSha256Hex"])
            if code_dir is None:
                code_root = self.platform.work_dir / "code"
                code_dir = code_root / doc["CodeSha256Hex"]
                if not code_dir.is_dir():
                    stored = state.get_code(txn, account_id, region, target.name, version)
                    if stored is None:  # a function is never stored without its code
                        raise RuntimeError(f"the code of {target.name}:{version} is missing")
                    code_dir = code.unpack(stored[1], stored[0], code_root)
                # unpacked code is never changed or removed while redrive runs
                self._code_dirs[doc["CodeSha256Hex"]] = code_dir
        return FunctionSpec(
            function_name=doc["FunctionName"],
            version=version,
            function_arn=arns.function_arn(account_id, region, doc["FunctionName"]),
            region=region,
            account_id=account_id,
            runtime=doc["Runtime"],
            handler=doc["Handler"],
            code_dir=code_dir,
            code_sha256=doc["CodeSha256Hex"],
            revision=doc["ConfigRevision"],
            memory_mb=doc["MemorySize"],
            timeout_s=doc["Timeout"],
            environment=dict(doc.get("Environment") or {}),
            log_group=doc["LogGroup"],
        )

    def allows(
        self,
        account_id: str,
        region: str,
        function_name_or_arn: str,
        qualifier: str | None = None,
        *,
        principal: str,
        source_arn: str | None = None,
        source_account: str | None = None,
    ) -> bool:
        """Whether the function's policy lets ``principal`` invoke it (see the class doc)."""
        ref = arns.invoked(
            function_name_or_arn, account_id=account_id, region=region, qualifier=qualifier
        )
        with self.store.transaction() as txn:
            return policy.allows(
                txn,
                account_id,
                region,
                ref,
                principal=principal,
                source_arn=source_arn,
                source_account=source_account,
            )

    def reserved_concurrency(self, account_id: str, region: str, name: str) -> int | None:
        """The function's reserved concurrency, or None when it has none (CONC-6)."""
        with self.store.transaction() as txn:
            return state.get_reserved(txn, account_id, region, name)

    def unreserved_concurrency(self, account_id: str, region: str) -> int:
        """The size of the unreserved pool: the account limit minus all reservations (CONC-3)."""
        with self.store.transaction() as txn:
            reserved = state.reserved_by_function(txn, account_id, region)
        return concurrency_config.unreserved(self.platform.account_concurrency, reserved)

    # -- functions ----------------------------------------------------------------------------

    @operation("CreateFunction")
    def create_function(self, ctx: RequestContext, params: Params) -> Output:
        name = self._name_to_create(ctx, params["FunctionName"])
        if params.get("PublishTo"):
            raise errors.not_supported("PublishTo")
        if params.get("PackageType", "Zip") != "Zip":
            raise errors.not_supported("PackageType Image (container images)")
        zip_file = self._zip_file(params["Code"])
        config.check_unsupported(params)
        if not params.get("Runtime") or not params.get("Handler"):
            raise errors.runtime_and_handler_required()
        config.check_runtime(params["Runtime"])
        config.check_snapstart(params, params["Runtime"])
        config.check_limits(params)
        if params.get("Environment") is not None:
            config.environment_of(params)
        if len(params.get("Tags") or {}) > c.MAX_TAGS:
            raise errors.too_many_tags()
        info = code.inspect(zip_file)
        with self.store.transaction() as txn:
            if state.get_function(txn, ctx.account_id, ctx.region, name) is not None:
                raise errors.function_exists(name)
            doc = config.new_function(
                params,
                name,
                info,
                now_ms=self.platform.now_ms(),
                revision=self._revision(),
                config_revision=self._revision(),
            )
            state.put_function(txn, ctx.account_id, ctx.region, doc)
            state.put_code(txn, ctx.account_id, ctx.region, name, info=info, data=zip_file)
            version = c.LATEST
            if params.get("Publish"):
                version = self._publish(txn, ctx, doc, description=None)["Version"]
        return config.create_view(
            doc, ctx.account_id, ctx.region, revision=self._revision(), version=version
        )

    @operation("GetFunction")
    def get_function(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            ref, target = self._lookup_for_read(txn, ctx, params)
            doc = target.config
            output: Output = {
                "Configuration": config.read_view(
                    doc, ctx.account_id, ctx.region, arn_qualifier=ref.qualifier
                ),
                "Code": {
                    "RepositoryType": "S3",
                    "Location": c.CODE_LOCATION_TEMPLATE.format(
                        account=ctx.account_id,
                        region=ctx.region,
                        function=doc["FunctionName"],
                        sha256=doc["CodeSha256Hex"],
                    ),
                },
            }
            if target.function["Tags"]:
                output["Tags"] = dict(target.function["Tags"])
            reserved = state.get_reserved(txn, ctx.account_id, ctx.region, target.name)
            if reserved is not None:
                output["Concurrency"] = {"ReservedConcurrentExecutions": reserved}
        return output

    @operation("GetFunctionConfiguration")
    def get_function_configuration(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            ref, target = self._lookup_for_read(txn, ctx, params)
        return config.read_view(
            target.config, ctx.account_id, ctx.region, arn_qualifier=ref.qualifier
        )

    @operation("ListFunctions")
    def list_functions(self, ctx: RequestContext, params: Params) -> Output:
        """Functions in name order; with ``FunctionVersion: ALL`` each function's ``$LATEST``
        and then its versions (recorded: TestLambdaFunction::test_list_functions)."""
        if params.get("MasterRegion"):
            # Lambda@Edge replicas of functions mastered elsewhere: redrive has none
            return {"Functions": []}
        start, after = self._marker(params.get("Marker"))
        limit = int(params.get("MaxItems", c.DEFAULT_LIST_MAX_ITEMS))
        all_versions = params.get("FunctionVersion") == "ALL"
        with self.store.transaction() as txn:
            entries = list(
                itertools.islice(
                    self._function_entries(txn, ctx, start, after, all_versions), limit + 1
                )
            )
        output: Output = {
            "Functions": [
                config.configuration(
                    doc,
                    ctx.account_id,
                    ctx.region,
                    arn_qualifier=doc.get("Version", c.LATEST) if all_versions else None,
                )
                for doc in entries[:limit]
            ]
        }
        if len(entries) > limit:
            last = entries[limit - 1]
            output["NextMarker"] = paging.marker(
                _MARKER_TAG, last["FunctionName"], int(last.get("Version", 0))
            )
        return output

    @staticmethod
    def _function_entries(
        txn: Transaction, ctx: RequestContext, start: str | None, after: int, all_versions: bool
    ) -> Iterator[Doc]:
        """ListFunctions' entries from function ``start`` on, past its entry ``after`` (0:
        ``$LATEST``, n: version n; -1: none passed yet)."""
        for doc in state.iter_functions(txn, ctx.account_id, ctx.region, start=start):
            name = doc["FunctionName"]
            passed = after if name == start else -1
            if passed < 0:
                yield doc
            if all_versions:
                yield from state.iter_versions(
                    txn, ctx.account_id, ctx.region, name, after=max(passed, 0) or None
                )

    @operation("UpdateFunctionCode")
    def update_function_code(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            ref, doc = self._lookup_latest(txn, ctx, params["FunctionName"], "UpdateFunctionCode")
            self._check_revision(doc, params)
            if params.get("PublishTo"):
                raise errors.not_supported("PublishTo")
            if params.get("ImageUri"):
                raise errors.image_uri_on_zip_function()
            zip_file = self._zip_file(params)
            info = code.inspect(zip_file)
            config.set_code(doc, info)
            if params.get("Architectures"):
                doc["Architectures"] = list(params["Architectures"])
            if params.get("DryRun"):
                # [inferred] validated, nothing stored or announced: the answer shows the code
                # it would deploy, under the current RevisionId
                return config.update_view(
                    doc, ctx.account_id, ctx.region, revision=doc["RevisionId"]
                )
            self._touch(doc)
            state.put_function(txn, ctx.account_id, ctx.region, doc)
            state.put_code(txn, ctx.account_id, ctx.region, ref.name, info=info, data=zip_file)
            self._notify(ctx, ref.name, "updated")
            if params.get("Publish"):
                version = self._publish(txn, ctx, doc, description=None)
                return config.published_update_view(version, ctx.account_id, ctx.region)
        return config.update_view(doc, ctx.account_id, ctx.region, revision=self._revision())

    @operation("UpdateFunctionConfiguration")
    def update_function_configuration(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            ref, doc = self._lookup_latest(
                txn, ctx, params["FunctionName"], "UpdateFunctionConfiguration"
            )
            self._check_revision(doc, params)
            config.check_unsupported(params)
            if "Runtime" in params:
                config.check_runtime(params["Runtime"])
            config.check_snapstart(params, str(params.get("Runtime", doc["Runtime"])))
            config.check_limits(params)
            config.apply_configuration(doc, params)
            self._touch(doc)
            state.put_function(txn, ctx.account_id, ctx.region, doc)
            self._notify(ctx, ref.name, "updated")
        return config.update_view(doc, ctx.account_id, ctx.region, revision=self._revision())

    @operation("DeleteFunction")
    def delete_function(self, ctx: RequestContext, params: Params) -> Output:
        """The whole function with its versions, aliases and policies; or one version."""
        ref = arns.resolve(
            params["FunctionName"],
            account_id=ctx.account_id,
            region=ctx.region,
            qualifier=params.get("Qualifier"),
            action="DeleteFunction",
        )
        if qualifiers.kind(ref.qualifier) == "alias":
            raise errors.alias_deletion_not_supported()
        with self.store.transaction() as txn:
            function = state.get_function(txn, ctx.account_id, ctx.region, ref.name)
            if function is None:
                # recorded: unqualified ARN even when a qualifier was given
                raise errors.function_not_found(
                    arns.function_arn(ctx.account_id, ctx.region, ref.name)
                )
            name = function["FunctionName"]
            if ref.qualifier == c.LATEST:
                raise errors.latest_cannot_be_deleted()
            if ref.qualifier is not None:
                if qualifiers.kind(ref.qualifier) != "version":
                    raise errors.function_not_found(
                        arns.function_arn(ctx.account_id, ctx.region, name, ref.qualifier)
                    )
                versions.delete(txn, ctx.account_id, ctx.region, name, ref.qualifier)
                self._notify(ctx, name, "version-deleted", ref.qualifier)
            else:
                state.delete_function(txn, ctx.account_id, ctx.region, name)
                self._notify(ctx, name, "deleted")
        return {"StatusCode": 204}  # recorded: 204, empty body

    # -- helpers --------------------------------------------------------------------------------

    def _touch(self, doc: Doc) -> None:
        """Code or configuration changed: new LastModified and revisions."""
        doc["LastModifiedMs"] = self.platform.now_ms()
        doc["RevisionId"] = self._revision()
        doc["ConfigRevision"] = self._revision()

    def _name_to_create(self, ctx: RequestContext, function_name: str) -> str:
        ref = arns.resolve(
            function_name, account_id=ctx.account_id, region=ctx.region, action="CreateFunction"
        )
        if ref.qualified_name:
            raise errors.invalid_parameter(
                f"redrive refuses a qualifier in CreateFunction's FunctionName "
                f"({function_name!r}): name the function without ':<qualifier>'."
            )
        if len(ref.name) > c.MAX_FUNCTION_NAME_LENGTH:
            raise errors.function_name_too_long(
                function_name if ref.is_bare_name else ref.name, c.MAX_FUNCTION_NAME_LENGTH
            )
        return ref.name

    @staticmethod
    def _zip_file(code_params: Params) -> bytes:
        """``ZipFile`` of a Code structure (or of UpdateFunctionCode's request)."""
        if code_params.get("S3Bucket") or code_params.get("S3Key"):
            raise errors.not_supported("code from S3 (S3Bucket, S3Key); send ZipFile")
        if code_params.get("ImageUri"):
            raise errors.not_supported("container images (ImageUri)")
        if code_params.get("SourceKMSKeyArn"):
            raise errors.not_supported("SourceKMSKeyArn")
        zip_file = code_params.get("ZipFile")
        if not zip_file:
            raise errors.invalid_parameter(
                "redrive needs the deployment package as ZipFile (a zip archive in the request)."
            )
        return bytes(zip_file)

    def _lookup_for_read(
        self, txn: Transaction, ctx: RequestContext, params: Params
    ) -> tuple[FunctionRef, qualifiers.Target]:
        """GetFunction/GetFunctionConfiguration: what the name and qualifier name, or 404
        naming what was asked (VER-3: an unknown alias is ``Function not found`` here)."""
        ref = arns.resolve(
            params["FunctionName"],
            account_id=ctx.account_id,
            region=ctx.region,
            qualifier=params.get("Qualifier"),
            action=ctx.operation or "GetFunction",
        )
        target = qualifiers.resolve(txn, ctx.account_id, ctx.region, ref.name, ref.qualifier)
        if target is None:
            raise errors.function_not_found(
                arns.function_arn(ctx.account_id, ctx.region, ref.name, ref.qualifier)
            )
        return ref, target

    @staticmethod
    def _check_revision(doc: Doc, params: Params) -> None:
        revision = params.get("RevisionId")
        if revision is not None and revision != doc["RevisionId"]:
            raise errors.precondition_failed()

    @staticmethod
    def _marker(marker: str | None) -> tuple[str | None, int]:
        """ListFunctions' Marker: (function to start from, entry of it already listed)."""
        if marker is None:
            return None, -1
        found = paging.position(_MARKER_TAG, marker)
        if (
            len(found) != 2
            or not isinstance(found[0], str)
            or not isinstance(found[1], int)
        ):
            raise errors.invalid_marker(marker)
        return found[0], found[1]
