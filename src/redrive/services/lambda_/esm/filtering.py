"""Event filtering patterns: the EventBridge pattern syntax Lambda's ``FilterCriteria`` use.

Rules: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html ("Filter
rule syntax": Lambda supports the same syntax as EventBridge) and EventBridge's comparison
operators (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).

A pattern is a JSON object shaped like the event. A key maps to a nested pattern (an object)
or to an array of *rules*, ORed; the keys of an object are ANDed, and an event field that
the pattern does not name is ignored. Rules:

* exact values: a string, a number, ``null``, ``true`` / ``false`` (``""`` matches an empty
  string). Numbers compare by their JSON text, as the doc says: 300, 300.0 and 3.0e2 differ;
* ``{"prefix": "us-"}``, ``{"suffix": ".png"}``, both also as
  ``{"prefix": {"equals-ignore-case": "..."}}``; ``{"equals-ignore-case": "alice"}``;
* ``{"anything-but": v}`` with a string, a number, a list of strings or of numbers, or
  ``{"prefix": "..."}``: any present value but those;
* ``{"numeric": ["=", 5]}``, one bound (``<``, ``<=``, ``>``, ``>=``) or a lower bound then an
  upper one (``[">", 0, "<=", 5]``), on number values only;
* ``{"exists": true}`` (the field has a value) / ``{"exists": false}`` (it has none);
* ``{"cidr": "10.0.0.0/24"}`` (IPv4 or IPv6) on string values;
* ``"$or": [pattern, pattern, ...]`` at any level: at least one of the alternatives, each
  matched against the same object, and the other keys of the object too.

An event field holding an array matches a rule when one of its elements does; a nested
pattern over an array of objects matches when one of the objects does. ``exists`` looks at
leaf values only (strings, numbers, booleans, ``null``): a field holding an object or an
empty array does not "exist" for it, as in EventBridge.

Choices where the docs are silent (``[inferred]``): an empty pattern, an empty nested object,
an empty rule array and an ``$or`` with fewer than two alternatives are invalid; wildcards and
``anything-but`` with ``suffix`` / ``equals-ignore-case`` / ``wildcard`` (no support in
EventBridge Pipes, whose filtering Lambda's is) are refused as invalid rather than ignored.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Mapping
from typing import Any, cast

Pattern = dict[str, Any]

OR = "$or"
_MISSING = object()
_LOWER = (">", ">=")
_UPPER = ("<", "<=")


class PatternError(ValueError):
    """Not a valid filter pattern (the reason is for debugging: AWS answers one fixed message)."""


class Number(float):
    """A JSON number that remembers its text, so exact matches compare the text (the doc:
    "for numbers, Lambda also uses string representation")."""

    text: str

    def __new__(cls, text: str) -> Number:
        number = super().__new__(cls, text)
        number.text = text
        return number


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str) -> Any:
    """JSON with numbers as :class:`Number` (``NaN`` and ``Infinity`` refused)."""
    return json.loads(text, parse_int=Number, parse_float=Number, parse_constant=_no_constant)


def parse(text: str) -> Pattern:
    """The pattern in ``text``; :class:`PatternError` when it is not JSON or not a pattern."""
    try:
        pattern = loads(text)
    except ValueError as exc:
        raise PatternError(f"not JSON: {exc}") from None
    check(pattern)
    return cast(Pattern, pattern)


# -- validation ---------------------------------------------------------------------------------


def check(pattern: Any) -> None:
    """Raise :class:`PatternError` unless ``pattern`` is a valid pattern object."""
    if not isinstance(pattern, dict) or not pattern:
        raise PatternError("a pattern is a non-empty JSON object")
    for key, value in pattern.items():
        if key == OR:
            if not isinstance(value, list) or len(value) < 2:
                raise PatternError("$or takes an array of at least two patterns")
            for alternative in value:
                check(alternative)
        elif isinstance(value, dict):
            check(value)
        elif isinstance(value, list):
            if not value:
                raise PatternError(f"{key}: an empty array matches nothing")
            for rule in value:
                _check_rule(key, rule)
        else:
            raise PatternError(f"{key}: match values must be in an array")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_rule(key: str, rule: Any) -> None:
    if rule is None or isinstance(rule, (str, bool)) or _is_number(rule):
        return
    if not isinstance(rule, dict) or len(rule) != 1:
        raise PatternError(f"{key}: a rule is a value or an object with one operator")
    [(operator, operand)] = rule.items()
    checker = _CHECKS.get(operator)
    if checker is None or not checker(operand):
        raise PatternError(f"{key}: invalid {operator!r} rule")


def _string_or_ignore_case(operand: Any) -> bool:
    """``"abc"`` or ``{"equals-ignore-case": "abc"}`` (prefix and suffix)."""
    if isinstance(operand, dict):
        return list(operand) == ["equals-ignore-case"] and isinstance(
            operand["equals-ignore-case"], str
        )
    return isinstance(operand, str)


def _anything_but_ok(operand: Any) -> bool:
    if isinstance(operand, str) or _is_number(operand):
        return True
    if isinstance(operand, list):
        return bool(operand) and (
            all(isinstance(v, str) for v in operand) or all(_is_number(v) for v in operand)
        )
    if isinstance(operand, dict):
        return list(operand) == ["prefix"] and isinstance(operand["prefix"], str)
    return False


def _numeric_ok(operand: Any) -> bool:
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        return False
    ops, values = operand[0::2], operand[1::2]
    if not all(isinstance(op, str) for op in ops) or not all(_is_number(v) for v in values):
        return False
    if len(ops) == 1:
        return ops[0] in ("=", *_LOWER, *_UPPER)
    return ops[0] in _LOWER and ops[1] in _UPPER and float(values[0]) < float(values[1])


def _cidr_ok(operand: Any) -> bool:
    if not isinstance(operand, str):
        return False
    try:
        ipaddress.ip_network(operand, strict=False)
    except ValueError:
        return False
    return True


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "prefix": _string_or_ignore_case,
    "suffix": _string_or_ignore_case,
    "equals-ignore-case": lambda operand: isinstance(operand, str),
    "anything-but": _anything_but_ok,
    "numeric": _numeric_ok,
    "exists": lambda operand: isinstance(operand, bool),
    "cidr": _cidr_ok,
}


# -- matching -----------------------------------------------------------------------------------


def matches(pattern: Mapping[str, Any], event: Any) -> bool:
    """Whether ``event`` (a JSON object) matches a valid ``pattern``."""
    if not isinstance(event, dict):
        event = {}
    for key, wanted in pattern.items():
        if key == OR:
            found = any(matches(alternative, event) for alternative in wanted)
        elif isinstance(wanted, dict):
            found = _nested(wanted, event.get(key, _MISSING))
        else:
            found = _field(wanted, event.get(key, _MISSING))
        if not found:
            return False
    return True


def _nested(pattern: Mapping[str, Any], value: Any) -> bool:
    if isinstance(value, list) and value:
        return any(_nested(pattern, element) for element in value)
    return matches(pattern, value)


def _leaves(value: Any) -> list[Any]:
    """The leaf values of a field: none when missing or an object, an array's elements."""
    if value is _MISSING or isinstance(value, dict):
        return []
    if isinstance(value, list):
        return [leaf for element in value for leaf in _leaves(element)]
    return [value]


