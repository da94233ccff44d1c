"""pytest plugin, registered through the ``pytest11`` entry point.

Fixtures:

* ``redrive_cloud`` - a fresh :class:`redrive.Cloud` per test: virtual clock, in memory,
  seed 0. Use ``redrive_cloud.client("logs")`` for boto3 clients and
  ``redrive_cloud.advance(seconds)`` to move time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redrive.api import Cloud


@pytest.fixture
def redrive_cloud() -> Iterator[Cloud]:
    with Cloud(clock="virtual", seed=0) as cloud:
        yield cloud
