"""Order-preserving encoding of key tuples to bytes.

Each element is self-delimiting, so byte order equals tuple order and a tuple prefix is a
byte prefix (the idea of FoundationDB's tuple layer):

* ``int`` -> ``0x01`` + 8 bytes big-endian of ``value + 2**63`` (signed 64-bit range)
* ``str`` -> ``0x02`` + UTF-8 with ``0x00`` escaped as ``0x00 0xff`` + terminator ``0x00 0x00``
"""

from __future__ import annotations

import struct
from functools import lru_cache

from redrive.store.base import Key

_INT = 0x01
_STR = 0x02
_OFFSET = 1 << 63
_INT_PART = struct.Struct(">BQ").pack


@lru_cache(maxsize=16384)
def _str_part(part: str) -> bytes:
    """Cached: the same account ids, Regions, names and table prefixes recur in most keys."""
    return b"\x02" + part.encode().replace(b"\x00", b"\x00\xff") + b"\x00\x00"


def _int_part(part: int) -> bytes:
    try:
        return _INT_PART(_INT, part + _OFFSET)
    except struct.error:
        raise OverflowError(f"key int out of 64-bit range: {part}") from None


def encode(key: Key) -> bytes:
    out: list[bytes] = []
    for part in key:
        kind = type(part)
        if kind is str:
            out.append(_str_part(part))
        elif kind is int:
            out.append(_int_part(part))  # type: ignore[arg-type]
        elif isinstance(part, bool) or not isinstance(part, (int, str)):
            raise TypeError(f"key parts must be str or int, not {type(part).__name__}")
        elif isinstance(part, int):
            out.append(_int_part(int(part)))
        else:
            out.append(_str_part(str(part)))
    return b"".join(out)


def decode(data: bytes) -> Key:
    parts: list[str | int] = []
    i = 0
    while i < len(data):
        tag = data[i]
        i += 1
        if tag == _INT:
            parts.append(int.from_bytes(data[i : i + 8], "big") - _OFFSET)
            i += 8
        elif tag == _STR:
            end = i
            while True:
                end = data.index(b"\x00", end)
                if data[end + 1] == 0xFF:
                    end += 2
                    continue
                break
            parts.append(data[i:end].replace(b"\x00\xff", b"\x00").decode())
            i = end + 2
        else:
            raise ValueError(f"bad key encoding tag {tag:#x}")
    return tuple(parts)


def successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with ``prefix``."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


def scan_range(prefix: Key, start: Key | None, stop: Key | None) -> tuple[bytes, bytes | None]:
    """Byte bounds ``[low, high)`` of a scan: keys under ``prefix``, from ``start`` (inclusive)
    to ``stop`` (exclusive) when given; ``high`` None means no upper bound."""
    base = encode(prefix)
    low = base if start is None else max(base, encode(start))
    high = successor(base) if base else None
    if stop is not None:
        stop_raw = encode(stop)
        high = stop_raw if high is None else min(high, stop_raw)
    return low, high
