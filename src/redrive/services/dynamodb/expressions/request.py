"""A request's expressions, parsed and checked together.

Checks, in AWS's order (the dynalite suite's, checked against AWS: architect/dynalite
``validations/index.js``): legacy parameters (refused: redrive takes expressions only),
ExpressionAttributeNames/Values given without an expression that could use them, empty maps,
malformed keys, invalid values, then each expression (UpdateExpression,
ConditionExpression, KeyConditionExpression, FilterExpression, ProjectionExpression), then
names or values no expression used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from redrive.errors import ServiceError
from redrive.services.dynamodb import errors, values
from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.expressions.context import Context
from redrive.services.dynamodb.expressions.lexer import ExpressionError
from redrive.services.dynamodb.expressions.parser import Parser
from redrive.services.dynamodb.expressions.updates import UpdateParser

LEGACY = (
    "AttributesToGet",
    "AttributeUpdates",
    "Expected",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
)
_NAME_KEY = re.compile(r"#[0-9a-zA-Z_]+")
_VALUE_KEY = re.compile(r":[0-9a-zA-Z_]+")


@dataclass(frozen=True)
class Expressions:
    update: n.Update | None = None
    condition: n.Condition | None = None
    key_condition: n.Condition | None = None
    filter: n.Condition | None = None
    projection: tuple[n.Path, ...] | None = None


def parse(params: Mapping[str, Any], accepted: Sequence[str]) -> Expressions:
    """The expressions of a request to an operation that takes the expression parameters
    ``accepted`` (in AWS's order)."""
    for legacy in LEGACY:
        if params.get(legacy) is not None:
            raise errors.legacy_parameter(legacy)
    given = [name for name in accepted if params.get(name) is not None]
    raw_names = params.get("ExpressionAttributeNames")
    raw_values = params.get("ExpressionAttributeValues")
    if raw_names is not None and not given:
        raise errors.validation(
            "ExpressionAttributeNames can only be specified when using expressions"
        )
    with_values = [name for name in accepted if name != "ProjectionExpression"]
    if raw_values is not None and with_values and not any(params.get(v) for v in with_values):
        verb = "are" if len(with_values) > 1 else "is"
        raise errors.validation(
            "ExpressionAttributeValues can only be specified when using expressions: "
            f"{' and '.join(with_values)} {verb} null"
        )
    context = Context(_names(raw_names), _values(raw_values))
    found: dict[str, Any] = {}
    for name in given:
        text = str(params[name])
        try:
            if name == "UpdateExpression":
                found["update"] = UpdateParser(text, context).update()
            elif name == "ProjectionExpression":
                found["projection"] = Parser(text, context).projection()
            else:
                key = {"ConditionExpression": "condition", "FilterExpression": "filter"}
                found[key.get(name, "key_condition")] = Parser(text, context).condition()
        except ExpressionError as problem:
            raise errors.expression(name, problem.message) from None
    unused = context.unused()
    if unused is not None:
        raise errors.validation(unused)
    return Expressions(**found)


def _names(raw: Mapping[str, Any] | None) -> dict[str, str]:
    if raw is None:
        return {}
    if not raw:
        raise errors.validation("ExpressionAttributeNames must not be empty")
    for key in raw:
        if not _NAME_KEY.fullmatch(key):
            raise errors.validation(
                f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
            )
    return {str(k): str(v) for k, v in raw.items()}


def _values(raw: Mapping[str, Any] | None) -> dict[str, values.AV]:
    if raw is None:
        return {}
    if not raw:
        raise errors.validation("ExpressionAttributeValues must not be empty")
    for key in raw:
        if not _VALUE_KEY.fullmatch(key):
            raise errors.validation(
                f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
            )
    accepted: dict[str, values.AV] = {}
    for key, value in raw.items():
        try:
            accepted[str(key)] = values.accept(value)
        except ServiceError as problem:
            raise errors.validation(
                f"ExpressionAttributeValues contains invalid value: {problem.message} for key {key}"
            ) from None
    return accepted
