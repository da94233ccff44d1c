"""Aliases: named pointers to a version, optionally sharing traffic with a second one
(VER-3, VER-4, VER-5).

An alias document (``lambda.aliases``, see :mod:`.state`)::

    Name             the alias name (never all digits: the model's pattern)
    FunctionVersion  "$LATEST" or a version number
    Description
    Weights          RoutingConfig.AdditionalVersionWeights: {version: weight}, {} for none
    RevisionId       changes with every UpdateAlias (recorded: update_alias_1_2, an update
                     without changes) and every AddPermission/RemovePermission on the alias

Checks, in redrive's order (each recorded in test_notfound_and_invalid_routingconfigs unless
marked): the model's (weights 0.0-1.0, version keys of digits) in the wire layer; the function
exists, else ``Function not found`` naming the target version; at most one additional
version; the additional version is not the primary; no routing from ``$LATEST``; both
versions exist; [observed] the same execution role; [inferred] the same dead-letter queue
(configuration-aliases.html names both conditions); then the alias name is free.

Each invocation through an alias picks its version independently: the additional version with
probability ``weight``, drawn from the run's seeded generator (VER-4, DESIGN.md, Time).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from typing import Any

from redrive.services._base import Output, Params
from redrive.services.lambda_ import arns, errors, paging, qualifiers, state
from redrive.services.lambda_ import constants as c
from redrive.store import Transaction

Doc = dict[str, Any]

_MARKER_TAG = "la"


def create(
    txn: Transaction,
    account: str,
    region: str,
    function_name: str,
    params: Params,
    *,
    revision: Callable[[], str],
) -> Output:
    """CreateAlias (HTTP 201)."""
    primary = str(params["FunctionVersion"])
    function = state.get_function(txn, account, region, function_name)
    if function is None:
        raise errors.function_not_found(arns.function_arn(account, region, function_name, primary))
    name = function["FunctionName"]
    weights = _weights(params.get("RoutingConfig"))
    _check_target(txn, account, region, name, primary=primary, weights=weights)
    alias_name = str(params["Name"])
    if state.get_alias(txn, account, region, name, alias_name) is not None:
        raise errors.alias_exists(arns.function_arn(account, region, name, alias_name))
    doc: Doc = {
        "Name": alias_name,
        "FunctionVersion": primary,
        "Description": params.get("Description", ""),
        "Weights": weights,
        "RevisionId": revision(),
    }
    state.put_alias(txn, account, region, name, doc)
    return view(doc, account, region, name)


def update(
    txn: Transaction,
    account: str,
    region: str,
    function_name: str,
    params: Params,
    *,
    revision: Callable[[], str],
) -> Output:
    """UpdateAlias: the members given; a RoutingConfig replaces the weights (``{}`` clears them,
    VER-5); a stale RevisionId is refused."""
    name, doc = existing(txn, account, region, function_name, str(params["Name"]))
    expected = params.get("RevisionId")
    if expected is not None and expected != doc["RevisionId"]:
        raise errors.precondition_failed()
    primary = str(params.get("FunctionVersion", doc["FunctionVersion"]))
    weights = (
        _weights(params["RoutingConfig"])
        if params.get("RoutingConfig") is not None
        else dict(doc.get("Weights") or {})
    )
    _check_target(txn, account, region, name, primary=primary, weights=weights)
    doc["FunctionVersion"] = primary
    doc["Weights"] = weights
    if params.get("Description") is not None:
        doc["Description"] = params["Description"]
    doc["RevisionId"] = revision()
    state.put_alias(txn, account, region, name, doc)
    return view(doc, account, region, name)


def get(txn: Transaction, account: str, region: str, function_name: str, alias_name: str) -> Output:
    name, doc = existing(txn, account, region, function_name, alias_name)
    return view(doc, account, region, name)


def delete(
    txn: Transaction, account: str, region: str, function_name: str, alias_name: str
) -> None:
    """DeleteAlias (HTTP 204); the alias's policy and EventInvokeConfig go with it [inferred]."""
    name, _doc = existing(txn, account, region, function_name, alias_name)
    state.delete_alias(txn, account, region, name, alias_name)


