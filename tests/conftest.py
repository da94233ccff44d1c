"""Shared fixtures: an in-process cloud and a `redrive serve` subprocess."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redrive import Cloud
from tests.serverproc import ServerProcess


@pytest.fixture
def cloud() -> Iterator[Cloud]:
    """A fresh in-process redrive: virtual clock, in memory, seed 0."""
    with Cloud(clock="virtual", seed=0) as running:
        yield running


@pytest.fixture(scope="session")
def server() -> Iterator[ServerProcess]:
    """One `redrive serve --in-memory --clock virtual` for the session; use unique names."""
    proc = ServerProcess("--in-memory", "--clock", "virtual")
    yield proc
    proc.terminate()
