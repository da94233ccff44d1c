"""An acknowledged commit survives ``kill -9`` of the process that made it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from redrive.store import SqliteStore

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")

# Commits items one by one and acknowledges each (prints its index) only after its commit
# returned, as the server answers a client only after committing. Far more items than it can
# write before the parent kills it.
COMMITTER = """
import sys
from redrive.store import SqliteStore

store = SqliteStore(sys.argv[1])
for i in range(1_000_000):
    with store.transaction() as txn:
        txn.put("items", (i,), {"i": i, "padding": "x" * 200})
        txn.next_id("items")
    print(i, flush=True)
"""

# Commits a few items, then dies in the middle of a transaction that never commits.
INTERRUPTED = """
import sys, time
from redrive.store import SqliteStore

store = SqliteStore(sys.argv[1])
for i in range(3):
    with store.transaction() as txn:
        txn.put("items", (i,), i)
with store.transaction() as txn:
    txn.put("items", ("uncommitted",), 1)
    txn.delete("items", (0,))
    print("open", flush=True)
    time.sleep(60)
"""


@contextmanager
def child(code: str, data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """A python child running ``code`` on the store in ``data_dir``; never outlives the test."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # a watchdog, so that a child that never prints cannot hang the test run
    watchdog = threading.Timer(60, proc.kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        with proc:
            try:
                yield proc
            finally:
                if proc.poll() is None:
                    proc.kill()
    finally:
        watchdog.cancel()


def kill_9(proc: subprocess.Popen[str]) -> str:
    """SIGKILL the child; everything it printed, including lines not read yet."""
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.stdout is not None
    rest = proc.stdout.read()
    assert proc.wait() == -signal.SIGKILL
    return rest


def read_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline()
    if not line:
        proc.wait()
        pytest.fail(f"the child died before acknowledging: {proc.stderr.read()}")
    return line


def test_an_acknowledged_commit_survives_kill_9(tmp_path: Path) -> None:
    with child(COMMITTER, tmp_path) as proc:
        lines = [read_line(proc) for _ in range(25)]
        lines += kill_9(proc).splitlines()
    acknowledged = [int(line) for line in lines]
    assert acknowledged == list(range(len(acknowledged)))
    assert len(acknowledged) < 1_000_000  # it really was killed mid-run

    store = SqliteStore(tmp_path)
    try:
        with store.transaction() as txn:
            present = [key[0] for key, _ in txn.scan("items")]
            for i in acknowledged:
                assert txn.get("items", (i,)) == {"i": i, "padding": "x" * 200}
            # nothing but whole transactions: at most the one in flight was not acknowledged
            assert present == list(range(len(present)))
            assert len(acknowledged) <= len(present) <= len(acknowledged) + 1
            assert txn.next_id("items") == len(present) + 1
    finally:
        store.close()


def test_an_open_transaction_is_lost_whole_on_kill_9(tmp_path: Path) -> None:
    with child(INTERRUPTED, tmp_path) as proc:
        assert read_line(proc) == "open\n"
        kill_9(proc)

    store = SqliteStore(tmp_path)
    try:
        with store.transaction() as txn:
            assert list(txn.scan("items")) == [((0,), 0), ((1,), 1), ((2,), 2)]
    finally:
        store.close()
