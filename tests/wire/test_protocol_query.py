"""The query protocol, proved against botocore both ways (STYLE.md habit 8).

botocore's ``QuerySerializer`` builds a request, which we parse back into the same params;
we serialize outputs and errors, which botocore's ``QueryParser`` reads back into the same
values. Real models (SNS, STS, CloudWatch's query form) and a small synthetic model with every
trait the protocol has (flattened lists and maps, ``locationName`` everywhere, timestamp
formats, special floats).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError
from botocore.model import OperationModel, ServiceModel

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpRequest, HttpResponse
from redrive.wire.protocols import get_protocol
from redrive.wire.protocols.query import QueryProtocol
from tests.wire.botocore_io import (
    RedriveEndpoint,
    botocore_parse,
    botocore_parse_shape,
    botocore_request,
    client_for,
    form,
    model,
    operation,
    request_round_trip,
    response_round_trip,
)

UTC = dt.timezone.utc
PROTOCOL = get_protocol("query")


def parse(op: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
    return request_round_trip(PROTOCOL, op, params)


def round_trip_output(op: OperationModel, output: Mapping[str, Any]) -> dict[str, Any]:
    return response_round_trip(
        PROTOCOL,
        op,
        output,
        "req-1",
        status=200,
        headers={"Content-Type": "text/xml", "x-amzn-RequestId": "req-1"},
    )


# --- a synthetic model with every query trait --------------------------------------------

_MEMBERS: dict[str, Any] = {
    "Text": {"shape": "String"},
    "Renamed": {"shape": "String", "locationName": "OtherName"},
    "Count": {"shape": "Integer"},
    "Big": {"shape": "Long"},
    "Ratio": {"shape": "Double"},
    "Flag": {"shape": "Boolean"},
    "When": {"shape": "Timestamp"},
    "Epoch": {"shape": "EpochTimestamp"},
    "Data": {"shape": "Blob"},
    "Names": {"shape": "StringList"},
    "Items": {"shape": "ItemList"},
    "Flat": {"shape": "FlatList"},
    "FlatNamed": {"shape": "FlatNamedList"},
    "Matrix": {"shape": "Matrix"},
    "Attrs": {"shape": "Attrs"},
    "FlatMap": {"shape": "FlatMap"},
    "MapOfLists": {"shape": "MapOfLists"},
    "Nested": {"shape": "Nested"},
}

SYNTHETIC: dict[str, Any] = {
    "version": "2.0",
    "metadata": {
        "apiVersion": "2024-01-01",
        "endpointPrefix": "synth",
        "protocol": "query",
        "serviceId": "Synth",
        "signatureVersion": "v4",
        "xmlNamespace": "https://synth.example/doc/2024-01-01/",
        "uid": "synth-2024-01-01",
    },
    "operations": {
        "Everything": {
            "name": "Everything",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "Everything"},
            "output": {"shape": "Everything", "resultWrapper": "EverythingResult"},
            "errors": [{"shape": "Boom"}],
        },
    },
    "shapes": {
        "Everything": {"type": "structure", "members": _MEMBERS},
        "String": {"type": "string"},
        "Integer": {"type": "integer"},
        "Long": {"type": "long"},
        "Double": {"type": "double"},
        "Boolean": {"type": "boolean"},
        "Timestamp": {"type": "timestamp"},
        "EpochTimestamp": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
        "Blob": {"type": "blob"},
        "StringList": {"type": "list", "member": {"shape": "String"}},
        "ItemList": {"type": "list", "member": {"shape": "Item", "locationName": "Item"}},
        "Item": {
            "type": "structure",
            "members": {"Key": {"shape": "String"}, "Values": {"shape": "StringList"}},
        },
        "FlatList": {"type": "list", "member": {"shape": "Integer"}, "flattened": True},
        "FlatNamedList": {
            "type": "list",
            "member": {"shape": "Item", "locationName": "Thing"},
            "flattened": True,
        },
        "Matrix": {"type": "list", "member": {"shape": "StringList"}},
        "Attrs": {
            "type": "map",
            "key": {"shape": "String", "locationName": "Name"},
            "value": {"shape": "Item", "locationName": "Value"},
        },
        "FlatMap": {
            "type": "map",
            "key": {"shape": "String"},
            "value": {"shape": "Double"},
            "flattened": True,
        },
        "MapOfLists": {
            "type": "map",
            "key": {"shape": "String"},
            "value": {"shape": "StringList"},
        },
        "Nested": {
            "type": "structure",
            "members": {
                "Inner": {"shape": "Nested"},
                "Label": {"shape": "String", "locationName": "label"},
                "Tags": {"shape": "FlatNamedList"},
            },
        },
        "Boom": {
            "type": "structure",
            "members": {"message": {"shape": "String"}, "Reason": {"shape": "String"}},
            "error": {"code": "BoomCode", "httpStatusCode": 409, "senderFault": True},
            "exception": True,
        },
    },
}


def synthetic() -> OperationModel:
    return ServiceModel(copy.deepcopy(SYNTHETIC), service_name="synth").operation_model(
        "Everything"
    )


FULL_VALUE: dict[str, Any] = {
    "Text": "a b&c=d+e%f/é\u2603",
    "Renamed": "other",
    "Count": -42,
    "Big": 2**53 + 1,
    "Ratio": 0.1,
    "Flag": False,
    "When": dt.datetime(2024, 2, 29, 23, 59, 58, 123000, tzinfo=UTC),
    "Epoch": dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
    "Data": b"\x00\x01binary\xff",
    "Names": ["one", "", "three"],
    "Items": [{"Key": "k1", "Values": ["x", "y"]}, {"Key": "k2", "Values": []}],
    "Flat": [3, 1, 2],
    "FlatNamed": [{"Key": "t1"}, {"Key": "t2", "Values": ["v"]}],
    "Matrix": [["a", "b"], [], ["c"]],
    "Attrs": {"first": {"Key": "f"}, "second": {"Key": "s", "Values": ["1", "2"]}},
    "FlatMap": {"pi": 3.14159, "e": 2.71828},
    "MapOfLists": {"empty": [], "full": ["p", "q"]},
    "Nested": {"Label": "outer", "Inner": {"Label": "inner", "Tags": [{"Key": "deep"}]}},
}


# --- requests: botocore serializes, we parse ----------------------------------------------


def test_synthetic_request_round_trips_every_trait() -> None:
    op = synthetic()
    assert parse(op, FULL_VALUE) == FULL_VALUE


def test_synthetic_request_uses_botocore_flattened_names() -> None:
    sent = form(botocore_request(synthetic(), FULL_VALUE, "query"))
    assert sent["Action"] == "Everything"
    assert sent["Version"] == "2024-01-01"
    assert sent["OtherName"] == "other"
    assert sent["Items.Item.2.Key"] == "k2"
    assert sent["Items.Item.2.Values"] == ""  # an empty list
    assert sent["Flat.3"] == "2"
    assert sent["Thing.2.Values.member.1"] == "v"  # flattened, renamed by its member
    assert sent["Attrs.entry.2.Name"] == "second"
    assert sent["Attrs.entry.2.Value.Values.member.2"] == "2"
    assert sent["FlatMap.1.key"] == "pi"
    assert sent["Nested.Inner.Thing.1.Key"] == "deep"
    assert sent["Epoch"] == "1700000000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Infinity", math.inf), ("-Infinity", -math.inf), ("1e-07", 1e-07), ("-0.5", -0.5)],
)
def test_special_and_exponent_floats(value: str, expected: float) -> None:
    op = synthetic()
    parsed = PROTOCOL.parse_request(op, HttpRequest("POST", "/", body=_body(Ratio=value)), {})
    assert parsed == {"Ratio": expected}


def test_nan_float() -> None:
    parsed = PROTOCOL.parse_request(
        synthetic(), HttpRequest("POST", "/", body=_body(Ratio="NaN")), {}
    )
    assert math.isnan(parsed["Ratio"])


def _body(**params: str) -> bytes:
    return urlencode({"Action": "Everything", "Version": "2024-01-01", **params}).encode()


def test_sns_publish_with_message_attributes() -> None:
    params = {
        "TopicArn": "arn:aws:sns:us-east-1:000000000000:orders",
        "Message": '{"default": "hello & goodbye"}',
        "Subject": "line one\r\nline two",
        "MessageStructure": "json",
        "MessageAttributes": {
            "color": {"DataType": "String", "StringValue": "blue"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x00\xfe"},
            "n": {"DataType": "Number", "StringValue": "3"},
        },
        "MessageGroupId": "g",
    }
    assert parse(operation("sns", "Publish"), params) == params


def test_sns_create_topic_with_attributes_and_tags() -> None:
    params = {
        "Name": "orders.fifo",
        "Attributes": {"FifoTopic": "true", "DisplayName": "Orders"},
        "Tags": [{"Key": "team", "Value": "core"}, {"Key": "env", "Value": ""}],
    }
    assert parse(operation("sns", "CreateTopic"), params) == params


def test_sns_publish_batch_nested_lists_of_maps() -> None:
    params = {
        "TopicArn": "arn:aws:sns:us-east-1:000000000000:t",
        "PublishBatchRequestEntries": [
            {
                "Id": "1",
                "Message": "m1",
                "MessageAttributes": {"a": {"DataType": "String", "StringValue": "x"}},
            },
            {"Id": "2", "Message": "m2"},
        ],
    }
    assert parse(operation("sns", "PublishBatch"), params) == params


def test_sts_assume_role() -> None:
    params = {
        "RoleArn": "arn:aws:iam::000000000000:role/r",
        "RoleSessionName": "session",
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "DurationSeconds": 3600,
        "Tags": [{"Key": "k", "Value": "v"}],
        "TransitiveTagKeys": ["k"],
    }
    assert parse(operation("sts", "AssumeRole"), params) == params


def test_input_less_operation() -> None:
    assert parse(operation("sts", "GetCallerIdentity"), {}) == {}


def test_cloudwatch_put_metric_data_nested_dimension_lists() -> None:
    params = {
        "Namespace": "App/Orders",
        "MetricData": [
            {
                "MetricName": "Latency",
                "Dimensions": [
                    {"Name": "Service", "Value": "checkout"},
                    {"Name": "Stage", "Value": "prod"},
                ],
                "Timestamp": dt.datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC),
                "Values": [1.5, 2.25, 1e-05],
                "Counts": [10.0, 1.0, 3.0],
                "Unit": "Milliseconds",
                "StorageResolution": 1,
            },
            {
                "MetricName": "Errors",
                "Dimensions": [],
                "Value": 0.0,
                "StatisticValues": {"SampleCount": 2.0, "Sum": 3.0, "Minimum": 1.0, "Maximum": 2.0},
            },
        ],
        "StrictEntityValidation": True,
    }
    op = operation("cloudwatch", "PutMetricData")
    sent = form(botocore_request(op, params, "query"))
    assert sent["MetricData.member.1.Dimensions.member.2.Value"] == "prod"
    assert sent["MetricData.member.2.Dimensions"] == ""
    assert parse(op, params) == params


def test_cloudwatch_get_metric_statistics_timestamps() -> None:
    params = {
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
        "StartTime": dt.datetime(2024, 1, 1, tzinfo=UTC),
        "EndTime": dt.datetime(2024, 1, 1, 1, 30, 15, 250000, tzinfo=UTC),
        "Period": 60,
        "Statistics": ["Sum", "Average"],
        "ExtendedStatistics": ["p99"],
    }
    assert parse(operation("cloudwatch", "GetMetricStatistics"), params) == params


def test_get_request_reads_the_query_string() -> None:
    op = operation("sns", "CreateTopic")
    params = {"Name": "t", "Attributes": {"DisplayName": "a b"}, "Tags": []}
    posted = botocore_request(op, params, "query")
    get = HttpRequest("GET", "/", posted.body.decode(), {}, b"")
    assert PROTOCOL.parse_request(op, get, {}) == params


def test_timestamps_in_other_formats_are_accepted() -> None:
    op = operation("cloudwatch", "GetMetricStatistics")
    query = urlencode(
        {
            "Action": "GetMetricStatistics",
            "StartTime": "2024-01-01T00:00:00+02:00",
            "EndTime": "1704067200",
        }
    )
    parsed = PROTOCOL.parse_request(op, HttpRequest("GET", "/", query), {})
    assert parsed["StartTime"] == dt.datetime(2023, 12, 31, 22, tzinfo=UTC)
    assert parsed["EndTime"] == dt.datetime(2024, 1, 1, tzinfo=UTC)


def test_unknown_params_are_ignored() -> None:
    op = operation("sns", "CreateTopic")
    body = urlencode(
        {"Action": "CreateTopic", "Name": "t", "Bogus": "1", "Tags.whatever": "x", "Name.x": "y"}
    ).encode()
    assert PROTOCOL.parse_request(op, HttpRequest("POST", "/", body=body), {}) == {"Name": "t"}


def test_list_indexes_are_sorted_numerically() -> None:
    op = operation("sts", "AssumeRole")
    body = urlencode(
        {
            "TransitiveTagKeys.member.10": "ten",
            "TransitiveTagKeys.member.2": "two",
            "TransitiveTagKeys.member.1": "one",
        }
    ).encode()
    parsed = PROTOCOL.parse_request(op, HttpRequest("POST", "/", body=body), {})
    assert parsed["TransitiveTagKeys"] == ["one", "two", "ten"]


@pytest.mark.parametrize(
    ("service", "op_name", "raw"),
    [
        ("sns", "CreateTopic", b"Action=CreateTopic&Name=%zz"),
        ("sns", "CreateTopic", b"Action=CreateTopic&Name=%ff%fe"),  # not UTF-8 once decoded
        ("sns", "CreateTopic", b"Action=CreateTopic&Name=\xff"),  # raw body not UTF-8
        ("sns", "CreateTopic", b"Action=CreateTopic&Tags.member.x.Key=k"),
        ("sns", "CreateTopic", b"Action=CreateTopic&Tags.member.0.Key=k"),
        ("sns", "CreateTopic", b"Action=CreateTopic&Attributes.entry.1.value=v"),
        ("sts", "AssumeRole", b"Action=AssumeRole&DurationSeconds=12x"),
        ("sts", "AssumeRole", b"Action=AssumeRole&DurationSeconds=1_000"),
        ("sts", "AssumeRole", b"Action=AssumeRole&DurationSeconds=1.5"),
        ("cloudwatch", "PutMetricData", b"MetricData.member.1.Value=abc"),
        ("cloudwatch", "PutMetricData", b"MetricData.member.1.Value=inf"),
        ("cloudwatch", "PutMetricData", b"StrictEntityValidation=yes"),
        ("cloudwatch", "GetMetricStatistics", b"StartTime=yesterday"),
        (
            "sns",
            "Publish",
            b"MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.BinaryValue=!!",
        ),
    ],
)
def test_malformed_input(service: str, op_name: str, raw: bytes) -> None:
    with pytest.raises(MalformedRequest):
        PROTOCOL.parse_request(operation(service, op_name), HttpRequest("POST", "/", body=raw), {})


def test_malformed_query_string_on_get() -> None:
    with pytest.raises(MalformedRequest):
        PROTOCOL.parse_request(
            operation("sns", "ListTopics"), HttpRequest("GET", "/", "Action=ListTopics&x=%G1"), {}
        )


def test_protocol_identity() -> None:
    assert isinstance(PROTOCOL, QueryProtocol)
    assert PROTOCOL.name == "query"
    assert PROTOCOL.serialization_error_code == "MalformedQueryString"


# --- responses: we serialize, botocore parses ---------------------------------------------


def test_synthetic_response_round_trips_every_trait() -> None:
    op = synthetic()
    assert round_trip_output(op, FULL_VALUE) == FULL_VALUE


def test_synthetic_response_layout() -> None:
    op = synthetic()
    body = PROTOCOL.serialize_response(op, FULL_VALUE, "r-1").body.decode()
    assert body.startswith(
        '<EverythingResponse xmlns="https://synth.example/doc/2024-01-01/"><EverythingResult>'
    )
    assert body.endswith(
        "</EverythingResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
        "</EverythingResponse>"
    )
    assert "<When>2024-02-29T23:59:58.123Z</When>" in body
    assert "<Epoch>1700000000</Epoch>" in body
    assert "<Items><Item><Key>k1</Key>" in body
    assert "<Thing><Key>t1</Key></Thing><Thing>" in body
    assert "<FlatMap><key>pi</key><value>3.14159</value></FlatMap>" in body
    assert "<Attrs><entry><Name>first</Name><Value><Key>f</Key></Value></entry>" in body


def test_special_floats_in_output() -> None:
    op = synthetic()
    parsed = round_trip_output(op, {"Ratio": math.inf, "FlatMap": {"n": -math.inf}})
    assert parsed == {"Ratio": math.inf, "FlatMap": {"n": -math.inf}}
    assert math.isnan(round_trip_output(op, {"Ratio": math.nan})["Ratio"])


def test_output_accepts_epoch_numbers_and_str_blobs_and_skips_none() -> None:
    op = synthetic()
    parsed = round_trip_output(
        op, {"When": 1700000000.5, "Data": "text", "Text": None, "Names": ["a", None]}
    )
    assert parsed == {
        "When": dt.datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC),
        "Data": b"text",
        "Names": ["a"],
    }


def test_output_escapes_markup_and_keeps_carriage_returns() -> None:
    op = synthetic()
    text = '<tag attr="x">&amp; ]]> \r\n\t end'
    assert round_trip_output(op, {"Text": text}) == {"Text": text}


def test_wrong_output_type_is_a_bug_not_client_input() -> None:
    with pytest.raises(TypeError):
        PROTOCOL.serialize_response(synthetic(), {"Count": "many"}, "r")


def test_sns_outputs() -> None:
    assert round_trip_output(operation("sns", "Publish"), {"MessageId": "m-1"}) == {
        "MessageId": "m-1"
    }
    topics = {
        "Topics": [{"TopicArn": "arn:aws:sns:us-east-1:000000000000:a"}],
        "NextToken": "tok",
    }
    assert round_trip_output(operation("sns", "ListTopics"), topics) == topics
    attributes = {"Attributes": {"TopicArn": "arn", "Policy": '{"a": "<b>"}'}}
    assert round_trip_output(operation("sns", "GetTopicAttributes"), attributes) == attributes


def test_output_less_operation() -> None:
    op = operation("sns", "DeleteTopic")
    response = PROTOCOL.serialize_response(op, {}, "r-9")
    assert response.body == (
        b'<DeleteTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
        b"<ResponseMetadata><RequestId>r-9</RequestId></ResponseMetadata></DeleteTopicResponse>"
    )
    assert botocore_parse(op, response, "query")["ResponseMetadata"]["RequestId"] == "r-9"


def test_sts_outputs() -> None:
    output = {
        "Credentials": {
            "AccessKeyId": "AKIAEXAMPLE",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": dt.datetime(2024, 1, 1, 1, 0, tzinfo=UTC),
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROA:s", "Arn": "arn:aws:sts::0:assumed-role/r/s"},
        "PackedPolicySize": 6,
    }
    assert round_trip_output(operation("sts", "AssumeRole"), output) == output
    identity = {"UserId": "u", "Account": "000000000000", "Arn": "arn:aws:iam::0:root"}
    assert round_trip_output(operation("sts", "GetCallerIdentity"), identity) == identity


def test_cloudwatch_outputs() -> None:
    stats = {
        "Label": "Errors",
        "Datapoints": [
            {
                "Timestamp": dt.datetime(2024, 1, 1, 0, 1, tzinfo=UTC),
                "Sum": 3.0,
                "SampleCount": 3.0,
                "Unit": "Count",
                "ExtendedStatistics": {"p99": 0.75},
            },
            {"Timestamp": dt.datetime(2024, 1, 1, 0, 2, tzinfo=UTC), "Sum": 0.0},
        ],
    }
    assert round_trip_output(operation("cloudwatch", "GetMetricStatistics"), stats) == stats
    alarms = {
        "MetricAlarms": [
            {
                "AlarmName": "a",
                "ActionsEnabled": True,
                "AlarmActions": ["arn:1", "arn:2"],
                "OKActions": [],
                "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                "Threshold": 1.5,
                "EvaluationPeriods": 2,
                "StateUpdatedTimestamp": dt.datetime(2024, 3, 1, 8, 30, 0, 1000, tzinfo=UTC),
            }
        ],
        "CompositeAlarms": [],
    }
    assert round_trip_output(operation("cloudwatch", "DescribeAlarms"), alarms) == alarms


# --- errors: we serialize, botocore parses ------------------------------------------------


def parse_error(service: str, error: ServiceError) -> tuple[HttpResponse, dict[str, Any]]:
    op = next(iter(model(service).operation_names))
    response = PROTOCOL.serialize_error(model(service), error, "err-1")
    return response, botocore_parse(operation(service, op), response, "query")


def test_error_uses_the_query_code_of_the_shape() -> None:
    error = ServiceError("InvalidParameterValueException", "bad value", 400)
    response, parsed = parse_error("cloudwatch", error)
    assert response.status == 400
    assert response.headers["Content-Type"] == "text/xml"
    assert response.headers["x-amzn-RequestId"] == "err-1"
    assert parsed["Error"] == {
        "Type": "Sender",
        "Code": "InvalidParameterValue",
        "Message": "bad value",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "err-1"


def test_error_given_by_its_query_code() -> None:
    _, parsed = parse_error("cloudwatch", ServiceError("InvalidParameterValue", "m", 400))
    assert parsed["Error"]["Code"] == "InvalidParameterValue"
    _, parsed = parse_error("sns", ServiceError("NotFound", "Topic does not exist", 404))
    assert parsed["Error"]["Code"] == "NotFound"
    assert parsed["Error"]["Message"] == "Topic does not exist"


def test_error_layout_and_server_fault() -> None:
    response, parsed = parse_error("sts", ServiceError("InternalFailure", "oops <&>", 500))
    assert response.status == 500
    assert response.body == (
        b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
        b"<Type>Receiver</Type><Code>InternalFailure</Code><Message>oops &lt;&amp;&gt;</Message>"
        b"</Error><RequestId>err-1</RequestId></ErrorResponse>"
    )
    assert parsed["Error"]["Type"] == "Receiver"


def test_error_fields_and_headers() -> None:
    op = synthetic()
    service = op.service_model
    error = ServiceError(
        "BoomCode", "it broke", 409, fields={"Reason": "because"}, headers={"Retry-After": "1"}
    )
    response = PROTOCOL.serialize_error(service, error, "e")
    assert response.headers["Retry-After"] == "1"
    parsed = botocore_parse(op, response, "query")
    assert parsed["Error"]["Code"] == "BoomCode"
    assert parsed["Error"]["Reason"] == "because"
    modeled = botocore_parse_shape(service.shape_for_error_code("BoomCode"), response, "query")
    assert modeled["Reason"] == "because"


def test_namespace_defaults_from_endpoint_prefix() -> None:
    data = copy.deepcopy(SYNTHETIC)
    del data["metadata"]["xmlNamespace"]
    service = ServiceModel(data, service_name="synth")
    body = PROTOCOL.serialize_error(service, ServiceError("X", "y"), "r").body
    assert body.startswith(b'<ErrorResponse xmlns="https://synth.amazonaws.com/doc/2024-01-01/">')


# --- a real botocore client, end to end ---------------------------------------------------


@pytest.fixture
def sns() -> Iterator[tuple[Any, RedriveEndpoint]]:
    endpoint = RedriveEndpoint(PROTOCOL, "sns")
    client = client_for(endpoint)
    yield client, endpoint
    client.close()


def test_client_end_to_end(sns: tuple[Any, RedriveEndpoint]) -> None:
    client, endpoint = sns
    endpoint.outputs["Publish"] = {"MessageId": "abc"}
    result = client.publish(
        TopicArn="arn:aws:sns:us-east-1:000000000000:t",
        Message="hello",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
    )
    assert result["MessageId"] == "abc"
    assert result["ResponseMetadata"]["RequestId"] == "rid"
    assert endpoint.received == [
        (
            "Publish",
            {
                "TopicArn": "arn:aws:sns:us-east-1:000000000000:t",
                "Message": "hello",
                "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
            },
        )
    ]


def test_client_sees_modeled_exception(sns: tuple[Any, RedriveEndpoint]) -> None:
    client, endpoint = sns
    endpoint.errors["GetTopicAttributes"] = ServiceError("NotFound", "Topic does not exist", 404)
    with pytest.raises(client.exceptions.NotFoundException) as caught:
        client.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:000000000000:none")
    assert isinstance(caught.value, ClientError)
    assert caught.value.response["Error"]["Code"] == "NotFound"
    assert caught.value.response["Error"]["Message"] == "Topic does not exist"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
