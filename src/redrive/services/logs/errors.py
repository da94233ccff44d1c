"""The errors CloudWatch Logs returns, with the codes and messages AWS sends.

Messages marked [recorded] were captured from real AWS (localstack/localstack
``tests/aws/services/logs/*.snapshot.json``); the others are redrive's best wording where AWS's
exact text is not known.
"""

from __future__ import annotations

from redrive.errors import ServiceError


def group_not_found() -> ServiceError:
    """[recorded]"""
    return ServiceError("ResourceNotFoundException", "The specified log group does not exist.")


def stream_not_found() -> ServiceError:
    """[recorded]"""
    return ServiceError("ResourceNotFoundException", "The specified log stream does not exist.")


def group_exists() -> ServiceError:
    """[recorded] (no final period, as AWS sends it)"""
    return ServiceError("ResourceAlreadyExistsException", "The specified log group already exists")


def stream_exists() -> ServiceError:
    """[recorded] (no final period, as AWS sends it)"""
    return ServiceError("ResourceAlreadyExistsException", "The specified log stream already exists")


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message)


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def invalid_token() -> ServiceError:
    """[recorded] for GetLogEvents and FilterLogEvents."""
    return invalid_parameter("The specified nextToken is invalid.")


def name_and_identifier() -> ServiceError:
    """[recorded] DescribeLogStreams with both logGroupName and logGroupIdentifier."""
    return validation("LogGroup name and LogGroup ARN are mutually exclusive parameters.")


def neither_name_nor_identifier() -> ServiceError:
    return invalid_parameter("Either logGroupName or logGroupIdentifier must be specified.")


def prefix_and_pattern() -> ServiceError:
    """[recorded] DescribeLogGroups with both logGroupNamePrefix and logGroupNamePattern."""
    return invalid_parameter(
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
    )


def prefix_with_last_event_time() -> ServiceError:
    return invalid_parameter("Cannot order by LastEventTime with a logStreamNamePrefix.")


def names_and_prefix() -> ServiceError:
    return invalid_parameter(
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."
    )


def events_out_of_order() -> ServiceError:
    """[recorded]"""
    return invalid_parameter(
        "Log events in a single PutLogEvents request must be in chronological order."
    )


def batch_span_too_long() -> ServiceError:
    return invalid_parameter(
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
    )


def batch_too_large(size: int, limit: int) -> ServiceError:
    return invalid_parameter(f"Upload too large: {size} bytes exceeds limit of {limit}")


def too_many_events(count: int, limit: int) -> ServiceError:
    return invalid_parameter(
        f"1 validation error detected: Value '{count}' at 'logEvents' failed to satisfy "
        f"constraint: Member must have length less than or equal to {limit}"
    )


def invalid_retention(days: int, allowed: tuple[int, ...]) -> ServiceError:
    values = ", ".join(str(d) for d in allowed)
    return invalid_parameter(
        f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{values}]"
    )


def invalid_filter_pattern(reason: str) -> ServiceError:
    return invalid_parameter(f"Invalid filter pattern: {reason}")


def invalid_arn(arn: str) -> ServiceError:
    return invalid_parameter(f"Invalid resource ARN: {arn}")


def too_many_tags(limit: int) -> ServiceError:
    return ServiceError("TooManyTagsException", f"A resource can have no more than {limit} tags.")


def deletion_protected(name: str) -> ServiceError:
    return validation(f"Log group {name} has deletion protection enabled and cannot be deleted.")
