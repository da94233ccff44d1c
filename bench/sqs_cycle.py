"""SQS send → receive → delete cycles per second, redrive against moto, at two queue depths.

    pip install -e '.[bench]'      # moto[server], only for this comparison
    python bench/sqs_cycle.py [--depth N] [--cycles N] [--store sqlite] [--cpus any|one]
                              [--rounds N] [--moto-fill dead-letter|batch] [--fill-limit S]
                              [--no-moto]

Both servers run as their own processes on 127.0.0.1 (`redrive serve` on the virtual clock,
in memory unless ``--store sqlite``; `python -m moto.server`), each driven by one client at a
time over one keep-alive connection (moto's werkzeug server closes the connection after every
answer, so against moto both clients reconnect for each request). One cycle is SendMessage,
ReceiveMessage (1 message) and DeleteMessage of what was received. The empty queue is
measured in ``--rounds`` rounds (5) that take turns: moto, then redrive, round after round,
each round a fifth of ``--cycles`` and of ``--time-limit``; a server's figure is its median
round. This machine's speed drifts by ±20 % over minutes, and moto's cost is all CPU, so a
ratio taken minutes apart measured the drift as much as the servers. The deep queues are
filled and measured one server after the other. Two clients, two rows:

* ``boto3``: a boto3 client, as users run it (signing, serializing, parsing: about 1 ms per
  call on the project's machine, which hides most of a server's own cost);
* ``thin``: :class:`ThinSqs`, a plain socket (:class:`_RawHttp`) sending what boto3 sends for
  SQS's JSON
  protocol (``POST /``, ``Content-Type: application/x-amz-json-1.0``, ``X-Amz-Target:
  AmazonSQS.<Operation>``, ``x-amzn-query-mode``, ``X-Amz-Date``, a SigV4 ``Authorization``
  header, ``amz-sdk-request`` and a fresh ``amz-sdk-invocation-id``, a boto3-shaped
  ``User-Agent``, a JSON body, after ``Host``, ``Accept-Encoding: identity`` and
  ``Content-Length`` as urllib3 sends them under boto3) for the cost of little more than the
  HTTP round trip (it reads answers by ``Content-Length``; ``http.client``, which parses
  response headers with the ``email`` package, cost 0.6 ms of CPU per cycle on its own).
  Its ``Authorization`` header is syntactically valid SigV4 with a fixed signature, computed
  once, not per request: neither server verifies signatures (redrive reads only the
  credential scope, for access key, region and service; moto reads the scope to pick the
  service and checks signatures only with its IAM authentication turned on, which is off by
  default). Both servers answer it exactly as they answer boto3.

Every answer is checked, so that the bench cannot measure errors: status 200, SendMessage's
MD5OfMessageBody, exactly one message per receive whose body is one the bench sent to that
queue and not yet received (on the empty queue: the one just sent) and whose MD5OfBody
matches, DeleteMessage's 200. A failed check stops the bench.

Depths: the empty queue, and a queue filled with ``--depth`` messages first (the cycles keep
its depth constant: each one sends one message and deletes one). redrive is filled with
SendMessageBatch. moto's SendMessage costs O(depth) (every send reads ``Queue.attributes``,
which counts the queue's messages in three passes, each calling ``unix_time_millis()`` per
message), so filling it with SendMessageBatch is O(depth²): about 8,000 messages in ten
minutes on the project's machine. ``--moto-fill dead-letter`` (the default) fills moto through
its HTTP API in O(1) per message instead: the deep queue is the dead-letter queue
(``maxReceiveCount`` 1) of a feed queue that never holds more than 20 messages; each round
sends 10 messages to the feed and receives 10 with ``VisibilityTimeout=0``, and that receive
moves the previous round's 10 (received once already) to the deep queue, as SQS's redrive
policy does. The deep queue then holds ordinary visible messages. ``--moto-fill batch``
fills moto like redrive, bounded by ``--fill-limit``.

Placement (``--cpus``): by default the operating system places the server and the client
(``any``). On a virtual machine that leaves them on two virtual CPUs, and every request then
wakes an idle CPU twice (the server's, then the client's): on the project's 2-core machine
that wake-up costs each side about 50 µs of its own CPU time per request (a ``GET
/_redrive/health`` takes 0.08 ms of server CPU across two CPUs and 0.03 ms on one), which is
a property of the machine, not of either server. ``--cpus one`` pins the server process
(every thread) and the client to the same CPU, for both servers alike, so the figures are the
servers' own work; moto, whose requests cost milliseconds of CPU, is barely affected.

Every loop is bounded in count and in time (``--time-limit`` seconds per measurement,
``--fill-limit`` per fill). A server that does not reach ``--depth`` within the fill limit is
measured at the depth it reached; redrive is then measured at that depth too (before it is
filled further), and a ratio is printed only for a depth both servers were measured at.

Prints a table (cycles/s, and CPU ms per cycle: the server process's from /proc, all its
threads, and the client's own), then as its last line one JSON object: ``depth_reached`` per
server, ``cycles_per_s[client][depth]`` with ``redrive``, ``moto`` and ``ratio`` (absent
where a side has no figure), ``cpu_ms_per_cycle`` likewise, ``target_met`` per client, the
fill rates and the floors (redrive's ``GET /_redrive/health`` and each server's GetQueueUrl,
over the thin client).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serverproc import ServerProcess

from redrive.api import make_client

REGION = "us-east-1"
ACCESS_KEY_ID = "redrive"
#: the target: redrive at least this many times moto's cycles per second, at every depth
TARGET_RATIO = 10.0
#: "flat with depth": the deep queue's cycles/s at least this share of the empty queue's
#: (the machine's run-to-run noise is about ±15 %)
FLAT_SHARE = 0.85


class BenchError(SystemExit):
    """A server answered something the bench did not expect: nothing is measured."""


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- clients -------------------------------------------------------------------------------


class Client(Protocol):
    name: str

    def create_queue(self, name: str, attributes: dict[str, str] | None = None) -> str: ...
    def queue_url(self, name: str) -> str: ...
    def depth(self, url: str) -> int: ...
    def send(self, url: str, body: str) -> None: ...
    def send_batch(self, url: str, bodies: list[str]) -> None: ...
    def receive(self, url: str, max_messages: int = 1, visibility: int | None = None
                ) -> list[tuple[str, str]]: ...
    def delete(self, url: str, handle: str) -> None: ...


def _check_sent(body: str, answer: dict[str, Any]) -> None:
    if not answer.get("MessageId") or answer.get("MD5OfMessageBody") != md5(body):
        raise BenchError(f"unexpected send answer for {body!r}: {answer}")


def _checked_messages(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for message in messages:
        body = message.get("Body")
        if not isinstance(body, str) or message.get("MD5OfBody") != md5(body):
            raise BenchError(f"received a message whose MD5OfBody does not match: {message}")
        found.append((body, str(message["ReceiptHandle"])))
    return found


class _RawHttp:
    """HTTP/1.1 over one keep-alive socket with TCP_NODELAY (as urllib3 under boto3 sets it),
    written for the bench: the request goes out as one prepared write, the answer is read by
    ``Content-Length`` (or to the end of a connection the server closes). A server that closes
    the connection after answering (moto) gets a new one for the next request; a request
    whose connection turns out closed before any answer is sent once more on a new one, as
    urllib3 does."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.host = f"{host}:{port}".encode()
        self.sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=120)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def request(self, method: str, path: str, headers: bytes, body: bytes = b""
                ) -> tuple[int, bytes]:
        """``headers``: the request's own header lines, each ending in CRLF. Adds ``Host``,
        ``Accept-Encoding: identity`` and ``Content-Length`` first, as ``http.client`` does."""
        data = b"%s %s HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n" % (
            method.encode(), path.encode(), self.host)
        if body or method == "POST":
            data += b"Content-Length: %d\r\n" % len(body)
        data += headers + b"\r\n" + body
        reused = self.sock is not None
        try:
            return self._exchange(data)
        except (BrokenPipeError, ConnectionResetError, _ClosedBeforeAnswer):
            if not reused:
                raise
            self.close()  # the server closed the idle keep-alive connection: once more
            return self._exchange(data)

    def _exchange(self, data: bytes) -> tuple[int, bytes]:
        sock = self.sock or self._connect()
        sock.sendall(data)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                self.close()
                if buffer:
                    raise BenchError(f"connection closed mid-answer: {buffer[:300]!r}")
                raise _ClosedBeforeAnswer
            buffer += chunk
        head, _, body = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        closing = fields.get(b"connection", b"").lower() == b"close"
        if b"transfer-encoding" in fields:
            raise BenchError(f"unexpected Transfer-Encoding in {head[:300]!r}")
        if b"content-length" in fields:
            length = int(fields[b"content-length"])
            while len(body) < length:
                chunk = sock.recv(max(65536, length - len(body)))
                if not chunk:
                    raise BenchError("connection closed mid-body")
                body += chunk
        else:
            closing = True
            while chunk := sock.recv(65536):
                body += chunk
        if closing:
            self.close()
        return status, body


