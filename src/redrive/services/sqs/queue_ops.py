"""Queue operations: create, find, list, attributes, delete, purge, tags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.sqs import attributes, errors, redrive, state, tokens, views
from redrive.services.sqs import constants as c
from redrive.services.sqs.arns import QueueRef
from redrive.services.sqs.core import SqsCore
from redrive.services.sqs.state import Queue
from redrive.store import Transaction

Changes = dict[str, str | None]


class QueueOperations(SqsCore):
    @operation("CreateQueue")
    def create_queue(self, ctx: RequestContext, params: Params) -> Output:
        name = str(params["QueueName"])
        given = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
        is_fifo = attributes.is_fifo_request(given)
        attributes.check_name(name, fifo=is_fifo)
        changes = _changes(given, fifo=is_fifo, creating=True)
        tags = {str(k): str(v) for k, v in (params.get("tags") or {}).items()}
        ref = QueueRef(ctx.account_id, ctx.region, name)
        now = self.platform.now()
        with self.store.transaction() as txn:
            existing = state.get_queue(txn, ref)
            if existing is not None:
                for key, value in changes.items():
                    if existing.attributes.get(key) != value:
                        raise errors.queue_exists(key)
                self.sampler.touch(existing)
                return {"QueueUrl": self.url_of(existing)}
            deleted_at = txn.get(state.DELETED, ref.key)
            if deleted_at is not None:
                if now - float(deleted_at) < c.QUEUE_NAME_REUSE_SECONDS:
                    raise errors.queue_deleted_recently()
                txn.delete(state.DELETED, ref.key)
            values = attributes.defaults(is_fifo)
            _apply(values, changes)
            self._check_redrive(txn, ref, is_fifo, given, changes)
            _check_tags(name, {}, tags)
            queue = state.new_queue(txn, ref, fifo=is_fifo, attributes=values, now=now)
            queue.doc["tags"] = tags
            state.put_queue(txn, queue)
            self.sampler.touch(queue)
        return {"QueueUrl": self.url_of(queue)}

    @operation("GetQueueUrl")
    def get_queue_url(self, ctx: RequestContext, params: Params) -> Output:
        account = str(params.get("QueueOwnerAWSAccountId") or ctx.account_id)
        ref = QueueRef(account, ctx.region, str(params["QueueName"]))
        with self.store.transaction() as txn:
            queue = self._existing(txn, ref)
        return {"QueueUrl": self.url_of(queue)}

    @operation("ListQueues")
    def list_queues(self, ctx: RequestContext, params: Params) -> Output:
        prefix = str(params.get("QueueNamePrefix") or "")
        with self.store.transaction() as txn:
            found, token = _page(
                state.iter_queues(
                    txn, ctx.account_id, ctx.region, prefix=prefix, after=_after(params)
                ),
                params.get("MaxResults"),
            )
        output: Output = {}
        if found:
            output["QueueUrls"] = [self.url_of(q) for q in found]
        if token is not None:
            output["NextToken"] = token
        return output

    @operation("ListDeadLetterSourceQueues")
    def list_dead_letter_source_queues(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            target = self.by_url(txn, ctx, str(params["QueueUrl"]))
            sources = (
                q
                for q in state.iter_queues(txn, target.account, target.region, after=_after(params))
                if q.attributes.get("RedrivePolicy")
                and attributes.parse_redrive_policy(
                    q.attributes["RedrivePolicy"]
                ).dead_letter_target_arn
                == target.arn
            )
            found, token = _page(sources, params.get("MaxResults"))
        output: Output = {"queueUrls": [self.url_of(q) for q in found]}
        if token is not None:
            output["NextToken"] = token
        return output

    @operation("GetQueueAttributes")
    def get_queue_attributes(self, ctx: RequestContext, params: Params) -> Output:
        names = [str(n) for n in params.get("AttributeNames") or ()]
        for name in names:
            if name not in attributes.KNOWN:
                raise errors.unknown_attribute(name)
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            messages = self.messages(txn, queue)
            self.finish(messages)
            values = views.queue_attributes(queue, messages.counts)
        if not names:
            return {}
        if "All" not in names:
            values = {k: v for k, v in values.items() if k in names}
        return {"Attributes": values} if values else {}

    @operation("SetQueueAttributes")
    def set_queue_attributes(self, ctx: RequestContext, params: Params) -> Output:
        given = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            fifo_value = given.pop("FifoQueue", None)
            if fifo_value is not None:
                if not queue.fifo:
                    raise errors.unknown_attribute("FifoQueue")
                if fifo_value.lower() != "true":
                    raise errors.queue_type_change()
            changes = _changes(given, fifo=queue.fifo, creating=False)
            values = dict(queue.attributes)
            _apply(values, changes)
            self._check_redrive(txn, queue.ref, queue.fifo, given, changes)
            queue.doc["attrs"] = values
            queue.doc["modified"] = int(self.platform.now())
            state.put_queue(txn, queue)
        return {}

    @operation("DeleteQueue")
    def delete_queue(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            txn.delete(state.QUEUES, queue.ref.key)
            txn.put(state.DELETED, queue.ref.key, self.platform.now())
            self.sweeper.add(txn, queue.sid)
            self.sampler.active.pop(queue.qid, None)
        self.waiters.notify(queue.qid)  # waiting receivers find the queue gone
        return {}

    @operation("PurgeQueue")
    def purge_queue(self, ctx: RequestContext, params: Params) -> Output:
        now = self.platform.now()
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            purged = queue.doc.get("purged")
            if purged is not None and now - float(purged) < c.PURGE_INTERVAL_SECONDS:
                raise errors.purge_in_progress(queue.name)
            self.sweeper.add(txn, queue.sid)
            queue.doc["sid"] = txn.next_id(state.STORAGE_IDS)
            queue.doc["purged"] = now
            state.put_queue(txn, queue)
        return {}

    # -- tags ---------------------------------------------------------------------------------

    @operation("TagQueue")
    def tag_queue(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            new = {str(k): str(v) for k, v in (params.get("Tags") or {}).items()}
            _check_tags(queue.name, queue.tags, new)
            queue.tags.update(new)
            state.put_queue(txn, queue)
        return {}

    @operation("UntagQueue")
    def untag_queue(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
            for key in params.get("TagKeys") or ():
                queue.tags.pop(str(key), None)
            state.put_queue(txn, queue)
        return {}

    @operation("ListQueueTags")
    def list_queue_tags(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            queue = self.by_url(txn, ctx, str(params["QueueUrl"]))
        return {"Tags": dict(queue.tags)} if queue.tags else {}

    # -- helpers ------------------------------------------------------------------------------

    def _check_redrive(
        self,
        txn: Transaction,
        ref: QueueRef,
        is_fifo: bool,
        given: Mapping[str, str],
        changes: Changes,
    ) -> None:
        canonical = changes.get("RedrivePolicy")
        if canonical is not None:
            policy = attributes.parse_redrive_policy(canonical)
            redrive.check_policy(ref, is_fifo, given["RedrivePolicy"], policy, self.finder(txn))


def _changes(given: Mapping[str, str], *, fifo: bool, creating: bool) -> Changes:
    """Canonical values of the given attributes (None: remove), checked one by one."""
    changes: Changes = {}
    for key, value in given.items():
        if key == "FifoQueue" and creating:
            if fifo:
                changes[key] = "true"
            continue  # FifoQueue=false on a standard queue changes nothing
        changes[key] = attributes.normalize(key, value, fifo=fifo)
    if changes.get("SqsManagedSseEnabled") == "true" and changes.get("KmsMasterKeyId"):
        raise errors.sse_mutually_exclusive()
    return changes


def _apply(values: dict[str, str], changes: Changes) -> None:
    """Apply attribute changes, keeping server-side encryption consistent."""
    if (
        changes.get("SqsManagedSseEnabled") == "true"
        and values.get("KmsMasterKeyId")
        and "KmsMasterKeyId" not in changes
    ):
        raise errors.sse_mutually_exclusive()
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    if "KmsMasterKeyId" in changes:
        if values.get("KmsMasterKeyId"):
            values["SqsManagedSseEnabled"] = "false"
            values.setdefault("KmsDataKeyReusePeriodSeconds", str(c.DEFAULT_KMS_REUSE_SECONDS))
        else:
            values.pop("KmsMasterKeyId", None)
            values.pop("KmsDataKeyReusePeriodSeconds", None)


def _check_tags(name: str, current: Mapping[str, str], new: Mapping[str, str]) -> None:
    for key, value in new.items():
        if not 1 <= len(key) <= c.MAX_TAG_KEY_LENGTH:
            raise errors.invalid_tag(f"key '{key}' must be 1 to {c.MAX_TAG_KEY_LENGTH} long.")
        if len(value) > c.MAX_TAG_VALUE_LENGTH:
            raise errors.invalid_tag(f"value of '{key}' must be at most {c.MAX_TAG_VALUE_LENGTH}.")
    if len(set(current) | set(new)) > c.MAX_TAGS:
        raise errors.too_many_tags(name)


def _after(params: Params) -> str | None:
    token = params.get("NextToken")
    return None if not token else tokens.decode(str(token))


def _page(queues: Iterable[Queue], max_results: object) -> tuple[list[Queue], str | None]:
    """One page of ``queues``: at most MaxResults (1-1000; 1000 when absent).
    The NextToken is given only when MaxResults was (ListQueues API reference)."""
    if max_results is not None and (
        not isinstance(max_results, int) or not 1 <= max_results <= c.MAX_LIST_RESULTS
    ):
        raise errors.invalid_value(
            "MaxResults",
            max_results,
            f"MaxResults must be an integer between 1 and {c.MAX_LIST_RESULTS}.",
        )
    limit = c.MAX_LIST_RESULTS if max_results is None else max_results
    found: list[Queue] = []
    for queue in queues:
        found.append(queue)
        if len(found) > limit:
            break
    more = len(found) > limit
    page = found[:limit]
    token = tokens.encode(page[-1].name) if more and max_results is not None else None
    return page, token
