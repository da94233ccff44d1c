"""The time shim in a real worker: handler code sees the fake engine's emulated clock.

The fake Runtime API's virtual clock stands still at T0 unless a sleep jumps it, so what the
handler reads is exact; a handler that sleeps an hour finishes in milliseconds.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from redrive.kernel.clock import WallClock
from tests.runtime.worker_fakeapi import T0, Harness

READ_CLOCKS = '''\
import datetime
import time


def handler(event, context):
    return {
        "time": time.time(),
        "time_ns": time.time_ns(),
        "monotonic": time.monotonic(),
        "monotonic_ns": time.monotonic_ns(),
        "now": datetime.datetime.now().isoformat(),
        "now_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "today": datetime.datetime.today().isoformat(),
        "date_today": datetime.date.today().isoformat(),
        "gmtime": list(time.gmtime())[:6],
        "localtime": list(time.localtime())[:6],
        "ctime": time.ctime(),
        "asctime": time.asctime(),
        "strftime": time.strftime("%Y-%m-%d %H:%M:%S"),
        "gmtime_0": list(time.gmtime(0))[:6],
        "perf_counter_is_real": type(time.perf_counter).__name__ == "builtin_function_or_method",
    }
'''


def test_time_and_datetime_read_the_emulated_clock(h: Harness, python: str) -> None:
    h.write("handler.py", READ_CLOCKS)
    h.start(python=python)
    got = h.invoke({}).json()
    assert got["time"] == T0
    assert got["time_ns"] == int(T0 * 1e9)
    assert got["now"] == got["today"] == "2023-11-14T22:13:20"
    assert got["now_utc"] == "2023-11-14T22:13:20+00:00"
    assert got["date_today"] == "2023-11-14"
    assert got["gmtime"] == got["localtime"] == [2023, 11, 14, 22, 13, 20]
    assert got["ctime"] == got["asctime"] == "Tue Nov 14 22:13:20 2023"
    assert got["strftime"] == "2023-11-14 22:13:20"
    assert got["gmtime_0"] == [1970, 1, 1, 0, 0, 0]
    assert got["perf_counter_is_real"] is True
    h.api.clock.jump_to(T0 + 90)  # type: ignore[attr-defined]
    later = h.invoke({}).json()
    assert later["time"] == T0 + 90
    assert later["monotonic"] - got["monotonic"] == pytest.approx(90)
    assert later["monotonic_ns"] - got["monotonic_ns"] == pytest.approx(90e9, rel=1e-9)
    assert 0 < got["monotonic"] < 1e8  # small numbers, like real CLOCK_MONOTONIC readings


SLEEPY = '''\
import asyncio
import time


def handler(event, context):
    t0 = time.time()
    r0 = time.perf_counter()
    if event["how"] == "sleep":
        time.sleep(event["seconds"])
    else:
        async def main():
            loop = asyncio.get_running_loop()
            start = loop.time()
            await asyncio.sleep(event["seconds"])
            return loop.time() - start
        assert asyncio.run(main()) >= event["seconds"]
    return {
        "slept": time.time() - t0,
        "real": time.perf_counter() - r0,
        "remaining": context.get_remaining_time_in_millis(),
    }
'''


@pytest.mark.parametrize("how", ["sleep", "asyncio"])
def test_an_hour_of_sleep_takes_no_real_time(h: Harness, python: str, how: str) -> None:
    h.write("handler.py", SLEEPY)
    h.start(python=python)
    got = h.invoke({"how": how, "seconds": 3600}, deadline=T0 + 900)
    assert got.kind == "response", got.body
    result = got.json()
    assert result["slept"] >= 3600
    assert result["slept"] == pytest.approx(3600, abs=1e-3)
    assert result["real"] < 5
    assert result["remaining"] == 0  # the deadline passed while it slept
    [sleep] = h.api.sleeps
    assert sleep.until == pytest.approx(T0 + 3600, abs=1e-3) and sleep.answered
    assert h.api.clock.now() == sleep.until


def test_sleeps_under_a_scaled_wall_clock(tmp_path: Path, python: str) -> None:
    harness = Harness(tmp_path, clock=WallClock(scale=1000, start=T0), sleep_mode="hold")
    try:
        harness.write("handler.py", SLEEPY)
        harness.start(python=python)
        result = harness.invoke({"how": "sleep", "seconds": 60}).json()
        assert result["slept"] >= 60
        assert 0.05 <= result["real"] < 5  # 60 emulated s = 60 real ms at 1000x
        result = harness.invoke({"how": "asyncio", "seconds": 60}).json()
        assert result["slept"] >= 60
        assert 0.05 <= result["real"] < 5
    finally:
        harness.close()


ASYNC_IO = '''\
import asyncio
import socket
import threading
import time


def handler(event, context):
    a, b = socket.socketpair()
    threading.Timer(0.2, b.send, (b"ping",)).start()

    async def main():
        reader, writer = await asyncio.open_connection(sock=a)
        data = await asyncio.wait_for(reader.read(4), timeout=3600)
        writer.close()
        return data.decode()

    t0 = time.time()
    got = asyncio.run(main())
    b.close()
    return {"got": got, "emulated": time.time() - t0}
'''


def test_real_io_ends_an_asyncio_wait_before_its_timeout(tmp_path: Path, python: str) -> None:
    harness = Harness(tmp_path, sleep_mode="hold")  # the sleep would last until a jump
    try:
        harness.write("handler.py", ASYNC_IO)
        harness.start(python=python)
        result = harness.invoke({}).json()
        assert result == {"got": "ping", "emulated": 0.0}
        harness.api.wait_until(lambda: [s.cancelled for s in harness.api.sleeps] == [True])
        assert not harness.api.sleeps[0].answered
        assert harness.api.clock.now() == T0
    finally:
        harness.close()


def test_sleep_arguments_are_checked_like_cpython(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import time\n"
        "def handler(event, context):\n"
        "    out = []\n"
        "    for arg in (-1, '1', float('nan'), None, 1e300):\n"
        "        try:\n"
        "            time.sleep(arg)\n"
        "            out.append('ok')\n"
        "        except Exception as e:\n"
        "            out.append(type(e).__name__)\n"
        "    time.sleep(0)\n"
        "    time.sleep(False)\n"
        "    return out\n",
    )
    h.start(python=python)
    assert h.invoke({}).json() == [
        "ValueError", "TypeError", "ValueError", "TypeError", "OverflowError"
    ]
    assert h.api.sleeps == []  # zero sleeps never reach the engine


def test_sleeping_threads_each_use_their_own_connection(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import threading, time\n"
        "def handler(event, context):\n"
        "    done = []\n"
        "    def nap(s):\n"
        "        time.sleep(s)\n"
        "        done.append(s)\n"
        "    threads = [threading.Thread(target=nap, args=(s,)) for s in (10, 20, 30)]\n"
        "    for t in threads: t.start()\n"
        "    for t in threads: t.join()\n"
        "    return sorted(done)\n",
    )
    h.start(python=python)
    assert h.invoke({}).json() == [10, 20, 30]
    assert len(h.api.sleeps) == 3


DATETIME = '''\
import copy
import datetime
import pickle
import sys

from datetime import datetime as imported_later


def handler(event, context):
    real = datetime.datetime.__mro__[1]
    real_date = datetime.date.__mro__[1]
    plain = real(2020, 1, 2, 3, 4, 5)
    ours = datetime.datetime(2020, 1, 2, 3, 4, 5)
    checks = {
        "imported_later_is_ours": imported_later is datetime.datetime,
        "isinstance_real": isinstance(plain, datetime.datetime),
        "isinstance_date": isinstance(plain, datetime.date) and isinstance(ours, datetime.date),
        "isinstance_real_date": isinstance(real_date(2020, 1, 1), datetime.date),
        "not_a_datetime": not isinstance(real_date(2020, 1, 1), datetime.datetime),
        "issubclass": issubclass(real, datetime.datetime) and issubclass(datetime.datetime, real),
        "issubclass_date": issubclass(datetime.datetime, datetime.date),
        "equal": plain == ours and hash(plain) == hash(ours),
        "repr": repr(ours) == "datetime.datetime(2020, 1, 2, 3, 4, 5)",
        "repr_date": repr(datetime.date(2020, 1, 2)) == "datetime.date(2020, 1, 2)",
        "str": str(ours) == "2020-01-02 03:04:05",
        "pickle_ours": pickle.loads(pickle.dumps(ours)) == ours,
        "pickle_real": pickle.loads(pickle.dumps(plain)) == plain,
        "pickle_names": b"datetime" in pickle.dumps(ours, protocol=0),
        "pickle_date": pickle.loads(pickle.dumps(real_date(2020, 1, 1))) == real_date(2020, 1, 1),
        "copy": copy.deepcopy(plain) == plain and copy.copy(ours) == ours,
        "arith": (ours + datetime.timedelta(days=1)).day == 3,
        "fromtimestamp": datetime.datetime.fromtimestamp(0, datetime.timezone.utc).year == 1970,
        "strptime": datetime.datetime.strptime("2020", "%Y").year == 2020,
        "fromisoformat": datetime.datetime.fromisoformat("2020-01-02T03:04:05") == ours,
        "now_tz": datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=2))).hour == 0,
        "utcnow": datetime.datetime.utcnow() == datetime.datetime(2023, 11, 14, 22, 13, 20),
        "type_name": type(ours).__name__ == "datetime",
        "module": datetime.datetime.__module__ == "datetime",
    }
    return [name for name, ok in checks.items() if not ok]
'''


def test_datetime_classes_stay_compatible(h: Harness, python: str) -> None:
    h.write("handler.py", DATETIME)
    h.start(python=python, env={"PYTHONWARNINGS": "ignore::DeprecationWarning"})
    assert h.invoke({}).json() == []


def test_logging_formatters_use_emulated_time(h: Harness, python: str) -> None:
    # logging.Formatter.converter = time.localtime is stored on a class: the emulated
    # functions must not turn into methods there
    h.write(
        "handler.py",
        "import logging\n"
        "def handler(event, context):\n"
        "    f = logging.Formatter('%(asctime)s %(message)s')\n"
        "    rec = logging.LogRecord('x', logging.INFO, __file__, 1, 'msg', None, None)\n"
        "    return f.format(rec)\n",
    )
    h.start(python=python)
    assert h.invoke({}).json() == "2023-11-14 22:13:20,000 msg"


def test_child_processes_see_the_emulated_clock_too(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import subprocess, sys\n"
        "CHILD = ('import os, time; '\n"
        "         'print(time.time(), os.environ[\"_REDRIVE_SHIM_PID\"] != str(os.getpid()))')\n"
        "def handler(event, context):\n"
        "    out = subprocess.run([sys.executable, '-c', CHILD], capture_output=True, text=True)\n"
        "    return out.stdout.split()\n",
    )
    h.start(python=python)
    assert h.invoke({}).json() == [repr(T0), "True"]


def test_another_sitecustomize_still_runs(h: Harness, python: str) -> None:
    h.write("sitecustomize.py", "import builtins\nbuiltins.SITE_MARK = 'theirs'\n")
    h.write(
        "handler.py",
        "import time\n"
        "def handler(event, context):\n"
        "    return [SITE_MARK, time.time()]\n",  # SITE_MARK: set by their sitecustomize
    )
    h.start(python=python)
    assert h.invoke({}).json() == ["theirs", T0]


def test_without_a_clock_file_nothing_is_patched(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import time, datetime\n"
        "def handler(event, context):\n"
        "    base = datetime.datetime.__mro__[1].__name__\n"
        "    return [type(time.time).__name__, base, time.time()]\n",
    )
    h.start(python=python, clock_file=False)
    before = time.time()
    kind, base, now = h.invoke({}).json()
    assert kind == "builtin_function_or_method"
    assert base == "date"  # the real datetime.datetime
    assert before - 5 < now < time.time() + 5


def test_errors_from_emulated_functions_show_only_user_frames(h: Harness, python: str) -> None:
    h.write("handler.py", "import time\ndef handler(event, context):\n    time.sleep(-1)\n")
    h.start(python=python)
    error = h.invoke({}).json()
    assert (error["errorType"], error["errorMessage"]) == (
        "ValueError", "sleep length must be non-negative"
    )
    assert error["stackTrace"] == [
        '  File "/var/task/handler.py", line 3, in handler\n    time.sleep(-1)\n'
    ]