class _ClosedBeforeAnswer(ConnectionError):
    """The connection ended before any byte of the answer."""


class ThinSqs:
    """SQS's JSON protocol over one keep-alive connection (:class:`_RawHttp`; see the module
    docstring for what it sends and why the signature is fixed)."""

    name = "thin"
    #: boto3's SignedHeaders for SQS's JSON protocol
    SIGNED = "content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode"

    def __init__(self, endpoint_url: str) -> None:
        parts = urlsplit(endpoint_url)
        assert parts.hostname is not None and parts.port is not None
        self.http = _RawHttp(parts.hostname, parts.port)
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        scope = f"{ACCESS_KEY_ID}/{amz_date[:8]}/{REGION}/sqs/aws4_request"
        signature = hashlib.sha256(b"fixed, not verified by either server").hexdigest()
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "x-amzn-query-mode": "true",
            "User-Agent": "Boto3/1.40 md/Botocore#1.40 ua/2.1 lang/python (sqs_cycle thin)",
            "X-Amz-Date": amz_date,
            "Authorization": (
                f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders={self.SIGNED}, "
                f"Signature={signature}"
            ),
            "amz-sdk-request": "attempt=1",
        }
        self.fixed_headers = "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(params).encode()
        status, data = self.http.request("POST", "/", (
            f"X-Amz-Target: AmazonSQS.{operation}\r\n{self.fixed_headers}"
            f"amz-sdk-invocation-id: {uuid.uuid4()}\r\n"
        ).encode(), body)
        if status != 200:
            raise BenchError(f"{operation}: HTTP {status} {data[:300]!r}")
        answer: dict[str, Any] = json.loads(data) if data.strip() else {}
        return answer

    def get(self, path: str) -> bytes:
        status, data = self.http.request("GET", path, b"")
        if status != 200:
            raise BenchError(f"GET {path}: HTTP {status} {data[:300]!r}")
        return data

    def create_queue(self, name: str, attributes: dict[str, str] | None = None) -> str:
        params: dict[str, Any] = {"QueueName": name}
        if attributes:
            params["Attributes"] = attributes
        return str(self.call("CreateQueue", params)["QueueUrl"])

    def queue_url(self, name: str) -> str:
        return str(self.call("GetQueueUrl", {"QueueName": name})["QueueUrl"])

    def depth(self, url: str) -> int:
        answer = self.call("GetQueueAttributes", {
            "QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages"],
        })
        return int(answer["Attributes"]["ApproximateNumberOfMessages"])

    def send(self, url: str, body: str) -> None:
        _check_sent(body, self.call("SendMessage", {"QueueUrl": url, "MessageBody": body}))

    def send_batch(self, url: str, bodies: list[str]) -> None:
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies)]
        answer = self.call("SendMessageBatch", {"QueueUrl": url, "Entries": entries})
        _check_batch(bodies, answer)

    def receive(self, url: str, max_messages: int = 1, visibility: int | None = None
                ) -> list[tuple[str, str]]:
        params: dict[str, Any] = {"QueueUrl": url, "MaxNumberOfMessages": max_messages}
        if visibility is not None:
            params["VisibilityTimeout"] = visibility
        return _checked_messages(self.call("ReceiveMessage", params).get("Messages", []))

    def delete(self, url: str, handle: str) -> None:
        self.call("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": handle})