def _field(rules: list[Any], value: Any) -> bool:
    leaves = _leaves(value)
    for rule in rules:
        if isinstance(rule, dict) and "exists" in rule:
            if bool(rule["exists"]) == bool(leaves):
                return True
        elif any(_rule(rule, leaf) for leaf in leaves):
            return True
    return False


def _rule(rule: Any, leaf: Any) -> bool:
    if not isinstance(rule, dict):
        return _same(rule, leaf)
    [(operator, operand)] = rule.items()
    if operator == "numeric":
        return _is_number(leaf) and _in_range(operand, float(leaf))
    if operator == "anything-but":
        return _anything_but(operand, leaf)
    if not isinstance(leaf, str):
        return False
    if operator == "cidr":
        return _in_network(operand, leaf)
    if operator == "equals-ignore-case":
        return leaf.casefold() == str(operand).casefold()
    return _affix(operator, operand, leaf)


def _same(wanted: Any, leaf: Any) -> bool:
    if wanted is None or isinstance(wanted, bool) or leaf is None or isinstance(leaf, bool):
        return wanted is leaf
    if isinstance(wanted, str) or isinstance(leaf, str):
        return isinstance(wanted, str) and isinstance(leaf, str) and wanted == leaf
    return _number_text(wanted) == _number_text(leaf)


def _number_text(number: Any) -> str:
    if isinstance(number, Number):
        return number.text
    return repr(number)  # an int or float given by Python code (tests, records)


def _affix(operator: str, operand: Any, leaf: str) -> bool:
    """prefix / suffix, optionally ignoring case."""
    if isinstance(operand, dict):
        affix, leaf = str(operand["equals-ignore-case"]).casefold(), leaf.casefold()
    else:
        affix = str(operand)
    return leaf.startswith(affix) if operator == "prefix" else leaf.endswith(affix)


def _anything_but(operand: Any, leaf: Any) -> bool:
    if isinstance(operand, dict):
        return isinstance(leaf, str) and not leaf.startswith(str(operand["prefix"]))
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_same(value, leaf) for value in excluded)


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _in_range(operand: list[Any], number: float) -> bool:
    return all(
        _COMPARE[op](number, float(bound))
        for op, bound in zip(operand[0::2], operand[1::2], strict=True)
    )


def _in_network(operand: Any, leaf: str) -> bool:
    network = ipaddress.ip_network(str(operand), strict=False)
    try:
        address = ipaddress.ip_address(leaf)
    except ValueError:
        return False
    return address.version == network.version and address in network
