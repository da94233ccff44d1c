"""PutFunctionEventInvokeConfig, UpdateFunctionEventInvokeConfig, GetFunctionEventInvokeConfig,
DeleteFunctionEventInvokeConfig and ListFunctionEventInvokeConfigs (ASYNC-11..13, DEST-1),
through boto3 against a running redrive, and the settings the async engine reads."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from redrive.errors import ServiceError
from redrive.services.lambda_ import state
from redrive.services.lambda_.event_invoke_config import EventInvokeSettings
from tests.services.lambda_.conftest import ACCOUNT, REGION, arn, create, in_engine
from tests.support import error_of, status_of

QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"
OTHER_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:successes"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:topic"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
BUCKET = "arn:aws:s3:::failures-bucket"
EMPTY_DESTINATIONS = {"OnSuccess": {}, "OnFailure": {}}
DOESNT_EXIST = ("ResourceNotFoundException", "The function doesn't exist.")


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def without_time(config: dict[str, Any]) -> dict[str, Any]:
    out = body(config)
    out.pop("LastModified")
    return out


def no_config(name: str, qualifier: str = "$LATEST") -> tuple[str, str]:
    return (
        "ResourceNotFoundException",
        f"The function {arn(name, qualifier)} doesn't have an EventInvokeConfig",
    )


def configs(lam: Any, name: str) -> list[dict[str, Any]]:
    """Every config of ``name``, without their LastModified (to compare before and after)."""
    found = lam.list_function_event_invoke_configs(FunctionName=name)
    return [without_time(item) for item in found["FunctionEventInvokeConfigs"]]


def settings_of(cloud: Cloud, name: str, qualifier: str | None = None) -> EventInvokeSettings:
    return in_engine(cloud, lambda svc: svc.event_invoke_settings(ACCOUNT, REGION, name, qualifier))


def destination_pattern() -> str:
    model = botocore.session.get_session().get_service_model("lambda")
    return str(model.shape_for("DestinationArn").metadata["pattern"])


@pytest.fixture
def fn(lam: Any) -> str:
    """An existing function, ``orders``."""
    create(lam, "orders")
    return "orders"


# -- ASYNC-11: shapes, Put replaces, Update merges --------------------------------------------


def test_put_answers_only_the_set_fields__ASYNC_11(cloud: Cloud, lam: Any, fn: str) -> None:
    response = lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    answer = body(response)
    assert answer.pop("LastModified").timestamp() == pytest.approx(cloud.now(), abs=0.01)
    assert answer == {
        "DestinationConfig": EMPTY_DESTINATIONS,
        "FunctionArn": arn(fn, "$LATEST"),
        "MaximumRetryAttempts": 0,
    }


def test_get_and_list_answer_what_put_stored__ASYNC_11(lam: Any, fn: str) -> None:
    put = lam.put_function_event_invoke_config(
        FunctionName=fn,
        MaximumRetryAttempts=1,
        MaximumEventAgeInSeconds=120,
        DestinationConfig={"OnSuccess": {"Destination": OTHER_QUEUE}},
    )
    got = lam.get_function_event_invoke_config(FunctionName=fn)
    assert body(got) == body(put)
    assert body(got)["DestinationConfig"] == {
        "OnSuccess": {"Destination": OTHER_QUEUE},
        "OnFailure": {},
    }
    listed = lam.list_function_event_invoke_configs(FunctionName=fn)
    assert body(listed) == {"FunctionEventInvokeConfigs": [body(put)]}


def test_last_modified_follows_the_emulated_clock__ASYNC_11(
    cloud: Cloud, lam: Any, fn: str
) -> None:
    first = lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=1)
    cloud.advance(3600)
    second = lam.update_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=2)
    elapsed = second["LastModified"].timestamp() - first["LastModified"].timestamp()
    assert elapsed == pytest.approx(3600, abs=0.01)
    got = lam.get_function_event_invoke_config(FunctionName=fn)
    assert got["LastModified"] == second["LastModified"]


def test_put_replaces_whole_config__ASYNC_11(lam: Any, fn: str) -> None:
    lam.put_function_event_invoke_config(
        FunctionName=fn,
        MaximumRetryAttempts=2,
        MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": QUEUE}},
    )
    replaced = lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    expected = {
        "DestinationConfig": EMPTY_DESTINATIONS,
        "FunctionArn": arn(fn, "$LATEST"),
        "MaximumRetryAttempts": 0,
    }
    assert without_time(replaced) == expected
    assert without_time(lam.get_function_event_invoke_config(FunctionName=fn)) == expected


def test_update_changes_only_the_given_fields__ASYNC_11(lam: Any, fn: str) -> None:
    lam.put_function_event_invoke_config(
        FunctionName=fn,
        MaximumRetryAttempts=2,
        MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": QUEUE}},
    )
    updated = lam.update_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    expected = {
        "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": QUEUE}},
        "FunctionArn": arn(fn, "$LATEST"),
        "MaximumRetryAttempts": 0,
        "MaximumEventAgeInSeconds": 60,
    }
    assert without_time(updated) == expected
    assert without_time(lam.get_function_event_invoke_config(FunctionName=fn)) == expected


def test_update_replaces_the_destination_config_as_a_whole__ASYNC_11(lam: Any, fn: str) -> None:
    lam.put_function_event_invoke_config(
        FunctionName=fn,
        MaximumEventAgeInSeconds=600,
        DestinationConfig={"OnFailure": {"Destination": QUEUE}},
    )
    updated = lam.update_function_event_invoke_config(
        FunctionName=fn, DestinationConfig={"OnSuccess": {"Destination": OTHER_QUEUE}}
    )
    assert without_time(updated) == {
        "DestinationConfig": {"OnSuccess": {"Destination": OTHER_QUEUE}, "OnFailure": {}},
        "FunctionArn": arn(fn, "$LATEST"),
        "MaximumEventAgeInSeconds": 600,
    }


@pytest.mark.parametrize(
    "settings",
    [
        {"MaximumRetryAttempts": 0},
        {"MaximumRetryAttempts": 2},
        {"MaximumEventAgeInSeconds": 60},
        {"MaximumEventAgeInSeconds": 21600},
    ],
)
def test_limits_are_inclusive__ASYNC_11(lam: Any, fn: str, settings: dict[str, int]) -> None:
    answer = lam.put_function_event_invoke_config(FunctionName=fn, **settings)
    for member, value in settings.items():
        assert answer[member] == value


@pytest.mark.parametrize(
    ("member", "value", "constraint"),
    [
        ("MaximumRetryAttempts", 3, "Member must have value less than or equal to 2"),
        ("MaximumRetryAttempts", -1, "Member must have value greater than or equal to 0"),
        ("MaximumEventAgeInSeconds", 59, "Member must have value greater than or equal to 60"),
        ("MaximumEventAgeInSeconds", 21601, "Member must have value less than or equal to 21600"),
    ],
)
def test_values_out_of_range_are_refused__ASYNC_11(
    lam: Any, unchecked_lam: Any, fn: str, member: str, value: int, constraint: str
) -> None:
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=1)
    before = configs(lam, fn)
    path = member[0].lower() + member[1:]
    for operation in ("put_function_event_invoke_config", "update_function_event_invoke_config"):
        with pytest.raises(ClientError) as exc:
            getattr(unchecked_lam, operation)(FunctionName=fn, **{member: value})
        assert error_of(exc) == (
            "ValidationException",
            f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy "
            f"constraint: {constraint}",
        )
    assert configs(lam, fn) == before


# -- ASYNC-12: per qualifier ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function_name", "qualifier"),
    [
        ("orders", None),
        ("orders", "$LATEST"),
        ("orders:$LATEST", None),
        ("orders:$LATEST", "$LATEST"),
        (arn("orders"), None),
        (arn("orders", "$LATEST"), None),
        (f"{ACCOUNT}:function:orders", "$LATEST"),
    ],
)
def test_every_way_of_naming_latest_names_one_config__ASYNC_12(
    lam: Any, fn: str, function_name: str, qualifier: str | None
) -> None:
    extra = {} if qualifier is None else {"Qualifier": qualifier}
    put = lam.put_function_event_invoke_config(
        FunctionName=function_name, MaximumRetryAttempts=1, **extra
    )
    assert put["FunctionArn"] == arn(fn, "$LATEST")
    got = lam.get_function_event_invoke_config(FunctionName=function_name, **extra)
    assert body(got) == body(put)
    assert len(configs(lam, fn)) == 1
    assert len(configs(lam, function_name)) == 1


@pytest.mark.parametrize("qualifier", ["1", "prod"])
def test_put_on_a_version_or_alias_that_does_not_exist__ASYNC_12(
    lam: Any, fn: str, qualifier: str
) -> None:
    for extra in ({"Qualifier": qualifier}, {}):
        name = fn if extra else f"{fn}:{qualifier}"
        with pytest.raises(ClientError) as exc:
            lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1, **extra)
        assert error_of(exc) == DOESNT_EXIST
        assert status_of(exc) == 404
    assert configs(lam, fn) == []


@pytest.mark.parametrize("qualifier", ["1", "prod"])
def test_update_on_a_version_or_alias_that_does_not_exist__ASYNC_12(
    lam: Any, fn: str, qualifier: str
) -> None:
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=1)
    before = configs(lam, fn)
    with pytest.raises(ClientError) as exc:
        lam.update_function_event_invoke_config(
            FunctionName=fn, Qualifier=qualifier, MaximumRetryAttempts=0
        )
    assert error_of(exc) == DOESNT_EXIST
    assert configs(lam, fn) == before


@pytest.mark.parametrize("qualifier", ["1", "prod"])
def test_latest_config_does_not_answer_for_other_qualifiers__ASYNC_12(
    lam: Any, fn: str, qualifier: str
) -> None:
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    for call in (lam.get_function_event_invoke_config, lam.delete_function_event_invoke_config):
        with pytest.raises(ClientError) as exc:
            call(FunctionName=fn, Qualifier=qualifier)
        assert error_of(exc) == no_config(fn, qualifier)
        assert status_of(exc) == 404
    with pytest.raises(ClientError) as exc:
        lam.get_function_event_invoke_config(FunctionName=arn(fn, qualifier))
    assert error_of(exc) == no_config(fn, qualifier)
    assert len(configs(lam, fn)) == 1


def test_settings_default_without_a_config__ASYNC_3_ASYNC_7(cloud: Cloud, fn: str) -> None:
    expected = EventInvokeSettings(
        max_retry_attempts=2, max_event_age_seconds=21600, on_success=None, on_failure=None
    )
    assert settings_of(cloud, fn) == expected
    assert settings_of(cloud, fn, "$LATEST") == expected
    assert settings_of(cloud, arn(fn)) == expected


def test_settings_read_the_qualifiers_config__ASYNC_12(cloud: Cloud, lam: Any, fn: str) -> None:
    create(lam, "audit")
    lam.put_function_event_invoke_config(
        FunctionName=fn,
        MaximumRetryAttempts=0,
        DestinationConfig={
            "OnSuccess": {"Destination": arn("audit")},
            "OnFailure": {"Destination": QUEUE},
        },
    )
    expected = EventInvokeSettings(
        max_retry_attempts=0,
        max_event_age_seconds=21600,
        on_success=arn("audit"),
        on_failure=QUEUE,
    )
    assert settings_of(cloud, fn) == expected
    assert settings_of(cloud, f"{fn}:$LATEST") == expected
    assert settings_of(cloud, fn, "$LATEST") == expected
    # another qualifier has its own config (none here): AWS's defaults
    assert settings_of(cloud, fn, "prod") == EventInvokeSettings()
    lam.update_function_event_invoke_config(FunctionName=fn, MaximumEventAgeInSeconds=60)
    assert settings_of(cloud, fn) == EventInvokeSettings(0, 60, arn("audit"), QUEUE)


def test_settings_of_a_function_that_does_not_exist(cloud: Cloud) -> None:
    with pytest.raises(ServiceError) as exc:
        settings_of(cloud, "ghost")
    assert exc.value.code == "ResourceNotFoundException"
    assert exc.value.status == 404
    assert exc.value.message == f"Function not found: {arn('ghost', '$LATEST')}"


# -- ASYNC-13: every recorded error, and nothing changes ----------------------------------------


def test_no_settings_are_refused__ASYNC_13(lam: Any, fn: str) -> None:
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=1)
    before = configs(lam, fn)
    # recorded on a function that does not exist: the settings are checked first
    for name in (fn, "doesnotexist"):
        for call in (
            lam.put_function_event_invoke_config,
            lam.update_function_event_invoke_config,
        ):
            with pytest.raises(ClientError) as exc:
                call(FunctionName=name)
            assert error_of(exc) == (
                "InvalidParameterValueException",
                "You must specify at least one of error handling or destination setting.",
            )
            assert status_of(exc) == 400
    assert configs(lam, fn) == before


@pytest.mark.parametrize("name", ["doesnotexist", arn("doesnotexist")])
def test_put_update_list_on_a_function_that_does_not_exist__ASYNC_13(lam: Any, name: str) -> None:
    calls = (
        lambda: lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1),
        lambda: lam.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1),
        lambda: lam.list_function_event_invoke_configs(FunctionName=name),
    )
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == DOESNT_EXIST
        assert status_of(exc) == 404
    create(lam, "doesnotexist")
    assert configs(lam, "doesnotexist") == []


@pytest.mark.parametrize("name", ["doesnotexist", arn("doesnotexist"), "orders"])
def test_get_and_delete_without_a_config__ASYNC_13(lam: Any, fn: str, name: str) -> None:
    for call in (lam.get_function_event_invoke_config, lam.delete_function_event_invoke_config):
        with pytest.raises(ClientError) as exc:
            call(FunctionName=name)
        assert error_of(exc) == no_config(name.rsplit(":", 1)[-1])
        assert status_of(exc) == 404


def test_update_without_a_config__ASYNC_13(lam: Any, fn: str) -> None:
    for name in (fn, arn(fn)):
        with pytest.raises(ClientError) as exc:
            lam.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
        assert error_of(exc) == no_config(fn)
        assert status_of(exc) == 404
    assert configs(lam, fn) == []


@pytest.mark.parametrize("member", ["OnSuccess", "OnFailure"])
@pytest.mark.parametrize(
    "destination", [arn("orders"), arn("orders", "$LATEST"), arn("orders", "1")]
)
def test_function_as_its_own_destination__ASYNC_13(
    lam: Any, fn: str, member: str, destination: str
) -> None:
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=1)
    before = configs(lam, fn)
    for call in (lam.put_function_event_invoke_config, lam.update_function_event_invoke_config):
        with pytest.raises(ClientError) as exc:
            call(FunctionName=fn, DestinationConfig={member: {"Destination": destination}})
        assert error_of(exc) == (
            "InvalidParameterValueException",
            "You can't specify the function as a destination for itself.",
        )
    assert configs(lam, fn) == before


@pytest.mark.parametrize(
    "destination",
    [
        arn("doesnotexist"),
        arn("audit", "prod"),  # no aliases (or versions) exist yet
        arn("audit", region="eu-west-1"),  # the same name in another region
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:audit",
        f"arn:aws:lambda:{REGION}::function:audit",
    ],
)
def test_destination_function_must_exist__ASYNC_13(lam: Any, fn: str, destination: str) -> None:
    create(lam, "audit")
    with pytest.raises(ClientError) as exc:
        lam.put_function_event_invoke_config(
            FunctionName=fn, DestinationConfig={"OnSuccess": {"Destination": destination}}
        )
    assert error_of(exc) == (
        "InvalidParameterValueException",
        f"The destination ARN {destination} is invalid.",
    )
    assert configs(lam, fn) == []


def test_another_function_is_a_destination__DEST_1(lam: Any, fn: str) -> None:
    create(lam, "audit")
    for destination in (arn("audit"), arn("audit", "$LATEST")):
        answer = lam.put_function_event_invoke_config(
            FunctionName=fn,
            DestinationConfig={
                "OnSuccess": {"Destination": destination},
                "OnFailure": {"Destination": destination},
            },
        )
        assert answer["DestinationConfig"] == {
            "OnSuccess": {"Destination": destination},
            "OnFailure": {"Destination": destination},
        }


@pytest.mark.parametrize(
    ("destinations", "rendered"),
    [
        (
            {"OnSuccess": {"Destination": f"arn:aws:iam:{REGION}:{ACCOUNT}:function:orders"}},
            f"DestinationConfig(onSuccess=OnSuccess(destination=arn:aws:iam:{REGION}:{ACCOUNT}"
            ":function:orders), onFailure=null)",
        ),
        (
            {"OnFailure": {"Destination": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t"}},
            "DestinationConfig(onSuccess=null, onFailure=OnFailure(destination="
            f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t))",
        ),
        (
            {"OnSuccess": {}, "OnFailure": {"Destination": "kafka://failures-topic"}},
            "DestinationConfig(onSuccess=OnSuccess(destination=null), onFailure=OnFailure("
            "destination=kafka://failures-topic))",
        ),
        (
            # S3 buckets are OnFailure destinations only (invocation-async-retain-records)
            {"OnSuccess": {"Destination": BUCKET}, "OnFailure": {"Destination": QUEUE}},
            f"DestinationConfig(onSuccess=OnSuccess(destination={BUCKET}), "
            f"onFailure=OnFailure(destination={QUEUE}))",
        ),
    ],
)
def test_destination_of_an_unsupported_service__ASYNC_13(
    lam: Any, fn: str, destinations: dict[str, Any], rendered: str
) -> None:
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumEventAgeInSeconds=90)
    before = configs(lam, fn)
    for call in (lam.put_function_event_invoke_config, lam.update_function_event_invoke_config):
        with pytest.raises(ClientError) as exc:
            call(FunctionName=fn, DestinationConfig=destinations)
        assert error_of(exc) == (
            "InvalidParameterValueException",
            f"The provided destination config {rendered} is invalid.",
        )
    assert configs(lam, fn) == before


@pytest.mark.parametrize(
    ("function_name", "qualifier"),
    [
        ("orders:$LATEST", "1"),
        ("orders:1", "$LATEST"),
        (arn("orders", "prod"), "other"),
    ],
)
def test_qualifier_in_name_and_parameter_disagree__ASYNC_13(
    lam: Any, fn: str, function_name: str, qualifier: str
) -> None:
    calls = (
        (lam.put_function_event_invoke_config, {"MaximumRetryAttempts": 1}),
        (lam.update_function_event_invoke_config, {"MaximumRetryAttempts": 1}),
        (lam.get_function_event_invoke_config, {}),
        (lam.delete_function_event_invoke_config, {}),
    )
    for call, settings in calls:
        with pytest.raises(ClientError) as exc:
            call(FunctionName=function_name, Qualifier=qualifier, **settings)
        assert error_of(exc) == (
            "InvalidParameterValueException",
            "The derived qualifier from the function name does not match the specified qualifier.",
        )
    assert configs(lam, fn) == []


def test_malformed_destination_arn__ASYNC_13(lam: Any, unchecked_lam: Any, fn: str) -> None:
    bad = arn(fn).replace(":lambda:", ":_-/!lambda:")
    for member in ("OnSuccess", "OnFailure"):
        with pytest.raises(ClientError) as exc:
            unchecked_lam.put_function_event_invoke_config(
                FunctionName=fn, DestinationConfig={member: {"Destination": bad}}
            )
        path = "onSuccess" if member == "OnSuccess" else "onFailure"
        assert error_of(exc) == (
            "ValidationException",
            f"1 validation error detected: Value '{bad}' at 'destinationConfig.{path}."
            "destination' failed to satisfy constraint: Member must satisfy regular expression "
            f"pattern: {destination_pattern()}",
        )
    assert configs(lam, fn) == []


@pytest.mark.parametrize(
    "destinations",
    [{"OnSuccess": {}}, {"OnFailure": {}}, {}, {"OnSuccess": {"Destination": ""}}],
)
def test_destination_without_an_arn_is_accepted_and_echoed_empty__ASYNC_13(
    lam: Any, fn: str, destinations: dict[str, Any]
) -> None:
    answer = lam.put_function_event_invoke_config(FunctionName=fn, DestinationConfig=destinations)
    assert without_time(answer) == {
        "DestinationConfig": EMPTY_DESTINATIONS,
        "FunctionArn": arn(fn, "$LATEST"),
    }
    assert without_time(lam.get_function_event_invoke_config(FunctionName=fn)) == without_time(
        answer
    )


# -- DEST-1: destination types ------------------------------------------------------------------


def test_sqs_queues_are_destinations_even_before_they_exist__DEST_1(
    cloud: Cloud, lam: Any, fn: str
) -> None:
    answer = lam.put_function_event_invoke_config(
        FunctionName=fn,
        DestinationConfig={
            "OnSuccess": {"Destination": OTHER_QUEUE},
            "OnFailure": {"Destination": f"{QUEUE}.fifo"},
        },
    )
    assert answer["DestinationConfig"] == {
        "OnSuccess": {"Destination": OTHER_QUEUE},
        "OnFailure": {"Destination": f"{QUEUE}.fifo"},
    }
    settings = settings_of(cloud, fn)
    assert (settings.on_success, settings.on_failure) == (OTHER_QUEUE, f"{QUEUE}.fifo")


@pytest.mark.parametrize(
    ("member", "destination", "what"),
    [
        ("OnSuccess", TOPIC, "Amazon SNS topics as destinations"),
        ("OnFailure", TOPIC, "Amazon SNS topics as destinations"),
        ("OnSuccess", BUS, "Amazon EventBridge event buses as destinations"),
        ("OnFailure", BUS, "Amazon EventBridge event buses as destinations"),
        ("OnFailure", BUCKET, "Amazon S3 buckets as destinations"),
    ],
)
def test_destinations_redrive_cannot_deliver_to_yet__DEST_1(
    lam: Any, fn: str, member: str, destination: str, what: str
) -> None:
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    before = configs(lam, fn)
    for call in (lam.put_function_event_invoke_config, lam.update_function_event_invoke_config):
        with pytest.raises(ClientError) as exc:
            call(FunctionName=fn, DestinationConfig={member: {"Destination": destination}})
        assert error_of(exc) == (
            "InvalidParameterValueException",
            f"redrive does not support {what} ({destination}) yet.",
        )
    assert configs(lam, fn) == before


# -- Delete, List, and deleting the function ----------------------------------------------------


def test_delete_removes_the_config__ASYNC_11(cloud: Cloud, lam: Any, fn: str) -> None:
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    response = lam.delete_function_event_invoke_config(FunctionName=fn, Qualifier="$LATEST")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert body(response) == {}
    assert configs(lam, fn) == []
    assert settings_of(cloud, fn) == EventInvokeSettings()
    for call in (lam.get_function_event_invoke_config, lam.delete_function_event_invoke_config):
        with pytest.raises(ClientError) as exc:
            call(FunctionName=fn)
        assert error_of(exc) == no_config(fn)


def test_list_of_a_function_without_configs(lam: Any, fn: str) -> None:
    assert body(lam.list_function_event_invoke_configs(FunctionName=fn)) == {
        "FunctionEventInvokeConfigs": []
    }
    assert body(lam.list_function_event_invoke_configs(FunctionName=arn(fn), MaxItems=1)) == {
        "FunctionEventInvokeConfigs": []
    }


def test_list_pages_with_marker_and_max_items(cloud: Cloud, lam: Any, fn: str) -> None:
    """Versions and aliases cannot be made yet: their configs are written to the store."""
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)

    def seed(svc: Any) -> None:
        with svc.store.transaction() as txn:
            for qualifier in ("1", "2", "prod"):
                doc = {
                    "Qualifier": qualifier,
                    "MaximumRetryAttempts": 1,
                    "OnSuccess": None,
                    "OnFailure": None,
                    "LastModifiedMs": 0,
                }
                state.put_event_invoke_config(txn, ACCOUNT, REGION, fn, doc)

    in_engine(cloud, seed)
    arns_seen: list[str] = []
    marker: str | None = None
    pages = 0
    while True:
        extra = {} if marker is None else {"Marker": marker}
        page = lam.list_function_event_invoke_configs(FunctionName=fn, MaxItems=3, **extra)
        pages += 1
        arns_seen += [item["FunctionArn"] for item in page["FunctionEventInvokeConfigs"]]
        marker = page.get("NextMarker")
        if marker is None:
            break
    assert pages == 2
    assert arns_seen == [arn(fn, q) for q in ("$LATEST", "1", "2", "prod")]
    everything = lam.list_function_event_invoke_configs(FunctionName=fn)
    assert "NextMarker" not in everything
    assert [c["FunctionArn"] for c in everything["FunctionEventInvokeConfigs"]] == arns_seen
    paginated = lam.get_paginator("list_function_event_invoke_configs").paginate(
        FunctionName=fn, PaginationConfig={"PageSize": 1}
    )
    assert [c["FunctionArn"] for c in paginated.search("FunctionEventInvokeConfigs")] == arns_seen
    # a page that ends exactly at the last config has no NextMarker
    assert "NextMarker" not in lam.list_function_event_invoke_configs(FunctionName=fn, MaxItems=4)


def test_list_refuses_a_marker_it_did_not_hand_out(lam: Any, fn: str) -> None:
    with pytest.raises(ClientError) as exc:
        lam.list_function_event_invoke_configs(FunctionName=fn, Marker="not-a-marker")
    assert error_of(exc) == ("InvalidParameterValueException", "Invalid Marker: not-a-marker")


@pytest.mark.parametrize(
    ("value", "constraint"),
    [
        (0, "Member must have value greater than or equal to 1"),
        (51, "Member must have value less than or equal to 50"),
    ],
)
def test_list_max_items_is_1_to_50(
    unchecked_lam: Any, fn: str, value: int, constraint: str
) -> None:
    with pytest.raises(ClientError) as exc:
        unchecked_lam.list_function_event_invoke_configs(FunctionName=fn, MaxItems=value)
    assert error_of(exc) == (
        "ValidationException",
        f"1 validation error detected: Value '{value}' at 'maxItems' failed to satisfy "
        f"constraint: {constraint}",
    )


def test_deleting_the_function_deletes_its_configs__ASYNC_12(
    cloud: Cloud, lam: Any, fn: str
) -> None:
    create(lam, "other")
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    lam.put_function_event_invoke_config(FunctionName="other", MaximumRetryAttempts=1)
    lam.delete_function(FunctionName=fn)
    with pytest.raises(ClientError) as exc:
        lam.get_function_event_invoke_config(FunctionName=fn)
    assert error_of(exc) == no_config(fn)
    with pytest.raises(ClientError) as exc:
        lam.list_function_event_invoke_configs(FunctionName=fn)
    assert error_of(exc) == DOESNT_EXIST
    # a new function of the same name starts without a config; the other function keeps its
    create(lam, fn)
    assert configs(lam, fn) == []
    assert settings_of(cloud, fn) == EventInvokeSettings()
    assert [c["MaximumRetryAttempts"] for c in configs(lam, "other")] == [1]


def test_configs_are_per_region(cloud: Cloud, lam: Any, fn: str) -> None:
    west = cloud.client("lambda", region_name="eu-west-1")
    create(west, fn)
    lam.put_function_event_invoke_config(FunctionName=fn, MaximumRetryAttempts=0)
    assert configs(west, fn) == []
    with pytest.raises(ClientError) as exc:
        lam.get_function_event_invoke_config(FunctionName=arn(fn, region="eu-west-1"))
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    )
