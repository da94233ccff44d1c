"""The store interface, the same for every backend: reads, writes, ordered scans, transactions."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redrive.errors import StoreError
from redrive.store import SCHEMA_VERSION, Key, MemoryStore, SqliteStore, Store


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path)
    yield opened
    opened.close()


def put_all(store: Store, table: str, keys: list[Key]) -> None:
    with store.transaction() as txn:
        for key in keys:
            txn.put(table, key, list(key))


def scan_keys(store: Store, table: str, prefix: Key = (), **kwargs: Any) -> list[Key]:
    with store.transaction() as txn:
        return [key for key, _ in txn.scan(table, prefix, **kwargs)]


def tuple_order(key: Key) -> list[tuple[int, int | str]]:
    """The order keys have in every backend: element by element, ints before strs."""
    return [(0, part) if isinstance(part, int) else (1, part) for part in key]


# -- documents -----------------------------------------------------------------------------------


def test_get_put_delete(store: Store) -> None:
    with store.transaction() as txn:
        assert txn.get("t", ("k",)) is None
        txn.put("t", ("k",), {"v": 1})
        assert txn.get("t", ("k",)) == {"v": 1}  # reads see the transaction's own writes
        txn.put("t", ("k",), {"v": 2})
    with store.transaction() as txn:
        assert txn.get("t", ("k",)) == {"v": 2}
        assert txn.delete("t", ("k",)) is True
        assert txn.delete("t", ("k",)) is False
        assert txn.get("t", ("k",)) is None
    with store.transaction() as txn:
        assert txn.get("t", ("k",)) is None
        assert txn.delete("never", ("there",)) is False


@pytest.mark.parametrize(
    "value",
    [
        {"nested": {"list": [1, 2.5, None, True, False, "ü 中 😀"], "empty": {}}},
        [],
        "text with \x00 NUL",
        -12,
        3.25,
        True,
    ],
    ids=repr,
)
def test_documents_round_trip(store: Store, value: Any) -> None:
    with store.transaction() as txn:
        txn.put("docs", ("d",), value)
    with store.transaction() as txn:
        assert txn.get("docs", ("d",)) == value


def test_tables_are_separate(store: Store) -> None:
    with store.transaction() as txn:
        txn.put("t", ("k",), "in t")
        txn.put("t2", ("k",), "in t2")
        txn.put("u", ("k",), "in u")
        assert txn.get("t", ("k",)) == "in t"
        assert [v for _, v in txn.scan("t")] == ["in t"]
        assert txn.count("t") == 1
        txn.delete("t2", ("k",))
        assert txn.get("t", ("k",)) == "in t"


def test_the_empty_key_is_a_key(store: Store) -> None:
    with store.transaction() as txn:
        txn.put("t", (), "root")
        txn.put("t", (1,), "one")
        assert txn.get("t", ()) == "root"
        assert list(txn.scan("t")) == [((), "root"), ((1,), "one")]


@pytest.mark.parametrize("bad", [(True,), (1.5,), (None,), ((1,),), (b"x",)], ids=repr)
def test_keys_are_tuples_of_str_and_int_only(store: Store, bad: Any) -> None:
    with store.transaction() as txn, pytest.raises(TypeError):
        txn.put("t", bad, 1)


@pytest.mark.parametrize("bad", [2**63, -(2**63) - 1])
def test_key_ints_are_64_bit(store: Store, bad: int) -> None:
    with store.transaction() as txn, pytest.raises(OverflowError):
        txn.put("t", (bad,), 1)


# -- ordered scans -----------------------------------------------------------------------------

MIXED_KEYS: list[Key] = [
    (-(2**63),),
    (-(2**40),),
    (-256,),
    (-255,),
    (-1,),
    (-1, "child"),
    (0,),
    (1,),
    (255,),
    (256,),
    (2**63 - 1,),
    ("",),
    ("\x00",),
    ("\x00\x00",),
    ("\x00a",),
    ("\x01",),
    ("a",),
    ("a", -1),
    ("a", 0),
    ("a", ""),
    ("a", "\x00"),
    ("a\x00",),
    ("a\x00", "x"),
    ("a\x00b",),
    ("a\x01",),
    ("ab",),
    ("ab", 1),
    ("b",),
    ("z\x7f",),
    ("\x80",),
    ("é",),
    ("ÿ",),
    ("中",),
    ("中文",),
    ("\uffff",),
    ("😀",),
]


def test_scan_orders_mixed_keys_like_tuples(store: Store) -> None:
    expected = sorted(MIXED_KEYS, key=tuple_order)
    shuffled = list(MIXED_KEYS)
    random.Random(4).shuffle(shuffled)
    put_all(store, "mixed", shuffled)
    assert scan_keys(store, "mixed") == expected
    assert scan_keys(store, "mixed", reverse=True) == expected[::-1]
    with store.transaction() as txn:
        for key, value in txn.scan("mixed"):
            assert value == list(key)


@pytest.mark.parametrize(
    "prefix",
    [("a",), ("ab",), ("a\x00",), ("",), ("\x00",), (-1,), (255,), (-(2**63),), ("a", 0)],
    ids=repr,
)
def test_prefix_scans_do_not_leak_into_sibling_prefixes(store: Store, prefix: Key) -> None:
    put_all(store, "mixed", MIXED_KEYS)
    expected = sorted((k for k in MIXED_KEYS if k[: len(prefix)] == prefix), key=tuple_order)
    assert expected  # every prefix above names at least one key
    assert scan_keys(store, "mixed", prefix) == expected
    assert scan_keys(store, "mixed", prefix, reverse=True) == expected[::-1]
    with store.transaction() as txn:
        assert txn.count("mixed", prefix) == len(expected)


def test_prefix_a_excludes_ab_and_includes_its_own_children(store: Store) -> None:
    put_all(store, "t", [("a",), ("a", 1), ("a", "z"), ("ab",), ("ab", 1), ("b",)])
    assert scan_keys(store, "t", ("a",)) == [("a",), ("a", 1), ("a", "z")]
    assert scan_keys(store, "t", ("ab",)) == [("ab",), ("ab", 1)]
    assert scan_keys(store, "t", ("a", 1)) == [("a", 1)]
    assert scan_keys(store, "t", ("c",)) == []


def test_scan_bounds_reverse_and_limit(store: Store) -> None:
    put_all(store, "q", [("q", i) for i in range(10)] + [("p", 5), ("r", 0)])
    q = ("q",)
    assert scan_keys(store, "q", q, start=("q", 3), stop=("q", 7)) == [
        ("q", i) for i in (3, 4, 5, 6)
    ]
    assert scan_keys(store, "q", q, start=("q", 8)) == [("q", 8), ("q", 9)]
    assert scan_keys(store, "q", q, stop=("q", 2)) == [("q", 0), ("q", 1)]
    # bounds outside the prefix are clamped to it
    assert scan_keys(store, "q", q, start=("p",), stop=("z",)) == [("q", i) for i in range(10)]
    # without a prefix, bounds alone define the range
    assert scan_keys(store, "q", start=("p", 5), stop=("q", 1)) == [("p", 5), ("q", 0)]
    assert scan_keys(store, "q", q, start=("q", 3), stop=("q", 7), reverse=True) == [
        ("q", i) for i in (6, 5, 4, 3)
    ]
    assert scan_keys(store, "q", q, limit=3) == [("q", 0), ("q", 1), ("q", 2)]
    assert scan_keys(store, "q", q, limit=2, reverse=True) == [("q", 9), ("q", 8)]
    assert scan_keys(store, "q", q, start=("q", 4), limit=2, reverse=True) == [
        ("q", 9),
        ("q", 8),
    ]
    assert scan_keys(store, "q", q, limit=0) == []
    assert scan_keys(store, "q", q, limit=100) == [("q", i) for i in range(10)]
    assert scan_keys(store, "q", q, start=("q", 7), stop=("q", 3)) == []
    assert scan_keys(store, "q", q, start=("q", 3), stop=("q", 3)) == []


def test_start_is_inclusive_and_stop_exclusive_for_partial_keys(store: Store) -> None:
    put_all(store, "t", [("q", 1), ("q", 1, "x"), ("q", 2), ("q", 2, "x"), ("q", 3)])
    assert scan_keys(store, "t", start=("q", 1), stop=("q", 2)) == [("q", 1), ("q", 1, "x")]
    assert scan_keys(store, "t", start=("q", 1, "y"), stop=("q", 3)) == [("q", 2), ("q", 2, "x")]


def test_large_scans_in_both_directions(store: Store) -> None:
    keys = [("big", i) for i in range(1000)]
    put_all(store, "big", keys)
    assert scan_keys(store, "big") == keys
    assert scan_keys(store, "big", reverse=True) == keys[::-1]
    assert scan_keys(store, "big", limit=700) == keys[:700]
    assert scan_keys(store, "big", start=("big", 100), limit=300, reverse=True) == keys[:-301:-1]


def test_first_and_count(store: Store) -> None:
    put_all(store, "t", [("a", 3), ("a", 1), ("a", 2), ("b", 1)])
    with store.transaction() as txn:
        assert txn.first("t", ("a",)) == (("a", 1), ["a", 1])
        assert txn.first("t", ("a",), reverse=True) == (("a", 3), ["a", 3])
        assert txn.first("t", ("a",), start=("a", 2)) == (("a", 2), ["a", 2])
        assert txn.first("t", ("c",)) is None
        assert txn.first("empty") is None
        assert txn.count("t") == 4
        assert txn.count("t", ("a",)) == 3
        assert txn.count("t", ("a", 2)) == 1
        assert txn.count("t", ("c",)) == 0
        assert txn.count("empty") == 0


# -- writing while iterating -----------------------------------------------------------------------


def test_updating_and_deleting_visited_items_while_scanning(store: Store) -> None:
    put_all(store, "t", [("k", i) for i in range(600)])
    with store.transaction() as txn:
        for key, _ in txn.scan("t", ("k",)):
            txn.put("t", key, "seen")
    with store.transaction() as txn:
        assert {v for _, v in txn.scan("t")} == {"seen"}
        drained = 0
        for key, _ in txn.scan("t"):
            assert txn.delete("t", key)
            drained += 1
        assert drained == 600
        assert txn.count("t") == 0


def test_a_key_moved_forward_while_scanning_is_not_visited_again(store: Store) -> None:
    # e.g. a queue ordered by visible-at time, each received message made visible later
    put_all(store, "queue", [("visible", i) for i in range(600)])
    with store.transaction() as txn:
        visited = []
        for key, value in txn.scan("queue", ("visible",)):
            visited.append(key)
            assert len(visited) <= 600, "the scan revisits keys it moved"
            txn.delete("queue", key)
            txn.put("queue", ("visible", int(key[1]) + 10_000), value)
        assert visited == [("visible", i) for i in range(600)]
    assert scan_keys(store, "queue") == [("visible", i + 10_000) for i in range(600)]


def test_a_scan_sees_the_keys_in_range_when_it_starts(store: Store) -> None:
    put_all(store, "t", [("k", i) for i in range(10)])
    with store.transaction() as txn:
        seen = []
        for key, value in txn.scan("t"):
            seen.append((key, value))
            if key == ("k", 2):
                txn.delete("t", ("k", 5))  # not yet visited: skipped
                txn.put("t", ("k", 7), "changed")  # not yet visited: new value seen
                txn.put("t", ("k", 4, "new"), "new")  # added: not visited
        assert [k for k, _ in seen] == [("k", i) for i in (0, 1, 2, 3, 4, 6, 7, 8, 9)]
        assert dict(seen)[("k", 7)] == "changed"
        assert txn.get("t", ("k", 4, "new")) == "new"


# -- transactions ----------------------------------------------------------------------------------


def test_an_exception_rolls_back_the_whole_transaction(store: Store) -> None:
    put_all(store, "t", [("keep",), ("change",), ("remove",)])
    with pytest.raises(RuntimeError), store.transaction() as txn:
        txn.put("t", ("change",), "changed")
        txn.put("t", ("change",), "changed twice")
        txn.delete("t", ("remove",))
        txn.put("t", ("new",), "new")
        txn.put("t", ("new",), "new again")
        txn.delete("t", ("new",))
        txn.put("other", ("x",), 1)
        raise RuntimeError("abort")
    with store.transaction() as txn:
        assert list(txn.scan("t")) == [
            (("change",), ["change"]),
            (("keep",), ["keep"]),
            (("remove",), ["remove"]),
        ]
        assert txn.count("other") == 0


def test_a_nested_transaction_joins_the_outer_one(store: Store) -> None:
    with store.transaction() as outer:
        outer.put("t", ("outer",), 1)
        with store.transaction() as inner:
            assert inner is outer
            assert inner.get("t", ("outer",)) == 1
            inner.put("t", ("inner",), 2)
        assert outer.get("t", ("inner",)) == 2
    assert scan_keys(store, "t") == [("inner",), ("outer",)]


def test_an_exception_in_a_nested_transaction_rolls_back_all_of_it(store: Store) -> None:
    put_all(store, "t", [("before",)])
    with pytest.raises(KeyError), store.transaction() as outer:
        outer.put("t", ("outer",), 1)
        with store.transaction() as inner:
            inner.put("t", ("inner",), 2)
            inner.delete("t", ("before",))
        with store.transaction() as inner:
            inner.put("t", ("inner again",), 3)
            raise KeyError("inner failed")
    assert scan_keys(store, "t") == [("before",)]
    # and the store is usable afterwards
    put_all(store, "t", [("after",)])
    assert scan_keys(store, "t") == [("after",), ("before",)]


def test_an_exception_after_a_nested_transaction_rolls_it_back_too(store: Store) -> None:
    with pytest.raises(ValueError), store.transaction():
        with store.transaction() as inner:
            inner.put("t", ("inner",), 1)
        raise ValueError
    assert scan_keys(store, "t") == []


def test_next_id_counts_per_name(store: Store) -> None:
    with store.transaction() as txn:
        assert [txn.next_id("events") for _ in range(3)] == [1, 2, 3]
        assert txn.next_id("messages") == 1
    with store.transaction() as txn:
        assert txn.next_id("events") == 4
    with pytest.raises(RuntimeError), store.transaction() as txn:
        assert txn.next_id("events") == 5
        raise RuntimeError
    with store.transaction() as txn:
        assert txn.next_id("events") == 5  # the rolled-back id was never handed out
        assert txn.next_id("messages") == 2


def test_schema_version(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    with store.transaction():
        assert store.schema_version == SCHEMA_VERSION  # also inside a transaction


def test_location() -> None:
    assert MemoryStore().location == "memory"


# -- the SQLite backend on disk --------------------------------------------------------------------


def test_sqlite_reopened_keeps_committed_data(tmp_path: Path) -> None:
    first = SqliteStore(tmp_path)
    assert first.location == str(tmp_path / "redrive.sqlite3")
    put_all(first, "t", [("a", 1), ("b", "x")])
    with first.transaction() as txn:
        txn.next_id("ids")
        txn.next_id("ids")
    with pytest.raises(RuntimeError), first.transaction() as txn:
        txn.put("t", ("rolled back",), 1)
        raise RuntimeError
    first.close()

    second = SqliteStore(tmp_path)
    try:
        assert second.schema_version == SCHEMA_VERSION
        with second.transaction() as txn:
            assert list(txn.scan("t")) == [(("a", 1), ["a", 1]), (("b", "x"), ["b", "x"])]
            assert txn.next_id("ids") == 3
    finally:
        second.close()


def test_sqlite_creates_missing_directories(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "deep" / "er")
    try:
        assert (tmp_path / "deep" / "er" / "redrive.sqlite3").exists()
    finally:
        store.close()


def test_sqlite_refuses_a_store_with_a_newer_schema(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    with store.transaction() as txn:
        txn.put("_meta", ("schema_version",), SCHEMA_VERSION + 1)
    store.close()
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(tmp_path)
    # refusing changed nothing: the version is still the newer one
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}"):
        SqliteStore(tmp_path)


def test_sqlite_in_an_unusable_place_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot open"):
        SqliteStore(blocker)


def test_after_commit_runs_once_the_outermost_transaction_commits(store: Store) -> None:
    seen: list[str] = []
    with store.transaction() as txn:
        txn.put("t", ("a",), 1)
        with store.transaction() as inner:
            inner.after_commit(lambda: seen.append("inner"))
        txn.after_commit(lambda: seen.append("outer"))
        assert seen == []  # nothing runs before the commit
    assert seen == ["inner", "outer"]


def test_after_commit_never_runs_when_the_transaction_rolls_back(store: Store) -> None:
    seen: list[str] = []
    with pytest.raises(ValueError), store.transaction() as txn:
        txn.after_commit(lambda: seen.append("x"))
        raise ValueError("boom")
    with store.transaction() as txn:
        txn.put("t", ("b",), 2)
    assert seen == []


def test_a_sequence_hands_out_increasing_ids_that_stay_unique_after_a_restart(
    tmp_path: Path,
) -> None:
    first = SqliteStore(tmp_path)
    with first.transaction() as txn:
        ids = [first.sequence("s").next(txn) for _ in range(3)]
    with first.transaction() as txn:
        ids.append(first.sequence("s").next(txn))
    first.close()
    second = SqliteStore(tmp_path)  # a new process: a new start, above every earlier id
    with second.transaction() as txn:
        ids.append(second.sequence("s").next(txn))
    second.close()
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_a_sequence_start_rolled_back_is_taken_again(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as txn:
        lost = store.sequence("s").next(txn)
        raise RuntimeError
    with store.transaction() as txn:
        kept = store.sequence("s").next(txn)
    assert kept >> 32 == lost >> 32  # the same start: it was never committed before
    with store.transaction() as txn:
        assert txn.get("_counters", ("s",)) == kept >> 32
