"""What a mapping is: its checks, its stored document and its API view (SQSM-10, -16, -17).

SQS, Kinesis and DynamoDB Streams sources are mapped (the streams' own settings are in
:mod:`.stream_mapping`); the options redrive does not emulate yet (tags, the Kafka, MQ and
DocumentDB settings) are refused by name. Nothing is accepted and then ignored.
``FilterCriteria`` is checked and stored by :mod:`.filter_criteria` (streams add the checks of
:mod:`.stream_filtering`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redrive.errors import ServiceError
from redrive.services._base import partition
from redrive.services.lambda_ import errors
from redrive.services.lambda_.esm import filter_criteria, stream_mapping
from redrive.services.lambda_.esm.state import Doc

DEFAULT_BATCH_SIZE = 10  # SQSM-10
FIFO_MAX_BATCH_SIZE = 10
UNBATCHED_MAX = 10  # above this a batching window is required
STATE_REASON = "USER_INITIATED"  # SQSM-16 (streams say "User action")
REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"

#: parameters of stream mappings that an SQS mapping does not take
_STREAM_ONLY = (
    "StartingPosition",
    "StartingPositionTimestamp",
    "ParallelizationFactor",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "TumblingWindowInSeconds",
)
#: parameters of sources and features redrive does not emulate yet, with what they are
_NOT_SUPPORTED = {
    "Tags": "tags on event source mappings",
    "Topics": "Kafka event sources",
    "Queues": "Amazon MQ event sources",
    "SourceAccessConfigurations": "SourceAccessConfigurations",
    "SelfManagedEventSource": "self-managed Kafka event sources",
    "AmazonManagedKafkaEventSourceConfig": "Amazon MSK event sources",
    "SelfManagedKafkaEventSourceConfig": "self-managed Kafka event sources",
    "DocumentDBEventSourceConfig": "DocumentDB event sources",
    "KMSKeyArn": "KMSKeyArn on event source mappings",
    "MetricsConfig": "MetricsConfig on event source mappings",
    "LoggingConfig": "LoggingConfig on event source mappings",
    "ProvisionedPollerConfig": "provisioned pollers",
}


def source_service(arn: str | None) -> str:
    """``sqs``, ``kinesis`` or ``dynamodb`` for a queue or stream ARN; refuses every other
    source (SQSM-17)."""
    if not arn:
        raise errors.invalid_parameter("Unrecognized event source.")  # SQSM-17, recorded
    parts = arn.split(":", 5)
    service = parts[2] if len(parts) == 6 and parts[0] == "arn" else ""
    if service in ("sqs", "kinesis", "dynamodb"):
        return service
    raise errors.invalid_parameter("Unrecognized event source.")


def check_supported(params: Mapping[str, Any], service: str, *, creating: bool) -> None:
    """Refuse what redrive does not emulate or a mapping of ``service``'s source does not
    take, and invalid ``FilterCriteria``: before anything is stored."""
    for name, what in _NOT_SUPPORTED.items():
        if params.get(name):
            raise errors.not_supported(what)
    if stream_mapping.is_stream(service):
        stream_mapping.check(params, service, creating=creating)
        return
    filter_criteria.check(params.get("FilterCriteria"))
    if params.get("DestinationConfig"):
        # SQSM-17, recorded
        raise errors.invalid_parameter(
            "Unsupported DestinationConfig parameter for given event source mapping type."
        )
    for name in _STREAM_ONLY:
        if params.get(name) is not None:
            # [inferred] worded as the recorded DestinationConfig refusal
            raise errors.invalid_parameter(
                f"Unsupported {name} parameter for given event source mapping type."
            )


def check_batching(doc: Doc, *, fifo: bool) -> None:
    """BatchSize and MaximumBatchingWindowInSeconds together (SQSM-10); the model has already
    bounded each (1-10,000 and 0-300)."""
    size, window = int(doc["BatchSize"]), int(doc["MaximumBatchingWindowInSeconds"])
    if fifo:
        if size > FIFO_MAX_BATCH_SIZE:
            # [observed] the text AWS gave when 10 was every queue's limit
            raise errors.invalid_parameter("Maximum batch size must be between 1 and 10 inclusive")
        if window > 0:
            # [observed] quoted from a CloudFormation failure
            raise errors.invalid_parameter("Batching window is not supported for FIFO queues")
    elif size > UNBATCHED_MAX and window < 1:
        raise errors.invalid_parameter(  # SQSM-10, recorded
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is "
            "greater than 10"
        )


def apply(doc: Doc, params: Mapping[str, Any]) -> None:
    """Copy the settable fields given in ``params`` onto ``doc`` (create and update)."""
    for name in ("BatchSize", "MaximumBatchingWindowInSeconds"):
        if params.get(name) is not None:
            doc[name] = int(params[name])
    if params.get("FunctionResponseTypes") is not None:
        doc["FunctionResponseTypes"] = list(params["FunctionResponseTypes"])
    if params.get("ScalingConfig") is not None:
        maximum = params["ScalingConfig"].get("MaximumConcurrency")
        doc["ScalingConfig"] = {} if maximum is None else {"MaximumConcurrency": int(maximum)}
    if params.get("FilterCriteria") is not None:
        doc["FilterCriteria"] = filter_criteria.stored(params["FilterCriteria"])
    if "StartingPosition" in doc:
        stream_mapping.apply(doc, params)


def new(
    params: Mapping[str, Any],
    *,
    uuid: str,
    function_arn: str,
    function_name: str,
    qualifier: str | None,
    now: float,
    service: str,
) -> Doc:
    doc: Doc = {
        "UUID": uuid,
        "EventSourceArn": params["EventSourceArn"],
        "FunctionArn": function_arn,
        "FunctionName": function_name,
        "Qualifier": qualifier,
        "BatchSize": DEFAULT_BATCH_SIZE,
        "MaximumBatchingWindowInSeconds": 0,
        "FunctionResponseTypes": [],
        "ScalingConfig": {},
        "LastModified": now,
        "Enabled": params.get("Enabled", True) is not False,
        "State": "Creating",
        "StateTransitionReason": STATE_REASON,
    }
    if stream_mapping.is_stream(service):
        doc.update(stream_mapping.new_fields(params))
    apply(doc, params)
    return doc


def view(doc: Doc, account: str, region: str) -> dict[str, Any]:
    """``EventSourceMappingConfiguration`` as AWS answers it (SQSM-16, STRM-5)."""
    out: dict[str, Any] = {
        "UUID": doc["UUID"],
        "BatchSize": doc["BatchSize"],
        "MaximumBatchingWindowInSeconds": doc["MaximumBatchingWindowInSeconds"],
        "EventSourceArn": doc["EventSourceArn"],
        "FunctionArn": doc["FunctionArn"],
        "LastModified": doc["LastModified"],
        "State": doc["State"],
        "StateTransitionReason": doc["StateTransitionReason"],
        "FunctionResponseTypes": list(doc["FunctionResponseTypes"]),
        "EventSourceMappingArn": mapping_arn(account, region, doc["UUID"]),
    }
    if "StartingPosition" in doc:
        stream_mapping.view(doc, out)
    if doc.get("ScalingConfig"):
        out["ScalingConfig"] = dict(doc["ScalingConfig"])
    if doc.get("FilterCriteria"):
        out["FilterCriteria"] = {
            "Filters": [dict(entry) for entry in doc["FilterCriteria"]["Filters"]]
        }
    return out


def mapping_arn(account: str, region: str, uuid: str) -> str:
    return f"arn:{partition(region)}:lambda:{region}:{account}:event-source-mapping:{uuid}"


def steady_state(doc: Doc) -> str:
    return "Enabled" if doc["Enabled"] else "Disabled"


def not_found() -> ServiceError:
    """Get/Update/Delete of an unknown UUID (SQSM-17, recorded)."""
    return errors.resource_not_found()


def duplicate(queue_arn: str, function_name: str, uuid: str) -> ServiceError:
    """SQSM-17, recorded."""
    return ServiceError(
        "ResourceConflictException",
        f'An event source mapping with SQS arn (" {queue_arn} ") and function '
        f'(" {function_name} ") already exists. Please update or delete the existing mapping '
        f"with UUID {uuid}",
        409,
    )


def queue_missing() -> ServiceError:
    """SQSM-17, recorded."""
    return errors.invalid_parameter(
        "Error occurred while ReceiveMessage. SQS Error Code: "
        "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does "
        "not exist."
    )


def function_missing() -> ServiceError:
    """SQSM-17, recorded."""
    return errors.invalid_parameter("Function does not exist")
