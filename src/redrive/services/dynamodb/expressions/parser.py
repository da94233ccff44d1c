"""Parsing condition, key condition, filter and projection expressions.

Grammar (keywords case-insensitive; AWS's, developerguide/Expressions.OperatorsAndFunctions)::

    condition  := or
    or         := and ("OR" and)*
    and        := not ("AND" not)*
    not        := "NOT" not | "(" condition ")" | comparison | function
    comparison := operand ("=" | "<>" | "<" | "<=" | ">" | ">=") operand
                | operand "BETWEEN" operand "AND" operand
                | operand "IN" "(" operand ("," operand)* ")"
    operand    := path | ":value" | "size" "(" operand ")" | "(" operand ")"
    path       := element ("." element | "[" digits "]")*
    element    := name | "#name"
    projection := path ("," path)*

A syntax error is raised at once. Other problems (an undefined ``#name`` or ``:value``, a
reserved word, an unknown function or a function used the wrong way) are collected while
parsing and the most important one is raised once the whole expression parsed, so a syntax
error anywhere wins, as with AWS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from redrive.services.dynamodb.expressions import checks
from redrive.services.dynamodb.expressions import nodes as n
from redrive.services.dynamodb.expressions.context import Context
from redrive.services.dynamodb.expressions.lexer import (
    ExpressionError,
    Token,
    syntax_error,
    tokenize,
)
from redrive.services.dynamodb.expressions.reserved import is_reserved
from redrive.services.dynamodb.values import AV

T = TypeVar("T")

COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
KEYWORDS = ("AND", "OR", "NOT", "BETWEEN", "IN")


class _Backtrack(Exception):
    """The alternative being tried does not parse."""


class Parser:
    def __init__(self, text: str, context: Context) -> None:
        if not text.strip():
            raise ExpressionError("The expression can not be empty;")
        self.text = text
        self.context = context
        self.tokens = tokenize(text)
        self.index = 0
        self.problems: list[tuple[int, str]] = []
        #: (first, after last) token indexes of the parenthesized conditions parsed
        self.groups: set[tuple[int, int]] = set()

    # -- entry points -----------------------------------------------------------------------

    def condition(self) -> n.Condition:
        return self._whole(self._or)

    def projection(self) -> tuple[n.Path, ...]:
        def paths() -> tuple[n.Path, ...]:
            found = [self._path()]
            while self._accept(","):
                found.append(self._path())
            return tuple(found)

        return self._whole(paths)

    def _whole(self, parse: Callable[[], T]) -> T:
        result = parse()
        if self.peek.kind != "eof":
            raise self._syntax()
        if self.problems:
            raise ExpressionError(min(self.problems, key=lambda p: p[0])[1])
        return result

    # -- tokens -----------------------------------------------------------------------------

    @property
    def peek(self) -> Token:
        return self.tokens[self.index]

    def _next(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "eof":
            self.index += 1
        return token

    def _accept(self, text: str) -> bool:
        if self.peek.kind == "op" and self.peek.text == text:
            self.index += 1
            return True
        return False

    def _accept_word(self, word: str) -> bool:
        if self.peek.is_word(word):
            self.index += 1
            return True
        return False

    def _expect(self, text: str) -> None:
        if not self._accept(text):
            raise self._syntax()

    def _syntax(self) -> ExpressionError:
        return syntax_error(self.text, self.tokens, self.index)

    def _attempt(self, parse: Callable[[], T]) -> T | None:
        """``parse()``, or None (and nothing consumed) if it does not parse."""
        index, problems = self.index, len(self.problems)
        try:
            return parse()
        except (_Backtrack, ExpressionError):
            self.index = index
            del self.problems[problems:]
            return None

    # -- conditions -------------------------------------------------------------------------

    def _or(self) -> n.Condition:
        left = self._and()
        while self._accept_word("OR"):
            left = n.Or(left, self._and())
        return left

    def _and(self) -> n.Condition:
        left = self._not()
        while self._accept_word("AND"):
            left = n.And(left, self._not())
        return left

    def _not(self) -> n.Condition:
        if self._accept_word("NOT"):
            return n.Not(self._not())
        if self.peek.text == "(":
            grouped = self._attempt(self._grouped)
            if grouped is not None:
                return grouped
        return self._comparison()

    def _grouped(self) -> n.Condition:
        start = self.index
        self._expect("(")
        inner = self._or()
        if not self._accept(")"):
            raise _Backtrack
        if (start + 1, self.index - 1) in self.groups:
            self.problems.append((checks.PARENTHESES, "The expression has redundant parentheses;"))
        self.groups.add((start, self.index))
        return inner

    def _comparison(self) -> n.Condition:
        left = self._operand()
        token = self.peek
        if token.kind == "op" and token.text in COMPARATORS:
            self._next()
            right = self._operand()
            self.problems += checks.plain(left, right) + checks.distinct(token.text, left, right)
            return n.Compare(token.text, left, right)
        if self._accept_word("BETWEEN"):
            low = self._operand()
            if not self._accept_word("AND"):
                raise self._syntax()
            high = self._operand()
            self.problems += checks.plain(left, low, high) + checks.between(low, high)
            return n.Between(left, low, high)
        if self._accept_word("IN"):
            self._expect("(")
            choices = [self._operand()]
            while self._accept(","):
                choices.append(self._operand())
            self._expect(")")
            self.problems += checks.plain(left, *choices)
            return n.In(left, tuple(choices))
        if isinstance(left, n.Call):
            if left.name not in checks.CONDITION_FUNCTIONS:
                self.problems.append(checks.misused(left.name))
            return left
        raise self._syntax()

    # -- operands ---------------------------------------------------------------------------

    def _operand(self) -> n.Operand:
        """A path, a value, a function call or ``(`` :meth:`_grouped_operand` ``)``."""
        token = self.peek
        if token.kind == "op" and token.text == "(":
            self._next()
            inner = self._grouped_operand()
            self._expect(")")
            return inner
        if token.kind == ":value":
            self._next()
            return n.Value(self._resolve_value(token.text), token.text)
        if token.kind == "name" and self.tokens[self.index + 1].text == "(":
            return self._call()
        return self._path()

    def _grouped_operand(self) -> n.Operand:
        """What parentheses may hold where an operand is expected."""
        return self._operand()

    def _resolve_value(self, token: str) -> AV:
        try:
            return self.context.value(token)
        except ExpressionError as problem:
            self.problems.append((checks.UNDEFINED, problem.message))
            return {"NULL": True}

    def _call(self) -> n.Call:
        name = self._next().text
        self._expect("(")
        args = [self._operand()]
        while self._accept(","):
            args.append(self._operand())
        self._expect(")")
        call = n.Call(name, tuple(args))
        self.check_call(call)
        return call

    def functions(self) -> dict[str, int]:
        """The functions this kind of expression knows, with their operand counts."""
        return {**checks.CONDITION_FUNCTIONS, **checks.OPERAND_FUNCTIONS}

    def check_call(self, call: n.Call) -> None:
        self.problems += checks.call(call, self.functions())

    # -- paths ------------------------------------------------------------------------------

    def _path(self) -> n.Path:
        elements: list[str | int] = [self._element()]
        while True:
            if self._accept("."):
                elements.append(self._element())
            elif self._accept("["):
                if self.peek.kind != "number":
                    raise self._syntax()
                elements.append(int(self._next().text))
                self._expect("]")
            else:
                return n.Path(tuple(elements))

    def _element(self) -> str:
        token = self.peek
        if token.kind == "#name":
            self._next()
            try:
                return self.context.name(token.text)
            except ExpressionError as problem:
                self.problems.append((checks.UNDEFINED, problem.message))
                return token.text
        if token.kind == "name" and token.text.upper() not in KEYWORDS:
            self._next()
            if is_reserved(token.text):
                message = f"Attribute name is a reserved keyword; reserved keyword: {token.text}"
                self.problems.append((checks.RESERVED, message))
            return token.text
        raise self._syntax()
