"""A `redrive serve` subprocess, driven the way a user drives it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from redrive.api import make_client

STARTUP_LINE = re.compile(r"redrive listening on (http://\S+) ")


class ServerProcess:
    """Starts ``python -m redrive serve --port 0 ARGS`` and waits for its startup line."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = ["serve", "--port", "0", *args]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "redrive", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        assert self.proc.stdout is not None
        self.startup_line = self.proc.stdout.readline()
        match = STARTUP_LINE.search(self.startup_line)
        if not match:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=10)
            raise RuntimeError(f"redrive serve did not start: {self.startup_line!r} {err}")
        self.endpoint_url = match.group(1)

    def client(self, service_name: str, region_name: str = "us-east-1", **kwargs: Any) -> Any:
        return make_client(self.endpoint_url, service_name, region_name, **kwargs)

    def control(self, method: str, path: str, body: object | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.endpoint_url + path, data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def advance(self, seconds: float) -> float:
        status, body = self.control("POST", "/_redrive/clock/advance", {"seconds": seconds})
        assert status == 200, body
        return float(body["now"])

    def now(self) -> float:
        return float(self.control("GET", "/_redrive/clock")[1]["now"])

    def kill(self) -> None:
        """kill -9: no chance to flush anything."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._close_pipes()

    def terminate(self) -> int:
        """SIGTERM, the graceful stop; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self._close_pipes()
        return code

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


def data_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir()) if data_dir.exists() else []
