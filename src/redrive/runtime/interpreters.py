"""Which Python runs a function: one of the runtime's version if this machine has one.

For ``python3.X`` the candidates are, in order: an explicit choice passed to the runtime, the
interpreter running redrive when it is 3.X (it has redrive's environment, boto3 included),
``python3.X`` on ``PATH``, ``/usr/local/bin`` and ``/usr/bin``, then pyenv's
``~/.pyenv/versions/3.X*/bin/python3.X`` (newest first). A candidate counts only when it
really runs and says it is 3.X: ``python3.X`` on ``PATH`` may be a pyenv shim that fails.
Probes are cached per path for the life of the process.

Without any, the interpreter running redrive is used and the choice says so, e.g.
``python3.11 (/usr/bin/python3, no python3.12 found)``.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_RUNTIME = re.compile(r"^python(3\.\d+)$")
_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"
_PROBE_TIMEOUT_S = 10.0

_probes: dict[str, str | None] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Interpreter:
    """An interpreter chosen for a runtime."""

    path: str
    version: str  # "3.12"
    label: str  # what Outcome.interpreter says
    exact: bool = True  # False when the runtime's version was not found


def runtime_version(runtime: str) -> str | None:
    """``"3.12"`` for ``"python3.12"``; None for anything that is not a Python runtime."""
    match = _RUNTIME.match(runtime)
    return match.group(1) if match else None


def probe(path: str) -> str | None:
    """The ``major.minor`` version ``path`` reports, or None if it does not run (cached)."""
    with _lock:
        if path in _probes:
            return _probes[path]
    version: str | None = None
    try:
        result = subprocess.run(
            [path, "-I", "-S", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode == 0:
            version = result.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        version = None
    with _lock:
        _probes[path] = version
    return version


def _own_version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _candidates(version: str) -> list[str]:
    name = f"python{version}"
    found: list[str] = []
    if _own_version() == version and sys.executable:
        found.append(sys.executable)
    on_path = shutil.which(name)
    if on_path:
        found.append(on_path)
    found.extend(f"{prefix}/{name}" for prefix in ("/usr/local/bin", "/usr/bin"))
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    pattern = os.path.join(pyenv_root, "versions", f"{version}*", "bin", name)
    found.extend(sorted(glob.glob(pattern), key=_version_key, reverse=True))
    unique: list[str] = []
    for path in found:
        if path not in unique and os.access(path, os.X_OK):
            unique.append(path)
    return unique


def _version_key(path: str) -> tuple[int, ...]:
    folder = Path(path).parent.parent.name  # ~/.pyenv/versions/<3.12.1>/bin/python3.12
    return tuple(int(part) for part in re.findall(r"\d+", folder))


def choose(runtime: str, overrides: Mapping[str, str] | None = None) -> Interpreter:
    """The interpreter for ``runtime`` (see the module docstring)."""
    own = _own_version()
    fallback = sys.executable or "python3"
    version = runtime_version(runtime)
    if overrides and runtime in overrides:
        path = overrides[runtime]
        got = probe(path)
        if got is None:
            raise FileNotFoundError(f"the interpreter set for {runtime} does not run: {path}")
        return Interpreter(path, got, f"python{got} ({path})")
    if version is None:
        return Interpreter(
            fallback, own, f"python{own} ({fallback}, {runtime} is not Python)", exact=False
        )
    for path in _candidates(version):
        if probe(path) == version:
            return Interpreter(path, version, f"python{version} ({path})")
    return Interpreter(
        fallback, own, f"python{own} ({fallback}, no python{version} found)", exact=False
    )
