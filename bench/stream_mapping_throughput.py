"""Kinesis records per real second: PutRecords → stream event source mapping → handler.

    python bench/stream_mapping_throughput.py [--records 100000] [--shards 1,4]
                                              [--batch-size 100] [--window 0]
                                              [--mode both|concurrent|backlog] [--store sqlite]

A `redrive serve` process on the virtual clock (in memory unless ``--store sqlite``), on
127.0.0.1: one provisioned Kinesis stream of K shards (``--shards``, a list: one run per
count), one Python function whose handler returns None, and a Kinesis event source mapping
from the stream to the function (StartingPosition TRIM_HORIZON, ``--batch-size`` AWS's default
100, ``--window`` MaximumBatchingWindowInSeconds, ``--parallelization``
ParallelizationFactor). The bench puts N records with PutRecords, 500 per call (the API's
limit), partition key ``str(i)`` so that they spread over the shards, over one keep-alive
connection that replays the headers boto3 sent for a first Kinesis call (see
``_mapping_common.JsonApi``; every answer is checked: FailedRecordCount 0, a sequence number for
every record). Two modes, each on a fresh server:

* ``concurrent``: the mapping is enabled before the first put; a sender thread puts while the
  mapping reads. The figure is N divided by the real seconds from the first put to the moment
  the function had been invoked with the last record;
* ``backlog``: the mapping is created disabled, the N records are put, then the mapping is
  enabled (UpdateEventSourceMapping): ``drain/s`` is N over the real seconds from the update
  to the last record's invocation.

"The last record's invocation" is found without reading the ledger during the run (it grows to
megabytes): every 100 ms the bench reads the function's ``Invocations`` sum from CloudWatch
(GetMetricStatistics, AWS/Lambda, FunctionName; a look costs the server a few ms, as it sums
every sample so far: looking every 50 ms took ~6 % of the server's CPU). The first time the sum
has not changed since the previous look, after the last put, the ledger (``GET
/_redrive/ledger``) is read once. If its successful batches hold all N records, the run ends at
the look where the sum reached its last value (so the figure is at most 100 ms pessimistic);
if not, the bench advances the virtual clock by 1 s (a batch waiting for its batching window
needs emulated time) and looks on. With no window the poller needs no emulated time. Every
loop is bounded in count and in ``--time-limit`` seconds.

Checked at the end, from the ledger: only successful invocations, whose batches hold together
exactly the N (shard, sequence number) pairs PutRecords returned, each once, in sequence order
within each shard (each lane of it, with a ParallelizationFactor); each shard's last
checkpoint is its last record's sequence number.

Prints a table (records/s; CPU ms per record from /proc: the server process, all its threads;
its descendants, i.e. the fork server and the workers; and the bench's own), then as its last
line one JSON object with one entry per shard count and mode.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
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

PER_CALL = 500  # PutRecords' limit
WATCH_S = 0.1  # how often the bench reads the Invocations sum
STREAM = "feed"


def put_all(api: JsonApi, records: int, put: list[tuple[str, str]], deadline: float,
            ended: list[float]) -> None:
    """PutRecords, 500 at a time, until ``records`` are put or ``deadline`` passes; (shard,
    sequence number) pairs go to ``put``, the real time it ended to ``ended``."""
    for first in range(0, records, PER_CALL):
        if time.monotonic() > deadline:
            break
        batch = [{"PartitionKey": str(i),
                  "Data": base64.b64encode(json.dumps({"n": i}).encode()).decode()}
                 for i in range(first, min(first + PER_CALL, records))]
        answer = api.call("PutRecords", {"StreamName": STREAM, "Records": batch})
        got = answer.get("Records", [])
        if answer.get("FailedRecordCount") or len(got) != len(batch) or not all(
            r.get("SequenceNumber") for r in got
        ):
            raise BenchError(f"PutRecords failed: {answer.get('FailedRecordCount')} of "
                             f"{len(batch)}, answer {str(answer)[:300]}")
        put.extend((r["ShardId"], r["SequenceNumber"]) for r in got)
    ended.append(time.perf_counter())


class Invocations:
    """The function's Invocations sum from CloudWatch (emulated timestamps: a wide window)."""

    def __init__(self, server: Server) -> None:
        self.cw = server.client("cloudwatch")
        now = server.proc.now()
        self.start = dt.datetime.fromtimestamp(now - 3600, dt.timezone.utc)
        self.end = dt.datetime.fromtimestamp(now + 30 * 86400, dt.timezone.utc)

    def __call__(self) -> int:
        points = self.cw.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName="Invocations",
            Dimensions=[{"Name": "FunctionName", "Value": FUNCTION}],
            StartTime=self.start, EndTime=self.end, Period=86400, Statistics=["Sum"],
        )["Datapoints"]
        return round(sum(float(p["Sum"]) for p in points))


def processed(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["shard"], seq) for e in entries for seq in e["processed"]]