def _check_batch(bodies: list[str], answer: dict[str, Any]) -> None:
    ok = {str(e["Id"]): e for e in answer.get("Successful", [])}
    if answer.get("Failed") or len(ok) != len(bodies) or any(
        ok[str(i)].get("MD5OfMessageBody") != md5(body) for i, body in enumerate(bodies)
    ):
        raise BenchError(f"SendMessageBatch did not take every message: {answer}")


class Boto3Sqs:
    """The same calls through a boto3 client (boto3 raises on any error status)."""

    name = "boto3"

    def __init__(self, endpoint_url: str) -> None:
        self.sqs = make_client(endpoint_url, "sqs", REGION, aws_access_key_id=ACCESS_KEY_ID)

    def create_queue(self, name: str, attributes: dict[str, str] | None = None) -> str:
        return str(self.sqs.create_queue(QueueName=name, Attributes=attributes or {})["QueueUrl"])

    def queue_url(self, name: str) -> str:
        return str(self.sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def depth(self, url: str) -> int:
        answer = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )
        return int(answer["Attributes"]["ApproximateNumberOfMessages"])

    def send(self, url: str, body: str) -> None:
        _check_sent(body, self.sqs.send_message(QueueUrl=url, MessageBody=body))

    def send_batch(self, url: str, bodies: list[str]) -> None:
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies)]
        _check_batch(bodies, self.sqs.send_message_batch(QueueUrl=url, Entries=entries))

    def receive(self, url: str, max_messages: int = 1, visibility: int | None = None
                ) -> list[tuple[str, str]]:
        params: dict[str, Any] = {"QueueUrl": url, "MaxNumberOfMessages": max_messages}
        if visibility is not None:
            params["VisibilityTimeout"] = visibility
        return _checked_messages(self.sqs.receive_message(**params).get("Messages", []))

    def delete(self, url: str, handle: str) -> None:
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)


