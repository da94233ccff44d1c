"""Shard iterators: opaque strings naming a position in a shard, valid for five minutes.

An iterator is the standard base64 of a small binary record: a version byte, the shard
number, the position (arrival ms and counter, :mod:`.records`), the emulated time it was
issued, a random nonce (so that two iterators issued at the same emulated instant differ, as
AWS's do) and the stream's account and name. It is not encrypted: it is opaque only in that
clients must not build or read one. GetRecords refuses one older than five minutes of
emulated time with ExpiredIteratorException, as AWS does (API_GetShardIterator.html).

Like AWS's, an iterator names the stream by account and name, not by incarnation: an
iterator of a deleted stream reads the stream created later under the same name.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass

from redrive.services.kinesis import errors
from redrive.services.kinesis.records import Position

_VERSION = 1
_HEADER = struct.Struct(">BIQQQI")
_ACCOUNT_LENGTH = 12
_ACCOUNT = re.compile(r"\d{12}")
_NAME = re.compile(r"[a-zA-Z0-9_.-]{1,128}")


@dataclass(frozen=True)
class ShardIterator:
    """What an iterator says."""

    account: str
    stream: str
    shard: int
    position: Position
    issued_ms: int
    nonce: int


def encode(iterator: ShardIterator) -> str:
    ms, counter = iterator.position
    header = _HEADER.pack(_VERSION, iterator.shard, ms, counter, iterator.issued_ms, iterator.nonce)
    raw = header + iterator.account.encode("ascii") + iterator.stream.encode("ascii")
    return base64.b64encode(raw).decode("ascii")


def decode(text: str) -> ShardIterator:
    """The iterator ``text`` encodes; InvalidArgumentException if it is not an iterator."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeError, ValueError):
        raise errors.invalid_iterator() from None
    if len(raw) <= _HEADER.size + _ACCOUNT_LENGTH:
        raise errors.invalid_iterator()
    version, shard, ms, counter, issued_ms, nonce = _HEADER.unpack_from(raw)
    tail = raw[_HEADER.size :]
    try:
        account = tail[:_ACCOUNT_LENGTH].decode("ascii")
        stream = tail[_ACCOUNT_LENGTH:].decode("ascii")
    except UnicodeError:
        raise errors.invalid_iterator() from None
    if version != _VERSION or not _ACCOUNT.fullmatch(account) or not _NAME.fullmatch(stream):
        raise errors.invalid_iterator()
    return ShardIterator(account, stream, shard, (ms, counter), issued_ms, nonce)


def check_age(iterator: ShardIterator, now_ms: int, ttl_ms: int) -> None:
    """ExpiredIteratorException if ``iterator`` was issued more than ``ttl_ms`` ago."""
    if now_ms - iterator.issued_ms > ttl_ms:
        raise errors.iterator_expired(iterator.issued_ms, now_ms, ttl_ms)
