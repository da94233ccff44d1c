"""JSON filter patterns: ``{ $.a.b[0] = "x*" && ($.n > 3 || $.flag IS TRUE) }``.

Grammar (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html)::

    pattern    := "{" or "}"
    or         := and ("||" and)*
    and        := unary ("&&" unary)*
    unary      := "(" or ")" | comparison
    comparison := selector op value
                | selector "IS" ("NULL" | "TRUE" | "FALSE")
                | selector "NOT" "EXISTS"
    selector   := "$" ("." name | "[" index "]")*
    value      := number | "quoted string" | bare string (``*`` wildcards) | %regex%

Only messages that are JSON documents match. Choices where the documentation is silent: a
comparison on a missing field is false (``!=`` too); a string value matches numbers and
booleans by their JSON text; a number value matches strings that hold a number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from redrive.services.logs.filter_values import (
    COMPARISONS,
    MISSING,
    FilterPatternError,
    Literal,
    Matcher,
    TokenStream,
    check_operator,
    compare,
    count_regexes,
    tokenize,
)

Node = Callable[[Any], bool]
Step = str | int

_SELECTOR = re.compile(r"\$((?:\.[^.\[\]]+|\[\d+\])*)")
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


def compile_json_pattern(text: str) -> Matcher:
    tokens = tokenize(text)
    count_regexes(tokens)
    stream = TokenStream(tokens)
    stream.expect("punct", "{")
    node = _or(stream)
    stream.expect("punct", "}")
    if not stream.at_end():
        raise FilterPatternError("unexpected text after the closing '}'")

    def match(message: str) -> bool:
        try:
            document = json.loads(message)
        except ValueError:
            return False
        return node(document)

    return match


def _or(stream: TokenStream) -> Node:
    nodes = [_and(stream)]
    while stream.accept("punct", "||"):
        nodes.append(_and(stream))
    if len(nodes) == 1:
        return nodes[0]
    return lambda doc: any(node(doc) for node in nodes)


def _and(stream: TokenStream) -> Node:
    nodes = [_unary(stream)]
    while stream.accept("punct", "&&"):
        nodes.append(_unary(stream))
    if len(nodes) == 1:
        return nodes[0]
    return lambda doc: all(node(doc) for node in nodes)


def _unary(stream: TokenStream) -> Node:
    if stream.accept("punct", "("):
        node = _or(stream)
        stream.expect("punct", ")")
        return node
    return _comparison(stream)


def _comparison(stream: TokenStream) -> Node:
    token = stream.next("a selector such as $.field")
    if token.kind != "word" or not token.text.startswith("$"):
        raise FilterPatternError(f"expected a selector such as $.field, found {token.text!r}")
    path = parse_selector(token.text)
    if stream.accept("word", "IS"):
        word = stream.next("NULL, TRUE or FALSE")
        expected = {"NULL": None, "TRUE": True, "FALSE": False}
        if word.kind != "word" or word.text not in expected:
            raise FilterPatternError(f"expected NULL, TRUE or FALSE after IS, not {word.text!r}")
        want = expected[word.text]
        return lambda doc: _is(resolve(doc, path), want)
    if stream.accept("word", "NOT"):
        stream.expect("word", "EXISTS")
        return lambda doc: resolve(doc, path) is MISSING
    op = stream.next("a comparison operator")
    if op.kind != "punct" or op.text not in COMPARISONS:
        raise FilterPatternError(f"expected a comparison operator, found {op.text!r}")
    literal = Literal.from_token(stream.next("a value"))
    check_operator(op.text, literal)
    return lambda doc: compare(op.text, literal, resolve(doc, path))


def _is(value: Any, want: bool | None) -> bool:
    # ``is`` keeps 1/0 from passing for True/False
    return value is want


def parse_selector(text: str) -> list[Step]:
    match = _SELECTOR.fullmatch(text)
    if match is None:
        raise FilterPatternError(f"invalid selector {text!r}")
    steps: list[Step] = []
    for name, index in _STEP.findall(match.group(1)):
        steps.append(int(index) if index else name)
    return steps


def resolve(document: Any, path: list[Step]) -> Any:
    """The value at ``path`` in ``document``, or MISSING."""
    value = document
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return MISSING
        elif not isinstance(value, dict) or step not in value:
            return MISSING
        value = value[step]
    return value