# -- servers -------------------------------------------------------------------------------


def share_one_cpu(pids: list[int]) -> Callable[[], None]:
    """Pin the processes ``pids`` (every thread) and this process to one CPU; returns the
    undo for this process (``--cpus one``, see the module docstring)."""
    mine = os.sched_getaffinity(0)
    cpu = {min(mine)}
    for pid in pids:
        for task in os.listdir(f"/proc/{pid}/task"):
            os.sched_setaffinity(int(task), cpu)
    os.sched_setaffinity(0, cpu)
    return lambda: os.sched_setaffinity(0, mine)


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server(Protocol):
    name: str
    endpoint_url: str
    pid: int

    def stop(self) -> None: ...


class Redrive:
    """`redrive serve --port 0 --clock virtual` (in memory, or SQLite in a temporary dir)."""

    name = "redrive"

    def __init__(self, store: str) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="redrive-bench-")
        flags = ["--clock", "virtual"]
        flags += ["--data-dir", self._dir.name] if store == "sqlite" else ["--in-memory"]
        self._server = ServerProcess(*flags)
        self.endpoint_url = self._server.endpoint_url
        self.pid = self._server.proc.pid

    def stop(self) -> None:
        try:
            self._server.terminate()
        finally:
            self._dir.cleanup()


class Moto:
    """`python -m moto.server` on a free loopback port."""

    name = "moto"

    def __init__(self) -> None:
        port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pid = self.proc.pid
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.endpoint_url + "/moto-api/", timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("moto server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)


# -- measuring -----------------------------------------------------------------------------


class Queue:
    """A queue and the bodies sent to it that nobody has received yet."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.outstanding: set[str] = set()

    def took(self, body: str) -> None:
        if body not in self.outstanding:
            raise BenchError(f"received {body!r}, which was not sent to {self.url} or was "
                             "received before")
        self.outstanding.discard(body)


def cycles(client: Client, queue: Queue, n: int, limit: float, pid: int, tag: str
           ) -> dict[str, float]:
    """Up to ``n`` cycles (and ``limit`` seconds): cycles/s, and the server's and this
    client's CPU per cycle."""
    cpu0 = cpu_seconds(pid)
    client0 = time.process_time()
    start = time.perf_counter()
    done = 0
    while done < n and time.perf_counter() - start < limit:
        body = f"{tag} {done}"
        client.send(queue.url, body)
        queue.outstanding.add(body)
        received = client.receive(queue.url)
        if len(received) != 1:
            raise BenchError(f"expected one message from {queue.url}, got {len(received)}")
        [(got, handle)] = received
        queue.took(got)
        client.delete(queue.url, handle)
        done += 1
    elapsed = time.perf_counter() - start
    client_cpu = time.process_time() - client0
    cpu = cpu_seconds(pid) - cpu0
    return {"per_s": done / elapsed, "cycles": done, "server_cpu_ms": 1000 * cpu / done,
            "client_cpu_ms": 1000 * client_cpu / done}


def fill_batch(client: Client, queue: Queue, depth: int, deadline: float) -> None:
    """SendMessageBatch until ``depth`` messages are queued or ``deadline`` passes."""
    while len(queue.outstanding) < depth and time.monotonic() < deadline:
        first = len(queue.outstanding)
        bodies = [f"filler {i}" for i in range(first, min(first + 10, depth))]
        client.send_batch(queue.url, bodies)
        queue.outstanding.update(bodies)


def fill_dead_letter(client: Client, feed: Queue, queue: Queue, depth: int,
                     deadline: float) -> None:
    """Fill ``queue`` as the dead-letter queue (maxReceiveCount 1) of ``feed`` (see the
    module docstring) until ``depth`` messages are there or ``deadline`` passes."""
    pending: list[str] = []  # received once from the feed: the next receive moves them
    while time.monotonic() < deadline:
        moved_by_this_round = pending
        first = len(queue.outstanding) + len(pending)
        bodies = [f"filler {i}" for i in range(first, min(first + 10, depth))]
        if bodies:
            client.send_batch(feed.url, bodies)
        received = client.receive(feed.url, max_messages=10, visibility=0)
        if sorted(b for b, _ in received) != sorted(bodies):
            raise BenchError(f"the feed queue gave {[b for b, _ in received]}, not {bodies}")
        queue.outstanding.update(moved_by_this_round)
        pending = bodies
        if not bodies:
            return


def fill(server: Server, client: Client, queues: dict[str, Queue], depth: int, method: str,
         limit: float) -> dict[str, float]:
    """Fill the deep queue up to ``depth`` (within ``limit`` s); checked with
    GetQueueAttributes. Returns the depth reached and the messages per second."""
    deep = queues["deep"]
    before = len(deep.outstanding)
    start = time.monotonic()
    deadline = start + limit
    if method == "dead-letter":
        fill_dead_letter(client, queues["feed"], deep, depth, deadline)
    else:
        fill_batch(client, deep, depth, deadline)
    elapsed = time.monotonic() - start
    reached = client.depth(deep.url)
    if reached != len(deep.outstanding):
        raise BenchError(f"{server.name}: the deep queue holds {reached} messages, the bench "
                         f"sent {len(deep.outstanding)}")
    added = reached - before
    return {"depth": reached, "per_s": added / elapsed if added else 0.0, "seconds": elapsed}


def rate(n: int, limit: float, step: Callable[[], object]) -> float:
    start = time.perf_counter()
    done = 0
    while done < n and time.perf_counter() - start < limit:
        step()
        done += 1
    return done / (time.perf_counter() - start)


class Session:
    """One server under measurement: its clients, queues and figures so far."""

    def __init__(self, server: Server, args: argparse.Namespace, fill_method: str) -> None:
        self.server = server
        self.fill_method = fill_method
        self.thin = ThinSqs(server.endpoint_url)
        self.clients: list[Client] = [Boto3Sqs(server.endpoint_url), self.thin]
        self.queues = {"empty": Queue(self.thin.create_queue("empty")),
                       "deep": Queue(self.thin.create_queue("deep"))}
        if fill_method == "dead-letter":
            arn = self.thin.call("GetQueueAttributes", {
                "QueueUrl": self.queues["deep"].url, "AttributeNames": ["QueueArn"],
            })["Attributes"]["QueueArn"]
            policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 1})
            self.queues["feed"] = Queue(self.thin.create_queue("feed", {"RedrivePolicy": policy}))
        self.result: dict[str, Any] = {"floors": {}, "cycles": {c.name: {} for c in self.clients},
                                       "rounds": {c.name: [] for c in self.clients},
                                       "fills": []}
        for client in self.clients:  # warm-up
            cycles(client, self.queues["empty"], 50, args.time_limit, server.pid,
                   f"warm {client.name}")
        if server.name == "redrive":
            self.result["floors"]["health"] = rate(
                args.cycles, args.time_limit, lambda: self.thin.get("/_redrive/health")
            )
        self.result["floors"]["get_queue_url"] = rate(
            args.cycles, args.time_limit, lambda: self.thin.queue_url("empty")
        )


