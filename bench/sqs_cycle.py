"""SQS send → receive → delete cycles per second, redrive against moto, at two queue depths.

    pip install -e '.[bench]'      # moto[server], only for this comparison
    python bench/sqs_cycle.py [--depth N] [--cycles N] [--store sqlite]

Both servers run as their own processes on 127.0.0.1 (`redrive serve` on the virtual clock,
in memory unless ``--store sqlite``; `python -m moto.server`), each driven by one boto3
client with keep-alive. One cycle is SendMessage, ReceiveMessage (1 message) and
DeleteMessage of what was received. Measured on an empty queue and on a queue holding
``--depth`` messages (filled with SendMessageBatch first). Every loop is bounded in count
and time.

Prints a table, then as its last line one JSON object with cycles/s per server and depth
and the ratios redrive/moto.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serverproc import ServerProcess

from redrive.api import make_client

TIME_LIMIT = 20.0  # seconds per measurement
FILL_LIMIT = 600.0  # seconds to fill a deep queue


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Moto:
    """`python -m moto.server` on a free loopback port."""

    def __init__(self) -> None:
        port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.endpoint_url + "/moto-api/", timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.proc.kill()
                    raise SystemExit("moto server did not start") from None
                time.sleep(0.1)

    def client(self) -> Any:
        return make_client(self.endpoint_url, "sqs", "us-east-1")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def fill(sqs: Any, url: str, depth: int) -> float:
    """Fill the queue with ``depth`` messages; messages sent per second."""
    start = time.perf_counter()
    for first in range(0, depth, 10):
        entries = [{"Id": str(i), "MessageBody": f"filler {first + i}"} for i in range(10)]
        sqs.send_message_batch(QueueUrl=url, Entries=entries[: depth - first])
        if time.perf_counter() - start > FILL_LIMIT:
            raise SystemExit(f"filling {depth} messages took over {FILL_LIMIT} s ({url})")
    return depth / (time.perf_counter() - start)


def cycles(sqs: Any, url: str, n: int) -> float:
    """Cycles per second over up to ``n`` cycles (and TIME_LIMIT seconds)."""
    start = time.perf_counter()
    done = 0
    for i in range(n):
        sqs.send_message(QueueUrl=url, MessageBody=f"cycle {i}")
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
        for message in received:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        done += 1
        if time.perf_counter() - start > TIME_LIMIT:
            break
    return done / (time.perf_counter() - start)


def measure(sqs: Any, depth: int, n: int) -> dict[str, float]:
    empty = sqs.create_queue(QueueName="empty")["QueueUrl"]
    deep = sqs.create_queue(QueueName="deep")["QueueUrl"]
    cycles(sqs, empty, 50)  # warm-up
    result = {"depth_0": cycles(sqs, empty, n)}
    result["fill_per_s"] = fill(sqs, deep, depth)
    result[f"depth_{depth}"] = cycles(sqs, deep, n)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=100_000)
    parser.add_argument("--cycles", type=int, default=3000)
    parser.add_argument("--store", choices=["memory", "sqlite"], default="memory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        flags = ["--clock", "virtual"]
        flags += ["--data-dir", data_dir] if args.store == "sqlite" else ["--in-memory"]
        server = ServerProcess(*flags)
        try:
            ours = measure(server.client("sqs"), args.depth, args.cycles)
        finally:
            server.terminate()
    moto = Moto()
    try:
        theirs = measure(moto.client(), args.depth, args.cycles)
    finally:
        moto.stop()

    print(f"{'queue depth':>12} {'redrive':>10} {'moto':>10} {'ratio':>8}   (cycles/s;")
    print(f"{'':>12} {'':>10} {'':>10} {'':>8}    fill_per_s: messages/s sent in batches)")
    report: dict[str, Any] = {"store": args.store}
    for key in ours:
        ratio = ours[key] / theirs[key]
        print(f"{key.removeprefix('depth_'):>12} {ours[key]:>10.1f} {theirs[key]:>10.1f} "
              f"{ratio:>8.1f}")
        report[f"redrive_{key}"] = round(ours[key], 1)
        report[f"moto_{key}"] = round(theirs[key], 1)
        report[f"ratio_{key}"] = round(ratio, 1)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
