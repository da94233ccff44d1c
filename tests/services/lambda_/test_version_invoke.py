"""Invoking versions and aliases through boto3: the code and configuration that run, the
executed version, weighted routing on the seeded generator, async events through an alias,
per-qualifier settings, metrics by Resource, and a restart (VER-1, VER-2, VER-4, VER-5)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from redrive.errors import ServiceError
from tests.services.lambda_.conftest import ACCOUNT, REGION, ROLE, arn, in_engine, make_zip
from tests.support import error_of

SOURCE = """
import os
RELEASE = "{release}"
COUNT = 0

def handler(event, context):
    global COUNT
    COUNT += 1
    return {{
        "release": RELEASE,
        "count": COUNT,
        "function_version": context.function_version,
        "invoked_arn": context.invoked_function_arn,
        "env_version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
        "stage": os.environ.get("STAGE"),
    }}
"""


def package(release: str) -> bytes:
    return make_zip({"handler.py": SOURCE.format(release=release)})


def deploy(lam: Any, name: str = "orders", **extra: Any) -> None:
    """``name`` with version 1 (release one, STAGE a) and version 2 (release two, STAGE b);
    ``$LATEST`` runs release three."""
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="handler.handler",
        Code={"ZipFile": package("one")},
        Environment={"Variables": {"STAGE": "a"}},
        Publish=True,
        **extra,
    )
    lam.update_function_code(FunctionName=name, ZipFile=package("two"))
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"STAGE": "b"}})
    lam.publish_version(FunctionName=name)
    lam.update_function_code(FunctionName=name, ZipFile=package("three"))


def call(lam: Any, name: str, **extra: Any) -> tuple[str, dict[str, Any]]:
    """(ExecutedVersion, the handler's answer)."""
    response = lam.invoke(FunctionName=name, Payload=b"{}", **extra)
    assert response["StatusCode"] == 200, response
    assert "FunctionError" not in response
    return response["ExecutedVersion"], json.loads(response["Payload"].read())


def test_each_version_runs_its_own_code_and_configuration__VER_1_VER_2(
    lam: Any, cloud: Cloud
) -> None:
    deploy(lam)
    version, answer = call(lam, "orders")
    assert version == "$LATEST"
    assert (answer["release"], answer["function_version"]) == ("three", "$LATEST")
    assert answer["invoked_arn"] == arn("orders")
    for params in (
        {"FunctionName": "orders", "Qualifier": "1"},
        {"FunctionName": "orders:1"},
        {"FunctionName": arn("orders", "1")},
    ):
        name = params.pop("FunctionName")
        version, answer = call(lam, name, **params)
        assert version == "1"
        assert answer["release"] == "one"
        assert answer["stage"] == "a"
        assert (answer["function_version"], answer["env_version"]) == ("1", "1")
        assert answer["invoked_arn"] == arn("orders", "1")
    version, answer = call(lam, "orders", Qualifier="2")
    assert (version, answer["release"], answer["stage"]) == ("2", "two", "b")
    version, answer = call(lam, "orders", Qualifier="$LATEST")
    assert (version, answer["release"]) == ("$LATEST", "three")
    assert answer["invoked_arn"] == arn("orders", "$LATEST")
    # warm environments never mix versions: one per version, each counting its own calls
    entries = cloud.ledger(function="orders")
    by_version: dict[str, set[str]] = {}
    for entry in entries:
        by_version.setdefault(entry["version"], set()).add(entry["environment"])
    assert {v: len(envs) for v, envs in by_version.items()} == {"$LATEST": 1, "1": 1, "2": 1}
    assert call(lam, "orders:1")[1]["count"] == 4


def test_changing_latest_keeps_the_versions_warm__VER_2(lam: Any, cloud: Cloud) -> None:
    deploy(lam)
    call(lam, "orders:1")
    lam.update_function_configuration(FunctionName="orders", Timeout=9)
    call(lam, "orders:1")
    colds = [e["cold"] for e in cloud.ledger(function="orders") if e["version"] == "1"]
    assert colds == [True, False]


def test_alias_runs_the_version_it_points_to__VER_5(lam: Any, cloud: Cloud) -> None:
    deploy(lam)
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    version, answer = call(lam, "orders:live")
    assert (version, answer["release"], answer["function_version"]) == ("1", "one", "1")
    assert answer["invoked_arn"] == arn("orders", "live")
    version, answer = call(lam, "orders", Qualifier="live", LogType="Tail")
    lam.update_alias(FunctionName="orders", Name="live", FunctionVersion="2")
    version, answer = call(lam, arn("orders", "live"))
    assert (version, answer["release"]) == ("2", "two")
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="orders", Qualifier="nope")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Function not found: {arn('orders', 'nope')}",
    )
    # log streams and START lines name the version that ran (OBS-10, OBS-12)
    events = cloud.client("logs", region_name=REGION).filter_log_events(
        logGroupName="/aws/lambda/orders", filterPattern="START"
    )["events"]
    events = [e for e in events if e["message"].startswith("START ")]
    assert {e["message"].split("Version: ")[1].strip() for e in events} == {"1", "2"}
    assert all(e["logStreamName"].split("/")[3][:3] in ("[1]", "[2]") for e in events)


