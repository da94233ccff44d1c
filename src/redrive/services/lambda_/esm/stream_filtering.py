"""Event filtering on Kinesis and DynamoDB Streams mappings: which records pass ``FilterCriteria``.

Sources: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html (sections
"Event filtering basics", "Filtering examples", "Properly filtering Kinesis and DynamoDB
messages"), with-kinesis-filtering.html and with-ddb-filtering.html. The pattern syntax and the
checks every mapping shares are in :mod:`.filtering` and :mod:`.filter_criteria`.

* The data key: "For Kinesis event sources, the data key is ``data``. [...] For DynamoDB event
  sources, the data key is ``dynamodb``."
* "both the data field and your filter criteria for the data field must be in valid JSON
  format": a pattern whose data key holds rules instead of an object is refused when the
  mapping is created or updated ("Lambda throws an exception at the time of the event source
  mapping creation or update"), [inferred] with the same 400 ``InvalidParameterValueException``
  "Invalid filter pattern definition." as any invalid pattern (recorded for SQS).
* Kinesis: the record's ``data`` is base64-decoded and matched as JSON. Non-JSON data with a
  pattern for ``data``: "Lambda drops the record"; with no pattern for ``data``: "Lambda filters
  (on the other metadata properties only)". [inferred] as for SQS bodies, only data that parses
  to a JSON *object* counts as JSON (``42`` or ``[1]`` do not), and an ``$or`` alternative that
  names ``data`` cannot match non-JSON data while the other alternatives still can.
* Kinesis metadata: the doc's example pattern ``{"partitionKey": ["1"], "data": {...}}`` and its
  ``{"data": {"order": ...}}`` name the fields of the record's ``kinesis`` object at the top
  level. [inferred] the pattern is matched against one flat object: the ``kinesis`` fields
  (``partitionKey``, ``sequenceNumber``, ``data``, ...) together with the record's others
  (``eventSource``, ``awsRegion``, ``eventID``, ...), the shape EventBridge Pipes documents for a
  Kinesis event it filters (eb-pipes-event-filtering.html), whose filtering Lambda's is. A
  pattern ``{"kinesis": {...}}`` therefore matches nothing. (The newer page notes "Kinesis event
  source mappings only support filtering on the ``data`` key"; redrive still matches the metadata
  fields as the older "Filtering examples" section shows.)
* DynamoDB: the record as the function receives it (STRM-2), attribute values typed:
  ``{"dynamodb": {"NewImage": {"x": {"S": ["v"]}}}}``, ``{"eventName": ["INSERT"]}``
  (recorded in localstack's snapshot ``test_dynamodb_event_filter``: the typed form matches, the
  untyped ``{"x": ["v"]}`` does not; a numeric rule on ``ApproximateCreationDateTime`` matches).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from redrive.services.lambda_ import errors
from redrive.services.lambda_.esm import filter_criteria, filtering
from redrive.services.lambda_.esm.filtering import OR, Pattern

#: each stream source's data key (invocation-eventfiltering.html, "Event filtering basics")
DATA_KEYS = {"kinesis": "data", "dynamodb": "dynamodb"}


def check(criteria: Mapping[str, Any] | None, service: str) -> None:
    """Refuse ``FilterCriteria`` that :func:`.filter_criteria.check` refuses, and patterns whose
    data key is not a JSON object pattern."""
    filter_criteria.check(criteria)
    if not criteria:
        return
    key = DATA_KEYS[service]
    for entry in criteria.get("Filters") or []:
        if not _data_is_object(filtering.parse(str(entry["Pattern"])), key):
            raise errors.invalid_parameter(filter_criteria.INVALID)


def passes(found: Sequence[Pattern], service: str, entry: Mapping[str, Any]) -> bool:
    """Whether a stream record (its event entry, STRM-1 / STRM-2) is sent to the function (True
    when there are no filters)."""
    if not found:
        return True
    subject, json_data = _subject(service, entry)
    key = DATA_KEYS[service]
    for pattern in found:
        usable = pattern if json_data else _without(pattern, key)
        if usable is not None and filtering.matches(usable, subject):
            return True
    return False


def _subject(service: str, entry: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """What the patterns are matched against, and whether its data is JSON."""
    if service != "kinesis":
        return dict(entry), True
    flat = {name: value for name, value in entry.items() if name != "kinesis"}
    flat.update(entry["kinesis"])
    data = _json_object(str(flat.pop("data", "")))
    if data is None:
        return flat, False
    flat["data"] = data
    return flat, True


def _json_object(encoded: str) -> dict[str, Any] | None:
    try:
        parsed = filtering.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    except ValueError:  # not base64, not UTF-8 or not JSON (all ValueErrors)
        return None
    return parsed if isinstance(parsed, dict) else None


def _data_is_object(pattern: Pattern, key: str) -> bool:
    """The pattern's data key (if any, also in top-level ``$or`` alternatives) is an object."""
    if key in pattern and not isinstance(pattern[key], dict):
        return False
    return all(_data_is_object(alternative, key) for alternative in pattern.get(OR, []))


def _without(pattern: Pattern, key: str) -> Pattern | None:
    """The pattern as it applies to a record whose data is not JSON: None when it cannot match
    (it names the data key), else without the ``$or`` alternatives that do."""
    if key in pattern:
        return None
    if OR not in pattern:
        return pattern
    alternatives = [
        usable for usable in (_without(p, key) for p in pattern[OR]) if usable is not None
    ]
    if not alternatives:
        return None
    return {**pattern, OR: alternatives}
