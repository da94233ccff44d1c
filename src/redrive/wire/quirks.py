"""The per-service differences of the wire layer, in one table (STYLE.md habit 7).

Everything else in ``redrive.wire`` is generic over botocore's models; what one service does
differently from the others is written here, with where it comes from.

Validation errors
    The code and message form of the error a service returns when input fails the model's
    constraints (required, length, range, enum, pattern). Coral-based services answer with
    the "N validation error(s) detected: ..." message (see :mod:`redrive.wire.validate`) under
    their own code:

    * logs: ``InvalidParameterException`` (CloudWatch Logs API reference, Common Errors; the
      service models no ``ValidationException``).
    * cloudwatch: ``MissingParameter`` "The parameter <Name> is required." for a missing
      required top-level member, ``InvalidParameterValue`` with the Coral message for the rest
      (CloudWatch API reference, Common Errors).
    * lambda: ``ValidationException`` (Lambda API reference, Common Errors); its lists of a
      map's key or value constraints end with ``Member must not be null`` (recorded:
      CreateAlias ``routing_config_exc_toohigh`` and ``routing_config_exc_version_latest``,
      localstack/localstack ``tests/aws/services/lambda_/test_lambda_api.snapshot.json``),
      which other services' quoted messages do not have.
    * any other service: ``ValidationException``.

    All are HTTP 400 and the sender's fault.

Member errors outside the model
    Some members are checked by the service rather than by Coral's model validation, and
    refused with the service's own error (:data:`MEMBER_ERRORS`). Such a member's model
    constraints are left out of the validation error; when nothing else fails, its own error
    is answered instead:

    * lambda ``CreateFunction`` / ``UpdateFunctionConfiguration`` ``Runtime`` outside the
      model's enum: ``InvalidParameterValueException`` "Value <runtime> at 'runtime' failed
      to satisfy constraint: Member must satisfy enum value set: [...] or be a valid ARN",
      with the set AWS lists (not the model's enum).

Enums the service checks itself
    Some members carry an enum in the model that the service does not hold requests to
    (:data:`SERVICE_CHECKED_ENUMS`); their enum constraint is left out of validation and the
    service answers for them:

    * sqs ``ReceiveMessage`` ``AttributeNames``: the model types it as queue attribute names,
      but SQS takes message system attribute names there (``SentTimestamp``,
      ``ApproximateReceiveCount``; the member is the deprecated spelling of
      ``MessageSystemAttributeNames``, API_ReceiveMessage.html).
    * sqs ``CreateQueue`` / ``SetQueueAttributes`` ``Attributes`` keys and
      ``GetQueueAttributes`` ``AttributeNames``: an unknown name is SQS's own
      ``InvalidAttributeName`` "Unknown Attribute <name>." (API_GetQueueAttributes.html,
      Errors), not a validation error.

Legacy query error codes
    A query-compatible JSON service (``awsQueryCompatible``) names its errors by shape in
    ``__type`` and by its old query code in ``x-amzn-query-error``; the query protocol writes
    the old code in ``<Code>``. botocore's models give that code as the shape's
    ``error.code`` trait, but its SQS model (JSON since a 1.34.x botocore) lost them;
    :data:`QUERY_ERROR_CODES` puts them back, with the HTTP status of each.

Query serialization names
    SQS's JSON model dropped the ``locationName`` traits its query model had, so the query
    form older SDKs and AWS CLI v1 still send (``Attribute.1.Name``,
    ``SendMessageBatchRequestEntry.1.Id``) and read (``<Message>``, ``<Attribute>``) cannot be
    derived from it. :data:`QUERY_NAMES` restores them; :func:`redrive.wire.specs.query_model`
    applies them to the model the query protocol walks.

Resource URL as request path
    Older SDKs post a queue's query requests to the queue URL itself
    (``POST /000000000000/orders``, ``Action=SendMessage``) and leave the ``QueueUrl``
    parameter out. :data:`QUERY_URL_MEMBERS` names the member the query protocol then fills
    from the request URL.

S3 virtual-hosted-style addressing
    botocore addresses S3 buckets in the host name (``<bucket>.localhost:4566``,
    ``<bucket>.s3.<region>.amazonaws.com``) unless the endpoint is an IP address or path
    style is forced. :func:`virtual_host_bucket` finds such a bucket so the router can match
    the path-style templates of the model (Amazon S3 User Guide, "Virtual hosting of
    buckets").
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "MEMBER_ERRORS",
    "QUERY_ERROR_CODES",
    "QUERY_NAMES",
    "QUERY_URL_MEMBERS",
    "SERVICE_CHECKED_ENUMS",
    "VALIDATION",
    "VIRTUAL_HOSTED",
    "MemberError",
    "QueryNames",
    "ValidationStyle",
    "member_error",
    "service_checks_enum",
    "validation_style",
    "virtual_host_bucket",
]


@dataclass(frozen=True)
class ValidationStyle:
    """How a service reports input that fails the model's constraints."""

    #: the error code for constraint violations
    code: str
    #: the code for a missing required top-level member, if it differs (query-style services)
    missing_code: str | None = None
    #: the message for ``missing_code``; ``{name}`` is the member name as the model spells it
    missing_message: str = "The parameter {name} is required."
    status: int = 400
    #: whether "Map keys/value must satisfy constraint: [...]" ends with "Member must not be null"
    map_entries_not_null: bool = False


