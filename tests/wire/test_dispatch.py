"""The dispatcher: route, 501, parse, validate, call, serialize; never raises."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
from collections.abc import Collection, Mapping
from typing import Any

import pytest

from redrive.errors import ServiceError
from redrive.wire import specs
from redrive.wire.dispatch import Backend, Call, dispatch
from redrive.wire.http import HttpRequest, HttpResponse
from tests.wire.botocore_io import ACCESS_KEY_ID, botocore_parse, botocore_request

pytest.importorskip("redrive.wire.protocols.json")

REQUEST_ID = "req-0001"


class FakeBackend:
    """Implements a fixed set of operations; records calls; answers from a table."""

    def __init__(
        self,
        implemented: Mapping[str, Collection[str]],
        answers: Mapping[str, Any] | None = None,
    ) -> None:
        self.implemented = implemented
        self.answers = dict(answers or {})
        self.calls: list[Call] = []

    @property
    def services(self) -> Collection[str]:
        return self.implemented.keys()

    def implements(self, service: str, operation: str) -> bool:
        return operation in self.implemented.get(service, ())

    async def call(self, call: Call) -> Mapping[str, Any]:
        self.calls.append(call)
        answer = self.answers.get(call.operation, {})
        if isinstance(answer, BaseException):
            raise answer
        result: Mapping[str, Any] = answer
        return result


def _run(request: HttpRequest, backend: Backend) -> HttpResponse:
    return asyncio.run(dispatch(request, backend, REQUEST_ID))


def _logs(operation: str, params: dict[str, Any], **kwargs: Any) -> HttpRequest:
    op = specs.service_model("logs").operation_model(operation)
    return botocore_request(op, params, **kwargs)


def _parsed(service: str, operation: str, response: HttpResponse, protocol: str) -> Any:
    op = specs.service_model(service).operation_model(operation)
    return botocore_parse(op, response, protocol)


LOGS = {"logs": {"CreateLogGroup", "DescribeLogGroups"}}


def test_successful_call_reaches_the_backend_with_route_and_params() -> None:
    backend = FakeBackend(LOGS, {"DescribeLogGroups": {"logGroups": [{"logGroupName": "g"}]}})
    request = _logs("DescribeLogGroups", {"logGroupNamePrefix": "g"}, region="eu-west-1")
    response = _run(request, backend)
    assert response.status == 200
    assert _parsed("logs", "DescribeLogGroups", response, "json")["logGroups"] == [
        {"logGroupName": "g"}
    ]
    assert backend.calls == [
        Call(
            service="logs",
            operation="DescribeLogGroups",
            params={"logGroupNamePrefix": "g"},
            region="eu-west-1",
            access_key_id=ACCESS_KEY_ID,
            request_id=REQUEST_ID,
            protocol="json",
        )
    ]


def test_operation_not_implemented_is_501_naming_service_and_operation() -> None:
    backend = FakeBackend(LOGS)
    response = _run(_logs("DeleteLogGroup", {"logGroupName": "g"}), backend)
    assert response.status == 501
    error = _parsed("logs", "DeleteLogGroup", response, "json")["Error"]
    assert error["Code"] == "NotImplemented"
    assert "DeleteLogGroup" in error["Message"]
    assert "logs" in error["Message"]
    assert backend.calls == []


def test_service_not_implemented_is_501_too() -> None:
    pytest.importorskip("redrive.wire.protocols.query")
    op = specs.service_model("sns").operation_model("Publish")
    request = botocore_request(op, {"Message": "hi", "TopicArn": "arn:aws:sns:us-east-1:0:t"})
    response = _run(request, FakeBackend(LOGS))
    assert response.status == 501
    assert _parsed("sns", "Publish", response, "query")["Error"]["Code"] == "NotImplemented"


def test_validation_error_before_the_backend_runs() -> None:
    backend = FakeBackend(LOGS)
    response = _run(_logs("CreateLogGroup", {"logGroupName": "bad name"}), backend)
    assert response.status == 400
    error = _parsed("logs", "CreateLogGroup", response, "json")["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"].startswith("1 validation error detected: Value 'bad name' at ")
    assert backend.calls == []


def test_service_error_from_the_backend_is_serialized() -> None:
    error = ServiceError("ResourceAlreadyExistsException", "The specified log group already exists")
    backend = FakeBackend(LOGS, {"CreateLogGroup": error})
    response = _run(_logs("CreateLogGroup", {"logGroupName": "g"}), backend)
    assert response.status == 400
    parsed = _parsed("logs", "CreateLogGroup", response, "json")["Error"]
    assert parsed == {
        "Code": "ResourceAlreadyExistsException",
        "Message": "The specified log group already exists",
    }


def test_malformed_body_gets_the_protocols_serialization_error() -> None:
    request = _logs("CreateLogGroup", {"logGroupName": "g"})
    request.body = b"{not json"
    response = _run(request, FakeBackend(LOGS))
    assert response.status == 400
    assert _parsed("logs", "CreateLogGroup", response, "json")["Error"]["Code"] == (
        "SerializationException"
    )


def test_malformed_query_string_gets_malformed_query_string() -> None:
    pytest.importorskip("redrive.wire.protocols.query")
    op = specs.service_model("cloudwatch").operation_model("ListMetrics")
    request = botocore_request(op, {"Namespace": "n"}, "query")
    request.body += b"&Dimensions.member.x.Name=a"  # not an index
    response = _run(request, FakeBackend({"cloudwatch": {"ListMetrics"}}))
    assert response.status == 400
    error = _parsed("cloudwatch", "ListMetrics", response, "query")["Error"]
    assert error["Code"] == "MalformedQueryString"


def test_gzip_request_body_is_inflated() -> None:
    backend = FakeBackend(LOGS)
    request = _logs("CreateLogGroup", {"logGroupName": "zipped"})
    request.body = gzip.compress(request.body)
    request.headers["content-encoding"] = "gzip"
    response = _run(request, backend)
    assert response.status == 200
    assert backend.calls[0].params == {"logGroupName": "zipped"}


def test_gzip_query_body_is_inflated_before_routing() -> None:
    pytest.importorskip("redrive.wire.protocols.query")
    op = specs.service_model("cloudwatch").operation_model("ListMetrics")
    request = botocore_request(op, {"Namespace": "n"}, "query")
    request.body = gzip.compress(request.body)
    request.headers["content-encoding"] = "gzip"
    backend = FakeBackend({"cloudwatch": {"ListMetrics"}})
    response = _run(request, backend)
    assert response.status == 200
    assert backend.calls[0].params == {"Namespace": "n"}


def test_broken_gzip_body_is_a_serialization_error() -> None:
    request = _logs("CreateLogGroup", {"logGroupName": "g"})
    request.body = gzip.compress(request.body)[:-6]
    request.headers["content-encoding"] = "gzip"
    response = _run(request, FakeBackend(LOGS))
    assert response.status == 400
    assert _parsed("logs", "CreateLogGroup", response, "json")["Error"]["Code"] == (
        "SerializationException"
    )


def test_unexpected_exception_is_500_internal_failure_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = FakeBackend(LOGS, {"CreateLogGroup": RuntimeError("boom")})
    with caplog.at_level(logging.ERROR, logger="redrive.wire"):
        response = _run(_logs("CreateLogGroup", {"logGroupName": "g"}), backend)
    assert response.status == 500
    error = _parsed("logs", "CreateLogGroup", response, "json")["Error"]
    assert error == {
        "Code": "InternalFailure",
        "Message": "redrive internal error: RuntimeError: boom",
    }
    assert any(record.exc_info for record in caplog.records)


def test_unknown_json_operation() -> None:
    request = _logs("DescribeLogGroups", {})
    request.headers["x-amz-target"] = "Logs_20140328.FlyToTheMoon"
    response = _run(request, FakeBackend(LOGS))
    assert response.status == 400
    error = _parsed("logs", "DescribeLogGroups", response, "json")["Error"]
    assert error["Code"] == "UnknownOperationException"


def test_unknown_query_action() -> None:
    pytest.importorskip("redrive.wire.protocols.query")
    op = specs.service_model("cloudwatch").operation_model("ListMetrics")
    request = botocore_request(op, {}, "query")
    request.body = request.body.replace(b"Action=ListMetrics", b"Action=ListMagic")
    response = _run(request, FakeBackend({"cloudwatch": {"ListMetrics"}}))
    assert response.status == 400
    error = _parsed("cloudwatch", "ListMetrics", response, "query")["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidAction",
        "The action ListMagic is not valid for this web service.",
    )


def test_unknown_service_without_a_protocol_is_json() -> None:
    request = HttpRequest("POST", "/", headers={"x-amz-target": "NoSuchPrefix.Op"}, body=b"{}")
    response = _run(request, FakeBackend(LOGS))
    assert response.status == 400
    body = json.loads(response.body)
    assert body["__type"] == "UnknownService"
    assert "NoSuchPrefix" in body["message"]


def test_unroutable_form_request_is_answered_in_query_xml() -> None:
    request = HttpRequest(
        "POST",
        "/",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body=b"Foo=bar",
    )
    response = _run(request, FakeBackend(LOGS))
    assert response.status == 400
    assert b"<Code>UnknownService</Code>" in response.body
    assert REQUEST_ID.encode() in response.body


def test_dispatch_never_raises_even_when_the_backend_is_broken() -> None:
    class Broken(FakeBackend):
        @property
        def services(self) -> Collection[str]:
            raise KeyError("no services today")

    response = _run(_logs("DescribeLogGroups", {}), Broken(LOGS))
    assert response.status == 500
    assert b"InternalFailure" in response.body
