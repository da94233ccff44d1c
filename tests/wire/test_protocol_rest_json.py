"""The ``rest-json`` protocol, proved against botocore in both directions.

botocore serializes a request (URI labels, query string, headers, body) and redrive parses it;
redrive serializes a response or an error and botocore parses it, also end to end through a
real botocore client.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

import pytest
from botocore.model import OperationModel, ServiceModel

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpRequest
from redrive.wire.protocols import get_protocol
from redrive.wire.protocols.rest_json import RestJsonProtocol, split_header_list
from tests.wire.botocore_io import (
    RedriveEndpoint,
    botocore_parse,
    botocore_parse_shape,
    botocore_request,
    client_for,
    model,
    parse_http,
    request_round_trip,
    response_round_trip,
)
from tests.wire.botocore_io import operation as op

UTC = dt.timezone.utc
PROTOCOL = get_protocol("rest-json")


def parse(operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
    return request_round_trip(PROTOCOL, operation, params)


def round_trip(operation: OperationModel, output: Mapping[str, Any]) -> dict[str, Any]:
    return response_round_trip(PROTOCOL, operation, output)


def raw(
    operation: OperationModel,
    *,
    path: str | None = None,
    query: str = "",
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
) -> dict[str, Any]:
    request = HttpRequest(
        operation.http["method"],
        path or operation.http["requestUri"].partition("?")[0],
        query,
        dict(headers or {}),
        body,
    )
    return parse_http(PROTOCOL, operation, request)


# --- requests --------------------------------------------------------------------------------


def test_registered_under_botocore_name() -> None:
    assert isinstance(PROTOCOL, RestJsonProtocol)
    assert PROTOCOL.name == "rest-json"
    assert PROTOCOL.serialization_error_code == "SerializationException"


def test_lambda_invoke_uri_query_headers_and_blob_payload() -> None:
    operation = op("lambda", "Invoke")
    params = {
        "FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:my fn",
        "InvocationType": "Event",
        "LogType": "Tail",
        "ClientContext": base64.b64encode(b'{"custom": {}}').decode(),
        "Payload": b'{"key": "value \xe2\x9c\x93"}',
        "Qualifier": "$LATEST",
    }
    request = botocore_request(operation, params, "rest-json")
    assert "%3A" in request.path  # the label arrives percent-encoded
    assert parse_http(PROTOCOL, operation, request) == params


def test_lambda_invoke_without_payload() -> None:
    operation = op("lambda", "Invoke")
    assert parse(operation, {"FunctionName": "f"}) == {"FunctionName": "f"}


def test_lambda_create_function_json_body() -> None:
    operation = op("lambda", "CreateFunction")
    params = {
        "FunctionName": "f",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::000000000000:role/r",
        "Handler": "app.handler",
        "Code": {"ZipFile": b"PK\x03\x04 zip bytes"},
        "Timeout": 30,
        "MemorySize": 256,
        "Publish": True,
        "Environment": {"Variables": {"A": "1", "B": ""}},
        "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"},
        "Layers": ["l1", "l2"],
        "Tags": {"team": "x"},
    }
    request = botocore_request(operation, params, "rest-json")
    assert request.headers["content-type"] == "application/json"
    assert parse_http(PROTOCOL, operation, request) == params


def test_integer_uri_label_and_query_list_timestamps_booleans() -> None:
    layer = op("lambda", "GetLayerVersion")
    assert parse(layer, {"LayerName": "l", "VersionNumber": 12}) == {
        "LayerName": "l",
        "VersionNumber": 12,
    }
    listing = op("lambda", "ListDurableExecutionsByFunction")
    params = {
        "FunctionName": "f",
        "Statuses": ["RUNNING", "FAILED"],
        "StartedAfter": dt.datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=UTC),
        "StartedBefore": dt.datetime(2024, 1, 3, tzinfo=UTC),
        "ReverseOrder": False,
        "MaxItems": 50,
    }
    request = botocore_request(listing, params, "rest-json")
    assert "Statuses=RUNNING&Statuses=FAILED" in request.query
    assert parse_http(PROTOCOL, listing, request) == params
    untag = op("lambda", "UntagResource")
    params = {"Resource": "arn:aws:lambda:us-east-1:0:function:f", "TagKeys": ["a", "b c"]}
    assert parse(untag, params) == params


def test_apigateway_query_map_skips_literal_and_named_keys() -> None:
    operation = op("apigateway", "ImportRestApi")
    params = {
        "failOnWarnings": True,
        "parameters": {"endpointConfigurationTypes": "REGIONAL", "basepath": "split"},
        "body": b'{"openapi": "3.0.1"}',
    }
    request = botocore_request(operation, params, "rest-json")
    assert "mode=import" in request.query
    assert parse_http(PROTOCOL, operation, request) == params


def test_apigateway_export_with_header_and_labels() -> None:
    operation = op("apigateway", "GetExport")
    params = {
        "restApiId": "abc123",
        "stageName": "prod",
        "exportType": "oas30",
        "parameters": {"extensions": "integrations,authorizers"},
        "accepts": "application/yaml",
    }
    assert parse(operation, params) == params


def test_string_payload_and_prefixed_header_map() -> None:
    operation = op("dataexchange", "SendApiAsset")
    params = {
        "Body": "plain text ✓",
        "QueryStringParameters": {"q": "1", "r": "two words"},
        "AssetId": "a",
        "DataSetId": "d",
        "RequestHeaders": {"x-custom": "v1", "accept": "text/plain"},
        "Method": "POST",
        "Path": "/p",
        "RevisionId": "r",
    }
    assert parse(operation, params) == params


def test_empty_body_and_unknown_members() -> None:
    operation = op("lambda", "PutFunctionConcurrency")
    assert raw(operation, path="/2017-10-31/functions/f/concurrency") == {"FunctionName": "f"}
    parsed = raw(
        operation,
        path="/2017-10-31/functions/f/concurrency",
        body=b'{"ReservedConcurrentExecutions": 5, "Bogus": {"x": 1}}',
    )
    assert parsed == {"FunctionName": "f", "ReservedConcurrentExecutions": 5}


def test_header_list_splitting() -> None:
    assert split_header_list("a, b,c") == ["a", "b", "c"]
    assert split_header_list('"a,b", "say \\"hi\\"", plain') == ["a,b", 'say "hi"', "plain"]
    assert split_header_list('"C:\\dir"') == ["C:\\dir"]
    with pytest.raises(MalformedRequest):
        split_header_list('"open, b')
    with pytest.raises(MalformedRequest):
        split_header_list('"a"b, c')


# --- malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"{nope",
        b"[1, 2]",
        b"null",
        b'"text"',
        b'{"ReservedConcurrentExecutions": "5"}',
        b'{"ReservedConcurrentExecutions": [5]}',
        b'{"ReservedConcurrentExecutions": 5.5}',
        b"\xff\xfe",
    ],
)
def test_malformed_bodies(body: bytes) -> None:
    with pytest.raises(MalformedRequest):
        raw(
            op("lambda", "PutFunctionConcurrency"),
            path="/2017-10-31/functions/f/concurrency",
            body=body,
        )


@pytest.mark.parametrize(
    ("service", "name", "kwargs"),
    [
        ("lambda", "GetLayerVersion", {"path": "/2018-10-31/layers/l/versions/twelve"}),
        ("lambda", "ListFunctions", {"query": "MaxItems=ten"}),
        ("lambda", "ListFunctions", {"query": "MaxItems=1.5"}),
        (
            "lambda",
            "ListDurableExecutionsByFunction",
            {"path": "/2025-12-01/functions/f/durable-executions", "query": "ReverseOrder=maybe"},
        ),
        (
            "lambda",
            "ListDurableExecutionsByFunction",
            {"path": "/2025-12-01/functions/f/durable-executions", "query": "StartedAfter=soon"},
        ),
        (
            "lambda",
            "CreateFunction",
            {"body": b'{"FunctionName": "f", "Code": {"ZipFile": "***"}}'},
        ),
        ("lambda", "CreateFunction", {"body": b'{"Code": ["not", "a", "structure"]}'}),
        ("lambda", "CreateFunction", {"body": b'{"Environment": {"Variables": {"A": 1}}}'}),
        ("lambda", "CreateFunction", {"body": b'{"Layers": "l1"}'}),
        ("lambda", "CreateFunction", {"body": b'{"Publish": "yes"}'}),
    ],
)
def test_malformed_locations(service: str, name: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(MalformedRequest):
        raw(op(service, name), **kwargs)


def test_malformed_string_payload_is_not_utf8() -> None:
    with pytest.raises(MalformedRequest):
        raw(op("dataexchange", "SendApiAsset"), path="/v1", body=b"\xff\xfe\xfd")


# --- responses -------------------------------------------------------------------------------


def test_lambda_invoke_response_status_headers_and_payload() -> None:
    operation = op("lambda", "Invoke")
    output = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "LogResult": base64.b64encode(b"START ...").decode(),
        "ExecutedVersion": "$LATEST",
        "Payload": b'{"errorMessage": "boom"}',
    }
    response = PROTOCOL.serialize_response(operation, output, "rid")
    assert response.status == 200
    assert response.headers["X-Amz-Function-Error"] == "Unhandled"
    assert response.body == b'{"errorMessage": "boom"}'
    assert round_trip(operation, output) == output
    accepted = PROTOCOL.serialize_response(operation, {"StatusCode": 202, "Payload": b""}, "r")
    assert accepted.status == 202


def test_lambda_response_codes_from_the_model() -> None:
    create = op("lambda", "CreateFunction")
    output = {"FunctionName": "f", "MemorySize": 128, "Environment": {"Variables": {"A": "1"}}}
    response = PROTOCOL.serialize_response(create, output, "rid")
    assert response.status == 201
    assert response.headers["Content-Type"] == "application/json"
    assert round_trip(create, output) == output
    invoke_async = op("lambda", "InvokeAsync")
    assert PROTOCOL.serialize_response(invoke_async, {}, "rid").status == 202


def test_no_content_responses_have_no_body() -> None:
    operation = op("lambda", "DeleteFunctionConcurrency")
    response = PROTOCOL.serialize_response(operation, {}, "rid")
    assert response.status == 204
    assert response.body == b""
    assert round_trip(operation, {}) == {}


def test_204_with_body_members_becomes_200() -> None:
    operation = op("billingconductor", "ListTagsForResource")
    assert operation.http["responseCode"] == 204
    response = PROTOCOL.serialize_response(operation, {"Tags": {"a": "b"}}, "rid")
    assert response.status == 200
    assert round_trip(operation, {"Tags": {"a": "b"}}) == {"Tags": {"a": "b"}}
    assert PROTOCOL.serialize_response(operation, {}, "rid").status == 204


def test_apigateway_timestamps_and_blob_payload() -> None:
    get = op("apigateway", "GetRestApi")
    created = dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    output = {"id": "a", "name": "n", "createdDate": created, "binaryMediaTypes": ["image/png"]}
    response = PROTOCOL.serialize_response(get, output, "rid")
    assert json.loads(response.body)["createdDate"] == 1704164645.678
    assert round_trip(get, output) == output
    export = op("apigateway", "GetExport")
    output = {
        "contentType": "application/yaml",
        "contentDisposition": 'attachment; filename="a.yaml"',
        "body": b"openapi: 3.0.1\n",
    }
    response = PROTOCOL.serialize_response(export, output, "rid")
    assert response.headers["Content-Type"] == "application/yaml"
    assert response.body == b"openapi: 3.0.1\n"
    assert round_trip(export, output) == output


def test_string_payload_and_header_map_output() -> None:
    operation = op("dataexchange", "SendApiAsset")
    output = {"Body": "hello ✓", "ResponseHeaders": {"x-one": "1"}}
    parsed = round_trip(operation, output)
    assert parsed["Body"] == "hello ✓"
    assert parsed["ResponseHeaders"]["x-one"] == "1"


def test_output_skips_none_and_unknown() -> None:
    operation = op("lambda", "GetFunctionConcurrency")
    response = PROTOCOL.serialize_response(
        operation, {"ReservedConcurrentExecutions": None, "Other": 1}, "rid"
    )
    assert json.loads(response.body) == {}


# --- errors ----------------------------------------------------------------------------------


def test_lambda_modeled_error() -> None:
    error = ServiceError("ResourceNotFoundException", "Function not found: f", 404)
    response = PROTOCOL.serialize_error(model("lambda"), error, "rid")
    assert response.status == 404
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert json.loads(response.body) == {"Message": "Function not found: f", "Type": "User"}
    parsed = botocore_parse(None, response, "rest-json")
    assert parsed["Error"]["Code"] == "ResourceNotFoundException"
    assert parsed["Error"]["Message"] == "Function not found: f"
    assert parsed["ResponseMetadata"]["RequestId"] == "rid"
    shape = model("lambda").shape_for("ResourceNotFoundException")
    assert botocore_parse_shape(shape, response, "rest-json") == {
        "Type": "User",
        "Message": "Function not found: f",
    }


def test_error_fields_go_to_their_locations() -> None:
    error = ServiceError(
        "TooManyRequestsException",
        "Rate exceeded",
        429,
        fields={
            "retryAfterSeconds": "1",
            "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
        },
    )
    response = PROTOCOL.serialize_error(model("lambda"), error, "rid")
    assert response.status == 429
    assert response.headers["Retry-After"] == "1"
    body = json.loads(response.body)
    assert body == {
        "message": "Rate exceeded",
        "Type": "User",
        "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
    }
    modeled = botocore_parse_shape(
        model("lambda").shape_for("TooManyRequestsException"), response, "rest-json"
    )
    assert modeled["retryAfterSeconds"] == "1"
    assert modeled["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_server_fault_and_unmodeled_code() -> None:
    error = ServiceError("ServiceException", "internal", 500)
    response = PROTOCOL.serialize_error(model("lambda"), error, "rid")
    assert json.loads(response.body)["Type"] == "Service"
    assert botocore_parse(None, response, "rest-json")["Error"]["Code"] == "ServiceException"
    generic = ServiceError("ValidationException", "bad", 400)
    response = PROTOCOL.serialize_error(model("apigateway"), generic, "rid")
    assert botocore_parse(None, response, "rest-json")["Error"] == {
        "Code": "ValidationException",
        "Message": "bad",
    }


# --- synthetic model: every location and timestampFormat -------------------------------------


def synthetic() -> ServiceModel:
    return ServiceModel(
        {
            "metadata": {
                "apiVersion": "2024-01-01",
                "endpointPrefix": "synthetic",
                "protocol": "rest-json",
                "serviceId": "Synthetic",
                "signatureVersion": "v4",
            },
            "operations": {
                "Op": {
                    "name": "Op",
                    "http": {"method": "PUT", "requestUri": "/things/{Id}/{Count}/{Key+}"},
                    "input": {"shape": "Input"},
                    "output": {"shape": "Output"},
                },
                "PayloadOp": {
                    "name": "PayloadOp",
                    "http": {"method": "POST", "requestUri": "/payload"},
                    "input": {"shape": "PayloadInput"},
                    "output": {"shape": "PayloadInput"},
                },
            },
            "shapes": {
                "Input": {
                    "type": "structure",
                    "members": {
                        "Id": {"shape": "String", "location": "uri", "locationName": "Id"},
                        "Count": {"shape": "Integer", "location": "uri", "locationName": "Count"},
                        "Key": {"shape": "String", "location": "uri", "locationName": "Key"},
                        "Flag": {
                            "shape": "Boolean",
                            "location": "querystring",
                            "locationName": "flag",
                        },
                        "Since": {
                            "shape": "Time",
                            "location": "querystring",
                            "locationName": "since",
                        },
                        "SinceEpoch": {
                            "shape": "Time",
                            "location": "querystring",
                            "locationName": "sinceEpoch",
                            "timestampFormat": "unixTimestamp",
                        },
                        "Ratio": {
                            "shape": "Double",
                            "location": "querystring",
                            "locationName": "ratio",
                        },
                        "Tags": {
                            "shape": "Strings",
                            "location": "querystring",
                            "locationName": "tag",
                        },
                        "Extra": {"shape": "MultiMap", "location": "querystring"},
                        **HEADER_MEMBERS,
                        "Inner": {"shape": "Inner"},
                        "Note": {"shape": "String", "locationName": "note"},
                    },
                },
                "Output": {
                    "type": "structure",
                    "members": {
                        "Status": {"shape": "Integer", "location": "statusCode"},
                        **HEADER_MEMBERS,
                        "Inner": {"shape": "Inner"},
                        "Note": {"shape": "String", "locationName": "note"},
                    },
                },
                "PayloadInput": {
                    "type": "structure",
                    "members": {
                        "Id": {"shape": "String", "location": "header", "locationName": "x-id"},
                        "Inner": {"shape": "Inner"},
                    },
                    "payload": "Inner",
                },
                "Inner": {
                    "type": "structure",
                    "members": {
                        "Default": {"shape": "Time"},
                        "Iso": {"shape": "IsoTime"},
                        "Rfc": {"shape": "Time", "timestampFormat": "rfc822"},
                        "Double": {"shape": "Double"},
                        "Blob": {"shape": "Blob"},
                        "Doc": {"shape": "Doc"},
                        "Nested": {"shape": "Inner"},
                    },
                },
                "String": {"type": "string"},
                "Strings": {"type": "list", "member": {"shape": "String"}},
                "MultiMap": {
                    "type": "map",
                    "key": {"shape": "String"},
                    "value": {"shape": "Strings"},
                },
                "StringMap": {
                    "type": "map",
                    "key": {"shape": "String"},
                    "value": {"shape": "String"},
                },
                "Integer": {"type": "integer"},
                "Long": {"type": "long"},
                "Boolean": {"type": "boolean"},
                "Double": {"type": "double"},
                "Blob": {"type": "blob"},
                "Time": {"type": "timestamp"},
                "IsoTime": {"type": "timestamp", "timestampFormat": "iso8601"},
                "EpochTime": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
                "JsonString": {"type": "string", "jsonvalue": True},
                "Doc": {"type": "structure", "members": {}, "document": True},
            },
        },
        service_name="synthetic",
    )


HEADER_MEMBERS: dict[str, Any] = {
    "When": {"shape": "Time", "location": "header", "locationName": "x-when"},
    "WhenIso": {"shape": "IsoTime", "location": "header", "locationName": "x-when-iso"},
    "WhenEpoch": {"shape": "EpochTime", "location": "header", "locationName": "x-when-epoch"},
    "Names": {"shape": "Strings", "location": "header", "locationName": "x-names"},
    "Size": {"shape": "Long", "location": "header", "locationName": "x-size"},
    "Enabled": {"shape": "Boolean", "location": "header", "locationName": "x-enabled"},
    "Score": {"shape": "Double", "location": "header", "locationName": "x-score"},
    "Props": {"shape": "JsonString", "location": "header", "locationName": "x-props"},
    "Meta": {"shape": "StringMap", "location": "headers", "locationName": "x-meta-"},
}

MOMENT = dt.datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_synthetic_request_every_location() -> None:
    operation = synthetic().operation_model("Op")
    params = {
        "Id": "a b/c",
        "Count": -3,
        "Key": "dir/sub dir/file.txt",
        "Flag": False,
        "Since": MOMENT.replace(microsecond=123000),
        "SinceEpoch": MOMENT,
        "Ratio": 0.25,
        "Tags": ["x", "y", "x"],
        "Extra": {"other": ["1", "2"], "single": ["s"]},
        "When": MOMENT,
        "WhenIso": MOMENT,
        "WhenEpoch": MOMENT,
        "Names": ["plain", "with,comma", 'with "quotes"'],
        "Size": 2**40,
        "Enabled": True,
        "Score": 1.5,
        "Props": {"nested": [1, {"a": None}]},
        "Meta": {"color": "blue", "size": "L"},
        "Inner": {
            "Default": MOMENT,
            "Iso": MOMENT,
            "Rfc": MOMENT,
            "Double": -0.5,
            "Blob": b"\x00\x01",
            "Doc": {"free": ["form", 1]},
            "Nested": {"Double": 2.0},
        },
        "Note": "renamed",
    }
    request = botocore_request(operation, params, "rest-json")
    assert request.headers["x-when"] == "Sat, 03 Feb 2024 04:05:06 GMT"
    assert request.headers["x-when-iso"] == "2024-02-03T04:05:06Z"
    assert request.headers["x-when-epoch"] == "1706933106"
    body = json.loads(request.body)
    assert body["note"] == "renamed"
    assert body["Inner"]["Iso"] == "2024-02-03T04:05:06Z"
    assert body["Inner"]["Default"] == 1706933106
    assert parse_http(PROTOCOL, operation, request) == params


def test_synthetic_special_floats_in_query_and_headers() -> None:
    operation = synthetic().operation_model("Op")
    params = {"Id": "i", "Count": 1, "Key": "k", "Ratio": math.inf, "Score": -math.inf}
    parsed = parse(operation, params)
    assert parsed["Ratio"] == math.inf
    assert parsed["Score"] == -math.inf
    nan = parse(operation, {"Id": "i", "Count": 1, "Key": "k", "Ratio": math.nan})
    assert math.isnan(nan["Ratio"])


def test_synthetic_response_every_location() -> None:
    operation = synthetic().operation_model("Op")
    precise = MOMENT.replace(microsecond=250000)
    output = {
        "Status": 206,
        "When": MOMENT,
        "WhenIso": precise,
        "WhenEpoch": precise,
        "Names": ["plain", "two words"],
        "Size": 7,
        "Enabled": False,
        "Score": 0.5,
        "Props": {"k": ["v"]},
        "Meta": {"color": "blue"},
        "Inner": {
            "Default": precise,
            "Iso": precise,
            "Rfc": MOMENT,
            "Blob": b"\xff",
            "Doc": {"a": 1},
        },
        "Note": "n",
    }
    response = PROTOCOL.serialize_response(operation, output, "rid")
    assert response.status == 206
    assert response.headers["x-when"] == "Sat, 03 Feb 2024 04:05:06 GMT"
    assert response.headers["x-when-iso"] == "2024-02-03T04:05:06.250Z"
    assert response.headers["x-when-epoch"] == "1706933106.25"
    assert response.headers["x-enabled"] == "false"
    assert json.loads(base64.b64decode(response.headers["x-props"])) == {"k": ["v"]}
    body = json.loads(response.body)
    assert body["Inner"]["Rfc"] == "Sat, 03 Feb 2024 04:05:06 GMT"
    assert body["Inner"]["Default"] == 1706933106.25
    assert body["note"] == "n"
    assert round_trip(operation, output) == output


def test_synthetic_structure_payload() -> None:
    operation = synthetic().operation_model("PayloadOp")
    params = {"Id": "x", "Inner": {"Double": 1.5, "Nested": {"Blob": b"b"}}}
    assert parse(operation, params) == params
    # botocore sends "{}" for an absent structure payload, so it arrives as an empty one.
    assert parse(operation, {"Id": "x"}) == {"Id": "x", "Inner": {}}
    assert raw(operation, headers={"x-id": "x"}) == {"Id": "x"}
    assert round_trip(operation, params) == params
    with pytest.raises(MalformedRequest):
        raw(operation, body=b"[]")
    with pytest.raises(MalformedRequest):
        raw(operation, body=b'{"Double": "x"}')


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("x-when", "not a date"),
        ("x-size", "12abc"),
        ("x-enabled", "yes"),
        ("x-score", "high"),
        ("x-props", "!!notbase64"),
        ("x-props", base64.b64encode(b"{not json").decode()),
        ("x-names", '"unterminated'),
    ],
)
def test_synthetic_malformed_headers(header: str, value: str) -> None:
    operation = synthetic().operation_model("Op")
    with pytest.raises(MalformedRequest):
        raw(operation, path="/things/a/1/k", headers={header: value})


def test_synthetic_malformed_uri_and_query() -> None:
    operation = synthetic().operation_model("Op")
    with pytest.raises(MalformedRequest):
        raw(operation, path="/things/a/one/k")
    with pytest.raises(MalformedRequest):
        raw(operation, path="/things/a/1/k", query="since=never")
    with pytest.raises(MalformedRequest):
        raw(operation, path="/things/a/1/k", query="ratio=%20")


# --- end to end through a real botocore client ----------------------------------------------


def test_end_to_end_lambda_client() -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def handler(operation: str, params: dict[str, Any]) -> Mapping[str, Any]:
        calls.append((operation, params))
        if params.get("FunctionName") == "missing":
            raise ServiceError("ResourceNotFoundException", "Function not found: missing", 404)
        if operation == "Invoke":
            return {
                "StatusCode": 200,
                "Payload": params.get("Payload", b"") + b"!",
                "ExecutedVersion": "1",
            }
        if operation == "PutFunctionConcurrency":
            raise ServiceError(
                "TooManyRequestsException",
                "Rate exceeded",
                429,
                fields={"retryAfterSeconds": "3", "Reason": "CallerRateLimitExceeded"},
            )
        return {}

    client = client_for(RedriveEndpoint(PROTOCOL, "lambda", handler))
    result = client.invoke(FunctionName="f", Payload=b'{"a": 1}', Qualifier="1")
    assert result["StatusCode"] == 200
    assert result["Payload"].read() == b'{"a": 1}!'
    assert result["ExecutedVersion"] == "1"
    assert calls[-1] == ("Invoke", {"FunctionName": "f", "Payload": b'{"a": 1}', "Qualifier": "1"})

    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.get_function(FunctionName="missing")
    assert caught.value.response["Error"]["Message"] == "Function not found: missing"
    assert caught.value.response["Type"] == "User"

    with pytest.raises(client.exceptions.TooManyRequestsException) as throttled:
        client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=5)
    assert throttled.value.response["retryAfterSeconds"] == "3"
    assert throttled.value.response["Reason"] == "CallerRateLimitExceeded"
