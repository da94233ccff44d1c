"""Async events per real second: Invoke (Event) → 202 → run → OnSuccess SQS destination.

    python bench/async_throughput.py [--events N] [--senders K] [--store sqlite]

A `redrive serve` process on the virtual clock (in memory unless ``--store sqlite``), one
trivial handler, an SQS queue as its OnSuccess destination. K client threads send N events
with InvocationType Event (each its own boto3 client, keep-alive); the clock is advanced
while the queue drains. The figure is N divided by the real seconds from the first send to
the moment the last success record is in the queue. Bounded in count and time.

Prints a table, then as its last line one JSON object with events, senders, seconds,
events_per_s and accept_per_s (the rate of 202s alone).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serverproc import ServerProcess

from redrive.api import make_client

TIME_LIMIT = 300.0
ROLE = "arn:aws:iam::000000000000:role/bench"


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def delivered(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def run(events: int, senders: int, store: str, kind: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir:
        args = ["--clock", "virtual"]
        args += ["--data-dir", data_dir] if store == "sqlite" else ["--in-memory"]
        server = ServerProcess(*args)
        try:
            return measure(server, events, senders, kind)
        finally:
            server.terminate()


class Replayer:
    """Sends, over one keep-alive connection, the request a boto3 client built for an event."""

    def __init__(self, endpoint_url: str, payload: bytes) -> None:
        client = make_client(endpoint_url, "lambda", "us-east-1")
        captured: dict[str, Any] = {}

        def capture(request: Any, **_: Any) -> None:
            captured.update(url=request.url, headers=dict(request.headers), body=request.body)

        client.meta.events.register("before-send.lambda.Invoke", capture)
        client.invoke(FunctionName="ok", InvocationType="Event", Payload=payload)  # one real event
        url = urlsplit(captured["url"])
        self.path = url.path + (f"?{url.query}" if url.query else "")
        self.headers = {
            k: v.decode() if isinstance(v, bytes) else v for k, v in captured["headers"].items()
        }
        self.body = captured["body"]
        self.conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port)

    def invoke(self) -> None:
        self.conn.request("POST", self.path, self.body, self.headers)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 202:
            raise SystemExit(f"Invoke answered {response.status}: {body!r}")


def measure(server: ServerProcess, events: int, senders: int, kind: str) -> dict[str, Any]:
    lam, sqs = server.client("lambda"), server.client("sqs")
    url = sqs.create_queue(QueueName="done")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    lam.create_function(
        FunctionName="ok", Runtime="python3.12", Role=ROLE, Handler="ok.handler",
        Code={"ZipFile": package()},
    )
    lam.put_function_event_invoke_config(
        FunctionName="ok", DestinationConfig={"OnSuccess": {"Destination": arn["QueueArn"]}}
    )
    lam.invoke(FunctionName="ok", Payload=b"{}")  # warm: the first cold start is not measured
    per_sender = events // senders
    payload = json.dumps({"n": 1}).encode()
    # threads of one client process: on a 2-core machine, sender processes would take the
    # CPU the server and the worker need (measured: slower)
    if kind == "boto3":
        clients = [make_client(server.endpoint_url, "lambda", "us-east-1") for _ in range(senders)]

        def send(client: Any) -> None:
            for _ in range(per_sender):
                client.invoke(FunctionName="ok", InvocationType="Event", Payload=payload)

        sent_before = 0
    else:
        clients = [Replayer(server.endpoint_url, payload) for _ in range(senders)]

        def send(client: Any) -> None:
            for _ in range(per_sender):
                client.invoke()

        sent_before = senders  # each replayer's first event, sent through boto3
    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    while delivered(sqs, url) < sent_before:  # the replayers' own first events, not timed
        server.advance(5)
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIME_LIMIT)
    accepted = time.perf_counter() - start
    total = per_sender * senders
    while delivered(sqs, url) < total + sent_before:
        if time.perf_counter() - start > TIME_LIMIT:
            raise SystemExit(f"only {delivered(sqs, url)} of {total} delivered in {TIME_LIMIT} s")
        server.advance(5)  # throttled events wait for emulated time: let it pass
    seconds = time.perf_counter() - start
    return {
        "events": total,
        "senders": senders,
        "seconds": round(seconds, 3),
        "events_per_s": round(total / seconds, 1),
        "accept_per_s": round(total / accepted, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--store", choices=["memory", "sqlite"], default="memory")
    parser.add_argument("--client", choices=["both", "boto3", "http"], default="both")
    args = parser.parse_args()
    kinds = ["http", "boto3"] if args.client == "both" else [args.client]
    results = {kind: run(args.events, args.senders, args.store, kind) for kind in kinds}
    header = ("sender", "events", "threads", "seconds", "events/s", "202/s")
    print("{:>8} {:>8} {:>8} {:>9} {:>10} {:>10}".format(*header))
    for kind, result in results.items():
        print(
            f"{kind:>8} {result['events']:>8} {result['senders']:>8} {result['seconds']:>9} "
            f"{result['events_per_s']:>10} {result['accept_per_s']:>10}"
        )
    print(json.dumps({"store": args.store, **results}))


if __name__ == "__main__":
    main()
