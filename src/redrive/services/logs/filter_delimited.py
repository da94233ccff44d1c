"""Space-delimited filter patterns: ``[ip, user, ..., status = 4*, bytes > 1000]``.

A message is split into fields at whitespace; text in ``"..."`` or ``[...]`` is one field (the
quotes or brackets removed). Each pattern field names one message field and may add conditions
on it, joined with ``&&`` / ``||`` (``status = 4* || status = 5*``); ``...`` stands for any
number of fields. Without ``...`` the message must have exactly as many fields as the pattern.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from redrive.services.logs.filter_values import (
    COMPARISONS,
    FilterPatternError,
    Literal,
    Matcher,
    TokenStream,
    check_operator,
    compare,
    count_regexes,
    tokenize,
)

#: a condition on one field's text; None for ``...``
FieldTest = Callable[[str], bool] | None


def compile_delimited_pattern(text: str) -> Matcher:
    tokens = tokenize(text)
    count_regexes(tokens)
    stream = TokenStream(tokens)
    stream.expect("punct", "[")
    fields: list[FieldTest] = []
    if not stream.accept("punct", "]"):
        fields.append(_field(stream))
        while stream.accept("punct", ","):
            fields.append(_field(stream))
        stream.expect("punct", "]")
    if not stream.at_end():
        raise FilterPatternError("unexpected text after the closing ']'")

    def match(message: str) -> bool:
        values = split_fields(message)

        @cache
        def fits(fi: int, vi: int) -> bool:
            if fi == len(fields):
                return vi == len(values)
            test = fields[fi]
            if test is None:
                return any(fits(fi + 1, vj) for vj in range(vi, len(values) + 1))
            return vi < len(values) and test(values[vi]) and fits(fi + 1, vi + 1)

        return fits(0, 0)

    return match


def _field(stream: TokenStream) -> FieldTest:
    name = stream.next("a field name")
    if name.kind != "word":
        raise FilterPatternError(f"expected a field name, found {name.text!r}")
    if name.text == "...":
        return None
    token = stream.peek()
    if token is None or token.kind != "punct" or token.text not in COMPARISONS:
        return lambda _value: True
    groups: list[list[Callable[[str], bool]]] = [[_condition(stream)]]
    while True:
        if stream.accept("punct", "&&"):
            groups[-1].append(_condition(stream, name.text))
        elif stream.accept("punct", "||"):
            groups.append([_condition(stream, name.text)])
        else:
            break
    return lambda value: any(all(test(value) for test in group) for group in groups)


def _condition(stream: TokenStream, name: str | None = None) -> Callable[[str], bool]:
    if name is not None:
        # ``status = 4* || status = 5*``: the field may be named again (or left out)
        stream.accept("word", name)
    op = stream.next("a comparison operator")
    if op.kind != "punct" or op.text not in COMPARISONS:
        raise FilterPatternError(f"expected a comparison operator, found {op.text!r}")
    literal = Literal.from_token(stream.next("a value"))
    check_operator(op.text, literal)
    return lambda value: compare(op.text, literal, value)


def split_fields(message: str) -> list[str]:
    fields: list[str] = []
    i, n = 0, len(message)
    while i < n:
        ch = message[i]
        if ch.isspace():
            i += 1
            continue
        closer = {'"': '"', "[": "]"}.get(ch)
        if closer is not None:
            end = message.find(closer, i + 1)
            if end >= 0:
                fields.append(message[i + 1 : end])
                i = end + 1
                continue
        start = i
        while i < n and not message[i].isspace():
            i += 1
        fields.append(message[start:i])
    return fields
