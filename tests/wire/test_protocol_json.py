"""The ``json`` protocol, proved against botocore in both directions.

botocore serializes a request and redrive parses it; redrive serializes a response or an error
and botocore parses it (and, end to end, a real botocore client receives it).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.model import OperationModel, ServiceModel

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpRequest
from redrive.wire.protocols import get_protocol
from redrive.wire.protocols.json import JsonProtocol, target_operation
from tests.wire.botocore_io import (
    RedriveEndpoint,
    botocore_parse,
    botocore_request,
    client_for,
    model,
    request_round_trip,
)
from tests.wire.botocore_io import operation as op

UTC = dt.timezone.utc
PROTOCOL = get_protocol("json")


def parse(operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
    return request_round_trip(PROTOCOL, operation, params)


def raw(operation: OperationModel, body: bytes) -> dict[str, Any]:
    return PROTOCOL.parse_request(operation, HttpRequest("POST", "/", "", {}, body), {})


def at(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, UTC)


# --- requests: botocore serializes, redrive parses ------------------------------------------


def test_registered_under_botocore_name() -> None:
    assert isinstance(PROTOCOL, JsonProtocol)
    assert PROTOCOL.name == "json"
    assert PROTOCOL.serialization_error_code == "SerializationException"


def test_logs_put_log_events_round_trip() -> None:
    params = {
        "logGroupName": "/aws/lambda/f",
        "logStreamName": "2024/01/01/[$LATEST]abc",
        "logEvents": [
            {"timestamp": 1_700_000_000_123, "message": "START RequestId: 1"},
            {"timestamp": 1_700_000_000_456, "message": "héllo ✓"},
        ],
    }
    assert parse(op("logs", "PutLogEvents"), params) == params


def test_logs_create_log_group_map_and_target_header() -> None:
    operation = op("logs", "CreateLogGroup")
    params = {"logGroupName": "g", "tags": {"team": "a", "env": "dev"}}
    request = botocore_request(operation, params, "json")
    assert target_operation(request) == ("Logs_20140328", "CreateLogGroup")
    assert request.headers["content-type"] == "application/x-amz-json-1.1"
    assert PROTOCOL.parse_request(operation, request, {}) == params


def test_kinesis_blobs_and_timestamps() -> None:
    put = op("kinesis", "PutRecords")
    params: dict[str, Any] = {
        "StreamName": "s",
        "Records": [
            {"Data": b"\x00\xffbinary", "PartitionKey": "p1"},
            {"Data": b"", "PartitionKey": "p2", "ExplicitHashKey": "1"},
        ],
    }
    assert parse(put, params) == params
    iterator = op("kinesis", "GetShardIterator")
    params = {
        "StreamName": "s",
        "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
    }
    parsed = parse(iterator, params)
    assert parsed == params
    assert parsed["Timestamp"].tzinfo is not None


def test_dynamodb_recursive_attribute_values() -> None:
    params = {
        "TableName": "t",
        "Item": {
            "pk": {"S": "a"},
            "n": {"N": "1.5"},
            "b": {"B": b"\x01\x02"},
            "flag": {"BOOL": False},
            "nothing": {"NULL": True},
            "list": {"L": [{"S": "x"}, {"M": {"deep": {"NS": ["1", "2"]}}}]},
            "bs": {"BS": [b"a", b"b"]},
        },
        "ReturnValues": "ALL_OLD",
    }
    assert parse(op("dynamodb", "PutItem"), params) == params


def test_iso_and_float_epoch_timestamps_are_accepted() -> None:
    operation = op("kinesis", "GetShardIterator")
    body = {"StreamName": "s", "ShardId": "x", "ShardIteratorType": "AT_TIMESTAMP"}
    for value, expected in [
        ("2024-01-02T03:04:05Z", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05.250+01:00", dt.datetime(2024, 1, 2, 2, 4, 5, 250000, tzinfo=UTC)),
        ("2024-01-02T03:04:05", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1704164645.5, dt.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        (1704164645, dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ]:
        parsed = raw(operation, json.dumps({**body, "Timestamp": value}).encode())
        assert parsed["Timestamp"] == expected


def test_empty_body_unknown_and_null_members() -> None:
    operation = op("logs", "DescribeLogGroups")
    assert raw(operation, b"") == {}
    assert raw(operation, b"  \n") == {}
    assert raw(operation, b'{"limit": 5, "noSuchMember": [1, 2], "logGroupNamePrefix": null}') == {
        "limit": 5
    }
    # Operations without input take no parameters whatever the body.
    assert raw(op("kinesis", "DescribeLimits"), b'{"x": 1}') == {}


def test_bodies_orjson_refuses_are_read_as_json_reads_them() -> None:
    # orjson parses the common case; integers beyond 64 bits, UTF-16 and a UTF-8 byte order
    # mark fall back to the standard library, which accepts them
    operation = op("logs", "DescribeLogGroups")
    assert raw(operation, b'{"limit": 5, "x": 123456789012345678901234567890}') == {"limit": 5}
    assert raw(operation, '{"limit": 6}'.encode("utf-16")) == {"limit": 6}
    assert raw(operation, b'\xef\xbb\xbf{"limit": 7}') == {"limit": 7}
    with pytest.raises(MalformedRequest, match="Could not parse request body as JSON"):
        raw(operation, b'{"limit": 5')


def test_responses_beyond_64_bit_integers_and_non_ascii_text() -> None:
    operation = op("logs", "DescribeLogGroups")
    output = {"logGroups": [{"logGroupName": "/aws/lambda/ünïcødé ✓", "storedBytes": 2**70}]}
    response = PROTOCOL.serialize_response(operation, output, "req-1")
    assert without_metadata(botocore_parse(operation, response, "json")) == output


def test_integral_floats_for_integers_and_ints_for_doubles() -> None:
    assert raw(op("logs", "DescribeLogGroups"), b'{"limit": 5.0}') == {"limit": 5}
    operation = op("dynamodb", "UpdateTable")
    body = b'{"TableName": "t", "ProvisionedThroughput": {"ReadCapacityUnits": 1.0}}'
    assert raw(operation, body)["ProvisionedThroughput"] == {"ReadCapacityUnits": 1}


# --- malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"limit": 1',
        b"\xff\xfe\x00garbage",
        b"[]",
        b'"a string"',
        b"42",
        b"null",
        b'{"limit": "5"}',  # string where an integer is expected
        b'{"limit": true}',  # boolean where an integer is expected
        b'{"limit": 1.5}',
        b'{"limit": NaN}',
        b'{"limit": 1e999}',
        b'{"logGroupNamePrefix": 5}',  # number where a string is expected
        b'{"logGroupNamePrefix": ["a"]}',
        b'{"includeLinkedAccounts": "true"}',
        b'{"logGroupIdentifiers": "a"}',  # string where a list is expected
        b'{"logGroupIdentifiers": [1]}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_malformed_logs_bodies(body: bytes) -> None:
    with pytest.raises(MalformedRequest):
        raw(op("logs", "DescribeLogGroups"), body)


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        (("logs", "PutLogEvents"), b'{"logEvents": {"timestamp": 1}}'),  # object, not list
        (("logs", "PutLogEvents"), b'{"logEvents": [[1, 2]]}'),  # list, not structure
        (("logs", "CreateLogGroup"), b'{"tags": ["a"]}'),  # list, not map
        (("logs", "CreateLogGroup"), b'{"tags": {"a": 1}}'),
        (("kinesis", "PutRecord"), b'{"Data": "not base64!"}'),
        (("kinesis", "PutRecord"), b'{"Data": 12}'),
        (("kinesis", "GetShardIterator"), b'{"Timestamp": "yesterday"}'),
        (("kinesis", "GetShardIterator"), b'{"Timestamp": true}'),
        (("kinesis", "GetShardIterator"), b'{"Timestamp": 1e300}'),
        (("kinesis", "GetShardIterator"), b'{"Timestamp": {"s": 1}}'),
        (("dynamodb", "PutItem"), b'{"Item": {"a": {"L": [{"M": {"b": {"L": {}}}}]}}}'),
    ],
)
def test_malformed_member_types(operation: tuple[str, str], body: bytes) -> None:
    with pytest.raises(MalformedRequest) as caught:
        raw(op(*operation), body)
    assert caught.value.status == 400


def test_malformed_names_the_member() -> None:
    with pytest.raises(MalformedRequest, match=r"logEvents\[0\]\.timestamp"):
        raw(op("logs", "PutLogEvents"), b'{"logEvents": [{"timestamp": "x"}]}')


def test_deeply_recursive_attribute_values_are_malformed_not_crash() -> None:
    depth = 5000
    body = '{"TableName":"t","Item":{"a":' + '{"L":[' * depth + "]}" * depth + "}}"
    with pytest.raises(MalformedRequest):
        raw(op("dynamodb", "PutItem"), body.encode())


# --- responses: redrive serializes, botocore parses ------------------------------------------


def without_metadata(parsed: dict[str, Any]) -> dict[str, Any]:
    parsed = dict(parsed)
    parsed.pop("ResponseMetadata", None)
    return parsed


def test_logs_response_round_trip_and_headers() -> None:
    operation = op("logs", "DescribeLogGroups")
    output = {
        "logGroups": [
            {
                "logGroupName": "/aws/lambda/f",
                "creationTime": 1_700_000_000_000,
                "retentionInDays": 7,
                "storedBytes": 2**40,
                "arn": "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:*",
            }
        ],
        "nextToken": "tok",
    }
    response = PROTOCOL.serialize_response(operation, output, "req-1")
    assert response.status == 200
    assert response.headers["x-amzn-RequestId"] == "req-1"
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    parsed = botocore_parse(operation, response, "json")
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    assert without_metadata(parsed) == output


def test_dynamodb_json_version_1_0() -> None:
    operation = op("dynamodb", "GetItem")
    output = {"Item": {"pk": {"S": "a"}, "b": {"B": b"\x00\x01"}, "l": {"L": [{"N": "1"}]}}}
    response = PROTOCOL.serialize_response(operation, output, "r")
    assert response.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert without_metadata(botocore_parse(operation, response, "json")) == output


def test_kinesis_blob_and_timestamp_output() -> None:
    operation = op("kinesis", "GetRecords")
    arrival = dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    output = {
        "Records": [
            {
                "SequenceNumber": "1",
                "ApproximateArrivalTimestamp": arrival,
                "Data": b"\x00\x01payload",
                "PartitionKey": "p",
            }
        ],
        "NextShardIterator": "it",
        "MillisBehindLatest": 0,
    }
    response = PROTOCOL.serialize_response(operation, output, "r")
    body = json.loads(response.body)
    assert body["Records"][0]["ApproximateArrivalTimestamp"] == 1704164645.678
    assert body["Records"][0]["Data"] == base64.b64encode(b"\x00\x01payload").decode()
    assert without_metadata(botocore_parse(operation, response, "json")) == output


def test_output_accepts_epoch_seconds_and_str_blobs() -> None:
    operation = op("kinesis", "GetRecords")
    output = {
        "Records": [
            {
                "SequenceNumber": "1",
                "ApproximateArrivalTimestamp": 1704164645,
                "Data": "text",
                "PartitionKey": "p",
            }
        ]
    }
    parsed = botocore_parse(operation, PROTOCOL.serialize_response(operation, output, "r"), "json")
    record = parsed["Records"][0]
    assert record["ApproximateArrivalTimestamp"] == at(1704164645)
    assert record["Data"] == b"text"


def test_output_skips_none_and_unknown_members() -> None:
    operation = op("logs", "DescribeLogGroups")
    output = {"logGroups": [{"logGroupName": "g", "kmsKeyId": None}], "nextToken": None, "x": 1}
    response = PROTOCOL.serialize_response(operation, output, "r")
    assert json.loads(response.body) == {"logGroups": [{"logGroupName": "g"}]}


def test_operation_without_output_shape() -> None:
    operation = op("logs", "DeleteLogGroup")
    assert operation.output_shape is None
    response = PROTOCOL.serialize_response(operation, {}, "r")
    assert response.status == 200
    assert json.loads(response.body) == {}
    assert without_metadata(botocore_parse(operation, response, "json")) == {}


def test_wrong_output_types_are_loud() -> None:
    operation = op("logs", "DescribeLogGroups")
    with pytest.raises(TypeError):
        PROTOCOL.serialize_response(operation, {"logGroups": "g"}, "r")
    with pytest.raises(TypeError):
        PROTOCOL.serialize_response(operation, {"logGroups": [{"retentionInDays": "7"}]}, "r")


# --- errors ----------------------------------------------------------------------------------


def test_modeled_error() -> None:
    error = ServiceError("ResourceNotFoundException", "The specified log group does not exist.")
    response = PROTOCOL.serialize_error(model("logs"), error, "req-9")
    assert response.status == 400
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert "x-amzn-query-error" not in response.headers
    assert json.loads(response.body) == {
        "__type": "ResourceNotFoundException",
        "message": "The specified log group does not exist.",
    }
    parsed = botocore_parse(None, response, "json")
    assert parsed["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "The specified log group does not exist.",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"


def test_unmodeled_error_code_and_server_fault() -> None:
    error = ServiceError("InternalFailure", "boom", 500)
    response = PROTOCOL.serialize_error(model("kinesis"), error, "r")
    assert response.status == 500
    assert botocore_parse(None, response, "json")["Error"] == {
        "Code": "InternalFailure",
        "Message": "boom",
    }


def test_error_fields_are_serialized_through_the_error_shape() -> None:
    error = ServiceError(
        "DataAlreadyAcceptedException",
        "already",
        fields={"expectedSequenceToken": "123", "extra": "kept"},
    )
    response = PROTOCOL.serialize_error(model("logs"), error, "r")
    body = json.loads(response.body)
    assert body["expectedSequenceToken"] == "123"
    assert body["extra"] == "kept"


def test_query_compatible_json_error() -> None:
    # __type names the shape; x-amzn-query-error carries SQS's legacy query code, which
    # botocore makes the error's Code (its QueryErrorCode keeps the shape name)
    sqs = model("sqs")
    error = ServiceError("QueueDoesNotExist", "The specified queue does not exist.")
    response = PROTOCOL.serialize_error(sqs, error, "r")
    assert response.headers["x-amzn-query-error"] == (
        "AWS.SimpleQueueService.NonExistentQueue;Sender"
    )
    assert response.headers["x-amzn-ErrorType"] == "QueueDoesNotExist"
    assert json.loads(response.body)["__type"] == "QueueDoesNotExist"
    parsed = botocore_parse(None, response, "json")["Error"]
    assert parsed["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert parsed["QueryErrorCode"] == "QueueDoesNotExist"
    assert parsed["Type"] == "Sender"
    assert parsed["Message"] == "The specified queue does not exist."
    server = PROTOCOL.serialize_error(sqs, ServiceError("InternalError", "x", 500), "r")
    assert server.headers["x-amzn-query-error"] == "InternalError;Receiver"


@pytest.mark.parametrize(
    ("raised", "shape", "legacy"),
    [
        ("QueueDoesNotExist", "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"),
        (
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
            "AWS.SimpleQueueService.NonExistentQueue",
        ),
        ("QueueNameExists", "QueueNameExists", "QueueAlreadyExists"),
        ("QueueAlreadyExists", "QueueNameExists", "QueueAlreadyExists"),
        ("KmsDisabled", "KmsDisabled", "KMS.DisabledException"),
        ("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid"),
        ("InvalidAttributeName", "InvalidAttributeName", "InvalidAttributeName"),
    ],
)
def test_sqs_errors_may_be_raised_by_shape_name_or_legacy_code(
    raised: str, shape: str, legacy: str
) -> None:
    response = PROTOCOL.serialize_error(model("sqs"), ServiceError(raised, "m"), "r")
    assert json.loads(response.body)["__type"] == shape
    assert response.headers["x-amzn-query-error"] == f"{legacy};Sender"


def test_malformed_request_error_uses_serialization_exception() -> None:
    error = MalformedRequest("bad body")
    error.code = PROTOCOL.serialization_error_code
    response = PROTOCOL.serialize_error(model("logs"), error, "r")
    assert botocore_parse(None, response, "json")["Error"]["Code"] == "SerializationException"


# --- a synthetic model: timestampFormat, floats, documents ------------------------------------


def synthetic(protocol: str) -> ServiceModel:
    return ServiceModel(
        {
            "metadata": {
                "apiVersion": "2024-01-01",
                "endpointPrefix": "synthetic",
                "jsonVersion": "1.1",
                "protocol": protocol,
                "serviceId": "Synthetic",
                "targetPrefix": "Synthetic_20240101",
                "signatureVersion": "v4",
            },
            "operations": {
                "Op": {
                    "name": "Op",
                    "http": {"method": "POST", "requestUri": "/"},
                    "input": {"shape": "Values"},
                    "output": {"shape": "Values"},
                }
            },
            "shapes": {
                "Values": {
                    "type": "structure",
                    "members": {
                        "Default": {"shape": "Time"},
                        "Iso": {"shape": "Time", "timestampFormat": "iso8601"},
                        "Rfc": {"shape": "RfcTime"},
                        "Epoch": {"shape": "IsoTime", "timestampFormat": "unixTimestamp"},
                        "ShapeIso": {"shape": "IsoTime"},
                        "Double": {"shape": "Double"},
                        "Float": {"shape": "Float"},
                        "Doubles": {"shape": "Doubles"},
                        "Doc": {"shape": "Doc"},
                        "Json": {"shape": "JsonString"},
                        "Renamed": {"shape": "String", "locationName": "renamed_on_wire"},
                    },
                },
                "Time": {"type": "timestamp"},
                "IsoTime": {"type": "timestamp", "timestampFormat": "iso8601"},
                "RfcTime": {"type": "timestamp", "timestampFormat": "rfc822"},
                "Double": {"type": "double"},
                "Float": {"type": "float"},
                "Doubles": {"type": "list", "member": {"shape": "Double"}},
                "Doc": {"type": "structure", "members": {}, "document": True},
                "JsonString": {"type": "string", "jsonvalue": True},
                "String": {"type": "string"},
            },
        },
        service_name="synthetic",
    )


def test_timestamp_formats_both_ways() -> None:
    operation = synthetic("json").operation_model("Op")
    moment = dt.datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    params = {"Default": moment, "Iso": moment, "Rfc": moment, "Epoch": moment, "ShapeIso": moment}
    request = botocore_request(operation, params, "json")
    sent = json.loads(request.body)
    assert sent["Default"] == 1706933106
    assert sent["Iso"] == sent["ShapeIso"] == "2024-02-03T04:05:06Z"
    assert sent["Rfc"] == "Sat, 03 Feb 2024 04:05:06 GMT"
    assert sent["Epoch"] == 1706933106
    assert PROTOCOL.parse_request(operation, request, {}) == params

    precise = moment.replace(microsecond=250000)
    output = dict.fromkeys(params, precise)
    response = PROTOCOL.serialize_response(operation, output, "r")
    body = json.loads(response.body)
    assert body["Default"] == body["Epoch"] == 1706933106.25
    assert body["Iso"] == body["ShapeIso"] == "2024-02-03T04:05:06.250Z"
    assert body["Rfc"] == "Sat, 03 Feb 2024 04:05:06 GMT"
    parsed = without_metadata(botocore_parse(operation, response, "json"))
    assert parsed == {**output, "Rfc": moment}


def test_special_floats_documents_and_wire_names() -> None:
    operation = synthetic("json").operation_model("Op")
    params = {
        "Double": math.inf,
        "Float": -math.inf,
        "Doubles": [math.nan, 1, 2.5],
        "Doc": {"any": ["json", 1, None, {"x": True}]},
        "Json": {"free": "form"},
        "Renamed": "r",
    }
    request = botocore_request(operation, params, "json")
    assert json.loads(request.body)["renamed_on_wire"] == "r"
    parsed = PROTOCOL.parse_request(operation, request, {})
    assert parsed["Double"] == math.inf
    assert parsed["Float"] == -math.inf
    assert math.isnan(parsed["Doubles"][0])
    assert parsed["Doubles"][1:] == [1.0, 2.5]
    assert isinstance(parsed["Doubles"][1], float)
    assert parsed["Doc"] == params["Doc"]
    assert parsed["Json"] == params["Json"]
    assert parsed["Renamed"] == "r"

    response = PROTOCOL.serialize_response(operation, parsed, "r")
    body = json.loads(response.body)
    assert body["Double"] == "Infinity"
    assert body["Float"] == "-Infinity"
    assert body["Doubles"][0] == "NaN"
    assert body["renamed_on_wire"] == "r"
    back = without_metadata(botocore_parse(operation, response, "json"))
    # botocore hands the special values back as the strings AWS sends.
    assert back["Double"] == "Infinity"
    assert back["Doubles"][1:] == [1.0, 2.5]
    assert back["Doc"] == params["Doc"]
    assert back["Renamed"] == "r"


# --- end to end through a real botocore client ----------------------------------------------


def test_end_to_end_logs_client() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    def handler(operation: str, params: dict[str, Any]) -> Mapping[str, Any]:
        seen.append((operation, params))
        if operation == "DescribeLogStreams":
            raise ServiceError("ResourceNotFoundException", "no such group")
        return {"nextSequenceToken": "t", "rejectedLogEventsInfo": None}

    client = client_for(RedriveEndpoint(PROTOCOL, "logs", handler))
    result = client.put_log_events(
        logGroupName="g",
        logStreamName="s",
        logEvents=[{"timestamp": 1, "message": "m"}],
    )
    assert result["nextSequenceToken"] == "t"
    assert seen[-1] == (
        "PutLogEvents",
        {
            "logGroupName": "g",
            "logStreamName": "s",
            "logEvents": [{"timestamp": 1, "message": "m"}],
        },
    )
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.describe_log_streams(logGroupName="nope")
    assert caught.value.response["Error"]["Message"] == "no such group"


def test_end_to_end_sqs_query_compatible_error() -> None:
    # boto3/botocore: the modelled exception class, and the legacy query code as Error.Code
    def handler(operation: str, params: dict[str, Any]) -> Mapping[str, Any]:
        raise ServiceError("QueueDoesNotExist", "The specified queue does not exist.")

    client = client_for(RedriveEndpoint(PROTOCOL, "sqs", handler))
    with pytest.raises(client.exceptions.QueueDoesNotExist) as caught:
        client.get_queue_url(QueueName="nope")
    assert caught.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert caught.value.response["Error"]["QueryErrorCode"] == "QueueDoesNotExist"
    assert caught.value.response["Error"]["Type"] == "Sender"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError):
        client.get_queue_url(QueueName="nope")


def test_end_to_end_sqs_error_raised_by_its_legacy_code() -> None:
    def handler(operation: str, params: dict[str, Any]) -> Mapping[str, Any]:
        raise ServiceError("AWS.SimpleQueueService.PurgeQueueInProgress", "Only one", 403)

    client = client_for(RedriveEndpoint(PROTOCOL, "sqs", handler))
    with pytest.raises(client.exceptions.PurgeQueueInProgress) as caught:
        client.purge_queue(QueueUrl="http://localhost:4566/000000000000/q")
    error = caught.value.response["Error"]
    assert error["Code"] == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_end_to_end_cloudwatch_speaks_json_with_stock_botocore() -> None:
    # CloudWatch's model lists smithy-rpc-v2-cbor first, but botocore prefers json.
    assert model("cloudwatch").resolved_protocol == "json"
    seen: list[tuple[str, dict[str, Any]]] = []

    def handler(operation: str, params: dict[str, Any]) -> Mapping[str, Any]:
        seen.append((operation, params))
        if operation == "DescribeAlarms":
            raise ServiceError("InvalidParameterValue", "MaxRecords too large")
        return {"Datapoints": [{"Timestamp": at(1704067200.25), "Average": 1.5}]}

    client = client_for(RedriveEndpoint(PROTOCOL, "cloudwatch", handler))
    start = dt.datetime(2024, 1, 1, tzinfo=UTC)
    result = client.get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName="Errors",
        StartTime=start,
        EndTime=start + dt.timedelta(hours=1),
        Period=60,
        Statistics=["Average"],
    )
    assert result["Datapoints"] == [{"Timestamp": at(1704067200.25), "Average": 1.5}]
    assert seen[-1][1]["StartTime"] == start
    with pytest.raises(client.exceptions.InvalidParameterValueException) as caught:
        client.describe_alarms(MaxRecords=100)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert caught.value.response["Error"]["Message"] == "MaxRecords too large"
