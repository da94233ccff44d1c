"""The errors Amazon SQS returns, with the codes and messages AWS sends.

Modeled errors are raised under their botocore shape name (``QueueDoesNotExist``); the wire
layer writes the awsQueryCompatible code clients see (``AWS.SimpleQueueService.NonExistentQueue``).
Errors AWS answers without a modeled shape (``InvalidParameterValue``, ``MissingParameter``)
carry that code directly.

Messages marked [recorded] were captured from real AWS (localstack/localstack
``tests/aws/services/sqs/test_sqs.snapshot.json``), [doc] come from the AWS documentation,
[observed] from SDK test suites of other emulators that check AWS's text; the others are
redrive's best wording where AWS's exact text is not known.
"""

from __future__ import annotations

from redrive.errors import ServiceError

#: the codes batch results carry in ``Failed`` entries (response bodies, not errors, so the
#: wire layer does not translate them): the awsQueryCompatible codes of the modeled errors
_ENTRY_CODES = {
    "MessageNotInflight": "AWS.SimpleQueueService.MessageNotInflight",
    "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue",
    "UnsupportedOperation": "AWS.SimpleQueueService.UnsupportedOperation",
}


def entry_code(error: ServiceError) -> str:
    """The ``Code`` of a batch ``Failed`` entry for ``error``."""
    return _ENTRY_CODES.get(error.code, error.code)


# -- queues ---------------------------------------------------------------------------------


def queue_does_not_exist() -> ServiceError:
    """[recorded]"""
    return ServiceError("QueueDoesNotExist", "The specified queue does not exist.")


def queue_exists(attribute: str) -> ServiceError:
    """[recorded]"""
    return ServiceError(
        "QueueNameExists",
        f"A queue already exists with the same name and a different value for attribute "
        f"{attribute}",
    )


def queue_deleted_recently() -> ServiceError:
    """[doc]"""
    return ServiceError(
        "QueueDeletedRecently",
        "You must wait 60 seconds after deleting a queue before you can create another with "
        "the same name.",
    )


def purge_in_progress(name: str) -> ServiceError:
    """[recorded] HTTP 403."""
    return ServiceError(
        "PurgeQueueInProgress",
        f"Only one PurgeQueue operation on {name} is allowed every 60 seconds.",
        403,
    )


def invalid_queue_name() -> ServiceError:
    """[recorded]"""
    return invalid_parameter(
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
    )


def invalid_fifo_queue_name() -> ServiceError:
    return invalid_parameter(
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
        "underscores, must end with .fifo suffix and be 1 to 80 in length"
    )


def empty_queue_name() -> ServiceError:
    """[observed]"""
    return invalid_parameter("Queue name cannot be empty")


def invalid_address(url: str) -> ServiceError:
    return ServiceError("InvalidAddress", f"The address {url} is not valid for this endpoint.", 404)


def too_many_tags(name: str) -> ServiceError:
    return invalid_parameter(f"Too many tags added for queue {name}.")


def invalid_tag(reason: str) -> ServiceError:
    return invalid_parameter(f"Tag {reason}")


# -- attributes -----------------------------------------------------------------------------


def unknown_attribute(name: str) -> ServiceError:
    """[observed]"""
    return ServiceError("InvalidAttributeName", f"Unknown Attribute {name}.")


def fifo_only_attribute(name: str) -> ServiceError:
    return ServiceError(
        "InvalidAttributeName", f"You can specify the {name} only when FifoQueue is set to true."
    )


def sse_mutually_exclusive() -> ServiceError:
    """[recorded]"""
    return ServiceError(
        "InvalidAttributeName",
        "You can use one type of server-side encryption (SSE) at one time. You can either "
        "enable KMS SSE or SQS SSE.",
    )


def invalid_attribute_value(name: str, reason: str | None = None) -> ServiceError:
    """[observed] ``Invalid value for the parameter <Name>.`` (with ``Reason:`` when given)."""
    text = f"Invalid value for the parameter {name}."
    if reason:
        text = f"{text} Reason: {reason}"
    return ServiceError("InvalidAttributeValue", text)


def queue_type_change() -> ServiceError:
    return invalid_attribute_value("FifoQueue", "Modifying queue type is not supported.")


def invalid_policy_value(name: str, value: str, reason: str) -> ServiceError:
    """[recorded] ``Value <v> for parameter RedrivePolicy is invalid. Reason: ...``"""
    return invalid_parameter(f"Value {value} for parameter {name} is invalid. Reason: {reason}")


# -- messages -------------------------------------------------------------------------------


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", message)


