"""What the two event-source-mapping benches share (sqs_mapping_throughput.py and
stream_mapping_throughput.py): the server, a trivial function, a thin JSON-protocol sender,
CPU accounting from /proc and the ledger check."""

from __future__ import annotations

import collections
import http.client
import io
import json
import os
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serverproc import ServerProcess

from redrive.api import make_client

REGION = "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/bench"
FUNCTION = "noop"


class BenchError(SystemExit):
    """Something the bench did not expect: nothing is measured."""


# -- the server ------------------------------------------------------------------------------


class Server:
    """``redrive serve --clock virtual`` (in memory, or SQLite in a temporary directory) as a
    subprocess on 127.0.0.1, its stderr drained so that the pipe never fills."""

    def __init__(self, store: str) -> None:
        self._dir = tempfile.TemporaryDirectory() if store == "sqlite" else None
        args = ["--clock", "virtual", "--host", "127.0.0.1"]
        args += ["--data-dir", self._dir.name] if self._dir else ["--in-memory"]
        self.proc = ServerProcess(*args)
        self.endpoint_url = self.proc.endpoint_url
        self.pid = self.proc.proc.pid
        self.stderr: collections.deque[str] = collections.deque(maxlen=40)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        pipe = self.proc.proc.stderr
        try:
            for line in pipe or ():
                self.stderr.append(line)
        except (ValueError, OSError):  # the pipe was closed by terminate()
            pass

    def client(self, service: str) -> Any:
        return make_client(self.endpoint_url, service, REGION)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is not None and self.stderr:
            print("server stderr (last lines):\n" + "".join(self.stderr), file=sys.stderr)
        self.proc.terminate()
        if self._dir:
            self._dir.cleanup()


def create_function(server: Server) -> None:
    """A Python function whose handler returns None, invoked once (the fork server for its
    interpreter starts then, not during the measurement)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("noop.py", "def handler(event, context):\n    return None\n")
    lam = server.client("lambda")
    lam.create_function(
        FunctionName=FUNCTION, Runtime="python3.12", Role=ROLE, Handler="noop.handler",
        Code={"ZipFile": buffer.getvalue()}, Timeout=30,
    )
    answer = lam.invoke(FunctionName=FUNCTION, Payload=b"{}")
    if answer.get("FunctionError"):
        raise BenchError(f"the warm-up invoke failed: {answer['Payload'].read()!r}")


def wait_for_state(server: Server, uuid: str, state: str, limit: float = 10.0) -> None:
    """A mapping settles on a scheduler item due at once; wait (bounded) until it has."""
    lam = server.client("lambda")
    deadline = time.monotonic() + limit
    while (got := lam.get_event_source_mapping(UUID=uuid)["State"]) != state:
        if time.monotonic() > deadline:
            raise BenchError(f"mapping {uuid} is {got}, not {state}, after {limit} s")
        time.sleep(0.02)


# -- a thin sender ---------------------------------------------------------------------------


class JsonApi:
    """One keep-alive ``http.client`` connection sending JSON-protocol requests with the
    headers boto3 sent for a first call (``probe``) of the same service: the operation goes in
    ``X-Amz-Target``, the body is the operation's JSON. The signature is that first call's
    (redrive reads only the credential scope). It costs the client far less CPU than boto3,
    which runs on the same two cores as the server and the workers."""

    def __init__(self, endpoint_url: str, service: str, probe: str) -> None:
        client = make_client(endpoint_url, service, REGION)
        captured: dict[str, Any] = {}

        def capture(request: Any, **_: Any) -> None:
            captured.update(url=request.url, headers=dict(request.headers))

        client.meta.events.register(f"before-send.{service}", capture)
        getattr(client, probe)()
        url = urlsplit(captured["url"])
        self.path = url.path or "/"
        self.headers = {
            k: v.decode() if isinstance(v, bytes) else v
            for k, v in captured["headers"].items() if k.lower() != "content-length"
        }
        self.prefix = self.headers["X-Amz-Target"].rsplit(".", 1)[0]
        self.conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=120)

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        headers = {**self.headers, "X-Amz-Target": f"{self.prefix}.{operation}"}
        self.conn.request("POST", self.path, json.dumps(params).encode(), headers)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise BenchError(f"{operation} answered {response.status}: {body[:500]!r}")
        answer: dict[str, Any] = json.loads(body)
        return answer

    def close(self) -> None:
        self.conn.close()


class Background(threading.Thread):
    """Runs ``work`` in a thread and keeps what it raised, for :meth:`check` to raise again."""

    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as exc:
            self.error = exc

    def check(self) -> None:
        if self.error is not None:
            raise self.error


# -- CPU -------------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a live process, None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_process(root: int) -> dict[int, float]:
    """CPU seconds so far of ``root`` and each of its live descendants (the fork server and
    the workers it forked), by pid."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            stats[int(entry)] = stat
    children: dict[int, list[int]] = collections.defaultdict(list)
    for pid, (ppid, _) in stats.items():
        children[ppid].append(pid)
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            found[pid] = stats[pid][1]
            todo.extend(children[pid])
    return found


class CpuMeter:
    """CPU used between :meth:`start` and :meth:`stop` by the server process (all threads),
    by its descendants (workers that ended meanwhile are not counted) and by this process."""

    def __init__(self, server_pid: int) -> None:
        self.pid = server_pid
        self.before: dict[int, float] = {}
        self.client_before = 0.0
        self.figures: dict[str, float] = {}

    def start(self) -> None:
        self.before = cpu_by_process(self.pid)
        self.client_before = time.process_time()

    def stop(self) -> dict[str, float]:
        after = cpu_by_process(self.pid)
        server = after.get(self.pid, 0.0) - self.before.get(self.pid, 0.0)
        workers = sum(cpu - self.before.get(pid, 0.0) for pid, cpu in after.items()
                      if pid != self.pid)
        self.figures = {"server": server, "workers": workers,
                        "client": time.process_time() - self.client_before}
        return self.figures


# -- the ledger ------------------------------------------------------------------------------


def mapping_entries(server: Server, uuid: str) -> list[dict[str, Any]]:
    """The function's ledger entries written by mapping ``uuid``."""
    status, body = server.proc.control("GET", f"/_redrive/ledger?function={FUNCTION}")
    if status != 200:
        raise BenchError(f"GET /_redrive/ledger answered {status}: {body}")
    return [e for e in body["attempts"] if e.get("mapping") == uuid]


def check_entries(entries: list[dict[str, Any]]) -> dict[str, int]:
    """Every entry a successful invocation; how many, and in how many environments (cold)."""
    bad = [e for e in entries if e["outcome"] != "success"]
    if bad:
        kinds = collections.Counter(f"{e['outcome']} ({e.get('error_type')})" for e in bad)
        first = {k: v for k, v in bad[0].items() if not isinstance(v, list)}
        raise BenchError(f"the mapping's ledger has entries that are not successes: "
                         f"{dict(kinds)}; the first: {first}")
    return {
        "invocations": len(entries),
        "environments": len({e["environment"] for e in entries}),
        "cold_starts": sum(1 for e in entries if e.get("cold")),
    }
