"""Opaque pagination tokens: URL-safe base64 of a small JSON document."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


def encode(document: Any) -> str:
    raw = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode(token: str) -> Any | None:
    """The document in ``token``, or None if it is not a token redrive made."""
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        return None
