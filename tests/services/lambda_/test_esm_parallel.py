"""ParallelizationFactor of Kinesis and DynamoDB stream mappings: lanes per shard, each key in
order in its lane, a failing key blocking only its lane, and a checkpoint that never skips a
record of a lane that is behind (STRM-3), through boto3 on the virtual clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redrive import Cloud
from redrive.services.lambda_.esm.stream_lanes import lane_of
from tests.serverproc import ServerProcess
from tests.services.lambda_.stream_helpers import batches, function, invoked, put, stream

KEYS = [f"key-{n}" for n in range(9)]


@pytest.fixture
def kinesis(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("kinesis")


def lane(key: str, lanes: int = 3) -> int:
    return lane_of({"kinesis": {"partitionKey": key}}, lanes)


def keys_in(lane_no: int, but: str | None = None) -> list[str]:
    return [key for key in KEYS if lane(key) == lane_no and key != but]


def put_round_robin(kinesis: Any, name: str, keys: list[str], rounds: int) -> dict[str, str]:
    """Records interleaved across keys; sequence number -> key."""
    sent: dict[str, str] = {}
    for n in range(rounds):
        for key in keys:
            (seq,) = put(kinesis, name, f"{key}-{n}", key=key)
            sent[seq] = key
    return sent


def test_lanes_keep_each_key_in_order_with_batches_in_flight_at_once__STRM_3(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    assert {lane(key) for key in KEYS} == {0, 1, 2}
    function(lam, "par-order", "slow_poison")
    arn = stream(kinesis, "par-order-s")
    sent = put_round_robin(kinesis, "par-order-s", KEYS, 4)
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="par-order", StartingPosition="TRIM_HORIZON",
        BatchSize=3, ParallelizationFactor=3,
    )["UUID"]
    assert lam.get_event_source_mapping(UUID=uuid)["ParallelizationFactor"] == 3
    cloud.advance(60)
    done = sorted(
        (b for b in batches(cloud, "par-order") if b["outcome"] == "success"),
        key=lambda b: b["started_at"],
    )
    processed = [seq for b in done for seq in b["records"]]
    assert sorted(processed) == sorted(sent)  # each record once
    for key in KEYS:  # each key in order (sequence numbers of one shard grow)
        mine = [seq for seq in processed if sent[seq] == key]
        assert mine == sorted(mine, key=int)
    for b in done:  # a batch holds the records of one lane only
        assert {lane(sent[seq]) for seq in b["records"]} == {b["lane"]}
    overlapping = [
        (a, b) for a in done for b in done
        if a["lane"] != b["lane"] and a["started_at"] < b["started_at"] < a["ended_at"]
    ]
    assert overlapping and all(a["shard"] == b["shard"] for a, b in overlapping)
    span = max(b["ended_at"] for b in done) - done[0]["started_at"]
    assert span < len(done) * 2 * 0.75  # 2 s each: one at a time takes len(done) * 2 s
    assert done[-1]["checkpoint"] == max(sent, key=int)


def test_a_failing_key_blocks_only_its_lane__STRM_3(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "par-block", "poison")
    arn = stream(kinesis, "par-block-s")
    bad = KEYS[0]
    (first,) = put(kinesis, "par-block-s", "first", key=keys_in((lane(bad) + 1) % 3)[0])
    (poison,) = put(kinesis, "par-block-s", "poison", key=bad)
    blocked = put_round_robin(kinesis, "par-block-s", keys_in(lane(bad)), 2)
    others = put_round_robin(
        kinesis, "par-block-s", [k for k in KEYS if lane(k) != lane(bad)], 2
    )
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="par-block", StartingPosition="TRIM_HORIZON",
        BatchSize=2, ParallelizationFactor=3,
    )
    cloud.advance(30)
    ledger = batches(cloud, "par-block")
    succeeded = {seq for b in ledger if b["outcome"] == "success" for seq in b["records"]}
    assert succeeded == {first, *others}
    failed = [b for b in ledger if b["outcome"] == "function_error"]
    stuck = failed[0]["records"]  # the poison record and the next one of its lane
    assert stuck[0] == poison and len(failed) > 3 and all(b["records"] == stuck for b in failed)
    later = set(blocked) - set(stuck)  # the lane reads nothing past its failing batch
    assert later and not later & {seq for b in ledger for seq in b["records"]}
    # the shard's checkpoint stays before the poison record: nothing after it is skipped
    assert {b["checkpoint"] for b in ledger} - {None} == {first}


def test_a_restart_resumes_before_the_lane_that_is_behind__STRM_3_STRM_9(
    tmp_path: Path,
) -> None:
    bad = KEYS[0]
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        lam, kinesis = first.client("lambda"), first.client("kinesis")
        function(lam, "par-durable", "poison")
        arn = stream(kinesis, "par-durable-s")
        before = put_round_robin(kinesis, "par-durable-s", KEYS, 1)
        (poison,) = put(kinesis, "par-durable-s", "poison", key=bad)
        after = put_round_robin(kinesis, "par-durable-s", KEYS, 2)
        lam.create_event_source_mapping(
            EventSourceArn=arn, FunctionName="par-durable", StartingPosition="TRIM_HORIZON",
            BatchSize=2, ParallelizationFactor=3, MaximumRetryAttempts=2,
        )
        first.advance(2)  # the poison lane is retrying: attempts at 0 and 1 s
    finally:
        first.kill()
    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        second.advance(30)
        status, body = second.control("GET", "/_redrive/ledger?function=par-durable")
        assert status == 200
        done = [e for e in body["attempts"] if e.get("source") == "event-source-mapping"]
        ok = [seq for e in done if e["outcome"] == "success" for seq in e["records"]]
        (dropped,) = [e["discarded"] for e in done if e.get("discarded")]
        assert poison in dropped  # with the lane's records in its batch
        assert set(ok) | set(dropped) == {*before, poison, *after}  # nothing lost
        again = [seq for seq in after if lane(after[seq]) != lane(bad) and ok.count(seq) == 2]
        assert again  # records of other lanes past the poison were processed again
        assert second.terminate() == 0
    finally:
        if second.proc.poll() is None:
            second.kill()


def test_dynamodb_items_keep_their_order_per_item_key__STRM_3(cloud: Cloud, lam: Any) -> None:
    ddb = cloud.client("dynamodb")
    function(lam, "par-ddb", "slow_poison")
    arn = ddb.create_table(
        TableName="par-ddb-t", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="par-ddb", StartingPosition="TRIM_HORIZON",
        BatchSize=2, ParallelizationFactor=4,
    )
    for n in range(4):
        for key in KEYS:
            ddb.put_item(TableName="par-ddb-t", Item={"pk": {"S": key}, "n": {"N": str(n)}})
    cloud.advance(60)
    seen = [r["dynamodb"]["NewImage"] for records in invoked(cloud, "par-ddb") for r in records]
    assert len(seen) == 4 * len(KEYS)
    for key in KEYS:
        assert [int(i["n"]["N"]) for i in seen if i["pk"]["S"] == key] == [0, 1, 2, 3]
    assert len({b["lane"] for b in batches(cloud, "par-ddb")}) > 1


def test_a_new_factor_restarts_the_lanes_after_the_checkpoint__STRM_3(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    function(lam, "par-update", "record")
    arn = stream(kinesis, "par-update-s")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="par-update", StartingPosition="TRIM_HORIZON",
    )["UUID"]
    first = put_round_robin(kinesis, "par-update-s", KEYS, 1)
    cloud.advance(5)
    assert lam.update_event_source_mapping(UUID=uuid, ParallelizationFactor=3)[
        "ParallelizationFactor"
    ] == 3
    cloud.advance(2)
    second = put_round_robin(kinesis, "par-update-s", KEYS, 1)
    cloud.advance(5)
    done = batches(cloud, "par-update")
    assert [seq for b in done for seq in b["records"]][: len(first)] == list(first)
    assert sorted(seq for b in done for seq in b["records"]) == sorted({**first, **second})
    assert {b["lane"] for b in done[1:]} == {0, 1, 2}
