"""The filter-pattern language, checked on messages directly."""

from __future__ import annotations

import json

import pytest

from redrive.services.logs.filter_pattern import FilterPatternError, compile_filter_pattern

UNSTRUCTURED = [
    "[ERROR 400] BAD REQUEST",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    "[ERROR 419] MISSING ARGUMENTS",
    "[ERROR 420] INVALID ARGUMENTS",
    "[INFO] all good",
    "error=cannot process ticket",
]


def matching(pattern: str, messages: list[str]) -> list[str]:
    match = compile_filter_pattern(pattern)
    return [m for m in messages if match(m)]


@pytest.mark.parametrize("pattern", ["", "   ", None])
def test_empty_pattern_matches_everything(pattern: str | None) -> None:
    match = compile_filter_pattern(pattern)
    assert all(match(m) for m in [*UNSTRUCTURED, ""])


def test_single_term_is_case_sensitive() -> None:
    assert matching("ERROR", UNSTRUCTURED) == UNSTRUCTURED[:4]
    assert matching("error", UNSTRUCTURED) == ["error=cannot process ticket"]


def test_term_matches_inside_longer_words() -> None:
    assert matching("ERROR", ["ERRORNEOUS PROGRAM", "ErRoR"]) == ["ERRORNEOUS PROGRAM"]
    assert matching("ARGUMENT", UNSTRUCTURED) == UNSTRUCTURED[2:4]


def test_all_terms_must_appear() -> None:
    assert matching("ERROR ARGUMENTS", UNSTRUCTURED) == UNSTRUCTURED[2:4]


def test_quoted_phrase() -> None:
    assert matching('"INVALID ARGUMENTS"', UNSTRUCTURED) == ["[ERROR 420] INVALID ARGUMENTS"]
    assert matching('"ERROR 40"', UNSTRUCTURED) == UNSTRUCTURED[:2]
    logs = ["2025-03-28 [ERROR][grpc] failed", "[ERROR] [grpc]"]
    assert matching('"ERROR][grpc"', logs) == logs[:1]
    assert matching('"say \\"hi\\""', ['they say "hi"', "say hi"]) == ['they say "hi"']


def test_optional_terms_match_any() -> None:
    assert matching("?BAD ?INVALID", UNSTRUCTURED) == [UNSTRUCTURED[0], UNSTRUCTURED[3]]
    logs = ["map clean up", "abc xy yz xz", "xyz", "map is cleaned up"]
    assert matching('?"clean up" ?xyz', logs) == ["map clean up", "xyz"]


def test_optional_terms_are_ignored_next_to_plain_terms() -> None:
    assert matching("ERROR ?INFO", UNSTRUCTURED) == UNSTRUCTURED[:4]


def test_excluded_terms() -> None:
    assert matching("ERROR -ARGUMENTS", UNSTRUCTURED) == UNSTRUCTURED[:2]
    assert matching('-"ERROR 4"', UNSTRUCTURED) == UNSTRUCTURED[4:]


def test_regex_terms() -> None:
    assert matching("%AUTHORIZED%", ["UNAUTHORIZED REQUEST", "AUTH"]) == ["UNAUTHORIZED REQUEST"]
    assert matching("%ERROR 4[01][0-9]%", UNSTRUCTURED) == UNSTRUCTURED[:3]
    assert matching("%^\\[INFO\\]%", UNSTRUCTURED) == ["[INFO] all good"]


def json_matching(pattern: str, documents: list[object]) -> list[object]:
    match = compile_filter_pattern(pattern)
    return [d for d in documents if match(json.dumps(d))]


DOCS: list[object] = [
    {"eventType": "UpdateTrail", "sourceIPAddress": "123.123.1.1", "latency": 50, "ok": True},
    {"eventType": "CreateTrail", "sourceIPAddress": "10.0.0.1", "latency": 2000, "ok": False},
    {"eventType": "DeleteTrail", "latency": 150.5, "error": None, "user": {"id": 2}},
    {"users": [{"email": "John.Doe@example.com"}], "actions": ["GET", "PUT", "POST"]},
]


