"""What the structured filter patterns (JSON and space-delimited) share: a tokenizer, the
literal values they compare against and the comparison itself.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redrive.services.logs.constants import MAX_REGEX_PER_PATTERN

Matcher = Callable[[str], bool]

#: a JSON value or a text field that is not there at all
MISSING: Any = object()

COMPARISONS = ("=", "!=", "<", ">", "<=", ">=")
_PUNCT = ("&&", "||", "!=", "<=", ">=", "=", "<", ">", "{", "}", "(", ")", "[", "]", ",")
_WORD_STOP = set(' \t\r\n{}()[],=!<>&|"')
_SELECTOR_STOP = set(' \t\r\n{}(),=!<>&|"')
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
#: regex characters the filter syntax refuses (sub-patterns are not supported)
_REGEX_REFUSED = set("()")


class FilterPatternError(ValueError):
    """A filter pattern that cannot be parsed; the message says why."""


@dataclass(frozen=True)
class Token:
    kind: str  # "punct", "word", "quoted", "regex"
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Split a structured pattern into punctuation, words, "quoted" strings and %regex%."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == '"':
            end, value = read_quoted(text, i)
            tokens.append(Token("quoted", value, i))
            i = end
            continue
        if ch == "%":
            end = text.find("%", i + 1)
            if end < 0:
                raise FilterPatternError(f"unterminated regular expression at {i}")
            tokens.append(Token("regex", text[i + 1 : end], i))
            i = end + 1
            continue
        punct = next((p for p in _PUNCT if text.startswith(p, i)), None)
        if punct is not None:
            tokens.append(Token("punct", punct, i))
            i += len(punct)
            continue
        stop = _SELECTOR_STOP if ch == "$" else _WORD_STOP
        start = i
        while i < n and text[i] not in stop:
            i += 1
        if i == start:
            raise FilterPatternError(f"unexpected character {ch!r} at {i}")
        tokens.append(Token("word", text[start:i], start))
    return tokens


def read_quoted(text: str, start: int) -> tuple[int, str]:
    """Read the "quoted" string at ``start``; (index after it, its text). ``\\"`` escapes."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            return i + 1, "".join(out)
        out.append(ch)
        i += 1
    raise FilterPatternError(f"unterminated quoted string at {start}")


def compile_regex(body: str) -> re.Pattern[str]:
    """A ``%regex%`` body, refusing what CloudWatch Logs refuses (parentheses, multi-byte)."""
    if not body:
        raise FilterPatternError("empty regular expression")
    if any(ch in _REGEX_REFUSED for ch in body) or not body.isascii():
        raise FilterPatternError(f"unsupported regular expression %{body}%")
    try:
        return re.compile(body)
    except re.error as exc:
        raise FilterPatternError(f"invalid regular expression %{body}%: {exc}") from None


def wildcard(text: str) -> re.Pattern[str]:
    """A string value where ``*`` stands for any characters; matches whole values."""
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)


@dataclass(frozen=True)
class Literal:
    """The right-hand side of a comparison."""

    kind: str  # "number", "string", "regex"
    text: str
    number: float = math.nan
    pattern: re.Pattern[str] | None = None

    @classmethod
    def from_token(cls, token: Token) -> Literal:
        if token.kind == "regex":
            return cls("regex", token.text, pattern=compile_regex(token.text))
        if token.kind == "quoted":
            return cls("string", token.text, pattern=wildcard(token.text))
        if token.kind == "word":
            if _NUMBER.fullmatch(token.text):
                return cls("number", token.text, number=float(token.text))
            return cls("string", token.text, pattern=wildcard(token.text))
        raise FilterPatternError(f"expected a value at {token.pos}, found {token.text!r}")


def check_operator(op: str, literal: Literal) -> None:
    if literal.kind != "number" and op not in ("=", "!="):
        raise FilterPatternError(f"operator {op} needs a number, not {literal.text!r}")


def count_regexes(tokens: list[Token]) -> None:
    if sum(1 for t in tokens if t.kind == "regex") > MAX_REGEX_PER_PATTERN:
        raise FilterPatternError(
            f"at most {MAX_REGEX_PER_PATTERN} regular expressions are allowed in a pattern"
        )


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def _as_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return None


def compare(op: str, literal: Literal, value: Any) -> bool:
    """Whether ``value`` (a JSON value, a text field, or MISSING) satisfies ``op literal``.

    A field that is missing, or of a kind the literal cannot be compared with, matches no
    comparison, not even ``!=``.
    """
    if value is MISSING:
        return False
    if literal.kind == "number":
        number = _as_number(value)
        if number is None:
            return False
        return _NUMERIC[op](number, literal.number)
    text = _as_text(value)
    if text is None:
        return False
    assert literal.pattern is not None
    if literal.kind == "regex":
        found = literal.pattern.search(text) is not None
    else:
        found = literal.pattern.fullmatch(text) is not None
    return found if op == "=" else not found


_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


class TokenStream:
    """A cursor over tokens for the recursive-descent parsers."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self, what: str) -> Token:
        token = self.peek()
        if token is None:
            raise FilterPatternError(f"expected {what} at the end of the pattern")
        self.i += 1
        return token

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        token = self.peek()
        if token is not None and token.kind == kind and (text is None or token.text == text):
            self.i += 1
            return token
        return None

    def expect(self, kind: str, text: str) -> Token:
        token = self.accept(kind, text)
        if token is None:
            found = self.peek()
            where = "the end" if found is None else f"{found.text!r} at {found.pos}"
            raise FilterPatternError(f"expected {text!r}, found {where}")
        return token

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)
