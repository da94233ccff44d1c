"""The Kinesis record of a stream mapping's event (STRM-1)."""

from __future__ import annotations

import base64
from typing import Any

from redrive.services.kinesis.internal import StreamRecord


def record(
    found: StreamRecord, *, stream_arn: str, region: str, role: str
) -> dict[str, Any]:
    """One ``Records`` entry, in STRM-1's field order."""
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": found.partition_key,
            "sequenceNumber": found.sequence_number,
            "data": base64.b64encode(found.data).decode(),
            "approximateArrivalTimestamp": found.approximate_arrival_timestamp,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{found.shard_id}:{found.sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": role,
        "awsRegion": region,
        "eventSourceARN": stream_arn,
    }
