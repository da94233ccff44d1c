"""Sync invoke latency through boto3 against `redrive serve`, with the health round trip as floor.

    python bench/invoke_latency.py [--warm N] [--cold N]

Measures, one client thread, keep-alive, virtual clock, in memory:

* floor: GET /_redrive/health over urllib3 (HTTP + ASGI, no AWS work)
* boto3: GetFunctionConfiguration (boto3's own cost per call plus one store read)
* warm:  Invoke of an echo handler in a warm environment
* cold:  Invoke of a freshly created function (a new environment each time; the fork
         server of the interpreter is already running, as it is after the first cold start)

Prints a table, then as its last line one JSON object with warm_p50_ms, warm_p99_ms,
cold_p50_ms, floor_p50_ms and boto3_p50_ms. Loops are bounded in count and time.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serverproc import ServerProcess

TIME_LIMIT = 60.0
ROLE = "arn:aws:iam::000000000000:role/bench"


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("echo.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def sample(n: int, step: Callable[[int], object]) -> list[float]:
    """Milliseconds per call of ``step`` for up to ``n`` calls (and TIME_LIMIT seconds)."""
    times: list[float] = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - start > TIME_LIMIT:
            break
    return times


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warm", type=int, default=1000)
    parser.add_argument("--cold", type=int, default=40)
    args = parser.parse_args()

    server = ServerProcess("--in-memory", "--clock", "virtual")
    try:
        http = urllib3.PoolManager(maxsize=1)
        health = server.endpoint_url + "/_redrive/health"
        floor = sample(args.warm, lambda _i: http.request("GET", health).data)

        lam = server.client("lambda")
        code = package()
        lam.create_function(FunctionName="echo", Runtime="python3.11", Role=ROLE,
                            Handler="echo.handler", Code={"ZipFile": code})
        boto3_floor = sample(args.warm,
                             lambda _i: lam.get_function_configuration(FunctionName="echo"))
        payload = json.dumps({"hello": "world"}).encode()
        lam.invoke(FunctionName="echo", Payload=payload)  # cold start + fork server ready
        warm = sample(args.warm, lambda _i: lam.invoke(FunctionName="echo", Payload=payload))

        names = [f"cold{i}" for i in range(args.cold)]
        for name in names:
            lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                Handler="echo.handler", Code={"ZipFile": code})
        cold = sample(len(names), lambda i: lam.invoke(FunctionName=names[i], Payload=payload))
    finally:
        server.terminate()

    rows = [
        ("floor: GET /_redrive/health", floor),
        ("boto3: GetFunctionConfiguration", boto3_floor),
        ("warm Invoke (echo)", warm),
        ("cold Invoke (new function)", cold),
    ]
    print(f"{'':34} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for label, times in rows:
        print(f"{label:34} {len(times):5d} {pct(times, 50):8.2f} {pct(times, 99):8.2f} "
              f"{statistics.fmean(times):8.2f}")
    print(json.dumps({
        "warm_p50_ms": round(pct(warm, 50), 3),
        "warm_p99_ms": round(pct(warm, 99), 3),
        "cold_p50_ms": round(pct(cold, 50), 3),
        "floor_p50_ms": round(pct(floor, 50), 3),
        "boto3_p50_ms": round(pct(boto3_floor, 50), 3),
    }))


if __name__ == "__main__":
    main()
