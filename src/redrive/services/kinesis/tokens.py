"""Pagination tokens of ListShards and ListStreams.

A ListShards token names the stream (account, name and creation time, so that it does not
continue into a later stream of the same name), the index of the next shard to list and the
emulated time it was issued: AWS's expire after 300 seconds (API_ListShards.html). A
ListStreams token holds the last stream name returned.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from redrive.services.kinesis import errors


@dataclass(frozen=True)
class ShardsToken:
    account: str
    stream: str
    created_ms: int
    next_shard: int
    issued_ms: int


def _encode(kind: str, body: dict[str, Any]) -> str:
    text = json.dumps({"k": kind, **body}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def _decode(kind: str, token: str) -> dict[str, Any]:
    try:
        body = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError):
        raise errors.invalid_next_token() from None
    if not isinstance(body, dict) or body.get("k") != kind:
        raise errors.invalid_next_token()
    return body


def encode_shards(token: ShardsToken) -> str:
    return _encode(
        "shards",
        {
            "a": token.account,
            "s": token.stream,
            "c": token.created_ms,
            "n": token.next_shard,
            "t": token.issued_ms,
        },
    )


def decode_shards(token: str) -> ShardsToken:
    body = _decode("shards", token)
    try:
        return ShardsToken(
            str(body["a"]), str(body["s"]), int(body["c"]), int(body["n"]), int(body["t"])
        )
    except (KeyError, TypeError, ValueError):
        raise errors.invalid_next_token() from None


def encode_streams(last_name: str) -> str:
    return _encode("streams", {"after": last_name})


def decode_streams(token: str) -> str:
    """The stream name a ListStreams token continues after."""
    after = _decode("streams", token).get("after")
    if not isinstance(after, str):
        raise errors.invalid_next_token()
    return after
