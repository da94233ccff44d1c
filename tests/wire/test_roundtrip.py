"""The wire layer's proof (DESIGN.md, Layers): a round trip through botocore for every operation.

For every operation of the services below, in every protocol the service speaks:

* botocore serializes (and signs) model-generated input -> :func:`route` finds that very
  operation -> the protocol's ``parse_request`` gives the input back;
* the protocol's ``serialize_response`` writes model-generated output -> botocore's parser
  gives the output back;
* for every modelled error of the service, ``serialize_error`` -> botocore parses the code.

Values come from :mod:`tests.wire.samples` with a seed derived from the operation name, so a
failure reproduces exactly.

In the query protocol botocore works from the model as the query protocol sees it
(:func:`redrive.wire.specs.query_model`): for SQS, the query names its JSON model lost. That
those names are AWS's is proved by hand-written requests and responses in
``test_protocol_query.py``.
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import pytest
from botocore.model import OperationModel

from redrive.errors import ServiceError
from redrive.wire import specs
from redrive.wire.protocols import get_protocol
from redrive.wire.router import route
from redrive.wire.shapes import error_shape
from redrive.wire.uri import match_uri
from tests.wire.botocore_io import botocore_parse, botocore_request
from tests.wire.samples import sample_input, sample_output

#: botocore service -> the protocols tested for it
SERVICES: dict[str, tuple[str, ...]] = {
    "logs": ("json",),
    "cloudwatch": ("smithy-rpc-v2-cbor", "query", "json"),
    "sqs": ("json", "query"),
    "lambda": ("rest-json",),
    "kinesis": ("json",),
    "dynamodb": ("json",),
    "dynamodbstreams": ("json",),
    "events": ("json",),
    "stepfunctions": ("json",),
    "sns": ("query",),
    "sts": ("query",),
    "s3": ("rest-xml",),
    "apigateway": ("rest-json",),
}

_MODULES = {
    "json": "json",
    "rest-json": "rest_json",
    "query": "query",
    "rest-xml": "rest_xml",
    "smithy-rpc-v2-cbor": "cbor",
}

#: Operations that no request can tell apart from another one: same method, same template,
#: same required bindings. S3 keeps deprecated twins of four operations; the router picks the
#: current one (see redrive.wire.uri), which takes the same input.
INDISTINGUISHABLE: dict[tuple[str, str], str] = {
    ("s3", "GetBucketLifecycle"): "GetBucketLifecycleConfiguration",
    ("s3", "GetBucketNotification"): "GetBucketNotificationConfiguration",
    ("s3", "PutBucketLifecycle"): "PutBucketLifecycleConfiguration",
    ("s3", "PutBucketNotification"): "PutBucketNotificationConfiguration",
}


#: S3's deprecated notification twins use one element name, <Event>, for two members (the
#: deprecated single ``Event`` and the flattened ``Events`` list): no XML document can carry
#: both apart, botocore's own parser cannot read them back either. Not a redrive bug.
_EVENT_TWINS = pytest.mark.xfail(
    reason="S3 deprecated Event/Events members share the XML element <Event>", strict=True
)
XFAIL_REQUEST = {("s3", "PutBucketNotification"): _EVENT_TWINS}
XFAIL_RESPONSE = {("s3", "GetBucketNotification"): _EVENT_TWINS}

#: Members a query request cannot send apart from an earlier member of the same name: SQS
#: ReceiveMessage's MessageSystemAttributeNames is ``AttributeName.N``, as AttributeNames is
#: (redrive.wire.quirks.QUERY_NAMES); the parser gives the values to AttributeNames.
SHARED_QUERY_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("sqs", "ReceiveMessage"): ("MessageSystemAttributeNames",),
}


def _cases(xfails: dict[tuple[str, str], Any]) -> list[Any]:
    cases = []
    for service, protocols in SERVICES.items():
        model = specs.service_model(service)
        for protocol in protocols:
            for name in model.operation_names:
                marks = [xfails[service, name]] if (service, name) in xfails else []
                cases.append(
                    pytest.param(
                        service, protocol, name, id=f"{service}-{protocol}-{name}", marks=marks
                    )
                )
    return cases


REQUEST_CASES = _cases(XFAIL_REQUEST)
RESPONSE_CASES = _cases(XFAIL_RESPONSE)


def _protocol(name: str) -> Any:
    pytest.importorskip(f"redrive.wire.protocols.{_MODULES[name]}")
    return get_protocol(name)


def _op(service: str, name: str) -> OperationModel:
    return specs.service_model(service).operation_model(name)


def _client_op(operation: OperationModel, protocol: str) -> OperationModel:
    """The operation as a client of ``protocol`` knows it."""
    if protocol != "query":
        return operation
    return specs.query_model(operation.service_model).operation_model(operation.name)


def _seed(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode())


def _has_event_stream(shape: Any) -> bool:
    if shape is None:
        return False
    return any(
        member.type_name == "structure" and member.serialization.get("eventstream")
        for member in shape.members.values()
    )


@pytest.mark.parametrize(("service", "protocol", "name"), REQUEST_CASES)
def test_request_round_trip(service: str, protocol: str, name: str) -> None:
    wire = _protocol(protocol)
    operation = _op(service, name)
    params = sample_input(operation, _seed(service, name))
    if protocol == "query":
        for member in SHARED_QUERY_NAMES.get((service, name), ()):
            params.pop(member, None)
    request = botocore_request(
        _client_op(operation, protocol), params, protocol, region="eu-west-1"
    )

    found = route(request, SERVICES.keys())

    assert (found.service_name, found.protocol, found.region) == (service, protocol, "eu-west-1")
    uri_params = found.uri_params
    if (service, name) in INDISTINGUISHABLE:
        assert found.operation_name == INDISTINGUISHABLE[service, name]
        uri_params = match_uri(operation, request.path, request.query) or {}
    else:
        assert found.operation_name == name
    parsed = wire.parse_request(operation, request, uri_params)
    if protocol in _WHOLE_SECONDS:
        parsed, params = _whole_seconds(parsed), _whole_seconds(params)
    assert parsed == params


#: botocore's serializers for these protocols write epoch timestamps as whole seconds
#: (``int(calendar.timegm(...))``, CBOR tag 1 with an integer), dropping the milliseconds
_WHOLE_SECONDS = frozenset({"json", "rest-json", "smithy-rpc-v2-cbor"})


def _whole_seconds(value: Any) -> Any:
    """``value`` with every timestamp cut to whole seconds."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dict):
        return {k: _whole_seconds(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_seconds(v) for v in value]
    return value


@pytest.mark.parametrize(("service", "protocol", "name"), RESPONSE_CASES)
def test_response_round_trip(service: str, protocol: str, name: str) -> None:
    wire = _protocol(protocol)
    operation = _op(service, name)
    if _has_event_stream(operation.output_shape):
        pytest.skip("event-stream output: botocore reads it as a live stream, not a document")
    output = sample_output(operation, _seed(service, name, "output"))

    response = wire.serialize_response(operation, output, "request-id-1")

    parsed = botocore_parse(_client_op(operation, protocol), response, protocol)
    metadata = parsed.pop("ResponseMetadata", {})
    assert parsed == output
    assert metadata.get("RequestId", "request-id-1") == "request-id-1"


@pytest.mark.parametrize(
    ("service", "protocol"),
    [(s, p) for s, protocols in SERVICES.items() for p in protocols],
)
def test_modelled_errors_round_trip(service: str, protocol: str) -> None:
    wire = _protocol(protocol)
    model = specs.service_model(service)
    operation = model.operation_model(model.operation_names[0])
    query_codes = protocol == "query" or "awsQueryCompatible" in model.metadata
    mismatches = []
    for shape in model.error_shapes:
        info = error_shape(model, shape.name)
        code = info.query_code if query_codes else info.shape_name
        status = info.status
        error = ServiceError(code, f"{shape.name} happened", status)

        response = wire.serialize_error(model, error, "request-id-2")

        parsed = botocore_parse(operation, response, protocol)
        seen = (response.status, parsed.get("Error", {}).get("Code"))
        if seen != (status, code):
            mismatches.append((shape.name, seen, (status, code)))
    assert mismatches == []


def test_samples_are_deterministic() -> None:
    operation = _op("cloudwatch", "PutMetricAlarm")
    assert sample_input(operation, 5) == sample_input(operation, 5)
    assert sample_output(operation, 5) == sample_output(operation, 5)
    assert sample_input(operation, 5) != sample_input(operation, 6)
