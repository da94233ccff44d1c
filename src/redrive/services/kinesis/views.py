"""Streams, shards and records as the API returns them."""

from __future__ import annotations

from typing import Any

from redrive.services.kinesis import constants as c
from redrive.services.kinesis import sequence
from redrive.services.kinesis.records import StoredRecord
from redrive.services.kinesis.state import Stream

Output = dict[str, Any]


def shard_numbers(stream: Stream) -> range:
    """The shards the API shows: none while the stream is being created (as AWS answers)."""
    return range(0 if stream.status == c.CREATING else stream.shard_count)


def shard(stream: Stream, number: int) -> Output:
    """One ``Shard``: id, hash key range and starting sequence number (open: no ending)."""
    start, end = stream.hash_range(number)
    return {
        "ShardId": sequence.shard_id(number),
        "HashKeyRange": {"StartingHashKey": str(start), "EndingHashKey": str(end)},
        "SequenceNumberRange": {
            "StartingSequenceNumber": sequence.encode(number, stream.created_ms, 0)
        },
    }


def _created(stream: Stream) -> float:
    return stream.created_ms / c.MS_PER_SECOND


def _mode(stream: Stream) -> Output:
    return {"StreamMode": stream.mode}


def description(stream: Stream, numbers: range, has_more: bool) -> Output:
    """DescribeStream's ``StreamDescription`` with the shards ``numbers``."""
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStatus": stream.status,
        "StreamModeDetails": _mode(stream),
        "Shards": [shard(stream, n) for n in numbers],
        "HasMoreShards": has_more,
        "RetentionPeriodHours": stream.retention_hours,
        "StreamCreationTimestamp": _created(stream),
        "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
        "EncryptionType": "NONE",
    }


def summary(stream: Stream) -> Output:
    """DescribeStreamSummary's ``StreamDescriptionSummary``."""
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStatus": stream.status,
        "StreamModeDetails": _mode(stream),
        "RetentionPeriodHours": stream.retention_hours,
        "StreamCreationTimestamp": _created(stream),
        "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
        "EncryptionType": "NONE",
        "OpenShardCount": len(shard_numbers(stream)),
        "ConsumerCount": 0,
        "MaxRecordSizeInKiB": stream.max_record_kib,
    }


def stream_summary(stream: Stream) -> Output:
    """One entry of ListStreams' ``StreamSummaries``."""
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStatus": stream.status,
        "StreamModeDetails": _mode(stream),
        "StreamCreationTimestamp": _created(stream),
    }


def record(stored: StoredRecord) -> Output:
    """One entry of GetRecords' ``Records`` (no EncryptionType: the stream is not encrypted)."""
    return {
        "SequenceNumber": stored.sequence_number,
        "ApproximateArrivalTimestamp": stored.ms / c.MS_PER_SECOND,
        "Data": stored.data,
        "PartitionKey": stored.partition_key,
    }
