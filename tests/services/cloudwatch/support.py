"""Small helpers for the CloudWatch tests."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """(code, message) of a ClientError."""
    error = excinfo.value.response["Error"]
    return str(error.get("Code")), str(error.get("Message"))


def at(epoch: float) -> datetime:
    """An aware UTC datetime for emulated epoch seconds."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc)
