"""Readers waiting for new records in a shard (event source mapping pollers).

A waiter is an ``asyncio.Future`` resolved after the next transaction that stores records in
its shard commits, or when the stream is deleted. Waking is a hint: the reader reads again
and waits anew if it finds nothing. Records only ever appear by being put, so no timer is
needed. Nothing here is durable; after a restart readers simply ask again.
"""

from __future__ import annotations

import asyncio

ShardKey = tuple[int, int]


class Waiters:
    """Futures of readers per (storage id, shard)."""

    def __init__(self) -> None:
        self._waiting: dict[ShardKey, list[asyncio.Future[None]]] = {}

    def wait(self, sid: int, shard: int) -> asyncio.Future[None]:
        """A future resolved at the next :meth:`notify` of this shard (cancel it to stop)."""
        key = (sid, shard)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        future.add_done_callback(lambda done: self._forget(key, done))
        return future

    @staticmethod
    def resolved() -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    def notify(self, sid: int, shard: int) -> None:
        for future in self._waiting.pop((sid, shard), []):
            if not future.done():
                future.set_result(None)

    def notify_stream(self, sid: int) -> None:
        """Wake every reader of storage ``sid`` (the stream is going away)."""
        for key in [k for k in self._waiting if k[0] == sid]:
            self.notify(*key)

    def close(self) -> None:
        for futures in self._waiting.values():
            for future in futures:
                if not future.done():
                    future.cancel()
        self._waiting.clear()

    def _forget(self, key: ShardKey, future: asyncio.Future[None]) -> None:
        futures = self._waiting.get(key)
        if futures is None:
            return
        if future in futures:
            futures.remove(future)
        if not futures:
            del self._waiting[key]