def routed(seed: int, invokes: int) -> list[str]:
    """The executed versions of ``invokes`` calls of an alias weighting version 2 by 0.25."""
    with Cloud(clock="virtual", seed=seed) as cloud:
        lam = cloud.client("lambda", region_name=REGION)
        deploy(lam)
        lam.create_alias(
            FunctionName="orders",
            Name="canary",
            FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}},
        )
        found = []
        for _ in range(invokes):
            version, answer = call(lam, "orders:canary")
            assert answer["release"] == {"1": "one", "2": "two"}[version]
            assert answer["invoked_arn"] == arn("orders", "canary")
            found.append(version)
        return found


def test_weighted_routing_follows_the_weight_and_the_seed__VER_4() -> None:
    first = routed(seed=0, invokes=240)
    counts = Counter(first)
    assert set(counts) == {"1", "2"}
    # binomial(240, 0.25): mean 60, standard deviation 6.7
    assert 35 <= counts["2"] <= 85, counts
    assert routed(seed=0, invokes=60) == first[:60]
    assert routed(seed=7, invokes=60) != first[:60]


def metric_sum(cloud: Cloud, metric: str, dimensions: dict[str, str]) -> float:
    now = dt.datetime.fromtimestamp(cloud.now(), dt.timezone.utc)
    points = cloud.client("cloudwatch", region_name=REGION).get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=metric,
        Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=now - dt.timedelta(hours=1),
        EndTime=now + dt.timedelta(minutes=1),
        Period=7200,
        Statistics=["Sum"],
    )["Datapoints"]
    return float(sum(p["Sum"] for p in points))


def test_metrics_by_resource_and_executed_version__OBS_1(lam: Any, cloud: Cloud) -> None:
    deploy(lam)
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="2")
    call(lam, "orders:live")
    call(lam, "orders:live")
    call(lam, "orders:1")
    call(lam, "orders")
    assert metric_sum(cloud, "Invocations", {"FunctionName": "orders"}) == 4
    by_resource = {"FunctionName": "orders", "Resource": "orders:live"}
    assert metric_sum(cloud, "Invocations", by_resource) == 2
    assert metric_sum(cloud, "Invocations", {**by_resource, "ExecutedVersion": "2"}) == 2
    assert metric_sum(cloud, "Invocations", {"FunctionName": "orders", "Resource": "orders:1"}) == 1
    # a version invoked directly has no ExecutedVersion dimension; unqualified has no Resource
    listed = cloud.client("cloudwatch", region_name=REGION).list_metrics(
        Namespace="AWS/Lambda", MetricName="Invocations"
    )["Metrics"]
    sets = {tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])) for m in listed}
    assert sets == {
        (),
        (("FunctionName", "orders"),),
        (("FunctionName", "orders"), ("Resource", "orders:live")),
        (("ExecutedVersion", "2"), ("FunctionName", "orders"), ("Resource", "orders:live")),
        (("FunctionName", "orders"), ("Resource", "orders:1")),
    }


def test_async_invoke_through_an_alias_uses_its_settings__VER_5_ASYNC_12(
    lam: Any, cloud: Cloud
) -> None:
    deploy(lam)
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    sqs = cloud.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="done")["QueueUrl"]
    queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:done"
    lam.put_function_event_invoke_config(
        FunctionName="orders",
        Qualifier="live",
        DestinationConfig={"OnSuccess": {"Destination": queue_arn}},
    )
    for params in (
        {"FunctionName": "orders:live"},
        {"FunctionName": "orders", "Qualifier": "live"},
    ):
        answer = lam.invoke(InvocationType="Event", Payload=b"{}", **params)
        assert answer["StatusCode"] == 202
    cloud.advance(5)
    attempts = [
        e for e in cloud.ledger(function="orders") if e["kind"] == "attempt" and e.get("outcome")
    ]
    assert [(e["version"], e["qualifier"]) for e in attempts] == [("1", "live"), ("1", "live")]
    records = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(records) == 2
    for message in records:
        record = json.loads(message["Body"])
        assert record["requestContext"]["functionArn"] == arn("orders", "live")
        assert record["requestContext"]["condition"] == "Success"
        assert record["responsePayload"]["release"] == "one"
        assert record["responsePayload"]["invoked_arn"] == arn("orders", "live")


