"""Input validation against the model's constraints, before any operation runs.

:func:`validate` checks parsed parameters against the operation's input shape -- required
members, value types, ``enum``, ``min``/``max`` length (strings, lists, maps, blobs),
``min``/``max`` range (numbers) and ``pattern`` (full match, where Python's ``re`` compiles it;
patterns using Java-only syntax such as ``\\p{L}`` are skipped) -- and raises the service's
validation error (:mod:`redrive.wire.quirks`) listing every problem in AWS's (Coral's) words::

    1 validation error detected: Value 'x' at 'logGroupName' failed to satisfy constraint:
    Member must have length less than or equal to 512
    2 validation errors detected: Value null at 'logGroupName' failed to satisfy constraint:
    Member must not be null; Value '0' at 'limit' failed to satisfy constraint: Member must
    have value greater than or equal to 1

Choices (from error messages AWS services return, as quoted in public SDK issues):

* **Paths** are member names with the first letter lower-cased, nested members joined with
  dots; list elements are ``<list>.<1-based index>.member`` (``keySchema.1.member.keyType``);
  values of a map are ``<map>.<key>``. Problems with map keys (or with scalar map values) are
  reported once at the map, as ``Map keys must satisfy constraint: [<every constraint of the
  key>]`` (``Map value must ...`` for values).
* **Values** are written as Java's ``toString`` would and quoted, numbers included (AWS
  writes ``Value '0' at 'limit'``); a missing value is ``null``, unquoted. Lists are
  ``[a, b]``, maps and structures ``{k=v, ...}`` (at most 20 entries, then ``...``), blobs
  ``java.nio.HeapByteBuffer[pos=0 lim=N cap=N]``, timestamps like ``java.util.Date``. Strings
  longer than 1024 characters are cut with ``...`` to keep messages readable.
* **Order**: members in model order; for one value: length (max, then min), range (max, then
  min), pattern, enum.
* **Lengths** of strings count UTF-16 code units, as Java does.
* A value of the wrong Python type means the parser let something through that the protocol
  cannot carry; it is a :class:`~redrive.errors.MalformedRequest` (the protocol's
  serialization error), as AWS answers such bodies.
* **Members the service checks itself** (:data:`redrive.wire.quirks.MEMBER_ERRORS`, Lambda's
  ``Runtime``) are left out of the validation error; when they are all that fails, the
  first one's own error is raised (``InvalidParameterValueException`` for Lambda).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from botocore.model import OperationModel, Shape

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire import quirks

__all__ = ["Problem", "ValidationError", "message", "problems", "validate"]

_MAX_ITEMS = 20
_MAX_STRING = 1024
_INTEGER_TYPES = ("integer", "long", "short", "byte")
_FLOAT_TYPES = ("float", "double")
_MAP_CONSTRAINTS = ("Map keys must satisfy constraint: [", "Map value must satisfy constraint: [")


@dataclass(frozen=True)
class Problem:
    """One failed constraint."""

    path: str
    #: the value as written in the message: ``'abc'`` or ``null``
    value: str
    constraint: str
    #: the model's name of a missing required top-level member (for ``MissingParameter``)
    missing_member: str | None = None
    #: the value itself (None for a missing one)
    raw: Any = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return (
            f"Value {self.value} at '{self.path}' failed to satisfy constraint: {self.constraint}"
        )


class ValidationError(ServiceError):
    """Input that fails the model's constraints; ``problems`` lists them."""

    def __init__(self, code: str, message: str, status: int, found: list[Problem]) -> None:
        super().__init__(code, message, status)
        self.problems = found


def message(found: list[Problem]) -> str:
    """``N validation error(s) detected: <problem>; <problem>``."""
    noun = "error" if len(found) == 1 else "errors"
    return f"{len(found)} validation {noun} detected: " + "; ".join(str(p) for p in found)


