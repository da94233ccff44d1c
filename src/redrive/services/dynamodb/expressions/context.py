"""What an expression refers to: its ``#names`` and ``:values``, and which of them it used.

A request's ExpressionAttributeNames and ExpressionAttributeValues serve all its expressions
together; every entry must be used by one of them (:meth:`Context.check_all_used`).
"""

from __future__ import annotations

from collections.abc import Mapping

from redrive.services.dynamodb.expressions.lexer import ExpressionError
from redrive.services.dynamodb.values import AV


class Context:
    def __init__(self, names: Mapping[str, str], values: Mapping[str, AV]) -> None:
        self.names = dict(names)
        self.values = dict(values)
        self._unused_names = dict.fromkeys(self.names)
        self._unused_values = dict.fromkeys(self.values)

    def name(self, token: str) -> str:
        """[observed] the attribute name ``#token`` stands for"""
        found = self.names.get(token)
        if found is None:
            raise ExpressionError(
                "An expression attribute name used in the document path is not defined; "
                f"attribute name: {token}"
            )
        self._unused_names.pop(token, None)
        return found

    def value(self, token: str) -> AV:
        """[observed] the value ``:token`` stands for"""
        found = self.values.get(token)
        if found is None:
            raise ExpressionError(
                "An expression attribute value used in expression is not defined; "
                f"attribute value: {token}"
            )
        self._unused_values.pop(token, None)
        return found

    def unused(self) -> str | None:
        """[observed] AWS's message for names or values no expression used, if any"""
        for what, unused in (("Names", self._unused_names), ("Values", self._unused_values)):
            if unused:
                keys = ", ".join(unused)
                return (
                    f"Value provided in ExpressionAttribute{what} unused in expressions: "
                    f"keys: {{{keys}}}"
                )
        return None