def run(mode: str, shards: int, args: argparse.Namespace) -> dict[str, Any]:
    with Server(args.store) as server:
        kinesis, lam = server.client("kinesis"), server.client("lambda")
        kinesis.create_stream(StreamName=STREAM, ShardCount=shards)
        deadline = time.monotonic() + 10
        while (summary := kinesis.describe_stream_summary(StreamName=STREAM)[
            "StreamDescriptionSummary"
        ])["StreamStatus"] != "ACTIVE":
            if time.monotonic() > deadline:
                raise BenchError("the stream did not become ACTIVE in 10 s")
            time.sleep(0.02)
        create_function(server)
        uuid = lam.create_event_source_mapping(
            EventSourceArn=summary["StreamARN"], FunctionName=FUNCTION,
            StartingPosition="TRIM_HORIZON", BatchSize=args.batch_size,
            MaximumBatchingWindowInSeconds=args.window,
            ParallelizationFactor=args.parallelization, Enabled=mode == "concurrent",
        )["UUID"]
        wait_for_state(server, uuid, "Enabled" if mode == "concurrent" else "Disabled")
        invocations = Invocations(server)
        base = invocations()  # the warm-up invoke
        sender = JsonApi(server.endpoint_url, "kinesis", "list_streams")
        put: list[tuple[str, str]] = []
        ended: list[float] = []
        meter = CpuMeter(server.pid)
        clock0 = server.proc.now()
        deadline = time.monotonic() + args.time_limit
        meter.start()
        start = time.perf_counter()
        thread = Background(lambda: put_all(sender, args.records, put, deadline, ended))
        thread.start()
        drain_start = start
        if mode == "backlog":
            thread.join(args.time_limit)
            thread.check()
            lam.update_event_source_mapping(UUID=uuid, Enabled=True)
            drain_start = time.perf_counter()
        advances, polls, last, changed_at = 0, 0, -1, time.perf_counter()
        entries: list[dict[str, Any]] = []
        while time.monotonic() < deadline and polls < args.time_limit / WATCH_S:
            polls += 1
            thread.check()
            count = invocations()
            if count != last:
                last, changed_at = count, time.perf_counter()
            elif not thread.is_alive() and count > base:
                entries = mapping_entries(server, uuid)  # not timed: the end is changed_at
                if len(processed(entries)) >= args.records:
                    break
                server.proc.advance(1.0)  # a batch waiting for its window
                advances += 1
            time.sleep(WATCH_S)
        end = changed_at
        cpu = meter.stop()
        thread.join(1.0)
        thread.check()
        if len(put) != args.records:
            raise BenchError(f"{mode}: put {len(put)} of {args.records} records")
        clock1 = server.proc.now()
        entries = mapping_entries(server, uuid)
        result = check(entries, put, args.records, mode)
        n = args.records
        return {
            "mode": mode,
            "shards": shards,
            "records": n,
            "seconds": round(end - start, 3),
            "records_per_s": round(n / (end - start), 1),
            "drain_per_s": round(n / (end - drain_start), 1),
            "put_per_s": round(n / ((ended[0] if ended else end) - start), 1),
            **result,
            "mean_batch": round(n / result["invocations"], 2),
            "cpu_ms_per_record": {k: round(1000 * v / n, 4) for k, v in cpu.items()},
            "clock_advances": advances,
            "emulated_s": round(clock1 - clock0, 3),
        }


def check(entries: list[dict[str, Any]], put: list[tuple[str, str]], n: int, mode: str
          ) -> dict[str, int]:
    """All N records processed once, in order within each lane of a shard; each shard's
    checkpoint at its last record."""
    result = check_entries(entries)
    done = processed(entries)
    if len(done) != n or set(done) != set(put):
        raise BenchError(f"{mode}: the batches processed {len(done)} records "
                         f"({len(set(done))} distinct) of the {n} put")
    last: dict[tuple[str, int], int] = {}  # per lane of a shard (ParallelizationFactor)
    checkpoint: dict[str, int] = {}
    for entry in sorted(entries, key=lambda e: (e["started_at"], e.get("seq", 0))):
        lane = (entry["shard"], entry.get("lane", 0))
        for seq in entry["processed"]:
            if int(seq) <= last.get(lane, -1):
                raise BenchError(f"{mode}: shard {lane[0]} lane {lane[1]} out of order at {seq}")
            last[lane] = int(seq)
        if entry.get("checkpoint"):
            checkpoint[entry["shard"]] = max(checkpoint.get(entry["shard"], -1),
                                            int(entry["checkpoint"]))
    ends: dict[str, int] = {}
    for (shard, _), seq in last.items():
        ends[shard] = max(ends.get(shard, -1), seq)
    if checkpoint != ends:
        raise BenchError(f"{mode}: checkpoints {checkpoint} are not the last records {ends}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--shards", default="1,4", help="shard counts, one run each")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--window", type=int, default=0,
                        help="MaximumBatchingWindowInSeconds")
    parser.add_argument("--parallelization", type=int, default=1,
                        help="ParallelizationFactor (lanes per shard)")
    parser.add_argument("--mode", choices=["both", "concurrent", "backlog"], default="both")
    parser.add_argument("--store", choices=["memory", "sqlite"], default="memory")
    parser.add_argument("--time-limit", type=float, default=600.0,
                        help="seconds per run, putting and draining")
    args = parser.parse_args()
    modes = ["concurrent", "backlog"] if args.mode == "both" else [args.mode]
    results = [run(mode, int(k), args) for k in args.shards.split(",") for mode in modes]
    print(f"{'shards':>6} {'mode':>10} {'records':>8} {'seconds':>8} {'recs/s':>8} "
          f"{'drain/s':>8} {'put/s':>8} {'invokes':>8}   CPU ms/record: server / workers / client")
    for r in results:
        cpu = r["cpu_ms_per_record"]
        print(f"{r['shards']:>6} {r['mode']:>10} {r['records']:>8} {r['seconds']:>8} "
              f"{r['records_per_s']:>8} {r['drain_per_s']:>8} {r['put_per_s']:>8} "
              f"{r['invocations']:>8}   {cpu['server']:.3f} / {cpu['workers']:.3f} / "
              f"{cpu['client']:.3f}")
    print(json.dumps({
        "store": args.store, "batch_size": args.batch_size, "window": args.window,
        "parallelization": args.parallelization,
        "runs": results,
    }))


if __name__ == "__main__":
    main()
