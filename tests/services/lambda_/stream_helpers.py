"""Helpers of the stream mapping tests (Kinesis, DynamoDB Streams): handlers, sources, what the
functions saw and what reached an OnFailure queue."""

from __future__ import annotations

import json
from typing import Any

from redrive import Cloud
from tests.services.lambda_.conftest import ROLE, make_zip

HANDLERS = '''
import base64
import json
import time

def _data(r):
    if "kinesis" in r:
        return base64.b64decode(r["kinesis"]["data"]).decode()
    return json.dumps(r["dynamodb"].get("NewImage", {}))

def record(event, context):
    print("EVENT " + json.dumps(event))

def fail(event, context):
    print("EVENT " + json.dumps(event))
    raise Exception("batch failed")

def poison(event, context):
    print("EVENT " + json.dumps(event))
    if any("poison" in _data(r) for r in event["Records"]):
        raise Exception("poison")

def young_fails(event, context):
    print("EVENT " + json.dumps(event))
    if time.time() - event["Records"][0]["kinesis"]["approximateArrivalTimestamp"] < 5:
        raise Exception("too young")

def slow_poison(event, context):
    print("EVENT " + json.dumps(event))
    time.sleep(2)
    if any("poison" in _data(r) for r in event["Records"]):
        raise Exception("poison")

def partial(event, context):
    print("EVENT " + json.dumps(event))
    return {"batchItemFailures": [
        {"itemIdentifier": r["kinesis"]["sequenceNumber"]}
        for r in event["Records"] if _data(r).startswith("fail")
    ]}
'''


def function(lam: Any, name: str, handler: str) -> str:
    return str(lam.create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler=f"handlers.{handler}",
        Code={"ZipFile": make_zip({"handlers.py": HANDLERS})},
    )["FunctionArn"])


def stream(kinesis: Any, name: str, shards: int = 1) -> str:
    kinesis.create_stream(StreamName=name, ShardCount=shards)
    return str(kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "StreamARN"
    ])


def put(kinesis: Any, name: str, *datas: str, key: str = "k") -> list[str]:
    """Put records in order; their sequence numbers."""
    return [
        kinesis.put_record(StreamName=name, Data=data.encode(), PartitionKey=key)[
            "SequenceNumber"
        ]
        for data in datas
    ]


def invoked(cloud: Cloud, name: str) -> list[list[dict[str, Any]]]:
    """The Records of each event the function printed, oldest first."""
    logs = cloud.client("logs")
    try:
        found = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}", filterPattern="EVENT")
    except logs.exceptions.ResourceNotFoundException:
        return []
    ordered = sorted(found["events"], key=lambda e: (e["timestamp"], e["eventId"]))
    return [json.loads(e["message"].split("EVENT ", 1)[1])["Records"] for e in ordered]


def batches(cloud: Cloud, name: str) -> list[dict[str, Any]]:
    return [e for e in cloud.ledger(function=name) if e.get("source") == "event-source-mapping"]


def failures(cloud: Cloud, queue_name: str) -> list[dict[str, Any]]:
    sqs = cloud.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in got]


def queue_arn(cloud: Cloud, name: str) -> str:
    sqs = cloud.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(got["Attributes"]["QueueArn"])
