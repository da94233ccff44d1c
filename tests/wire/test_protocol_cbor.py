"""The ``smithy-rpc-v2-cbor`` protocol, proved against botocore in both directions.

CloudWatch is the service that uses it in current botocore; it is also ``awsQueryCompatible``,
so its errors reach SDK users under their query codes (``InvalidParameterValue``).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import struct
from collections.abc import Mapping
from typing import Any

import botocore.session
import cbor2
import pytest
from botocore.model import OperationModel

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpRequest
from redrive.wire.protocols import get_protocol
from redrive.wire.protocols.cbor import CborProtocol, decode_cbor, path_operation
from tests.wire.botocore_io import (
    Handler,
    RedriveEndpoint,
    botocore_parse,
    botocore_request,
    client_for,
    model,
    request_round_trip,
    response_round_trip,
)

UTC = dt.timezone.utc
PROTOCOL = get_protocol("smithy-rpc-v2-cbor")
CLOUDWATCH = model("cloudwatch")


def op(name: str) -> OperationModel:
    return CLOUDWATCH.operation_model(name)


def parse(operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
    return request_round_trip(PROTOCOL, operation, params)


def raw(operation: OperationModel, body: bytes) -> dict[str, Any]:
    path = f"/service/GraniteServiceVersion20100801/operation/{operation.name}"
    request = HttpRequest("POST", path, "", {"smithy-protocol": "rpc-v2-cbor"}, body)
    return PROTOCOL.parse_request(operation, request, {})


def round_trip(operation: OperationModel, output: Mapping[str, Any]) -> dict[str, Any]:
    return response_round_trip(
        PROTOCOL, operation, output, headers={"smithy-protocol": "rpc-v2-cbor"}
    )


# --- requests --------------------------------------------------------------------------------


def test_registered_under_botocore_name() -> None:
    assert isinstance(PROTOCOL, CborProtocol)
    assert PROTOCOL.name == "smithy-rpc-v2-cbor"
    assert PROTOCOL.serialization_error_code == "SerializationException"
    assert CLOUDWATCH.metadata["protocol"] == "smithy-rpc-v2-cbor"


def test_put_metric_data_round_trip_and_routing_headers() -> None:
    operation = op("PutMetricData")
    params = {
        "Namespace": "AWS/Lambda",
        "MetricData": [
            {
                "MetricName": "Errors",
                "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                "Timestamp": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
                "Value": 1.5,
                "Unit": "Count",
                "StorageResolution": 1,
            },
            {
                "MetricName": "Duration",
                "Values": [1.0, 2.25, 1e300],
                "Counts": [3.0, 1.0, 1.0],
                "StatisticValues": {"SampleCount": 3, "Sum": 6.5, "Minimum": 0, "Maximum": 4},
            },
        ],
        "StrictEntityValidation": True,
    }
    request = botocore_request(operation, params, "smithy-rpc-v2-cbor")
    assert request.path == "/service/GraniteServiceVersion20100801/operation/PutMetricData"
    assert path_operation(request.path) == ("GraniteServiceVersion20100801", "PutMetricData")
    assert request.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert request.headers["content-type"] == "application/cbor"
    parsed = PROTOCOL.parse_request(operation, request, {})
    assert parsed == params
    assert isinstance(parsed["MetricData"][1]["StatisticValues"]["SampleCount"], float)
    assert parsed["MetricData"][0]["Timestamp"].tzinfo is not None


def test_get_metric_statistics_round_trip() -> None:
    operation = op("GetMetricStatistics")
    params = {
        "Namespace": "AWS/Lambda",
        "MetricName": "Invocations",
        "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
        "StartTime": dt.datetime(2024, 1, 1, tzinfo=UTC),
        "EndTime": dt.datetime(2024, 1, 2, tzinfo=UTC),
        "Period": 60,
        "Statistics": ["Sum", "SampleCount"],
        "ExtendedStatistics": ["p99"],
    }
    assert parse(operation, params) == params


def test_special_floats_from_botocore() -> None:
    operation = op("PutMetricData")
    params = {
        "Namespace": "n",
        "MetricData": [{"MetricName": "m", "Values": [math.inf, -math.inf, math.nan]}],
    }
    values = parse(operation, params)["MetricData"][0]["Values"]
    assert values[:2] == [math.inf, -math.inf]
    assert math.isnan(values[2])


def test_empty_body_and_no_input() -> None:
    assert raw(op("DescribeAlarms"), b"") == {}
    request = botocore_request(op("DescribeAlarms"), {}, "smithy-rpc-v2-cbor")
    assert PROTOCOL.parse_request(op("DescribeAlarms"), request, {}) == {}


def test_indefinite_length_items_and_unknown_members() -> None:
    def text(value: str) -> bytes:
        data = value.encode()
        assert len(data) < 24
        return bytes([0x60 | len(data)]) + data

    body = (
        b"\xbf"  # indefinite map
        + text("AlarmNames")
        + b"\x9f"  # indefinite array
        + b"\x7f"  # indefinite text string in two chunks
        + text("al")
        + text("arm-1")
        + b"\xff"
        + text("alarm-2")
        + b"\xff"
        + text("MaxRecords")
        + b"\x18\x64"  # 100
        + text("Unknown")
        + b"\xa1\x61\x61\xf6"  # {"a": null}
        + text("NextToken")
        + b"\xf7"  # undefined: absent
        + b"\xff"
    )
    assert raw(op("DescribeAlarms"), body) == {
        "AlarmNames": ["alarm-1", "alarm-2"],
        "MaxRecords": 100,
    }


def test_timestamps_tag_1_float_and_plain_numbers() -> None:
    operation = op("GetMetricStatistics")
    tagged_float = cbor2.dumps({"StartTime": cbor2.CBORTag(1, 1704067200.5)})
    assert raw(operation, tagged_float)["StartTime"] == dt.datetime(
        2024, 1, 1, 0, 0, 0, 500000, tzinfo=UTC
    )
    plain = cbor2.dumps({"StartTime": 1704067200})
    assert raw(operation, plain)["StartTime"] == dt.datetime(2024, 1, 1, tzinfo=UTC)
    half = b"\xa1\x69StartTime\xc1\xf9\x3c\x00"  # tag 1 around half-precision 1.0
    assert raw(operation, half)["StartTime"] == dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)


# --- malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"\xff",  # break outside an indefinite item
        b"\x1c",  # reserved additional info
        b"\xa1",  # truncated map
        b"\xa1\x6aAlarmNames",  # key without value
        b"\xa1\x6aAlarmNames\x82\x61a",  # truncated array
        b"\x7a\xff\xff\xff\xff",  # text longer than the body
        b"\xbf\x61a\x01",  # indefinite map without break
        b"\x80",  # an array, not a map
        b"\x61a",  # a text string, not a map
        b"\xf6",  # null
        b"\xa0\x00",  # trailing data after the item
        cbor2.dumps({"AlarmNames": "alarm"}),  # text where a list is expected
        cbor2.dumps({"AlarmNames": [1]}),
        cbor2.dumps({"AlarmNames": {"a": "b"}}),
        cbor2.dumps({"MaxRecords": "100"}),
        cbor2.dumps({"MaxRecords": 1.5}),
        cbor2.dumps({"MaxRecords": True}),
        cbor2.dumps({"MaxRecords": b"\x01"}),
        cbor2.dumps({"AlarmNamePrefix": b"bytes"}),
        cbor2.dumps({"AlarmNamePrefix": cbor2.CBORTag(999, "x")}),
        b"\xa1\x61a\xc1\x61x",  # tag 1 around text
        b"\xa1\x61a\x62\xc3\x28",  # invalid UTF-8 in a text string
        b"\x81" * 100_000,
    ],
)
def test_malformed_bodies(body: bytes) -> None:
    with pytest.raises(MalformedRequest) as caught:
        raw(op("DescribeAlarms"), body)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "document",
    [
        {"MetricData": {"MetricName": "m"}},  # map where a list is expected
        {"MetricData": [["m"]]},  # list where a structure is expected
        {"MetricData": [{"Value": "1"}]},
        {"MetricData": [{"Value": True}]},
        {"MetricData": [{"Timestamp": "2024-01-01"}]},
        {"MetricData": [{"Timestamp": cbor2.CBORTag(1, 1e300)}]},
        {"MetricData": [{"Dimensions": [{"Name": 5}]}]},
        {"StrictEntityValidation": 1},
        {
            "EntityMetricData": [
                {"Entity": {"Attributes": {"k": 1}}, "MetricData": []},
            ]
        },
    ],
)
def test_malformed_member_types(document: dict[str, Any]) -> None:
    with pytest.raises(MalformedRequest):
        raw(op("PutMetricData"), cbor2.dumps(document))


def test_decode_cbor_is_strict_about_one_item() -> None:
    assert decode_cbor(b"\xa1\x61a\x01") == {"a": 1}
    with pytest.raises(MalformedRequest):
        decode_cbor(b"\xa1\x61a\x01\x00")
    with pytest.raises(MalformedRequest):
        decode_cbor(b"")


def test_path_operation() -> None:
    assert path_operation("/service/S/operation/Op") == ("S", "Op")
    assert path_operation("/service/S/operation/") is None
    assert path_operation("/service/S/other/Op") is None
    assert path_operation("/") is None


# --- responses -------------------------------------------------------------------------------


def test_get_metric_statistics_response() -> None:
    operation = op("GetMetricStatistics")
    output = {
        "Label": "Invocations",
        "Datapoints": [
            {
                "Timestamp": dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
                "SampleCount": 3.0,
                "Sum": 6.5,
                "Unit": "Count",
                "ExtendedStatistics": {"p99": 2.5},
            },
            {"Timestamp": 1704164700, "Maximum": 4},
        ],
    }
    response = PROTOCOL.serialize_response(operation, output, "rid")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/cbor"
    decoded = cbor2.loads(response.body)
    assert decoded["Datapoints"][0]["Timestamp"] == dt.datetime(
        2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC
    )
    parsed = round_trip(operation, output)
    assert parsed["Datapoints"][0] == output["Datapoints"][0]
    assert parsed["Datapoints"][1] == {
        "Timestamp": dt.datetime.fromtimestamp(1704164700, UTC),
        "Maximum": 4.0,
    }
    assert parsed["Label"] == "Invocations"


def test_get_metric_data_response_with_lists_and_special_floats() -> None:
    operation = op("GetMetricData")
    stamps = [dt.datetime(2024, 1, 1, 0, minute, tzinfo=UTC) for minute in range(3)]
    output = {
        "MetricDataResults": [
            {
                "Id": "m1",
                "Label": "Errors",
                "Timestamps": stamps,
                "Values": [0.0, math.inf, -1.25],
                "StatusCode": "Complete",
                "Messages": [{"Code": "c", "Value": "v"}],
            }
        ],
        "NextToken": None,
    }
    parsed = round_trip(operation, output)
    result = parsed["MetricDataResults"][0]
    assert result["Timestamps"] == stamps
    assert result["Values"] == [0.0, math.inf, -1.25]
    assert "NextToken" not in parsed
    nan = round_trip(operation, {"MetricDataResults": [{"Id": "x", "Values": [math.nan]}]})
    assert math.isnan(nan["MetricDataResults"][0]["Values"][0])


def test_blob_output() -> None:
    operation = op("GetMetricWidgetImage")
    png = b"\x89PNG\r\n\x1a\n\x00binary"
    assert round_trip(operation, {"MetricWidgetImage": png}) == {"MetricWidgetImage": png}
    assert round_trip(operation, {"MetricWidgetImage": "text"}) == {"MetricWidgetImage": b"text"}


def test_empty_output_is_a_map_and_no_output_is_empty() -> None:
    operation = op("GetMetricWidgetImage")
    response = PROTOCOL.serialize_response(operation, {}, "rid")
    assert cbor2.loads(response.body) == {}
    assert round_trip(operation, {}) == {}
    no_output = op("PutMetricData")
    assert no_output.output_shape is None
    response = PROTOCOL.serialize_response(no_output, {}, "rid")
    assert response.body == b""
    assert (
        botocore_parse(no_output, response, "smithy-rpc-v2-cbor")["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 200
    )


def test_output_skips_none_and_unknown_members() -> None:
    operation = op("DescribeAlarms")
    output = {"MetricAlarms": [{"AlarmName": "a", "Period": None}], "Other": 1, "NextToken": None}
    response = PROTOCOL.serialize_response(operation, output, "rid")
    assert cbor2.loads(response.body) == {"MetricAlarms": [{"AlarmName": "a"}]}


def test_integers_and_floats_are_typed_on_the_wire() -> None:
    operation = op("DescribeAlarms")
    output = {"MetricAlarms": [{"AlarmName": "a", "Period": 60.0, "Threshold": 5}]}
    body = PROTOCOL.serialize_response(operation, output, "rid").body
    alarm = cbor2.loads(body)["MetricAlarms"][0]
    assert alarm["Period"] == 60 and isinstance(alarm["Period"], int)
    assert alarm["Threshold"] == 5.0 and isinstance(alarm["Threshold"], float)


# --- errors ----------------------------------------------------------------------------------


def test_query_compatible_error_code() -> None:
    error = ServiceError("InvalidParameterValue", "The parameter Period must be positive.")
    response = PROTOCOL.serialize_error(CLOUDWATCH, error, "rid")
    assert response.status == 400
    assert response.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert response.headers["Content-Type"] == "application/cbor"
    assert response.headers["x-amzn-query-error"] == "InvalidParameterValue;Sender"
    assert cbor2.loads(response.body) == {
        "__type": "InvalidParameterValueException",
        "message": "The parameter Period must be positive.",
    }
    parsed = botocore_parse(None, response, "smithy-rpc-v2-cbor")
    assert parsed["Error"]["Code"] == "InvalidParameterValue"
    assert parsed["Error"]["QueryErrorCode"] == "InvalidParameterValueException"
    assert parsed["Error"]["Message"] == "The parameter Period must be positive."
    assert parsed["ResponseMetadata"]["RequestId"] == "rid"


def test_error_given_by_shape_name_reads_the_same() -> None:
    error = ServiceError("InvalidParameterValueException", "bad")
    parsed = botocore_parse(
        None, PROTOCOL.serialize_error(CLOUDWATCH, error, "rid"), "smithy-rpc-v2-cbor"
    )
    assert parsed["Error"]["Code"] == "InvalidParameterValue"


def test_error_with_capitalised_message_member_and_server_fault() -> None:
    error = ServiceError("InternalServiceError", "oops", 500)
    response = PROTOCOL.serialize_error(CLOUDWATCH, error, "rid")
    assert cbor2.loads(response.body) == {"__type": "InternalServiceFault", "Message": "oops"}
    assert response.headers["x-amzn-query-error"] == "InternalServiceError;Receiver"
    parsed = botocore_parse(None, response, "smithy-rpc-v2-cbor")["Error"]
    assert parsed["Code"] == "InternalServiceError"
    assert parsed["Message"] == "oops"


def test_unmodeled_error_and_fields() -> None:
    error = ServiceError(
        "ResourceNotFoundException",
        "missing",
        404,
        fields={"ResourceType": "alarm", "ResourceId": "a"},
    )
    response = PROTOCOL.serialize_error(CLOUDWATCH, error, "rid")
    body = cbor2.loads(response.body)
    assert body["ResourceType"] == "alarm"
    assert body["ResourceId"] == "a"
    assert (
        botocore_parse(None, response, "smithy-rpc-v2-cbor")["Error"]["Code"]
        == "ResourceNotFoundException"
    )
    generic = PROTOCOL.serialize_error(CLOUDWATCH, ServiceError("Throttling", "slow"), "rid")
    assert botocore_parse(None, generic, "smithy-rpc-v2-cbor")["Error"]["Code"] == "Throttling"


# --- end to end through a real botocore client ----------------------------------------------


def cbor_only_session() -> botocore.session.Session:
    """A session whose CloudWatch model lists only RPC v2 CBOR.

    botocore prefers ``json`` when a model lists several protocols, so a stock CloudWatch
    client speaks awsJson1_0; this one is made to speak CBOR.
    """
    session = botocore.session.Session()
    loader = session.get_component("data_loader")
    original = loader.load_service_model

    def load_service_model(service_name: str, type_name: str, api_version: Any = None) -> Any:
        loaded = original(service_name, type_name, api_version)
        if service_name == "cloudwatch" and type_name == "service-2":
            loaded = copy.deepcopy(loaded)
            loaded["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
        return loaded

    loader.load_service_model = load_service_model
    return session


def test_stock_botocore_prefers_json_for_cloudwatch() -> None:
    assert CLOUDWATCH.protocols == ["smithy-rpc-v2-cbor", "json", "query"]
    assert CLOUDWATCH.resolved_protocol == "json"
    session = cbor_only_session()
    assert session.get_service_model("cloudwatch").resolved_protocol == "smithy-rpc-v2-cbor"


def cloudwatch_client(handler: Handler) -> Any:
    """A client that speaks RPC v2 CBOR, answered by redrive's protocol."""
    endpoint = RedriveEndpoint(PROTOCOL, "cloudwatch", handler)
    return client_for(endpoint, session=cbor_only_session())


