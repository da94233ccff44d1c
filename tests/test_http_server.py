"""redrive's HTTP/1.1 server: what SDKs, the AWS CLI and curl rely on, over raw sockets against
`redrive serve`, and the server's own rules (order, eager answers, idle close, stopping)
against a test handler."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable

import pytest

from redrive.http_server import HttpServer, start_eagerly
from redrive.server import bind
from redrive.wire.http import HttpRequest, HttpResponse
from tests.serverproc import ServerProcess

# -- against `redrive serve` ------------------------------------------------------------------


def _connect(server: ServerProcess) -> socket.socket:
    host, port = server.endpoint_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def _read_answer(sock: socket.socket, buffer: bytearray) -> tuple[bytes, dict[str, str], bytes]:
    """One response off ``sock`` (``buffer`` keeps what was read past it)."""
    while b"\r\n\r\n" not in buffer:
        data = sock.recv(65536)
        if not data:
            raise AssertionError(f"connection closed mid-answer: {bytes(buffer)!r}")
        buffer += data
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        data = sock.recv(65536)
        if not data:
            raise AssertionError("connection closed mid-body")
        rest += data
    buffer[:] = rest[length:]
    return status_line, headers, rest[:length]


def _closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


SQS_HEADERS = (
    b"Content-Type: application/x-amz-json-1.0\r\n"
    b"X-Amz-Target: AmazonSQS.CreateQueue\r\n"
    b"Authorization: AWS4-HMAC-SHA256 Credential=redrive/20260101/us-east-1/sqs/aws4_request, "
    b"SignedHeaders=host, Signature=00\r\n"
)


def test_keep_alive_pipelined_requests_are_answered_in_order(server: ServerProcess) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"GET /_redrive/health HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /_redrive/clock HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /_redrive/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        buffer = bytearray()
        first = _read_answer(sock, buffer)
        second = _read_answer(sock, buffer)
        third = _read_answer(sock, buffer)
        assert first[0] == b"HTTP/1.1 200 OK"
        assert json.loads(first[2]) == {"status": "ok"}
        assert "now" in json.loads(second[2])
        assert third[0] == b"HTTP/1.1 404 Not Found"
        assert "date" in first[1]
        # still open: a fourth request on the same connection
        sock.sendall(b"GET /_redrive/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_answer(sock, buffer)[0] == b"HTTP/1.1 200 OK"


def test_chunked_body_after_100_continue_reaches_the_service(server: ServerProcess) -> None:
    body = json.dumps({"QueueName": "http-chunked"}).encode()
    with _connect(server) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\n" + SQS_HEADERS
            + b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
        )
        buffer = bytearray()
        while b"\r\n\r\n" not in buffer:
            buffer += sock.recv(1024)
        assert bytes(buffer) == b"HTTP/1.1 100 Continue\r\n\r\n"
        buffer.clear()
        half = len(body) // 2
        for chunk in (body[:half], body[half:]):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        sock.sendall(b"0\r\n\r\n")
        status, headers, answer = _read_answer(sock, buffer)
    assert status == b"HTTP/1.1 200 OK", answer
    assert json.loads(answer)["QueueUrl"].endswith("/http-chunked")
    assert headers["content-type"] == "application/x-amz-json-1.0"


def test_unparseable_request_gets_400_and_the_connection_ends(server: ServerProcess) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /_redrive/health HTTP/1.1\r\nHost: x\r\n\r\nNOT HTTP AT ALL\r\n\r\n")
        buffer = bytearray()
        assert _read_answer(sock, buffer)[0] == b"HTTP/1.1 200 OK"  # the one before it
        status, headers, body = _read_answer(sock, buffer)
        assert status == b"HTTP/1.1 400 Bad Request"
        assert headers["connection"] == "close"
        assert body == b"Invalid HTTP request received."
        assert _closed(sock)


def test_http_1_0_and_connection_close_end_the_connection(server: ServerProcess) -> None:
    for request in (
        b"GET /_redrive/health HTTP/1.0\r\n\r\n",
        b"GET /_redrive/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ):
        with _connect(server) as sock:
            sock.sendall(request)
            status, headers, _ = _read_answer(sock, bytearray())
            assert status == b"HTTP/1.1 200 OK"
            assert headers["connection"] == "close"
            assert _closed(sock)


def test_head_answers_headers_only(server: ServerProcess) -> None:
    with _connect(server) as sock:
        sock.sendall(b"HEAD /_redrive/nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.sendall(b"GET /_redrive/health HTTP/1.1\r\nHost: x\r\n\r\n")
        buffer = bytearray()
        while buffer.count(b"\r\n\r\n") < 2:
            buffer += sock.recv(65536)
        head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 404 Not Found")
        assert b"content-length: " in head and int(head.split(b"content-length: ")[1]) > 0
        assert rest.startswith(b"HTTP/1.1 200 OK")  # no body between the two answers


# -- the server's own rules, with a test handler ----------------------------------------------


def test_start_eagerly_answers_at_once_or_goes_on_as_a_task() -> None:
    async def at_once() -> int:
        return 1

    async def waits(gate: asyncio.Future[int]) -> int:
        return 1 + await gate

    async def main() -> None:
        assert start_eagerly(at_once()) == (1,)
        gate: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = start_eagerly(waits(gate))
        assert isinstance(task, asyncio.Task)
        gate.set_result(41)
        assert await task == 42

        blocked: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        cancelled = start_eagerly(waits(blocked))
        assert isinstance(cancelled, asyncio.Task)
        await asyncio.sleep(0)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        assert blocked.cancelled()

    asyncio.run(main())


async def _serving(
    handler: Callable[[HttpRequest], Awaitable[HttpResponse]], **options: float
) -> tuple[HttpServer, int]:
    async def handle(request: HttpRequest) -> HttpResponse:
        return await handler(request)

    sock = bind("127.0.0.1", 0)
    server = HttpServer(handle, **options)
    await server.start([sock])
    return server, sock.getsockname()[1]


async def _ask(port: int, path: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return reader, writer


async def _body(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    return await reader.readexactly(length)


def test_a_waiting_request_holds_back_only_its_own_connection() -> None:
    async def main() -> None:
        gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        async def handler(request: HttpRequest) -> HttpResponse:
            if request.path == "/wait":
                await gate
            return HttpResponse(200, {}, request.path.encode())

        server, port = await _serving(handler)
        slow_reader, slow_writer = await _ask(port, "/wait")
        slow_writer.write(b"GET /after HTTP/1.1\r\nHost: x\r\n\r\n")  # pipelined behind it
        fast_reader, fast_writer = await _ask(port, "/now")
        assert await _body(fast_reader) == b"/now"
        assert not gate.done()
        gate.set_result(None)
        assert await _body(slow_reader) == b"/wait"
        assert await _body(slow_reader) == b"/after"
        for writer in (slow_writer, fast_writer):
            writer.close()
        await server.stop()

    asyncio.run(main())


def test_idle_connections_close_after_the_idle_timeout() -> None:
    async def main() -> None:
        async def handler(request: HttpRequest) -> HttpResponse:
            return HttpResponse(200, {}, b"ok")

        server, port = await _serving(handler, idle_timeout=0.2)
        reader, writer = await _ask(port, "/")
        assert await _body(reader) == b"ok"
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
        writer.close()
        await server.stop()

    asyncio.run(main())


def test_stopping_lets_requests_in_progress_finish_then_cancels_the_rest() -> None:
    async def main() -> None:
        release: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        never: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        async def handler(request: HttpRequest) -> HttpResponse:
            await (release if request.path == "/finishes" else never)
            return HttpResponse(200, {}, b"done")

        server, port = await _serving(handler, grace=0.3)
        finishing, w1 = await _ask(port, "/finishes")
        hanging, w2 = await _ask(port, "/hangs")
        await asyncio.sleep(0.05)  # both requests reach the server
        stopping = asyncio.ensure_future(server.stop())
        await asyncio.sleep(0.05)
        release.set_result(None)
        assert await _body(finishing) == b"done"
        await stopping
        head = await hanging.read()
        assert head.startswith(b"HTTP/1.1 503 Service Unavailable")
        assert never.cancelled()
        for writer in (w1, w2):
            writer.close()

    asyncio.run(main())
