"""A tiny keep-alive HTTP/1.1 client for the Lambda Runtime API on loopback.

Runs inside worker interpreters (Python 3.9+, stdlib only, never imports redrive). It uses the
``_socket`` C module directly because ``http.client`` (and even ``socket``, which pulls in
``enum`` and ``selectors``) costs tens of milliseconds to import, and every cold start pays it.
Requests carry a ``Content-Length``; responses may use ``Content-Length``, chunked transfer
encoding, or end at connection close.
"""

from __future__ import annotations

import _socket

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_MAX_HEAD = 1 << 20


class HttpError(OSError):
    """The connection failed or the server answered something that is not HTTP."""


class Response:
    """Status, headers (names in lower case) and body of one answer."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def __repr__(self) -> str:
        return f"Response({self.status}, {self.headers!r}, {self.body[:200]!r})"


def split_address(address: str) -> tuple[str, int]:
    """``"127.0.0.1:9001"`` → ``("127.0.0.1", 9001)`` (``[::1]:9001`` works too)."""
    host, _, port = address.rpartition(":")
    if not host:
        raise ValueError(f"bad address {address!r}: expected host:port")
    return host.strip("[]"), int(port)


class Connection:
    """One keep-alive connection; reconnects when the server has closed it.

    Not thread-safe: use one per thread.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.sock: _socket.socket | None = None
        self._buf = b""
        self._reused = False

    # -- connection --------------------------------------------------------------------------

    def connect(self) -> _socket.socket:
        if self.sock is not None:
            if not self._dropped(self.sock):
                self._reused = True
                return self.sock
            self.close()
        family = _socket.AF_INET6 if ":" in self.host else _socket.AF_INET
        sock = _socket.socket(family, _socket.SOCK_STREAM)
        try:
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            sock.connect((self.host, self.port))
        except OSError:
            sock.close()
            raise
        self.sock = sock
        self._buf = b""
        self._reused = False
        return sock

    def fileno(self) -> int:
        if self.sock is None:
            raise HttpError("not connected")
        return self.sock.fileno()

    def close(self) -> None:
        sock, self.sock = self.sock, None
        self._buf = b""
        if sock is not None:
            try:
                sock.close()
            except OSError:  # closing a broken socket: nothing left to do
                return

    def _dropped(self, sock: _socket.socket) -> bool:
        """An idle keep-alive socket that is readable has been closed by the server."""
        if self._buf:
            return True
        import select

        try:
            if hasattr(select, "poll"):
                poller = select.poll()
                poller.register(sock.fileno(), select.POLLIN)
                return bool(poller.poll(0))
            readable, _, _ = select.select([sock], [], [], 0)
            return bool(readable)
        except (OSError, ValueError):
            return True

    # -- requests ----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send a request and read its answer; retries once on a connection found closed."""
        for attempt in (1, 2):
            self.send(method, path, body, headers)
            reused = self._reused
            try:
                return self.read_response()
            except StaleConnection:
                self.close()
                if attempt == 2 or not reused:
                    raise HttpError(f"connection closed by {self.host}:{self.port}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def send(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Send a request without waiting for the answer (see :meth:`read_response`)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if body or method != "GET":
            lines.append(f"Content-Length: {len(body)}")
        if headers:
            lines.extend(f"{name}: {value}" for name, value in headers.items())
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        for attempt in (1, 2):
            sock = self.connect()
            try:
                sock.sendall(head + body if len(body) < 65536 else head)
                if len(body) >= 65536:
                    sock.sendall(body)
                return
            except OSError:
                self.close()
                if attempt == 2 or not self._reused:
                    raise

    def read_response(self) -> Response:
        """Read one answer from the connection."""
        head = self._read_head()
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            self.close()
            raise HttpError(f"bad status line {lines[0]!r}")
        try:
            status = int(parts[1])
        except ValueError:
            self.close()
            raise HttpError(f"bad status line {lines[0]!r}") from None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        keep_alive = parts[0] != "HTTP/1.0"
        connection = headers.get("connection", "").lower()
        if connection == "close":
            keep_alive = False
        elif connection == "keep-alive":
            keep_alive = True
        if status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked()
        elif "content-length" in headers:
            body = self._read_exact(int(headers["content-length"]))
        else:
            body = self._read_to_close()
            keep_alive = False
        if not keep_alive:
            self.close()
        return Response(status, headers, body)

    # -- reading -----------------------------------------------------------------------------

    def _recv(self) -> bytes:
        if self.sock is None:
            raise HttpError("not connected")
        try:
            return self.sock.recv(65536)
        except OSError:
            self.close()
            raise

    def _read_head(self) -> bytes:
        first = True
        while True:
            end = self._buf.find(b"\r\n\r\n")
            if end >= 0:
                head, self._buf = self._buf[:end], self._buf[end + 4 :]
                return head
            if len(self._buf) > _MAX_HEAD:
                self.close()
                raise HttpError("response head too large")
            try:
                data = self._recv()
            except ConnectionResetError:
                if first and not self._buf:
                    raise StaleConnection from None
                raise
            if not data:
                if first and not self._buf:
                    raise StaleConnection
                self.close()
                raise HttpError("connection closed in the middle of a response")
            first = False
            self._buf += data

    def _read_exact(self, n: int) -> bytes:
        while len(self._buf) < n:
            data = self._recv()
            if not data:
                self.close()
                raise HttpError("connection closed in the middle of a response body")
            self._buf += data
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def _read_line(self) -> bytes:
        while True:
            end = self._buf.find(b"\r\n")
            if end >= 0:
                line, self._buf = self._buf[:end], self._buf[end + 2 :]
                return line
            data = self._recv()
            if not data:
                self.close()
                raise HttpError("connection closed in the middle of a chunked body")
            self._buf += data

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self._read_line().split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self._read_line():  # trailers, then the empty line
                    pass
                return b"".join(chunks)
            chunks.append(self._read_exact(size))
            self._read_exact(2)

    def _read_to_close(self) -> bytes:
        chunks = [self._buf]
        self._buf = b""
        while True:
            data = self._recv()
            if not data:
                return b"".join(chunks)
            chunks.append(data)


class StaleConnection(HttpError):
    """The server closed the connection before answering (a keep-alive that timed out)."""