def list_page(
    txn: Transaction,
    account: str,
    region: str,
    function_name: str,
    *,
    function_version: str | None,
    marker: str | None,
    max_items: int | None,
) -> Output:
    """ListAliases in name order, only those whose FunctionVersion is ``function_version`` if
    it is given (VER-3; recorded `list_aliases_for_version`)."""
    function = _function(txn, account, region, function_name)
    name = function["FunctionName"]
    after = None if marker is None else _parse_marker(marker)
    limit = c.DEFAULT_ALIAS_MAX_ITEMS if max_items is None else max_items
    found = (
        doc
        for doc in state.iter_aliases(txn, account, region, name, after=after)
        if function_version is None or doc["FunctionVersion"] == function_version
    )
    entries = list(itertools.islice(found, limit + 1))
    page = entries[:limit]
    output: Output = {"Aliases": [view(doc, account, region, name) for doc in page]}
    if len(entries) > limit:
        output["NextMarker"] = paging.marker(_MARKER_TAG, page[-1]["Name"])
    return output


def view(doc: Doc, account: str, region: str, function_name: str) -> Output:
    """An AliasConfiguration as AWS answers it (VER-3): RoutingConfig only when set."""
    out: Output = {
        "AliasArn": arns.function_arn(account, region, function_name, doc["Name"]),
        "Name": doc["Name"],
        "FunctionVersion": doc["FunctionVersion"],
        "Description": doc.get("Description", ""),
        "RevisionId": doc["RevisionId"],
    }
    weights = doc.get("Weights") or {}
    if weights:
        out["RoutingConfig"] = {"AdditionalVersionWeights": dict(weights)}
    return out


def pick_version(alias: Doc, rng: random.Random) -> str:
    """The version one invocation through ``alias`` runs (VER-4): the additional version with
    probability ``weight``, else the alias's FunctionVersion."""
    weights: Mapping[str, float] = alias.get("Weights") or {}
    for version, weight in weights.items():
        if rng.random() < float(weight):
            return version
    return str(alias["FunctionVersion"])


def existing(
    txn: Transaction, account: str, region: str, function_name: str, alias_name: str
) -> tuple[str, Doc]:
    """(function name, alias document), or AWS's 404 for the function or the alias."""
    name = _function(txn, account, region, function_name)["FunctionName"]
    doc = state.get_alias(txn, account, region, name, alias_name)
    if doc is None:
        raise errors.alias_not_found(arns.function_arn(account, region, name, alias_name))
    return name, doc


# -- checks -----------------------------------------------------------------------------------


def _function(txn: Transaction, account: str, region: str, function_name: str) -> Doc:
    function = state.get_function(txn, account, region, function_name)
    if function is None:
        # [inferred] the form of every other unknown-function error
        raise errors.function_not_found(arns.function_arn(account, region, function_name))
    return function


def _weights(routing: Params | None) -> dict[str, float]:
    """AdditionalVersionWeights of a (model-checked) RoutingConfig; at most one (VER-4)."""
    weights = dict((routing or {}).get("AdditionalVersionWeights") or {})
    if len(weights) > c.MAX_ADDITIONAL_VERSIONS:
        raise errors.routing_too_many_versions()
    return {str(version): float(weight) for version, weight in weights.items()}


def _check_target(
    txn: Transaction,
    account: str,
    region: str,
    name: str,
    *,
    primary: str,
    weights: Mapping[str, float],
) -> None:
    """The versions an alias points to exist and may share traffic (VER-3, VER-4)."""
    if primary in weights:
        raise errors.routing_same_version(primary)
    if weights and primary == c.LATEST:
        raise errors.routing_on_latest()
    target = qualifiers.version_doc(txn, account, region, name, primary)
    if target is None:
        raise errors.function_not_found(arns.function_arn(account, region, name, primary))
    for version in weights:
        other = qualifiers.version_doc(txn, account, region, name, version)
        if other is None:
            raise errors.function_not_found(arns.function_arn(account, region, name, version))
        if other["Role"] != target["Role"]:
            raise errors.routing_roles_differ()
        if other.get("DeadLetterTarget") != target.get("DeadLetterTarget"):
            raise errors.routing_dead_letters_differ()


def _parse_marker(marker: str) -> str:
    found = paging.position(_MARKER_TAG, marker)
    if len(found) != 1 or not isinstance(found[0], str):
        raise errors.invalid_marker(marker)
    return found[0]
