"""The SQLite backend: one WAL database, every commit fsync'd before it returns."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from redrive.errors import StoreError
from redrive.store import keys
from redrive.store.base import Key, Store, Transaction, dump, load

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    tbl TEXT NOT NULL,
    k   BLOB NOT NULL,
    v   TEXT NOT NULL,
    PRIMARY KEY (tbl, k)
) WITHOUT ROWID
"""


class _SqliteTransaction(Transaction):
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._writes = 0  # bumped by put/delete; scan re-reads values after a write

    def get(self, table: str, key: Key) -> Any | None:
        row = self._db.execute(
            "SELECT v FROM kv WHERE tbl = ? AND k = ?", (table, keys.encode(key))
        ).fetchone()
        return None if row is None else load(row[0])

    def put(self, table: str, key: Key, value: Any) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO kv (tbl, k, v) VALUES (?, ?, ?)",
            (table, keys.encode(key), dump(value)),
        )
        self._writes += 1

    def delete(self, table: str, key: Key) -> bool:
        cur = self._db.execute("DELETE FROM kv WHERE tbl = ? AND k = ?", (table, keys.encode(key)))
        self._writes += 1
        return cur.rowcount > 0

    def scan(
        self,
        table: str,
        prefix: Key = (),
        *,
        start: Key | None = None,
        stop: Key | None = None,
        reverse: bool = False,
        limit: int | None = None,
    ) -> Iterator[tuple[Key, Any]]:
        low, high = keys.scan_range(prefix, start, stop)
        # The keys are those in range when iteration starts (as in the memory backend), so
        # the caller may write to the table while iterating: keys it adds are not visited (a
        # key moved forward is not seen twice), keys it deletes are skipped, and values are
        # re-read once it has written.
        sql = "SELECT k, v FROM kv WHERE tbl = ? AND k >= ?"
        args: list[Any] = [table, low]
        if high is not None:
            sql += " AND k < ?"
            args.append(high)
        sql += f" ORDER BY k {'DESC' if reverse else 'ASC'}"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        rows = self._db.execute(sql, args).fetchall()
        writes = self._writes
        for raw, snapshot in rows:
            text = snapshot
            if self._writes != writes:
                row = self._db.execute(
                    "SELECT v FROM kv WHERE tbl = ? AND k = ?", (table, raw)
                ).fetchone()
                if row is None:
                    continue
                text = row[0]
            yield keys.decode(raw), load(text)

    def count(self, table: str, prefix: Key = ()) -> int:
        base = keys.encode(prefix)
        high = keys.successor(base) if base else None
        if high is None:
            row = self._db.execute(
                "SELECT COUNT(*) FROM kv WHERE tbl = ? AND k >= ?", (table, base)
            ).fetchone()
        else:
            row = self._db.execute(
                "SELECT COUNT(*) FROM kv WHERE tbl = ? AND k >= ? AND k < ?", (table, base, high)
            ).fetchone()
        return int(row[0])


class SqliteStore(Store):
    """State in ``<data_dir>/redrive.sqlite3``."""

    def __init__(self, data_dir: str | Path) -> None:
        super().__init__()
        directory = Path(data_dir).expanduser()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / "redrive.sqlite3"
            self.location = str(path)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # FULL: the WAL is fsync'd at every commit, so acknowledged data survives kill -9
            # and power loss.
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store in {directory}: {exc}") from exc
        try:
            self._init_schema()
        except BaseException:
            self._db.close()  # e.g. a newer schema: do not leak the connection
            raise

    def _begin(self) -> Transaction:
        self._db.execute("BEGIN IMMEDIATE")
        return _SqliteTransaction(self._db)

    def _commit(self, txn: Transaction) -> None:
        self._db.execute("COMMIT")

    def _rollback(self, txn: Transaction) -> None:
        self._db.execute("ROLLBACK")

    def close(self) -> None:
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._db.close()


__all__ = ["SqliteStore"]