def invalid_value(name: str, value: object, reason: str) -> ServiceError:
    """``Value <v> for parameter <Name> is invalid. Reason: <reason>`` [recorded form]."""
    return invalid_parameter(f"Value {value} for parameter {name} is invalid. Reason: {reason}")


def missing_parameter(name: str) -> ServiceError:
    """[recorded] (InvalidParameterValue in SendMessageBatch; MissingParameter otherwise)"""
    return ServiceError("MissingParameter", f"The request must contain the parameter {name}.")


def invalid_contents() -> ServiceError:
    """[doc]"""
    return ServiceError(
        "InvalidMessageContents",
        "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to "
        "#xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
    )


def message_too_long(limit: int) -> ServiceError:
    """[recorded]"""
    return invalid_parameter(
        f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
    )


def dedup_required() -> ServiceError:
    """[recorded]"""
    return invalid_parameter(
        "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly"
    )


def not_for_queue_type(name: str, value: object) -> ServiceError:
    """[recorded] (AWS's grammar for DelaySeconds on FIFO queues)"""
    return invalid_value(
        name, value, "The request include parameter that is not valid for this queue type."
    )


# -- receipt handles ------------------------------------------------------------------------


def receipt_handle_invalid(handle: str) -> ServiceError:
    """[doc]"""
    return ServiceError(
        "ReceiptHandleIsInvalid",
        f'The input receipt handle "{handle}" is not a valid receipt handle.',
        404,
    )


def receipt_handle_expired(handle: str) -> ServiceError:
    """[recorded] a FIFO queue's handle after the message became visible again"""
    return invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")


def message_not_available(handle: str) -> ServiceError:
    return invalid_value(
        "ReceiptHandle",
        handle,
        "Message does not exist or is not available for visibility timeout change.",
    )


def message_not_inflight() -> ServiceError:
    """[doc] API reference, ChangeMessageVisibility errors"""
    return ServiceError("MessageNotInflight", "The specified message isn't in flight.")


def over_limit(limit: int) -> ServiceError:
    """HTTP 403; AWS's text is not known."""
    return ServiceError(
        "OverLimit", f"The queue has reached its quota of {limit} in-flight messages.", 403
    )


def visibility_beyond_limit(timeout: int, limit: int) -> ServiceError:
    """[observed]"""
    return invalid_value(
        "VisibilityTimeout",
        timeout,
        f"Total VisibilityTimeout for the message is beyond the limit [{limit} seconds]",
    )


# -- batches --------------------------------------------------------------------------------


def empty_batch(entry: str) -> ServiceError:
    return ServiceError(
        "EmptyBatchRequest", f"There should be at least one {entry} in the request."
    )


def too_many_entries(limit: int, count: int) -> ServiceError:
    """[recorded]"""
    return ServiceError(
        "TooManyEntriesInBatchRequest",
        f"Maximum number of entries per request are {limit}. You have sent {count}.",
    )


def invalid_batch_entry_id() -> ServiceError:
    """[recorded]"""
    return ServiceError(
        "InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
        "It can be at most 80 letters long.",
    )


def batch_ids_not_distinct(entry_id: str) -> ServiceError:
    return ServiceError("BatchEntryIdsNotDistinct", f"Id {entry_id} repeated.")


def batch_too_long(limit: int, size: int) -> ServiceError:
    """[recorded]"""
    return ServiceError(
        "BatchRequestTooLong",
        f"Batch requests cannot be longer than {limit} bytes. You have sent {size} bytes.",
    )


# -- message move tasks ---------------------------------------------------------------------


def resource_not_found(parameter: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException",
        f"The resource that you specified for the {parameter} parameter doesn't exist.",
        404,
    )


def task_not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "Task does not exist.", 404)


def not_a_dead_letter_queue() -> ServiceError:
    return invalid_parameter("Source queue must be configured as a Dead Letter Queue.")


def task_already_running() -> ServiceError:
    return invalid_parameter(
        "There is already a task running. Only one active task is allowed for a source queue "
        "arn at a given time."
    )


def task_not_running() -> ServiceError:
    return invalid_parameter("Only a message move task in status RUNNING can be cancelled.")


def invalid_task_handle() -> ServiceError:
    return invalid_parameter("Value for parameter TaskHandle is invalid.")


def invalid_arn(parameter: str) -> ServiceError:
    return invalid_parameter(
        f"You must use this format to specify the {parameter}: "
        "arn:<partition>:<service>:<region>:<account-id>:<resource-id>"
    )
