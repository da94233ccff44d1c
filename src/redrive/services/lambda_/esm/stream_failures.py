"""The OnFailure record of a discarded stream batch and its delivery (STRM-13, STRM-14).

The record goes to the mapping's SQS OnFailure destination through :mod:`..destinations`
(the record data itself is not included, STRM-13); a failed delivery is noted in the ledger
entry and never stops the shard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from redrive.runtime.types import FunctionSpec
from redrive.services.lambda_ import destinations
from redrive.services.lambda_.esm.stream_retry import RECORD_AGE_EXCEEDED
from redrive.services.lambda_.esm.stream_sources import Found, StreamSource
from redrive.services.lambda_.records import iso_timestamp

if TYPE_CHECKING:
    from redrive.services.lambda_.service import LambdaService


def record(
    source: StreamSource,
    spec: FunctionSpec,
    records: list[Found],
    *,
    request_id: str,
    condition: str,
    invoke_count: int,
    function_error: str | None,
    shard: str,
    stream_arn: str,
    now: float,
) -> dict[str, Any]:
    """STRM-13 (Kinesis) / STRM-14 (DynamoDB); no ``responseContext`` for RecordAgeExceeded."""
    out: dict[str, Any] = {
        "requestContext": {
            "requestId": request_id,
            "functionArn": spec.function_arn,
            "condition": condition,
            "approximateInvokeCount": max(invoke_count, 1),
        },
    }
    if condition != RECORD_AGE_EXCEEDED:
        out["responseContext"] = {
            "statusCode": 200,
            "executedVersion": spec.version,
            "functionError": function_error,
        }
    out["version"] = "1.0"
    out["timestamp"] = iso_timestamp(now)
    out[source.batch_info_key] = {
        "shardId": shard,
        "startSequenceNumber": records[0].sequence_number,
        "endSequenceNumber": records[-1].sequence_number,
        "approximateArrivalOfFirstRecord": source.arrival_text(records[0].arrival),
        "approximateArrivalOfLastRecord": source.arrival_text(records[-1].arrival),
        "batchSize": len(records),
        "streamArn": stream_arn,
    }
    return out


def send(
    service: LambdaService,
    spec: FunctionSpec,
    target: str | None,
    failure: dict[str, Any],
    *,
    now: float,
) -> dict[str, Any] | None:
    """Deliver ``failure`` to ``target`` (inside the caller's transaction); what the ledger
    says of it, or None without a destination."""
    if target is None:
        return None
    queue = service.async_queue
    delivery = destinations.send_record(
        service.platform,
        queue,
        destinations.ON_FAILURE,
        target,
        failure,
        account=spec.account_id,
        region=spec.region,
        trace_header=queue.trace_header(now),
    )
    return delivery.as_ledger()
