"""Which interpreter runs a runtime: the matching version when one really runs, else ours."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from redrive.runtime.interpreters import choose, probe, runtime_version
from tests.runtime.envkit import body, kit, run

OWN = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _script(path: Path, body: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_runtime_names() -> None:
    assert runtime_version("python3.12") == "3.12"
    assert runtime_version("python3.9") == "3.9"
    assert runtime_version("nodejs20.x") is None


def test_probe_runs_the_interpreter_once(tmp_path: Path) -> None:
    assert probe(sys.executable) == OWN
    assert probe(str(tmp_path / "missing")) is None
    broken = _script(tmp_path / "shim" / "python3.12", "echo 'pyenv: not found' >&2; exit 127")
    assert probe(broken) is None
    Path(broken).unlink()
    assert probe(broken) is None  # cached


def test_the_running_interpreter_serves_its_own_version() -> None:
    chosen = choose(f"python{OWN}")
    assert chosen.path == sys.executable and chosen.exact
    assert chosen.label == f"python{OWN} ({sys.executable})"


def test_a_missing_version_falls_back_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "nothing"))
    chosen = choose("python3.77")
    assert chosen.path == sys.executable and not chosen.exact
    assert chosen.label == f"python{OWN} ({sys.executable}, no python3.77 found)"


def test_a_broken_shim_is_skipped_for_a_pyenv_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shim = _script(tmp_path / "shims" / "python3.78", "exit 127")
    older = _script(tmp_path / "pyenv/versions/3.78.1/bin/python3.78", "echo 3.78")
    newer = _script(tmp_path / "pyenv/versions/3.78.10/bin/python3.78", "echo 3.78")
    monkeypatch.setenv("PATH", os.path.dirname(shim) + os.pathsep + os.environ["PATH"])
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    chosen = choose("python3.78")
    assert chosen.path == newer != older
    assert chosen.label == f"python3.78 ({newer})" and chosen.exact


def test_an_explicit_choice_wins(tmp_path: Path) -> None:
    chosen = choose("python3.12", {"python3.12": sys.executable})
    assert chosen.path == sys.executable
    assert chosen.label == f"python{OWN} ({sys.executable})"
    with pytest.raises(FileNotFoundError):
        choose("python3.12", {"python3.12": str(tmp_path / "nope")})


def _other_runtime() -> str | None:
    for minor in (13, 12, 10, 9):
        runtime = f"python3.{minor}"
        if runtime != f"python{OWN}" and choose(runtime).exact:
            return runtime
    return None


def test_a_function_runs_under_its_runtimes_version(tmp_path: Path) -> None:
    runtime = _other_runtime()
    if runtime is None:
        pytest.skip("no other Python version on this machine")

    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                "import sys\ndef handler(e, c):\n    return '%d.%d' % sys.version_info[:2]\n",
                runtime=runtime,
            )
            outcome = await k.invoke(spec)
            assert body(outcome) == runtime.removeprefix("python")
            assert outcome.interpreter == choose(runtime).label

    run(main)
