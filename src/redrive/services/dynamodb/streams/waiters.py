"""Readers waiting for new records in a stream (event source mapping pollers).

A waiter is an ``asyncio.Future`` resolved after the next transaction that appends records to
its stream commits, or when the stream goes away. Waking is a hint: the reader reads again and
waits anew if it finds nothing. Nothing here is durable; after a restart readers ask again.

(The same idea as kinesis/waiters.py, keyed by a stream's storage id instead of a shard.)
"""

from __future__ import annotations

import asyncio


class Waiters:
    """Futures of readers per stream storage id."""

    def __init__(self) -> None:
        self._waiting: dict[int, list[asyncio.Future[None]]] = {}

    def wait(self, ssid: int) -> asyncio.Future[None]:
        """A future resolved at the next :meth:`notify` of this stream (cancel it to stop)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(ssid, []).append(future)
        future.add_done_callback(lambda done: self._forget(ssid, done))
        return future

    @staticmethod
    def resolved() -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    def notify(self, ssid: int) -> None:
        for future in self._waiting.pop(ssid, []):
            if not future.done():
                future.set_result(None)

    def close(self) -> None:
        for futures in self._waiting.values():
            for future in futures:
                if not future.done():
                    future.cancel()
        self._waiting.clear()

    def _forget(self, ssid: int, future: asyncio.Future[None]) -> None:
        futures = self._waiting.get(ssid)
        if futures is None:
            return
        if future in futures:
            futures.remove(future)
        if not futures:
            del self._waiting[ssid]
