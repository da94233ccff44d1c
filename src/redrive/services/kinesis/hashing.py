"""From partition key to shard: MD5 to a 128-bit hash key, hash key ranges to shards.

Kinesis maps a partition key to a 128-bit integer with MD5 (the digest read as an unsigned
big-endian number) and puts the record into the shard whose HashKeyRange contains it; an
ExplicitHashKey replaces the hash of the key (API_PutRecord.html). A new stream of N shards
splits the hash key space evenly: shard i starts at ``i * floor(2**128 / N)`` and ends one
before the next shard's start, the last shard at ``2**128 - 1`` (the ranges AWS answers for
new streams, e.g. 3 shards: 0..113427455640312821154458202477256070484, ...; checked against
real AWS by mhart/kinesalite ``test/createStream.js``).
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence

from redrive.services.kinesis import constants as c


def hash_key(partition_key: str) -> int:
    """The 128-bit hash key of a partition key: MD5 of its UTF-8 bytes."""
    return int.from_bytes(hashlib.md5(partition_key.encode()).digest(), "big")


def even_ranges(count: int) -> list[tuple[int, int]]:
    """(starting, ending) hash keys of ``count`` shards splitting the space evenly."""
    width = c.HASH_KEY_SPACE // count
    starts = [i * width for i in range(count)]
    ends = [*(s - 1 for s in starts[1:]), c.HASH_KEY_SPACE - 1]
    return list(zip(starts, ends, strict=True))


def shard_for(key: int, starts: Sequence[int]) -> int:
    """The index of the shard whose range contains ``key``, given the sorted, contiguous
    starting hash keys of the shards (the first is 0)."""
    return bisect.bisect_right(starts, key) - 1
