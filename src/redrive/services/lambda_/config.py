"""Function configuration: checking the values a request sets, and the FunctionConfiguration
views AWS answers.

The function document (``lambda.functions``, see :mod:`.state`) holds ``$LATEST``::

    FunctionName, Runtime, Role, Handler, Description, Timeout, MemorySize,
    Environment          the variables, or None when the function never had any (AWS then
                         leaves ``Environment`` out of its answers)
    Architectures, EphemeralStorage (MB), TracingMode, KMSKeyArn (optional),
    LogFormat, LogGroup, PackageType,
    DeadLetterTarget     the DeadLetterConfig TargetArn (an SQS queue ARN), None or absent
                         without one (DEST-10; see :func:`check_dead_letter`)
    CodeSha256 (base64), CodeSha256Hex, CodeSize, LastModifiedMs,
    RevisionId           what reads report; changes with every change, tags included
    ConfigRevision       changes only when code or configuration change (FunctionSpec.revision,
                         so tagging a function does not discard its warm environments)
    Tags
    VersionCounter       the last version number PublishVersion handed out (absent before)

A published version's document (:mod:`.versions`) has the same configuration members, frozen,
and ``Version``; the views below render either.

Views, as recorded against AWS (test_lambda_api.snapshot.json):

* CreateFunction: ``State`` Pending with ``StateReason``/``StateReasonCode``, no
  ``LastUpdateStatus``, and a RevisionId of its own - the function becomes Active at once and
  later reads show another RevisionId (INV-19), as on AWS;
* UpdateFunctionCode/UpdateFunctionConfiguration: ``State`` Active, ``LastUpdateStatus``
  InProgress with AWS's reason ``The function is being created.``, again a RevisionId that the
  next read replaces;
* reads (GetFunction, GetFunctionConfiguration): ``State`` Active, ``LastUpdateStatus``
  Successful - so boto3's ``function_active_v2`` and ``function_updated_v2`` waiters succeed on
  their first call;
* ListFunctions: neither ``State`` nor ``LastUpdateStatus`` nor ``RuntimeVersionConfig``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from redrive.services._base import Output, Params, partition
from redrive.services.lambda_ import arns, errors
from redrive.services.lambda_ import constants as c
from redrive.services.lambda_.code import CodeInfo

Doc = dict[str, Any]

#: configuration members redrive does not emulate, refused when they ask for something
_UNSUPPORTED_STRUCTURES = {
    "ImageConfig": "ImageConfig (container images)",
    "CapacityProviderConfig": "CapacityProviderConfig (Lambda Managed Instances)",
    "DurableConfig": "DurableConfig (durable functions)",
    "TenancyConfig": "TenancyConfig",
}


# -- checking requests ----------------------------------------------------------------------


def check_unsupported(params: Params) -> None:
    """Refuse, loudly, configuration redrive would otherwise have to ignore."""
    for member, what in _UNSUPPORTED_STRUCTURES.items():
        if params.get(member):
            raise errors.not_supported(what)
    check_dead_letter(params)
    vpc = params.get("VpcConfig") or {}
    if vpc.get("SubnetIds") or vpc.get("SecurityGroupIds"):
        raise errors.not_supported("VpcConfig")
    if params.get("Layers"):
        raise errors.not_supported("Layers")
    if params.get("FileSystemConfigs"):
        raise errors.not_supported("FileSystemConfigs (EFS)")
    if params.get("CodeSigningConfigArn"):
        raise errors.not_supported("code signing (CodeSigningConfigArn)")
    logging = params.get("LoggingConfig") or {}
    if logging.get("LogFormat", c.DEFAULT_LOG_FORMAT) != c.DEFAULT_LOG_FORMAT:
        raise errors.not_supported("LoggingConfig LogFormat JSON")
    if logging.get("ApplicationLogLevel") or logging.get("SystemLogLevel"):
        raise errors.not_supported("log levels (they apply to LogFormat JSON)")


def check_dead_letter(params: Params) -> None:
    """A DeadLetterConfig TargetArn redrive can deliver to: a standard SQS queue (DEST-10).

    AWS also takes a standard SNS topic; redrive refuses one by name until it has SNS. An
    empty TargetArn sets no dead-letter queue (UpdateFunctionConfiguration: removes it;
    CreateFunction refuses it, see :func:`new_function`). The model's pattern has already
    been checked (``arn:<partition>:<service>:...`` or empty). The queue's existence is not
    checked: AWS checks only the role's permission to send to it, which redrive does not model.
    AWS also refuses a queue in another Region (as third parties quote it; not emulated here,
    the check would need the caller's Region).
    """
    target = (params.get("DeadLetterConfig") or {}).get("TargetArn") or ""
    if not target:
        return
    parts = target.split(":", 5)
    service = parts[2] if len(parts) > 2 else ""
    if service not in ("sqs", "sns"):
        raise errors.dead_letter_service()
    if len(parts) == 6 and parts[5].endswith(".fifo"):
        raise errors.dead_letter_fifo("SQS queue" if service == "sqs" else "SNS topic")
    if service == "sns":
        raise errors.not_supported(f"Amazon SNS topics as dead-letter queues ({target})")
    if len(parts) < 6 or not parts[3] or not parts[4] or not parts[5]:
        raise errors.invalid_parameter(
            "redrive expects a dead-letter queue ARN of the form "
            f"arn:aws:sqs:<region>:<account id>:<queue name>, not {target}"
        )


def check_snapstart(params: Params, runtime: str) -> None:
    snapstart = params.get("SnapStart") or {}
    if snapstart.get("ApplyOn", "None") == "None":
        return
    if runtime in ("python3.9", "python3.10", "python3.11"):
        raise errors.snapstart_not_supported(runtime)
    raise errors.not_supported("SnapStart")


def check_runtime(runtime: str) -> None:
    """A runtime redrive runs; AWS's deprecation error for one AWS no longer accepts."""
    if runtime in c.SUPPORTED_RUNTIMES:
        return
    if runtime in c.DEPRECATED_RUNTIMES:
        letters = re.match(r"[a-z]*", runtime)
        family = (letters.group() if letters else runtime).removesuffix("core")
        raise errors.runtime_deprecated(runtime, c.RECOMMENDED_RUNTIMES.get(family, family))
    raise errors.runtime_not_supported(runtime, c.SUPPORTED_RUNTIMES)


def check_limits(params: Params) -> None:
    """Maxima tighter than the model's (the wire layer checks the model's own)."""
    timeout = params.get("Timeout")
    if timeout is not None and timeout > c.MAX_TIMEOUT:
        raise errors.timeout_too_large(timeout, c.MAX_TIMEOUT)
    memory = params.get("MemorySize")
    if memory is not None and memory > c.MAX_MEMORY_SIZE:
        raise errors.memory_too_large(memory, c.MAX_MEMORY_SIZE)


def check_environment(variables: Mapping[str, str]) -> None:
    """No reserved keys, at most 4 KB as compact JSON (keys in request order, UTF-8)."""
    reserved = [key for key in variables if key in c.RESERVED_ENVIRONMENT_KEYS]
    if reserved:
        raise errors.reserved_environment_keys(reserved)
    measured = json.dumps(dict(variables), separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode()) > c.MAX_ENVIRONMENT_BYTES:
        raise errors.environment_too_large(measured)


def environment_of(params: Params) -> dict[str, str] | None:
    """The variables a request sets (``{}`` for ``Environment: {}``), None if it sets none."""
    environment = params.get("Environment")
    if environment is None:
        return None
    variables = dict(environment.get("Variables") or {})
    check_environment(variables)
    return variables


# -- documents ----------------------------------------------------------------------------


def new_function(
    params: Params,
    name: str,
    info: CodeInfo,
    *,
    now_ms: int,
    revision: str,
    config_revision: str,
) -> Doc:
    """The document of a function CreateFunction (already checked) creates."""
    logging = params.get("LoggingConfig") or {}
    doc: Doc = {
        "FunctionName": name,
        "Runtime": params["Runtime"],
        "Role": params["Role"],
        "Handler": params["Handler"],
        "Description": params.get("Description", ""),
        "Timeout": params.get("Timeout", c.DEFAULT_TIMEOUT),
        "MemorySize": params.get("MemorySize", c.DEFAULT_MEMORY_SIZE),
        "Environment": environment_of(params),
        "Architectures": list(params.get("Architectures") or c.DEFAULT_ARCHITECTURES),
        "EphemeralStorage": (params.get("EphemeralStorage") or {}).get(
            "Size", c.DEFAULT_EPHEMERAL_STORAGE
        ),
        "TracingMode": (params.get("TracingConfig") or {}).get("Mode", c.DEFAULT_TRACING_MODE),
        "LogFormat": c.DEFAULT_LOG_FORMAT,
        "LogGroup": logging.get("LogGroup") or c.LOG_GROUP_PREFIX + name,
        "PackageType": "Zip",
        "Tags": dict(params.get("Tags") or {}),
        "LastModifiedMs": now_ms,
        "RevisionId": revision,
        "ConfigRevision": config_revision,
    }
    if params.get("KMSKeyArn"):
        doc["KMSKeyArn"] = params["KMSKeyArn"]
    dead_letter = params.get("DeadLetterConfig")
    if dead_letter is not None and dead_letter.get("TargetArn") == "":
        # [observed] CreateFunction refuses the empty TargetArn that removes a dead-letter
        # queue in UpdateFunctionConfiguration
        raise errors.dead_letter_not_an_arn("")
    doc["DeadLetterTarget"] = dead_letter_target(params)
    set_code(doc, info)
    return doc


def set_code(doc: Doc, info: CodeInfo) -> None:
    doc["CodeSha256"] = info.sha256
    doc["CodeSha256Hex"] = info.sha256_hex
    doc["CodeSize"] = info.size


def dead_letter_target(params: Params) -> str | None:
    """The dead-letter queue a (checked) request sets, None for none."""
    target = (params.get("DeadLetterConfig") or {}).get("TargetArn")
    return str(target) if target else None


def apply_configuration(doc: Doc, params: Params) -> None:
    """Apply UpdateFunctionConfiguration's (already checked) members to ``doc``."""
    for member in ("Role", "Handler", "Description", "Timeout", "MemorySize", "Runtime"):
        if member in params:
            doc[member] = params[member]
    if "Environment" in params:
        doc["Environment"] = environment_of(params)
    if "EphemeralStorage" in params:
        doc["EphemeralStorage"] = params["EphemeralStorage"]["Size"]
    if "TracingConfig" in params:
        doc["TracingMode"] = params["TracingConfig"].get("Mode", c.DEFAULT_TRACING_MODE)
    if "KMSKeyArn" in params:
        doc["KMSKeyArn"] = params["KMSKeyArn"] or None
    if "DeadLetterConfig" in params:
        # {"TargetArn": ""} removes the dead-letter queue ([observed]: how Ansible's lambda
        # module and node-lambda remove one); {} without TargetArn does too [inferred]
        doc["DeadLetterTarget"] = dead_letter_target(params)
    logging = params.get("LoggingConfig") or {}
    if logging.get("LogGroup"):
        doc["LogGroup"] = logging["LogGroup"]


# -- views ----------------------------------------------------------------------------------


def format_timestamp(ms: int) -> str:
    """``LastModified``: ``2024-01-01T00:00:00.000+0000`` (emulated UTC time)."""
    moment = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+0000"


def runtime_version_arn(region: str, runtime: str) -> str:
    """``arn:aws:lambda:<region>::runtime:<64 hex>``, fixed per runtime (OBS-11)."""
    digest = hashlib.sha256(f"redrive runtime {runtime}".encode()).hexdigest()
    return f"arn:{partition(region)}:lambda:{region}::runtime:{digest}"


def configuration(
    doc: Doc, account_id: str, region: str, *, arn_qualifier: str | None = None
) -> Output:
    """The members every view shares (ListFunctions shows just these).

    ``doc`` is ``$LATEST``'s document or a version's (:mod:`.versions`); ``FunctionArn`` carries
    ``arn_qualifier`` - the qualifier the caller named - when it is given.
    """
    name = doc["FunctionName"]
    out: Output = {
        "FunctionName": name,
        "FunctionArn": arns.function_arn(account_id, region, name, arn_qualifier),
        "Runtime": doc["Runtime"],
        "Role": doc["Role"],
        "Handler": doc["Handler"],
        "CodeSize": doc["CodeSize"],
        "Description": doc["Description"],
        "Timeout": doc["Timeout"],
        "MemorySize": doc["MemorySize"],
        "LastModified": format_timestamp(doc["LastModifiedMs"]),
        "CodeSha256": doc["CodeSha256"],
        "Version": doc.get("Version", c.LATEST),
        "TracingConfig": {"Mode": doc["TracingMode"]},
        "RevisionId": doc["RevisionId"],
        "PackageType": doc["PackageType"],
        "Architectures": list(doc["Architectures"]),
        "EphemeralStorage": {"Size": doc["EphemeralStorage"]},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": doc["LogFormat"], "LogGroup": doc["LogGroup"]},
    }
    if doc.get("Environment") is not None:
        out["Environment"] = {"Variables": dict(doc["Environment"])}
    if doc.get("KMSKeyArn"):
        out["KMSKeyArn"] = doc["KMSKeyArn"]
    if doc.get("DeadLetterTarget"):
        out["DeadLetterConfig"] = {"TargetArn": doc["DeadLetterTarget"]}
    return out


def read_view(
    doc: Doc, account_id: str, region: str, *, arn_qualifier: str | None = None
) -> Output:
    """GetFunction's Configuration, GetFunctionConfiguration and PublishVersion's answer."""
    out = configuration(doc, account_id, region, arn_qualifier=arn_qualifier)
    out["RuntimeVersionConfig"] = {"RuntimeVersionArn": runtime_version_arn(region, doc["Runtime"])}
    out["State"] = "Active"
    out["LastUpdateStatus"] = "Successful"
    return out


def create_view(
    doc: Doc, account_id: str, region: str, *, revision: str, version: str = c.LATEST
) -> Output:
    """CreateFunction's answer: Pending, with a RevisionId of its own; ``Version`` is the
    version ``Publish: true`` made (recorded: test_publish_version_on_create, an unqualified
    FunctionArn and ``Version: "1"``)."""
    out = configuration(doc, account_id, region)
    out["Version"] = version
    out["RuntimeVersionConfig"] = {"RuntimeVersionArn": runtime_version_arn(region, doc["Runtime"])}
    out["RevisionId"] = revision
    out["State"] = "Pending"
    out["StateReason"] = c.PENDING_REASON
    out["StateReasonCode"] = c.PENDING_REASON_CODE
    return out


def update_view(doc: Doc, account_id: str, region: str, *, revision: str) -> Output:
    """UpdateFunctionCode's and UpdateFunctionConfiguration's answer: update InProgress."""
    out = configuration(doc, account_id, region)
    out["RuntimeVersionConfig"] = {"RuntimeVersionArn": runtime_version_arn(region, doc["Runtime"])}
    out["RevisionId"] = revision
    out["State"] = "Active"
    out["LastUpdateStatus"] = "InProgress"
    out["LastUpdateStatusReason"] = c.UPDATE_REASON
    out["LastUpdateStatusReasonCode"] = c.UPDATE_REASON_CODE
    return out


def published_update_view(version: Doc, account_id: str, region: str) -> Output:
    """UpdateFunctionCode's answer with ``Publish: true``: the new version, Pending (recorded:
    TestLambdaVersions::test_publish_with_update, a qualified FunctionArn and no
    LastUpdateStatus); later reads show it Active."""
    out = configuration(version, account_id, region, arn_qualifier=version["Version"])
    out["RuntimeVersionConfig"] = {
        "RuntimeVersionArn": runtime_version_arn(region, version["Runtime"])
    }
    out["State"] = "Pending"
    out["StateReason"] = c.PENDING_REASON
    out["StateReasonCode"] = c.PENDING_REASON_CODE
    return out
