"""A mapping's ``FilterCriteria``: checking, storing and showing it, and which SQS records pass
(Kinesis and DynamoDB Streams records: :mod:`.stream_filtering`).

Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html

* Up to five filters per mapping by default, ORed: a record is sent to the function when it
  matches at least one, otherwise discarded (for SQS: deleted from the queue).
* A pattern that is not valid JSON, or not a valid pattern, is refused at create and update
  with 400 ``InvalidParameterValueException`` "Invalid filter pattern definition." (recorded:
  sqs-snap ``test_sqs_invalid_event_filter`` for ``null``, a plain string, a scalar match value
  and an empty array); nothing is stored.
* The response echoes ``FilterCriteria`` as given. ``UpdateEventSourceMapping`` with
  ``FilterCriteria: {}`` (or an empty ``Filters`` list) removes the filters; the mapping then
  shows no ``FilterCriteria`` [inferred: as with ``ScalingConfig``].
* SQS ("Properly filtering Amazon SQS messages"): the record's ``body`` is matched as JSON when
  it is a JSON object, else as the plain string. A pattern whose ``body`` is an object (JSON)
  drops plain-string bodies, one whose ``body`` is a list of rules (plain string) drops JSON
  bodies; a pattern without ``body`` looks at the other fields only. The other fields
  (``attributes``, ``messageAttributes``, ``messageId``, ...) are matched as the record shows
  them. [inferred] only a body that parses to a JSON *object* counts as JSON: ``"42"`` or
  ``"[1]"`` are plain strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from redrive.services.lambda_ import errors
from redrive.services.lambda_.esm import filtering
from redrive.services.lambda_.esm.filtering import Pattern
from redrive.services.lambda_.esm.state import Doc

MAX_FILTERS = 5  # the default quota (a raise to 10 is an AWS support request)
INVALID = "Invalid filter pattern definition."  # recorded
DATA_KEY = "body"  # SQS's data property


def check(criteria: Mapping[str, Any] | None) -> None:
    """Refuse ``FilterCriteria`` with too many filters or an invalid pattern."""
    if criteria is None:
        return
    filters = _filters(criteria)
    if len(filters) > MAX_FILTERS:
        # [inferred] wording; the doc only says Lambda returns an error past the quota
        raise errors.invalid_parameter(
            f"The number of filters in FilterCriteria ({len(filters)}) exceeds the limit of "
            f"{MAX_FILTERS} filters per event source mapping."
        )
    for entry in filters:
        pattern = entry.get("Pattern") if isinstance(entry, Mapping) else None
        if not isinstance(pattern, str):
            raise errors.invalid_parameter(INVALID)
        try:
            filtering.parse(pattern)
        except filtering.PatternError:
            raise errors.invalid_parameter(INVALID) from None


def stored(criteria: Mapping[str, Any]) -> Doc:
    """What the mapping keeps (and shows) for checked ``criteria``: ``{}`` means no filters."""
    filters = _filters(criteria)
    if not filters:
        return {}
    return {"Filters": [{"Pattern": str(entry["Pattern"])} for entry in filters]}


def patterns(doc: Doc) -> list[Pattern]:
    """The parsed patterns of a stored mapping (none: every record passes)."""
    filters = (doc.get("FilterCriteria") or {}).get("Filters") or []
    return [filtering.parse(str(entry["Pattern"])) for entry in filters]


def sqs_record_passes(found: Sequence[Pattern], record: Mapping[str, Any]) -> bool:
    """Whether an SQS record is sent to the function (True when there are no filters)."""
    if not found:
        return True
    body = _json_object(str(record.get(DATA_KEY, "")))
    subject = dict(record) if body is None else {**record, DATA_KEY: body}
    return any(
        _body_format_fits(pattern, json_body=body is not None)
        and filtering.matches(pattern, subject)
        for pattern in found
    )


def _filters(criteria: Mapping[str, Any]) -> list[Any]:
    return list(criteria.get("Filters") or [])


def _json_object(body: str) -> dict[str, Any] | None:
    try:
        parsed = filtering.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _body_format_fits(pattern: Pattern, *, json_body: bool) -> bool:
    """The doc's table: a JSON pattern for ``body`` drops a plain-string body and a
    plain-string pattern drops a JSON body; without ``body`` in the pattern, no check."""
    if DATA_KEY not in pattern:
        return True
    return isinstance(pattern[DATA_KEY], dict) == json_body
