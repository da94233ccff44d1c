"""Records acknowledged with a 200 survive `kill -9` and a restart on the same --data-dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.serverproc import ServerProcess


def records(kinesis: Any, name: str, shard: str, **start: Any) -> list[dict[str, Any]]:
    if not start:
        start = {"ShardIteratorType": "TRIM_HORIZON"}
    it = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, **start)["ShardIterator"]
    found: list[dict[str, Any]] = kinesis.get_records(ShardIterator=it)["Records"]
    return found


def test_acknowledged_records_survive_kill_9(tmp_path: Path) -> None:
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        kinesis: Any = first.client("kinesis")
        kinesis.create_stream(StreamName="durable", ShardCount=2)
        kinesis.get_waiter("stream_exists").wait(StreamName="durable")
        kinesis.increase_stream_retention_period(StreamName="durable", RetentionPeriodHours=48)
        kinesis.add_tags_to_stream(StreamName="durable", Tags={"keep": "yes"})
        put = [
            kinesis.put_record(StreamName="durable", Data=b"p%d" % i, PartitionKey="k")
            for i in range(3)
        ]
        batch = kinesis.put_records(
            StreamName="durable",
            Records=[{"Data": b"b%d" % i, "PartitionKey": "k"} for i in range(3)],
        )["Records"]
        shard = put[0]["ShardId"]
        before = records(kinesis, "durable", shard)
        assert [r["Data"] for r in before] == [b"p0", b"p1", b"p2", b"b0", b"b1", b"b2"]
        first.advance(30 * 3600)  # past the default 24 h, within the 48 h retention
    finally:
        first.kill()

    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        kinesis = second.client("kinesis")
        after = records(kinesis, "durable", shard)
        assert after == before  # same data, sequence numbers and arrival times
        summary = kinesis.describe_stream_summary(StreamName="durable")
        assert summary["StreamDescriptionSummary"]["RetentionPeriodHours"] == 48
        assert kinesis.list_tags_for_stream(StreamName="durable")["Tags"] == [
            {"Key": "keep", "Value": "yes"}
        ]
        # sequence numbers go on increasing after the restart
        more = kinesis.put_record(StreamName="durable", Data=b"after", PartitionKey="k")
        assert more["SequenceNumber"] > batch[-1]["SequenceNumber"]
        tail = records(
            kinesis,
            "durable",
            shard,
            ShardIteratorType="AFTER_SEQUENCE_NUMBER",
            StartingSequenceNumber=batch[-1]["SequenceNumber"],
        )
        assert [r["Data"] for r in tail] == [b"after"]
        # retention goes on too: 18 more hours and the first records are past 48 h
        second.advance(18 * 3600 + 1)
        assert [r["Data"] for r in records(kinesis, "durable", shard)] == [b"after"]
    finally:
        assert second.terminate() == 0