DEFAULT_VALIDATION = ValidationStyle("ValidationException")

#: botocore service name -> validation style; services not listed use DEFAULT_VALIDATION
VALIDATION: Mapping[str, ValidationStyle] = {
    "logs": ValidationStyle("InvalidParameterException"),
    "cloudwatch": ValidationStyle("InvalidParameterValue", missing_code="MissingParameter"),
    "lambda": ValidationStyle("ValidationException", map_entries_not_null=True),
}


def validation_style(service: str) -> ValidationStyle:
    """The validation style of the botocore service ``service``."""
    return VALIDATION.get(service, DEFAULT_VALIDATION)


# -- member errors outside the model -------------------------------------------------------


@dataclass(frozen=True)
class MemberError:
    """The error a service answers for a member it checks itself."""

    code: str
    #: the message; ``{value}`` is the value sent, unquoted
    message: str
    status: int = 400


#: The runtimes AWS lists when it refuses a Runtime, in its order: localstack/localstack
#: ``localstack-core/localstack/services/lambda_/runtimes.py`` ``VALID_RUNTIMES`` (commit
#: 012056df), kept equal to the AWS-recorded ``invalid_runtime_exc`` of
#: ``tests/aws/services/lambda_/test_lambda_api.py::test_create_lambda_exceptions``.
_LAMBDA_VALID_RUNTIMES = (
    "nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, "
    "java17, nodejs16.x, java25, dotnet8, python3.10, java11, python3.11, dotnet6, java21, "
    "nodejs18.x, provided.al2, ruby3.3, ruby3.4, java8.al2, ruby3.2, python3.8, python3.9"
)
_LAMBDA_RUNTIME = MemberError(
    "InvalidParameterValueException",
    "Value {value} at 'runtime' failed to satisfy constraint: Member must satisfy enum value "
    f"set: [{_LAMBDA_VALID_RUNTIMES}] or be a valid ARN",
)

#: (botocore service, operation, member path as validation writes it) -> the member's error.
#: CreateFunction: recorded (see above); UpdateFunctionConfiguration: the same check in
#: localstack's provider (``update_function_configuration``), not recorded on its own.
MEMBER_ERRORS: Mapping[tuple[str, str, str], MemberError] = {
    ("lambda", "CreateFunction", "runtime"): _LAMBDA_RUNTIME,
    ("lambda", "UpdateFunctionConfiguration", "runtime"): _LAMBDA_RUNTIME,
}


#: (botocore service, operation, member path as validation writes it) whose enum the service
#: checks itself; the path also covers the member's elements (``attributeNames.1.member``)
SERVICE_CHECKED_ENUMS: frozenset[tuple[str, str, str]] = frozenset({
    ("sqs", "ReceiveMessage", "attributeNames"),
    ("sqs", "GetQueueAttributes", "attributeNames"),
    ("sqs", "CreateQueue", "attributes"),
    ("sqs", "SetQueueAttributes", "attributes"),
    # STRM-16: recorded with the set in AWS's order, not the model's
    ("lambda", "CreateEventSourceMapping", "startingPosition"),
})


def service_checks_enum(service: str, operation: str, path: str) -> bool:
    """Whether the service, not the model, checks the enum of member ``path``."""
    top = path.split(".", 1)[0]
    return (service, operation, top) in SERVICE_CHECKED_ENUMS


def member_error(service: str, operation: str, path: str) -> MemberError | None:
    """The service's own error for member ``path`` of ``operation``, if it checks it itself."""
    return MEMBER_ERRORS.get((service, operation, path))


# -- legacy query error codes --------------------------------------------------------------

