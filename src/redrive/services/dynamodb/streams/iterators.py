"""Shard iterators: opaque strings naming a position in a stream's shard, valid 15 minutes.

The form follows AWS's (``<stream ARN>|1|<base64>``): the stream ARN, a version, and the
base64 of the position (arrival ms and counter, :mod:`.log`), the emulated time the iterator
was issued and a random nonce (two iterators issued at the same instant differ, as AWS's
do). It is not encrypted: opaque only in that clients must not build or read one. GetRecords
refuses one older than 15 minutes of emulated time with ExpiredIteratorException.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

from redrive.services.dynamodb import errors
from redrive.services.dynamodb.arns import StreamRef, parse_stream_arn
from redrive.services.dynamodb.streams.log import Position

_VERSION = "|1|"
_BODY = struct.Struct(">QQQI")


@dataclass(frozen=True)
class ShardIterator:
    stream: StreamRef
    position: Position
    issued_ms: int
    nonce: int


def encode(iterator: ShardIterator) -> str:
    ms, counter = iterator.position
    body = _BODY.pack(ms, counter, iterator.issued_ms, iterator.nonce)
    return iterator.stream.arn + _VERSION + base64.b64encode(body).decode("ascii")


def decode(text: str) -> ShardIterator:
    """The iterator ``text`` encodes; ValidationException if it is not one."""
    arn, found, encoded = text.rpartition(_VERSION)
    ref = parse_stream_arn(arn) if found else None
    if ref is None:
        raise errors.invalid_iterator()
    try:
        body = base64.b64decode(encoded.encode("ascii"), validate=True)
        ms, counter, issued_ms, nonce = _BODY.unpack(body)
    except (binascii.Error, UnicodeError, ValueError, struct.error):
        raise errors.invalid_iterator() from None
    return ShardIterator(ref, (ms, counter), issued_ms, nonce)


def check_age(iterator: ShardIterator, now_ms: int, ttl_ms: int) -> None:
    """ExpiredIteratorException if ``iterator`` was issued more than ``ttl_ms`` ago."""
    if now_ms - iterator.issued_ms > ttl_ms:
        raise errors.iterator_expired(iterator.issued_ms, now_ms, ttl_ms)
