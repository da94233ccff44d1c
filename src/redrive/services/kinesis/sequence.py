"""Shard ids and sequence numbers.

A shard id is ``shardId-`` and the shard's number in 12 digits (``shardId-000000000003``).
Like AWS, a request may name a shard more loosely: the number after the last ``-`` (or the
whole id when it has none) picks the shard, so ``shardId-3``, ``shard-3`` and ``3`` all name
``shardId-000000000003`` (mhart/kinesalite ``test/getShardIterator.js``, checked against AWS).

A sequence number is a 56-digit decimal string, as AWS's are. redrive's encoding (AWS does
not document its own) is four fixed-width decimal fields::

    49 | shard number (12 digits) | arrival time, emulated epoch ms (15) | counter (27)

The counter counts the records of the shard (1, 2, ...; 0 is the shard's
``StartingSequenceNumber``) and the arrival time never decreases within a shard, so within a
shard later records have larger numbers. Every number has 56 digits, so comparing two as
strings gives the same answer as comparing them as integers. The shard number makes a number
unique in the stream and lets GetShardIterator tell a number of another shard apart, as AWS
does; the arrival time lets a reader find where a number is in the shard's log without a
lookup table.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "49"
LENGTH = 56
_SHARD_DIGITS = 12
_TIME_DIGITS = 15
_COUNTER_DIGITS = 27
#: store keys hold 64-bit signed integers
_MAX_INT = (1 << 63) - 1
#: the largest shard number a request may name (AWS: 2147483647, mhart/kinesalite)
MAX_SHARD_NUMBER = 2_147_483_647


@dataclass(frozen=True, order=True)
class SequenceParts:
    """What a sequence number encodes."""

    shard: int
    ms: int
    counter: int


def shard_id(number: int) -> str:
    return f"shardId-{number:0{_SHARD_DIGITS}d}"


def shard_number(text: str) -> int | None:
    """The shard number a request's ShardId names, or None if it names none."""
    digits = text.rsplit("-", 1)[-1]
    if not digits.isdigit() or not digits.isascii():
        return None
    number = int(digits)
    return number if number <= MAX_SHARD_NUMBER else None


def encode(shard: int, ms: int, counter: int) -> str:
    return f"{VERSION}{shard:0{_SHARD_DIGITS}d}{ms:0{_TIME_DIGITS}d}{counter:0{_COUNTER_DIGITS}d}"


def decode(value: str) -> SequenceParts | None:
    """The parts of a sequence number redrive issued, or None for anything else."""
    if len(value) != LENGTH or not value.isdigit() or not value.isascii():
        return None
    if not value.startswith(VERSION):
        return None
    start = len(VERSION)
    shard = int(value[start : start + _SHARD_DIGITS])
    start += _SHARD_DIGITS
    ms = int(value[start : start + _TIME_DIGITS])
    counter = int(value[start + _TIME_DIGITS :])
    if shard > MAX_SHARD_NUMBER or counter > _MAX_INT:
        return None
    return SequenceParts(shard, ms, counter)
