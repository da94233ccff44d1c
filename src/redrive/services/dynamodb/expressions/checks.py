"""What an expression may parse but AWS still refuses: functions used the wrong way, BETWEEN
bounds, comparing a path with itself. Each check returns the problems it finds as ``(kind,
message)``; the parser raises the most important one once the whole expression parsed.

Messages are AWS's as the dynalite suite checks them against AWS (architect/dynalite
``db/conditionParser.pegjs``).
"""

from __future__ import annotations

from collections.abc import Mapping

from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.values import compare, type_of

Problem = tuple[int, str]

#: problem kinds, most important first (the dynalite suite's order, checked against AWS)
PARENTHESES, UNKNOWN_FUNCTION, MISUSED_FUNCTION, RESERVED, UNDEFINED, OPERANDS, FUNCTION = range(7)

#: functions usable as conditions, with their number of operands
CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
}
#: functions usable as operands
OPERAND_FUNCTIONS = {"size": 1}
ATTRIBUTE_TYPES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")
#: the types size() measures
_SIZED = ("S", "B", "SS", "NS", "BS", "L", "M")


def misused(name: str) -> Problem:
    return (
        MISUSED_FUNCTION,
        f"The function is not allowed to be used this way in an expression; function: {name}",
    )


def plain(*operands: n.Operand) -> list[Problem]:
    """Condition functions cannot be compared."""
    return [
        misused(o.name)
        for o in operands
        if isinstance(o, n.Call) and o.name not in OPERAND_FUNCTIONS
    ]


def distinct(op: str, left: n.Operand, right: n.Operand) -> list[Problem]:
    if isinstance(left, n.Path) and left == right:
        return [
            (
                FUNCTION,
                "The first operand must be distinct from the remaining operands for this "
                f"operator or function; operator: {op}, first operand: {left}",
            )
        ]
    return []


def between(low: n.Operand, high: n.Operand) -> list[Problem]:
    if not (isinstance(low, n.Value) and isinstance(high, n.Value)):
        return []
    a, b = low.value, high.value
    ta, tb = type_of(a), type_of(b)
    shown = (
        f"lower bound operand: AttributeValue: {{{ta}:{a[ta]}}}, upper bound operand: "
        f"AttributeValue: {{{tb}:{b[tb]}}}"
    )
    if ta != tb:
        message = "The BETWEEN operator requires same data type for lower and upper bounds; "
        return [(FUNCTION, message + shown)]
    if (compare(a, b) or 0) > 0:
        message = (
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
        )
        return [(FUNCTION, message + shown)]
    return []


def call(found: n.Call, functions: Mapping[str, int]) -> list[Problem]:
    """A function call: a known function, its number of operands and their kinds."""
    expected = functions.get(found.name)
    if expected is None:
        return [(UNKNOWN_FUNCTION, f"Invalid function name; function: {found.name}")]
    if expected != len(found.args):
        return [
            (
                OPERANDS,
                "Incorrect number of operands for operator or function; operator or function: "
                f"{found.name}, number of operands: {len(found.args)}",
            )
        ]
    if found.name in ("attribute_exists", "attribute_not_exists", "if_not_exists"):
        if not isinstance(found.args[0], n.Path):
            return [
                (
                    FUNCTION,
                    "Operator or function requires a document path; operator or function: "
                    f"{found.name}",
                )
            ]
        return []
    if found.name == "attribute_type":
        return _attribute_type(found.args[1])
    if found.name in ("begins_with", "size"):
        allowed = ("S", "B") if found.name == "begins_with" else _SIZED
        return [
            _operand_type(found.name, type_of(arg.value))
            for arg in found.args
            if isinstance(arg, n.Value) and type_of(arg.value) not in allowed
        ]
    return []


def _operand_type(name: str, kind: str) -> Problem:
    return (
        FUNCTION,
        "Incorrect operand type for operator or function; operator or function: "
        f"{name}, operand type: {kind}",
    )


def _attribute_type(arg: n.Operand) -> list[Problem]:
    kind = type_of(arg.value) if isinstance(arg, n.Value) else None
    if kind != "S":
        return [_operand_type("attribute_type", kind or "path")]
    assert isinstance(arg, n.Value)
    if arg.value["S"] not in ATTRIBUTE_TYPES:
        return [
            (
                FUNCTION,
                f"Invalid attribute type name found; type: {arg.value['S']}, valid types: "
                "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
            )
        ]
    return []
