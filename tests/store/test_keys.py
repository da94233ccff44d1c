"""The order-preserving key encoding: byte order is tuple order, a tuple prefix a byte prefix."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from redrive.store import Key, keys

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
# Mostly a tiny alphabet, so that keys share prefixes and differ in the characters the
# encoding treats specially (NUL is escaped; its neighbours; multi-byte UTF-8); sometimes any
# character at all.
TEXT = st.one_of(
    st.text(alphabet=["\x00", "\x01", "a", "\x7f", "é", "😀"], max_size=3),
    st.text(max_size=4),
)
PART = st.one_of(st.integers(-2, 2), INT64, TEXT)
KEYS = st.lists(PART, max_size=4).map(tuple)


@st.composite
def related_keys(draw: st.DrawFn) -> tuple[Key, Key]:
    """Two keys that often share a prefix, down to part of a string (the hard comparisons)."""
    a = draw(KEYS)
    cut = draw(st.integers(0, len(a)))
    b = a[:cut]
    if cut < len(a) and isinstance(a[cut], str) and draw(st.booleans()):
        # diverge inside the string: a shorter or a longer string with the same start
        text = a[cut]
        tail = draw(st.one_of(st.sampled_from(["", "\x00", "\x00\x00", "\x00a", "\x01"]), TEXT))
        b += (text[: draw(st.integers(0, len(text)))] + tail,)
    b += draw(KEYS)
    return (a, b) if draw(st.booleans()) else (b, a)


# hypothesis keeps no example database in the working tree
PROPERTY = settings(database=None, max_examples=100, deadline=None)


def tuple_order(key: Key) -> list[tuple[int, int | str]]:
    """Python's tuple order, with ints before strs where the types differ."""
    return [(0, part) if isinstance(part, int) else (1, part) for part in key]


@PROPERTY
@given(KEYS)
def test_decode_inverts_encode(key: Key) -> None:
    assert keys.decode(keys.encode(key)) == key


# Pairs where a careless encoding goes wrong: a string ending where another continues with
# NUL, sign of ints, ints against strs, shorter against longer tuples.
TRICKY = [
    (("a", 5), ("a\x00",)),
    (("a", ""), ("a\x00",)),
    (("a", "b"), ("a\x00", "a")),
    (("a\x00",), ("a\x01",)),
    (("a\x00", 1), ("a\x00\x00",)),
    (("",), ("\x00",)),
    ((-1,), (0,)),
    ((-(2**63),), (2**63 - 1,)),
    ((2**63 - 1,), ("",)),
    ((1,), (1, -5)),
    (("é",), ("😀",)),
]


def with_tricky_examples(test: Any) -> Any:
    for pair in TRICKY:
        test = example(pair)(example(pair[::-1])(test))
    return test


@PROPERTY
@given(related_keys())
@with_tricky_examples
def test_encoding_preserves_tuple_order(pair: tuple[Key, Key]) -> None:
    a, b = pair
    ea, eb = keys.encode(a), keys.encode(b)
    assert (ea < eb) == (tuple_order(a) < tuple_order(b))
    assert (ea == eb) == (a == b)


@PROPERTY
@given(related_keys())
@with_tricky_examples
def test_a_prefix_scan_range_holds_exactly_the_keys_with_that_prefix(
    pair: tuple[Key, Key],
) -> None:
    prefix, other = pair
    low = keys.encode(prefix)
    high = keys.successor(low)
    for key in (prefix + other, other):
        raw = keys.encode(key)
        inside = low <= raw and (high is None or raw < high)
        assert inside == (key[: len(prefix)] == prefix), (prefix, key)


@PROPERTY
@given(st.lists(related_keys(), max_size=5).map(lambda pairs: [k for p in pairs for k in p]))
def test_sorting_encodings_sorts_keys(many: list[Key]) -> None:
    by_bytes = sorted(many, key=keys.encode)
    assert [tuple_order(k) for k in by_bytes] == sorted(tuple_order(k) for k in many)


def test_examples_of_the_layout() -> None:
    assert keys.encode(()) == b""
    assert keys.encode((0,)) == b"\x01\x80" + bytes(7)
    assert keys.encode((-(2**63),)) == b"\x01" + bytes(8)
    assert keys.encode(("a\x00b",)) == b"\x02a\x00\xffb\x00\x00"
    assert keys.encode((1, "x")).startswith(keys.encode((1,)))


def test_successor() -> None:
    assert keys.successor(b"\x02a\x00\x00") == b"\x02a\x00\x01"
    assert keys.successor(b"\x01\x7f\xff\xff") == b"\x01\x80"
    assert keys.successor(b"\xff\xff") is None
    assert keys.successor(b"") is None


@pytest.mark.parametrize("bad", [(True,), (False,), (1.0,), (None,), (b"a",)], ids=repr)
def test_only_str_and_int_parts(bad: Key) -> None:
    with pytest.raises(TypeError):
        keys.encode(bad)


@pytest.mark.parametrize("bad", [2**63, -(2**63) - 1, 10**30])
def test_ints_must_fit_in_64_bits(bad: int) -> None:
    with pytest.raises(OverflowError):
        keys.encode((bad,))


def test_a_bad_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="tag"):
        keys.decode(b"\x03abc")
