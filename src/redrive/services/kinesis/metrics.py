"""AWS/Kinesis stream-level metrics, recorded in the CloudWatch service by ``StreamName``.

Recorded by the operations themselves, in their transaction:

* PutRecord and PutRecords: ``IncomingRecords`` (Count) and ``IncomingBytes`` (Bytes) for the
  records stored, plus ``PutRecord.Success`` / ``PutRecord.Bytes`` and
  ``PutRecords.TotalRecords`` / ``PutRecords.SuccessfulRecords`` / ``PutRecords.Bytes``.
* GetRecords, and every read of the internal interface (what a Lambda event source mapping's
  GetRecords calls are in AWS): ``GetRecords.Records`` (Count), ``GetRecords.Bytes`` (Bytes),
  ``GetRecords.Success`` (Count) and ``GetRecords.IteratorAgeMilliseconds``, the age of the
  last record returned (0 when none was).

Sizes count data and partition key bytes. The shard-level (enhanced) metrics are not emitted.
https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
"""

from __future__ import annotations

from collections.abc import Sequence

from redrive.services._base import Platform
from redrive.services.cloudwatch.service import Datum, record_if_present
from redrive.services.kinesis import constants as c
from redrive.services.kinesis.records import StoredRecord
from redrive.services.kinesis.state import Stream


def record(platform: Platform, stream: Stream, data: Sequence[Datum]) -> None:
    """Record ``data`` for ``stream`` now (nothing if CloudWatch is not part of this engine)."""
    record_if_present(
        platform,
        stream.account,
        stream.region,
        c.NAMESPACE,
        data,
        dimensions={"StreamName": stream.name},
    )


def incoming(records: Sequence[StoredRecord], *, batch: bool, submitted: int = 1) -> list[Datum]:
    size = sum(r.size for r in records)
    data: list[Datum] = [
        ("IncomingRecords", len(records), "Count"),
        ("IncomingBytes", size, "Bytes"),
    ]
    if batch:
        data += [
            ("PutRecords.TotalRecords", submitted, "Count"),
            ("PutRecords.SuccessfulRecords", len(records), "Count"),
            ("PutRecords.Bytes", size, "Bytes"),
        ]
    else:
        data += [("PutRecord.Success", 1, "Count"), ("PutRecord.Bytes", size, "Bytes")]
    return data


def read(records: Sequence[StoredRecord], now_ms: int) -> list[Datum]:
    age = max(0, now_ms - records[-1].ms) if records else 0
    return [
        ("GetRecords.Records", len(records), "Count"),
        ("GetRecords.Bytes", sum(r.size for r in records), "Bytes"),
        ("GetRecords.Success", 1, "Count"),
        ("GetRecords.IteratorAgeMilliseconds", age, "Milliseconds"),
    ]