#: botocore service -> error shape name -> (query error code, HTTP status).
#:
#: SQS: the ``aws.protocols#awsQueryError`` traits of AWS's Smithy model (aws/api-models-aws
#: ``models/sqs/service/2012-11-05/sqs-2012-11-05.json``, read from the copy in
#: adwsingh/api-models-aws at commit 1f1fdb2f). They agree with the ``error`` traits of
#: botocore's query model of SQS (botocore 1.29.165 and 1.34.0,
#: ``data/sqs/2012-11-05/service-2.json``) wherever that model has one; it has none for
#: ReceiptHandleIsInvalid (Smithy: 404) nor for the shapes it lacks (InvalidAddress,
#: InvalidSecurity, RequestThrottled, InvalidAttributeValue, Kms*). Shapes without the trait
#: in either model (InvalidAttributeName, InvalidAttributeValue, InvalidIdFormat,
#: InvalidMessageContents) keep their name as code, status 400.
QUERY_ERROR_CODES: Mapping[str, Mapping[str, tuple[str, int]]] = {
    "sqs": {
        "BatchEntryIdsNotDistinct": ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400),
        "BatchRequestTooLong": ("AWS.SimpleQueueService.BatchRequestTooLong", 400),
        "EmptyBatchRequest": ("AWS.SimpleQueueService.EmptyBatchRequest", 400),
        "InvalidAddress": ("InvalidAddress", 404),
        "InvalidAttributeName": ("InvalidAttributeName", 400),
        "InvalidAttributeValue": ("InvalidAttributeValue", 400),
        "InvalidBatchEntryId": ("AWS.SimpleQueueService.InvalidBatchEntryId", 400),
        "InvalidIdFormat": ("InvalidIdFormat", 400),
        "InvalidMessageContents": ("InvalidMessageContents", 400),
        "InvalidSecurity": ("InvalidSecurity", 403),
        "KmsAccessDenied": ("KMS.AccessDeniedException", 400),
        "KmsDisabled": ("KMS.DisabledException", 400),
        "KmsInvalidKeyUsage": ("KMS.InvalidKeyUsageException", 400),
        "KmsInvalidState": ("KMS.InvalidStateException", 400),
        "KmsNotFound": ("KMS.NotFoundException", 400),
        "KmsOptInRequired": ("KMS.OptInRequired", 403),
        "KmsThrottled": ("KMS.ThrottlingException", 400),
        "MessageNotInflight": ("AWS.SimpleQueueService.MessageNotInflight", 400),
        "OverLimit": ("OverLimit", 403),
        "PurgeQueueInProgress": ("AWS.SimpleQueueService.PurgeQueueInProgress", 403),
        "QueueDeletedRecently": ("AWS.SimpleQueueService.QueueDeletedRecently", 400),
        "QueueDoesNotExist": ("AWS.SimpleQueueService.NonExistentQueue", 400),
        "QueueNameExists": ("QueueAlreadyExists", 400),
        "ReceiptHandleIsInvalid": ("ReceiptHandleIsInvalid", 404),
        "RequestThrottled": ("RequestThrottled", 403),
        "ResourceNotFoundException": ("ResourceNotFoundException", 404),
        "TooManyEntriesInBatchRequest": (
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            400,
        ),
        "UnsupportedOperation": ("AWS.SimpleQueueService.UnsupportedOperation", 400),
    },
}


# -- query serialization names -------------------------------------------------------------


@dataclass(frozen=True)
class QueryNames:
    """The query-protocol traits a service's current botocore model lacks."""

    #: metadata ``xmlNamespace`` of the responses
    xml_namespace: str
    #: ``locationName`` to set, by where: ``Shape`` (the shape itself), ``Shape.Member``
    #: (a structure member), ``Shape.member`` (a list's member), ``Shape.key`` /
    #: ``Shape.value`` (a map's key or value)
    location_names: Mapping[str, str]


