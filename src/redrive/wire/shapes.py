"""Helpers every protocol shares: error shapes, timestamp values and special floats."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from botocore.model import ServiceModel, Shape
from botocore.utils import parse_timestamp as _botocore_parse_timestamp

from redrive.errors import MalformedRequest
from redrive.wire import quirks

UTC = dt.timezone.utc

#: the text AWS protocols give the float values that are not numbers, and their values
SPECIAL_FLOATS: Mapping[str, float] = {
    "NaN": math.nan,
    "Infinity": math.inf,
    "-Infinity": -math.inf,
}


@dataclass(frozen=True)
class ErrorShapeInfo:
    """What the model says about an error code."""

    shape_name: str  # used as __type by json / cbor / rest-json
    query_code: str  # used by query / rest-xml and by the x-amzn-query-error header
    status: int = 400  # the HTTP status the model gives the error


def error_shape(service: ServiceModel, code: str) -> ErrorShapeInfo:
    """Look up the error shape whose name or query code is ``code``.

    The query code is the shape's ``error.code`` trait or, for services whose model lost
    those traits, the code :data:`redrive.wire.quirks.QUERY_ERROR_CODES` gives it; a service
    may raise either the shape name or that code. Codes that no shape declares (generic codes
    such as ``ValidationException``) map to themselves.
    """
    return _error_table(service).get(code, ErrorShapeInfo(code, code))


@lru_cache(maxsize=64)
def _error_table(service: ServiceModel) -> dict[str, ErrorShapeInfo]:
    legacy = quirks.QUERY_ERROR_CODES.get(service.service_name, {})
    table: dict[str, ErrorShapeInfo] = {}
    for shape in service.error_shapes:
        trait = shape.metadata.get("error", {})
        query_code, status = legacy.get(shape.name, (shape.name, 400))
        query_code = str(trait.get("code", query_code))
        status = int(trait.get("httpStatusCode", status))
        info = ErrorShapeInfo(shape.name, query_code, status)
        table.setdefault(shape.name, info)
        table.setdefault(query_code, info)
    return table


def structure_shape_for_error(service: ServiceModel, shape_name: str) -> Shape | None:
    """The error shape called ``shape_name``, if the model has one."""
    for shape in service.error_shapes:
        if shape.name == shape_name:
            return shape
    return None


def is_query_compatible(service: ServiceModel) -> bool:
    """Whether the service sends ``x-amzn-query-error`` (``awsQueryCompatible`` in its model)."""
    return "awsQueryCompatible" in service.metadata


def float_text(value: float) -> str:
    """A float as text: ``NaN``, ``Infinity`` and ``-Infinity`` for the special values."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def to_datetime(value: object) -> dt.datetime:
    """An output timestamp (datetime or epoch seconds) as an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, UTC)
    raise TypeError(f"not a timestamp: {value!r}")


def to_epoch(value: object) -> float:
    """An output timestamp as epoch seconds."""
    return to_datetime(value).timestamp()


def parse_timestamp(value: object) -> dt.datetime:
    """A timestamp from a request (ISO 8601, RFC 822 or epoch seconds) as aware UTC datetime."""
    if isinstance(value, bool):
        raise MalformedRequest(f"Invalid timestamp value: {value!r}")
    if isinstance(value, (int, float)):
        try:
            return dt.datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise MalformedRequest(f"Invalid timestamp value: {value!r}") from exc
    if isinstance(value, str):
        try:
            parsed = _botocore_parse_timestamp(value)
            if parsed.tzinfo is None:  # no zone given: AWS reads it as UTC, not local time
                parsed = parsed.replace(tzinfo=UTC)
            result: dt.datetime = parsed.astimezone(UTC)
        # botocore raises RuntimeError when no timezone can represent the value ("1e999")
        except (ValueError, TypeError, OverflowError, RuntimeError) as exc:
            raise MalformedRequest(f"Invalid timestamp value: {value!r}") from exc
        return result
    raise MalformedRequest(f"Invalid timestamp value: {value!r}")
