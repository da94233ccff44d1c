"""Evaluating conditions and operands against an item.

Semantics (developerguide/Expressions.OperatorsAndFunctions.html): an operand naming an
attribute the item lacks has no value; comparisons with no value, or between values of
different types, are false (``<>`` is true: the values are not equal); ``<`` and the other
orderings compare strings, numbers and binaries of the same type only, by UTF-8 bytes, value
and bytes. ``contains`` finds a substring in a string, an element in a set or a list;
``size`` counts a string's characters, a binary's bytes and the elements of a set, list or
map.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from redrive.services.dynamodb import values
from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.values import AV


def resolve(item: Mapping[str, AV], elements: n.Elements) -> AV | None:
    """The value at a document path, or None if the item has none there."""
    head = elements[0]
    current: AV | None = item.get(head) if isinstance(head, str) else None
    for element in elements[1:]:
        if current is None:
            return None
        if isinstance(element, int):
            found = current.get("L")
            current = found[element] if found is not None and element < len(found) else None
        else:
            found_map = current.get("M")
            current = found_map.get(element) if found_map is not None else None
    return current


def operand(item: Mapping[str, AV], node: n.Operand) -> AV | None:
    if isinstance(node, n.Value):
        return node.value
    if isinstance(node, n.Path):
        return resolve(item, node.elements)
    if isinstance(node, n.Call) and node.name == "size":
        return _size(operand(item, node.args[0]))
    raise TypeError(f"not a condition operand: {node!r}")


def _size(av: AV | None) -> AV | None:
    if av is None:
        return None
    kind = values.type_of(av)
    raw = av[kind]
    if kind == "S":
        return {"N": str(len(raw))}
    if kind == "B":
        return {"N": str(values.binary_length(raw))}
    if kind in ("SS", "NS", "BS", "L", "M"):
        return {"N": str(len(raw))}
    return None


def condition(item: Mapping[str, AV], node: n.Condition) -> bool:
    if isinstance(node, n.And):
        return condition(item, node.left) and condition(item, node.right)
    if isinstance(node, n.Or):
        return condition(item, node.left) or condition(item, node.right)
    if isinstance(node, n.Not):
        return not condition(item, node.inner)
    if isinstance(node, n.Compare):
        return compare(node.op, operand(item, node.left), operand(item, node.right))
    if isinstance(node, n.Between):
        value = operand(item, node.operand)
        return compare(">=", value, operand(item, node.low)) and compare(
            "<=", value, operand(item, node.high)
        )
    if isinstance(node, n.In):
        value = operand(item, node.operand)
        return any(values.equal(value, operand(item, choice)) for choice in node.choices)
    return _function(item, node)


def compare(op: str, left: AV | None, right: AV | None) -> bool:
    if op == "=":
        return values.equal(left, right)
    if op == "<>":
        return not values.equal(left, right)
    order = values.compare(left, right)
    if order is None:
        return False
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


def _function(item: Mapping[str, AV], call: n.Call) -> bool:
    args = call.args
    if call.name == "attribute_exists":
        return operand(item, args[0]) is not None
    if call.name == "attribute_not_exists":
        return operand(item, args[0]) is None
    first = operand(item, args[0])
    second = operand(item, args[1])
    if first is None or second is None:
        return False
    if call.name == "attribute_type":
        return values.type_of(first) == second.get("S")
    if call.name == "begins_with":
        return _begins_with(first, second)
    if call.name == "contains":
        return _contains(first, second)
    raise TypeError(f"not a condition function: {call.name}")


def _begins_with(value: AV, prefix: AV) -> bool:
    kind = values.type_of(value)
    if kind != values.type_of(prefix) or kind not in ("S", "B"):
        return False
    if kind == "S":
        return bool(value["S"].startswith(prefix["S"]))
    return base64.b64decode(value["B"]).startswith(base64.b64decode(prefix["B"]))


def _contains(value: AV, element: AV) -> bool:
    kind = values.type_of(value)
    other = values.type_of(element)
    if kind == "S" and other == "S":
        return bool(element["S"] in value["S"])
    if kind == "B" and other == "B":
        return base64.b64decode(element["B"]) in base64.b64decode(value["B"])
    if kind in ("SS", "NS", "BS") and other == kind[0]:
        return bool(element[other] in value[kind])
    if kind == "L":
        return any(values.equal(member, element) for member in value["L"])
    return False
