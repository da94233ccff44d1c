"""The event source mapping operations (SQSM-16, SQSM-17).

:class:`MappingOperations` is a base of :class:`~redrive.services.lambda_.service.LambdaService`;
the mappings' rules live in :mod:`.mapping`, their pollers in :mod:`.pollers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from redrive.errors import ServiceError
from redrive.services._base import Output, Params, RequestContext, Service, operation
from redrive.services.lambda_ import arns, paging
from redrive.services.lambda_.esm import mapping, state, stream_mapping, stream_sources
from redrive.services.lambda_.esm.pollers import Pollers
from redrive.services.lambda_.esm.state import Doc
from redrive.store import Transaction

if TYPE_CHECKING:
    from redrive.services.lambda_.service import LambdaService
    from redrive.services.sqs.service import SqsService

_LIST_TAG = "esm"
_PAGE_MAX = 100  # [inferred] ListEventSourceMappings' MaxItems ceiling (model: 1-10000)


class MappingOperations(Service):
    """Create/Get/List/Update/DeleteEventSourceMapping (SQS, Kinesis and DynamoDB Streams)."""

    pollers: Pollers

    @operation("CreateEventSourceMapping")
    def create_event_source_mapping(self, ctx: RequestContext, params: Params) -> Output:
        service = mapping.source_service(params.get("EventSourceArn"))
        mapping.check_supported(params, service, creating=True)
        name, qualifier, function_arn = self._function(ctx, params["FunctionName"])
        source_arn = str(params["EventSourceArn"])
        stream = stream_mapping.is_stream(service)
        if stream:
            self._check_stream(service, source_arn)
        fifo = False if stream else self._fifo(source_arn)
        now = self.platform.now()
        with self.store.transaction() as txn:
            for other in state.in_region(txn, ctx.account_id, ctx.region):
                if other["EventSourceArn"] == source_arn and other["FunctionArn"] == function_arn:
                    if stream:
                        raise stream_mapping.duplicate(source_arn, name, other["UUID"])
                    raise mapping.duplicate(source_arn, name, other["UUID"])
            doc = mapping.new(
                params,
                uuid=self.platform.rng.uuid4("esm-uuids"),
                function_arn=function_arn,
                function_name=name,
                qualifier=qualifier,
                now=now,
                service=service,
            )
            if not stream:
                mapping.check_batching(doc, fifo=fifo)
            state.put(txn, ctx.account_id, ctx.region, doc)
        self.pollers.changed(ctx.account_id, ctx.region, doc["UUID"])
        return mapping.view(doc, ctx.account_id, ctx.region)

    @operation("GetEventSourceMapping")
    def get_event_source_mapping(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            doc = self._mapping(txn, ctx, params["UUID"])
        return mapping.view(doc, ctx.account_id, ctx.region)

    @operation("ListEventSourceMappings")
    def list_event_source_mappings(self, ctx: RequestContext, params: Params) -> Output:
        source = params.get("EventSourceArn")
        wanted: tuple[str, str | None] | None = None
        if params.get("FunctionName"):
            ref = arns.resolve(
                params["FunctionName"], account_id=ctx.account_id, region=ctx.region,
                action="ListEventSourceMappings",
            )
            wanted = (ref.name, ref.qualifier)
        after = None
        if params.get("Marker"):
            after = str(paging.position(_LIST_TAG, params["Marker"])[0])
        limit = min(int(params.get("MaxItems") or _PAGE_MAX), _PAGE_MAX)
        found: list[dict[str, Any]] = []
        with self.store.transaction() as txn:
            for doc in state.in_region(txn, ctx.account_id, ctx.region):
                if after is not None and doc["UUID"] <= after:
                    continue
                if source and doc["EventSourceArn"] != source:
                    continue
                if wanted is not None and (
                    doc["FunctionName"] != wanted[0]
                    or (wanted[1] is not None and doc.get("Qualifier") != wanted[1])
                ):
                    continue
                found.append(doc)
                if len(found) > limit:
                    break
        page = found[:limit]
        out: Output = {
            "EventSourceMappings": [mapping.view(d, ctx.account_id, ctx.region) for d in page]
        }
        if len(found) > limit:
            out["NextMarker"] = paging.marker(_LIST_TAG, page[-1]["UUID"])
        return out

    @operation("UpdateEventSourceMapping")
    def update_event_source_mapping(self, ctx: RequestContext, params: Params) -> Output:
        function = None
        if params.get("FunctionName"):
            function = self._function(ctx, params["FunctionName"])
        with self.store.transaction() as txn:
            doc = self._mapping(txn, ctx, params["UUID"])
            service = mapping.source_service(doc["EventSourceArn"])
            mapping.check_supported(params, service, creating=False)
            if doc["State"] not in ("Enabled", "Disabled"):
                raise ServiceError(  # [inferred] AWS refuses changes mid-transition
                    "ResourceInUseException",
                    "Cannot update the event source mapping because it is in use.",
                    400,
                )
            mapping.apply(doc, params)
            if function is not None:
                doc["FunctionName"], doc["Qualifier"], doc["FunctionArn"] = function
            if not stream_mapping.is_stream(service):
                fifo = self._fifo(doc["EventSourceArn"], missing_ok=True)
                mapping.check_batching(doc, fifo=fifo)
            enabled = doc["Enabled"]
            if params.get("Enabled") is not None:
                enabled = bool(params["Enabled"])
            if enabled != doc["Enabled"]:
                doc["State"] = "Enabling" if enabled else "Disabling"
            else:
                doc["State"] = "Updating"
            doc["Enabled"] = enabled
            doc["LastModified"] = self.platform.now()
            state.put(txn, ctx.account_id, ctx.region, doc)
        self.pollers.changed(ctx.account_id, ctx.region, doc["UUID"])
        return mapping.view(doc, ctx.account_id, ctx.region)

    @operation("DeleteEventSourceMapping")
    def delete_event_source_mapping(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            doc = self._mapping(txn, ctx, params["UUID"])
            doc["State"] = "Deleting"
            state.put(txn, ctx.account_id, ctx.region, doc)
        self.pollers.changed(ctx.account_id, ctx.region, doc["UUID"])
        return mapping.view(doc, ctx.account_id, ctx.region)

    # -- helpers --------------------------------------------------------------------------------

    def _mapping(self, txn: Transaction, ctx: RequestContext, uuid: str) -> Doc:
        doc = state.get(txn, ctx.account_id, ctx.region, uuid)
        if doc is None:
            raise mapping.not_found()
        return doc

    def _function(self, ctx: RequestContext, name_or_arn: str) -> tuple[str, str | None, str]:
        """(name, qualifier, FunctionArn as the mapping shows it) of an existing function."""
        ref = arns.resolve(
            name_or_arn, account_id=ctx.account_id, region=ctx.region,
            action="CreateEventSourceMapping",
        )
        try:
            lambda_ = cast("LambdaService", self)
            lambda_.function_spec(ctx.account_id, ctx.region, ref.name, ref.qualifier)
        except ServiceError as exc:
            if exc.code == "ResourceNotFoundException":
                raise mapping.function_missing() from None
            raise
        arn = arns.function_arn(ctx.account_id, ctx.region, ref.name, ref.qualifier)
        return ref.name, ref.qualifier, arn

    def _check_stream(self, service: str, stream_arn: str) -> None:
        try:
            stream_sources.source(self.platform, service).describe(stream_arn)
        except ServiceError:
            raise stream_mapping.stream_missing(stream_arn) from None

    def _fifo(self, queue_arn: str, *, missing_ok: bool = False) -> bool:
        sqs = cast("SqsService", self.platform.service("sqs"))
        try:
            attributes = sqs.queue_attributes(queue_arn)
        except ServiceError:
            if missing_ok:
                return queue_arn.endswith(".fifo")
            raise mapping.queue_missing() from None
        return attributes.get("FifoQueue") == "true"
