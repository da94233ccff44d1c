"""Published versions: immutable snapshots of ``$LATEST``'s code and configuration (VER-1, VER-2).

A version document (``lambda.versions``, see :mod:`.state`) holds every configuration member
of the function document (:mod:`.config`) as ``$LATEST`` had it when published - code,
runtime, handler, environment, timeout, memory, role, DeadLetterConfig (VER-2) - and:

``Version``          ``"1"``, ``"2"``, ...
``RevisionId``       its own; it changes only when a permission is added to or removed from
                     the version (VER-7; recorded: test_function_revisions_version_and_alias,
                     test_lambda_permission_fn_versioning)
``SourceRevision``   ``$LATEST``'s ``ConfigRevision`` at publication: while it is unchanged,
                     publishing again returns this version instead of a new one
``Description``      PublishVersion's ``Description``, else ``$LATEST``'s (recorded:
                     test_version_lifecycle)
``LastModifiedMs``   the emulated time of publication [inferred]

It has no ``Tags`` (tags belong to the function). The package is copied to ``lambda.code``
under the version's number, so a later UpdateFunctionCode never reaches it.

Recorded behaviour (test_lambda_api.snapshot.json, TestLambdaVersions and TestLambdaRevisions):
publishing answers 201 with the version, Active; publishing again with neither code nor
configuration changed answers the last version again (``third_publish_response``); a change
of configuration alone (a Description) makes a new version; publishing changes the RevisionId
of ``$LATEST`` but not its configuration. Numbers are never reused: the function document
keeps ``VersionCounter``, the last number handed out.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from redrive.services._base import Output, Params
from redrive.services.lambda_ import arns, config, errors, paging, state
from redrive.services.lambda_ import constants as c
from redrive.store import Transaction

Doc = dict[str, Any]

#: members of the function document a version does not copy
_NOT_FROZEN = ("Tags", "VersionCounter")
_MARKER_TAG = "lv"


def check_publish(function: Doc, params: Params) -> None:
    """PublishVersion's preconditions: RevisionId and CodeSha256 of ``$LATEST`` (VER-1)."""
    revision = params.get("RevisionId")
    if revision is not None and revision != function["RevisionId"]:
        raise errors.precondition_failed()
    sha = params.get("CodeSha256")
    if sha is not None and sha != function["CodeSha256"]:
        raise errors.code_sha256_mismatch(sha, function["CodeSha256"])


def publish(
    txn: Transaction,
    account: str,
    region: str,
    function: Doc,
    *,
    description: str | None,
    now_ms: int,
    revision: Callable[[], str],
) -> Doc:
    """The version of ``$LATEST`` as it is now: a new one, or the last one if nothing changed.

    ``function`` is changed and stored (its version counter and RevisionId).
    """
    name = function["FunctionName"]
    last = state.last_version(txn, account, region, name)
    if last is not None and last["SourceRevision"] == function["ConfigRevision"]:
        return last
    number = int(function.get("VersionCounter", 0)) + 1
    version: Doc = {k: v for k, v in function.items() if k not in _NOT_FROZEN}
    version.update(
        Version=str(number),
        RevisionId=revision(),
        SourceRevision=function["ConfigRevision"],
        LastModifiedMs=now_ms,
    )
    if description is not None:
        version["Description"] = description
    state.put_version(txn, account, region, version)
    state.copy_code(txn, account, region, name, str(number))
    function["VersionCounter"] = number
    function["RevisionId"] = revision()
    state.put_function(txn, account, region, function)
    return version


def list_page(
    txn: Transaction,
    account: str,
    region: str,
    function: Doc,
    *,
    marker: str | None,
    max_items: int | None,
) -> Output:
    """ListVersionsByFunction: ``$LATEST`` first, then the versions in number order, at most
    50 a page whatever MaxItems asks (API_ListVersionsByFunction.html)."""
    limit = min(c.DEFAULT_LIST_MAX_ITEMS if max_items is None else max_items, c.MAX_VERSIONS_PAGE)
    after = None if marker is None else _parse_marker(marker)
    name = function["FunctionName"]
    entries: list[Doc] = []
    if after is None:
        entries.append(function)
    versions = state.iter_versions(txn, account, region, name, after=after or None)
    entries.extend(itertools.islice(versions, limit + 1 - len(entries)))
    page = entries[:limit]
    output: Output = {
        "Versions": [
            config.configuration(doc, account, region, arn_qualifier=doc.get("Version", c.LATEST))
            for doc in page
        ]
    }
    if len(entries) > limit:
        output["NextMarker"] = paging.marker(_MARKER_TAG, int(page[-1].get("Version", 0) or 0))
    return output


def delete(txn: Transaction, account: str, region: str, name: str, version: str) -> None:
    """DeleteFunction of a version: refused while an alias routes to it, else gone."""
    if state.get_version(txn, account, region, name, int(version)) is None:
        raise errors.function_not_found(arns.function_arn(account, region, name, version))
    users = [
        alias["Name"]
        for alias in state.iter_aliases(txn, account, region, name)
        if alias["FunctionVersion"] == version or version in (alias.get("Weights") or {})
    ]
    if users:
        raise errors.version_referenced_by_aliases(users)
    state.delete_version(txn, account, region, name, int(version))


def _parse_marker(marker: str) -> int:
    found = paging.position(_MARKER_TAG, marker)
    if len(found) != 1 or not isinstance(found[0], int):
        raise errors.invalid_marker(marker)
    return int(found[0])
