"""EventInvokeConfig: the retry limits and destinations of asynchronous invocation.

One config may exist per function and qualifier - ``$LATEST``, each version, each alias -
independently of the others (ASYNC-12); it lives in ``lambda.event-invoke-configs`` (see
:mod:`.state`) and is deleted with its function. The document keeps only what was set::

    Qualifier                  ``$LATEST``, a version number or an alias name
    MaximumRetryAttempts       int (0-2), absent when not set
    MaximumEventAgeInSeconds   int (60-21600), absent when not set
    OnSuccess, OnFailure       the destination ARN, or None
    LastModifiedMs             emulated time of the last Put or Update

Operations (ASYNC-11, ASYNC-13, as recorded against AWS):

* Put replaces the whole config; Update changes only the members it names - a
  ``DestinationConfig`` replaces the stored one as a whole [inferred]. Both need at least one
  setting, a function that exists and (Put; Update [inferred]) a qualifier that names
  something, else ``The function doesn't exist.``; Update of a config that does not exist is
  a 404 naming the qualified ARN.
* Get and Delete answer the same 404 for a function, version or alias without a config, also
  when the function itself does not exist.
* Answers echo only the members that are set, plus ``FunctionArn`` (always qualified),
  ``LastModified`` (epoch seconds) and ``DestinationConfig`` with both ``OnSuccess`` and
  ``OnFailure`` present, ``{}`` when unset.

Destinations (DEST-1): an SQS queue (its existence is not checked: AWS checks only the role's
permissions, which redrive does not model) or a Lambda function (it must exist and must not be
the function itself). SNS topics, EventBridge buses and S3 buckets (OnFailure only) are AWS
destinations redrive cannot deliver to yet and refuses by name; anything else, S3 as OnSuccess
included [inferred], is AWS's ``The provided destination config ... is invalid.`` An empty
``Destination`` counts as none [inferred]. The model's ARN pattern is checked by the wire layer.

Put and Update take a version or alias that exists (``The function doesn't exist.`` else);
a function destination may name a version or alias of another function, which must exist.
Deleting a version or an alias deletes its config.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from redrive.services._base import Output, Params
from redrive.services.lambda_ import arns, errors, qualifiers, state
from redrive.services.lambda_ import constants as c
from redrive.services.lambda_.arns import FunctionRef
from redrive.store import Transaction

Doc = dict[str, Any]

#: the members of DestinationConfig, as the request and the answer name them
_DESTINATIONS = ("OnSuccess", "OnFailure")
_MARKER_TAG = "eic"
#: the resource part of a Lambda destination ARN: ``function:<name>[:<qualifier>]``
_FUNCTION_RESOURCE = re.compile(
    r"function:(?P<name>[a-zA-Z0-9\-_]+)(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9\-_]+))?"
)


@dataclass(frozen=True)
class EventInvokeSettings:
    """What the async engine needs of a qualifier's config; AWS's defaults where unset."""

    #: retries after function errors (ASYNC-3, ASYNC-5)
    max_retry_attempts: int = c.DEFAULT_RETRY_ATTEMPTS
    #: how long an event may wait in the queue, from enqueue (ASYNC-7, ASYNC-8)
    max_event_age_seconds: int = c.DEFAULT_EVENT_AGE_SECONDS
    #: destination ARNs (DEST-1), None when there is none
    on_success: str | None = None
    on_failure: str | None = None


# -- operations -----------------------------------------------------------------------------


def put(
    txn: Transaction, account: str, region: str, ref: FunctionRef, params: Params, *, now_ms: int
) -> Output:
    """PutFunctionEventInvokeConfig: a new config replaces any old one whole."""
    _check_has_settings(params)
    name, qualifier = _existing_target(txn, account, region, ref)
    destinations = params.get("DestinationConfig")
    if destinations is not None:
        _check_destinations(txn, account, region, name, destinations)
    doc: Doc = {"Qualifier": qualifier, "OnSuccess": None, "OnFailure": None}
    _apply(doc, params)
    doc["LastModifiedMs"] = now_ms
    state.put_event_invoke_config(txn, account, region, name, doc)
    return view(doc, account, region, name, qualifier)


def update(
    txn: Transaction, account: str, region: str, ref: FunctionRef, params: Params, *, now_ms: int
) -> Output:
    """UpdateFunctionEventInvokeConfig: change the members given, keep the others."""
    _check_has_settings(params)
    name, qualifier = _existing_target(txn, account, region, ref)
    doc = state.get_event_invoke_config(txn, account, region, name, qualifier)
    if doc is None:
        raise errors.no_event_invoke_config(arns.function_arn(account, region, name, qualifier))
    destinations = params.get("DestinationConfig")
    if destinations is not None:
        _check_destinations(txn, account, region, name, destinations)
    _apply(doc, params)
    doc["LastModifiedMs"] = now_ms
    state.put_event_invoke_config(txn, account, region, name, doc)
    return view(doc, account, region, name, qualifier)


def get(txn: Transaction, account: str, region: str, ref: FunctionRef) -> Output:
    """GetFunctionEventInvokeConfig."""
    name, qualifier = _target(txn, account, region, ref)
    doc = state.get_event_invoke_config(txn, account, region, name, qualifier)
    if doc is None:
        raise errors.no_event_invoke_config(arns.function_arn(account, region, name, qualifier))
    return view(doc, account, region, name, qualifier)


def delete(txn: Transaction, account: str, region: str, ref: FunctionRef) -> Output:
    """DeleteFunctionEventInvokeConfig: 204, empty body."""
    name, qualifier = _target(txn, account, region, ref)
    if not state.delete_event_invoke_config(txn, account, region, name, qualifier):
        raise errors.no_event_invoke_config(arns.function_arn(account, region, name, qualifier))
    return {}


def list_configs(
    txn: Transaction,
    account: str,
    region: str,
    ref: FunctionRef,
    *,
    marker: str | None,
    max_items: int | None,
) -> Output:
    """ListFunctionEventInvokeConfigs: the function's configs in qualifier order, paged.

    A qualifier in the name does not narrow the list [inferred]: every config of the
    function is listed.
    """
    function = state.get_function(txn, account, region, ref.name)
    if function is None:
        raise errors.event_invoke_function_missing()
    name = function["FunctionName"]
    after = None if marker is None else _parse_marker(marker)
    limit = c.DEFAULT_EVENT_INVOKE_CONFIG_MAX_ITEMS if max_items is None else max_items
    found = list(
        itertools.islice(
            state.iter_event_invoke_configs(txn, account, region, name, after=after), limit + 1
        )
    )
    page = found[:limit]
    output: Output = {
        "FunctionEventInvokeConfigs": [
            view(doc, account, region, name, doc["Qualifier"]) for doc in page
        ]
    }
    if len(found) > limit:
        output["NextMarker"] = _page_marker(page[-1]["Qualifier"])
    return output


def settings(txn: Transaction, account: str, region: str, ref: FunctionRef) -> EventInvokeSettings:
    """The settings of ``ref``'s qualifier (``$LATEST`` when it has none); defaults if unset.

    Raises ``Function not found`` (404) when the function does not exist.
    """
    function = state.get_function(txn, account, region, ref.name)
    qualifier = ref.qualifier if ref.qualifier is not None else c.LATEST
    if function is None:
        raise errors.function_not_found(arns.function_arn(account, region, ref.name, qualifier))
    doc = state.get_event_invoke_config(txn, account, region, function["FunctionName"], qualifier)
    if doc is None:
        return EventInvokeSettings()
    return EventInvokeSettings(
        max_retry_attempts=int(doc.get("MaximumRetryAttempts", c.DEFAULT_RETRY_ATTEMPTS)),
        max_event_age_seconds=int(doc.get("MaximumEventAgeInSeconds", c.DEFAULT_EVENT_AGE_SECONDS)),
        on_success=doc.get("OnSuccess"),
        on_failure=doc.get("OnFailure"),
    )


# -- views ------------------------------------------------------------------------------------


def view(doc: Doc, account: str, region: str, name: str, qualifier: str) -> Output:
    """A FunctionEventInvokeConfig as AWS answers it (ASYNC-11)."""
    out: Output = {
        "FunctionArn": arns.function_arn(account, region, name, qualifier),
        "LastModified": doc["LastModifiedMs"] / 1000,
        "DestinationConfig": {
            member: {} if not doc.get(member) else {"Destination": doc[member]}
            for member in _DESTINATIONS
        },
    }
    for member in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
        if member in doc:
            out[member] = doc[member]
    return out


# -- checks and documents ---------------------------------------------------------------------


def _check_has_settings(params: Params) -> None:
    if all(
        params.get(member) is None
        for member in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
    ):
        raise errors.event_invoke_settings_missing()


def _target(txn: Transaction, account: str, region: str, ref: FunctionRef) -> tuple[str, str]:
    """(function name, qualifier) a Get or Delete names; the function need not exist."""
    qualifier = ref.qualifier if ref.qualifier is not None else c.LATEST
    function = state.get_function(txn, account, region, ref.name)
    return (ref.name if function is None else function["FunctionName"]), qualifier


def _existing_target(
    txn: Transaction, account: str, region: str, ref: FunctionRef
) -> tuple[str, str]:
    """(function name, qualifier) of a function and qualifier that exist, else AWS's 404."""
    function = state.get_function(txn, account, region, ref.name)
    if function is None:
        raise errors.event_invoke_function_missing()
    qualifier = ref.qualifier if ref.qualifier is not None else c.LATEST
    if qualifiers.resolve(txn, account, region, function["FunctionName"], qualifier) is None:
        # recorded for an unknown alias: put_alias_doesnotexist
        raise errors.event_invoke_function_missing()
    return function["FunctionName"], qualifier


