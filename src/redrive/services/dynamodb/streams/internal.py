"""The values of the DynamoDB Streams internal interface (see :class:`.service.
DynamoDBStreamsService`).

Plain frozen dataclasses, shaped like the Kinesis service's (kinesis/internal.py) so that one
event source mapping poller design serves both: a stream is named by its ARN, a shard by its
ShardId, a read starts from a :class:`ReadFrom` and returns the records with the position to
continue from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redrive.services._record_log import (
    AFTER_SEQUENCE_NUMBER,
    AT_SEQUENCE_NUMBER,
    LATEST,
    TRIM_HORIZON,
    ReadFrom,
)

__all__ = ["KINDS", "ReadFrom", "ShardRead", "StreamRecord"]

#: DynamoDB Streams has no AT_TIMESTAMP: a ReadFrom of that kind is refused
KINDS = (TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER)


@dataclass(frozen=True)
class StreamRecord:
    """One stream record, with exactly what a Lambda event carries of it (STRM-2)."""

    event_id: str
    event_name: str
    event_version: str
    event_source: str
    aws_region: str
    #: ApproximateCreationDateTime (whole epoch seconds), Keys, NewImage/OldImage (as the
    #: view type keeps them; DynamoDB JSON, binary values base64), SequenceNumber, SizeBytes,
    #: StreamViewType
    dynamodb: dict[str, Any]
    event_source_arn: str
    shard_id: str
    #: emulated epoch seconds the record arrived, millisecond precision (for record ages)
    approximate_arrival_timestamp: float

    @property
    def sequence_number(self) -> str:
        return str(self.dynamodb["SequenceNumber"])

    @property
    def size(self) -> int:
        return int(self.dynamodb["SizeBytes"])

    def event(self) -> dict[str, Any]:
        """The record as a Lambda event's ``Records`` entry carries it (STRM-2's field order)."""
        return {
            "eventID": self.event_id,
            "eventName": self.event_name,
            "eventVersion": self.event_version,
            "eventSource": self.event_source,
            "awsRegion": self.aws_region,
            "dynamodb": self.dynamodb,
            "eventSourceARN": self.event_source_arn,
        }


@dataclass(frozen=True)
class ShardRead:
    """What a read found."""

    records: tuple[StreamRecord, ...]
    #: where the next read continues: after the last record returned, or (nothing found)
    #: the same start again
    next: ReadFrom
    #: 0 when the read reached the end of the shard, else the age in ms of the first record
    #: not returned yet
    millis_behind_latest: int
    #: the shard is closed (the stream was disabled or its table deleted) and this read
    #: reached its end: no record will ever follow
    closed: bool


@dataclass(frozen=True)
class ShardInfo:
    shard_id: str
    starting_sequence_number: str
    #: the last sequence number of a closed shard that has records (None: open or empty)
    ending_sequence_number: str | None


@dataclass(frozen=True)
class StreamInfo:
    """A stream as its ARN resolves."""

    arn: str
    label: str
    table_name: str
    account: str
    region: str
    #: ENABLING, ENABLED, DISABLING or DISABLED
    status: str
    view_type: str
    #: KeySchema as DescribeStream gives it
    key_schema: tuple[tuple[str, str], ...]
    #: emulated epoch seconds
    created: float
    shards: tuple[ShardInfo, ...]
