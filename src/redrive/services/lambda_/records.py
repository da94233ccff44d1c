"""What an asynchronous event's fate sends: invocation records and dead-letter messages.

* :func:`invocation_record` — the record for OnSuccess / OnFailure destinations (DEST-2..5).
* :func:`dead_letter_attributes` — the SQS message attributes of a dead-letter message
  (DEST-11); its body is the event exactly as submitted.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from redrive.services.lambda_ import retry_policy

#: DEST-11: ErrorMessage carries at most the first 1 KB of the error message
DEAD_LETTER_MESSAGE_LIMIT = 1024
#: DEST-11 [inferred]: events that never ran (throttled, reserved concurrency 0) are
#: dead-lettered with the HTTP status of a throttle and its message
THROTTLE_STATUS = "429"
THROTTLE_MESSAGE = "Rate Exceeded."


@dataclass(frozen=True)
class LastResponse:
    """The last attempt's answer: its payload and whether it was a function error."""

    payload: bytes
    function_error: bool


def iso_timestamp(epoch_s: float) -> str:
    """``2019-11-14T18:16:05.568Z``: ISO-8601 UTC with milliseconds (DEST-5)."""
    moment = dt.datetime.fromtimestamp(epoch_s, dt.timezone.utc)
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def decoded(payload: bytes) -> Any:
    """A payload as JSON; text that is not JSON stays text."""
    text = payload.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def invocation_record(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    request_payload: bytes,
    executed_version: str,
    response: LastResponse | None,
    timestamp: float,
) -> dict[str, Any]:
    """The invocation record (DEST-2 success, DEST-3 failure, DEST-4 never ran).

    ``function_arn`` is the qualified ARN the event was invoked with (DEST-5). Without a
    ``response`` (the function never ran) there is no responseContext nor responsePayload.
    """
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": iso_timestamp(timestamp),
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "requestPayload": decoded(request_payload),
    }
    if response is not None:
        context: dict[str, Any] = {"statusCode": 200, "executedVersion": executed_version}
        if response.function_error:
            context["functionError"] = "Unhandled"
        record["responseContext"] = context
        record["responsePayload"] = decoded(response.payload)
    return record


def dead_letter_attributes(
    request_id: str, response: LastResponse | None, condition: str
) -> dict[str, dict[str, str]]:
    """ErrorCode / ErrorMessage / RequestID of a dead-letter message (DEST-11)."""
    if response is not None and condition != retry_policy.ZERO_RESERVED_CONCURRENCY:
        code = "200"  # the function ran: the invocation itself answered 200
        message = _error_message(response.payload)
    else:
        code, message = THROTTLE_STATUS, THROTTLE_MESSAGE
    return {
        "ErrorCode": {"DataType": "Number", "StringValue": code},
        "ErrorMessage": {"DataType": "String", "StringValue": _first_kb(message)},
        "RequestID": {"DataType": "String", "StringValue": request_id},
    }


def _error_message(payload: bytes) -> str:
    error = decoded(payload)
    if isinstance(error, dict) and isinstance(error.get("errorMessage"), str):
        return str(error["errorMessage"])
    return payload.decode("utf-8", errors="replace")


def _first_kb(text: str) -> str:
    data = text.encode()[:DEAD_LETTER_MESSAGE_LIMIT]
    return data.decode("utf-8", errors="ignore")
