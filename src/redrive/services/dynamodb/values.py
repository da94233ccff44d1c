"""Attribute values: checking them as they arrive, comparing them, sizing them.

Inside redrive an attribute value (``AV``) is DynamoDB JSON that the store can hold as it is:
a one-key dict ``{"S": str}``, ``{"N": str}`` (canonical, :mod:`.numbers`), ``{"B": base64
str}``, ``{"SS"|"NS"|"BS": [...]}``, ``{"M": {name: AV}}``, ``{"L": [AV]}``, ``{"NULL":
True}`` or ``{"BOOL": bool}``. This is also the form a Lambda event carries (STRM-2: binary
values base64). The wire layer hands over and takes back binary values as ``bytes``:
:func:`accept` converts on the way in (checking everything DynamoDB checks), :func:`to_wire`
on the way out.

Sizes follow developerguide/CapacityUnitCalculations.html: strings count their UTF-8 bytes,
binaries their bytes, a number 1 byte per two significant digits plus 1, null and booleans 1,
a list or map 3 bytes plus 1 byte and the size of each element (a map's elements count their
names), a set the sum of its elements; an item's size is the sum of its attribute names and
values. Stream records' SizeBytes add up the same sizes (checked against recorded AWS
records: 70 bytes in STRM-2's example, 125 and 38 in others).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import errors, numbers

AV = dict[str, Any]
Item = dict[str, AV]

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
SCALARS = ("S", "N", "B")


def type_of(av: AV) -> str:
    return next(iter(av))


# -- from the wire ----------------------------------------------------------------------------


def accept(wire: Mapping[str, Any]) -> AV:
    """A value as the wire layer parsed it, checked and converted; ValidationException with
    DynamoDB's message if DynamoDB would refuse it."""
    present = [t for t in TYPES if wire.get(t) is not None]
    if not present:
        raise errors.validation(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    if len(present) > 1:
        raise errors.validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes"
        )
    kind = present[0]
    raw = wire[kind]
    if kind == "S":
        return {"S": str(raw)}
    if kind == "N":
        return {"N": numbers.normalize(str(raw))}
    if kind == "B":
        return {"B": _b64(raw)}
    if kind == "NULL":
        if raw is not True:
            raise errors.invalid("Null attribute value types must have the value of true")
        return {"NULL": True}
    if kind == "BOOL":
        return {"BOOL": bool(raw)}
    if kind == "M":
        return {"M": {str(k): accept(v) for k, v in raw.items()}}
    if kind == "L":
        return {"L": [accept(v) for v in raw]}
    return {kind: _set(kind, list(raw))}


def accept_item(wire: Mapping[str, Any]) -> Item:
    return {str(name): accept(value) for name, value in wire.items()}


def _b64(raw: object) -> str:
    data = raw if isinstance(raw, bytes) else str(raw).encode()
    return base64.b64encode(data).decode("ascii")


def _set(kind: str, members: list[Any]) -> list[str]:
    """[observed] the messages of the dynalite suite (validations/index.js)"""
    if not members:
        what = {"SS": "An string set  may not be empty", "NS": "An number set  may not be empty"}
        raise errors.invalid(what.get(kind, "Binary sets should not be empty"))
    if kind == "SS":
        values = [str(m) for m in members]
        if any(v == "" for v in values):
            raise errors.invalid("An string set may not have a empty string as a member")
    elif kind == "NS":
        values = [numbers.normalize(str(m)) for m in members]
    else:
        if any(len(m) == 0 for m in members):
            raise errors.invalid("Binary sets may not contain null or empty values")
        values = [_b64(m) for m in members]
    if len(set(values)) != len(values):
        if kind == "NS":
            raise errors.validation("Input collection contains duplicates")
        shown = "[" + ", ".join(str(m) for m in members) + "]"
        suffix = "of type BS contains duplicates." if kind == "BS" else " contains duplicates."
        raise errors.invalid(f"Input collection {shown}{suffix}")
    return values


# -- to the wire ------------------------------------------------------------------------------


def to_wire(av: AV) -> dict[str, Any]:
    kind = type_of(av)
    raw = av[kind]
    if kind == "B":
        return {"B": base64.b64decode(raw)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in raw]}
    if kind == "M":
        return {"M": item_to_wire(raw)}
    if kind == "L":
        return {"L": [to_wire(v) for v in raw]}
    return {kind: list(raw) if isinstance(raw, list) else raw}


def item_to_wire(item: Mapping[str, AV]) -> dict[str, Any]:
    return {name: to_wire(value) for name, value in item.items()}


# -- comparing --------------------------------------------------------------------------------


def equal(a: AV | None, b: AV | None) -> bool:
    """DynamoDB equality: same type and value; sets compare as sets, numbers by value."""
    if a is None or b is None:
        return False
    kind = type_of(a)
    if kind != type_of(b):
        return False
    x, y = a[kind], b[kind]
    if kind in ("SS", "NS", "BS"):
        return set(x) == set(y)  # stored numbers are canonical: equal values, equal strings
    if kind == "M":
        return x.keys() == y.keys() and all(equal(x[k], y[k]) for k in x)
    if kind == "L":
        return len(x) == len(y) and all(equal(p, q) for p, q in zip(x, y, strict=True))
    return bool(x == y)


def compare(a: AV | None, b: AV | None) -> int | None:
    """-1, 0 or 1 for two values of the same scalar type (S by UTF-8 bytes, which is code
    point order; N numerically; B by bytes), None when they cannot be ordered."""
    if a is None or b is None:
        return None
    kind = type_of(a)
    if kind != type_of(b) or kind not in SCALARS:
        return None
    x, y = a[kind], b[kind]
    if kind == "N":
        return numbers.compare(x, y)
    if kind == "B":
        x, y = base64.b64decode(x), base64.b64decode(y)
    return int(x > y) - int(x < y)


# -- sizes ------------------------------------------------------------------------------------


def binary_length(encoded: str) -> int:
    """The number of bytes a base64 string encodes."""
    return len(encoded) * 3 // 4 - encoded[-2:].count("=") if encoded else 0


def size(av: AV) -> int:
    kind = type_of(av)
    raw = av[kind]
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        return _number_size(raw)
    if kind == "B":
        return binary_length(raw)
    if kind in ("NULL", "BOOL"):
        return 1
    if kind == "SS":
        return sum(len(v.encode()) for v in raw)
    if kind == "NS":
        return sum(_number_size(v) for v in raw)
    if kind == "BS":
        return sum(binary_length(v) for v in raw)
    if kind == "L":
        return c.CONTAINER_OVERHEAD + sum(size(v) + c.ELEMENT_OVERHEAD for v in raw)
    return c.CONTAINER_OVERHEAD + sum(
        len(k.encode()) + size(v) + c.ELEMENT_OVERHEAD for k, v in raw.items()
    )


def _number_size(text: str) -> int:
    return (numbers.significant_digits(text) + 1) // 2 + 1


def item_size(item: Mapping[str, AV]) -> int:
    return sum(len(name.encode()) + size(value) for name, value in item.items())
