"""Writing and reading log events: PutLogEvents' checks, GetLogEvents, FilterLogEvents.

Functions here work inside the caller's transaction on documents it has already looked up;
the service turns requests into calls and errors into responses.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from redrive.services.logs import constants as c
from redrive.services.logs import errors, state, tokens
from redrive.services.logs.filter_pattern import Matcher
from redrive.services.logs.state import Boundary, Doc, Event
from redrive.store import Transaction

Output = dict[str, Any]


def visible_from(group: Doc, now_ms: int) -> int:
    """The oldest timestamp still kept under the group's retention (0 without one)."""
    days = group.get("retentionInDays")
    return 0 if days is None else now_ms - int(days) * c.MS_PER_DAY


# -- PutLogEvents -------------------------------------------------------------------------------


def check_batch(events: Sequence[tuple[int, str]]) -> None:
    """Refuse a batch AWS refuses as a whole (InvalidParameterException)."""
    if len(events) > c.MAX_BATCH_EVENTS:
        raise errors.too_many_events(len(events), c.MAX_BATCH_EVENTS)
    timestamps = [ts for ts, _ in events]
    if any(b < a for a, b in itertools.pairwise(timestamps)):
        raise errors.events_out_of_order()
    if timestamps and timestamps[-1] - timestamps[0] > c.MAX_BATCH_SPAN_MS:
        raise errors.batch_span_too_long()
    size = sum(state.message_bytes(m) + c.EVENT_OVERHEAD_BYTES for _, m in events)
    if size > c.MAX_BATCH_BYTES:
        raise errors.batch_too_large(size, c.MAX_BATCH_BYTES)


def split_batch(
    timestamps: Sequence[int], now_ms: int, retention_days: int | None
) -> tuple[int, int, Output]:
    """The accepted slice ``[start, stop)`` of a chronological batch and the
    ``rejectedLogEventsInfo`` for the rest (empty if nothing was rejected).

    Too old: more than 14 days before now (``tooOldLogEventEndIndex``, exclusive); expired:
    older than the group's retention (``expiredLogEventEndIndex``, exclusive); too new: more
    than 2 hours after now (``tooNewLogEventStartIndex``, inclusive).
    """
    too_old = sum(1 for ts in timestamps if ts < now_ms - c.MAX_EVENT_AGE_MS)
    expired = 0
    if retention_days is not None:
        expired = sum(1 for ts in timestamps if ts < now_ms - retention_days * c.MS_PER_DAY)
    too_new = next(
        (i for i, ts in enumerate(timestamps) if ts > now_ms + c.MAX_EVENT_FUTURE_MS),
        len(timestamps),
    )
    info: Output = {}
    if too_old:
        info["tooOldLogEventEndIndex"] = too_old
    if expired:
        info["expiredLogEventEndIndex"] = expired
    if too_new < len(timestamps):
        info["tooNewLogEventStartIndex"] = too_new
    start = max(too_old, expired)
    return start, max(start, too_new), info


def sequence_token(stream: Doc) -> str:
    """The stream's upload sequence token (AWS ignores it on input now, but still sends one)."""
    return f"{int(stream['id']):020d}{int(stream['seq']):036d}"


# -- reading ------------------------------------------------------------------------------------


def output_event(event: Event) -> Output:
    return {
        "timestamp": event.timestamp,
        "message": event.message,
        "ingestionTime": event.ingestion_time,
    }


def _take(events: Iterator[Event], limit: int) -> tuple[list[Event], bool]:
    """Up to ``limit`` events and at most one page (1 MB counting 26 bytes per event); and
    whether the page was cut short by its size (the next event was read but left out)."""
    page: list[Event] = []
    size = 0
    for event in events:
        size += state.message_bytes(event.message) + c.EVENT_OVERHEAD_BYTES
        if page and size > c.MAX_PAGE_BYTES:
            return page, True
        page.append(event)
        if len(page) >= limit:
            break
    return page, False


