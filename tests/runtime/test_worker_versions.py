"""One pass over the worker's essentials on every other CPython found (3.10, 3.12, 3.13, ...).

The detailed tests run under this interpreter and Python 3.9; this catches what differs between
versions (``datetime`` reprs, ``utcnow`` deprecation, asyncio internals, traceback formatting).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runtime.test_worker_timeshim import DATETIME
from tests.runtime.worker_fakeapi import T0, Harness, other_interpreters

OTHERS = other_interpreters()

ESSENTIALS = DATETIME.replace("def handler(", "def datetime_checks(") + '''

import asyncio
import logging
import time

logging.getLogger().setLevel(logging.INFO)


def handler(event, context):
    if event.get("raise"):
        raise ValueError("bad " + event["raise"])
    problems = datetime_checks(event, context)  # expects the clock at T0
    t0 = time.time()
    time.sleep(100)

    async def main():
        await asyncio.sleep(50)
        return time.time()

    after_async = asyncio.run(main())
    logging.info("done")
    return {
        "t0": t0,
        "after_async": after_async,
        "datetime_problems": problems,
        "remaining": context.get_remaining_time_in_millis(),
    }
'''

RAISE_LINE = next(
    n for n, line in enumerate(ESSENTIALS.splitlines(), 1) if "raise ValueError" in line
)


@pytest.mark.skipif(not OTHERS, reason="no other CPython versions on this machine")
@pytest.mark.parametrize("python", OTHERS or ["none"], ids=lambda p: Path(p).name)
def test_the_essentials_on_other_pythons(tmp_path: Path, python: str) -> None:
    h = Harness(tmp_path)
    try:
        h.write("handler.py", ESSENTIALS)
        worker = h.start(python=python, env={"PYTHONWARNINGS": "ignore::DeprecationWarning"})
        rid = h.api.add_event({}, deadline=T0 + 1000)
        got = h.api.result(rid).json()
        assert got["t0"] == T0
        assert got["after_async"] == pytest.approx(T0 + 150, abs=1e-3)
        assert got["datetime_problems"] == []
        assert got["remaining"] == 850_000  # deadline T0 + 1000, 150 s slept
        err_rid = h.api.add_event({"raise": "input"})
        error = h.api.result(err_rid).json()
        assert (error["errorType"], error["errorMessage"]) == ("ValueError", "bad input")
        assert error["stackTrace"] == [
            f'  File "/var/task/handler.py", line {RAISE_LINE}, in handler\n'
            '    raise ValueError("bad " + event["raise"])\n'
        ]
        out = worker.stdout
        assert f"[INFO]\t2023-11-14T22:15:50.000Z\t{rid}\tdone\n" in out
        assert "[ERROR] ValueError: bad input\rTraceback (most recent call last):\r" in out
    finally:
        h.close()
