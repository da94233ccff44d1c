"""Applying an update expression to an item.

Every value an action uses is computed from the item as it was before the update (AWS
evaluates all of an update's operands first), then the actions are applied: SET replaces or
adds (a list index past the end appends), REMOVE deletes (list elements shift down; indexes
name the elements as they were), ADD adds to a number (a missing one counts as 0) or a set,
DELETE takes elements out of a set (and removes the attribute if it becomes empty).
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

from redrive.services.dynamodb import errors, numbers, values
from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.expressions.evaluate import resolve
from redrive.services.dynamodb.expressions.lexer import ExpressionError
from redrive.services.dynamodb.values import AV, Item

_TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "L": "LIST",
    "M": "MAP",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
}
SETS = ("SS", "NS", "BS")


def _invalid_path() -> Exception:
    """[observed]"""
    return errors.validation(
        "The document path provided in the update expression is invalid for update"
    )


def _wrong_type() -> Exception:
    """[observed]"""
    return errors.validation("An operand in the update expression has an incorrect data type")


def apply(update: n.Update, old: Item, key_names: Collection[str]) -> Item:
    """The item ``old`` becomes (``old`` is left as it is)."""
    for action in update.actions:
        head = action.path.elements[0]
        if head in key_names:
            raise errors.invalid(
                f"Cannot update attribute {head}. This attribute is part of the key"
            )
    computed = [
        (action, None if action.value is None else value_of(old, action.value))
        for action in update.actions
    ]
    new = copy.deepcopy(old)
    # REMOVE last, deepest list index first, so indexes name elements as they were
    removals = sorted(
        (a for a, _ in computed if a.kind == "REMOVE"),
        key=lambda a: [(-e if isinstance(e, int) else 0) for e in a.path.elements],
    )
    for action, value in computed:
        if action.kind == "REMOVE":
            continue
        assert value is not None
        if action.kind == "SET":
            _set(new, action.path.elements, value)
        elif action.kind == "ADD":
            _add(new, action.path.elements, value)
        else:
            _delete(new, action.path.elements, value)
    for action in removals:
        _remove(new, action.path.elements)
    return new


def value_of(item: Item, node: n.Operand) -> AV:
    """The value of an update operand, from the item before the update."""
    if isinstance(node, n.Value):
        return node.value
    if isinstance(node, n.Path):
        found = resolve(item, node.elements)
        if found is None:
            raise errors.validation(
                "The provided expression refers to an attribute that does not exist in the item"
            )
        return found
    if isinstance(node, n.Arithmetic):
        left, right = value_of(item, node.left), value_of(item, node.right)
        if "N" not in left or "N" not in right:
            raise _wrong_type()
        return {"N": numbers.add(left["N"], right["N"], subtract=node.op == "-")}
    if isinstance(node, n.Call) and node.name == "if_not_exists":
        path = node.args[0]
        existing = resolve(item, path.elements) if isinstance(path, n.Path) else None
        return existing if existing is not None else value_of(item, node.args[1])
    if isinstance(node, n.Call) and node.name == "list_append":
        first, second = value_of(item, node.args[0]), value_of(item, node.args[1])
        if "L" not in first or "L" not in second:
            raise _wrong_type()
        return {"L": [*first["L"], *second["L"]]}
    raise ExpressionError(f"Invalid function name; function: {getattr(node, 'name', node)}")


# -- the actions ------------------------------------------------------------------------------


def _parent(item: Item, elements: n.Elements) -> tuple[Any, str | int]:
    """The container (a dict of attributes or a list) holding the last element of a path."""
    *above, last = elements
    if not above:
        return item, last
    holder = resolve(item, tuple(above))
    if holder is None:
        raise _invalid_path()
    if isinstance(last, int) and "L" in holder:
        return holder["L"], last
    if isinstance(last, str) and "M" in holder:
        return holder["M"], last
    raise _invalid_path()


def _set(item: Item, elements: n.Elements, value: AV) -> None:
    container, last = _parent(item, elements)
    if isinstance(container, list):
        assert isinstance(last, int)
        if last < len(container):
            container[last] = value
        else:
            container.append(value)
    else:
        container[last] = value


def _remove(item: Item, elements: n.Elements) -> None:
    container, last = _parent(item, elements)
    if isinstance(container, list):
        assert isinstance(last, int)
        if last < len(container):
            del container[last]
    else:
        container.pop(last, None)


def _add(item: Item, elements: n.Elements, value: AV) -> None:
    kind = values.type_of(value)
    if kind != "N" and kind not in SETS:
        raise errors.expression(
            "UpdateExpression",
            "Incorrect operand type for operator or function; operator: ADD, operand type: "
            + _TYPE_NAMES.get(kind, kind),
        )
    existing = resolve(item, elements)
    if existing is None:
        _set(item, elements, value)
        return
    if values.type_of(existing) != kind:
        raise _wrong_type()
    if kind == "N":
        _set(item, elements, {"N": numbers.add(existing["N"], value["N"])})
        return
    members = list(existing[kind])
    members += [m for m in value[kind] if m not in members]
    _set(item, elements, {kind: members})


def _delete(item: Item, elements: n.Elements, value: AV) -> None:
    kind = values.type_of(value)
    if kind not in SETS:
        raise errors.expression(
            "UpdateExpression",
            "Incorrect operand type for operator or function; operator: DELETE, operand type: "
            + _TYPE_NAMES.get(kind, kind),
        )
    existing = resolve(item, elements)
    if existing is None:
        return
    if values.type_of(existing) != kind:
        raise _wrong_type()
    left = [m for m in existing[kind] if m not in value[kind]]
    if left:
        _set(item, elements, {kind: left})
    else:
        _remove(item, elements)