def get_log_events(
    txn: Transaction,
    account: str,
    region: str,
    group: Doc,
    *,
    stream: str,
    params: dict[str, Any],
    now_ms: int,
) -> Output:
    """GetLogEvents over ``[startTime, endTime)``, newest page first unless ``startFromHead``.

    Tokens are boundaries in the stream (see :mod:`~redrive.services.logs.tokens`); when a
    page is empty the token that was passed comes back, which is how clients see the end.
    """
    low: Boundary = (max(int(params.get("startTime", 0)), visible_from(group, now_ms)), 0)
    end_time = params.get("endTime")
    high: Boundary | None = None if end_time is None else (int(end_time), 0)
    limit = int(params.get("limit", c.DEFAULT_EVENTS_LIMIT))
    name = group["logGroupName"]

    token = params.get("nextToken")
    boundary: Boundary | None
    if token is not None:
        parsed = tokens.parse_position_token(token)
        if parsed is None:
            raise errors.invalid_token()
        direction, boundary = parsed
    elif params.get("startFromHead", False):
        direction, boundary = "f", low
    else:
        direction, boundary = "b", high

    if direction == "f":
        start = low if boundary is None else max(boundary, low)
        found = state.scan_events(
            txn, account, region, name, stream, start=start, stop=high, expect=limit
        )
        page, _cut = _take(found, limit)
    else:
        stop = boundary if high is None or boundary is None else min(boundary, high)
        if stop is not None and stop <= low:
            page = []
        else:
            found = state.scan_events(
                txn, account, region, name, stream, start=low, stop=stop, reverse=True,
                expect=limit,
            )
            newest, _cut = _take(found, limit)
            page = newest[::-1]

    if page:
        forward: Boundary = (page[-1].timestamp, page[-1].seq + 1)
        backward: Boundary = page[0].key
    else:
        forward = backward = boundary if boundary is not None else low
    return {
        "events": [output_event(e) for e in page],
        "nextForwardToken": tokens.position_token("f", forward),
        "nextBackwardToken": tokens.position_token("b", backward),
    }


def event_id(stream_id: int, event: Event) -> str:
    """A 56-digit id unique in the account, like AWS's."""
    return f"{event.timestamp:020d}{stream_id:018d}{event.seq:018d}"


def filter_log_events(
    txn: Transaction,
    account: str,
    region: str,
    group: Doc,
    *,
    streams: list[Doc],
    params: dict[str, Any],
    matcher: Matcher,
    now_ms: int,
) -> Output:
    """FilterLogEvents over ``streams``: matching events in ``[startTime, endTime]`` ordered by
    timestamp across streams (ties by stream name, then arrival)."""
    low = max(int(params.get("startTime", 0)), visible_from(group, now_ms))
    end_time = params.get("endTime")
    stop: Boundary | None = None if end_time is None else (int(end_time) + 1, 0)
    limit = int(params.get("limit", c.DEFAULT_EVENTS_LIMIT))
    name = group["logGroupName"]

    after: tuple[int, str, int] | None = None
    token = params.get("nextToken")
    if token is not None:
        values = tokens.parse_page_token(token, "e", "isi")
        if values is None:
            raise errors.invalid_token()
        after = (int(values[0]), str(values[1]), int(values[2]))
        low = max(low, after[0])

    # Streams whose events all lie outside the window need no scan (firstEventTimestamp only
    # ever moves back, so it stays a lower bound after retention sweeps).
    streams = [
        s
        for s in streams
        if s.get("lastEventTimestamp") is not None
        and s["lastEventTimestamp"] >= low
        and (stop is None or s["firstEventTimestamp"] < stop[0])
    ]
    ids = {s["logStreamName"]: int(s["id"]) for s in streams}
    sources = [
        state.scan_events(txn, account, region, name, s["logStreamName"], start=(low, 0), stop=stop)
        for s in streams
    ]
    merged = heapq.merge(*sources, key=lambda e: (e.timestamp, e.stream, e.seq))

    def matching() -> Iterator[Event]:
        for event in merged:
            if after is not None and (event.timestamp, event.stream, event.seq) <= after:
                continue
            if matcher(event.message):
                yield event

    found = matching()
    page, cut = _take(found, limit)
    output: Output = {
        "events": [
            {"logStreamName": e.stream, **output_event(e), "eventId": event_id(ids[e.stream], e)}
            for e in page
        ]
    }
    if page and (cut or next(found, None) is not None):
        last = page[-1]
        output["nextToken"] = tokens.page_token("e", last.timestamp, last.stream, last.seq)
    return output
