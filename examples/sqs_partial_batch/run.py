"""Run the SQS partial-batch example end to end on redrive's virtual clock.

    python examples/sqs_partial_batch/run.py

Deploys ``handler.py`` (with ``aws_lambda_powertools`` packaged in its zip) behind an SQS
event source mapping with ``ReportBatchItemFailures``, sends five orders of which two cannot
be processed, lets about two emulated minutes pass, and prints the ledger and the DLQ.
``tests/test_examples.py`` runs :func:`run` and checks the outcome.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from redrive import Cloud

HERE = Path(__file__).resolve().parent
FUNCTION = "process-orders"
QUEUE = "orders"
DLQ = "orders-dlq"
ROLE = "arn:aws:iam::000000000000:role/process-orders"
#: the function's timeout; the queue's visibility timeout is 6x that, as AWS recommends
FUNCTION_TIMEOUT_S = 5
VISIBILITY_TIMEOUT_S = 30
#: a message is received at most this often, then SQS moves it to the DLQ (SQS-3)
MAX_RECEIVE_COUNT = 3
#: orders 2 and 4 cannot be processed
ORDERS: list[dict[str, Any]] = [
    {"id": 1},
    {"id": 2, "fail": True},
    {"id": 3},
    {"id": 4, "fail": True},
    {"id": 5},
]
#: the distribution the handler imports; it and its own requirements go into the zip
PACKAGED = "aws-lambda-powertools"
#: a fixed timestamp for zip entries, so the same files give the same CodeSha256
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


# -- the deployment package -----------------------------------------------------------------------


def _requirements(dist: importlib.metadata.Distribution) -> list[str]:
    """Names of the distributions ``dist`` needs when installed without extras."""
    names = []
    for requirement in dist.requires or []:
        marker = requirement.partition(";")[2]
        if "extra" in marker:
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if match:
            names.append(match.group(1))
    return names


def package_files(top: str = PACKAGED) -> dict[str, Path]:
    """``{name in the zip: installed file}`` for ``top`` and everything it requires.

    What ``pip install --target build/ aws-lambda-powertools`` would put in ``build/``, taken
    from this machine's installed copies (their ``RECORD``), without bytecode caches.
    """
    files: dict[str, Path] = {}
    todo, seen = [top], set()
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        dist = importlib.metadata.distribution(name)
        if dist.files is None:
            raise RuntimeError(f"{name} has no RECORD: cannot tell which files it installed")
        for entry in dist.files:
            path = PurePosixPath(str(entry))
            if ".." in path.parts or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue  # scripts outside site-packages, bytecode
            source = Path(str(dist.locate_file(entry)))
            if source.is_file():
                files[str(path)] = source
        todo.extend(_requirements(dist))
    return files


def build_zip() -> bytes:
    """The function's deployment package: ``handler.py`` plus Powertools and its requirements,
    deterministic bytes."""
    files: dict[str, Path] = {"handler.py": HERE / "handler.py", **package_files()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name].read_bytes())
    return buffer.getvalue()


# -- the scenario ---------------------------------------------------------------------------------


def deploy(cloud: Cloud) -> dict[str, str]:
    """The DLQ, the queue with its redrive policy, and the function; no mapping yet."""
    sqs, lam = cloud.client("sqs"), cloud.client("lambda")
    dlq_url = sqs.create_queue(QueueName=DLQ)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVE_COUNT}
    url = sqs.create_queue(
        QueueName=QUEUE,
        Attributes={
            "VisibilityTimeout": str(VISIBILITY_TIMEOUT_S),
            "RedrivePolicy": json.dumps(policy),
        },
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    lam.create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=ROLE,
        Handler="handler.lambda_handler",
        Timeout=FUNCTION_TIMEOUT_S,
        Code={"ZipFile": build_zip()},
    )
    return {"queue_url": url, "queue_arn": arn, "dlq_url": dlq_url}


def run(cloud: Cloud) -> dict[str, Any]:
    """Deploy, send the orders, let the story play out on the virtual clock; what happened.

    Returns ``start`` (emulated time of the first send), ``orders`` (``{message id: order}``),
    ``batches`` (the function's ledger entries, oldest first), ``logs`` (the function's log
    messages, oldest first), ``queue`` (messages visible, in flight), ``dlq`` (the messages
    in the DLQ, as received with all attributes) and ``mapping`` (its UUID).
    """
    where = deploy(cloud)
    sqs, lam = cloud.client("sqs"), cloud.client("lambda")
    start = cloud.now()
    sent = sqs.send_message_batch(
        QueueUrl=where["queue_url"],
        Entries=[
            {"Id": str(order["id"]), "MessageBody": json.dumps(order)} for order in ORDERS
        ],
    )["Successful"]
    by_entry = {order["id"]: order for order in ORDERS}
    orders = {entry["MessageId"]: by_entry[int(entry["Id"])] for entry in sent}

    # Lambda polls the queue itself; one batch of all five orders (BatchSize 10).
    mapping = lam.create_event_source_mapping(
        EventSourceArn=where["queue_arn"],
        FunctionName=FUNCTION,
        BatchSize=10,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )["UUID"]
    # Receives 1, 2 and 3 of the failing orders, 30 s apart, then the move to the DLQ.
    cloud.advance(VISIBILITY_TIMEOUT_S * (MAX_RECEIVE_COUNT + 1) + 10)
    lam.delete_event_source_mapping(UUID=mapping)

    batches = [
        entry for entry in cloud.ledger(function=FUNCTION)
        if entry.get("source") == "event-source-mapping"
    ]
    depth = sqs.get_queue_attributes(
        QueueUrl=where["queue_url"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    dlq = sqs.receive_message(
        QueueUrl=where["dlq_url"], MaxNumberOfMessages=10, AttributeNames=["All"]
    ).get("Messages", [])
    logs = cloud.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{FUNCTION}")
    return {
        "start": start,
        "orders": orders,
        "batches": batches,
        "logs": [
            event["message"].rstrip("\n")
            for event in sorted(logs["events"], key=lambda e: (e["timestamp"], e["eventId"]))
        ],
        "queue": (
            int(depth["ApproximateNumberOfMessages"]),
            int(depth["ApproximateNumberOfMessagesNotVisible"]),
        ),
        "dlq": dlq,
        "mapping": mapping,
    }


# -- printing it ----------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> str:
    """What happened, for a person."""
    orders: dict[str, dict[str, Any]] = result["orders"]

    def names(ids: list[str]) -> str:
        return "[" + ", ".join(f"order {orders[i]['id']}" for i in ids) + "]"

    lines = [f"sent {len(orders)} orders: " + ", ".join(
        f"{o['id']}{' (fail)' if o.get('fail') else ''}" for o in orders.values()
    )]
    lines.append(f"\nledger of {FUNCTION}, one entry per batch (t = emulated seconds after send):")
    for batch in result["batches"]:
        error = f" {batch['error_type']}" if batch.get("error_type") else ""
        lines.append(
            f"  t={batch['started_at'] - result['start']:6.1f}s  {batch['outcome']}{error}"
            f"  messages {names(batch['messages'])}"
        )
        lines.append(
            f"  {'':10}deleted {names(batch['deleted'])}  returned {names(batch['returned'])}"
        )
    lines.append("\nthe function's log (first lines of its messages, no START/END/REPORT):")
    for message in result["logs"]:
        if message.startswith(("START", "END", "REPORT", "INIT_START", "REDRIVE")):
            continue
        first, *more = message.splitlines()
        lines.append(f"  {first}" + (f"  (+{len(more)} lines)" if more else ""))
    visible, in_flight = result["queue"]
    lines.append(f"\nqueue {QUEUE}: {visible} visible, {in_flight} in flight")
    lines.append(f"DLQ {DLQ}: {len(result['dlq'])} messages")
    for message in result["dlq"]:
        lines.append(f"  order {orders[message['MessageId']]['id']}  {message['Body']}")
    return "\n".join(lines)


def main() -> None:
    with Cloud(clock="virtual", seed=0) as cloud:
        print(report(run(cloud)))


if __name__ == "__main__":
    main()
