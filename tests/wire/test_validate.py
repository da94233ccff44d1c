"""Input validation against model constraints, in AWS's words (redrive.wire.validate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from redrive.errors import MalformedRequest
from redrive.wire import quirks, specs
from redrive.wire.validate import ValidationError, problems, validate
from tests.wire.samples import sample_input

UTC = dt.timezone.utc


def _error(service: str, operation: str, params: dict[str, Any]) -> ValidationError:
    op = specs.service_model(service).operation_model(operation)
    with pytest.raises(ValidationError) as caught:
        validate(service, op, params)
    return caught.value


def _ok(service: str, operation: str, params: dict[str, Any]) -> None:
    validate(service, specs.service_model(service).operation_model(operation), params)


def test_missing_required_member() -> None:
    error = _error("logs", "CreateLogGroup", {})
    assert (error.code, error.status, error.sender_fault) == (
        "InvalidParameterException",
        400,
        True,
    )
    assert error.message == (
        "1 validation error detected: Value null at 'logGroupName' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_length_and_pattern_are_separate_problems() -> None:
    name = "a b" + "c" * 600
    error = _error("logs", "CreateLogGroup", {"logGroupName": name})
    assert error.message == (
        f"2 validation errors detected: Value '{name}' at 'logGroupName' failed to satisfy "
        "constraint: Member must have length less than or equal to 512; "
        f"Value '{name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy "
        r"regular expression pattern: [\.\-_/#A-Za-z0-9]+"
    )


def test_min_length_and_pattern() -> None:
    error = _error("logs", "CreateLogGroup", {"logGroupName": ""})
    assert error.message == (
        "2 validation errors detected: Value '' at 'logGroupName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1; Value '' at "
        "'logGroupName' failed to satisfy constraint: Member must satisfy regular expression "
        r"pattern: [\.\-_/#A-Za-z0-9]+"
    )


def test_range_values_are_quoted_like_aws() -> None:
    error = _error("logs", "GetLogEvents", {"logStreamName": "s", "limit": 0})
    assert error.message == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_enum() -> None:
    error = _error("logs", "DescribeLogStreams", {"orderBy": "Newest"})
    assert error.message == (
        "1 validation error detected: Value 'Newest' at 'orderBy' failed to satisfy "
        "constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]"
    )


def test_nested_list_member_path() -> None:
    params = {"Namespace": "app", "MetricData": [{"MetricName": "m"}, {"Value": 1.0}]}
    error = _error("cloudwatch", "PutMetricData", params)
    assert error.code == "InvalidParameterValue"
    assert error.message == (
        "1 validation error detected: Value null at 'metricData.2.member.metricName' "
        "failed to satisfy constraint: Member must not be null"
    )


def test_cloudwatch_missing_top_level_parameter() -> None:
    error = _error("cloudwatch", "PutMetricData", {"MetricData": []})
    assert (error.code, error.status) == ("MissingParameter", 400)
    assert error.message == "The parameter Namespace is required."


def test_list_length_and_value_rendering() -> None:
    names = [f"s{i}" for i in range(101)]
    error = _error("logs", "FilterLogEvents", {"logGroupName": "g", "logStreamNames": names})
    assert error.message == (
        "1 validation error detected: Value '[s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, "
        "s11, s12, s13, s14, s15, s16, s17, s18, s19, ...]' at 'logStreamNames' failed to "
        "satisfy constraint: Member must have length less than or equal to 100"
    )
    error = _error("logs", "FilterLogEvents", {"logGroupName": "g", "logStreamNames": []})
    assert "Value '[]' at 'logStreamNames'" in error.message


def test_list_element_path() -> None:
    error = _error("logs", "FilterLogEvents", {"logGroupName": "g", "logStreamNames": ["a:b"]})
    assert "Value 'a:b' at 'logStreamNames.1.member' failed to satisfy constraint" in (
        error.message
    )


def test_blob_is_written_as_a_java_byte_buffer() -> None:
    data = b"x" * 10485761
    error = _error("kinesis", "PutRecord", {"Data": data, "PartitionKey": "p"})
    assert error.code == "ValidationException"
    assert error.message == (
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 "
        "cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less "
        "than or equal to 10485760"
    )


def test_map_keys() -> None:
    error = _error("logs", "CreateLogGroup", {"logGroupName": "g", "tags": {"": "v"}})
    assert error.message.startswith(
        "1 validation error detected: Value '{=v}' at 'tags' failed to satisfy constraint: "
        "Map keys must satisfy constraint: [Member must have length less than or equal to "
        "128, Member must have length greater than or equal to 1, "
    )


def test_java_only_patterns_are_skipped() -> None:
    # tag keys have the pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$, which Python cannot compile
    _ok("logs", "CreateLogGroup", {"logGroupName": "g", "tags": {"any thing!": "v"}})


def test_lambda_uses_validation_exception() -> None:
    error = _error("lambda", "GetFunction", {"FunctionName": "no spaces allowed"})
    assert error.code == "ValidationException"
    assert error.message.startswith(
        "1 validation error detected: Value 'no spaces allowed' at 'functionName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
    )


def test_default_style_is_validation_exception() -> None:
    assert quirks.validation_style("sqs") == quirks.DEFAULT_VALIDATION
    error = _error("sqs", "GetQueueUrl", {})
    assert (error.code, error.status) == ("ValidationException", 400)


def test_wrong_python_type_is_a_malformed_request() -> None:
    op = specs.service_model("logs").operation_model("GetLogEvents")
    with pytest.raises(MalformedRequest) as caught:
        validate("logs", op, {"logStreamName": "s", "limit": "ten"})
    assert "'limit'" in caught.value.message
    with pytest.raises(MalformedRequest):
        validate("logs", op, {"logStreamName": "s", "startFromHead": 1})


def test_valid_values_of_every_type_pass() -> None:
    _ok(
        "logs",
        "GetLogEvents",
        {
            "logGroupName": "g",
            "logStreamName": "s",
            "startTime": 0,
            "limit": 10000,
            "startFromHead": True,
        },
    )
    _ok(
        "cloudwatch",
        "PutMetricData",
        {
            "Namespace": "n",
            "MetricData": [
                {
                    "MetricName": "m",
                    "Timestamp": dt.datetime(2024, 1, 1, tzinfo=UTC),
                    "Value": 1,
                    "Dimensions": [{"Name": "a", "Value": "b"}],
                }
            ],
        },
    )


@pytest.mark.parametrize("service", ["logs", "cloudwatch", "lambda", "sqs", "s3", "kinesis"])
def test_model_generated_samples_are_valid(service: str) -> None:
    model = specs.service_model(service)
    for name in model.operation_names:
        op = model.operation_model(name)
        if op.input_shape is not None:
            assert problems(op.input_shape, sample_input(op, seed=7)) == [], name


# -- members a service checks itself (quirks.MEMBER_ERRORS) -----------------------------------

_LAMBDA_FUNCTION = {
    "FunctionName": "f",
    "Role": "arn:aws:iam::000000000000:role/r",
    "Code": {"ZipFile": b"zip"},
}


@pytest.mark.parametrize("operation", ["CreateFunction", "UpdateFunctionConfiguration"])
def test_lambda_runtime_outside_the_model_enum_is_invalid_parameter_value(operation: str) -> None:
    params = {**_LAMBDA_FUNCTION, "Runtime": "non-existent-runtime"}
    if operation == "UpdateFunctionConfiguration":
        params = {"FunctionName": "f", "Runtime": "non-existent-runtime"}
    error = _error("lambda", operation, params)
    assert (error.code, error.status) == ("InvalidParameterValueException", 400)
    assert error.message.startswith(
        "Value non-existent-runtime at 'runtime' failed to satisfy constraint: Member must "
        "satisfy enum value set: [nodejs20.x, python3.14, "
    )
    assert error.message.endswith(", python3.8, python3.9] or be a valid ARN")
    assert [p.path for p in error.problems] == ["runtime"]


def test_other_problems_come_first_and_leave_the_runtime_out() -> None:
    params = {**_LAMBDA_FUNCTION, "Runtime": "PYTHON3.9", "Timeout": 0}
    error = _error("lambda", "CreateFunction", params)
    assert error.code == "ValidationException"
    assert error.message == (
        "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_member_errors_are_per_operation() -> None:
    assert quirks.member_error("lambda", "CreateFunction", "runtime") is not None
    assert quirks.member_error("lambda", "CreateFunction", "handler") is None
    assert quirks.member_error("lambda", "PublishLayerVersion", "compatibleRuntimes") is None
    _ok("lambda", "CreateFunction", {**_LAMBDA_FUNCTION, "Runtime": "python3.12"})