def _apply(doc: Doc, params: Params) -> None:
    """Write the members ``params`` set into ``doc``."""
    for member in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
        if params.get(member) is not None:
            doc[member] = int(params[member])
    destinations = params.get("DestinationConfig")
    if destinations is not None:
        for member in _DESTINATIONS:
            doc[member] = (destinations.get(member) or {}).get("Destination") or None


def _check_destinations(
    txn: Transaction, account: str, region: str, function_name: str, destinations: Params
) -> None:
    """Refuse a DestinationConfig AWS refuses, or redrive cannot deliver to (DEST-1)."""
    for member in _DESTINATIONS:
        destination = (destinations.get(member) or {}).get("Destination")
        if destination:
            _check_destination(
                txn,
                account,
                region,
                function_name,
                member=member,
                destination=destination,
                destinations=destinations,
            )


def _check_destination(
    txn: Transaction,
    account: str,
    region: str,
    function_name: str,
    *,
    member: str,
    destination: str,
    destinations: Params,
) -> None:
    parts = destination.split(":", 5)
    service = parts[2] if len(parts) == 6 and parts[0] == "arn" else None
    if service == "sqs":
        return
    if service == "lambda":
        _check_function_destination(
            txn, account, region, function_name, destination=destination, parts=parts
        )
        return
    if service == "sns":
        raise errors.not_supported(f"Amazon SNS topics as destinations ({destination})")
    if service == "events":
        raise errors.not_supported(
            f"Amazon EventBridge event buses as destinations ({destination})"
        )
    if service == "s3" and member == "OnFailure":
        raise errors.not_supported(f"Amazon S3 buckets as destinations ({destination})")
    # S3 is an OnFailure destination only (invocation-async-retain-records.html); the error
    # for it as OnSuccess is [inferred] to be the one recorded for other services
    raise errors.destination_config_invalid(_render(destinations))


