"""Messages acknowledged with a 200 survive `kill -9` and a restart on the same --data-dir."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.serverproc import ServerProcess
from tests.services.sqs.conftest import bodies, counts, receive


def test_acknowledged_messages_survive_kill_9(tmp_path: Path) -> None:
    first = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        sqs: Any = first.client("sqs")
        url = sqs.create_queue(QueueName="durable", Attributes={"VisibilityTimeout": "60"})[
            "QueueUrl"
        ]
        sent = [sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")["MessageId"] for i in range(5)]
        sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"b{i}"} for i in range(3)]
        )
        sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=120)
        [in_flight] = receive(sqs, url, MaxNumberOfMessages=1)
        assert in_flight["MessageId"] == sent[0]
        fifo = sqs.create_queue(
            QueueName="durable.fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )["QueueUrl"]
        for i in range(3):
            sqs.send_message(QueueUrl=fifo, MessageBody=f"f{i}", MessageGroupId="g")
        assert counts(sqs, url) == (7, 1, 1)
        # a message move task that is still running when the server dies
        dlq = sqs.create_queue(QueueName="durable-dlq")["QueueUrl"]
        dlq_arn = "arn:aws:sqs:us-east-1:000000000000:durable-dlq"
        source = sqs.create_queue(
            QueueName="durable-source",
            Attributes={
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
            },
        )["QueueUrl"]
        for i in range(3):
            sqs.send_message(QueueUrl=source, MessageBody=f"d{i}")
        assert len(receive(sqs, source, VisibilityTimeout=0)) == 3
        assert receive(sqs, source) == []  # all three moved to the DLQ
        sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)
        assert counts(sqs, dlq) == (2, 0, 0)
    finally:
        first.kill()

    second = ServerProcess("--data-dir", str(tmp_path), "--clock", "virtual")
    try:
        sqs = second.client("sqs")
        # the old URL names the queue by its path, whatever the new port
        assert counts(sqs, url) == (7, 1, 1)
        # a message sent after the restart queues behind the ones sent before it
        sqs.send_message(QueueUrl=url, MessageBody="after restart")
        received = receive(sqs, url)
        assert bodies(received) == ["m1", "m2", "m3", "m4", "b0", "b1", "b2", "after restart"]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(received)
            ],
        )
        second.advance(60)  # the in-flight message's visibility timeout ends
        [again] = receive(sqs, url, MessageSystemAttributeNames=["ApproximateReceiveCount"])
        assert again["MessageId"] == sent[0]
        assert again["Attributes"]["ApproximateReceiveCount"] == "2"
        sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
        second.advance(60)  # the delay ends
        assert bodies(receive(sqs, url)) == ["delayed"]
        # FIFO order and deduplication survive too
        sqs.send_message(QueueUrl=fifo, MessageBody="f0", MessageGroupId="g")
        assert bodies(receive(sqs, fifo)) == ["f0", "f1", "f2"]
        # the move task resumes and keeps its rate
        second.advance(2)
        assert counts(sqs, dlq) == (0, 0, 0)
        assert sorted(bodies(receive(sqs, source))) == ["d0", "d1", "d2"]
        [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
        assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 3)
    finally:
        assert second.terminate() == 0
