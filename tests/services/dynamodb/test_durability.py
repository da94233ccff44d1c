"""Tables, items and stream records acknowledged with a 200 survive `kill -9` and a restart on
the same --data-dir; the stream's retention and sequence numbers go on from there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.serverproc import ServerProcess


def stream_records(streams: Any, arn: str, **start: Any) -> list[dict[str, Any]]:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    if not start:
        start = {"ShardIteratorType": "TRIM_HORIZON"}
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **start)["ShardIterator"]
    found: list[dict[str, Any]] = streams.get_records(ShardIterator=iterator)["Records"]
    return found


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        ddb: Any = first.client("dynamodb")
        streams: Any = first.client("dynamodbstreams")
        ddb.create_table(
            TableName="durable",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        ddb.get_waiter("table_exists").wait(TableName="durable", WaiterConfig={"Delay": 1})
        for sk in ("10", "2", "-1"):
            ddb.put_item(TableName="durable", Item={"pk": {"S": "p"}, "sk": {"N": sk}})
        ddb.update_item(
            TableName="durable",
            Key={"pk": {"S": "p"}, "sk": {"N": "2"}},
            UpdateExpression="ADD hits :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
        table = ddb.describe_table(TableName="durable")["Table"]
        arn = table["LatestStreamArn"]
        before = stream_records(streams, arn)
        assert [r["eventName"] for r in before] == ["INSERT", "INSERT", "INSERT", "MODIFY"]
        first.advance(20 * 3600)
    finally:
        first.kill()

    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        ddb = second.client("dynamodb")
        streams = second.client("dynamodbstreams")
        again = ddb.describe_table(TableName="durable")["Table"]
        assert again["TableStatus"] == "ACTIVE"
        assert (again["TableId"], again["LatestStreamArn"]) == (table["TableId"], arn)
        assert (again["ItemCount"], again["TableSizeBytes"]) == (3, table["TableSizeBytes"])
        found = ddb.query(
            TableName="durable",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
        )["Items"]
        assert [i["sk"]["N"] for i in found] == ["-1", "2", "10"]
        assert found[1]["hits"] == {"N": "1"}
        after = stream_records(streams, arn)
        assert after == before  # same records, sequence numbers, event ids and times
        # sequence numbers go on increasing after the restart
        ddb.delete_item(TableName="durable", Key={"pk": {"S": "p"}, "sk": {"N": "10"}})
        last = before[-1]["dynamodb"]["SequenceNumber"]
        tail = stream_records(
            streams, arn, ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=last
        )
        assert [r["eventName"] for r in tail] == ["REMOVE"]
        assert int(tail[0]["dynamodb"]["SequenceNumber"]) > int(last)
        # retention goes on too: 4 more hours and the first records are past 24 h
        second.advance(4 * 3600 + 1)
        assert [r["eventName"] for r in stream_records(streams, arn)] == ["REMOVE"]
    finally:
        assert second.terminate() == 0
