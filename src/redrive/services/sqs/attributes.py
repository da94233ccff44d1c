"""Queue attributes: which may be set, their defaults, validation and canonical values.

Values are strings, as in the API. :func:`normalize` checks one value given to CreateQueue or
SetQueueAttributes and returns its canonical form (booleans in lower case, the two redrive
policies as compact JSON with AWS's key order); ``None`` means "remove" (an empty Policy,
RedrivePolicy or RedriveAllowPolicy). Whether a dead-letter queue exists and allows the
source is checked by the service, which can see other queues (:mod:`.redrive`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redrive.services.sqs import arns, errors
from redrive.services.sqs import constants as c

#: attributes only GetQueueAttributes shows; CreateQueue / SetQueueAttributes refuse them
READ_ONLY = frozenset(
    {
        "All",
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
        "QueueArn",
    }
)
#: attributes of FIFO queues only
FIFO_ONLY = frozenset(
    {"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
)
#: every queue attribute name GetQueueAttributes knows (API_GetQueueAttributes.html)
KNOWN = READ_ONLY | FIFO_ONLY | frozenset(
    {
        "Policy", "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod",
        "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "RedriveAllowPolicy",
        "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
    }
)
#: attributes whose empty value removes them
REMOVABLE = frozenset({"Policy", "RedrivePolicy", "RedriveAllowPolicy"})

#: integer attributes and their ranges
_INTEGERS: Mapping[str, tuple[int, int]] = {
    "DelaySeconds": (0, c.MAX_DELAY_SECONDS),
    "MaximumMessageSize": (c.MIN_MAXIMUM_MESSAGE_SIZE, c.MAX_MAXIMUM_MESSAGE_SIZE),
    "MessageRetentionPeriod": (c.MIN_RETENTION_SECONDS, c.MAX_RETENTION_SECONDS),
    "ReceiveMessageWaitTimeSeconds": (0, c.MAX_WAIT_SECONDS),
    "VisibilityTimeout": (0, c.MAX_VISIBILITY_TIMEOUT),
    "KmsDataKeyReusePeriodSeconds": (c.MIN_KMS_REUSE_SECONDS, c.MAX_KMS_REUSE_SECONDS),
}
_BOOLEANS = frozenset({"FifoQueue", "ContentBasedDeduplication", "SqsManagedSseEnabled"})
_CHOICES: Mapping[str, tuple[str, ...]] = {
    "DeduplicationScope": c.DEDUPLICATION_SCOPES,
    "FifoThroughputLimit": c.FIFO_THROUGHPUT_LIMITS,
}
_DIGITS = re.compile(r"[0-9]+")

_UNSUPPORTED_ALLOW_POLICY = (
    "Amazon SQS can't create the redrive allow policy, as it\u2019s in an unsupported format."
)


def defaults(fifo: bool) -> dict[str, str]:
    """The attributes every new queue has before its own are applied."""
    values = {
        "DelaySeconds": str(c.DEFAULT_DELAY_SECONDS),
        "MaximumMessageSize": str(c.DEFAULT_MAXIMUM_MESSAGE_SIZE),
        "MessageRetentionPeriod": str(c.DEFAULT_RETENTION_SECONDS),
        "ReceiveMessageWaitTimeSeconds": str(c.DEFAULT_RECEIVE_WAIT_SECONDS),
        "VisibilityTimeout": str(c.DEFAULT_VISIBILITY_TIMEOUT),
        "SqsManagedSseEnabled": c.DEFAULT_SQS_MANAGED_SSE,
    }
    if fifo:
        values.update(
            {
                "FifoQueue": "true",
                "ContentBasedDeduplication": "false",
                "DeduplicationScope": c.DEFAULT_DEDUPLICATION_SCOPE,
                "FifoThroughputLimit": c.DEFAULT_FIFO_THROUGHPUT_LIMIT,
            }
        )
    return values


def check_name(name: str, *, fifo: bool) -> None:
    """Raise for a queue name SQS refuses for the queue type."""
    if name == "":
        raise errors.empty_queue_name()
    if fifo:
        base = name[: -len(c.FIFO_SUFFIX)]
        if not name.endswith(c.FIFO_SUFFIX) or not _valid_base(base, len(name)):
            raise errors.invalid_fifo_queue_name()
    elif not _valid_base(name, len(name)):
        raise errors.invalid_queue_name()


def _valid_base(base: str, total: int) -> bool:
    return (
        0 < total <= c.MAX_QUEUE_NAME_LENGTH
        and base != ""
        and re.fullmatch(r"[A-Za-z0-9_\-]+", base) is not None
    )


def is_fifo_request(attributes: Mapping[str, str]) -> bool:
    """Whether CreateQueue's attributes ask for a FIFO queue (``FifoQueue`` true)."""
    value = attributes.get("FifoQueue")
    if value is None:
        return False
    lowered = str(value).lower()
    if lowered not in ("true", "false"):
        raise errors.invalid_attribute_value("FifoQueue")
    return lowered == "true"


