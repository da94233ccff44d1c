"""The errors Amazon Kinesis Data Streams returns, with the codes and messages AWS sends.

All are HTTP 400 and the sender's fault. Messages marked [observed] are AWS's text as checked
against real AWS by the kinesalite test suite (mhart/kinesalite ``test/*.js``) or seen in
users' reports of real AWS errors; [doc] come from the API reference; the others are redrive's
wording where AWS's exact text is not known.
"""

from __future__ import annotations

from redrive.errors import ServiceError
from redrive.services._record_log import expired_iterator_message


def _error(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 400)


def invalid_argument(message: str) -> ServiceError:
    return _error("InvalidArgumentException", message)


# -- streams ----------------------------------------------------------------------------------


def stream_not_found(name: str, account: str) -> ServiceError:
    """[observed]"""
    return _error("ResourceNotFoundException", f"Stream {name} under account {account} not found.")


def arn_not_found(arn: str) -> ServiceError:
    """A stream ARN that names no stream redrive could hold (internal interface)."""
    return _error("ResourceNotFoundException", f"Stream {arn} not found.")


def stream_exists(name: str, account: str) -> ServiceError:
    """[observed]"""
    return _error(
        "ResourceInUseException", f"Stream {name} under account {account} already exists."
    )


def stream_not_active(name: str, account: str, status: str) -> ServiceError:
    """ResourceInUseException [doc]: the stream must be ACTIVE for this operation."""
    return _error(
        "ResourceInUseException",
        f"Stream {name} under account {account} is not ACTIVE: it is {status}.",
    )


def no_stream_given() -> ServiceError:
    return invalid_argument("Either StreamName or StreamARN must be provided.")


def name_and_arn_differ(name: str, arn: str) -> ServiceError:
    return invalid_argument(f"StreamName {name} and StreamARN {arn} name different streams.")


def shard_quota(account: str, region: str, current: int, limit: int, adding: int) -> ServiceError:
    """[observed]"""
    return _error(
        "LimitExceededException",
        f"This request would exceed the shard limit for the account {account} in {region}. "
        f"Current shard count for the account: {current}. Limit: {limit}. Number of "
        f"additional shards that would have resulted from this request: {adding}. Refer to "
        "the AWS Service Limits page "
        "(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current "
        "limits and how to request higher limits.",
    )


def on_demand_quota(account: str, region: str, limit: int) -> ServiceError:
    return _error(
        "LimitExceededException",
        f"This request would exceed the limit of {limit} on-demand streams for the account "
        f"{account} in {region}.",
    )


def shard_count_with_on_demand() -> ServiceError:
    """[observed] (the text CloudFormation passes on from CreateStream)"""
    return _error("ValidationException", "ShardCount is not expected when StreamMode=ON_DEMAND")


def shard_count_required() -> ServiceError:
    return _error("ValidationException", "ShardCount is required when StreamMode=PROVISIONED")


def not_supported(what: str) -> ServiceError:
    """A valid request for something redrive does not emulate yet (InvalidArgumentException).

    The message always starts with "redrive does not support", so nobody mistakes it for
    something AWS would say.
    """
    return invalid_argument(f"redrive does not support {what} yet.")


# -- retention --------------------------------------------------------------------------------


def retention_too_short(hours: int, minimum: int) -> ServiceError:
    """[observed]"""
    return invalid_argument(
        f"Minimum allowed retention period is {minimum} hours. Requested retention period "
        f"({hours} hours) is too short."
    )


def retention_too_long(hours: int, maximum: int) -> ServiceError:
    """[observed] (with today's maximum)"""
    return invalid_argument(
        f"Maximum allowed retention period is {maximum} hours. Requested retention period "
        f"({hours} hours) is too long."
    )


def retention_not_longer(name: str, hours: int, current: int) -> ServiceError:
    """[observed] IncreaseStreamRetentionPeriod below the current period."""
    return invalid_argument(
        f"Requested retention period ({hours} hours) for stream {name} can not be shorter "
        f"than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
    )


def retention_not_shorter(name: str, hours: int, current: int) -> ServiceError:
    """[observed] DecreaseStreamRetentionPeriod above the current period."""
    return invalid_argument(
        f"Requested retention period ({hours} hours) for stream {name} can not be longer "
        f"than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
    )


# -- tags -------------------------------------------------------------------------------------


def invalid_tag_characters() -> ServiceError:
    """[observed]"""
    return invalid_argument(
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, "
        "white space, _ . / = + - % @ :."
    )


