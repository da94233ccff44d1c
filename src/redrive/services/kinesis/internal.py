"""The values of the Kinesis service's internal interface (see :class:`.service.KinesisService`).

Plain frozen dataclasses, so that a caller (a Lambda event source mapping poller) can keep
them, compare them and store their fields without knowing how the service keeps records.
"""

from __future__ import annotations

from dataclasses import dataclass

from redrive.services._record_log import (
    AFTER_SEQUENCE_NUMBER,
    AT_SEQUENCE_NUMBER,
    AT_TIMESTAMP,
    LATEST,
    TRIM_HORIZON,
    ReadFrom,
)

__all__ = ["KINDS", "ReadFrom", "ShardRead", "StreamRecord"]

KINDS = (TRIM_HORIZON, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER)


@dataclass(frozen=True)
class StreamRecord:
    """One record of a shard, with what a Lambda event needs of it (STRM-1)."""

    shard_id: str
    sequence_number: str
    partition_key: str
    data: bytes
    #: emulated epoch seconds, millisecond precision
    approximate_arrival_timestamp: float
    #: data plus partition key, in bytes
    size: int


@dataclass(frozen=True)
class ShardRead:
    """What a read found."""

    records: tuple[StreamRecord, ...]
    #: where the next read continues: after the last record returned, or (nothing found)
    #: the same start again
    next: ReadFrom
    #: 0 when the read reached the end of the shard, else the age in ms of the first record
    #: not returned yet (as GetRecords' MillisBehindLatest)
    millis_behind_latest: int


@dataclass(frozen=True)
class ShardInfo:
    """One shard (all shards are open: streams are never resharded yet)."""

    shard_id: str
    starting_hash_key: int
    ending_hash_key: int
    starting_sequence_number: str


@dataclass(frozen=True)
class StreamInfo:
    """A stream as its ARN resolves."""

    name: str
    arn: str
    account: str
    region: str
    status: str
    retention_hours: int
    #: emulated epoch seconds
    created: float
    shards: tuple[ShardInfo, ...]
