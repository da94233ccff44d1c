"""The trees expressions parse into (``#names`` and ``:values`` already resolved)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from redrive.services.dynamodb.values import AV

#: a document path: attribute names and list indexes, from the top of the item down
Elements = tuple[str | int, ...]


@dataclass(frozen=True)
class Path:
    elements: Elements

    def __str__(self) -> str:
        """As AWS's messages write a path: ``[a, b, [0]]``."""
        parts = (f"[{e}]" if isinstance(e, int) else e for e in self.elements)
        return "[" + ", ".join(parts) + "]"


@dataclass(frozen=True)
class Value:
    """An expression attribute value (``:v``)."""

    value: AV
    name: str


@dataclass(frozen=True)
class Call:
    """A function: a condition (attribute_exists, attribute_not_exists, attribute_type,
    begins_with, contains), an operand (size) or an update operand (if_not_exists,
    list_append)."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True)
class Arithmetic:
    """``a + b`` or ``a - b`` in a SET action."""

    op: str
    left: Operand
    right: Operand


Operand = Union[Path, Value, Call, Arithmetic]  # noqa: UP007 (a runtime alias: 3.10)


@dataclass(frozen=True)
class Compare:
    op: str  # = <> < <= > >=
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class In:
    operand: Operand
    choices: tuple[Operand, ...]


@dataclass(frozen=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Not:
    inner: Condition


Condition = Union[Compare, Between, In, And, Or, Not, Call]  # noqa: UP007


# -- update expressions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One action of an update: SET path = value, REMOVE path, ADD path value, DELETE path
    value (``value`` None for REMOVE)."""

    kind: str  # SET REMOVE ADD DELETE
    path: Path
    value: Operand | None = None


@dataclass(frozen=True)
class Update:
    actions: tuple[Action, ...]