def too_many_tags(name: str, account: str, limit: int) -> ServiceError:
    """[observed] (AWS's text, with the limit AWS applies today)"""
    return invalid_argument(
        f"Failed to add tags to stream {name} under account {account} because a given stream "
        f"cannot have more than {limit} tags associated with it."
    )


# -- shards and records -----------------------------------------------------------------------


def shard_not_found(shard_id: str, name: str, account: str) -> ServiceError:
    """[observed] a well-formed shard id the stream does not have (or a deleted stream)"""
    return _error(
        "ResourceNotFoundException",
        f"Shard {shard_id} in stream {name} under account {account} does not exist",
    )


def unparsable_shard(shard_id: str, name: str, account: str) -> ServiceError:
    """[observed] a shard id with no shard number in it"""
    return _error(
        "ResourceNotFoundException",
        f"Could not find shard {shard_id} in stream {name} under account {account}.",
    )


def invalid_hash_key(value: str) -> ServiceError:
    """[observed]"""
    return invalid_argument(
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
        f"Specified value was {value}"
    )


def invalid_ordering_number(value: str, name: str, account: str) -> ServiceError:
    """[observed] a SequenceNumberForOrdering that is not one of this service's numbers"""
    return invalid_argument(
        f"ExclusiveMinimumSequenceNumber {value} used in PutRecord on stream {name} under "
        f"account {account} is invalid."
    )


def record_too_large(size: int, limit: int) -> ServiceError:
    return invalid_argument(
        f"Record size {size} bytes (data and partition key) exceeds the stream's maximum "
        f"record size of {limit} bytes."
    )


def request_too_large(size: int, limit: int) -> ServiceError:
    return invalid_argument(
        f"PutRecords request size {size} bytes exceeds the limit of {limit} bytes "
        "(data and partition keys of all records)."
    )


# -- iterators --------------------------------------------------------------------------------


def iterator_type_mismatch(kind: str, with_number: bool) -> ServiceError:
    """[observed]"""
    given = "also a StartingSequenceNumber" if with_number else "no StartingSequenceNumber"
    return invalid_argument(
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
        "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. "
        f"Request specified {kind} and {given}."
    )


def timestamp_required() -> ServiceError:
    return invalid_argument("The timestamp must be specified for the AT_TIMESTAMP iterator type.")


def invalid_sequence_number(value: str, shard_id: str, name: str, account: str) -> ServiceError:
    """[observed]"""
    return invalid_argument(
        f"StartingSequenceNumber {value} used in GetShardIterator on shard {shard_id} in "
        f"stream {name} under account {account} is invalid."
    )


def foreign_sequence_number(value: str, shard_id: str, name: str, account: str) -> ServiceError:
    """[observed]"""
    return invalid_argument(
        f"StartingSequenceNumber {value} used in GetShardIterator on shard {shard_id} in "
        f"stream {name} under account {account} is invalid because it did not come from "
        "this stream."
    )


def sequence_of_other_shard(encoded_shard: str, shard_id: str) -> ServiceError:
    """[observed]"""
    return invalid_argument(
        f"Invalid StartingSequenceNumber. It encodes {encoded_shard}, while it was used in a "
        f"call to a shard with {shard_id}"
    )


def invalid_iterator() -> ServiceError:
    """[observed]"""
    return invalid_argument("Invalid ShardIterator.")


def iterator_expired(issued_ms: int, now_ms: int, ttl_ms: int) -> ServiceError:
    """[observed] times in Java's ``Date.toString`` form (``Thu Jan 22 01:22:02 UTC 2015``)"""
    return _error(
        "ExpiredIteratorException", expired_iterator_message(issued_ms, now_ms, ttl_ms)
    )


# -- listing ----------------------------------------------------------------------------------


def invalid_next_token() -> ServiceError:
    return invalid_argument("The NextToken is not valid.")


def next_token_expired() -> ServiceError:
    return _error("ExpiredNextTokenException", "The NextToken has expired.")


def next_token_with(parameter: str) -> ServiceError:
    """[observed] for StreamName (AWS's text, for other members too)"""
    return invalid_argument(f"NextToken and {parameter} cannot be provided together.")


def next_token_or_stream() -> ServiceError:
    """[observed]"""
    return invalid_argument("Either NextToken or StreamName should be provided.")


def shard_filter_needs(member: str, kinds: str) -> ServiceError:
    return invalid_argument(f"{member} must be supplied in a ShardFilter with a Type of {kinds}.")
