"""Seeded randomness: one seed, independent named streams."""

from __future__ import annotations

import random
import re
import uuid

from redrive.kernel import Rng


def draws(rng: Rng, name: str, n: int = 20) -> list[float]:
    stream = rng.stream(name)
    return [stream.random() for _ in range(n)]


def test_same_seed_same_sequence() -> None:
    assert draws(Rng(42), "jitter") == draws(Rng(42), "jitter")


def test_another_seed_another_sequence() -> None:
    assert draws(Rng(42), "jitter") != draws(Rng(43), "jitter")


def test_streams_with_different_names_differ() -> None:
    rng = Rng(42)
    assert draws(rng, "a") != draws(rng, "b")


def test_a_new_stream_does_not_change_another_streams_sequence() -> None:
    alone = Rng(7)
    expected = draws(alone, "retry", 10)

    crowded = Rng(7)
    got: list[float] = []
    for i in range(10):
        # a new consumer appears and draws between every draw of the old one
        crowded.stream(f"newcomer-{i}").random()
        crowded.stream("shards").randrange(1000)
        got.append(crowded.stream("retry").random())
    assert got == expected


def test_stream_is_the_same_object_on_every_call() -> None:
    rng = Rng(1)
    assert rng.stream("x") is rng.stream("x")
    first = rng.stream("x").random()
    assert rng.stream("x").random() != first  # continues, does not restart


def test_streams_do_not_touch_the_global_random() -> None:
    random.seed(1234)
    expected = random.random()
    random.seed(1234)
    rng = Rng(5)
    draws(rng, "a")
    rng.uuid4("ids")
    rng.hex("ids", 8)
    assert random.random() == expected


def test_uuid4_is_a_valid_reproducible_version_4_uuid() -> None:
    values = [Rng(3).uuid4("request-id") for _ in range(2)]
    assert values[0] == values[1]
    parsed = uuid.UUID(values[0])
    assert parsed.version == 4
    assert parsed.variant == uuid.RFC_4122
    assert str(parsed) == values[0]
    rng = Rng(3)
    assert rng.uuid4("request-id") != rng.uuid4("request-id")


def test_hex_has_the_requested_length() -> None:
    rng = Rng(9)
    for length in (1, 8, 32, 40):
        value = rng.hex("h", length)
        assert re.fullmatch(f"[0-9a-f]{{{length}}}", value), value
    assert Rng(9).hex("h", 16) == Rng(9).hex("h", 16)
