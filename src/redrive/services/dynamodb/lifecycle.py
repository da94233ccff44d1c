"""A table's life and its streams': transitions, stream expiry, sweeping storage.

CreateTable stores the table as CREATING, UpdateTable as UPDATING, DeleteTable as DELETING;
each schedules the transition as scheduler work (:data:`.constants.CREATE_SECONDS` etc.
later, all 0: see there why). A transition rechecks the table in the store, so a table
deleted or recreated meanwhile is left alone; pending transitions are scheduled again after
a restart. The table's stream follows: ENABLING -> ENABLED and DISABLING -> DISABLED with the
table's transition; deleting the table closes its stream.

A closed stream stays readable for 24 hours (Streams.html), then is removed. Removed tables
and streams detach their storage (``dynamodb.sweep``); a
:class:`~redrive.services._sweeper.StorageSweeper` deletes those rows in the background.

(The transition machinery is the same as kinesis/lifecycle.py's.)
"""

from __future__ import annotations

from collections.abc import Callable

from redrive.kernel import Handle
from redrive.services._base import Platform
from redrive.services._sweeper import StorageSweeper
from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import state
from redrive.services.dynamodb.arns import StreamRef
from redrive.services.dynamodb.state import Table, TableKey
from redrive.services.dynamodb.streams import state as streams
from redrive.store import Transaction

#: what sweeping a storage id deletes (tables and streams share one id counter)
SWEPT = (*state.STORAGE_TABLES, *streams.STORAGE_TABLES)


class Lifecycle:
    def __init__(self, platform: Platform, on_stream_changed: Callable[[int], None]) -> None:
        self.platform = platform
        self._stream_changed = on_stream_changed
        self._handles: dict[tuple[object, ...], Handle] = {}
        self.sweeper = StorageSweeper(platform, state.SWEEP, SWEPT)

    def now_ms(self) -> int:
        return round(self.platform.now() * c.MS_PER_SECOND)

    def start(self) -> None:
        with self.platform.store.transaction() as txn:
            pending = [
                (t.key, t.sid, t.status)
                for t in state.iter_all_tables(txn)
                if t.status in (c.CREATING, c.UPDATING, c.DELETING)
            ]
            closed = [
                (s.ref, s.ssid, s.closed_ms)
                for s in streams.iter_all_streams(txn)
                if s.closed_ms is not None
            ]
        for key, sid, status in pending:
            self.transition(key, sid, status)
        for ref, ssid, closed_ms in closed:
            assert closed_ms is not None
            self.expire_later(ref, ssid, closed_ms)
        self.sweeper.start()

    def stop(self) -> None:
        for handle in self._handles.values():
            handle.cancel()
        self._handles.clear()
        self.sweeper.stop()

    # -- table transitions ------------------------------------------------------------------

    def transition(self, key: TableKey, sid: int, status: str) -> None:
        """End the table's ``status`` (CREATING, UPDATING or DELETING) once its time is over."""
        delay = {c.CREATING: c.CREATE_SECONDS, c.UPDATING: c.UPDATE_SECONDS}.get(
            status, c.DELETE_SECONDS
        )
        self._at(("table", *key, sid), delay, lambda: self._end(key, sid, status))

    def _end(self, key: TableKey, sid: int, status: str) -> None:
        changed: int | None = None
        with self.platform.store.transaction() as txn:
            table = state.get_table(txn, key)
            if table is None or table.sid != sid or table.status != status:
                return
            if status == c.DELETING:
                txn.delete(state.TABLES, key)
                self.sweeper.add(txn, sid)
                changed = self._close_stream(txn, table)
            else:
                table.doc["status"] = c.ACTIVE
                state.put_table(txn, table)
                changed = self._settle_stream(txn, table)
        if changed is not None:
            self._stream_changed(changed)

    def _settle_stream(self, txn: Transaction, table: Table) -> int | None:
        """ENABLING -> ENABLED, DISABLING -> DISABLED for the table's latest stream."""
        stream = self._latest_stream(txn, table)
        if stream is None:
            return None
        if stream.status == c.ENABLING:
            stream.doc["status"] = c.ENABLED
        elif stream.status == c.DISABLING:
            stream.doc["status"] = c.DISABLED
            self.expire_later(stream.ref, stream.ssid, stream.closed_ms or self.now_ms())
        else:
            return None
        streams.put_stream(txn, stream)
        return stream.ssid

    def _close_stream(self, txn: Transaction, table: Table) -> int | None:
        """The table is gone: its open stream is DISABLED now."""
        stream = self._latest_stream(txn, table)
        if stream is None or stream.status == c.DISABLED:
            return None
        stream.doc["status"] = c.DISABLED
        if stream.closed_ms is None:
            stream.doc["closed_ms"] = self.now_ms()
        streams.put_stream(txn, stream)
        self.expire_later(stream.ref, stream.ssid, int(stream.doc["closed_ms"]))
        return stream.ssid

    @staticmethod
    def _latest_stream(txn: Transaction, table: Table) -> streams.Stream | None:
        label = table.stream.get("label")
        if label is None:
            return None
        return streams.get_stream(txn, StreamRef(table.account, table.region, table.name, label))

    # -- stream expiry ----------------------------------------------------------------------

    def expire_later(self, ref: StreamRef, ssid: int, closed_ms: int) -> None:
        """Remove the stream 24 hours after it was closed."""
        due = (closed_ms + c.RETENTION_MS - self.now_ms()) / c.MS_PER_SECOND
        self._at(("stream", *ref.key, ssid), max(0.0, due), lambda: self._expire(ref, ssid))

    def _expire(self, ref: StreamRef, ssid: int) -> None:
        with self.platform.store.transaction() as txn:
            stream = streams.get_stream(txn, ref)
            if stream is None or stream.ssid != ssid or not stream.expired(self.now_ms()):
                return
            txn.delete(streams.STREAMS, ref.key)
            self.sweeper.add(txn, ssid)
        self._stream_changed(ssid)

    # -- scheduling -------------------------------------------------------------------------

    def _at(self, key: tuple[object, ...], delay: float, step: Callable[[], None]) -> None:
        previous = self._handles.pop(key, None)
        if previous is not None:
            previous.cancel()

        def run() -> None:
            self._handles.pop(key, None)
            step()

        self._handles[key] = self.platform.scheduler.call_later(delay, run)
