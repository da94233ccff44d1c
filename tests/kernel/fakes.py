"""Test doubles shared by the kernel tests."""

from __future__ import annotations

T0 = 1_700_000_000.0


class FakeReal:
    """A real-time source the test moves by hand (stands in for time.monotonic)."""

    def __init__(self, t: float = 500.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t