def normalize(name: str, value: str, *, fifo: bool) -> str | None:
    """The canonical value of attribute ``name`` (None: remove it), or raise AWS's error."""
    if name in READ_ONLY:
        raise errors.unknown_attribute(name)
    if name in FIFO_ONLY and not fifo:
        if name in ("DeduplicationScope", "FifoThroughputLimit"):
            raise errors.fifo_only_attribute(name)
        raise errors.unknown_attribute(name)
    if name in REMOVABLE and value == "":
        return None
    if name in _INTEGERS:
        low, high = _INTEGERS[name]
        if not _DIGITS.fullmatch(value) or not low <= int(value) <= high:
            raise errors.invalid_attribute_value(name)
        return str(int(value))
    if name in _BOOLEANS:
        if value.lower() not in ("true", "false"):
            raise errors.invalid_attribute_value(name)
        return value.lower()
    if name in _CHOICES:
        if value not in _CHOICES[name]:
            raise errors.invalid_attribute_value(name)
        return value
    if name == "Policy":
        return _policy(value)
    if name == "RedrivePolicy":
        return parse_redrive_policy(value).canonical
    if name == "RedriveAllowPolicy":
        return parse_allow_policy(value).canonical
    if name == "KmsMasterKeyId":
        return value
    raise errors.unknown_attribute(name)


def _policy(value: str) -> str:
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise errors.invalid_attribute_value("Policy")
    return value


# -- redrive policies -----------------------------------------------------------------------


@dataclass(frozen=True)
class RedrivePolicy:
    """A source queue's ``RedrivePolicy`` (SQS-3)."""

    dead_letter_target_arn: str
    max_receive_count: int

    @property
    def canonical(self) -> str:
        return json.dumps(
            {
                "deadLetterTargetArn": self.dead_letter_target_arn,
                "maxReceiveCount": self.max_receive_count,
            },
            separators=(",", ":"),
        )


def parse_redrive_policy(value: str) -> RedrivePolicy:
    """Parse and check a RedrivePolicy (not whether its dead-letter queue exists)."""
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise errors.invalid_attribute_value(
            "RedrivePolicy", "Redrive policy is not a valid JSON map."
        )
    unknown = set(document) - {"deadLetterTargetArn", "maxReceiveCount"}
    if unknown:
        raise errors.invalid_policy_value(
            "RedrivePolicy",
            value,
            "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].",
        )
    for required in ("maxReceiveCount", "deadLetterTargetArn"):
        if required not in document:
            raise errors.invalid_policy_value(
                "RedrivePolicy",
                value,
                f"Redrive policy does not contain mandatory attribute: {required}.",
            )
    count = _receive_count(document["maxReceiveCount"])
    if count is None or not c.MIN_MAX_RECEIVE_COUNT <= count <= c.MAX_MAX_RECEIVE_COUNT:
        raise errors.invalid_policy_value(
            "RedrivePolicy",
            value,
            f"Invalid value for maxReceiveCount: {document['maxReceiveCount']}, valid values "
            f"are from {c.MIN_MAX_RECEIVE_COUNT} to {c.MAX_MAX_RECEIVE_COUNT} both inclusive.",
        )
    target = document["deadLetterTargetArn"]
    if not isinstance(target, str) or not arns.is_arn(target):
        raise errors.invalid_policy_value(
            "RedrivePolicy", value, "Invalid value for deadLetterTargetArn."
        )
    if arns.parse_arn(target) is None:
        raise errors.invalid_policy_value(
            "RedrivePolicy", value, "Only SQS queues are valid resources for deadLetterTargetArn."
        )
    return RedrivePolicy(target, count)


def _receive_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    return None


@dataclass(frozen=True)
class RedriveAllowPolicy:
    """A dead-letter queue's ``RedriveAllowPolicy``: which source queues may use it."""

    permission: str
    source_queue_arns: tuple[str, ...] = ()

    @property
    def canonical(self) -> str:
        document: dict[str, Any] = {"redrivePermission": self.permission}
        if self.source_queue_arns:
            document["sourceQueueArns"] = list(self.source_queue_arns)
        return json.dumps(document, separators=(",", ":"))

    def allows(self, source_arn: str) -> bool:
        if self.permission == "allowAll":
            return True
        if self.permission == "denyAll":
            return False
        return source_arn in self.source_queue_arns


ALLOW_ALL = RedriveAllowPolicy("allowAll")


def parse_allow_policy(value: str) -> RedriveAllowPolicy:
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if (
        not isinstance(document, dict)
        or set(document) - {"redrivePermission", "sourceQueueArns"}
        or document.get("redrivePermission") not in c.REDRIVE_PERMISSIONS
    ):
        raise errors.invalid_attribute_value("RedriveAllowPolicy", _UNSUPPORTED_ALLOW_POLICY)
    permission = str(document["redrivePermission"])
    sources = document.get("sourceQueueArns")
    reason = "Amazon SQS can't create the redrive allow policy."
    if sources is not None and (
        not isinstance(sources, list) or not all(isinstance(s, str) for s in sources)
    ):
        raise errors.invalid_attribute_value("RedriveAllowPolicy", _UNSUPPORTED_ALLOW_POLICY)
    if permission == "byQueue":
        if not sources:
            raise errors.invalid_policy_value(
                "RedriveAllowPolicy",
                value,
                f"{reason} When you specify the byQueue permission type, you must also "
                "specify one or more sourceQueueArns values.",
            )
        if len(sources) > c.MAX_REDRIVE_SOURCE_ARNS:
            raise errors.invalid_policy_value(
                "RedriveAllowPolicy",
                value,
                f"{reason} The maximum number of source queue ARNs you can specify is "
                f"{c.MAX_REDRIVE_SOURCE_ARNS}.",
            )
        return RedriveAllowPolicy(permission, tuple(sources))
    if sources is not None:
        raise errors.invalid_policy_value(
            "RedriveAllowPolicy",
            value,
            f"{reason} To specify one or more source queue ARNs, you must set "
            "redrivePermission to byQueue.",
        )
    return RedriveAllowPolicy(permission)