def test_event_invoke_configs_of_versions_and_aliases__ASYNC_12(lam: Any, cloud: Cloud) -> None:
    deploy(lam)
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="1")
    for qualifier, retries in (("1", 0), ("live", 1)):
        put = lam.put_function_event_invoke_config(
            FunctionName="orders", Qualifier=qualifier, MaximumRetryAttempts=retries
        )
        assert put["FunctionArn"] == arn("orders", qualifier)
    settings = in_engine(
        cloud,
        lambda svc: [
            svc.event_invoke_settings(ACCOUNT, REGION, "orders", q).max_retry_attempts
            for q in ("1", "live", "2", None)
        ],
    )
    assert settings == [0, 1, 2, 2]
    listed = lam.list_function_event_invoke_configs(FunctionName="orders")
    assert [c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]] == [
        arn("orders", "1"),
        arn("orders", "live"),
    ]
    lam.delete_alias(FunctionName="orders", Name="live")
    with pytest.raises(ClientError) as exc:
        lam.get_function_event_invoke_config(FunctionName="orders", Qualifier="live")
    assert error_of(exc)[0] == "ResourceNotFoundException"
    lam.delete_function(FunctionName="orders", Qualifier="1")
    assert (
        lam.list_function_event_invoke_configs(FunctionName="orders")["FunctionEventInvokeConfigs"]
        == []
    )


def test_function_spec_resolves_versions_and_aliases(lam: Any, cloud: Cloud) -> None:
    deploy(lam)
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion="2")

    def spec(name: str, qualifier: str | None = None) -> Any:
        return in_engine(cloud, lambda svc: svc.function_spec(ACCOUNT, REGION, name, qualifier))

    one, two, latest = spec("orders", "1"), spec("orders:live"), spec("orders")
    assert (one.version, two.version, latest.version) == ("1", "2", "$LATEST")
    assert one.environment == {"STAGE": "a"}
    assert "one" in (one.code_dir / "handler.py").read_text()
    assert "three" in (latest.code_dir / "handler.py").read_text()
    assert len({one.key, two.key, latest.key}) == 3
    assert one.function_arn == arn("orders")
    with pytest.raises(ServiceError) as exc:
        spec("orders", "nope")
    assert exc.value.message == f"Function not found: {arn('orders', 'nope')}"


def test_dead_letter_queue_is_frozen_per_version__VER_2(lam: Any, cloud: Cloud) -> None:
    first = f"arn:aws:sqs:{REGION}:{ACCOUNT}:first"
    deploy(lam, DeadLetterConfig={"TargetArn": first})
    lam.update_function_configuration(
        FunctionName="orders", DeadLetterConfig={"TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:x"}
    )
    targets = in_engine(
        cloud,
        lambda svc: [svc.dead_letter_target(ACCOUNT, REGION, "orders", q) for q in ("1", None)],
    )
    assert targets == [first, f"arn:aws:sqs:{REGION}:{ACCOUNT}:x"]


def test_reserved_concurrency_is_per_function__CONC_6(lam: Any) -> None:
    deploy(lam)
    lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=0)
    for name in ("orders", "orders:1", "orders:2"):
        with pytest.raises(ClientError) as exc:
            lam.invoke(FunctionName=name, Payload=b"{}")
        assert error_of(exc)[0] == "TooManyRequestsException"


def test_versions_aliases_and_policies_survive_a_restart(tmp_path: Any) -> None:
    with Cloud(data_dir=tmp_path) as cloud:
        lam = cloud.client("lambda", region_name=REGION)
        deploy(lam)
        lam.create_alias(
            FunctionName="orders",
            Name="live",
            FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
        )
        lam.add_permission(
            FunctionName="orders",
            Qualifier="live",
            StatementId="sns",
            Action="lambda:InvokeFunction",
            Principal="sns.amazonaws.com",
        )
        versions = lam.list_versions_by_function(FunctionName="orders")["Versions"]
        alias = lam.get_alias(FunctionName="orders", Name="live")
        policy = lam.get_policy(FunctionName="orders", Qualifier="live")
    with Cloud(data_dir=tmp_path) as cloud:
        lam = cloud.client("lambda", region_name=REGION)
        assert lam.list_versions_by_function(FunctionName="orders")["Versions"] == versions
        assert lam.get_alias(FunctionName="orders", Name="live") | {
            "ResponseMetadata": None
        } == alias | {"ResponseMetadata": None}
        assert (
            lam.get_policy(FunctionName="orders", Qualifier="live")["Policy"] == (policy["Policy"])
        )
        assert call(lam, "orders:1")[1]["release"] == "one"
        assert call(lam, "orders:2")[1]["release"] == "two"
        assert call(lam, "orders")[1]["release"] == "three"
        # numbering continues where it stopped
        lam.update_function_configuration(FunctionName="orders", Description="four")
        assert lam.publish_version(FunctionName="orders")["Version"] == "3"
