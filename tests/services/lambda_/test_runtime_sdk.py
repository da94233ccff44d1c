"""The AWS SDK a Python runtime provides: every handler can ``import boto3`` and reach redrive,
whichever interpreter runs it, and a boto3 in the deployment package wins, as on AWS."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from redrive import Cloud
from redrive.runtime import interpreters, sdk
from tests.services.lambda_.conftest import create, make_zip

SDK_HANDLER = """
import json, os, boto3, botocore

def handler(event, context):
    name = "/sdk/" + os.environ["AWS_LAMBDA_FUNCTION_NAME"]
    boto3.client("logs").create_log_group(logGroupName=name)
    return {"boto3": boto3.__file__, "botocore": botocore.__version__, "group": name}
"""

RUNTIMES = [f"python3.{minor}" for minor in range(9, 14)]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_python_runtime_can_use_boto3_against_redrive(
    lam: Any, cloud: Cloud, runtime: str
) -> None:
    chosen = interpreters.choose(runtime)
    if not chosen.exact:
        pytest.skip(f"no {runtime} interpreter on this machine")
    if chosen.path != sys.executable and not sdk.supports(chosen.version):
        pytest.skip(f"this machine's SDK packages do not support {runtime} (Requires-Python)")
    name = "sdk-" + runtime.replace(".", "")
    create(lam, name, Runtime=runtime, Code={"ZipFile": make_zip({"handler.py": SDK_HANDLER})})
    answer = lam.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in answer, answer["Payload"].read()
    found = json.loads(answer["Payload"].read())
    groups = cloud.client("logs").describe_log_groups(logGroupNamePrefix=found["group"])
    assert [g["logGroupName"] for g in groups["logGroups"]] == [found["group"]]
    import botocore

    assert found["botocore"] == botocore.__version__  # redrive's own copy, or the same one
    if chosen.path != sys.executable:
        assert "/runtime/sdk/boto3/" in found["boto3"]


def test_a_packaged_boto3_wins_over_the_provided_one(lam: Any) -> None:
    files = {
        "handler.py": "import boto3\ndef handler(event, context):\n    return boto3.MARK\n",
        "boto3/__init__.py": "MARK = 'packaged'\n",
    }
    create(lam, "own-boto3", Code={"ZipFile": make_zip(files)})
    answer = lam.invoke(FunctionName="own-boto3", Payload=b"{}")
    assert json.loads(answer["Payload"].read()) == "packaged"


def test_requires_python_decides_which_interpreters_get_the_sdk() -> None:
    assert sdk._admits(">=3.10", (3, 12)) and not sdk._admits(">=3.10", (3, 9))
    assert sdk._admits(">=2.7, !=3.0.*, !=3.1.*", (3, 9))
    assert not sdk._admits(">=3.8,<3.9", (3, 9)) and sdk._admits("", (3, 9))
