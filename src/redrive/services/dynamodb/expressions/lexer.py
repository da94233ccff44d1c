"""Cutting an expression into tokens.

Token kinds: ``name`` (an identifier: a letter or ``_``, then letters, digits, ``_``),
``#name``, ``:value``, ``number`` (digits, for list indexes), ``op`` (one of ``( ) [ ] , . =
<> < <= > >= + -``) and ``eof``. Anything else is a syntax error, reported as AWS reports
them: ``Syntax error; token: "<token>", near: "<text around it>"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<attrname>\#[A-Za-z0-9_]+)
  | (?P<attrvalue>:[A-Za-z0-9_]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+)
  | (?P<op><>|<=|>=|[()\[\],.=<>+-])
    """,
    re.VERBOSE,
)

EOF_TEXT = "<EOF>"


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    def is_word(self, word: str) -> bool:
        """A keyword (AND, OR, NOT, BETWEEN, IN, SET, ...), compared case-insensitively."""
        return self.kind == "name" and self.text.upper() == word


class ExpressionError(Exception):
    """A problem with an expression, in AWS's words (without the ``Invalid <which>:``
    prefix the operation adds)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            bad = Token("op", text[position], position, position + 1)
            raise syntax_error(text, [*tokens, bad], len(tokens))
        kind = match.lastgroup or ""
        if kind != "space":
            kind = {"attrname": "#name", "attrvalue": ":value"}.get(kind, kind)
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
        position = match.end()
    tokens.append(Token("eof", EOF_TEXT, len(text), len(text)))
    return tokens


def syntax_error(text: str, tokens: list[Token], index: int) -> ExpressionError:
    """AWS's syntax error at token ``index``: the token and the text from the token before it
    to the token after it."""
    token = tokens[index]
    first = tokens[max(index - 1, 0)]
    last = tokens[min(index + 1, len(tokens) - 1)]
    near = text[first.start : max(last.end, token.end)].strip()
    return ExpressionError(f'Syntax error; token: "{token.text}", near: "{near}"')


__all__ = ["EOF_TEXT", "ExpressionError", "Token", "syntax_error", "tokenize"]
