"""One poller per enabled mapping, and the mappings' state changes (SQSM-16).

A mapping is ``Creating`` / ``Enabling`` / ``Disabling`` / ``Updating`` in the answer to the
call that changed it; a scheduler item due at once settles it to ``Enabled`` or ``Disabled``
and starts or stops its poller. A ``Deleting`` mapping's poller stops and the mapping is gone
the same way. On start every stored mapping is settled and the enabled ones poll again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from redrive.services.lambda_.esm import checkpoints, mapping, state, stream_mapping
from redrive.services.lambda_.esm.sqs_poller import SqsPoller
from redrive.services.lambda_.esm.stream_poller import StreamPoller

if TYPE_CHECKING:
    from redrive.services.lambda_.service import LambdaService

Key = tuple[str, str, str]  # account, region, uuid
Poller = SqsPoller | StreamPoller


class Pollers:
    def __init__(self, service: LambdaService) -> None:
        self.service = service
        self.platform = service.platform
        self._pollers: dict[Key, Poller] = {}
        self._stopping: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        with self.platform.store.transaction() as txn:
            found = list(state.everywhere(txn))
        for account, region, doc in found:
            self._settle(account, region, doc["UUID"])

    async def stop(self) -> None:
        pollers, self._pollers = list(self._pollers.values()), {}
        await asyncio.gather(*(poller.stop() for poller in pollers), *self._stopping)

    def poller(self, account: str, region: str, uuid: str) -> Poller | None:
        return self._pollers.get((account, region, uuid))

    def changed(self, account: str, region: str, uuid: str) -> None:
        """Call after committing a change to the mapping: it settles right after."""
        self.platform.scheduler.call_soon(lambda: self._settle(account, region, uuid))

    def _settle(self, account: str, region: str, uuid: str) -> None:
        key = (account, region, uuid)
        with self.platform.store.transaction() as txn:
            doc = state.get(txn, account, region, uuid)
            if doc is not None and doc["State"] == "Deleting":
                state.delete(txn, account, region, uuid)
                checkpoints.forget(txn, account, region, uuid)
                doc = None
            elif doc is not None and doc["State"] != mapping.steady_state(doc):
                doc["State"] = mapping.steady_state(doc)
                state.put(txn, account, region, doc)
        running = self._pollers.get(key)
        if doc is None or not doc["Enabled"]:
            if running is not None:
                del self._pollers[key]
                self._track(running.stop())
            return
        if isinstance(running, StreamPoller) and running.factor != stream_mapping.factor(doc):
            # STRM-3: the records go to other lanes; start again after the checkpoints
            del self._pollers[key]
            self._track(self._restart(running, key))
            return
        if running is not None:
            running.reconfigure(doc)
            return
        poller: Poller
        if stream_mapping.is_stream(mapping.source_service(doc["EventSourceArn"])):
            poller = StreamPoller(self.service, account, region, doc)
        else:
            poller = SqsPoller(self.service, account, region, doc)
        self._pollers[key] = poller
        poller.start()

    def _track(self, stopping: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(stopping)
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)

    async def _restart(self, running: StreamPoller, key: Key) -> None:
        await running.stop()
        self._settle(*key)
