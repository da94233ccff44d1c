"""A table's primary key: checking keys in requests, and the store keys of items.

An item is stored under ``(sid, hash part)`` or ``(sid, hash part, range part)`` where each
part is a string whose order in the store (UTF-8 byte order) is DynamoDB's order for the key
type: a string key is itself (DynamoDB orders strings by UTF-8 bytes), a number key its
:func:`.numbers.sort_key`, a binary key its bytes in hex (hex digits keep byte order and
prefixes). So a Query is one ordered range scan of a partition, in either direction.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redrive.errors import ServiceError
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import errors, numbers, values
from redrive.services.dynamodb.values import AV, Item

StoreKey = tuple[str | int, ...]


def encode(av: AV, kind: str) -> str:
    """The store form of a key value of type ``kind`` (S, N or B)."""
    raw = av[kind]
    if kind == "N":
        return numbers.sort_key(raw)
    if kind == "B":
        return base64.b64decode(raw).hex()
    return str(raw)


@dataclass(frozen=True)
class KeySchema:
    """The key attributes of a table: (name, type) of the hash key and of the range key."""

    hash: tuple[str, str]
    range: tuple[str, str] | None = None

    @classmethod
    def from_doc(cls, doc: list[list[str]]) -> KeySchema:
        first = (str(doc[0][0]), str(doc[0][1]))
        second = (str(doc[1][0]), str(doc[1][1])) if len(doc) > 1 else None
        return cls(first, second)

    def to_doc(self) -> list[list[str]]:
        return [list(self.hash)] + ([list(self.range)] if self.range else [])

    @property
    def parts(self) -> tuple[tuple[str, str], ...]:
        return (self.hash,) if self.range is None else (self.hash, self.range)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.parts)

    def key_of(self, item: Mapping[str, AV]) -> Item:
        """The key attributes of a stored item."""
        return {name: item[name] for name, _ in self.parts}

    def store_key(self, sid: int, key: Mapping[str, AV]) -> StoreKey:
        """The store key of the item with key attributes ``key`` (already checked)."""
        return (sid, *(encode(key[name], kind) for name, kind in self.parts))

    # -- checking requests ------------------------------------------------------------------

    def check_item(self, item: Mapping[str, AV]) -> None:
        """The key attributes of an item to put (PutItem's messages)."""
        for index, (name, kind) in enumerate(self.parts):
            av = item.get(name)
            if av is None:
                raise errors.missing_key(name)
            actual = values.type_of(av)
            if actual != kind:
                raise errors.key_type_mismatch(name, kind, actual)
            _check_value(name, av, kind, is_hash=index == 0)

    def check_key(self, key: Mapping[str, AV]) -> None:
        """A ``Key`` parameter: exactly the key attributes, of the right types."""
        if len(key) != len(self.parts):
            raise errors.key_mismatch()
        for index, (name, kind) in enumerate(self.parts):
            av = key.get(name)
            if av is None or values.type_of(av) != kind:
                raise errors.key_mismatch()
            _check_value(name, av, kind, is_hash=index == 0)

    def check_key_as_start(self, key: Mapping[str, AV]) -> None:
        """An ExclusiveStartKey: a key of the table ("The provided starting key is invalid:
        ..." if not)."""
        try:
            self.check_key(key)
        except ServiceError as problem:
            raise errors.starting_key(problem.message) from None


def _check_value(name: str, av: AV, kind: str, *, is_hash: bool) -> None:
    raw: Any = av[kind]
    if kind == "N":
        return
    length = len(raw.encode()) if kind == "S" else values.binary_length(raw)
    if length == 0:
        raise errors.empty_key(name, "string" if kind == "S" else "binary")
    if is_hash and length > c.MAX_HASH_KEY_BYTES:
        raise errors.hash_key_too_long(c.MAX_HASH_KEY_BYTES)
    if not is_hash and length > c.MAX_RANGE_KEY_BYTES:
        raise errors.range_key_too_long(c.MAX_RANGE_KEY_BYTES)