def test_json_string_equality_and_wildcards() -> None:
    assert json_matching('{ $.eventType = "UpdateTrail" }', DOCS) == DOCS[:1]
    assert json_matching("{ $.eventType = UpdateTrail }", DOCS) == DOCS[:1]
    assert json_matching('{ $.eventType = "*Trail" }', DOCS) == DOCS[:3]
    assert json_matching("{ $.sourceIPAddress != 123.123.* }", DOCS) == DOCS[1:2]


def test_json_numeric_comparisons() -> None:
    assert json_matching("{ $.latency > 100 }", DOCS) == DOCS[1:3]
    assert json_matching("{ $.latency >= 2000 }", DOCS) == DOCS[1:2]
    assert json_matching("{ $.latency < 100 }", DOCS) == DOCS[:1]
    assert json_matching("{ $.latency <= 150.5 }", DOCS) == [DOCS[0], DOCS[2]]
    assert json_matching("{ $.latency = 2e3 }", DOCS) == DOCS[1:2]
    assert json_matching("{ $.latency != 50 }", DOCS) == DOCS[1:3]


def test_json_nested_fields_and_array_indexes() -> None:
    assert json_matching("{ $.user.id = 2 }", DOCS) == DOCS[2:3]
    assert json_matching('{ $.users[0].email = "John.Doe@example.com" }', DOCS) == DOCS[3:]
    assert json_matching('{ $.actions[2] = "POST" }', DOCS) == DOCS[3:]
    assert json_matching('{ $.actions[3] = "POST" }', DOCS) == []


def test_json_and_or_parentheses() -> None:
    pattern = '{ ($.user.id = 2 && $.latency > 100) || $.actions[0] = "GET" }'
    assert json_matching(pattern, DOCS) == DOCS[2:]
    pattern = '{ $.eventType = "*Trail" && ($.latency < 100 || $.latency > 1000) }'
    assert json_matching(pattern, DOCS) == DOCS[:2]


def test_json_is_null_true_false_and_not_exists() -> None:
    assert json_matching("{ $.error IS NULL }", DOCS) == DOCS[2:3]
    assert json_matching("{ $.ok IS TRUE }", DOCS) == DOCS[:1]
    assert json_matching("{ $.ok IS FALSE }", DOCS) == DOCS[1:2]
    assert json_matching("{ $.sourceIPAddress NOT EXISTS }", DOCS) == DOCS[2:]


def test_json_regex_value() -> None:
    with pytest.raises(FilterPatternError):  # sub-patterns are not supported
        compile_filter_pattern("{ $.eventType = %^(Up|Cr)% }")
    assert json_matching("{ $.eventType = %^[UC].*Trail$% }", DOCS) == DOCS[:2]


def test_json_pattern_ignores_non_json_messages() -> None:
    match = compile_filter_pattern("{ $.a = 1 }")
    assert not match("a = 1")
    assert match('{"a": 1}\n')


def test_space_delimited_pattern() -> None:
    line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534'
    other = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 12'
    fields = "[ip, user, username, timestamp, request, status_code, bytes]"
    assert matching(fields, [line, other, "too few fields"]) == [line, other]
    assert matching("[ip, user, username, timestamp, request, status_code = 4*, bytes]", [
        line, other
    ]) == [other]  # fmt: skip
    assert matching("[..., status_code, bytes > 1000]", [line, other]) == [line]
    assert matching('[ip = "127.0.0.1", ..., request = *html*, ...]', [line, other]) == [other]
    assert matching("[..., code = 2* || code = 4*, bytes]", [line, other]) == [line, other]


@pytest.mark.parametrize(
    "pattern",
    [
        '"unterminated',
        "?",
        "a -",
        "a:b",
        "{ $.a = }",
        "{ $.a > abc }",
        "{ $.a = 1",
        "{ a = 1 }",
        "{ $.a IS MAYBE }",
        "{ $.a NOT THERE }",
        "{ $.a = 1 } trailing",
        "[a, b",
        "[a, b > x]",
        "%(group)%",
        "%a% %b% %c%",
        "%unterminated",
    ],
)
def test_invalid_patterns(pattern: str) -> None:
    with pytest.raises(FilterPatternError):
        compile_filter_pattern(pattern)
