"""What a Kinesis or DynamoDB Streams mapping is: its checks, defaults and API view (STRM-4,
-5, -16).

The botocore model already bounds each number (BatchSize 1-10,000, MaximumRetryAttempts
-1-10,000, MaximumRecordAgeInSeconds -1-604,800, ParallelizationFactor 1-10, the
StartingPosition enum); this module adds the rules the model cannot say. Refused as not
supported (redrive does not emulate them yet): TumblingWindowInSeconds above 0 and OnFailure
destinations other than SQS queues (SNS, S3). ``FilterCriteria`` is checked by
:mod:`.stream_filtering` and stored and shown as for SQS mappings (:mod:`.mapping`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redrive.errors import ServiceError
from redrive.services.lambda_ import errors
from redrive.services.lambda_.esm import state, stream_filtering
from redrive.services.lambda_.esm.state import Doc
from redrive.store import Transaction

DEFAULT_BATCH_SIZE = 100  # STRM-4
STATE_REASON = "User action"  # STRM-5
NO_RECORDS = "No records processed"  # STRM-5
OK = "OK"  # LastProcessingResult after a batch whose function call succeeded
CALL_FAILED = "PROBLEM: Function call failed"  # ... and after a function error (with-kinesis)
POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")
MIN_RECORD_AGE_S = 60
#: settable on create and update, with their defaults (STRM-4)
SETTINGS: dict[str, Any] = {
    "BatchSize": DEFAULT_BATCH_SIZE,
    "MaximumBatchingWindowInSeconds": 0,
    "MaximumRetryAttempts": -1,
    "MaximumRecordAgeInSeconds": -1,
    "BisectBatchOnFunctionError": False,
    "ParallelizationFactor": 1,
    "TumblingWindowInSeconds": 0,
}
#: SQS-only parameters a stream mapping does not take
_SQS_ONLY = ("ScalingConfig",)


def factor(doc: Doc) -> int:
    """The mapping's ParallelizationFactor: lanes per shard (STRM-3)."""
    return int(doc.get("ParallelizationFactor") or 1)


def is_stream(service: str) -> bool:
    return service in ("kinesis", "dynamodb")


def check(params: Mapping[str, Any], service: str, *, creating: bool) -> None:
    """Refuse what a stream mapping cannot take or redrive does not emulate yet."""
    stream_filtering.check(params.get("FilterCriteria"), service)
    for name in _SQS_ONLY:
        if params.get(name) is not None:
            raise errors.invalid_parameter(  # [inferred] as SQSM-17's DestinationConfig text
                f"Unsupported {name} parameter for given event source mapping type."
            )
    if (params.get("TumblingWindowInSeconds") or 0) > 0:
        raise errors.not_supported("TumblingWindowInSeconds (tumbling windows)")
    age = params.get("MaximumRecordAgeInSeconds")
    if age is not None and age != -1 and age < MIN_RECORD_AGE_S:
        # [inferred] wording; the SDK docs say 60 s is the minimum valid value
        raise errors.invalid_parameter(
            "The minimum valid value for maximum record age is 60 seconds."
        )
    _check_destination(params.get("DestinationConfig"))
    if creating:
        _check_position(params, service)


def _check_position(params: Mapping[str, Any], service: str) -> None:
    position = params.get("StartingPosition")
    arn = params["EventSourceArn"]
    if position is None:  # STRM-16, recorded
        raise errors.invalid_parameter(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
            "constraint: Member must not be null."
        )
    if position not in POSITIONS:  # STRM-16, recorded (the model's enum usually says it first)
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{position}' at 'startingPosition' failed to "
            "satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, "
            "TRIM_HORIZON]",
            400,
        )
    if position == "AT_TIMESTAMP" and service == "dynamodb":  # STRM-16, recorded
        raise errors.invalid_parameter(f"Unsupported starting position for arn type: {arn}")
    has_timestamp = params.get("StartingPositionTimestamp") is not None
    if (position == "AT_TIMESTAMP") != has_timestamp:
        raise errors.invalid_parameter(  # [inferred] wording
            "StartingPositionTimestamp must be given exactly when StartingPosition is "
            "AT_TIMESTAMP."
        )


