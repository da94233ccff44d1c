"""Requests per second through boto3 against `redrive serve`, as ratios of the health floor.

    python bench/wire_throughput.py [--requests N] [--store memory|sqlite]

Starts `redrive serve` on a free loopback port and measures, one client thread, keep-alive:

* floor:   GET /_redrive/health over urllib3 (the HTTP + ASGI round trip with no AWS work)
* boto3:   DescribeLogGroups for a prefix that matches nothing (boto3's own cost per call:
           signing, serializing, parsing, plus routing and validation in redrive)
* logs:    PutLogEvents (10 events) followed by GetLogEvents, through boto3
* metrics: PutMetricData (5 data points), through boto3

Each figure is printed with its ratio to the floor measured in the same run. Every loop is
bounded in count and in time (30 s each at most).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serverproc import ServerProcess

TIME_LIMIT = 30.0


def rate(label: str, n: int, step: Callable[[int], object]) -> float:
    for i in range(min(20, n)):  # warm up
        step(i)
    start = time.perf_counter()
    done = 0
    while done < n and time.perf_counter() - start < TIME_LIMIT:
        step(done)
        done += 1
    elapsed = time.perf_counter() - start
    per_second = done / elapsed
    print(f"  {label:<38} {per_second:9.0f} req/s  ({done} requests, {elapsed:.2f} s)")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="redrive-bench-")
    store_args = ["--in-memory"] if args.store == "memory" else ["--data-dir", data_dir]
    server = ServerProcess(*store_args, "--clock", "virtual")
    try:
        print(f"redrive serve {' '.join(store_args)} at {server.endpoint_url}")
        http = urllib3.PoolManager(maxsize=1)
        health_url = server.endpoint_url + "/_redrive/health"
        floor = rate("floor: GET /_redrive/health", args.requests,
                     lambda _i: http.request("GET", health_url).data)

        logs = server.client("logs")
        boto3_floor = rate("boto3: DescribeLogGroups (no match)", args.requests,
                           lambda _i: logs.describe_log_groups(logGroupNamePrefix="/none"))
        logs.create_log_group(logGroupName="/bench")
        logs.create_log_stream(logGroupName="/bench", logStreamName="s")
        now_ms = int(server.now() * 1000)

        def logs_step(i: int) -> None:
            events = [{"timestamp": now_ms + i, "message": f"line {i} {j}"} for j in range(10)]
            logs.put_log_events(logGroupName="/bench", logStreamName="s", logEvents=events)
            logs.get_log_events(logGroupName="/bench", logStreamName="s", limit=10)

        pairs = rate("logs: PutLogEvents+GetLogEvents (pairs)", args.requests // 2, logs_step)

        cw = server.client("cloudwatch")

        def metrics_step(i: int) -> None:
            cw.put_metric_data(
                Namespace="Bench",
                MetricData=[
                    {"MetricName": f"m{j}", "Value": float(i), "Unit": "Count",
                     "Dimensions": [{"Name": "Fn", "Value": "f"}]}
                    for j in range(5)
                ],
            )

        metrics = rate("metrics: PutMetricData (5 points)", args.requests, metrics_step)

        print("ratios to the floor (higher is better; 1.0 would be free):")
        print(f"  boto3 DescribeLogGroups         {boto3_floor / floor:.3f}")
        print(f"  logs pair requests (2 per pair) {2 * pairs / floor:.3f}")
        print(f"  PutMetricData                   {metrics / floor:.3f}")
    finally:
        server.terminate()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
