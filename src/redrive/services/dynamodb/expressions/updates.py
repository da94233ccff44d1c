"""Parsing update expressions.

Grammar (developerguide/Expressions.UpdateExpressions.html)::

    update     := clause+            each of SET, REMOVE, ADD, DELETE at most once
    clause     := "SET" set ("," set)* | "REMOVE" path ("," path)*
                | "ADD" path operand ("," path operand)*
                | "DELETE" path operand ("," path operand)*
    set        := path "=" value
    value      := term (("+" | "-") term)?
    term       := path | ":value" | "if_not_exists" "(" path "," term ")"
                | "list_append" "(" term "," term ")" | "(" value ")"

(a term is the condition parser's operand, parentheses holding a value)

Two actions may not name overlapping paths, and no action may touch a key attribute (that is
checked against the table, :mod:`.apply`).
"""

from __future__ import annotations

from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.expressions.lexer import ExpressionError
from redrive.services.dynamodb.expressions.parser import Parser

CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}


class UpdateParser(Parser):
    def update(self) -> n.Update:
        return self._whole(self._clauses)

    def functions(self) -> dict[str, int]:
        return UPDATE_FUNCTIONS

    def _clauses(self) -> n.Update:
        actions: list[n.Action] = []
        seen: set[str] = set()
        while self.peek.kind != "eof":
            word = self.peek.text.upper() if self.peek.kind == "name" else ""
            if word not in CLAUSES:
                raise self._syntax()
            if word in seen:
                raise ExpressionError(
                    f'The "{word}" section can only be used once in an update expression;'
                )
            seen.add(word)
            self._next()
            actions.append(self._action(word))
            while self._accept(","):
                actions.append(self._action(word))
        if not actions:
            raise self._syntax()
        _check_overlaps(actions)
        return n.Update(tuple(actions))

    def _action(self, kind: str) -> n.Action:
        path = self._path()
        if kind == "REMOVE":
            return n.Action(kind, path)
        if kind == "SET":
            self._expect("=")
            return n.Action(kind, path, self._value())
        return n.Action(kind, path, self._operand())

    def _value(self) -> n.Operand:
        left = self._operand()
        token = self.peek
        if token.kind == "op" and token.text in ("+", "-"):
            self._next()
            return n.Arithmetic(token.text, left, self._operand())
        return left

    def _grouped_operand(self) -> n.Operand:
        return self._value()


def _check_overlaps(actions: list[n.Action]) -> None:
    """[observed] two paths overlap when one is a prefix of the other"""
    for i, first in enumerate(actions):
        for second in actions[i + 1 :]:
            a, b = first.path.elements, second.path.elements
            shorter = min(len(a), len(b))
            if a[:shorter] == b[:shorter]:
                raise ExpressionError(
                    "Two document paths overlap with each other; must remove or rewrite one of "
                    f"these paths; path one: {first.path}, path two: {second.path}"
                )
