"""Routing real botocore requests (serialized and SigV4-signed by botocore) to operations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from redrive.wire import specs
from redrive.wire.http import HttpRequest
from redrive.wire.router import (
    InvalidAction,
    MissingAction,
    RoutingError,
    UnknownOperation,
    UnknownService,
    credentials,
    route,
)
from tests.wire.botocore_io import (
    ACCESS_KEY_ID,
    ENDPOINT,
    botocore_request,
    http_request,
    sign_v4,
)
from tests.wire.samples import sample_input

IMPLEMENTED = ("logs", "cloudwatch")


def _request(
    service: str,
    operation: str,
    params: dict[str, Any] | None = None,
    protocol: str | None = None,
    **kwargs: Any,
) -> HttpRequest:
    op = specs.service_model(service).operation_model(operation)
    return botocore_request(op, sample_input(op) if params is None else params, protocol, **kwargs)


def _signed_raw(service: str, region: str = "us-east-1", **fields: Any) -> HttpRequest:
    """A request with a real SigV4 header for ``service`` but content of our choosing."""
    method = fields.pop("method", "POST")
    path = fields.pop("path", "/")
    headers = fields.pop("headers", {})
    body = fields.pop("body", b"")
    aws = AWSRequest(method=method, url=f"{ENDPOINT}{path}", headers=headers, data=body)
    sign_v4(aws, service, region)
    return http_request(aws.prepare())


# -- credentials ------------------------------------------------------------------------------


def test_sigv4_header_gives_access_key_region_and_signing_name() -> None:
    request = _request("logs", "DescribeLogGroups", {}, region="eu-central-1")
    assert request.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    creds = credentials(request)
    assert creds is not None
    assert (creds.access_key_id, creds.region, creds.signing_name) == (
        ACCESS_KEY_ID,
        "eu-central-1",
        "logs",
    )


def test_presigned_url_gives_credentials() -> None:
    aws = AWSRequest(method="GET", url="http://127.0.0.1:4566/bucket/key")
    SigV4QueryAuth(BotoCredentials("AKIDPRESIGN", "secret"), "s3", "ap-south-1").add_auth(aws)
    split = urlsplit(aws.prepare().url)
    request = HttpRequest("GET", split.path, split.query, {"host": "127.0.0.1:4566"})
    found = route(request, IMPLEMENTED)
    assert (found.service_name, found.operation_name) == ("s3", "GetObject")
    assert (found.region, found.access_key_id) == ("ap-south-1", "AKIDPRESIGN")
    assert found.uri_params == {"Bucket": "bucket", "Key": "key"}


def test_unsigned_request_defaults_to_us_east_1() -> None:
    found = route(_request("logs", "DescribeLogGroups", {}, sign=False), IMPLEMENTED)
    assert (found.service_name, found.operation_name, found.protocol) == (
        "logs",
        "DescribeLogGroups",
        "json",
    )
    assert (found.region, found.access_key_id) == ("us-east-1", None)


# -- protocols --------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json", "query"])
def test_cloudwatch_speaks_three_protocols(protocol: str) -> None:
    request = _request("cloudwatch", "PutMetricData", None, protocol, region="us-west-2")
    found = route(request, IMPLEMENTED)
    assert (found.service_name, found.operation_name, found.protocol) == (
        "cloudwatch",
        "PutMetricData",
        protocol,
    )
    assert found.region == "us-west-2"
    assert found.operation_model is not None
    assert found.operation_model.name == "PutMetricData"


def test_target_prefix_picks_among_services_sharing_a_signing_name() -> None:
    streams = route(_request("dynamodbstreams", "GetRecords"), IMPLEMENTED)
    tables = route(_request("dynamodb", "DescribeTable"), IMPLEMENTED)
    assert (streams.service_name, streams.operation_name) == ("dynamodbstreams", "GetRecords")
    assert (tables.service_name, tables.operation_name) == ("dynamodb", "DescribeTable")


def test_query_compatible_json_service_accepts_query() -> None:
    found = route(_request("sqs", "SendMessage", None, "query"), IMPLEMENTED)
    assert (found.service_name, found.operation_name, found.protocol) == (
        "sqs",
        "SendMessage",
        "query",
    )


@pytest.mark.parametrize(("version", "service"), [("2012-06-01", "elb"), ("2015-12-01", "elbv2")])
def test_query_version_picks_among_services_sharing_a_signing_name(
    version: str, service: str
) -> None:
    body = f"Action=DescribeLoadBalancers&Version={version}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    found = route(_signed_raw("elasticloadbalancing", headers=headers, body=body), IMPLEMENTED)
    assert (found.service_name, found.operation_name, found.protocol) == (
        service,
        "DescribeLoadBalancers",
        "query",
    )


def test_rest_json_uri_params() -> None:
    request = _request("lambda", "Invoke", {"FunctionName": "my-fn", "Payload": b"{}"})
    found = route(request, IMPLEMENTED)
    assert (found.service_name, found.operation_name, found.protocol) == (
        "lambda",
        "Invoke",
        "rest-json",
    )
    assert found.uri_params == {"FunctionName": "my-fn"}


def test_s3_operations_sharing_a_template_are_told_apart_by_required_bindings() -> None:
    put = route(_request("s3", "PutObject", {"Bucket": "b", "Key": "k"}), IMPLEMENTED)
    copy = route(
        _request("s3", "CopyObject", {"Bucket": "b", "Key": "k", "CopySource": "o/k"}),
        IMPLEMENTED,
    )
    part = route(
        _request("s3", "UploadPart", {"Bucket": "b", "Key": "k", "PartNumber": 1, "UploadId": "u"}),
        IMPLEMENTED,
    )
    assert [put.operation_name, copy.operation_name, part.operation_name] == [
        "PutObject",
        "CopyObject",
        "UploadPart",
    ]


def test_s3_virtual_hosted_bucket() -> None:
    request = _request("s3", "GetObject", {"Bucket": "b", "Key": "dir/k"})
    request.path = "/dir/k"
    request.headers["host"] = "my-bucket.localhost:4566"
    found = route(request, IMPLEMENTED)
    assert (found.operation_name, found.uri_params) == (
        "GetObject",
        {"Bucket": "my-bucket", "Key": "dir/k"},
    )
    request.path = "/"
    request.headers["host"] = "my-bucket.s3.us-east-1.amazonaws.com"
    found = route(request, IMPLEMENTED)
    assert (found.operation_name, found.uri_params) == ("ListObjects", {"Bucket": "my-bucket"})


def test_known_service_that_redrive_does_not_implement_is_routed() -> None:
    found = route(_request("sns", "Publish"), IMPLEMENTED)
    assert (found.service_name, found.operation_name, found.protocol) == (
        "sns",
        "Publish",
        "query",
    )


def test_unsigned_rest_request_matches_implemented_rest_services() -> None:
    request = _request("lambda", "GetFunction", {"FunctionName": "f"}, sign=False)
    found = route(request, ("logs", "lambda"))
    assert (found.service_name, found.operation_name) == ("lambda", "GetFunction")


# -- errors -----------------------------------------------------------------------------------


def _routing_error(request: HttpRequest) -> RoutingError:
    with pytest.raises(RoutingError) as caught:
        route(request, IMPLEMENTED)
    return caught.value


def test_unknown_signing_name() -> None:
    error = _routing_error(_signed_raw("nosuchservice", body=b"{}"))
    assert isinstance(error, UnknownService)
    assert (error.code, error.status) == ("UnknownService", 400)
    assert "nosuchservice" in error.message


def test_json_unknown_operation() -> None:
    request = _request("logs", "DescribeLogGroups", {})
    request.headers["x-amz-target"] = "Logs_20140328.NoSuchOperation"
    error = _routing_error(request)
    assert isinstance(error, UnknownOperation)
    assert (error.code, error.status, error.protocol) == ("UnknownOperationException", 400, "json")
    assert error.service_model is not None
    assert error.service_model.service_name == "logs"
    assert "NoSuchOperation" in error.message


def test_json_wrong_target_prefix_for_the_signing_name() -> None:
    request = _request("logs", "DescribeLogGroups", {})
    request.headers["x-amz-target"] = "DynamoDB_20120810.DescribeTable"
    error = _routing_error(request)
    assert (error.code, error.status) == ("UnknownOperationException", 400)


def test_json_missing_target() -> None:
    request = _request("logs", "DescribeLogGroups", {})
    del request.headers["x-amz-target"]
    error = _routing_error(request)
    assert (error.code, error.status, error.protocol) == ("UnknownOperationException", 400, "json")


def test_cbor_unknown_operation() -> None:
    request = _request("cloudwatch", "ListMetrics", {}, "smithy-rpc-v2-cbor")
    request.path = "/service/GraniteServiceVersion20100801/operation/NoSuchOperation"
    error = _routing_error(request)
    assert (error.code, error.status, error.protocol) == (
        "UnknownOperationException",
        404,
        "smithy-rpc-v2-cbor",
    )


def test_query_invalid_action() -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    body = b"Action=NoSuchThing&Version=2010-03-31"
    error = _routing_error(_signed_raw("sns", headers=headers, body=body))
    assert isinstance(error, InvalidAction)
    assert (error.code, error.status) == ("InvalidAction", 400)
    assert error.message == "The action NoSuchThing is not valid for this web service."


def test_query_missing_action() -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    error = _routing_error(_signed_raw("sns", headers=headers, body=b"Version=2010-03-31"))
    assert isinstance(error, MissingAction)
    assert (error.code, error.status, error.protocol) == ("MissingAction", 400, "query")


def test_rest_no_template_matches() -> None:
    error = _routing_error(_signed_raw("lambda", method="GET", path="/no/such/path"))
    assert isinstance(error, UnknownOperation)
    assert (error.code, error.status, error.protocol) == (
        "UnknownOperationException",
        404,
        "rest-json",
    )


def test_unsigned_request_matching_nothing() -> None:
    error = _routing_error(HttpRequest("GET", "/no/such/path"))
    assert isinstance(error, UnknownService)
    assert error.status == 400
    assert "unsigned" in error.message