def _check_function_destination(
    txn: Transaction,
    account: str,
    region: str,
    function_name: str,
    *,
    destination: str,
    parts: list[str],
) -> None:
    _arn, _partition, _service, dest_region, dest_account, resource = parts
    found = _FUNCTION_RESOURCE.fullmatch(resource)
    if found is None or not dest_region or not dest_account:
        raise errors.destination_invalid(destination)
    name, qualifier = found.group("name"), found.group("qualifier")
    if (dest_account, dest_region, name) == (account, region, function_name):
        raise errors.destination_is_self()
    if qualifiers.resolve(txn, dest_account, dest_region, name, qualifier) is None:
        raise errors.destination_invalid(destination)


def _render(destinations: Params) -> str:
    """The request's DestinationConfig as AWS writes it in its error (Java's toString)."""

    def member(key: str) -> str:
        if key not in destinations or destinations[key] is None:
            return "null"
        destination = destinations[key].get("Destination")
        return f"{key}(destination={'null' if destination is None else destination})"

    return f"DestinationConfig(onSuccess={member('OnSuccess')}, onFailure={member('OnFailure')})"


# -- paging -----------------------------------------------------------------------------------


def _page_marker(qualifier: str) -> str:
    """NextMarker: opaque, names the last qualifier of the page."""
    raw = json.dumps([_MARKER_TAG, qualifier], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _parse_marker(marker: str) -> str:
    try:
        data = json.loads(base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4)))
    except (binascii.Error, ValueError):
        data = None
    if (
        not isinstance(data, list)
        or len(data) != 2
        or data[0] != _MARKER_TAG
        or not isinstance(data[1], str)
    ):
        raise errors.invalid_marker(marker)
    return data[1]
