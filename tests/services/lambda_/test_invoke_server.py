"""Lambda through a real `redrive serve` process: both clocks, and no orphan workers."""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

from tests.serverproc import ServerProcess
from tests.services.lambda_.conftest import ROLE, make_zip

SOURCE = '''
import os, time
def handler(event, context):
    start = time.time()
    time.sleep(event.get("sleep", 0))
    return {"pid": os.getpid(), "ppid": os.getppid(), "slept": time.time() - start}
'''


def deploy(server: ServerProcess, **extra: Any) -> tuple[Any, str]:
    lam = server.client("lambda")
    name = f"fn-{uuid.uuid4().hex[:8]}"
    lam.create_function(
        FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="handler.handler",
        Code={"ZipFile": make_zip({"handler.py": SOURCE})}, **extra,
    )
    return lam, name


def call(lam: Any, name: str, event: dict[str, Any]) -> dict[str, Any]:
    response = lam.invoke(FunctionName=name, Payload=json.dumps(event))
    assert "FunctionError" not in response, response["Payload"].read()
    result: dict[str, Any] = json.loads(response["Payload"].read())
    return result


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is gone for our purposes once its parent reaped it
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_virtual_clock_invoke_waits_for_its_own_result(server: ServerProcess) -> None:
    lam, name = deploy(server, Timeout=900)
    before, real = server.now(), time.perf_counter()
    result = call(lam, name, {"sleep": 600})
    assert time.perf_counter() - real < 10  # ten emulated minutes, not real ones
    assert 600 <= result["slept"] < 601
    assert server.now() - before >= 600


def test_wall_clock_with_time_scale_runs_a_sleep_sixty_times_faster() -> None:
    proc = ServerProcess("--in-memory", "--clock", "wall", "--time-scale", "60")
    try:
        lam, name = deploy(proc, Timeout=120)
        call(lam, name, {})  # cold start first
        real = time.perf_counter()
        result = call(lam, name, {"sleep": 60})
        elapsed = time.perf_counter() - real
        assert 60 <= result["slept"] < 70
        assert 0.9 < elapsed < 5  # 60 emulated seconds at 60x are about one real second
    finally:
        assert proc.terminate() == 0


def test_stopping_the_server_stops_every_worker() -> None:
    proc = ServerProcess("--in-memory", "--clock", "virtual")
    try:
        pids = set()
        for _ in range(2):
            lam, name = deploy(proc)
            result = call(lam, name, {})
            pids |= {result["pid"], result["ppid"]}  # the worker and the fork server
        assert all(alive(pid) for pid in pids)
    finally:
        assert proc.terminate() == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)  # real time: processes exiting
    assert not any(alive(pid) for pid in pids)


def test_kill_9_of_the_server_leaves_no_forked_worker() -> None:
    proc = ServerProcess("--in-memory", "--clock", "virtual")
    lam, name = deploy(proc)
    result = call(lam, name, {})
    proc.kill()
    deadline = time.monotonic() + 10
    while alive(result["pid"]) and time.monotonic() < deadline:
        time.sleep(0.05)  # real time: the worker noticing its engine is gone
    assert not alive(result["pid"])
