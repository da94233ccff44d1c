"""CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions, UpdateFunctionCode,
UpdateFunctionConfiguration and DeleteFunction, through boto3 against a running redrive."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.lambda_.conftest import ACCOUNT, REGION, ROLE, arn, create, in_engine, make_zip
from tests.support import error_of, status_of

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
RUNTIME_ARN = re.compile(rf"arn:aws:lambda:{REGION}::runtime:[0-9a-f]{{64}}")


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def assert_nothing_created(lam: Any, name: str) -> None:
    assert lam.list_functions()["Functions"] == []
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName=name)
    assert error_of(exc)[0] == "ResourceNotFoundException"


# -- CreateFunction ---------------------------------------------------------------------------


def test_create_function_answers_the_recorded_shape__INV_19(lam: Any) -> None:
    package = make_zip()
    response = create(lam, "orders")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    created = body(response)
    assert UUID.fullmatch(created.pop("RevisionId"))
    assert TIMESTAMP.fullmatch(created.pop("LastModified"))
    assert RUNTIME_ARN.fullmatch(created.pop("RuntimeVersionConfig")["RuntimeVersionArn"])
    assert created == {
        "FunctionName": "orders",
        "FunctionArn": arn("orders"),
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "handler.handler",
        "CodeSize": len(package),
        "Description": "",
        "Timeout": 3,
        "MemorySize": 128,
        "CodeSha256": base64.b64encode(hashlib.sha256(package).digest()).decode(),
        "Version": "$LATEST",
        "TracingConfig": {"Mode": "PassThrough"},
        "State": "Pending",
        "StateReason": "The function is being created.",
        "StateReasonCode": "Creating",
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/aws/lambda/orders"},
    }


def test_function_is_active_on_the_next_read__INV_19(lam: Any) -> None:
    created = create(lam, "orders")
    got = lam.get_function(FunctionName="orders")
    configuration = got["Configuration"]
    assert configuration["State"] == "Active"
    assert configuration["LastUpdateStatus"] == "Successful"
    assert "StateReason" not in configuration
    # as recorded against AWS, the Pending answer carries a RevisionId of its own
    assert configuration["RevisionId"] != created["RevisionId"]
    assert UUID.fullmatch(configuration["RevisionId"])
    assert configuration["LastModified"] == created["LastModified"]
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Code"]["Location"].startswith("https://redrive.invalid/lambda/code/")
    assert "Tags" not in got
    assert "Concurrency" not in got
    assert body(lam.get_function_configuration(FunctionName="orders")) == configuration


def test_function_active_waiter_succeeds_at_once__INV_19(lam: Any) -> None:
    create(lam, "orders")
    lam.get_waiter("function_active_v2").wait(
        FunctionName="orders", WaiterConfig={"Delay": 1, "MaxAttempts": 1}
    )
    lam.get_waiter("function_exists").wait(
        FunctionName="orders", WaiterConfig={"Delay": 1, "MaxAttempts": 1}
    )


def test_last_modified_follows_emulated_time(cloud: Cloud, lam: Any) -> None:
    create(lam, "orders")
    first = lam.get_function_configuration(FunctionName="orders")["LastModified"]
    cloud.advance(3600)
    lam.update_function_configuration(FunctionName="orders", Description="later")
    second = lam.get_function_configuration(FunctionName="orders")["LastModified"]
    hour = int(first[11:13])
    assert int(second[11:13]) == (hour + 1) % 24
    assert first[14:] == second[14:]


def test_create_function_with_every_supported_setting(lam: Any) -> None:
    created = create(
        lam,
        "full",
        Runtime="python3.9",
        Description="does everything",
        Timeout=900,
        MemorySize=10240,
        Environment={"Variables": {"TABLE": "orders", "TZ": "Europe/Paris"}},
        Tags={"team": "payments"},
        Architectures=["arm64"],
        EphemeralStorage={"Size": 1024},
        TracingConfig={"Mode": "Active"},
        LoggingConfig={"LogFormat": "Text", "LogGroup": "/custom/group"},
        KMSKeyArn="arn:aws:kms:us-east-1:000000000000:key/1234",
        Publish=False,
    )
    configuration = lam.get_function_configuration(FunctionName="full")
    for view in (created, configuration):
        assert view["Runtime"] == "python3.9"
        assert view["Description"] == "does everything"
        assert view["Timeout"] == 900
        assert view["MemorySize"] == 10240
        assert view["Environment"] == {"Variables": {"TABLE": "orders", "TZ": "Europe/Paris"}}
        assert view["Architectures"] == ["arm64"]
        assert view["EphemeralStorage"] == {"Size": 1024}
        assert view["TracingConfig"] == {"Mode": "Active"}
        assert view["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/custom/group"}
        assert view["KMSKeyArn"] == "arn:aws:kms:us-east-1:000000000000:key/1234"
    assert lam.get_function(FunctionName="full")["Tags"] == {"team": "payments"}


def test_create_function_by_arn_and_partial_arn(lam: Any) -> None:
    created = create(lam, arn("by-arn"))
    assert created["FunctionName"] == "by-arn"
    assert created["FunctionArn"] == arn("by-arn")
    created = create(lam, f"{ACCOUNT}:function:by-partial-arn")
    assert created["FunctionName"] == "by-partial-arn"
    names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    assert names == ["by-arn", "by-partial-arn"]


def test_create_function_twice_is_a_conflict(lam: Any) -> None:
    create(lam, "orders")
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", Description="again")
    assert error_of(exc) == ("ResourceConflictException", "Function already exist: orders")
    assert status_of(exc) == 409
    assert lam.get_function_configuration(FunctionName="orders")["Description"] == ""


def test_create_function_refuses_a_file_that_is_not_a_zip(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", Code={"ZipFile": b"def handler(e, c): pass"})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )
    assert status_of(exc) == 400
    assert_nothing_created(lam, "orders")


def test_create_function_refuses_a_corrupt_zip(lam: Any) -> None:
    package = bytearray(make_zip({"handler.py": "x = 1\n" * 100}))
    package[40] ^= 0xFF  # inside the compressed data: the CRC no longer matches
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", Code={"ZipFile": bytes(package)})
    assert error_of(exc)[1].startswith("Could not unzip uploaded file.")
    assert_nothing_created(lam, "orders")


@pytest.mark.parametrize("entry", ["../evil.py", "/etc/evil.py", "lib/../../evil.py"])
def test_create_function_refuses_entries_outside_the_package(lam: Any, entry: str) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", Code={"ZipFile": make_zip({entry: "x = 1\n"})})
    code, message = error_of(exc)
    assert code == "InvalidParameterValueException"
    assert message.startswith(f"redrive refuses the zip entry {entry!r}")
    assert_nothing_created(lam, "orders")


@pytest.mark.parametrize(
    ("runtime", "recommended"),
    [("python2.7", "python3.13"), ("python3.8", "python3.13"), ("nodejs12.x", "nodejs24.x")],
)
def test_create_function_refuses_deprecated_runtimes(
    lam: Any, runtime: str, recommended: str
) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "old", Runtime=runtime)
    assert error_of(exc) == (
        "InvalidParameterValueException",
        f"The runtime parameter of {runtime} is no longer supported for creating or updating "
        f"AWS Lambda functions. We recommend you use the new runtime ({recommended}) while "
        "creating or updating functions.",
    )
    assert_nothing_created(lam, "old")


@pytest.mark.parametrize("runtime", ["nodejs20.x", "python3.14", "java21", "provided.al2023"])
def test_create_function_refuses_runtimes_redrive_cannot_run(lam: Any, runtime: str) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "other", Runtime=runtime)
    assert error_of(exc) == (
        "InvalidParameterValueException",
        f"redrive does not support runtime {runtime}: it runs Python functions on "
        "python3.9, python3.10, python3.11, python3.12, python3.13.",
    )
    assert_nothing_created(lam, "other")


@pytest.mark.parametrize("runtime", ["python3.9", "python3.10", "python3.11", "python3.13"])
def test_create_function_accepts_every_supported_python(lam: Any, runtime: str) -> None:
    assert create(lam, "py", Runtime=runtime)["Runtime"] == runtime


def test_create_function_refuses_an_unknown_runtime_by_the_model(lam: Any) -> None:
    # [recorded] localstack test_create_lambda_exceptions `invalid_runtime_exc`: not Coral's
    # ValidationException but InvalidParameterValueException, listing AWS's own runtime set
    # (redrive.wire.quirks.MEMBER_ERRORS)
    with pytest.raises(ClientError) as exc:
        create(lam, "odd", Runtime="non-existent-runtime")
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Value non-existent-runtime at 'runtime' failed to satisfy constraint: Member must "
        "satisfy enum value set: [nodejs20.x, python3.14, provided.al2023, python3.12, "
        "python3.13, nodejs24.x, nodejs22.x, java17, nodejs16.x, java25, dotnet8, python3.10, "
        "java11, python3.11, dotnet6, java21, nodejs18.x, provided.al2, ruby3.3, ruby3.4, "
        "java8.al2, ruby3.2, python3.8, python3.9] or be a valid ARN",
    )
    assert status_of(exc) == 400
    assert exc.value.response["Type"] == "User"
    assert_nothing_created(lam, "odd")


@pytest.mark.parametrize("missing", ["Runtime", "Handler"])
def test_create_function_needs_runtime_and_handler(lam: Any, missing: str) -> None:
    params: dict[str, Any] = {
        "FunctionName": "orders",
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "handler.handler",
        "Code": {"ZipFile": make_zip()},
    }
    del params[missing]
    with pytest.raises(ClientError) as exc:
        lam.create_function(**params)
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Runtime and Handler are mandatory parameters for functions created with deployment "
        "packages.",
    )
    assert_nothing_created(lam, "orders")


def test_create_function_checks_the_role_pattern(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", Role="r1")
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member "
        "must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?"
        "[a-zA-Z_0-9+=,.@\\-_/]+",
    )
    assert_nothing_created(lam, "orders")


@pytest.mark.parametrize(
    ("member", "value", "message"),
    [
        (
            "Timeout",
            901,
            "1 validation error detected: Value '901' at 'timeout' failed to satisfy "
            "constraint: Member must have value less than or equal to 900",
        ),
        (
            "Timeout",
            0,
            "1 validation error detected: Value '0' at 'timeout' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        ),
        (
            "MemorySize",
            10241,
            "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy "
            "constraint: Member must have value less than or equal to 10240",
        ),
        (
            "MemorySize",
            127,
            "1 validation error detected: Value '127' at 'memorySize' failed to satisfy "
            "constraint: Member must have value greater than or equal to 128",
        ),
    ],
)
def test_create_function_checks_timeout_and_memory(
    unchecked_lam: Any, member: str, value: int, message: str
) -> None:
    lam = unchecked_lam
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", **{member: value})
    assert error_of(exc) == ("ValidationException", message)
    assert_nothing_created(lam, "orders")


def test_create_function_refuses_reserved_environment_keys(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(
            lam,
            "orders",
            Environment={"Variables": {"AWS_REGION": "x", "TABLE": "t", "AWS_ACCESS_KEY": "k"}},
        )
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Lambda was unable to configure your environment variables because the environment "
        "variables you have provided contains reserved keys that are currently not supported "
        "for modification. Reserved keys used in this request: AWS_REGION, AWS_ACCESS_KEY",
    )
    assert_nothing_created(lam, "orders")


def test_create_function_refuses_environment_over_4kb(lam: Any) -> None:
    variables = {"SMALL_VAR": "ok", "LARGE_VAR": "x" * 4096}
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", Environment={"Variables": variables})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Lambda was unable to configure your environment variables because the environment "
        "variables you have provided exceeded the 4KB limit. String measured: "
        '{"SMALL_VAR":"ok","LARGE_VAR":"' + "x" * 4096 + '"}',
    )
    assert_nothing_created(lam, "orders")


def test_create_function_accepts_environment_of_exactly_4kb(lam: Any) -> None:
    overhead = len('{"LARGE_VAR":""}')
    variables = {"LARGE_VAR": "x" * (4096 - overhead)}
    created = create(lam, "orders", Environment={"Variables": variables})
    assert created["Environment"] == {"Variables": variables}


def test_create_function_with_publish_answers_version_1__VER_1(lam: Any) -> None:
    created = create(lam, "orders", Publish=True)
    # recorded (test_publish_version_on_create): Pending, unqualified ARN, Version "1"
    assert created["Version"] == "1"
    assert created["FunctionArn"] == arn("orders")
    assert created["State"] == "Pending"
    versions = lam.list_versions_by_function(FunctionName="orders")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1"]


@pytest.mark.parametrize(
    ("overrides", "what"),
    [
        (
            {"PackageType": "Image", "Code": {"ImageUri": "123.dkr.ecr/x:latest"}},
            "PackageType Image (container images)",
        ),
        ({"Code": {"S3Bucket": "bucket", "S3Key": "key.zip"}}, "code from S3 (S3Bucket, S3Key)"),
        ({"Code": {"ImageUri": "123.dkr.ecr/x:latest"}}, "container images (ImageUri)"),
        ({"Layers": ["arn:aws:lambda:us-east-1:000000000000:layer:l:1"]}, "Layers"),
        ({"VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}}, "VpcConfig"),
        ({"LoggingConfig": {"LogFormat": "JSON"}}, "LoggingConfig LogFormat JSON"),
    ],
)
def test_create_function_refuses_what_redrive_does_not_emulate(
    lam: Any, overrides: dict[str, Any], what: str
) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", **overrides)
    code, message = error_of(exc)
    assert code == "InvalidParameterValueException"
    assert message.startswith(f"redrive does not support {what}")
    assert_nothing_created(lam, "orders")


def test_create_function_refuses_snapstart_on_python_3_9(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "orders", Runtime="python3.9", SnapStart={"ApplyOn": "PublishedVersions"})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "python3.9 is not supported for SnapStart enabled functions.",
    )


def test_create_function_refuses_a_long_name(lam: Any) -> None:
    name = "a" * 65
    with pytest.raises(ClientError) as exc:
        create(lam, name)
    assert error_of(exc) == (
        "InvalidParameterValueException",
        f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy "
        "constraint: Member must have length less than or equal to 64",
    )
    assert create(lam, "b" * 64)["FunctionName"] == "b" * 64


def test_create_function_refuses_a_malformed_name__INV_11(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "invalid:function:name")
    code, message = error_of(exc)
    assert code == "ValidationException"
    assert message.startswith(
        "1 validation error detected: Value 'invalid:function:name' at 'functionName' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: "
    )
    assert_nothing_created(lam, "invalid")


def test_create_function_in_another_region_is_not_reachable__INV_10(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, arn("elsewhere", region="ap-southeast-1"))
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')",
    )
    assert status_of(exc) == 404
    assert_nothing_created(lam, "elsewhere")


def test_create_function_in_another_account_is_denied(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "arn:aws:lambda:us-east-1:123456789012:function:theirs")
    assert error_of(exc)[0] == "AccessDeniedException"
    assert status_of(exc) == 403
    assert lam.list_functions()["Functions"] == []


# -- GetFunction / GetFunctionConfiguration -------------------------------------------------


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
def test_unknown_function_is_404_with_its_unqualified_arn__INV_10(lam: Any, operation: str) -> None:
    with pytest.raises(ClientError) as exc:
        getattr(lam, operation)(FunctionName="doesnotexist")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Function not found: {arn('doesnotexist')}",
    )
    assert status_of(exc) == 404
    # the body says "Message" (capital M) and "Type": "User" (INV-10)
    assert exc.value.response["Message"] == f"Function not found: {arn('doesnotexist')}"
    assert exc.value.response["Type"] == "User"


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
def test_qualifiers_that_do_not_exist_are_named_in_the_404__INV_10(
    lam: Any, operation: str
) -> None:
    create(lam, "orders")
    for qualifier in ("1221", "prod", "$latest"):
        with pytest.raises(ClientError) as exc:
            getattr(lam, operation)(FunctionName="orders", Qualifier=qualifier)
        assert error_of(exc) == (
            "ResourceNotFoundException",
            f"Function not found: {arn('orders', qualifier)}",
        )
    with pytest.raises(ClientError) as exc:
        getattr(lam, operation)(FunctionName="some-function", Qualifier="$LATEST")
    assert error_of(exc)[1] == f"Function not found: {arn('some-function', '$LATEST')}"


def test_get_function_with_latest_qualifier_answers_the_qualified_arn(lam: Any) -> None:
    create(lam, "orders")
    for params in (
        {"FunctionName": "orders", "Qualifier": "$LATEST"},
        {"FunctionName": "orders:$LATEST"},
        {"FunctionName": arn("orders", "$LATEST")},
    ):
        configuration = lam.get_function(**params)["Configuration"]
        assert configuration["FunctionArn"] == arn("orders", "$LATEST")
        assert configuration["Version"] == "$LATEST"


def test_get_function_by_name_partial_arn_and_full_arn(lam: Any) -> None:
    create(lam, "orders")
    for name in ("orders", f"{ACCOUNT}:function:orders", arn("orders")):
        assert lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"] == arn("orders")


def test_get_function_qualifier_mismatch(lam: Any) -> None:
    create(lam, "orders")
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName="orders:1", Qualifier="2")
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
    )


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
def test_function_in_another_region_is_not_reachable__INV_10(lam: Any, operation: str) -> None:
    create(lam, "orders")
    with pytest.raises(ClientError) as exc:
        getattr(lam, operation)(FunctionName=arn("orders", region="eu-west-1"))
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    )


def test_functions_live_in_their_region(cloud: Cloud, lam: Any) -> None:
    create(lam, "orders")
    west = cloud.client("lambda", region_name="eu-west-1")
    assert west.list_functions()["Functions"] == []
    create(west, "orders", Description="west")
    assert west.get_function(FunctionName="orders")["Configuration"]["FunctionArn"] == arn(
        "orders", region="eu-west-1"
    )
    assert lam.get_function(FunctionName="orders")["Configuration"]["Description"] == ""


def test_malformed_function_name_is_a_validation_error__INV_11(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName="bad name!")
    assert error_of(exc) == (
        "ValidationException",
        "1 validation error detected: Value 'bad name!' at 'functionName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?"
        "(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|"
        "[a-zA-Z0-9-_]+))?",
    )
    assert status_of(exc) == 400


# -- ListFunctions --------------------------------------------------------------------------


def test_list_functions_in_name_order_without_state(lam: Any) -> None:
    assert lam.list_functions()["Functions"] == []
    for name in ("charlie", "alpha", "bravo"):
        create(lam, name)
    listed = lam.list_functions()
    assert "NextMarker" not in listed
    functions = listed["Functions"]
    assert [f["FunctionName"] for f in functions] == ["alpha", "bravo", "charlie"]
    for entry in functions:
        assert entry["FunctionArn"] == arn(entry["FunctionName"])
        for absent in ("State", "LastUpdateStatus", "RuntimeVersionConfig", "StateReason"):
            assert absent not in entry
        got = lam.get_function_configuration(FunctionName=entry["FunctionName"])
        assert entry == {
            k: v
            for k, v in got.items()
            if k not in ("State", "LastUpdateStatus", "RuntimeVersionConfig", "ResponseMetadata")
        }


def test_list_functions_pages_with_max_items_and_marker(lam: Any) -> None:
    names = [f"fn-{i}" for i in range(5)]
    for name in names:
        create(lam, name)
    seen: list[str] = []
    page = lam.list_functions(MaxItems=2)
    pages = 1
    while True:
        seen += [f["FunctionName"] for f in page["Functions"]]
        assert len(page["Functions"]) <= 2
        if "NextMarker" not in page:
            break
        page = lam.list_functions(MaxItems=2, Marker=page["NextMarker"])
        pages += 1
    assert seen == names
    assert pages == 3
    paginated = lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 3})
    assert [f["FunctionName"] for p in paginated for f in p["Functions"]] == names


def test_list_functions_default_page_is_50(lam: Any) -> None:
    for i in range(51):
        create(lam, f"fn-{i:02d}")
    first = lam.list_functions()
    assert len(first["Functions"]) == 50
    rest = lam.list_functions(Marker=first["NextMarker"])
    assert [f["FunctionName"] for f in rest["Functions"]] == ["fn-50"]
    assert "NextMarker" not in rest


def test_list_functions_checks_max_items_and_marker(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        lam.list_functions(MaxItems=10001)
    assert error_of(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        lam.list_functions(Marker="not-a-marker")
    assert error_of(exc) == ("InvalidParameterValueException", "Invalid Marker: not-a-marker")


def test_list_functions_all_versions_qualifies_latest(lam: Any) -> None:
    create(lam, "orders")
    [entry] = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert entry["FunctionArn"] == arn("orders", "$LATEST")
    assert entry["Version"] == "$LATEST"


# -- UpdateFunctionCode ---------------------------------------------------------------------


def test_update_function_code_answers_in_progress_then_successful(lam: Any) -> None:
    create(lam, "orders")
    before = lam.get_function_configuration(FunctionName="orders")
    package = make_zip({"handler.py": "def handler(e, c):\n    return 2\n"})
    updated = lam.update_function_code(FunctionName="orders", ZipFile=package)
    assert updated["CodeSha256"] == base64.b64encode(hashlib.sha256(package).digest()).decode()
    assert updated["CodeSize"] == len(package)
    assert updated["State"] == "Active"
    assert updated["LastUpdateStatus"] == "InProgress"
    assert updated["LastUpdateStatusReason"] == "The function is being created."
    assert updated["LastUpdateStatusReasonCode"] == "Creating"
    assert updated["RevisionId"] != before["RevisionId"]
    lam.get_waiter("function_updated_v2").wait(
        FunctionName="orders", WaiterConfig={"Delay": 1, "MaxAttempts": 1}
    )
    after = lam.get_function_configuration(FunctionName="orders")
    assert after["LastUpdateStatus"] == "Successful"
    assert "LastUpdateStatusReason" not in after
    assert after["CodeSha256"] == updated["CodeSha256"]
    assert after["RevisionId"] not in (before["RevisionId"], updated["RevisionId"])


def test_update_function_code_revision_precondition(lam: Any) -> None:
    created = create(lam, "orders")
    current = lam.get_function_configuration(FunctionName="orders")["RevisionId"]
    package = make_zip({"handler.py": "v = 2\n"})
    with pytest.raises(ClientError) as exc:
        lam.update_function_code(
            FunctionName="orders", ZipFile=package, RevisionId=created["RevisionId"]
        )
    assert error_of(exc) == (
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the "
        "GetFunction/GetAlias API to retrieve the latest Revision Id",
    )
    assert status_of(exc) == 412
    assert lam.get_function_configuration(FunctionName="orders")["RevisionId"] == current
    lam.update_function_code(FunctionName="orders", ZipFile=package, RevisionId=current)


def test_update_function_code_dry_run_changes_nothing(lam: Any) -> None:
    create(lam, "orders")
    before = lam.get_function_configuration(FunctionName="orders")
    package = make_zip({"handler.py": "v = 3\n"})
    answer = lam.update_function_code(FunctionName="orders", ZipFile=package, DryRun=True)
    assert answer["CodeSize"] == len(package)
    after = lam.get_function_configuration(FunctionName="orders")
    assert after["CodeSha256"] == before["CodeSha256"]
    assert after["RevisionId"] == before["RevisionId"]


def test_update_function_code_errors_change_nothing(lam: Any) -> None:
    create(lam, "orders")
    before = lam.get_function_configuration(FunctionName="orders")
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"ZipFile": b"not a zip"},
            "Could not unzip uploaded file. Please check your file, then try to upload again.",
        ),
        (
            {"ImageUri": "123.dkr.ecr/x:latest"},
            "Please don't provide ImageUri when updating a function with packageType Zip.",
        ),
        (
            {"ZipFile": make_zip(), "Publish": True, "PublishTo": "LATEST_PUBLISHED"},
            "redrive does not support PublishTo yet.",
        ),
        (
            {"S3Bucket": "bucket", "S3Key": "key.zip"},
            "redrive does not support code from S3 (S3Bucket, S3Key); send ZipFile yet.",
        ),
    ]
    for params, message in cases:
        with pytest.raises(ClientError) as exc:
            lam.update_function_code(FunctionName="orders", **params)
        assert error_of(exc) == ("InvalidParameterValueException", message)
    assert body(lam.get_function_configuration(FunctionName="orders")) == body(before)


def test_update_function_code_of_unknown_function(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        lam.update_function_code(FunctionName="nope", ZipFile=make_zip())
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {arn('nope')}")


def test_update_function_code_sets_architectures(lam: Any) -> None:
    create(lam, "orders")
    updated = lam.update_function_code(
        FunctionName="orders", ZipFile=make_zip(), Architectures=["arm64"]
    )
    assert updated["Architectures"] == ["arm64"]


# -- UpdateFunctionConfiguration --------------------------------------------------------------


def test_update_function_configuration_changes_each_setting(lam: Any) -> None:
    create(lam, "orders", Environment={"Variables": {"OLD": "1"}})
    updated = lam.update_function_configuration(
        FunctionName="orders",
        Timeout=10,
        MemorySize=512,
        Environment={"Variables": {"ENV_A": "a"}},
        Handler="app.main",
        Runtime="python3.11",
        Description="Changed-Description",
        Role=f"arn:aws:iam::{ACCOUNT}:role/other",
        EphemeralStorage={"Size": 2048},
    )
    assert updated["LastUpdateStatus"] == "InProgress"
    got = lam.get_function_configuration(FunctionName="orders")
    for view in (updated, got):
        assert view["Timeout"] == 10
        assert view["MemorySize"] == 512
        assert view["Environment"] == {"Variables": {"ENV_A": "a"}}
        assert view["Handler"] == "app.main"
        assert view["Runtime"] == "python3.11"
        assert view["Description"] == "Changed-Description"
        assert view["Role"] == f"arn:aws:iam::{ACCOUNT}:role/other"
        assert view["EphemeralStorage"] == {"Size": 2048}
    lam.get_waiter("function_updated_v2").wait(
        FunctionName="orders", WaiterConfig={"Delay": 1, "MaxAttempts": 1}
    )


def test_update_function_configuration_bumps_the_revision_even_when_redundant(lam: Any) -> None:
    create(lam, "orders", Description="same")
    first = lam.get_function_configuration(FunctionName="orders")["RevisionId"]
    updated = lam.update_function_configuration(FunctionName="orders", Description="same")
    second = lam.get_function_configuration(FunctionName="orders")["RevisionId"]
    assert len({first, updated["RevisionId"], second}) == 3


def test_update_function_configuration_revision_precondition(lam: Any) -> None:
    create(lam, "orders")
    current = lam.get_function_configuration(FunctionName="orders")["RevisionId"]
    with pytest.raises(ClientError) as exc:
        lam.update_function_configuration(
            FunctionName="orders", Timeout=5, RevisionId="00000000-0000-4000-8000-000000000000"
        )
    assert error_of(exc)[0] == "PreconditionFailedException"
    assert lam.get_function_configuration(FunctionName="orders")["Timeout"] == 3
    assert (
        lam.update_function_configuration(FunctionName="orders", Timeout=5, RevisionId=current)[
            "Timeout"
        ]
        == 5
    )


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Runtime": "python2.7"}, "InvalidParameterValueException"),
        ({"Runtime": "nodejs20.x"}, "InvalidParameterValueException"),
        ({"Timeout": 901}, "ValidationException"),
        ({"MemorySize": 20000}, "ValidationException"),
        (
            {"Environment": {"Variables": {"AWS_LAMBDA_FUNCTION_NAME": "x"}}},
            "InvalidParameterValueException",
        ),
        ({"Role": "r1"}, "ValidationException"),
        (
            {"Layers": ["arn:aws:lambda:us-east-1:000000000000:layer:l:1"]},
            "InvalidParameterValueException",
        ),
    ],
)
def test_update_function_configuration_errors_change_nothing(
    lam: Any, params: dict[str, Any], code: str
) -> None:
    create(lam, "orders")
    before = lam.get_function_configuration(FunctionName="orders")
    with pytest.raises(ClientError) as exc:
        lam.update_function_configuration(FunctionName="orders", **params)
    assert error_of(exc)[0] == code
    after = lam.get_function_configuration(FunctionName="orders")
    assert after["RevisionId"] == before["RevisionId"]
    assert after["Runtime"] == before["Runtime"]


def test_update_function_configuration_of_unknown_function(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        lam.update_function_configuration(FunctionName="nope", Timeout=5)
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {arn('nope')}")


def test_update_function_configuration_can_empty_the_environment(lam: Any) -> None:
    create(lam, "orders", Environment={"Variables": {"KEY": "v"}})
    lam.update_function_configuration(FunctionName="orders", Environment={"Variables": {}})
    got = lam.get_function_configuration(FunctionName="orders")
    assert got["Environment"] == {"Variables": {}}


# -- DeleteFunction ------------------------------------------------------------------------


def test_delete_function(lam: Any) -> None:
    create(lam, "orders", Tags={"a": "b"})
    lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=5)
    response = lam.delete_function(FunctionName="orders")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName="orders")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {arn('orders')}")
    # a new function of the same name starts afresh
    create(lam, "orders")
    assert "Tags" not in lam.get_function(FunctionName="orders")
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="orders")


def test_delete_function_by_arn(lam: Any) -> None:
    create(lam, "orders")
    lam.delete_function(FunctionName=arn("orders"))
    assert lam.list_functions()["Functions"] == []


def test_delete_unknown_function_names_the_unqualified_arn(lam: Any) -> None:
    for params in ({"FunctionName": "nope"}, {"FunctionName": "nope", "Qualifier": "1"}):
        with pytest.raises(ClientError) as exc:
            lam.delete_function(**params)
        assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {arn('nope')}")


def test_delete_function_qualifiers(lam: Any) -> None:
    create(lam, "orders")
    with pytest.raises(ClientError) as exc:
        lam.delete_function(FunctionName="orders", Qualifier="$LATEST")
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "$LATEST version cannot be deleted without deleting the function.",
    )
    with pytest.raises(ClientError) as exc:
        lam.delete_function(FunctionName="orders", Qualifier="1")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        f"Function not found: {arn('orders', '1')}",
    )
    with pytest.raises(ClientError) as exc:
        lam.delete_function(FunctionName="orders:1", Qualifier="2")
    assert error_of(exc)[0] == "InvalidParameterValueException"
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["orders"]


def test_create_function_refuses_more_than_50_mb_zipped(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(lam, "big", Code={"ZipFile": b"\0" * (52_428_800 + 1)})
    assert error_of(exc) == (
        "RequestEntityTooLargeException",
        "Zipped size must be smaller than 52428800 bytes",
    )
    assert status_of(exc) == 413
    assert_nothing_created(lam, "big")


def test_functions_survive_a_restart(tmp_path: Any) -> None:
    with Cloud(data_dir=tmp_path) as cloud:
        lam = cloud.client("lambda", region_name=REGION)
        create(lam, "orders", Tags={"a": "b"}, Environment={"Variables": {"KEY": "v"}})
        lam.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=5)
        before = lam.get_function(FunctionName="orders")
    with Cloud(data_dir=tmp_path) as cloud:
        lam = cloud.client("lambda", region_name=REGION)
        after = lam.get_function(FunctionName="orders")
        assert body(after) == body(before)
        spec = in_engine(cloud, lambda svc: svc.function_spec(ACCOUNT, REGION, "orders", None))
        assert (spec.code_dir / "handler.py").is_file()
        assert spec.code_dir.is_relative_to(tmp_path)
