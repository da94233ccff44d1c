"""Fixtures of the worker tests: a fake Runtime API harness and the interpreters to run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runtime.worker_fakeapi import Harness, interpreter_params


@pytest.fixture(params=interpreter_params())
def python(request: pytest.FixtureRequest) -> str:
    """Each local interpreter the worker must run under (the current one, 3.9 if present)."""
    return str(request.param)


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    """A fake Runtime API with its own clock file, closed after the test."""
    harness = Harness(tmp_path)
    yield harness
    harness.close()
