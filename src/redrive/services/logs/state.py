"""Store access for log groups, streams and events.

Tables (keys are tuples; every key starts with account id and region):

``logs.groups``     ``(account, region, group)`` -> group document
``logs.streams``    ``(account, region, group, stream)`` -> stream document
``logs.events``     ``(account, region, group, stream, timestamp_ms, seq)``
                    -> ``[message, ingestionTime]``
``logs.retention``  ``(account, region, group)`` -> retention in days (groups that have one)

Events of a stream are therefore kept in timestamp order (ties in arrival order, ``seq``
counts per stream), so a time window of a stream is one range scan, an append is one put per
event, and retention deletes a key range. ``logs.retention`` lets the retention sweep visit only
the groups that have a policy.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from redrive.store import Transaction

GROUPS = "logs.groups"
STREAMS = "logs.streams"
EVENTS = "logs.events"
RETENTION = "logs.retention"

#: events read per store call while walking a range
_CHUNK = 256
_MAX_CHAR = "\U0010ffff"

Doc = dict[str, Any]
#: a position between events of a stream: the events at or after ``(timestamp, seq)``
Boundary = tuple[int, int]


@dataclass(frozen=True)
class Event:
    stream: str
    timestamp: int
    seq: int
    message: str
    ingestion_time: int

    @property
    def key(self) -> Boundary:
        return (self.timestamp, self.seq)


def message_bytes(message: str) -> int:
    return len(message.encode())


# -- groups -----------------------------------------------------------------------------------


def get_group(txn: Transaction, account: str, region: str, group: str) -> Doc | None:
    doc: Doc | None = txn.get(GROUPS, (account, region, group))
    return doc


def put_group(txn: Transaction, account: str, region: str, doc: Doc) -> None:
    txn.put(GROUPS, (account, region, doc["logGroupName"]), doc)
    days = doc.get("retentionInDays")
    if days is None:
        txn.delete(RETENTION, (account, region, doc["logGroupName"]))
    else:
        txn.put(RETENTION, (account, region, doc["logGroupName"]), days)


def iter_groups(
    txn: Transaction, account: str, region: str, *, prefix: str = "", after: str | None = None
) -> Iterator[Doc]:
    """Groups in name order whose name starts with ``prefix``, after the name ``after``."""
    start: tuple[str | int, ...] = (account, region, prefix)
    if after is not None and after >= prefix:
        start = (account, region, after + "\x00")
    for _key, doc in txn.scan(GROUPS, (account, region), start=start):
        if not doc["logGroupName"].startswith(prefix):
            return
        yield doc


def delete_group(txn: Transaction, account: str, region: str, group: str) -> None:
    for _key, stream in list(txn.scan(STREAMS, (account, region, group))):
        delete_stream(txn, account, region, group, stream["logStreamName"])
    txn.delete(GROUPS, (account, region, group))
    txn.delete(RETENTION, (account, region, group))


def groups_with_retention(txn: Transaction) -> list[tuple[str, str, str, int]]:
    """(account, region, group, days) of every group with a retention policy."""
    found = []
    for key, days in txn.scan(RETENTION):
        account, region, group = key
        found.append((str(account), str(region), str(group), int(days)))
    return found


# -- streams ----------------------------------------------------------------------------------


def get_stream(txn: Transaction, account: str, region: str, group: str, stream: str) -> Doc | None:
    doc: Doc | None = txn.get(STREAMS, (account, region, group, stream))
    return doc


def put_stream(txn: Transaction, account: str, region: str, group: str, doc: Doc) -> None:
    txn.put(STREAMS, (account, region, group, doc["logStreamName"]), doc)


def new_stream(txn: Transaction, name: str, now_ms: int) -> Doc:
    """A stream document (not yet stored) with a fresh redrive-wide id."""
    return {
        "logStreamName": name,
        "creationTime": now_ms,
        "id": txn.next_id("logs.stream-ids"),
        "seq": 0,
    }


def iter_streams(
    txn: Transaction,
    account: str,
    region: str,
    group: str,
    *,
    prefix: str = "",
    after: str | None = None,
    reverse: bool = False,
) -> Iterator[Doc]:
    """Streams of ``group`` in name order (``reverse``: descending) starting with ``prefix``,
    strictly after ``after`` in that order."""
    base = (account, region, group)
    if not reverse:
        start: tuple[str | int, ...] = (*base, prefix)
        if after is not None and after >= prefix:
            start = (*base, after + "\x00")
        for _key, doc in txn.scan(STREAMS, base, start=start):
            if not doc["logStreamName"].startswith(prefix):
                return
            yield doc
        return
    stop = None if after is None else (*base, after)
    if prefix:
        # past every name that starts with ``prefix``
        upper = (*base, prefix + _MAX_CHAR * 2)
        stop = upper if stop is None else min(stop, upper)
    for _key, doc in txn.scan(STREAMS, base, stop=stop, reverse=True):
        name = doc["logStreamName"]
        if name.startswith(prefix):
            yield doc
        elif prefix and name < prefix:
            return


def delete_stream(txn: Transaction, account: str, region: str, group: str, stream: str) -> int:
    """Delete a stream and its events; the bytes freed."""
    freed = 0
    for key, value in list(txn.scan(EVENTS, (account, region, group, stream))):
        txn.delete(EVENTS, key)
        freed += message_bytes(value[0])
    txn.delete(STREAMS, (account, region, group, stream))
    return freed


# -- events -----------------------------------------------------------------------------------


def append(
    txn: Transaction,
    account: str,
    region: str,
    group: Doc,
    stream: Doc,
    *,
    events: Sequence[tuple[int, str]],
    ingestion_ms: int,
) -> None:
    """Store ``events`` (timestamp ms, message) in ``stream`` and update both documents."""
    if not events:
        return
    group_name = group["logGroupName"]
    prefix = (account, region, group_name, stream["logStreamName"])
    seq = int(stream["seq"])
    added = 0
    for timestamp, message in events:
        seq += 1
        txn.put(EVENTS, (*prefix, timestamp, seq), [message, ingestion_ms])
        added += message_bytes(message)
    first = min(ts for ts, _ in events)
    last = max(ts for ts, _ in events)
    stream["seq"] = seq
    if stream.get("firstEventTimestamp") is None or first < stream["firstEventTimestamp"]:
        stream["firstEventTimestamp"] = first
    if stream.get("lastEventTimestamp") is None or last > stream["lastEventTimestamp"]:
        stream["lastEventTimestamp"] = last
    stream["lastIngestionTime"] = ingestion_ms
    put_stream(txn, account, region, group_name, stream)
    group["storedBytes"] = int(group.get("storedBytes", 0)) + added
    put_group(txn, account, region, group)


def scan_events(
    txn: Transaction,
    account: str,
    region: str,
    group: str,
    stream: str,
    *,
    start: Boundary,
    stop: Boundary | None = None,
    reverse: bool = False,
    expect: int = _CHUNK,
) -> Iterator[Event]:
    """Events of a stream from boundary ``start`` (inclusive) to ``stop`` (exclusive), read
    lazily in chunks (``reverse``: from ``stop`` down to ``start``). ``expect`` is how many
    events the caller probably wants: the first chunk reads one more, later chunks double up
    to the normal size, so a tail of 10 events does not read 256."""
    prefix = (account, region, group, stream)
    low: tuple[str | int, ...] = (*prefix, *start)
    high: tuple[str | int, ...] | None = None if stop is None else (*prefix, *stop)
    size = max(1, min(expect + 1, _CHUNK))
    while True:
        chunk = list(txn.scan(EVENTS, prefix, start=low, stop=high, reverse=reverse, limit=size))
        for key, value in chunk:
            yield Event(stream, int(key[4]), int(key[5]), value[0], int(value[1]))
        if len(chunk) < size:
            return
        size = min(size * 2, _CHUNK)
        last = chunk[-1][0]
        if reverse:
            high = last
        else:
            low = (*prefix, int(last[4]), int(last[5]) + 1)


def first_event_timestamp(
    txn: Transaction, account: str, region: str, group: str, stream: str
) -> int | None:
    found = txn.first(EVENTS, (account, region, group, stream))
    return None if found is None else int(found[0][4])


def oldest_event_timestamp(txn: Transaction, account: str, region: str, group: str) -> int | None:
    """The timestamp of the oldest event in any stream of ``group``."""
    oldest: int | None = None
    for stream in iter_streams(txn, account, region, group):
        ts = first_event_timestamp(txn, account, region, group, stream["logStreamName"])
        if ts is not None and (oldest is None or ts < oldest):
            oldest = ts
    return oldest


def delete_events_before(
    txn: Transaction, account: str, region: str, group: str, stream: str, *, cutoff: int
) -> int:
    """Delete the events of a stream with a timestamp before ``cutoff``; the bytes freed."""
    prefix = (account, region, group, stream)
    freed = 0
    for key, value in list(txn.scan(EVENTS, prefix, stop=(*prefix, cutoff))):
        txn.delete(EVENTS, key)
        freed += message_bytes(value[0])
    return freed
