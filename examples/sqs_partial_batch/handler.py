"""An SQS consumer that reports partial batch failures with Powertools for AWS Lambda.

Every record is an order, ``{"id": 2}``; an order whose body says ``"fail": true`` cannot be
processed and its record handler raises. ``BatchProcessor`` catches that, and
``process_partial_response`` returns ``{"batchItemFailures": [{"itemIdentifier": ...}]}``
listing those messages only, so Lambda deletes the rest of the batch (SQSM-7). When *every*
record of a batch fails, Powertools raises ``BatchProcessingError`` instead: the invocation is
a function error and the whole batch returns to the queue (SQSM-8, SQSM-6).

This file is deployed together with ``aws_lambda_powertools`` and its dependencies inside the
function's zip (see ``run.py``), exactly as for AWS: nothing here comes from redrive.
"""

from __future__ import annotations

import json
import os
from typing import Any

import aws_lambda_powertools
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)

# Where Powertools was imported from, relative to the function's code: proves it came from the
# deployment package (``aws_lambda_powertools/__init__.py``), not from the machine running it.
print(
    "INIT powertools "
    + json.dumps({
        "version": aws_lambda_powertools.__version__,
        "file": os.path.relpath(aws_lambda_powertools.__file__, os.environ["LAMBDA_TASK_ROOT"]),
    })
)


def record_handler(record: SQSRecord) -> None:
    """Process one order; raise for an order that cannot be processed."""
    order = json.loads(record.body)
    receive = record.attributes.approximate_receive_count
    if order.get("fail"):
        print(f"order {order['id']} failed (receive {receive})")
        raise ValueError(f"order {order['id']} cannot be processed")
    print(f"order {order['id']} processed (receive {receive})")


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    print("BATCH RESPONSE " + json.dumps(response))
    return response
