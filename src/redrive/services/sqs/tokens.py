"""Pagination tokens of ListQueues and ListDeadLetterSourceQueues: the last name returned."""

from __future__ import annotations

import base64
import binascii

from redrive.services.sqs import errors


def encode(last_name: str) -> str:
    return base64.urlsafe_b64encode(f"q:{last_name}".encode()).decode()


def decode(token: str) -> str:
    """The name a token continues after; InvalidParameterValue if it is not a token."""
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode()
    except (ValueError, binascii.Error, UnicodeError):
        text = ""
    if not text.startswith("q:"):
        raise errors.invalid_parameter("Invalid NextToken value.")
    return text[2:]
