"""Pagination tokens.

* GetLogEvents positions, in AWS's form ``f/<56 digits>/s`` (forward) and ``b/<56 digits>/s``
  (backward). The digits encode a boundary ``(timestamp, seq)`` in a stream's event order: a
  forward token reads the events at or after it, a backward token the events before it.
* Opaque page tokens for the other paginated operations: base64url of a small JSON list that
  starts with a tag naming the operation, so a token of one operation is refused by another.

A token that cannot be decoded is refused with InvalidParameterException (the caller raises
:func:`~redrive.services.logs.errors.invalid_token`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re

Boundary = tuple[int, int]

_TS_DIGITS = 20
_SEQ_DIGITS = 36
_POSITION = re.compile(r"([fb])/(\d{56})/s")


def position_token(direction: str, boundary: Boundary) -> str:
    ts, seq = boundary
    return f"{direction}/{ts:0{_TS_DIGITS}d}{seq:0{_SEQ_DIGITS}d}/s"


def parse_position_token(token: str) -> tuple[str, Boundary] | None:
    """(``"f"`` or ``"b"``, boundary), or None if ``token`` is not a position token."""
    match = _POSITION.fullmatch(token)
    if match is None:
        return None
    digits = match.group(2)
    return match.group(1), (int(digits[:_TS_DIGITS]), int(digits[_TS_DIGITS:]))


def page_token(tag: str, *values: str | int) -> str:
    raw = json.dumps([tag, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_page_token(token: str, tag: str, kinds: str) -> list[str | int] | None:
    """The values of a token made by :func:`page_token` with ``tag``, or None.

    ``kinds`` spells the expected type of each value: ``s`` for str, ``i`` for int.
    """
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(data, list) or len(data) != len(kinds) + 1 or data[0] != tag:
        return None
    values: list[str | int] = data[1:]
    for value, kind in zip(values, kinds, strict=True):
        expected = str if kind == "s" else int
        if type(value) is not expected:
            return None
    return values
