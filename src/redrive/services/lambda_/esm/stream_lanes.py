"""The lanes of a shard: ParallelizationFactor batches of one shard in flight at once (STRM-3).

A shard of a mapping with ``ParallelizationFactor`` N has N lanes. A record belongs to lane
``MD5(key) mod N``, its key being the Kinesis partition key or the DynamoDB item's ``Keys``
(a stable hash, the same in every process), so the records of one key always go to the same
lane and stay in order; order across keys is not kept. Each lane is a worker of its own (its
batch in flight, retries, bisected halves, throttle backoff) with its own read cursor: it reads
the shard from its cursor and keeps only its own records. A failing key blocks only its lane.

The shard's checkpoint (:mod:`.checkpoints`) only moves past a record when every record before
it in the shard is done: each lane is done up to just before its first pending record (or up to
its read cursor when it has none), and the checkpoint is the lowest of these, so after a crash
the records of a lane that was behind are processed again rather than skipped. With N = 1 there
is one lane, which reads every record: the STRM-3 behaviour of one batch per shard.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field

from redrive.kernel import Handle
from redrive.services.lambda_.esm.stream_sources import Found, Position, StreamSource


@dataclass
class Lane:
    shard_id: str
    #: where the lane reads next (the records before it are done, or another lane's)
    position: Position
    lane: int = 0
    #: the batch being attempted, and the bisected halves waiting after it
    batch: list[Found] = field(default_factory=list)
    halves: list[tuple[list[Found], int]] = field(default_factory=list)
    #: where the read of the current batch ended: the lane's position once it is done
    scanned: Position | None = None
    #: the sequence number of the shard record before each record of the current batch
    prev: dict[str, str | None] = field(default_factory=dict)
    retries: int = 0
    invocations: int = 0
    throttles: int = 0
    first_at: float | None = None
    busy: bool = False
    timer: Handle | None = None
    waiting: asyncio.Future[None] | None = None


def key_of(entry: dict[str, object]) -> str:
    """The partition key of a Kinesis record, the item key of a DynamoDB stream record."""
    kinesis = entry.get("kinesis")
    if isinstance(kinesis, dict):
        return str(kinesis.get("partitionKey", ""))
    dynamodb = entry.get("dynamodb")
    keys = dynamodb.get("Keys", {}) if isinstance(dynamodb, dict) else {}
    return json.dumps(keys, sort_keys=True, separators=(",", ":"))


def lane_of(entry: dict[str, object], lanes: int) -> int:
    if lanes <= 1:
        return 0
    digest = hashlib.md5(key_of(entry).encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest, "big") % lanes


@dataclass
class Read:
    #: up to ``limit`` records of the lane, in order
    records: list[Found]
    #: where the read ended (after the last record looked at)
    end: Position
    prev: dict[str, str | None]


def read(
    source: StreamSource, arn: str, lane: Lane, lanes: int, limit: int, *, region: str, role: str
) -> Read:
    """The lane's next records from its position, skipping those of other lanes."""
    own: list[Found] = []
    prev: dict[str, str | None] = {}
    at = lane.position
    last = at.after
    while True:
        found = source.read(arn, lane.shard_id, at, limit, region=region, role=role)
        for record in found:
            if lane_of(record.entry, lanes) == lane.lane:
                own.append(record)
                prev[record.sequence_number] = last
            last = record.sequence_number
            if len(own) == limit:
                return Read(own, Position(after=last), prev)
        if len(found) < limit or last is None:
            break
        at = Position(after=last)
    return Read(own, at if last is None else Position(after=last), prev)


def settle(lane: Lane) -> None:
    """A lane with nothing pending continues where the read of its last batch ended."""
    if not lane.batch and not lane.halves and lane.scanned is not None:
        lane.position, lane.scanned, lane.prev = lane.scanned, None, {}


def done_through(lanes: list[Lane]) -> str | None:
    """The last sequence number of the shard such that it and all before it are done (None:
    not known yet)."""
    marks: list[str] = []
    for lane in lanes:
        pending = lane.batch or (lane.halves[0][0] if lane.halves else [])
        mark = lane.prev.get(pending[0].sequence_number) if pending else lane.position.after
        if mark is None:
            return None
        marks.append(mark)
    return min(marks, key=int) if marks else None
