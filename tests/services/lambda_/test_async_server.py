"""Asynchronous invoke through a real `redrive serve`: kill -9 and restart, and the wall clock.

* An event answered with 202 is never lost: after `kill -9` while events wait for retries
  and while attempts run, a restart on the same --data-dir takes every event to its fate
  (ASYNC-1, ASYNC-14: at-least-once; an attempt lost with the process runs again and the
  ledger says so).
* The retry schedule of a failing function under `--clock wall --time-scale 60` agrees with
  the virtual clock's (ASYNC-3).
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

from tests.serverproc import ServerProcess
from tests.services.lambda_.async_helpers import HANDLERS
from tests.services.lambda_.conftest import ROLE, make_zip


def deploy(server: ServerProcess, name: str, handler: str, **extra: Any) -> Any:
    lam = server.client("lambda")
    lam.create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler=f"handlers.{handler}",
        Code={"ZipFile": make_zip({"handlers.py": HANDLERS})}, **extra,
    )
    return lam


def ledger(server: ServerProcess, function: str) -> list[dict[str, Any]]:
    status, body = server.control("GET", f"/_redrive/ledger?function={function}")
    assert status == 200
    entries: list[dict[str, Any]] = body["attempts"]
    return entries


def test_accepted_events_survive_kill_9_and_reach_their_fate__ASYNC_1_ASYNC_14(
    tmp_path: Path,
) -> None:
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        lam = deploy(first, "failing", "fail")
        deploy(first, "sleepy", "sleep", Timeout=120)
        failing = [
            lam.invoke(FunctionName="failing", InvocationType="Event", Payload=b"{}")
            for _ in range(3)
        ]
        first.advance(61)  # first attempts failed; the first retries are due about now
        sleepy = [
            lam.invoke(FunctionName="sleepy", InvocationType="Event", Payload=b'{"seconds": 30}')
            for _ in range(2)
        ]
        ids = {r["ResponseMetadata"]["RequestId"] for r in failing + sleepy}
        # advance(0) returns once due-now work ran: the sleepers' attempts have started, and
        # asleep in their handlers they hold nothing, so the clock stands still until the kill
        first.advance(0)
    finally:
        first.kill()

    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        second.advance(900)
        entries = ledger(second, "failing") + ledger(second, "sleepy")
        fates = {e["request_id"]: e for e in entries if e["kind"] == "fate"}
        assert set(fates) == ids  # every event reached exactly one fate
        for response in failing:
            fate = fates[response["ResponseMetadata"]["RequestId"]]
            assert fate["condition"] == "RetriesExhausted"
            assert fate["approximate_invoke_count"] >= 3
        for response in sleepy:
            fate = fates[response["ResponseMetadata"]["RequestId"]]
            assert fate["condition"] == "Success"
        # the sleepers' attempts died with the process: the ledger says so, and they ran again
        interrupted = {e["request_id"] for e in entries if e.get("outcome") == "interrupted"}
        assert {r["ResponseMetadata"]["RequestId"] for r in sleepy} <= interrupted <= ids
    finally:
        assert second.terminate() == 0


def retry_gaps(entries: list[dict[str, Any]]) -> list[float]:
    attempts = [e for e in entries if e["kind"] == "attempt"]
    return [b["started_at"] - a["ended_at"] for a, b in itertools.pairwise(attempts)]


def test_wall_clock_at_60x_agrees_with_the_virtual_clock__ASYNC_3(tmp_path: Path) -> None:
    virtual = ServerProcess("--in-memory", "--clock", "virtual")
    try:
        deploy(virtual, "failing", "fail").invoke(
            FunctionName="failing", InvocationType="Event", Payload=b"{}"
        )
        virtual.advance(400)
        virtual_entries = ledger(virtual, "failing")
    finally:
        assert virtual.terminate() == 0

    wall = ServerProcess("--in-memory", "--clock", "wall", "--time-scale", "60")
    try:
        deploy(wall, "failing", "fail").invoke(
            FunctionName="failing", InvocationType="Event", Payload=b"{}"
        )
        # three emulated minutes are three real seconds at 60x: wait for the fate, bounded
        deadline = time.monotonic() + 60
        while not any(e["kind"] == "fate" for e in ledger(wall, "failing")):
            assert time.monotonic() < deadline, "no fate within 60 real seconds"
            time.sleep(0.2)
        wall_entries = ledger(wall, "failing")
    finally:
        assert wall.terminate() == 0

    for entries in (virtual_entries, wall_entries):
        [fate] = [e for e in entries if e["kind"] == "fate"]
        assert fate["condition"] == "RetriesExhausted"
        assert fate["approximate_invoke_count"] == 3
    virtual_gaps, wall_gaps = retry_gaps(virtual_entries), retry_gaps(wall_entries)
    assert len(virtual_gaps) == len(wall_gaps) == 2
    # the same schedule: ~60 s then ~120 s, within the jitter plus the wall clock's own
    # real-time overheads (a few ms of real time are a few hundred ms emulated at 60x)
    for v, w, base in zip(virtual_gaps, wall_gaps, (60, 120), strict=True):
        assert base <= v <= base * 1.05 + 0.5
        assert base <= w <= base * 1.05 + 3
