"""The errors Amazon DynamoDB and DynamoDB Streams return, with the codes and messages AWS sends.

All are HTTP 400 and the sender's fault. Messages marked [observed] are AWS's text as checked
against real AWS by the dynalite test suite (architect/dynalite ``validations/*.js``,
``db/index.js``) or quoted from real AWS errors in public issue threads (moto, boto3,
aws-sdk-js, ScyllaDB Alternator's tests run against AWS); the others are redrive's wording
where AWS's exact text is not known.
"""

from __future__ import annotations

from redrive.errors import ServiceError
from redrive.services._record_log import expired_iterator_message

INVALID = "One or more parameter values were invalid: "


def _error(code: str, message: str, **fields: object) -> ServiceError:
    return ServiceError(code, message, 400, fields=fields or None)


def validation(message: str) -> ServiceError:
    return _error("ValidationException", message)


def invalid(message: str) -> ServiceError:
    """[observed] the "One or more parameter values were invalid: ..." family"""
    return validation(INVALID + message)


def not_supported(what: str) -> ServiceError:
    """A valid request for something redrive does not emulate yet (ValidationException).

    The message always starts with "redrive does not support", so nobody mistakes it for
    something AWS would say.
    """
    return validation(f"redrive does not support {what} yet.")


# -- tables -----------------------------------------------------------------------------------


def table_not_found(name: str) -> ServiceError:
    """[observed] DescribeTable, DeleteTable, UpdateTable"""
    return _error(
        "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found"
    )


def resource_not_found() -> ServiceError:
    """[observed] item operations, Query and Scan on a table that does not exist (or is not
    ACTIVE yet)"""
    return _error("ResourceNotFoundException", "Requested resource not found")


def table_exists(name: str) -> ServiceError:
    """[observed]"""
    return _error("ResourceInUseException", f"Table already exists: {name}")


def table_in_use(name: str, status: str) -> ServiceError:
    """[observed] a table management call while the table is not ACTIVE"""
    doing = {"CREATING": "created", "UPDATING": "updated", "DELETING": "deleted"}.get(
        status, status
    )
    return _error(
        "ResourceInUseException",
        f"Attempt to change a resource which is still in use: Table is being {doing}: {name}",
    )


def deletion_protected(name: str) -> ServiceError:
    """[observed]"""
    return validation(
        f"1 validation error detected: Table '{name}' can't be deleted while "
        "DeletionProtectionEnabled is set to True"
    )


def stream_already_enabled(name: str) -> ServiceError:
    """[observed] (AWS refuses changing the view type of an enabled stream the same way)"""
    return validation(f"Table already has an enabled stream: TableName: {name}")


def no_stream_to_disable(name: str) -> ServiceError:
    """A ValidationException naming the stream and the disabling, as AWS answers (Alternator's
    tests check it against AWS); the exact text is redrive's."""
    return validation(f"Table does not have a stream enabled, cannot disable the stream: {name}")


# -- items ------------------------------------------------------------------------------------


def key_mismatch() -> ServiceError:
    """[observed]"""
    return validation("The provided key element does not match the schema")


def missing_key(name: str) -> ServiceError:
    """[observed]"""
    return invalid(f"Missing the key {name} in the item")


def key_type_mismatch(name: str, expected: str, actual: str) -> ServiceError:
    """[observed]"""
    return invalid(f"Type mismatch for key {name} expected: {expected} actual: {actual}")


def empty_key(name: str, kind: str = "string") -> ServiceError:
    """[observed] (string; redrive says "binary" for an empty binary key)"""
    return validation(
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        f"cannot contain an empty {kind} value. Key: {name}"
    )


def hash_key_too_long(limit: int) -> ServiceError:
    """[observed] (no space before the number, as AWS writes it)"""
    return invalid(f"Size of hashkey has exceeded the maximum size limit of{limit} bytes")


def range_key_too_long(limit: int) -> ServiceError:
    """[observed]"""
    return invalid(
        f"Aggregated size of all range keys has exceeded the size limit of {limit} bytes"
    )


def item_too_large(update: bool = False) -> ServiceError:
    """[observed]"""
    if update:
        return validation("Item size to update has exceeded the maximum allowed size")
    return validation("Item size has exceeded the maximum allowed size")


def conditional_check_failed(item: dict[str, object] | None = None) -> ServiceError:
    """[observed] with the item when ReturnValuesOnConditionCheckFailure is ALL_OLD"""
    if item is None:
        return _error("ConditionalCheckFailedException", "The conditional request failed")
    return _error("ConditionalCheckFailedException", "The conditional request failed", Item=item)


def return_values(allowed: str) -> ServiceError:
    """[observed]"""
    return validation(f"ReturnValues can only be {allowed}")


def legacy_parameter(name: str) -> ServiceError:
    return not_supported(f"the legacy parameter {name} (use the expression parameters)")


def starting_key(message: str) -> ServiceError:
    """[observed] an invalid ExclusiveStartKey"""
    return validation(f"The provided starting key is invalid: {message}")


# -- expressions ------------------------------------------------------------------------------


def expression(which: str, message: str) -> ServiceError:
    """[observed] ``Invalid <which>: <message>`` (which: UpdateExpression, ConditionExpression,
    KeyConditionExpression, FilterExpression, ProjectionExpression)"""
    return validation(f"Invalid {which}: {message}")


# -- streams ----------------------------------------------------------------------------------


def stream_not_found(arn: str) -> ServiceError:
    return _error(
        "ResourceNotFoundException", f"Requested resource not found: Stream: {arn} not found"
    )


def invalid_stream_arn(arn: str) -> ServiceError:
    """ValidationException [observed: Alternator's tests against AWS]; redrive's text"""
    return validation(f"Invalid StreamArn: {arn}")


def shard_not_found(shard_id: str, arn: str) -> ServiceError:
    """ResourceNotFoundException [observed: Alternator's tests against AWS]; redrive's text"""
    return _error(
        "ResourceNotFoundException",
        f"Requested resource not found: Shard: {shard_id} in Stream: {arn} not found",
    )


def iterator_type_mismatch(kind: str, with_number: bool) -> ServiceError:
    """ValidationException [observed: Alternator's tests against AWS]; redrive's text"""
    if with_number:
        return validation(f"SequenceNumber must not be given for ShardIteratorType {kind}")
    return validation(f"SequenceNumber must be given for ShardIteratorType {kind}")


def invalid_sequence_number(value: str) -> ServiceError:
    return validation(f"Invalid SequenceNumber {value}: it did not come from this shard.")


def trimmed(value: str) -> ServiceError:
    """TrimmedDataAccessException [doc]: the record is older than the trim horizon"""
    return _error(
        "TrimmedDataAccessException",
        f"The sequence number {value} is beyond the trim horizon of the shard: the record "
        "has been trimmed.",
    )


def invalid_iterator() -> ServiceError:
    """ValidationException [observed: Alternator's tests against AWS]; redrive's text"""
    return validation("Invalid ShardIterator")


def iterator_expired(issued_ms: int, now_ms: int, ttl_ms: int) -> ServiceError:
    """The Kinesis text (DynamoDB Streams shares Kinesis's API)"""
    return _error(
        "ExpiredIteratorException", expired_iterator_message(issued_ms, now_ms, ttl_ms)
    )
