"""Event filtering (``FilterCriteria``) on Kinesis and DynamoDB Streams mappings.

The matching rules as plain unit tests, then the mappings through boto3 on the virtual clock:
what reaches the handler, what is dropped (and listed in the ledger), where the checkpoint goes,
what is refused. Rules: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
("Properly filtering Kinesis and DynamoDB messages"); the spec has no rule ids for filtering, so
tests name the stream rules they touch (STRM-1/2 records, STRM-3 lanes, STRM-5 the mapping,
STRM-9 the checkpoint, STRM-10 bisect, STRM-11 partial batch responses).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from redrive.errors import ServiceError
from redrive.services.lambda_.esm import filtering, stream_filtering
from redrive.services.lambda_.esm.stream_lanes import lane_of
from tests.serverproc import ServerProcess
from tests.services.lambda_.stream_helpers import batches, function, invoked, put, stream
from tests.services.lambda_.test_esm_dynamodb import table
from tests.support import error_of, status_of

INVALID = ("InvalidParameterValueException", "Invalid filter pattern definition.")


@pytest.fixture
def kinesis(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("kinesis")


@pytest.fixture
def ddb(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("dynamodb")


def criteria(*patterns: dict[str, Any]) -> dict[str, Any]:
    return {"Filters": [{"Pattern": json.dumps(p)} for p in patterns]}


def data_of(record: dict[str, Any]) -> str:
    return base64.b64decode(record["kinesis"]["data"]).decode()


def seen(cloud: Cloud, name: str) -> list[list[str]]:
    """The data of each batch the function received."""
    return [[data_of(r) for r in records] for records in invoked(cloud, name)]


# -- the matching rules -------------------------------------------------------------------------


def kinesis_entry(data: bytes, key: str = "a") -> dict[str, Any]:
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0", "partitionKey": key, "sequenceNumber": "49",
            "data": base64.b64encode(data).decode(), "approximateArrivalTimestamp": 1.5,
        },
        "eventSource": "aws:kinesis", "eventVersion": "1.0", "eventID": "shardId-0:49",
        "eventName": "aws:kinesis:record", "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:kinesis:us-east-1:000000000000:stream/s",
    }


DDB_ENTRY: dict[str, Any] = {
    "eventID": "1", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
    "awsRegion": "us-east-1",
    "dynamodb": {
        "ApproximateCreationDateTime": 1700000000, "Keys": {"pk": {"S": "a"}},
        "NewImage": {"pk": {"S": "a"}, "n": {"N": "7"}}, "SequenceNumber": "4", "SizeBytes": 9,
        "StreamViewType": "NEW_IMAGE",
    },
    "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/l",
}


@pytest.mark.parametrize(
    ("pattern", "data", "key", "expected"),
    [
        # the doc's table: valid JSON data / valid JSON pattern
        ({"data": {"order": {"type": ["buy"]}}}, b'{"order": {"type": "buy"}}', "a", True),
        ({"data": {"order": {"type": ["buy"]}}}, b'{"order": {"type": "sell"}}', "a", False),
        ({"data": {"n": [{"numeric": [">", 9]}]}}, b'{"n": 10}', "a", True),
        ({"data": {"n": [10.0]}}, b'{"n": 10}', "a", False),  # numbers compare by their text
        # non-JSON data / JSON pattern for data: dropped
        ({"data": {"k": [{"exists": False}]}}, b"plain text", "a", False),
        ({"data": {"k": [{"exists": False}]}}, b"\xff\xfe", "a", False),  # not UTF-8
        ({"data": {"k": [{"exists": False}]}}, b"42", "a", False),  # [inferred] objects only
        ({"data": {"k": [{"exists": False}]}}, b'{"j": 1}', "a", True),
        # no pattern for data: the metadata only, whatever the data
        ({"partitionKey": ["a"]}, b"plain text", "a", True),
        ({"partitionKey": ["a"]}, b"plain text", "b", False),
        ({"partitionKey": [{"prefix": "or"}], "data": {"k": [1]}}, b'{"k": 1}', "order-1", True),
        ({"eventSource": ["aws:kinesis"], "awsRegion": ["us-east-1"]}, b"x", "a", True),
        ({"approximateArrivalTimestamp": [{"numeric": [">", 1]}]}, b"x", "a", True),
        # an $or alternative naming data cannot match non-JSON data; the others still can
        ({"$or": [{"data": {"k": [1]}}, {"partitionKey": ["a"]}]}, b"plain", "a", True),
        ({"$or": [{"data": {"k": [1]}}, {"partitionKey": ["b"]}]}, b"plain", "a", False),
        ({"$or": [{"data": {"k": [1]}}, {"partitionKey": ["b"]}]}, b'{"k": 1}', "a", True),
        # [inferred] the kinesis fields are matched at the top level, not under "kinesis"
        ({"kinesis": {"partitionKey": ["a"]}}, b"x", "a", False),
    ],
)
def test_kinesis_records_are_matched_flat_with_their_data_decoded__STRM_1(
    pattern: dict[str, Any], data: bytes, key: str, expected: bool
) -> None:
    """Event filtering: the Kinesis record as the pattern sees it."""
    parsed = filtering.parse(json.dumps(pattern))
    assert stream_filtering.passes([parsed], "kinesis", kinesis_entry(data, key)) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"eventName": ["INSERT", "MODIFY"]}, True),
        ({"eventName": ["REMOVE"]}, False),
        ({"dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}, True),
        ({"dynamodb": {"NewImage": {"pk": ["a"]}}}, False),  # recorded: untyped does not match
        ({"dynamodb": {"NewImage": {"n": {"N": ["7"]}}}}, True),  # N values are strings
        ({"dynamodb": {"NewImage": {"n": {"N": [{"numeric": [">", 1]}]}}}}, False),
        ({"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0]}]}}, True),
        ({"dynamodb": {"OldImage": {"pk": {"S": [{"exists": True}]}}}}, False),
    ],
)
def test_dynamodb_records_are_matched_as_the_function_sees_them__STRM_2(
    pattern: dict[str, Any], expected: bool
) -> None:
    """Event filtering: the DynamoDB record with its typed attribute values."""
    parsed = filtering.parse(json.dumps(pattern))
    assert stream_filtering.passes([parsed], "dynamodb", DDB_ENTRY) is expected


def test_filters_are_ored_and_none_means_everything_passes__STRM_1() -> None:
    one = filtering.parse('{"data": {"k": ["a"]}}')
    two = filtering.parse('{"partitionKey": ["p"]}')
    assert stream_filtering.passes([one, two], "kinesis", kinesis_entry(b"plain", "p"))
    assert not stream_filtering.passes([one, two], "kinesis", kinesis_entry(b'{"k": "b"}'))
    assert stream_filtering.passes([], "kinesis", kinesis_entry(b"anything"))


@pytest.mark.parametrize(
    ("service", "pattern"),
    [
        ("kinesis", {"data": ["plain"]}),
        ("kinesis", {"data": [{"exists": True}]}),
        ("kinesis", {"$or": [{"data": ["plain"]}, {"partitionKey": ["a"]}]}),
        ("dynamodb", {"dynamodb": [{"exists": True}]}),
    ],
)
def test_a_data_pattern_must_be_json__STRM_5(service: str, pattern: dict[str, Any]) -> None:
    """Event filtering: "The filter pattern for data properties must be in a valid JSON format"."""
    with pytest.raises(ServiceError) as exc:
        stream_filtering.check(criteria(pattern), service)
    assert (exc.value.code, exc.value.message) == INVALID


# -- through a mapping --------------------------------------------------------------------------


def test_json_data_patterns_pass_and_drop_kinesis_records__STRM_1_STRM_5(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    """Event filtering: data is matched as JSON; what matches no filter is dropped unseen and
    listed in the ledger; FilterCriteria is echoed by create and get."""
    function(lam, "kf-json", "record")
    arn = stream(kinesis, "kf-json-s")
    seqs = put(
        kinesis, "kf-json-s",
        '{"kind": "order", "n": 1}', '{"kind": "order", "n": 500}', "plain order",
        '{"kind": "refund"}', '{"kind": "order", "n": 99}', '[{"kind": "order"}]',
    )
    wanted = criteria({"data": {"kind": ["order"], "n": [{"numeric": ["<", 100]}]}})
    created = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kf-json", StartingPosition="TRIM_HORIZON",
        FilterCriteria=wanted,
    )
    assert created["FilterCriteria"] == wanted
    assert lam.get_event_source_mapping(UUID=created["UUID"])["FilterCriteria"] == wanted
    cloud.advance(5)
    assert seen(cloud, "kf-json") == [['{"kind": "order", "n": 1}', '{"kind": "order", "n": 99}']]
    [batch] = batches(cloud, "kf-json")
    assert batch["outcome"] == "success" and batch["records"] == [seqs[0], seqs[4]]
    assert batch["filtered"] == [seqs[1], seqs[2], seqs[3], seqs[5]]
    assert batch["checkpoint"] == seqs[5]  # past the dropped records after the batch too
    lam.delete_event_source_mapping(UUID=created["UUID"])


def test_metadata_patterns_take_any_data_and_data_patterns_drop_non_json__STRM_1(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    """Event filtering: a pattern without ``data`` looks at the metadata only (plain data is
    fine); one with ``data`` drops records whose data is not JSON."""
    function(lam, "kf-meta", "record")
    arn = stream(kinesis, "kf-meta-s")
    put(kinesis, "kf-meta-s", "plain a", '{"x": 1}', key="a")
    dropped = put(kinesis, "kf-meta-s", "plain b", key="b")
    dropped += put(kinesis, "kf-meta-s", "plain c", key="c")
    put(kinesis, "kf-meta-s", '{"x": 2}', key="c")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kf-meta", StartingPosition="TRIM_HORIZON",
        FilterCriteria=criteria(
            {"partitionKey": ["a"]},
            {"eventSource": ["aws:kinesis"], "partitionKey": [{"prefix": "c"}],
             "data": {"x": [2]}},
        ),
    )
    cloud.advance(5)
    assert seen(cloud, "kf-meta") == [["plain a", '{"x": 1}', '{"x": 2}']]
    assert batches(cloud, "kf-meta")[0]["filtered"] == dropped


def test_dynamodb_patterns_on_event_name_and_new_image__STRM_2(
    cloud: Cloud, lam: Any, ddb: Any
) -> None:
    """Event filtering: DynamoDB records matched as the function sees them, typed values."""
    function(lam, "df-ddb", "record")
    arn = table(ddb, "df-ddb-t")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="df-ddb", StartingPosition="TRIM_HORIZON",
        FilterCriteria=criteria(
            {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["order"]}}}},
            {"eventName": ["REMOVE"]},
        ),
    )
    ddb.put_item(TableName="df-ddb-t", Item={"pk": {"S": "a"}, "kind": {"S": "order"}})
    ddb.put_item(TableName="df-ddb-t", Item={"pk": {"S": "b"}, "kind": {"S": "refund"}})
    ddb.put_item(TableName="df-ddb-t", Item={"pk": {"S": "a"}, "kind": {"S": "order"},
                                             "v": {"N": "2"}})
    ddb.delete_item(TableName="df-ddb-t", Key={"pk": {"S": "b"}})
    cloud.advance(5)
    records = [r for batch in invoked(cloud, "df-ddb") for r in batch]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "a"), ("REMOVE", "b")
    ]
    entries = batches(cloud, "df-ddb")  # the poller may see the writes one by one
    assert len([seq for e in entries for seq in e["filtered"]]) == 2  # INSERT b, MODIFY a
    assert [seq for e in entries for seq in e["records"]] == [
        r["dynamodb"]["SequenceNumber"] for r in records
    ]


def test_a_read_of_only_dropped_records_invokes_nothing_and_moves_the_checkpoint__STRM_9(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    """Event filtering: no invocation, a ``filtered`` ledger entry, and a checkpoint past the
    dropped records, so a restarted poller never reads them again."""
    function(lam, "kf-none", "record")
    arn = stream(kinesis, "kf-none-s")
    dropped = put(kinesis, "kf-none-s", '{"keep": false}', "plain", '{"other": 1}')
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kf-none", StartingPosition="TRIM_HORIZON",
        FilterCriteria=criteria({"data": {"keep": [True]}}),
    )["UUID"]
    cloud.advance(5)
    assert invoked(cloud, "kf-none") == []
    [entry] = batches(cloud, "kf-none")
    assert (entry["outcome"], entry["mapping"], entry["attempt"]) == ("filtered", uuid, 0)
    assert entry["filtered"] == dropped and entry["records"] == []
    assert entry["checkpoint"] == dropped[-1]
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == (
        "No records processed"
    )

    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    cloud.advance(1)
    kept = put(kinesis, "kf-none-s", '{"keep": true}')
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)  # a new poller: the checkpoint
    cloud.advance(5)
    assert seen(cloud, "kf-none") == [['{"keep": true}']]
    done = batches(cloud, "kf-none")
    assert len(done) == 2  # the dropped records were not read again
    assert done[1]["records"] == kept and done[1]["filtered"] == []
    assert done[1]["checkpoint"] == kept[0]


def test_update_replaces_and_removes_the_filters__STRM_5(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    """Event filtering: update with new FilterCriteria, without (kept), with ``{}`` (removed);
    records dropped before are never delivered later."""
    function(lam, "kf-update", "record")
    arn = stream(kinesis, "kf-update-s")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kf-update", StartingPosition="LATEST",
        FilterCriteria=criteria({"data": {"k": ["a"]}}),
    )["UUID"]
    cloud.advance(1)
    put(kinesis, "kf-update-s", '{"k": "a"}', '{"k": "b"}')
    cloud.advance(2)
    assert seen(cloud, "kf-update") == [['{"k": "a"}']]

    replaced = criteria({"data": {"k": ["b"]}})
    updated = lam.update_event_source_mapping(UUID=uuid, FilterCriteria=replaced)
    assert updated["FilterCriteria"] == replaced
    cloud.advance(1)
    lam.update_event_source_mapping(UUID=uuid, BatchSize=5)  # without FilterCriteria: kept
    assert lam.get_event_source_mapping(UUID=uuid)["FilterCriteria"] == replaced
    cloud.advance(1)
    put(kinesis, "kf-update-s", '{"k": "a"}', '{"k": "b"}')
    cloud.advance(2)
    assert seen(cloud, "kf-update")[1:] == [['{"k": "b"}']]

    cleared = lam.update_event_source_mapping(UUID=uuid, FilterCriteria={})
    assert "FilterCriteria" not in cleared
    cloud.advance(1)
    assert "FilterCriteria" not in lam.get_event_source_mapping(UUID=uuid)
    put(kinesis, "kf-update-s", "anything at all")
    cloud.advance(2)
    assert seen(cloud, "kf-update") == [
        ['{"k": "a"}'], ['{"k": "b"}'], ["anything at all"]
    ]
    assert "filtered" not in batches(cloud, "kf-update")[-1]
    lam.delete_event_source_mapping(UUID=uuid)


def test_invalid_patterns_are_refused_and_nothing_is_stored__STRM_5(
    cloud: Cloud, lam: Any, kinesis: Any, ddb: Any
) -> None:
    """Event filtering: "Invalid filter pattern definition." on create and update."""
    function(lam, "kf-bad", "record")
    arn = stream(kinesis, "kf-bad-s")
    ddb_arn = table(ddb, "kf-bad-t")
    bad: list[tuple[str, dict[str, Any]]] = [
        (arn, {"Filters": [{"Pattern": "null"}]}),
        (arn, {"Filters": [{"Pattern": "simple string"}]}),
        (arn, {"Filters": [{}]}),
        (arn, criteria({"partitionKey": "a"})),
        (arn, criteria({"partitionKey": []})),
        (arn, criteria({"data": ["plain"]})),  # the doc: a data pattern must be JSON
        (arn, criteria({"data": {"n": [{"numeric": [">"]}]}})),
        (ddb_arn, criteria({"dynamodb": ["x"]})),
        (ddb_arn, {"Filters": [{"Pattern": '[{"eventName": ["INSERT"=123}]'}]}),
    ]
    for source, given in bad:
        with pytest.raises(ClientError) as exc:
            lam.create_event_source_mapping(
                EventSourceArn=source, FunctionName="kf-bad", StartingPosition="LATEST",
                FilterCriteria=given,
            )
        assert error_of(exc) == INVALID, given
        assert status_of(exc) == 400
    too_many = criteria(*({"data": {"n": [n]}} for n in range(6)))
    with pytest.raises(ClientError) as exc:
        lam.create_event_source_mapping(
            EventSourceArn=arn, FunctionName="kf-bad", StartingPosition="LATEST",
            FilterCriteria=too_many,
        )
    assert error_of(exc)[0] == "InvalidParameterValueException" and status_of(exc) == 400
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []

    five = criteria(*({"data": {"n": [n]}} for n in range(5)))
    uuid = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kf-bad", StartingPosition="LATEST", FilterCriteria=five,
    )["UUID"]
    cloud.advance(1)
    with pytest.raises(ClientError) as exc:
        lam.update_event_source_mapping(UUID=uuid, FilterCriteria=criteria({"data": ["x"]}))
    assert error_of(exc) == INVALID
    assert lam.get_event_source_mapping(UUID=uuid)["FilterCriteria"] == five  # unchanged


def test_batch_size_counts_records_that_pass_and_bisect_never_sees_the_others__STRM_10(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    """Event filtering happens before batching: dropped records (which would poison the batch)
    are in no batch and no half of one."""
    function(lam, "kf-bisect", "poison")
    arn = stream(kinesis, "kf-bisect-s")
    keep: list[str] = []
    for data in ("r1", "r2", "poison", "r3"):
        keep += put(kinesis, "kf-bisect-s", data, key="k")
        put(kinesis, "kf-bisect-s", f"poison-{data}", key="d")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kf-bisect", StartingPosition="TRIM_HORIZON",
        BatchSize=4, BisectBatchOnFunctionError=True, MaximumRetryAttempts=1,
        FilterCriteria=criteria({"partitionKey": ["k"]}),
    )
    cloud.advance(30)
    got = seen(cloud, "kf-bisect")
    assert got[0] == ["r1", "r2", "poison", "r3"]  # four records that pass, one batch
    assert all(not data.startswith("poison-") for batch in got for data in batch)
    done = [b for b in batches(cloud, "kf-bisect") if b["outcome"] == "success"]
    assert [seq for b in done for seq in b["records"]] == [keep[0], keep[1], keep[3]]
    first = batches(cloud, "kf-bisect")[0]
    assert first["bisected"] == [keep[:2], keep[2:]]
    assert len(first["filtered"]) == 3  # those read before the last record of the batch


def test_partial_batch_responses_checkpoint_with_dropped_records_between__STRM_11(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    """Event filtering with ReportBatchItemFailures: the retried batch starts at the failed
    record; dropped records are never retried nor delivered."""
    function(lam, "kf-partial", "partial")
    arn = stream(kinesis, "kf-partial-s")
    seqs: dict[str, str] = {}
    for data, key in [("r1", "k"), ("x1", "d"), ("r2", "k"), ("x2", "d"), ("fail3", "k"),
                      ("x3", "d"), ("r4", "k")]:
        (seqs[data],) = put(kinesis, "kf-partial-s", data, key=key)
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kf-partial", StartingPosition="TRIM_HORIZON",
        BatchSize=3, MaximumRetryAttempts=1, FunctionResponseTypes=["ReportBatchItemFailures"],
        FilterCriteria=criteria({"partitionKey": ["k"]}),
    )
    cloud.advance(30)
    assert seen(cloud, "kf-partial") == [["r1", "r2", "fail3"], ["fail3"], ["r4"]]
    done = batches(cloud, "kf-partial")
    assert done[0]["processed"] == [seqs["r1"], seqs["r2"]]
    assert done[0]["checkpoint"] == seqs["x2"]  # just before the failed record
    assert done[0]["filtered"] == [seqs["x1"], seqs["x2"]]
    assert done[1]["discarded"] == [seqs["fail3"]] and done[1]["filtered"] == []
    assert done[2]["filtered"] == [seqs["x3"]] and done[2]["checkpoint"] == seqs["r4"]


def test_lanes_filter_their_own_records_and_the_checkpoint_reaches_the_end__STRM_3(
    cloud: Cloud, lam: Any, kinesis: Any
) -> None:
    """Event filtering with ParallelizationFactor: a lane whose records all match no filter
    never invokes, and does not hold the shard's checkpoint back."""
    keys = [f"key-{n}" for n in range(9)]
    lanes = {key: lane_of({"kinesis": {"partitionKey": key}}, 3) for key in keys}
    assert set(lanes.values()) == {0, 1, 2}
    kept_keys = [key for key in keys if lanes[key] != 2]
    function(lam, "kf-lanes", "record")
    arn = stream(kinesis, "kf-lanes-s")
    sent: dict[str, str] = {}
    for n in range(3):
        for key in keys:
            (seq,) = put(kinesis, "kf-lanes-s", f"{key}-{n}", key=key)
            sent[seq] = key
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="kf-lanes", StartingPosition="TRIM_HORIZON",
        BatchSize=2, ParallelizationFactor=3,
        FilterCriteria=criteria({"partitionKey": kept_keys}),
    )
    cloud.advance(20)
    delivered = [data for batch in seen(cloud, "kf-lanes") for data in batch]
    assert sorted(delivered) == sorted(f"{k}-{n}" for k in kept_keys for n in range(3))
    for key in kept_keys:
        assert [d for d in delivered if d.rsplit("-", 1)[0] == key] == [f"{key}-{n}" for n in
                                                                        range(3)]
    entries = batches(cloud, "kf-lanes")
    filtered = [seq for e in entries for seq in e.get("filtered", [])]
    assert sorted(filtered) == sorted(seq for seq, key in sent.items() if lanes[key] == 2)
    assert {e["lane"] for e in entries if e["outcome"] == "filtered"} == {2}
    marks = [int(e["checkpoint"]) for e in entries if e.get("checkpoint")]
    assert max(marks) == max(int(seq) for seq in sent)


