"""A stream's life: CREATING -> ACTIVE, DELETING -> gone, and sweeping deleted records.

CreateStream stores the stream as CREATING and DeleteStream marks it DELETING; each schedules
the transition as scheduler work (:data:`.constants.CREATE_SECONDS` /
:data:`.constants.DELETE_SECONDS` later, both 0: see there why). The transition rechecks the
stream in the store, so a stream deleted or recreated meanwhile is left alone, and pending
transitions are scheduled again after a restart.

Removing a stream detaches its record storage (``kinesis.sweep``); a
:class:`~redrive.services._sweeper.StorageSweeper` deletes those rows in the background.
"""

from __future__ import annotations

from collections.abc import Callable

from redrive.kernel import Handle
from redrive.services._base import Platform
from redrive.services._sweeper import StorageSweeper
from redrive.services.kinesis import constants as c
from redrive.services.kinesis import state
from redrive.services.kinesis.arns import StreamRef


class Lifecycle:
    def __init__(self, platform: Platform, on_removed: Callable[[int], None]) -> None:
        self.platform = platform
        self._on_removed = on_removed
        self._transitions: dict[tuple[str, str, str, int], Handle] = {}
        #: deletes the records of removed streams
        self.sweeper = StorageSweeper(platform, state.SWEEP, state.STORAGE_TABLES)

    def start(self) -> None:
        with self.platform.store.transaction() as txn:
            pending = [
                (s.ref, s.sid, s.status)
                for s in state.iter_all_streams(txn)
                if s.status in (c.CREATING, c.DELETING)
            ]
        for ref, sid, status in pending:
            if status == c.CREATING:
                self.created(ref, sid)
            else:
                self.deleting(ref, sid)
        self.sweeper.start()

    def stop(self) -> None:
        for handle in self._transitions.values():
            handle.cancel()
        self._transitions.clear()
        self.sweeper.stop()

    # -- transitions ------------------------------------------------------------------------

    def created(self, ref: StreamRef, sid: int) -> None:
        """Make stream ``ref`` (storage ``sid``) ACTIVE once its creation time is over."""
        self._at(ref, sid, c.CREATE_SECONDS, lambda: self._activate(ref, sid))

    def deleting(self, ref: StreamRef, sid: int) -> None:
        """Remove stream ``ref`` (storage ``sid``) once its deletion time is over."""
        self._at(ref, sid, c.DELETE_SECONDS, lambda: self._remove(ref, sid))

    def _at(self, ref: StreamRef, sid: int, delay: float, step: Callable[[], None]) -> None:
        key = (*ref.key, sid)
        previous = self._transitions.pop(key, None)
        if previous is not None:
            previous.cancel()

        def run() -> None:
            self._transitions.pop(key, None)
            step()

        self._transitions[key] = self.platform.scheduler.call_later(delay, run)

    def _activate(self, ref: StreamRef, sid: int) -> None:
        with self.platform.store.transaction() as txn:
            stream = state.get_stream(txn, ref)
            if stream is not None and stream.sid == sid and stream.status == c.CREATING:
                stream.doc["status"] = c.ACTIVE
                state.put_stream(txn, stream)

    def _remove(self, ref: StreamRef, sid: int) -> None:
        with self.platform.store.transaction() as txn:
            stream = state.get_stream(txn, ref)
            if stream is None or stream.sid != sid or stream.status != c.DELETING:
                return
            txn.delete(state.STREAMS, ref.key)
            self.sweeper.add(txn, sid)
        self._on_removed(sid)
