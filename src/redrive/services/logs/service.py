"""The CloudWatch Logs service (botocore ``logs``)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from redrive.services._base import Output, Params, Platform, RequestContext, Service, operation
from redrive.services.logs import arns, errors, events, state, tokens, views
from redrive.services.logs import constants as c
from redrive.services.logs.filter_pattern import FilterPatternError, compile_filter_pattern
from redrive.services.logs.retention import RetentionSweeper, expired_after
from redrive.services.logs.state import Doc
from redrive.store import Transaction


class LogsService(Service):
    """CloudWatch Logs: groups, streams, events, filter patterns and retention.

    Internal interface for other services (no HTTP; call it on the instance from
    ``platform.service("logs")``, inside or outside a store transaction):

    * :meth:`append_events` ``(account_id, region, group, stream, events)`` stores
      ``events``, a sequence of ``(timestamp_ms, message)``, creating the log group and stream
      if they are missing, as Lambda does. Their ingestion time is the emulated now. Nothing
      is rejected: no order, age or batch-size checks (those are PutLogEvents' rules for
      clients).
    * :meth:`ensure_group` / :meth:`ensure_stream` create a group / stream unless it exists.

    Retention runs on the emulated clock: events older than ``retentionInDays`` are hidden
    from reads at once and deleted by a sweep on the scheduler (see
    :mod:`~redrive.services.logs.retention`).
    """

    name = "logs"

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        self.retention = RetentionSweeper(platform)

    def start(self) -> None:
        self.retention.start()

    def stop(self) -> None:
        self.retention.stop()

    # -- internal interface ---------------------------------------------------------------------

    def append_events(
        self,
        account_id: str,
        region: str,
        group: str,
        stream: str,
        events: Sequence[tuple[int, str]],
    ) -> None:
        """Store ``(timestamp_ms, message)`` events, creating the group and stream if needed."""
        batch = [(int(ts), str(message)) for ts, message in events]
        with self.store.transaction() as txn:
            group_doc = self._ensure_group(txn, account_id, region, group)
            stream_doc = self._ensure_stream(txn, account_id, region, group, stream)
            if batch:
                state.append(
                    txn,
                    account_id,
                    region,
                    group_doc,
                    stream_doc,
                    events=batch,
                    ingestion_ms=self.platform.now_ms(),
                )
                self._note_expiry(group_doc, min(ts for ts, _ in batch))

    def ensure_group(self, account_id: str, region: str, group: str) -> None:
        with self.store.transaction() as txn:
            self._ensure_group(txn, account_id, region, group)

    def ensure_stream(self, account_id: str, region: str, group: str, stream: str) -> None:
        with self.store.transaction() as txn:
            self._ensure_group(txn, account_id, region, group)
            self._ensure_stream(txn, account_id, region, group, stream)

    # -- log groups -----------------------------------------------------------------------------

    @operation("CreateLogGroup")
    def create_log_group(self, ctx: RequestContext, params: Params) -> Output:
        name = params["logGroupName"]
        with self.store.transaction() as txn:
            if state.get_group(txn, ctx.account_id, ctx.region, name) is not None:
                raise errors.group_exists()
            doc = self._new_group(name)
            doc["tags"] = dict(params.get("tags") or {})
            doc["logGroupClass"] = params.get("logGroupClass", c.DEFAULT_LOG_GROUP_CLASS)
            doc["deletionProtectionEnabled"] = bool(params.get("deletionProtectionEnabled"))
            if params.get("kmsKeyId"):
                doc["kmsKeyId"] = params["kmsKeyId"]
            state.put_group(txn, ctx.account_id, ctx.region, doc)
        return {}

    @operation("DeleteLogGroup")
    def delete_log_group(self, ctx: RequestContext, params: Params) -> Output:
        name = params["logGroupName"]
        with self.store.transaction() as txn:
            doc = self._group(txn, ctx, name)
            if doc.get("deletionProtectionEnabled"):
                raise errors.deletion_protected(name)
            state.delete_group(txn, ctx.account_id, ctx.region, name)
        return {}

    @operation("DescribeLogGroups")
    def describe_log_groups(self, ctx: RequestContext, params: Params) -> Output:
        prefix = params.get("logGroupNamePrefix")
        pattern = params.get("logGroupNamePattern")
        if prefix is not None and pattern is not None:
            raise errors.prefix_and_pattern()
        after = self._page_value(params, "g")
        limit = int(params.get("limit", c.DEFAULT_DESCRIBE_LIMIT))
        wanted_class = params.get("logGroupClass")
        identifiers = params.get("logGroupIdentifiers")
        names = None
        if identifiers is not None:
            names = {
                arns.group_name_from_identifier(i, ctx.account_id, ctx.region) for i in identifiers
            }
        needle = (pattern or "").lower()
        found: list[Doc] = []
        with self.store.transaction() as txn:
            for doc in state.iter_groups(
                txn, ctx.account_id, ctx.region, prefix=prefix or "", after=after
            ):
                name = doc["logGroupName"]
                if needle and needle not in name.lower():
                    continue
                if names is not None and name not in names:
                    continue
                group_class = doc.get("logGroupClass", c.DEFAULT_LOG_GROUP_CLASS)
                if wanted_class is not None and group_class != wanted_class:
                    continue
                found.append(doc)
                if len(found) > limit:
                    break
        output: Output = {
            "logGroups": [views.log_group(ctx.account_id, ctx.region, d) for d in found[:limit]]
        }
        if len(found) > limit:
            output["nextToken"] = tokens.page_token("g", found[limit - 1]["logGroupName"])
        return output

    # -- log streams ----------------------------------------------------------------------------

    @operation("CreateLogStream")
    def create_log_stream(self, ctx: RequestContext, params: Params) -> Output:
        group, name = params["logGroupName"], params["logStreamName"]
        with self.store.transaction() as txn:
            self._group(txn, ctx, group)
            if state.get_stream(txn, ctx.account_id, ctx.region, group, name) is not None:
                raise errors.stream_exists()
            doc = state.new_stream(txn, name, self.platform.now_ms())
            state.put_stream(txn, ctx.account_id, ctx.region, group, doc)
        return {}

    @operation("DeleteLogStream")
    def delete_log_stream(self, ctx: RequestContext, params: Params) -> Output:
        group, name = params["logGroupName"], params["logStreamName"]
        with self.store.transaction() as txn:
            group_doc = self._group(txn, ctx, group)
            self._stream(txn, ctx, group, name)
            freed = state.delete_stream(txn, ctx.account_id, ctx.region, group, name)
            if freed:
                group_doc["storedBytes"] = max(0, int(group_doc.get("storedBytes", 0)) - freed)
                state.put_group(txn, ctx.account_id, ctx.region, group_doc)
        return {}

    @operation("DescribeLogStreams")
    def describe_log_streams(self, ctx: RequestContext, params: Params) -> Output:
        prefix = params.get("logStreamNamePrefix")
        by_time = params.get("orderBy", "LogStreamName") == "LastEventTime"
        if prefix is not None and by_time:
            raise errors.prefix_with_last_event_time()
        descending = bool(params.get("descending", False))
        limit = int(params.get("limit", c.DEFAULT_DESCRIBE_LIMIT))
        with self.store.transaction() as txn:
            group = self._group_of(txn, ctx, params)["logGroupName"]
            if by_time:
                found = self._streams_by_time(
                    txn,
                    ctx,
                    group,
                    token=params.get("nextToken"),
                    descending=descending,
                    limit=limit,
                )
            else:
                after = self._page_value(params, "s")
                found = list(
                    itertools.islice(
                        state.iter_streams(
                            txn,
                            ctx.account_id,
                            ctx.region,
                            group,
                            prefix=prefix or "",
                            after=after,
                            reverse=descending,
                        ),
                        limit + 1,
                    )
                )
        output: Output = {
            "logStreams": [
                views.log_stream(ctx.account_id, ctx.region, group, d) for d in found[:limit]
            ]
        }
        if len(found) > limit:
            last = found[limit - 1]
            output["nextToken"] = (
                tokens.page_token("t", _last_event_time(last), last["logStreamName"])
                if by_time
                else tokens.page_token("s", last["logStreamName"])
            )
        return output

    def _streams_by_time(
        self,
        txn: Transaction,
        ctx: RequestContext,
        group: str,
        *,
        token: str | None,
        descending: bool,
        limit: int,
    ) -> list[Doc]:
        """Streams ordered by last event time (then name); up to ``limit + 1`` of them."""
        docs = sorted(
            state.iter_streams(txn, ctx.account_id, ctx.region, group),
            key=lambda d: (_last_event_time(d), d["logStreamName"]),
            reverse=descending,
        )
        if token is not None:
            values = tokens.parse_page_token(token, "t", "is")
            if values is None:
                raise errors.invalid_token()
            mark = (int(values[0]), str(values[1]))
            docs = [
                d
                for d in docs
                if ((_last_event_time(d), d["logStreamName"]) < mark) == descending
                and (_last_event_time(d), d["logStreamName"]) != mark
            ]
        return docs[: limit + 1]

    # -- events ---------------------------------------------------------------------------------

    @operation("PutLogEvents")
    def put_log_events(self, ctx: RequestContext, params: Params) -> Output:
        group, name = params["logGroupName"], params["logStreamName"]
        batch = [(int(e["timestamp"]), e["message"]) for e in params["logEvents"]]
        now_ms = self.platform.now_ms()
        with self.store.transaction() as txn:
            group_doc = self._group(txn, ctx, group)
            stream_doc = self._stream(txn, ctx, group, name)
            events.check_batch(batch)
            days = group_doc.get("retentionInDays")
            start, stop, rejected = events.split_batch(
                [ts for ts, _ in batch], now_ms, None if days is None else int(days)
            )
            accepted = batch[start:stop]
            if accepted:
                state.append(
                    txn,
                    ctx.account_id,
                    ctx.region,
                    group_doc,
                    stream_doc,
                    events=accepted,
                    ingestion_ms=now_ms,
                )
                self._note_expiry(group_doc, accepted[0][0])
            output: Output = {"nextSequenceToken": events.sequence_token(stream_doc)}
        if rejected:
            output["rejectedLogEventsInfo"] = rejected
        return output

    @operation("GetLogEvents")
    def get_log_events(self, ctx: RequestContext, params: Params) -> Output:
        name = params["logStreamName"]
        with self.store.transaction() as txn:
            group = self._group_of(txn, ctx, params)
            self._stream(txn, ctx, group["logGroupName"], name)
            return events.get_log_events(
                txn,
                ctx.account_id,
                ctx.region,
                group,
                stream=name,
                params=params,
                now_ms=self.platform.now_ms(),
            )

    @operation("FilterLogEvents")
    def filter_log_events(self, ctx: RequestContext, params: Params) -> Output:
        names = params.get("logStreamNames")
        prefix = params.get("logStreamNamePrefix")
        if names is not None and prefix is not None:
            raise errors.names_and_prefix()
        try:
            matcher = compile_filter_pattern(params.get("filterPattern"))
        except FilterPatternError as exc:
            raise errors.invalid_filter_pattern(str(exc)) from None
        with self.store.transaction() as txn:
            group = self._group_of(txn, ctx, params)
            group_name = group["logGroupName"]
            if names is not None:
                found = (
                    state.get_stream(txn, ctx.account_id, ctx.region, group_name, n)
                    for n in sorted(set(names))
                )
                streams = [s for s in found if s is not None]
            else:
                streams = list(
                    state.iter_streams(
                        txn, ctx.account_id, ctx.region, group_name, prefix=prefix or ""
                    )
                )
            return events.filter_log_events(
                txn,
                ctx.account_id,
                ctx.region,
                group,
                streams=streams,
                params=params,
                matcher=matcher,
                now_ms=self.platform.now_ms(),
            )

    # -- retention ------------------------------------------------------------------------------

    @operation("PutRetentionPolicy")
    def put_retention_policy(self, ctx: RequestContext, params: Params) -> Output:
        days = int(params["retentionInDays"])
        if days not in c.RETENTION_DAYS:
            raise errors.invalid_retention(days, c.RETENTION_DAYS)
        with self.store.transaction() as txn:
            doc = self._group(txn, ctx, params["logGroupName"])
            doc["retentionInDays"] = days
            state.put_group(txn, ctx.account_id, ctx.region, doc)
            oldest = state.oldest_event_timestamp(
                txn, ctx.account_id, ctx.region, doc["logGroupName"]
            )
            if oldest is not None:
                self.retention.expires_at(expired_after(oldest, days))
        return {}

    @operation("DeleteRetentionPolicy")
    def delete_retention_policy(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            doc = self._group(txn, ctx, params["logGroupName"])
            doc.pop("retentionInDays", None)
            state.put_group(txn, ctx.account_id, ctx.region, doc)
        return {}

    # -- tags -----------------------------------------------------------------------------------

    @operation("TagResource")
    def tag_resource(self, ctx: RequestContext, params: Params) -> Output:
        self._tag(ctx, self._group_name_of_arn(ctx, params["resourceArn"]), params["tags"])
        return {}

    @operation("UntagResource")
    def untag_resource(self, ctx: RequestContext, params: Params) -> Output:
        self._untag(ctx, self._group_name_of_arn(ctx, params["resourceArn"]), params["tagKeys"])
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, ctx: RequestContext, params: Params) -> Output:
        return self._tags(ctx, self._group_name_of_arn(ctx, params["resourceArn"]))

    @operation("TagLogGroup")
    def tag_log_group(self, ctx: RequestContext, params: Params) -> Output:
        self._tag(ctx, params["logGroupName"], params["tags"])
        return {}

    @operation("UntagLogGroup")
    def untag_log_group(self, ctx: RequestContext, params: Params) -> Output:
        self._untag(ctx, params["logGroupName"], params["tags"])
        return {}

    @operation("ListTagsLogGroup")
    def list_tags_log_group(self, ctx: RequestContext, params: Params) -> Output:
        return self._tags(ctx, params["logGroupName"])

    def _tag(self, ctx: RequestContext, group: str, tags: dict[str, str]) -> None:
        with self.store.transaction() as txn:
            doc = self._group(txn, ctx, group)
            merged = {**doc.get("tags", {}), **tags}
            if len(merged) > c.MAX_TAGS:
                raise errors.too_many_tags(c.MAX_TAGS)
            doc["tags"] = merged
            state.put_group(txn, ctx.account_id, ctx.region, doc)

    def _untag(self, ctx: RequestContext, group: str, keys: list[str]) -> None:
        with self.store.transaction() as txn:
            doc = self._group(txn, ctx, group)
            doc["tags"] = {k: v for k, v in doc.get("tags", {}).items() if k not in set(keys)}
            state.put_group(txn, ctx.account_id, ctx.region, doc)

    def _tags(self, ctx: RequestContext, group: str) -> Output:
        with self.store.transaction() as txn:
            return {"tags": dict(self._group(txn, ctx, group).get("tags", {}))}

    def _group_name_of_arn(self, ctx: RequestContext, arn: str) -> str:
        parsed = arns.parse_group_arn(arn)
        if parsed is None:
            raise errors.invalid_arn(arn)
        account, region, group = parsed
        if account != ctx.account_id or region != ctx.region:
            raise errors.group_not_found()
        return group

    # -- lookups --------------------------------------------------------------------------------

    def _new_group(self, name: str) -> Doc:
        return {
            "logGroupName": name,
            "creationTime": self.platform.now_ms(),
            "tags": {},
            "logGroupClass": c.DEFAULT_LOG_GROUP_CLASS,
            "deletionProtectionEnabled": False,
            "storedBytes": 0,
        }

    def _ensure_group(self, txn: Transaction, account: str, region: str, group: str) -> Doc:
        doc = state.get_group(txn, account, region, group)
        if doc is None:
            doc = self._new_group(group)
            state.put_group(txn, account, region, doc)
        return doc

    def _ensure_stream(
        self, txn: Transaction, account: str, region: str, group: str, stream: str
    ) -> Doc:
        doc = state.get_stream(txn, account, region, group, stream)
        if doc is None:
            doc = state.new_stream(txn, stream, self.platform.now_ms())
            state.put_stream(txn, account, region, group, doc)
        return doc

    def _group(self, txn: Transaction, ctx: RequestContext, name: str) -> Doc:
        doc = state.get_group(txn, ctx.account_id, ctx.region, name)
        if doc is None:
            raise errors.group_not_found()
        return doc

    def _stream(self, txn: Transaction, ctx: RequestContext, group: str, name: str) -> Doc:
        doc = state.get_stream(txn, ctx.account_id, ctx.region, group, name)
        if doc is None:
            raise errors.stream_not_found()
        return doc

    def _group_of(self, txn: Transaction, ctx: RequestContext, params: Params) -> Doc:
        """The group named by ``logGroupName`` or ``logGroupIdentifier`` (a name or an ARN)."""
        name = params.get("logGroupName")
        identifier = params.get("logGroupIdentifier")
        if name is not None and identifier is not None:
            raise errors.name_and_identifier()
        if identifier is not None:
            name = arns.group_name_from_identifier(identifier, ctx.account_id, ctx.region)
            if name is None:
                raise errors.group_not_found()
        if name is None:
            raise errors.neither_name_nor_identifier()
        return self._group(txn, ctx, name)

    def _page_value(self, params: Params, tag: str) -> str | None:
        token = params.get("nextToken")
        if token is None:
            return None
        values = tokens.parse_page_token(token, tag, "s")
        if values is None:
            raise errors.invalid_token()
        return str(values[0])

    def _note_expiry(self, group: Doc, oldest_ms: int) -> None:
        days = group.get("retentionInDays")
        if days is not None:
            self.retention.expires_at(expired_after(oldest_ms, int(days)))


def _last_event_time(doc: Doc) -> int:
    value: Any = doc.get("lastEventTimestamp")
    return 0 if value is None else int(value)