def test_end_to_end_cloudwatch_client() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []
    start = dt.datetime(2024, 1, 1, tzinfo=UTC)

    def handler(operation: str, params: dict[str, Any]) -> Mapping[str, Any]:
        seen.append((operation, params))
        if params.get("Period") == 7:
            raise ServiceError("InvalidParameterValue", "Period must be a multiple of 60")
        if operation == "GetMetricStatistics":
            return {"Label": "Errors", "Datapoints": [{"Timestamp": start, "Sum": 2.0}]}
        return {}

    client = cloudwatch_client(handler)
    client.put_metric_data(
        Namespace="AWS/Lambda", MetricData=[{"MetricName": "Errors", "Value": 1.0}]
    )
    assert seen[-1] == (
        "PutMetricData",
        {"Namespace": "AWS/Lambda", "MetricData": [{"MetricName": "Errors", "Value": 1.0}]},
    )
    stats = client.get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName="Errors",
        StartTime=start,
        EndTime=start + dt.timedelta(hours=1),
        Period=60,
        Statistics=["Sum"],
    )
    assert stats["Datapoints"] == [{"Timestamp": start, "Sum": 2.0}]
    with pytest.raises(client.exceptions.InvalidParameterValueException) as caught:
        client.get_metric_statistics(
            Namespace="n",
            MetricName="m",
            StartTime=start,
            EndTime=start,
            Period=7,
            Statistics=["Sum"],
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == "Period must be a multiple of 60"


def test_float_member_width() -> None:
    # botocore writes "float" members as single precision; they still parse as floats.
    encoded = b"\xa1\x68Priority" + b"\xfa" + struct.pack(">f", 2.5)
    assert cbor2.loads(encoded) == {"Priority": 2.5}
