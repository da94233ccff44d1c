"""Bad requests get AWS-shaped errors for their protocol, never a 500, and change nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import botocore.auth
import botocore.credentials
import cbor2
import pytest
import urllib3
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.serverproc import ServerProcess

HTTP = urllib3.PoolManager()
NO_CLIENT_VALIDATION = Config(parameter_validation=False)


def signed(
    server: ServerProcess,
    signing_name: str,
    *,
    headers: dict[str, str],
    body: bytes,
    path: str = "/",
    region: str = "us-east-1",
) -> urllib3.BaseHTTPResponse:
    request = AWSRequest("POST", server.endpoint_url + path, data=body, headers=headers)
    credentials = botocore.credentials.Credentials("AKIDTEST", "secret")
    botocore.auth.SigV4Auth(credentials, signing_name, region).add_auth(request)
    return HTTP.request(
        "POST", request.url, body=body, headers=dict(request.headers.items()), retries=False
    )


def json_error(response: urllib3.BaseHTTPResponse) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith("application/x-amz-json")
    body: dict[str, Any] = json.loads(response.data)
    return body


def test_logs_malformed_json_is_a_serialization_error(server: ServerProcess) -> None:
    response = signed(
        server,
        "logs",
        headers={
            "X-Amz-Target": "Logs_20140328.CreateLogGroup",
            "Content-Type": "application/x-amz-json-1.1",
        },
        body=b'{"logGroupName": ',
    )
    assert response.status == 400
    assert json_error(response)["__type"] == "SerializationException"
    assert response.headers["x-amzn-ErrorType"] == "SerializationException"


def test_logs_wrong_member_type_is_a_serialization_error(server: ServerProcess) -> None:
    response = signed(
        server,
        "logs",
        headers={
            "X-Amz-Target": "Logs_20140328.CreateLogGroup",
            "Content-Type": "application/x-amz-json-1.1",
        },
        body=b'{"logGroupName": ["not", "a", "string"]}',
    )
    assert response.status == 400
    assert json_error(response)["__type"] == "SerializationException"
    groups = server.client("logs").describe_log_groups(logGroupNamePrefix="not")["logGroups"]
    assert groups == []


def test_logs_model_validation_uses_invalid_parameter_exception(server: ServerProcess) -> None:
    logs = server.client("logs", config=NO_CLIENT_VALIDATION)
    with pytest.raises(ClientError) as caught:
        logs.create_log_group(logGroupName="")
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "InvalidParameterException"
    # The exact message real AWS sends for an empty name (aws/amazon-genomics-cli#430).
    assert error["Message"] == (
        "2 validation errors detected: Value '' at 'logGroupName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1; Value '' at "
        "'logGroupName' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: [\\.\\-_/#A-Za-z0-9]+"
    )
    with pytest.raises(ClientError) as caught:
        logs.describe_log_groups(limit=51)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "Member must have value less than or equal to 50" in str(caught.value)


def test_cloudwatch_missing_parameter_and_invalid_value(server: ServerProcess) -> None:
    cw = server.client("cloudwatch", config=NO_CLIENT_VALIDATION)
    with pytest.raises(ClientError) as caught:
        cw.put_metric_data(MetricData=[{"MetricName": "M", "Value": 1.0}])
    assert caught.value.response["Error"]["Code"] == "MissingParameter"
    assert caught.value.response["Error"]["Message"] == "The parameter Namespace is required."
    with pytest.raises(ClientError) as caught:
        cw.get_metric_statistics(
            Namespace="N", MetricName="M", StartTime=0, EndTime=60, Period=60,
            Statistics=["Mode"],
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "Member must satisfy enum value set" in caught.value.response["Error"]["Message"]


def test_cloudwatch_bad_cbor_is_a_serialization_error(server: ServerProcess) -> None:
    response = signed(
        server,
        "monitoring",
        path="/service/GraniteServiceVersion20100801/operation/PutMetricData",
        headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
        body=b"\xbf\x61",  # an unfinished map
    )
    assert response.status == 400
    assert response.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert cbor2.loads(response.data)["__type"] == "SerializationException"


def test_cloudwatch_speaks_cbor(server: ServerProcess) -> None:
    namespace = f"Cbor{uuid.uuid4().hex[:8]}"
    body = cbor2.dumps({"Namespace": namespace, "MetricData": [{"MetricName": "M", "Value": 2.0}]})
    response = signed(
        server,
        "monitoring",
        path="/service/GraniteServiceVersion20100801/operation/PutMetricData",
        headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
        body=body,
    )
    assert response.status == 200, response.data
    metrics = server.client("cloudwatch").list_metrics(Namespace=namespace)["Metrics"]
    assert [m["MetricName"] for m in metrics] == ["M"]


def test_cloudwatch_speaks_query_like_aws_cli_v1(server: ServerProcess) -> None:
    response = signed(
        server,
        "monitoring",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        body=b"Action=ListMetrics&Version=2010-08-01&Namespace=Nothing",
    )
    assert response.status == 200
    assert b"<ListMetricsResponse" in response.data
    bad = signed(
        server,
        "monitoring",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        body=b"Action=ListMetrics&Version=2010-08-01&Namespace=%zz",
    )
    assert bad.status == 400
    assert b"<Code>MalformedQueryString</Code>" in bad.data
    missing = signed(
        server,
        "monitoring",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        body=b"Action=GetMetricStatistics&Version=2010-08-01&MetricName=M",
    )
    assert missing.status == 400
    assert b"<Code>MissingParameter</Code>" in missing.data
    assert b"<Type>Sender</Type>" in missing.data


def test_unknown_service_is_a_clear_400(server: ServerProcess) -> None:
    response = signed(
        server,
        "nosuchservice",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "X.Y"},
        body=b"{}",
    )
    assert response.status == 400
    error = json_error(response)
    assert error["__type"] == "UnknownService"
    assert "nosuchservice" in error["message"]


def test_unimplemented_operation_is_501_naming_service_and_operation(
    server: ServerProcess,
) -> None:
    with pytest.raises(ClientError) as caught:
        server.client("logs").start_query(
            logGroupName="/x", startTime=0, endTime=1, queryString="fields @message"
        )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert caught.value.response["Error"]["Code"] == "NotImplemented"
    assert "StartQuery" in caught.value.response["Error"]["Message"]
    assert "logs" in caught.value.response["Error"]["Message"]
    # a known service redrive does not serve at all (and has no plans to)
    with pytest.raises(ClientError) as caught:
        server.client("ecs").list_clusters()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "ListClusters" in caught.value.response["Error"]["Message"]


def test_unknown_json_operation(server: ServerProcess) -> None:
    response = signed(
        server,
        "logs",
        headers={
            "X-Amz-Target": "Logs_20140328.MakeCoffee",
            "Content-Type": "application/x-amz-json-1.1",
        },
        body=b"{}",
    )
    assert response.status == 400
    assert json_error(response)["__type"] == "UnknownOperationException"


def test_region_is_the_one_the_request_was_signed_for(server: ServerProcess) -> None:
    name = f"/regional/{uuid.uuid4().hex[:8]}"
    eu = server.client("logs", region_name="eu-west-1")
    eu.create_log_group(logGroupName=name)
    group = eu.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]
    assert group["arn"] == f"arn:aws:logs:eu-west-1:000000000000:log-group:{name}:*"
    us = server.client("logs", region_name="us-east-1")
    assert us.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
