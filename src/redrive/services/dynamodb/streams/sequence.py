"""Stream sequence numbers and shard ids.

A sequence number is a 36-digit decimal string (AWS's are decimal strings of 21 to 40 digits;
its encoding is undocumented). redrive's is three fixed-width fields::

    4 | arrival time, emulated epoch ms (15 digits) | counter (20 digits)

The counter counts the stream's records (1, 2, ...; 0 is the shard's StartingSequenceNumber)
and arrival times never decrease within a stream, so later records have larger numbers and,
all numbers having the same length, comparing them as strings or as integers agrees. The
arrival time lets a reader find a number's place in the log with one range scan, as
Kinesis's do (kinesis/sequence.py).

A shard id looks like AWS's (``shardId-00000001414562045508-2bac9cd2``): the stream's
creation time in 20 digits and 8 hex digits derived from the stream ARN.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PREFIX = "4"
LENGTH = 36
_TIME_DIGITS = 15
_COUNTER_DIGITS = 20
#: store keys hold 64-bit signed integers
_MAX_INT = (1 << 63) - 1


@dataclass(frozen=True, order=True)
class SequenceParts:
    ms: int
    counter: int


def encode(ms: int, counter: int) -> str:
    return f"{PREFIX}{ms:0{_TIME_DIGITS}d}{counter:0{_COUNTER_DIGITS}d}"


def decode(value: str) -> SequenceParts | None:
    """What a sequence number redrive issued encodes, or None for anything else."""
    if len(value) != LENGTH or not value.isdigit() or not value.isascii():
        return None
    if not value.startswith(PREFIX):
        return None
    ms = int(value[1 : 1 + _TIME_DIGITS])
    counter = int(value[1 + _TIME_DIGITS :])
    if counter > _MAX_INT or ms > _MAX_INT:
        return None
    return SequenceParts(ms, counter)


def shard_id(stream_arn: str, created_ms: int) -> str:
    suffix = hashlib.sha256(stream_arn.encode()).hexdigest()[:8]
    return f"shardId-{created_ms:020d}-{suffix}"


def event_id(stream_arn: str, sequence_number: str) -> str:
    """A record's eventID: 32 hex digits as AWS's (unique per stream and record, and the
    same on every read and after a restart)."""
    return hashlib.md5(
        f"{stream_arn}/{sequence_number}".encode(), usedforsecurity=False
    ).hexdigest()
