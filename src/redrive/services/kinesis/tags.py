"""Stream tags: what AWS accepts, and the tag operations.

Up to 50 tags per stream (https://docs.aws.amazon.com/streams/latest/dev/tagging.html); keys
and values of Unicode letters, digits, white space and ``_ . / = + - % @ :``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.kinesis import constants as c
from redrive.services.kinesis import errors, state
from redrive.services.kinesis.core import KinesisCore

_ALLOWED = re.compile(r"[\w\s.:/=+\-%@]*")


def check(new: Mapping[str, str], current: Mapping[str, str], name: str, account: str) -> None:
    """Refuse tags with characters AWS does not allow, or more than 50 in all."""
    if any(not _ALLOWED.fullmatch(text) for pair in new.items() for text in pair):
        raise errors.invalid_tag_characters()
    if len(set(current) | set(new)) > c.MAX_TAGS:
        raise errors.too_many_tags(name, account, c.MAX_TAGS)


class TagOperations(KinesisCore):
    @operation("AddTagsToStream")
    def add_tags_to_stream(self, ctx: RequestContext, params: Params) -> Output:
        new = {str(k): str(v) for k, v in (params.get("Tags") or {}).items()}
        with self.store.transaction() as txn:
            stream = self.active(txn, self.ref_of(ctx, params))
            check(new, stream.tags, stream.name, stream.account)
            stream.tags.update(new)
            state.put_stream(txn, stream)
        return {}

    @operation("RemoveTagsFromStream")
    def remove_tags_from_stream(self, ctx: RequestContext, params: Params) -> Output:
        keys = [str(k) for k in params.get("TagKeys") or ()]
        if any(not _ALLOWED.fullmatch(key) for key in keys):
            raise errors.invalid_tag_characters()
        with self.store.transaction() as txn:
            stream = self.active(txn, self.ref_of(ctx, params))
            for key in keys:
                stream.tags.pop(key, None)
            state.put_stream(txn, stream)
        return {}

    @operation("ListTagsForStream")
    def list_tags_for_stream(self, ctx: RequestContext, params: Params) -> Output:
        with self.store.transaction() as txn:
            stream = self.existing(txn, self.ref_of(ctx, params))
        after = params.get("ExclusiveStartTagKey")
        keys = sorted(k for k in stream.tags if after is None or k > str(after))
        limit = int(params.get("Limit") or c.MAX_TAGS)
        return {
            "Tags": [{"Key": k, "Value": stream.tags[k]} for k in keys[:limit]],
            "HasMoreTags": len(keys) > limit,
        }
