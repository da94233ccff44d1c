"""The `redrive` command refuses bad flags clearly and changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from redrive.cli import build_parser, default_data_dir


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "redrive", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_match_the_contract() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.clock, args.time_scale, args.seed) == (
        "127.0.0.1", 4566, "wall", 1.0, 0,
    )
    assert args.account_concurrency == 1000
    assert (args.data_dir, args.in_memory) == (None, False)


def test_default_data_dir_follows_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDRIVE_DATA_DIR", str(tmp_path / "x"))
    assert default_data_dir() == tmp_path / "x"
    monkeypatch.delenv("REDRIVE_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_data_dir() == tmp_path / "redrive"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_data_dir() == Path.home() / ".local" / "share" / "redrive"


def test_data_dir_and_in_memory_are_exclusive(tmp_path: Path) -> None:
    result = run("serve", "--in-memory", "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
    assert not (tmp_path / "d").exists()


def test_bad_time_scale_is_refused(tmp_path: Path) -> None:
    result = run("serve", "--time-scale", "0", "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 2
    assert "time-scale must be positive" in result.stderr
    assert not (tmp_path / "d").exists()


def test_bad_clock_is_refused() -> None:
    result = run("serve", "--clock", "sundial")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_port_in_use_is_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--in-memory", "--port", str(port))
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
