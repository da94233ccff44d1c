"""The two stream services a mapping reads, behind one interface (STRM-1, STRM-2).

Kinesis and DynamoDB Streams have the same internal interface shape (``describe``,
``latest_sequence_number``, ``read``, ``when_available``); :class:`StreamSource` adds what
differs: how a record becomes an event entry, the OnFailure batch info key and timestamp
format (STRM-13, STRM-14), and how long records are kept.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from redrive.services._base import Platform
from redrive.services.dynamodb.streams.internal import ReadFrom as DdbReadFrom
from redrive.services.kinesis.internal import ReadFrom as KinesisReadFrom
from redrive.services.lambda_.esm import kinesis_records
from redrive.services.lambda_.records import iso_timestamp

if TYPE_CHECKING:
    from redrive.services.dynamodb.streams.service import DynamoDBStreamsService
    from redrive.services.kinesis.service import KinesisService

DYNAMODB_RETENTION_S = 24 * 3600.0  # DynamoDB Streams keep records 24 h


@dataclass(frozen=True)
class Position:
    """Where a shard's next read starts: after a sequence number, or (nothing processed yet)
    at the trim horizon or a timestamp."""

    after: str | None = None
    timestamp: float | None = None


@dataclass(frozen=True)
class Found:
    """A record read for a batch: its event entry and what the poller needs of it."""

    sequence_number: str
    arrival: float  # emulated epoch seconds
    entry: dict[str, Any]


class StreamSource:
    """One of the two stream services, as a mapping poller uses it."""

    def __init__(self, platform: Platform, service: str) -> None:
        self.service = service
        self.platform = platform
        self.kinesis = service == "kinesis"
        name = "kinesis" if self.kinesis else "dynamodbstreams"
        self._api = cast("KinesisService | DynamoDBStreamsService", platform.service(name))

    @property
    def batch_info_key(self) -> str:
        return "KinesisBatchInfo" if self.kinesis else "DDBStreamBatchInfo"

    def describe(self, arn: str) -> Any:
        return self._api.describe(arn)

    def shard_ids(self, arn: str) -> list[str]:
        return [shard.shard_id for shard in self._api.describe(arn).shards]

    def retention_s(self, arn: str) -> float:
        if self.kinesis:
            return cast("KinesisService", self._api).describe(arn).retention_hours * 3600.0
        return DYNAMODB_RETENTION_S

    def latest(self, arn: str, shard: str) -> str:
        return self._api.latest_sequence_number(arn, shard)

    def read(
        self, arn: str, shard: str, at: Position, limit: int, *, region: str, role: str
    ) -> list[Found]:
        if self.kinesis:
            kinesis = cast("KinesisService", self._api)
            found = kinesis.read(arn, shard, self._kinesis_start(at), limit)
            return [
                Found(
                    r.sequence_number,
                    r.approximate_arrival_timestamp,
                    kinesis_records.record(r, stream_arn=arn, region=region, role=role),
                )
                for r in found.records
            ]
        ddb = cast("DynamoDBStreamsService", self._api)
        read = ddb.read(arn, shard, self._ddb_start(at), limit)
        return [
            Found(r.sequence_number, r.approximate_arrival_timestamp, r.event())
            for r in read.records
        ]

    def when_available(self, arn: str, shard: str, at: Position) -> asyncio.Future[None]:
        if self.kinesis:
            return cast("KinesisService", self._api).when_available(
                arn, shard, self._kinesis_start(at)
            )
        return cast("DynamoDBStreamsService", self._api).when_available(
            arn, shard, self._ddb_start(at)
        )

    def arrival_text(self, epoch_s: float) -> str:
        """STRM-13 (milliseconds) / STRM-14 (whole seconds)."""
        if self.kinesis:
            return iso_timestamp(epoch_s)
        moment = dt.datetime.fromtimestamp(int(epoch_s), dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    @staticmethod
    def _kinesis_start(at: Position) -> KinesisReadFrom:
        if at.after is not None:
            return KinesisReadFrom.after(at.after)
        if at.timestamp is not None:
            return KinesisReadFrom.at_timestamp(at.timestamp)
        return KinesisReadFrom.trim_horizon()

    @staticmethod
    def _ddb_start(at: Position) -> DdbReadFrom:
        if at.after is not None:
            return DdbReadFrom.after(at.after)
        return DdbReadFrom.trim_horizon()


def source(platform: Platform, service: str) -> StreamSource:
    return StreamSource(platform, service)
