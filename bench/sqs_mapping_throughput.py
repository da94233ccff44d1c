"""SQS messages per real second: SendMessageBatch → event source mapping → handler → deleted.

    python bench/sqs_mapping_throughput.py [--messages 100000] [--batch-size 10] [--window 0]
                                           [--mode both|concurrent|backlog] [--store sqlite]
                                           [--max-concurrency N] [--time-limit S]

A `redrive serve` process on the virtual clock (in memory unless ``--store sqlite``), on
127.0.0.1: one standard queue, one Python function whose handler returns None, and an SQS
event source mapping from the queue to the function (``--batch-size``, AWS's default 10, at
most 10,000; ``--window`` is MaximumBatchingWindowInSeconds, which AWS requires to be ≥ 1 for
a batch size above 10). The bench sends N messages with SendMessageBatch (10 per call, over one
keep-alive connection, replaying the headers boto3 sent for a first SQS call: see
``_mapping_common.JsonApi``; every answer is checked: 10 successful entries, none failed). Two
modes, each on a fresh server:

* ``concurrent``: the mapping is enabled before the first send; a sender thread sends while
  the mapping drains. The figure is N divided by the real seconds from the first send to the
  moment the queue is empty (ApproximateNumberOfMessages and ...NotVisible both 0, looked at
  every 50 ms); ``send/s`` is N divided by the sending time alone.
* ``backlog``: the mapping is created disabled, the N messages are sent, then the mapping is
  enabled (UpdateEventSourceMapping). ``drain/s`` is the drain alone: N divided by the real
  seconds from the update to the empty queue (``msgs/s`` is still first send to empty).

The poller starts with 5 batches in flight and adds 300 per emulated minute while batches
come full (SQSM-12). At the default size a mode takes 20-35 emulated seconds, so 5 environments
do the work; a run past one emulated minute with a backlog starts ~300 more at once (on two
cores some of those cold starts fail, see docs/benchmarks.md); ``--max-concurrency`` sets
ScalingConfig.MaximumConcurrency to bound it.

The clock: with no batching window the poller needs no emulated time (due-now work runs while
the clock stands still; handler compute runs it at real speed). A batch that waits for its
window needs the clock to move, so whenever the queue's count did not change between two looks
after the last send, the bench advances the clock by 1 s (``POST /_redrive/clock/advance``,
counted in the JSON). Every loop is bounded in count and in ``--time-limit`` seconds.

Checked at the end: the queue is empty, and the function's ledger (``GET /_redrive/ledger``)
has, for this mapping, only successful invocations whose batches hold together exactly the N
message ids that SendMessageBatch returned, each once, and deleted them all.

Prints a table (messages/s; CPU ms per message from /proc: the server process, all its
threads; its descendants, i.e. the fork server and the workers; and the bench's own), then as
its last line one JSON object with one entry per mode and ``target_met`` (≥ 2,000 messages/s).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from _mapping_common import (
    FUNCTION,
    Background,
    BenchError,
    CpuMeter,
    JsonApi,
    Server,
    check_entries,
    create_function,
    mapping_entries,
    wait_for_state,
)

TARGET = 2_000.0  # messages per real second
PER_CALL = 10  # SendMessageBatch's limit
POLL_S = 0.05  # how often the bench looks at the queue's count


def depth(api: JsonApi, url: str) -> int:
    attributes = api.call("GetQueueAttributes", {
        "QueueUrl": url,
        "AttributeNames": ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    })["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def send_all(api: JsonApi, url: str, messages: int, sent: list[str], deadline: float,
             ended: list[float]) -> None:
    """SendMessageBatch, 10 at a time, until ``messages`` are sent or ``deadline`` passes; the
    MessageIds go to ``sent``, the real time it ended to ``ended``."""
    for first in range(0, messages, PER_CALL):
        if time.monotonic() > deadline:
            break
        entries = [{"Id": str(i), "MessageBody": json.dumps({"n": first + i})}
                   for i in range(min(PER_CALL, messages - first))]
        answer = api.call("SendMessageBatch", {"QueueUrl": url, "Entries": entries})
        if answer.get("Failed") or len(answer.get("Successful", ())) != len(entries):
            raise BenchError(f"SendMessageBatch failed entries: {answer.get('Failed')}")
        sent.extend(entry["MessageId"] for entry in answer["Successful"])
    ended.append(time.perf_counter())


def run(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    with Server(args.store) as server:
        sqs, lam = server.client("sqs"), server.client("lambda")
        url = sqs.create_queue(QueueName="feed")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        create_function(server)
        uuid = lam.create_event_source_mapping(
            EventSourceArn=arn["Attributes"]["QueueArn"], FunctionName=FUNCTION,
            BatchSize=args.batch_size, MaximumBatchingWindowInSeconds=args.window,
            Enabled=mode == "concurrent",
            **({"ScalingConfig": {"MaximumConcurrency": args.max_concurrency}}
               if args.max_concurrency else {}),
        )["UUID"]
        wait_for_state(server, uuid, "Enabled" if mode == "concurrent" else "Disabled")
        sender, watcher = JsonApi(server.endpoint_url, "sqs", "list_queues"), JsonApi(
            server.endpoint_url, "sqs", "list_queues"
        )
        sent: list[str] = []
        ended: list[float] = []
        meter = CpuMeter(server.pid)
        clock0 = server.proc.now()
        deadline = time.monotonic() + args.time_limit
        meter.start()
        start = time.perf_counter()
        thread = Background(lambda: send_all(sender, url, args.messages, sent, deadline, ended))
        thread.start()
        if mode == "backlog":
            thread.join(args.time_limit)
            thread.check()
            lam.update_event_source_mapping(UUID=uuid, Enabled=True)
            drain_start = time.perf_counter()
        advances, last, polls = 0, -1, 0
        while time.monotonic() < deadline and polls < args.time_limit / POLL_S:
            polls += 1
            thread.check()
            left = depth(watcher, url)
            sending_done = not thread.is_alive()
            if sending_done and left == 0:
                break
            if sending_done and left == last and args.window > 0:
                server.proc.advance(1.0)  # a batch waiting for its window
                advances += 1
            last = left
            time.sleep(POLL_S)
        end = time.perf_counter()
        cpu = meter.stop()
        thread.join(1.0)
        thread.check()
        if mode == "concurrent":
            drain_start = start
        sending = (ended[0] if ended else end) - start
        if len(sent) != args.messages or depth(watcher, url) != 0:
            raise BenchError(f"{mode}: sent {len(sent)} of {args.messages}, "
                             f"{depth(watcher, url)} left in the queue after {args.time_limit} s")
        clock1 = server.proc.now()
        entries = mapping_entries(server, uuid)
        checked = check_entries(entries)
        batched = [m for e in entries for m in e["messages"]]
        deleted = [m for e in entries for m in e["deleted"]]
        if len(batched) != len(sent) or set(batched) != set(sent) or sorted(deleted) != sorted(
            batched
        ):
            raise BenchError(f"{mode}: the batches held {len(batched)} messages "
                             f"({len(set(batched))} distinct), deleted {len(deleted)}, "
                             f"{len(sent)} sent")
        seconds = end - start
        n = args.messages
        return {
            "messages": n,
            "seconds": round(seconds, 3),
            "messages_per_s": round(n / seconds, 1),
            "drain_per_s": round(n / (end - drain_start), 1),
            "send_per_s": round(n / sending, 1),
            **checked,
            "mean_batch": round(n / checked["invocations"], 2),
            "cpu_ms_per_message": {k: round(1000 * v / n, 4) for k, v in cpu.items()},
            "clock_advances": advances,
            "emulated_s": round(clock1 - clock0, 3),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--window", type=int, default=0,
                        help="MaximumBatchingWindowInSeconds (≥ 1 when --batch-size > 10)")
    parser.add_argument("--max-concurrency", type=int, default=None,
                        help="ScalingConfig.MaximumConcurrency (2-1000; default: none)")
    parser.add_argument("--mode", choices=["both", "concurrent", "backlog"], default="both")
    parser.add_argument("--store", choices=["memory", "sqlite"], default="memory")
    parser.add_argument("--time-limit", type=float, default=600.0,
                        help="seconds per mode, sending and draining")
    args = parser.parse_args()
    modes = ["concurrent", "backlog"] if args.mode == "both" else [args.mode]
    results = {mode: run(mode, args) for mode in modes}
    print(f"{'mode':>10} {'messages':>9} {'seconds':>8} {'msgs/s':>8} {'drain/s':>8} "
          f"{'send/s':>8} {'invokes':>8} {'envs':>5}   CPU ms/msg: server / workers / client")
    for mode, r in results.items():
        cpu = r["cpu_ms_per_message"]
        print(f"{mode:>10} {r['messages']:>9} {r['seconds']:>8} {r['messages_per_s']:>8} "
              f"{r['drain_per_s']:>8} {r['send_per_s']:>8} {r['invocations']:>8} "
              f"{r['environments']:>5}   {cpu['server']:.3f} / {cpu['workers']:.3f} / "
              f"{cpu['client']:.3f}")
    print(json.dumps({
        "store": args.store, "batch_size": args.batch_size, "window": args.window, **results,
        "target_met": {mode: r["messages_per_s"] >= TARGET for mode, r in results.items()},
    }))


if __name__ == "__main__":
    main()