def measure_empty(sessions: list[Session], args: argparse.Namespace) -> None:
    """The empty queue, in ``args.rounds`` rounds that take turns between the servers, so a
    change in the machine's speed meets both alike; a server's figure is the median round."""
    share = max(1, args.cycles // args.rounds)
    for number in range(args.rounds):
        for session in sessions:
            for client in session.clients:
                figures = cycles(client, session.queues["empty"], share,
                                 args.time_limit / args.rounds, session.server.pid,
                                 f"{client.name} empty {number}")
                session.result["rounds"][client.name].append(figures)
    for session in sessions:
        for client in session.clients:
            rounds = session.result["rounds"][client.name]
            total = sum(r["cycles"] for r in rounds)
            combined = {
                "per_s": statistics.median(r["per_s"] for r in rounds),
                "cycles": total,
                "server_cpu_ms": sum(r["server_cpu_ms"] * r["cycles"] for r in rounds) / total,
                "client_cpu_ms": sum(r["client_cpu_ms"] * r["cycles"] for r in rounds) / total,
            }
            session.result["cycles"][client.name][0] = combined
            show(session.server, client, 0, combined, rounds)


def measure_deep(session: Session, depths: list[int], args: argparse.Namespace) -> None:
    """Both clients' cycles at each of ``depths`` (increasing; the deep queue is filled up to
    each in turn and measured where the fill got)."""
    server, result = session.server, session.result
    for depth in depths:
        filled = fill(server, session.thin, session.queues, depth, session.fill_method,
                      args.fill_limit - sum(f["seconds"] for f in result["fills"]))
        result["fills"].append(filled)
        reached = int(filled["depth"])
        print(f"  {server.name}: filled to {reached} ({filled['per_s']:.0f} messages/s, "
              f"{session.fill_method}, {filled['seconds']:.0f} s)", flush=True)
        for client in session.clients:
            result["cycles"][client.name][reached] = cycles(
                client, session.queues["deep"], args.cycles, args.time_limit, server.pid,
                f"{client.name} deep",
            )
            show(server, client, reached, result["cycles"][client.name][reached])
        if reached < depth:
            break


def show(server: Server, client: Client, depth: int, figures: dict[str, float],
         rounds: list[dict[str, float]] | None = None) -> None:
    each = ""
    if rounds:
        each = " (median of rounds: " + ", ".join(f"{r['per_s']:.1f}" for r in rounds) + ")"
    print(f"  {server.name:>7} {client.name:>5} depth {depth:>7}: {_cell(figures['per_s']):>8} "
          f"cycles/s ({int(figures['cycles'])} cycles), CPU ms/cycle: server "
          f"{figures['server_cpu_ms']:.3f}, client {figures['client_cpu_ms']:.3f}{each}",
          flush=True)


# -- report --------------------------------------------------------------------------------


def report(args: argparse.Namespace, ours: dict[str, Any], theirs: dict[str, Any] | None
           ) -> dict[str, Any]:
    deepest = {"redrive": max(int(f["depth"]) for f in ours["fills"])}
    out: dict[str, Any] = {
        "store": args.store,
        "cpus": args.cpus,
        "target_depth": args.depth,
        "moto_fill": args.moto_fill if theirs else None,
        "depth_reached": deepest,
        "fill_per_s": {"redrive": round(ours["fills"][-1]["per_s"])},
        "floors_req_per_s": {
            "redrive_health": round(ours["floors"]["health"]),
            "redrive_get_queue_url": round(ours["floors"]["get_queue_url"]),
        },
        "cycles_per_s": {},
        "empty_rounds_per_s": {
            client: {
                "redrive": [round(r["per_s"], 1) for r in rounds],
                **({"moto": [round(r["per_s"], 1) for r in theirs["rounds"][client]]}
                   if theirs else {}),
            }
            for client, rounds in ours["rounds"].items()
        },
        "cpu_ms_per_cycle": {},
        "target_met": {},
    }
    if theirs is not None:
        deepest["moto"] = max(int(f["depth"]) for f in theirs["fills"])
        out["fill_per_s"]["moto"] = round(
            deepest["moto"] / sum(f["seconds"] for f in theirs["fills"])
        )
        out["floors_req_per_s"]["moto_get_queue_url"] = round(theirs["floors"]["get_queue_url"])
    print()
    print("cycles/s (send → receive → delete), one client; ratio only where both servers "
          "were measured at that depth")
    print(f"{'client':>6} {'depth':>8} {'redrive':>9} {'moto':>9} {'ratio':>7}   "
          "CPU ms per cycle: redrive server / client, moto server / client")
    for client, by_depth in ours["cycles"].items():
        rows: dict[str, dict[str, float]] = {}
        cpu: dict[str, dict[str, float]] = {}
        depths = sorted(set(by_depth) | set(theirs["cycles"][client] if theirs else ()))
        for depth in depths:
            mine = by_depth.get(depth)
            other = theirs["cycles"][client].get(depth) if theirs else None
            row: dict[str, float] = {}
            cpu_row: dict[str, float] = {}
            if mine:
                row["redrive"] = round(mine["per_s"], 3)
                row["redrive_cycles"] = int(mine["cycles"])
                cpu_row["redrive"] = round(mine["server_cpu_ms"], 3)
                cpu_row["redrive_client"] = round(mine["client_cpu_ms"], 3)
            if other:
                row["moto"] = round(other["per_s"], 3)
                row["moto_cycles"] = int(other["cycles"])
                cpu_row["moto"] = round(other["server_cpu_ms"], 3)
                cpu_row["moto_client"] = round(other["client_cpu_ms"], 3)
            if mine and other:
                row["ratio"] = round(mine["per_s"] / other["per_s"], 1)
            rows[str(depth)] = row
            cpu[str(depth)] = cpu_row
            print(f"{client:>6} {depth:>8} {_cell(row.get('redrive')):>9} "
                  f"{_cell(row.get('moto')):>9} {_cell(row.get('ratio')):>7}   "
                  f"{_cell(cpu_row.get('redrive'), 3):>8} / "
                  f"{_cell(cpu_row.get('redrive_client'), 3):<8}"
                  f"{_cell(cpu_row.get('moto'), 3):>9} / {_cell(cpu_row.get('moto_client'), 3)}")
        out["cycles_per_s"][client] = rows
        out["cpu_ms_per_cycle"][client] = cpu
        ratios = [r["ratio"] for r in rows.values() if "ratio" in r]
        deep = max(by_depth)
        flat = by_depth[deep]["per_s"] / by_depth[0]["per_s"]
        out["target_met"][client] = {
            "ratio_at_least_10_at_every_measured_depth": (
                min(ratios) >= TARGET_RATIO if ratios else None
            ),
            "redrive_deepest_over_empty": round(flat, 2),
            "flat": flat >= FLAT_SHARE,
        }
    print()
    print(f"depth reached: {deepest}   fill messages/s: {out['fill_per_s']}")
    print(f"floors (requests/s, thin client): {out['floors_req_per_s']}")
    return out


def _cell(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if digits == 1 and 0 < abs(value) < 1:
        return f"{value:.3g}"
    return f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=100_000)
    parser.add_argument("--cycles", type=int, default=3000,
                        help="most cycles per measurement (and floor requests)")
    parser.add_argument("--time-limit", type=float, default=20.0,
                        help="most seconds per measurement")
    parser.add_argument("--fill-limit", type=float, default=600.0,
                        help="most seconds to fill each server's deep queue")
    parser.add_argument("--store", choices=["memory", "sqlite"], default="memory")
    parser.add_argument("--moto-fill", choices=["dead-letter", "batch"], default="dead-letter")
    parser.add_argument("--no-moto", action="store_true", help="measure redrive alone")
    parser.add_argument("--rounds", type=int, default=5,
                        help="turns each server takes on the empty queue (median reported)")
    parser.add_argument("--cpus", choices=["any", "one"], default="any",
                        help="where the server and the client run: wherever the OS puts them "
                             "(any), or both on one CPU (one)")
    args = parser.parse_args()

    moto = None if args.no_moto else Moto()
    try:
        server = Redrive(args.store)
    except BaseException:
        if moto is not None:
            moto.stop()
        raise
    servers: list[Server] = [s for s in (moto, server) if s is not None]
    unpin = None
    try:
        if args.cpus == "one":
            unpin = share_one_cpu([each.pid for each in servers])
        print(f"both servers: the empty queue in {args.rounds} rounds, taking turns", flush=True)
        theirs_session = None if moto is None else Session(moto, args, args.moto_fill)
        ours_session = Session(server, args, "batch")
        sessions = [s for s in (theirs_session, ours_session) if s is not None]
        measure_empty(sessions, args)
        target = [args.depth]
        if theirs_session is not None and moto is not None:
            print(f"moto: fill with {args.moto_fill}, up to {args.depth} messages "
                  f"within {args.fill_limit:.0f} s", flush=True)
            measure_deep(theirs_session, [args.depth], args)
            moto.stop()
            moto = None
            reached = max(int(f["depth"]) for f in theirs_session.result["fills"])
            if 0 < reached < args.depth:
                target = [reached, args.depth]  # redrive at moto's depth too, for a fair ratio
        print(f"redrive ({args.store}): fill with SendMessageBatch to {target}", flush=True)
        measure_deep(ours_session, target, args)
    finally:
        if moto is not None:
            moto.stop()
        server.stop()
        if unpin is not None:
            unpin()
    ours = ours_session.result
    theirs = None if theirs_session is None else theirs_session.result
    print(json.dumps(report(args, ours, theirs)))


if __name__ == "__main__":
    main()
