"""Resource-based policies: AddPermission, RemovePermission, GetPolicy, and whether a policy
allows a principal to invoke (VER-6..11).

One policy per function (key ``""``), per version and per alias, in ``lambda.policies``
(:mod:`.state`): ``{"Statement": [statement, ...]}``, statements in the order they were added.
A statement is stored as AWS writes it (VER-6; recorded: test_add_lambda_permission_fields)::

    {"Sid", "Effect": "Allow", "Principal", "Action", "Resource", "Condition"?}

Policies are not inherited (VER-8): publishing a version starts it without one, and a
statement on an alias allows invoking through that alias only. The policy's RevisionId is the
RevisionId of what it belongs to - the function, the version or the alias - and adding or
removing a statement changes it (recorded: test_function_revisions_permissions, "function
revision is the same as policy revision"; test_lambda_permission_fn_versioning). A stale
RevisionId answers the 412 of functions and aliases (recorded ``add_permission_revision_exception``
and ``remove_permission_revision_exception``: "... Call the GetFunction/GetAlias API ...").

:func:`allows` evaluates a policy for a service-to-Lambda invoke (VER-10, VER-11); nothing
calls it yet - the push-style sources that need it (SNS, EventBridge, S3, API Gateway) do not
exist in redrive.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redrive.errors import ServiceError
from redrive.services._base import Output, Params, partition
from redrive.services.lambda_ import arns, errors, qualifiers, state
from redrive.services.lambda_ import constants as c
from redrive.store import Transaction

Doc = dict[str, Any]

_ACCOUNT = re.compile(r"\d{12}")
#: IAM principals: users, roles, the account root; STS assumed-role sessions
_IAM_ARN = re.compile(r"arn:aws[a-zA-Z-]*:(iam|sts)::(?P<account>\d{12}):.+")
#: service principals: ``s3.amazonaws.com``, ``alexa-appkit.amazon.com`` ...
_SERVICE = re.compile(r"[a-z0-9][a-z0-9.\-]*\.(amazonaws\.com|amazon\.com)")
#: InvokeFunction is allowed by these Action values (the model's pattern admits ``*`` forms)
_INVOKE_ACTIONS = ("lambda:InvokeFunction", "lambda:*", "*")


@dataclass(frozen=True)
class _Resource:
    """What a policy belongs to: the function (``key`` ``""``), a version or an alias."""

    name: str
    key: str
    arn: str
    #: the document that carries the RevisionId, and how to store it again
    doc: Doc
    save: Callable[[], None]


# -- operations -------------------------------------------------------------------------------


def add_permission(
    txn: Transaction,
    account: str,
    region: str,
    ref: arns.FunctionRef,
    params: Params,
    *,
    revision: Callable[[], str],
) -> Output:
    """AddPermission (HTTP 201): ``{"Statement": "<JSON>"}`` (VER-6, VER-9)."""
    if ref.qualifier == c.LATEST:
        raise errors.policy_on_latest()
    if params.get("InvokedViaFunctionUrl"):
        raise errors.not_supported("InvokedViaFunctionUrl (function URLs)")
    principal = _principal(str(params["Principal"]), region)
    resource = _resource(txn, account, region, ref, missing_function=errors.function_not_found)
    _check_revision(resource, params.get("RevisionId"))
    policy = state.get_policy(txn, account, region, resource.name, resource.key) or {}
    statements: list[Doc] = list(policy.get("Statement") or [])
    sid = str(params["StatementId"])
    if any(statement["Sid"] == sid for statement in statements):
        raise errors.statement_exists(sid)
    statement: Doc = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": params["Action"],
        "Resource": resource.arn,
    }
    condition = _condition(params)
    if condition:
        statement["Condition"] = condition
    statements.append(statement)
    state.put_policy(
        txn, account, region, resource.name, resource.key, doc={"Statement": statements}
    )
    resource.doc["RevisionId"] = revision()
    resource.save()
    return {"Statement": _json(statement)}


def remove_permission(
    txn: Transaction,
    account: str,
    region: str,
    ref: arns.FunctionRef,
    params: Params,
    *,
    revision: Callable[[], str],
) -> Output:
    """RemovePermission (HTTP 204, VER-7)."""
    resource = _resource(txn, account, region, ref, missing_function=errors.no_policy_found_for)
    _check_revision(resource, params.get("RevisionId"))
    policy = state.get_policy(txn, account, region, resource.name, resource.key)
    statements: list[Doc] = list((policy or {}).get("Statement") or [])
    if not statements:
        raise errors.no_policy_associated()
    sid = str(params["StatementId"])
    kept = [statement for statement in statements if statement["Sid"] != sid]
    if len(kept) == len(statements):
        raise errors.statement_not_found(sid)
    if kept:
        state.put_policy(
            txn, account, region, resource.name, resource.key, doc={"Statement": kept}
        )
    else:
        state.delete_policy(txn, account, region, resource.name, resource.key)
    resource.doc["RevisionId"] = revision()
    resource.save()
    return {}


def get_policy(txn: Transaction, account: str, region: str, ref: arns.FunctionRef) -> Output:
    """GetPolicy: ``{"Policy": "<JSON>", "RevisionId"}``; 404 when there is none (VER-7)."""
    function = state.get_function(txn, account, region, ref.name)
    if function is None:
        raise errors.function_not_found(arns.function_arn(account, region, ref.name))
    try:
        resource = _resource(txn, account, region, ref, missing_function=errors.function_not_found)
    except ServiceError as exc:
        if exc.status != 404:
            raise
        # recorded: an unknown version answers as a version without a policy
        raise errors.resource_not_found() from None
    policy = state.get_policy(txn, account, region, resource.name, resource.key)
    statements = (policy or {}).get("Statement") or []
    if not statements:
        raise errors.resource_not_found()
    document = {"Version": c.POLICY_VERSION, "Id": c.POLICY_ID, "Statement": statements}
    return {"Policy": _json(document), "RevisionId": resource.doc["RevisionId"]}


# -- evaluation (VER-10, VER-11) --------------------------------------------------------------


def allows(
    txn: Transaction,
    account: str,
    region: str,
    ref: arns.FunctionRef,
    *,
    principal: str,
    source_arn: str | None,
    source_account: str | None,
    action: str = "lambda:InvokeFunction",
) -> bool:
    """Whether ``principal`` may call ``action`` on the function, version or alias ``ref``.

    A principal of the function's own account (its id or an IAM ARN in it) is authorised by
    its identity policies and needs no statement (VER-10); any other principal - another
    account or a service such as ``sns.amazonaws.com`` - needs an Allow statement in the
    policy of exactly the qualifier invoked (VER-8; an unqualified or ``$LATEST`` invoke reads
    the function's own policy [inferred: AWS takes no policy on ``$LATEST``]) whose Principal,
    Action and Conditions match. ``aws:PrincipalOrgID``, ``lambda:EventSourceToken`` and
    ``lambda:FunctionUrlAuthType`` conditions never match: redrive has no organisations, Alexa
    tokens or function URLs. Raises Invoke's ``Function not found`` for what does not exist.
    """
    if _account_of(principal) == account:
        return True
    target = qualifiers.resolve(txn, account, region, ref.name, ref.qualifier)
    if target is None:
        raise errors.function_not_found(
            arns.function_arn(account, region, ref.name, ref.qualifier or c.LATEST)
        )
    key = "" if qualifiers.kind(ref.qualifier) == "latest" else str(ref.qualifier)
    policy = state.get_policy(txn, account, region, target.name, key) or {}
    return any(
        statement.get("Effect") == "Allow"
        and _action_matches(statement.get("Action"), action)
        and _principal_matches(statement.get("Principal"), principal)
        and _conditions_hold(statement.get("Condition") or {}, source_arn, source_account)
        for statement in policy.get("Statement") or []
    )


def _account_of(principal: str) -> str | None:
    if _ACCOUNT.fullmatch(principal):
        return principal
    found = _IAM_ARN.fullmatch(principal)
    return found.group("account") if found else None


def _action_matches(allowed: Any, action: str) -> bool:
    values = allowed if isinstance(allowed, list) else [allowed]
    return any(isinstance(v, str) and fnmatch.fnmatchcase(action, v) for v in values)


def _principal_matches(allowed: Any, principal: str) -> bool:
    if allowed == "*":
        return True
    if not isinstance(allowed, dict):
        return False
    if allowed.get("Service") == principal:
        return True
    aws = allowed.get("AWS")
    if not isinstance(aws, str):
        return False
    if aws == principal:
        return True
    root = re.fullmatch(r"arn:aws[a-zA-Z-]*:iam::(\d{12}):root", aws)
    return root is not None and _account_of(principal) == root.group(1)


def _conditions_hold(
    condition: dict[str, dict[str, str]], source_arn: str | None, source_account: str | None
) -> bool:
    for operator, tests in condition.items():
        for key, expected in tests.items():
            if operator == "ArnLike" and key == "AWS:SourceArn":
                if source_arn is None or not fnmatch.fnmatchcase(source_arn, expected):
                    return False
            elif operator == "StringEquals" and key == "AWS:SourceAccount":
                if source_account != expected:
                    return False
            else:  # organisations, Alexa tokens, function URLs: not modelled, never met
                return False
    return True


# -- helpers ----------------------------------------------------------------------------------


def _principal(principal: str, region: str) -> Any:
    """The statement's Principal for AddPermission's ``Principal`` (VER-6), or 400."""
    if principal == "*":
        return "*"
    if _ACCOUNT.fullmatch(principal):
        return {"AWS": f"arn:{partition(region)}:iam::{principal}:root"}
    if _IAM_ARN.fullmatch(principal):
        return {"AWS": principal}
    if _SERVICE.fullmatch(principal):
        return {"Service": principal}
    raise errors.principal_invalid()


def _condition(params: Params) -> dict[str, dict[str, str]]:
    """The statement's Condition, keys in AWS's order (recorded `add_permission_optional_fields`;
    where lambda:EventSourceToken goes among them is [inferred])."""
    equals: dict[str, str] = {}
    for member, key in (
        ("FunctionUrlAuthType", "lambda:FunctionUrlAuthType"),
        ("EventSourceToken", "lambda:EventSourceToken"),
        ("PrincipalOrgID", "aws:PrincipalOrgID"),
        ("SourceAccount", "AWS:SourceAccount"),
    ):
        if params.get(member):
            equals[key] = str(params[member])
    condition: dict[str, dict[str, str]] = {}
    if equals:
        condition["StringEquals"] = equals
    if params.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": str(params["SourceArn"])}
    return condition


def _resource(
    txn: Transaction,
    account: str,
    region: str,
    ref: arns.FunctionRef,
    *,
    missing_function: Callable[[str], ServiceError],
) -> _Resource:
    """The function, version or alias a permission operation names, or AWS's 404 (VER-9)."""
    function = state.get_function(txn, account, region, ref.name)
    if function is None:
        raise missing_function(arns.function_arn(account, region, ref.name))
    name = function["FunctionName"]
    what = qualifiers.kind(ref.qualifier)
    if what == "latest":
        return _Resource(
            name,
            "",
            arns.function_arn(account, region, name),
            function,
            lambda: state.put_function(txn, account, region, function),
        )
    qualifier = str(ref.qualifier)
    qualified = arns.function_arn(account, region, name, qualifier)
    if what == "alias":
        alias = state.get_alias(txn, account, region, name, qualifier)
        if alias is None:
            raise errors.alias_not_found(qualified)
        return _Resource(
            name, qualifier, qualified, alias,
            lambda: state.put_alias(txn, account, region, name, alias),
        )
    version = qualifiers.version_doc(txn, account, region, name, qualifier)
    if version is None:
        raise errors.function_not_found(qualified)
    return _Resource(
        name, qualifier, qualified, version,
        lambda: state.put_version(txn, account, region, version),
    )


def _check_revision(resource: _Resource, expected: str | None) -> None:
    if expected is not None and expected != resource.doc["RevisionId"]:
        raise errors.precondition_failed()


def _json(document: Any) -> str:
    """Compact JSON, as AWS writes policies and statements."""
    return json.dumps(document, separators=(",", ":"))