#: botocore service -> the query names to restore.
#:
#: SQS: transcribed from botocore 1.34.0 ``botocore/data/sqs/2012-11-05/service-2.json``,
#: whose SQS model is still the query one (1.34.100's is JSON): its ``xmlNamespace`` and every
#: ``locationName`` it has that the JSON model lacks (the JSON model kept the ``flattened``
#: traits; the names compared with the ``smithy.api#xmlName`` traits of AWS's Smithy model
#: agree). One member postdates it: ``ReceiveMessageRequest.MessageSystemAttributeNames``,
#: whose ``smithy.api#xmlName`` in the Smithy model (as above) is ``AttributeName``, the name
#: of the older ``AttributeNames``: the query protocol gives such values to the first of the
#: two.
QUERY_NAMES: Mapping[str, QueryNames] = {
    "sqs": QueryNames(
        xml_namespace="http://queue.amazonaws.com/doc/2012-11-05/",
        location_names={
            "AWSAccountIdList.member": "AWSAccountId",
            "ActionNameList.member": "ActionName",
            "AttributeNameList.member": "AttributeName",
            "BatchResultErrorEntryList.member": "BatchResultErrorEntry",
            "BinaryList.member": "BinaryListValue",
            "ChangeMessageVisibilityBatchRequestEntryList.member": (
                "ChangeMessageVisibilityBatchRequestEntry"
            ),
            "ChangeMessageVisibilityBatchResultEntryList.member": (
                "ChangeMessageVisibilityBatchResultEntry"
            ),
            "CreateQueueRequest.Attributes": "Attribute",
            "CreateQueueRequest.tags": "Tag",
            "DeleteMessageBatchRequestEntryList.member": "DeleteMessageBatchRequestEntry",
            "DeleteMessageBatchResultEntryList.member": "DeleteMessageBatchResultEntry",
            "GetQueueAttributesResult.Attributes": "Attribute",
            "ListMessageMoveTasksResultEntryList.member": "ListMessageMoveTasksResultEntry",
            "ListQueueTagsResult.Tags": "Tag",
            "Message.Attributes": "Attribute",
            "Message.MessageAttributes": "MessageAttribute",
            "MessageAttributeNameList.member": "MessageAttributeName",
            "MessageAttributeValue.StringListValues": "StringListValue",
            "MessageAttributeValue.BinaryListValues": "BinaryListValue",
            "MessageBodyAttributeMap.key": "Name",
            "MessageBodyAttributeMap.value": "Value",
            "MessageBodySystemAttributeMap.key": "Name",
            "MessageBodySystemAttributeMap.value": "Value",
            "MessageList.member": "Message",
            "MessageSystemAttributeMap": "Attribute",
            "MessageSystemAttributeMap.key": "Name",
            "MessageSystemAttributeMap.value": "Value",
            "MessageSystemAttributeValue.StringListValues": "StringListValue",
            "MessageSystemAttributeValue.BinaryListValues": "BinaryListValue",
            "QueueAttributeMap": "Attribute",
            "QueueAttributeMap.key": "Name",
            "QueueAttributeMap.value": "Value",
            "QueueUrlList.member": "QueueUrl",
            "ReceiveMessageRequest.MessageSystemAttributeNames": "AttributeName",
            "SendMessageBatchRequestEntry.MessageAttributes": "MessageAttribute",
            "SendMessageBatchRequestEntry.MessageSystemAttributes": "MessageSystemAttribute",
            "SendMessageBatchRequestEntryList.member": "SendMessageBatchRequestEntry",
            "SendMessageBatchResultEntryList.member": "SendMessageBatchResultEntry",
            "SendMessageRequest.MessageAttributes": "MessageAttribute",
            "SendMessageRequest.MessageSystemAttributes": "MessageSystemAttribute",
            "SetQueueAttributesRequest.Attributes": "Attribute",
            "StringList.member": "StringListValue",
            "TagKeyList.member": "TagKey",
            "TagMap": "Tag",
            "TagMap.key": "Key",
            "TagMap.value": "Value",
        },
    ),
}

#: botocore service -> the input member a query request may leave out when it is sent to
#: that resource's URL. SQS: Amazon SQS Developer Guide, "Making query API requests using AWS
#: query protocol" (sqs-making-api-requests-xml.html): the endpoint is "the resource that the
#: request is acting on", ``https://sqs.us-east-2.amazonaws.com/123456789012/MyQueue
#: ?Action=SendMessage&MessageBody=...``, with no ``QueueUrl`` parameter.
QUERY_URL_MEMBERS: Mapping[str, str] = {"sqs": "QueueUrl"}


#: botocore services whose buckets may be named in the host (virtual-hosted style)
VIRTUAL_HOSTED: frozenset[str] = frozenset({"s3"})

_S3_HOST = re.compile(r"^(?P<bucket>.+?)\.s3[.-]", re.IGNORECASE)
_LOCALHOST_SUFFIX = ".localhost"


def virtual_host_bucket(host: str) -> str | None:
    """The bucket named in a virtual-hosted-style S3 ``Host`` header, if any.

    Recognised: ``<bucket>.s3.<...>`` / ``<bucket>.s3-<...>`` and ``<bucket>.localhost``
    (with or without a port). IP addresses and bare ``localhost`` name no bucket.
    """
    name = host.strip().lower()
    if name.startswith("["):  # IPv6 literal
        return None
    name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return None
    if name.endswith(_LOCALHOST_SUFFIX) and len(name) > len(_LOCALHOST_SUFFIX):
        return name[: -len(_LOCALHOST_SUFFIX)]
    found = _S3_HOST.match(name)
    if found is not None:
        return found.group("bucket")
    return None