def validate(service: str, operation: OperationModel, params: Mapping[str, Any]) -> None:
    """Raise the service's validation error if ``params`` break the input's constraints."""
    if operation.input_shape is None:
        return
    found = [
        problem
        for problem in problems(operation.input_shape, params)
        if not (
            "enum value set" in problem.constraint
            and quirks.service_checks_enum(service, operation.name, problem.path)
        )
    ]
    if not found:
        return
    checked_by_service = [
        (problem, rule)
        for problem in found
        if (rule := quirks.member_error(service, operation.name, problem.path)) is not None
    ]
    if checked_by_service:
        found = [p for p in found if all(p is not own for own, _ in checked_by_service)]
        if not found:
            problem, rule = checked_by_service[0]
            text = rule.message.format(value=_render(problem.raw))
            raise ValidationError(rule.code, text, rule.status, [problem])
    style = quirks.validation_style(service)
    if style.map_entries_not_null:
        found = [_map_entries_not_null(problem) for problem in found]
    if style.missing_code is not None:
        for problem in found:
            if problem.missing_member is not None:
                raise ValidationError(
                    style.missing_code,
                    style.missing_message.format(name=problem.missing_member),
                    style.status,
                    found,
                )
    raise ValidationError(style.code, message(found), style.status, found)


def _map_entries_not_null(problem: Problem) -> Problem:
    """A map key/value problem with "Member must not be null" last (quirks.py, lambda)."""
    if not problem.constraint.startswith(_MAP_CONSTRAINTS):
        return problem
    text = problem.constraint.removesuffix("]") + ", Member must not be null]"
    return replace(problem, constraint=text)


def problems(shape: Shape, params: Mapping[str, Any]) -> list[Problem]:
    """Every constraint ``params`` break, in order (see module docstring)."""
    return list(_structure(shape, params, "", top_level=True))


# -- walking ----------------------------------------------------------------------------------


def _child(path: str, name: str) -> str:
    segment = name[:1].lower() + name[1:]
    return f"{path}.{segment}" if path else segment


def _structure(
    shape: Shape, value: Any, path: str, *, top_level: bool = False
) -> Iterator[Problem]:
    if not isinstance(value, Mapping):
        raise _wrong_type(shape, value, path)
    if shape.metadata.get("document"):
        return
    required = set(shape.required_members)
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            if name in required:
                yield Problem(
                    _child(path, name),
                    "null",
                    "Member must not be null",
                    missing_member=name if top_level else None,
                )
            continue
        yield from _value(member, item, _child(path, name))


def _value(shape: Shape, value: Any, path: str) -> Iterator[Problem]:
    kind = shape.type_name
    if kind == "structure":
        yield from _structure(shape, value, path)
    elif kind == "list":
        yield from _list(shape, value, path)
    elif kind == "map":
        yield from _map(shape, value, path)
    else:
        _check_scalar_type(shape, value, path)
        for constraint in _scalar_constraints(shape, value):
            yield Problem(path, _quoted(value), constraint, raw=value)


def _list(shape: Shape, value: Any, path: str) -> Iterator[Problem]:
    if not isinstance(value, (list, tuple)):
        raise _wrong_type(shape, value, path)
    for constraint in _length_constraints(shape, len(value)):
        yield Problem(path, _quoted(value), constraint)
    for index, item in enumerate(value, start=1):
        item_path = f"{path}.{index}.member"
        if item is None:
            yield Problem(item_path, "null", "Member must not be null")
            continue
        yield from _value(shape.member, item, item_path)


def _map(shape: Shape, value: Any, path: str) -> Iterator[Problem]:
    if not isinstance(value, Mapping):
        raise _wrong_type(shape, value, path)
    for constraint in _length_constraints(shape, len(value)):
        yield Problem(path, _quoted(value), constraint)
    key_shape, value_shape = shape.key, shape.value
    bad_key = False
    for key in value:
        _check_scalar_type(key_shape, key, path)
        if not bad_key and any(True for _ in _scalar_constraints(key_shape, key)):
            bad_key = True
    if bad_key:
        yield Problem(
            path,
            _quoted(value),
            f"Map keys must satisfy constraint: [{', '.join(_declared(key_shape))}]",
        )
    scalar_values = value_shape.type_name not in ("structure", "list", "map")
    bad_value = False
    for key, item in value.items():
        item_path = f"{path}.{key}"
        if item is None:
            yield Problem(item_path, "null", "Member must not be null")
        elif scalar_values:
            _check_scalar_type(value_shape, item, item_path)
            if not bad_value and any(True for _ in _scalar_constraints(value_shape, item)):
                bad_value = True
        else:
            yield from _value(value_shape, item, item_path)
    if bad_value:
        yield Problem(
            path,
            _quoted(value),
            f"Map value must satisfy constraint: [{', '.join(_declared(value_shape))}]",
        )


# -- constraints ------------------------------------------------------------------------------