def test_dropped_records_are_not_read_again_after_kill_9__STRM_9(tmp_path: Path) -> None:
    """Event filtering: the checkpoint a read of only dropped records moved is stored."""
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        lam, kinesis = first.client("lambda"), first.client("kinesis")
        function(lam, "kf-durable", "record")
        arn = stream(kinesis, "kf-durable-s")
        put(kinesis, "kf-durable-s", '{"keep": true}')
        lam.create_event_source_mapping(
            EventSourceArn=arn, FunctionName="kf-durable", StartingPosition="TRIM_HORIZON",
            FilterCriteria=criteria({"data": {"keep": [True]}}),
        )
        first.advance(5)
        dropped = put(kinesis, "kf-durable-s", "plain", '{"keep": false}')
        first.advance(5)
    finally:
        first.kill()
    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        kinesis = second.client("kinesis")
        put(kinesis, "kf-durable-s", '{"keep": true, "n": 2}')
        second.advance(5)
        status, body = second.control("GET", "/_redrive/ledger?function=kf-durable")
        assert status == 200
        done = [e for e in body["attempts"] if e.get("source") == "event-source-mapping"]
        outcomes = [e["outcome"] for e in done]  # the poller may see the puts one by one
        assert outcomes[0] == outcomes[-1] == "success"
        assert set(outcomes[1:-1]) == {"filtered"}
        assert [seq for e in done[1:-1] for seq in e["filtered"]] == dropped
        assert done[-2]["checkpoint"] == dropped[-1]
        assert done[-1]["filtered"] == []  # resumed after the checkpoint: nothing read again
        assert second.terminate() == 0
    finally:
        if second.proc.poll() is None:
            second.kill()
