"""Opaque list markers (``NextMarker``/``Marker``): where the previous page stopped.

A marker is URL-safe base64 of a JSON list ``[tag, position...]``; the tag names the list it
belongs to, so a marker of one list is refused by another (``Invalid Marker``).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from redrive.services.lambda_ import errors


def marker(tag: str, *position: Any) -> str:
    """The marker of ``position`` in the list ``tag``."""
    raw = json.dumps([tag, *position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def position(tag: str, text: str) -> list[Any]:
    """The position a marker of list ``tag`` holds; ``Invalid Marker`` for anything else."""
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        data = None
    if not isinstance(data, list) or len(data) < 2 or data[0] != tag:
        raise errors.invalid_marker(text)
    return data[1:]