def _length_constraints(shape: Shape, length: int) -> Iterator[str]:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if high is not None and length > high:
        yield f"Member must have length less than or equal to {_number(high)}"
    if low is not None and length < low:
        yield f"Member must have length greater than or equal to {_number(low)}"


def _scalar_constraints(shape: Shape, value: Any) -> Iterator[str]:
    kind = shape.type_name
    metadata = shape.metadata
    if kind == "string":
        yield from _length_constraints(shape, _utf16_length(value))
        pattern = metadata.get("pattern")
        if pattern:
            compiled = _compile(str(pattern))
            if compiled is not None and compiled.fullmatch(value) is None:
                yield f"Member must satisfy regular expression pattern: {pattern}"
        enum = metadata.get("enum")
        if enum and value not in enum:
            yield f"Member must satisfy enum value set: [{', '.join(enum)}]"
    elif kind == "blob":
        yield from _length_constraints(shape, len(value))
    elif kind in _INTEGER_TYPES or kind in _FLOAT_TYPES:
        low = metadata.get("min")
        high = metadata.get("max")
        if high is not None and value > high:
            yield f"Member must have value less than or equal to {_number(high)}"
        if low is not None and value < low:
            yield f"Member must have value greater than or equal to {_number(low)}"


def _declared(shape: Shape) -> list[str]:
    """Every constraint ``shape`` declares, worded as in messages (for map keys/values); bounds
    of floating-point shapes as Java writes a double (recorded: Lambda's CreateAlias, ``Map
    value must satisfy constraint: [Member must have value less than or equal to 1.0, ...``)."""
    metadata = shape.metadata
    found: list[str] = []
    numeric = shape.type_name in _INTEGER_TYPES + _FLOAT_TYPES
    word = "value" if numeric else "length"

    def bound(value: Any) -> str:
        return str(float(value)) if shape.type_name in _FLOAT_TYPES else _number(value)

    if "max" in metadata:
        found.append(f"Member must have {word} less than or equal to {bound(metadata['max'])}")
    if "min" in metadata:
        found.append(f"Member must have {word} greater than or equal to {bound(metadata['min'])}")
    if metadata.get("pattern"):
        found.append(f"Member must satisfy regular expression pattern: {metadata['pattern']}")
    if metadata.get("enum"):
        found.append(f"Member must satisfy enum value set: [{', '.join(metadata['enum'])}]")
    return found


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except (re.error, OverflowError, ValueError):
        return None  # Java-only syntax (\p{L}, ...): not checked


def _utf16_length(value: str) -> int:
    if value.isascii():
        return len(value)
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


# -- types ------------------------------------------------------------------------------------


def _check_scalar_type(shape: Shape, value: Any, path: str) -> None:
    kind = shape.type_name
    ok: bool
    if kind == "string":
        ok = isinstance(value, str)
    elif kind in _INTEGER_TYPES:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind in _FLOAT_TYPES:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "blob":
        ok = isinstance(value, (bytes, bytearray, memoryview))
    elif kind == "timestamp":
        ok = isinstance(value, dt.datetime)
    else:
        ok = True  # types redrive does not constrain
    if not ok:
        raise _wrong_type(shape, value, path)


def _wrong_type(shape: Shape, value: Any, path: str) -> MalformedRequest:
    return MalformedRequest(
        f"Value {_quoted(value)} at '{path or 'input'}' is not a valid {shape.type_name}"
    )


# -- values as AWS writes them ----------------------------------------------------------------


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _quoted(value: Any) -> str:
    return f"'{_render(value)}'"


def _render(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if len(value) <= _MAX_STRING else value[:_MAX_STRING] + "..."
    if isinstance(value, (bytes, bytearray, memoryview)):
        size = len(value)
        return f"java.nio.HeapByteBuffer[pos=0 lim={size} cap={size}]"
    if isinstance(value, dt.datetime):
        moment = value.astimezone(dt.timezone.utc) if value.tzinfo else value
        return moment.strftime("%a %b %d %H:%M:%S UTC %Y")
    if isinstance(value, Mapping):
        items = [f"{_render(k)}={_render(v)}" for k, v in list(value.items())[:_MAX_ITEMS]]
        more = ", ..." if len(value) > _MAX_ITEMS else ""
        return "{" + ", ".join(items) + more + "}"
    if isinstance(value, (list, tuple)):
        items = [_render(v) for v in value[:_MAX_ITEMS]]
        more = ", ..." if len(value) > _MAX_ITEMS else ""
        return "[" + ", ".join(items) + more + "]"
    return str(value)
