"""Key conditions: a Query's KeyConditionExpression as a partition and a range of sort keys.

A key condition is ``hash = :v`` optionally AND one condition on the sort key: ``=``, ``<``,
``<=``, ``>``, ``>=``, ``BETWEEN`` or ``begins_with`` (API_Query.html). The sort key
condition becomes bounds on the encoded sort key part (:mod:`..keys`), so a Query is one
range scan: ``[start, stop)``, either bound possibly open.
"""

from __future__ import annotations

from dataclasses import dataclass

from redrive.services.dynamodb import errors, values
from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.keys import KeySchema, encode
from redrive.services.dynamodb.values import AV

_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
#: just after every string that starts with a given string: appended, it bounds the prefix
_AFTER = "\x00"
_MAX_CHAR = 0x10FFFF


@dataclass(frozen=True)
class KeyRange:
    """A partition and the bounds of its sort keys (encoded; None: open)."""

    hash_value: AV
    start: str | None = None
    stop: str | None = None


@dataclass(frozen=True)
class _Condition:
    name: str
    op: str
    operands: tuple[AV, ...]


def _fail(message: str) -> Exception:
    return errors.expression("KeyConditionExpression", message)


def key_range(condition: n.Condition, schema: KeySchema) -> KeyRange:
    conditions = _flatten(condition)
    by_name: dict[str, _Condition] = {}
    for found in conditions:
        if found.name in by_name:
            raise _fail("KeyConditionExpressions must only contain one condition per key")
        by_name[found.name] = found
    hash_name, hash_type = schema.hash
    hashed = by_name.pop(hash_name, None)
    if hashed is None:
        raise errors.validation(f"Query condition missed key schema element: {hash_name}")
    if hashed.op != "=" or len(by_name) > 1:
        raise errors.validation("Query key condition not supported")
    _check_types(hashed, hash_type)
    if not by_name:
        return KeyRange(hashed.operands[0])
    ranged = next(iter(by_name.values()))
    if schema.range is None or ranged.name != schema.range[0]:
        raise errors.validation("Query key condition not supported")
    range_type = schema.range[1]
    if ranged.op == "begins_with" and range_type == "N":
        raise _fail(
            "Incorrect operand type for operator or function; operator or function: "
            "begins_with, operand type: N"
        )
    _check_types(ranged, range_type)
    start, stop = _bounds(ranged, range_type)
    return KeyRange(hashed.operands[0], start, stop)


def _flatten(condition: n.Condition) -> list[_Condition]:
    if isinstance(condition, n.And):
        return _flatten(condition.left) + _flatten(condition.right)
    if isinstance(condition, (n.Or, n.Not, n.In)):
        word = {n.Or: "OR", n.Not: "NOT", n.In: "IN"}[type(condition)]
        raise _fail(f"Invalid operator used in KeyConditionExpression: {word}")
    if isinstance(condition, n.Compare):
        if condition.op == "<>":
            raise _fail("Invalid operator used in KeyConditionExpression: <>")
        left, right, op = condition.left, condition.right, condition.op
        if not isinstance(left, n.Path):
            left, right, op = right, left, _FLIPPED[op]
        return [_single(op, left, (right,))]
    if isinstance(condition, n.Between):
        if not isinstance(condition.operand, n.Path):
            raise _fail(
                "Invalid condition in KeyConditionExpression: BETWEEN operator must have the "
                "key attribute as its first operand"
            )
        return [_single("BETWEEN", condition.operand, (condition.low, condition.high))]
    if condition.name != "begins_with":
        raise _fail(f"Invalid operator used in KeyConditionExpression: {condition.name}")
    if not isinstance(condition.args[0], n.Path):
        raise _fail(
            "Invalid condition in KeyConditionExpression: begins_with operator must have the "
            "key attribute as its first operand"
        )
    return [_single("begins_with", condition.args[0], condition.args[1:])]


def _single(op: str, path: n.Operand, operands: tuple[n.Operand, ...]) -> _Condition:
    if not isinstance(path, n.Path):
        raise _fail("Invalid condition in KeyConditionExpression: No key attribute specified")
    if len(path.elements) > 1:
        raise _fail("KeyConditionExpressions cannot have conditions on nested attributes")
    resolved: list[AV] = []
    for operand in operands:
        if isinstance(operand, n.Path):
            raise _fail(
                "Invalid condition in KeyConditionExpression: Multiple attribute names used in "
                "one condition"
            )
        if not isinstance(operand, n.Value):
            raise _fail("KeyConditionExpressions cannot contain nested operations")
        resolved.append(operand.value)
    return _Condition(str(path.elements[0]), op, tuple(resolved))


def _check_types(condition: _Condition, kind: str) -> None:
    if any(values.type_of(v) != kind for v in condition.operands):
        raise errors.invalid("Condition parameter type does not match schema type")


def _bounds(condition: _Condition, kind: str) -> tuple[str | None, str | None]:
    first = encode(condition.operands[0], kind)
    op = condition.op
    if op == "=":
        return first, first + _AFTER
    if op == "<":
        return None, first
    if op == "<=":
        return None, first + _AFTER
    if op == ">":
        return first + _AFTER, None
    if op == ">=":
        return first, None
    if op == "BETWEEN":
        return first, encode(condition.operands[1], kind) + _AFTER
    return first, successor(first)


def successor(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix`` (None: none)."""
    stripped = prefix.rstrip(chr(_MAX_CHAR))
    if not stripped:
        return None
    code = ord(stripped[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:  # surrogates are not characters of UTF-8 text
        code = 0xE000
    return stripped[:-1] + chr(code)
