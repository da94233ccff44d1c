"""redrive.Cloud and the pytest plugin, as a test author uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

import redrive
from redrive import Cloud, ConfigError
from redrive.kernel import ClockModeError


def test_cloud_serves_on_loopback_and_advances_exactly() -> None:
    with Cloud() as cloud:
        assert cloud.endpoint_url.startswith("http://127.0.0.1:")
        assert cloud.clock_mode == "virtual"
        start = cloud.now()
        assert cloud.now() == start
        assert cloud.advance(6 * 3600) == start + 6 * 3600
        assert cloud.now() == start + 6 * 3600


def test_cloud_clients_talk_to_the_cloud(cloud: Cloud) -> None:
    logs = cloud.client("logs")
    logs.create_log_group(logGroupName="/api/test")
    names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert names == ["/api/test"]
    assert logs.meta.region_name == "us-east-1"
    assert logs.meta.endpoint_url == cloud.endpoint_url


def test_wall_clock_cloud_refuses_advance() -> None:
    with Cloud(clock="wall", time_scale=10) as cloud:
        assert cloud.clock_mode == "wall"
        with pytest.raises(ClockModeError):
            cloud.advance(1)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ConfigError):
        Cloud(clock="sundial").start()
    with pytest.raises(ConfigError):
        Cloud(clock="wall", time_scale=0).start()
    with pytest.raises(ConfigError):
        Cloud(clock="virtual", time_scale=60).start()


def test_unstarted_cloud_says_so() -> None:
    with pytest.raises(ConfigError, match="not started"):
        Cloud().now()


def test_data_dir_keeps_state_between_clouds(tmp_path: Path) -> None:
    with Cloud(data_dir=tmp_path) as cloud:
        cloud.client("logs").create_log_group(logGroupName="/kept")
    assert (tmp_path / "redrive.sqlite3").exists()
    with Cloud(data_dir=tmp_path) as cloud:
        groups = cloud.client("logs").describe_log_groups()["logGroups"]
        assert [g["logGroupName"] for g in groups] == ["/kept"]


def test_plugin_fixture_gives_a_virtual_in_memory_cloud(redrive_cloud: Cloud) -> None:
    assert isinstance(redrive_cloud, redrive.Cloud)
    assert redrive_cloud.clock_mode == "virtual"
    assert redrive_cloud.engine.platform.store.location == "memory"
    before = redrive_cloud.now()
    redrive_cloud.advance(60)
    assert redrive_cloud.now() == before + 60
