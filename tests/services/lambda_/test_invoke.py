"""Synchronous Invoke through boto3, as a user sees it (INV, ERR, CONC, OBS)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.lambda_.conftest import ROLE, make_zip
from tests.support import error_of, status_of

HANDLERS = '''
import json, logging, os, sys, time, datetime
COUNT = 0
logger = logging.getLogger()
logger.setLevel(logging.INFO)  # as in AWS: the root logger starts at WARNING

def echo(event, context):
    return event

def nothing(event, context):
    return None

def counter(event, context):
    global COUNT
    COUNT += 1
    return COUNT

def fail(event, context):
    raise ValueError("boom")

def sleeper(event, context):
    before = time.time()
    time.sleep(event["seconds"])
    return {"slept": time.time() - before, "remaining": context.get_remaining_time_in_millis()}

def context_fields(event, context):
    return {
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "group": context.log_group_name,
        "stream": context.log_stream_name,
        "env": {k: os.environ.get(k) for k in event.get("env", [])},
        "client_context": getattr(context.client_context, "custom", None),
    }

def talker(event, context):
    print("printed line")
    logger.info("logged line")
    return "ok"

def exiter(event, context):
    sys.exit(0)

def big(event, context):
    return "x" * (6 * 1024 * 1024 + 200)

def wait_for_file(event, context):
    # computes (never sleeps) until the test creates the file: the clock runs at real speed
    deadline = time.perf_counter() + 20
    while not os.path.exists(event["path"]) and time.perf_counter() < deadline:
        pass
    return "released"

def call_other(event, context):
    import boto3, json as _json
    before = time.time()
    answer = boto3.client("lambda").invoke(
        FunctionName=event["other"], Payload=_json.dumps({"seconds": event["seconds"]})
    )
    return {"waited": time.time() - before, "other": _json.loads(answer["Payload"].read())}

def write_log(event, context):
    import boto3
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName="/from/handler")
    return logs.describe_log_groups(logGroupNamePrefix="/from/")["logGroups"][0]["logGroupName"]
'''


def create(lam: Any, name: str, handler: str, **extra: Any) -> None:
    lam.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=ROLE,
        Handler=f"handlers.{handler}",
        Code={"ZipFile": make_zip({"handlers.py": HANDLERS})},
        **extra,
    )


def invoke(lam: Any, name: str, event: object = None, **extra: Any) -> dict[str, Any]:
    response: dict[str, Any] = lam.invoke(
        FunctionName=name, Payload=json.dumps(event if event is not None else {}), **extra
    )
    response["Body"] = response["Payload"].read()
    return response


@pytest.fixture
def lam(cloud: Cloud) -> Iterator[Any]:
    yield cloud.client("lambda")


def test_echo_returns_200_with_executed_version__INV_2_INV_4(lam: Any) -> None:
    create(lam, "echo", "echo")
    response = invoke(lam, "echo", {"a": [1, 2]})
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert json.loads(response["Body"]) == {"a": [1, 2]}


def test_empty_result_is_null__INV_5(lam: Any) -> None:
    create(lam, "nothing", "nothing")
    assert invoke(lam, "nothing")["Body"] == b"null"


def test_warm_environment_keeps_module_globals(lam: Any, cloud: Cloud) -> None:
    create(lam, "counter", "counter")
    assert [json.loads(invoke(lam, "counter")["Body"]) for _ in range(3)] == [1, 2, 3]
    entries = cloud.ledger(function="counter")
    assert [e["cold"] for e in entries] == [True, False, False]
    assert len({e["environment"] for e in entries}) == 1


def test_exception_is_a_function_error_with_status_200__INV_3_ERR_1(lam: Any) -> None:
    create(lam, "fail", "fail")
    response = invoke(lam, "fail")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    body = json.loads(response["Body"])
    assert list(body) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (body["errorType"], body["errorMessage"]) == ("ValueError", "boom")
    assert body["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert body["stackTrace"][0].startswith('  File "')
    assert 'raise ValueError("boom")' in body["stackTrace"][-1]


def test_request_id_is_the_same_everywhere__INV_17(lam: Any) -> None:
    create(lam, "ctx", "context_fields")
    response = invoke(lam, "ctx", LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    assert json.loads(response["Body"])["request_id"] == request_id
    tail = base64.b64decode(response["LogResult"]).decode()
    assert f"START RequestId: {request_id} Version: $LATEST" in tail
    assert f"END RequestId: {request_id}" in tail
    assert f"REPORT RequestId: {request_id}\t" in tail


def test_context_and_environment_as_aws_sets_them(lam: Any, cloud: Cloud) -> None:
    create(lam, "ctx", "context_fields", MemorySize=256, Environment={"Variables": {"MINE": "1"}})
    keys = [
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV", "_HANDLER", "TZ", "MINE", "AWS_ENDPOINT_URL",
    ]
    client_context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    body = json.loads(invoke(lam, "ctx", {"env": keys}, ClientContext=client_context)["Body"])
    assert body["function_name"] == "ctx"
    assert body["function_version"] == "$LATEST"
    assert body["arn"] == "arn:aws:lambda:us-east-1:000000000000:function:ctx"
    assert body["memory"] == "256"  # a string, as awslambdaric reads it from the environment
    assert body["group"] == "/aws/lambda/ctx"
    assert body["client_context"] == {"k": "v"}
    env = body["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "ctx"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert env["_HANDLER"] == "handlers.context_fields"
    assert env["MINE"] == "1"
    assert env["AWS_ENDPOINT_URL"] == cloud.endpoint_url


def test_sleep_takes_emulated_time_not_real_time(lam: Any, cloud: Cloud) -> None:
    create(lam, "sleeper", "sleeper", Timeout=120)
    invoke(lam, "sleeper", {"seconds": 0})  # cold start out of the way
    before, real = cloud.now(), time.perf_counter()
    body = json.loads(invoke(lam, "sleeper", {"seconds": 60})["Body"])
    assert time.perf_counter() - real < 5  # 60 emulated seconds, not real ones
    assert 60 <= body["slept"] < 61
    assert 59_000 < body["remaining"] <= 60_000
    assert 60 <= cloud.now() - before < 61
    entry = cloud.ledger(function="sleeper")[-1]
    assert 60_000 <= entry["duration_ms"] < 61_000


def test_timeout_is_sandbox_timedout_and_discards_environment__ERR_3_ERR_8_OBS_12(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "slow", "sleeper", Timeout=2)
    invoke(lam, "slow", {"seconds": 0})
    before = cloud.now()
    response = invoke(lam, "slow", {"seconds": 30}, LogType="Tail")
    assert 2 <= cloud.now() - before < 3
    assert response["FunctionError"] == "Unhandled"
    body = json.loads(response["Body"])
    request_id = response["ResponseMetadata"]["RequestId"]
    assert body == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after 2.00 seconds",
    }
    assert "\tStatus: timeout" in base64.b64decode(response["LogResult"]).decode()
    invoke(lam, "slow", {"seconds": 0})
    assert [e["outcome"] for e in cloud.ledger(function="slow")] == [
        "success", "timeout", "success",
    ]
    assert [e["cold"] for e in cloud.ledger(function="slow")] == [True, False, True]


def test_exit_is_runtime_exit_error__ERR_4(lam: Any, cloud: Cloud) -> None:
    create(lam, "exiter", "exiter")
    response = invoke(lam, "exiter")
    body = json.loads(response["Body"])
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Error: Runtime exited without providing a reason")
    assert cloud.ledger(function="exiter")[-1]["outcome"] == "runtime_fault"


def test_oversized_response_is_a_function_error__INV_8_ERR_6(lam: Any) -> None:
    create(lam, "big", "big")
    response = invoke(lam, "big")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Body"]) == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size "
        "(6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }


def test_logs_have_start_end_report_and_handler_lines__OBS_10_OBS_11_OBS_13(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "talker", "talker")
    request_id = invoke(lam, "talker")["ResponseMetadata"]["RequestId"]
    logs = cloud.client("logs")
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/talker")["logStreams"]
    assert len(streams) == 1
    stream = streams[0]["logStreamName"]
    date, rest = stream.rsplit("/", 1)
    assert rest.startswith("[$LATEST]") and len(rest) == len("[$LATEST]") + 32
    assert time.strftime("%Y/%m/%d", time.gmtime(cloud.now())) == date
    events = logs.get_log_events(
        logGroupName="/aws/lambda/talker", logStreamName=stream, startFromHead=True
    )["events"]
    messages = [e["message"] for e in events]
    assert messages[0].startswith("REDRIVE Interpreter: python3.11")
    assert messages[1].startswith("INIT_START Runtime Version: python:3.11.v")
    runtime_arn = lam.get_function(FunctionName="talker")["Configuration"][
        "RuntimeVersionConfig"
    ]["RuntimeVersionArn"]
    assert runtime_arn.startswith("arn:aws:lambda:us-east-1::runtime:")
    assert messages[1].endswith(f"\tRuntime Version ARN: {runtime_arn}\n")
    assert messages[2] == f"START RequestId: {request_id} Version: $LATEST\n"
    assert messages[3] == "printed line\n"
    assert messages[4].startswith("[INFO]\t") and messages[4].endswith(
        f"Z\t{request_id}\tlogged line\n"
    )
    assert messages[5] == f"END RequestId: {request_id}\n"
    report = messages[6]
    assert report.startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    fields = report.rstrip("\n").rstrip("\t").split("\t")
    assert [f.split(":")[0] for f in fields[1:]] == [
        "Duration", "Billed Duration", "Memory Size", "Max Memory Used", "Init Duration",
    ]
    assert fields[3] == "Memory Size: 128 MB"


def test_metrics_count_invocations_errors_and_duration__OBS_2_OBS_3_OBS_5(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "fail", "fail")
    create(lam, "echo", "echo")
    start = cloud.now()
    invoke(lam, "fail")
    invoke(lam, "echo")
    invoke(lam, "echo")
    cw = cloud.client("cloudwatch")

    def total(metric: str, function: str | None, statistic: str = "Sum") -> float:
        dimensions = [] if function is None else [{"Name": "FunctionName", "Value": function}]
        points = cw.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName=metric, Dimensions=dimensions,
            StartTime=start - 60, EndTime=cloud.now() + 60, Period=60, Statistics=[statistic],
        )["Datapoints"]
        return sum(p[statistic] for p in points)

    assert total("Invocations", "echo") == 2
    assert total("Errors", "echo") == 0
    assert total("Invocations", "fail") == 1
    assert total("Errors", "fail") == 1
    assert total("Duration", "echo", "SampleCount") == 2
    # OBS-1: without dimensions, the whole Region's functions
    assert total("Invocations", None) == 3
    assert total("Errors", None) == 1
    listed = cw.list_metrics(Namespace="AWS/Lambda", MetricName="Invocations")["Metrics"]
    assert [] in [m["Dimensions"] for m in listed]


def test_reserved_concurrency_zero_throttles_every_sync_invoke__CONC_8_CONC_11(
    lam: Any, cloud: Cloud
) -> None:
    create(lam, "off", "echo")
    lam.put_function_concurrency(FunctionName="off", ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as caught:
        invoke(lam, "off")
    assert status_of(caught) == 429
    assert error_of(caught) == ("TooManyRequestsException", "Rate Exceeded.")
    assert caught.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    cw = cloud.client("cloudwatch")
    dims = [{"Name": "FunctionName", "Value": "off"}]
    window = {"StartTime": cloud.now() - 60, "EndTime": cloud.now() + 60, "Period": 60}
    throttles = cw.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Throttles", Dimensions=dims, Statistics=["Sum"],
        **window,
    )["Datapoints"]
    assert [p["Sum"] for p in throttles] == [1.0]
    invocations = cw.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Invocations", Dimensions=dims, Statistics=["Sum"],
        **window,
    )["Datapoints"]
    assert invocations == []
    assert [e["outcome"] for e in cloud.ledger(function="off")] == ["throttled"]


def test_reserved_concurrency_one_throttles_the_second_caller__CONC_7(
    lam: Any, cloud: Cloud, tmp_path: Path
) -> None:
    import threading

    create(lam, "one", "wait_for_file", Timeout=30)
    lam.put_function_concurrency(FunctionName="one", ReservedConcurrentExecutions=1)
    release = tmp_path / "release"
    results: list[Any] = []
    first = threading.Thread(
        target=lambda: results.append(invoke(lam, "one", {"path": str(release)}))
    )
    first.start()
    deadline = time.monotonic() + 20
    while not cloud.engine.platform.services["lambda"].concurrency.running(  # type: ignore[attr-defined]
        ("000000000000", "us-east-1", "one")
    ):
        assert time.monotonic() < deadline
        time.sleep(0.005)  # real time: waiting for the other thread's request to arrive
    with pytest.raises(ClientError) as caught:
        invoke(lam, "one", {"path": str(release)})
    assert caught.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    release.touch()
    first.join(30)
    assert json.loads(results[0]["Body"]) == "released"


def test_account_limit_throttles_unreserved_functions__CONC_7() -> None:
    with Cloud(account_concurrency=1) as cloud:
        lam = cloud.client("lambda")
        create(lam, "a", "echo")
        # one slot in all: a function that is running holds it; here nothing runs, so it works
        assert invoke(lam, "a", {"x": 1})["StatusCode"] == 200


def test_invalid_json_payload__INV_9(lam: Any) -> None:
    create(lam, "echo", "echo")
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName="echo", Payload=b"{not json")
    assert status_of(caught) == 400
    code, message = error_of(caught)
    assert code == "InvalidRequestContentException"
    assert message.startswith(
        "Could not parse request body into json: Could not parse payload into json: "
    )


def test_payload_over_6_mb__INV_7(lam: Any) -> None:
    create(lam, "echo", "echo")
    payload = json.dumps("x" * 6_291_456).encode()
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName="echo", Payload=payload)
    assert status_of(caught) == 413
    assert error_of(caught) == (
        "RequestEntityTooLargeException",
        f"{len(payload)} byte payload is too large for the RequestResponse invocation type "
        "(limit 6291456 bytes)",
    )


def test_unknown_function__INV_10(lam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName="doesnotexist", Payload=b"{}")
    assert status_of(caught) == 404
    assert error_of(caught) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:doesnotexist:$LATEST",
    )


def test_dry_run_is_204_and_runs_nothing__INV_18(lam: Any, cloud: Cloud) -> None:
    create(lam, "echo", "echo")
    response = lam.invoke(FunctionName="echo", InvocationType="DryRun", Payload=b"{}")
    assert response["StatusCode"] == 204
    assert cloud.ledger(function="echo") == []


def test_handler_uses_boto3_against_redrive(lam: Any, cloud: Cloud) -> None:
    create(lam, "writer", "write_log")
    assert json.loads(invoke(lam, "writer")["Body"]) == "/from/handler"
    groups = cloud.client("logs").describe_log_groups(logGroupNamePrefix="/from/")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/from/handler"]


def test_ledger_over_the_control_api(cloud: Cloud) -> None:
    import urllib.error
    import urllib.request

    lam = cloud.client("lambda")
    create(lam, "echo", "echo")
    request_id = invoke(lam, "echo")["ResponseMetadata"]["RequestId"]
    with urllib.request.urlopen(f"{cloud.endpoint_url}/_redrive/ledger?function=echo") as r:
        attempts = json.loads(r.read())["attempts"]
    assert [(a["request_id"], a["outcome"], a["attempt"]) for a in attempts] == [
        (request_id, "success", 1)
    ]
    invoke(lam, "echo")
    url = f"{cloud.endpoint_url}/_redrive/ledger?function=echo&request_id={request_id}"
    with urllib.request.urlopen(url) as r:
        assert [a["request_id"] for a in json.loads(r.read())["attempts"]] == [request_id]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{cloud.endpoint_url}/_redrive/ledger?fn=echo")
    assert refused.value.code == 400
    assert "known: function, request_id" in refused.value.read().decode()


def test_a_handler_waiting_on_redrive_does_not_hold_the_clock(lam: Any, cloud: Cloud) -> None:
    """A handler's own boto3 call means its environment waits, not computes (DESIGN.md, Time):
    a function that sync-invokes another one sleeping 300 s costs no real time."""
    create(lam, "sleeper", "sleeper", Timeout=600)
    create(lam, "caller", "call_other", Timeout=600)
    invoke(lam, "caller", {"other": "sleeper", "seconds": 0})  # both cold starts done
    before, real = cloud.now(), time.perf_counter()
    body = json.loads(invoke(lam, "caller", {"other": "sleeper", "seconds": 300})["Body"])
    assert time.perf_counter() - real < 10
    assert 300 <= body["other"]["slept"] < 301
    assert 300 <= body["waited"] < 302
    assert 300 <= cloud.now() - before < 302
