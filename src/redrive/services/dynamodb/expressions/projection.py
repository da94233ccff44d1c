"""Projecting an item onto document paths (ProjectionExpression, UPDATED_OLD/UPDATED_NEW).

The result holds only what the paths name, nested as in the item: ``a.b`` keeps ``{"a": {"M":
{"b": ...}}}``; list elements keep their order and are packed (``l[2]`` alone gives a list of
one element). Paths the item lacks are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.values import AV, Item


def project(item: Item, paths: Iterable[n.Path]) -> Item:
    tree: dict[str | int, Any] = {}
    for path in paths:
        _graft(tree, item, path.elements)
    return {str(name): _build(value) for name, value in tree.items()}


def _graft(tree: dict[str | int, Any], item: Item, elements: n.Elements) -> None:
    """Copy the value at ``elements`` into ``tree``: nested dicts keyed by names and indexes,
    with ``("value", AV)`` at the leaves."""
    head = elements[0]
    current: AV | None = item.get(head) if isinstance(head, str) else None
    if current is None:
        return
    chain: list[tuple[str | int, AV]] = [(head, current)]
    for element in elements[1:]:
        container = current.get("L") if isinstance(element, int) else current.get("M")
        if container is None:
            return
        if isinstance(element, int):
            if element >= len(container):
                return
            current = container[element]
        else:
            current = container.get(element)
            if current is None:
                return
        chain.append((element, current))
    node = tree
    for index, (element, value) in enumerate(chain):
        if index == len(chain) - 1:
            node[element] = ("value", value)
            return
        existing = node.get(element)
        if isinstance(existing, tuple):
            return  # a shorter path already keeps the whole value
        kind = "L" if "L" in value else "M"
        if existing is None:
            existing = node[element] = {"__kind__": kind}
        node = existing


def _build(node: Any) -> AV:
    if isinstance(node, tuple):
        return dict(node[1])
    kind = node.pop("__kind__")
    if kind == "L":
        return {"L": [_build(node[i]) for i in sorted(node)]}
    return {"M": {str(k): _build(v) for k, v in node.items()}}