def _check_destination(config: Mapping[str, Any] | None) -> None:
    if not config:
        return
    if (config.get("OnSuccess") or {}).get("Destination"):
        raise errors.invalid_parameter(  # STRM-4: OnSuccess is not supported for mappings
            "Unsupported DestinationConfig parameter for given event source mapping type."
        )
    target = (config.get("OnFailure") or {}).get("Destination")
    if not target:
        return
    parts = str(target).split(":")
    service = parts[2] if len(parts) >= 6 and parts[0] == "arn" else ""
    if service in ("sns", "s3"):
        raise errors.not_supported(f"{service.upper()} OnFailure destinations of stream mappings")
    if service != "sqs":
        raise errors.invalid_parameter(  # [inferred] wording
            f"The provided destination config DestinationConfig(onSuccess=null, "
            f"onFailure=OnFailure(destination={target})) is invalid."
        )


def new_fields(params: Mapping[str, Any]) -> Doc:
    """The fields a new stream mapping starts with (STRM-4, STRM-5)."""
    doc: Doc = dict(SETTINGS)
    doc["StartingPosition"] = params["StartingPosition"]
    if params.get("StartingPositionTimestamp") is not None:
        stamp = params["StartingPositionTimestamp"]
        doc["StartingPositionTimestamp"] = (
            stamp.timestamp() if hasattr(stamp, "timestamp") else float(stamp)
        )
    doc["DestinationConfig"] = {"OnFailure": {}}
    doc["StateTransitionReason"] = STATE_REASON
    doc["LastProcessingResult"] = NO_RECORDS
    return doc


def apply(doc: Doc, params: Mapping[str, Any]) -> None:
    """Copy the stream settings given in ``params`` onto ``doc`` (create and update)."""
    for name, default in SETTINGS.items():
        if params.get(name) is not None:
            doc[name] = type(default)(params[name])
    config = params.get("DestinationConfig")
    if config is not None:
        target = (config.get("OnFailure") or {}).get("Destination")
        doc["DestinationConfig"] = {"OnFailure": {"Destination": target} if target else {}}


def view(doc: Doc, out: dict[str, Any]) -> None:
    """Add a stream mapping's fields to its ``EventSourceMappingConfiguration`` (STRM-5)."""
    for name in SETTINGS:
        out[name] = doc[name]
    out["StartingPosition"] = doc["StartingPosition"]
    if doc.get("StartingPositionTimestamp") is not None:
        out["StartingPositionTimestamp"] = doc["StartingPositionTimestamp"]
    out["DestinationConfig"] = {"OnFailure": dict(doc["DestinationConfig"]["OnFailure"])}
    out["LastProcessingResult"] = doc["LastProcessingResult"]


def processed(txn: Transaction, account: str, region: str, uuid: str, succeeded: bool) -> None:
    """Keep the mapping's LastProcessingResult after an invoked batch (stored: it survives a
    restart)."""
    doc = state.get(txn, account, region, uuid)
    result = OK if succeeded else CALL_FAILED
    if doc is not None and doc.get("LastProcessingResult") != result:
        doc["LastProcessingResult"] = result
        state.put(txn, account, region, doc)


def on_failure(doc: Doc) -> str | None:
    target = doc["DestinationConfig"]["OnFailure"].get("Destination")
    return str(target) if target else None


def stream_missing(arn: str) -> ServiceError:
    """STRM-16, recorded."""
    return errors.invalid_parameter(f"Stream not found: {arn}")


def duplicate(arn: str, function_name: str, uuid: str) -> ServiceError:
    """STRM-16, recorded."""
    return ServiceError(
        "ResourceConflictException",
        f'The event source arn (" {arn} ") and function (" {function_name} ") provided mapping '
        f"already exists. Please update or delete the existing mapping with UUID {uuid}",
        409,
    )
