"""Readers waiting for something to appear under a key (stream pollers, long polls).

A waiter is an ``asyncio.Future`` resolved at the next :meth:`KeyedWaiters.notify` of its key,
typically after the transaction that stored new records commits. Waking is a hint: the reader
reads again and waits anew if it finds nothing. Nothing here is durable; after a restart
readers simply ask again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class KeyedWaiters(Generic[K]):
    """Futures of readers per key."""

    def __init__(self) -> None:
        self._waiting: dict[K, list[asyncio.Future[None]]] = {}

    def wait(self, key: K) -> asyncio.Future[None]:
        """A future resolved at the next :meth:`notify` of ``key`` (cancel it to stop)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        future.add_done_callback(lambda done: self._forget(key, done))
        return future

    @staticmethod
    def resolved() -> asyncio.Future[None]:
        """A future that is already done: for a reader that need not wait."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    def notify(self, key: K) -> None:
        for future in self._waiting.pop(key, []):
            if not future.done():
                future.set_result(None)

    def notify_where(self, matches: Callable[[K], bool]) -> None:
        """Wake the readers of every key that ``matches`` (say, all shards of a stream)."""
        for key in [k for k in self._waiting if matches(k)]:
            self.notify(key)

    def close(self) -> None:
        for futures in self._waiting.values():
            for future in futures:
                if not future.done():
                    future.cancel()
        self._waiting.clear()

    def _forget(self, key: K, future: asyncio.Future[None]) -> None:
        futures = self._waiting.get(key)
        if futures is None:
            return
        if future in futures:
            futures.remove(future)
        if not futures:
            del self._waiting[key]
