"""A worker's output: pipes read without blocking, split into lines, kept within a cap.

The worker writes each log record as one line; a record that spans several lines has its
inner newlines written as ``\\r`` (the Lambda Python runtime does the same for its log sink),
so here a line is split on ``\\n`` and its ``\\r`` become ``\\n`` again. Each line becomes a
:class:`LogLine` whose text ends with ``\\n`` (OBS-13: ``print("x")`` is the event ``x\\n``),
stamped with the emulated time at which the engine read it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import deque
from collections.abc import Callable

from redrive.runtime.constants import LOG_KEEP_BYTES, MAX_LINE_BYTES
from redrive.runtime.types import LogLine

_READ_CHUNK = 65536


class LineSplitter:
    """Turns a byte stream into complete lines; a line longer than the cap is cut."""

    def __init__(self, max_line: int = MAX_LINE_BYTES) -> None:
        self._partial = bytearray()
        self._max = max_line

    def feed(self, data: bytes) -> list[bytes]:
        lines: list[bytes] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            if self._partial:
                self._partial += data[start:end]
                lines.append(bytes(self._partial))
                self._partial.clear()
            else:
                lines.append(data[start:end])
            start = end + 1
        self._partial += data[start:]
        while len(self._partial) >= self._max:
            lines.append(bytes(self._partial[: self._max]))
            del self._partial[: self._max]
        return lines

    def flush(self) -> bytes | None:
        """The incomplete last line, if any (taken out)."""
        if not self._partial:
            return None
        line = bytes(self._partial)
        self._partial.clear()
        return line


def line_text(raw: bytes) -> str:
    """The log event text of one raw line (``\\r`` back to ``\\n``, ending in ``\\n``)."""
    text = raw.decode("utf-8", "replace")
    if text.endswith("\r"):
        text = text[:-1]
    return text.replace("\r", "\n") + "\n"


class LogBuffer:
    """The lines of one invocation, keeping only the most recent ``keep_bytes`` of text."""

    def __init__(self, keep_bytes: int = LOG_KEEP_BYTES) -> None:
        self._keep = keep_bytes
        self._lines: deque[LogLine] = deque()
        self._bytes = 0
        self._dropped_lines = 0
        self._dropped_bytes = 0
        self._first_dropped_ms: int | None = None

    def add(self, line: LogLine) -> None:
        size = len(line.text)
        self._lines.append(line)
        self._bytes += size
        while self._bytes > self._keep and len(self._lines) > 1:
            old = self._lines.popleft()
            self._bytes -= len(old.text)
            self._dropped_lines += 1
            self._dropped_bytes += len(old.text)
            if self._first_dropped_ms is None:
                self._first_dropped_ms = old.timestamp_ms

    @property
    def dropped_lines(self) -> int:
        return self._dropped_lines

    def take(self) -> list[LogLine]:
        """Every kept line, preceded by a note when older ones were dropped; then empty."""
        lines = list(self._lines)
        if self._dropped_lines:
            stamp = self._first_dropped_ms if self._first_dropped_ms is not None else 0
            note = (
                f"REDRIVE: {self._dropped_lines} earlier output lines "
                f"({self._dropped_bytes} characters) were dropped; "
                f"the last {self._keep // 1024} KiB are kept\n"
            )
            lines.insert(0, LogLine(stamp, note))
        self._lines.clear()
        self._bytes = 0
        self._dropped_lines = 0
        self._dropped_bytes = 0
        self._first_dropped_ms = None
        return lines


class PipeReader:
    """Reads one pipe on the event loop, without ever blocking; ``drain`` reads what is there."""

    def __init__(
        self,
        fd: int,
        on_data: Callable[[bytes], None],
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._fd: int | None = fd
        self._on_data = on_data
        self._loop = loop or asyncio.get_running_loop()
        os.set_blocking(fd, False)
        self._loop.add_reader(fd, self._readable)

    @property
    def open(self) -> bool:
        return self._fd is not None

    def _readable(self) -> None:
        self._read_once()

    def _read_once(self) -> int:
        """Read one chunk; the number of bytes, 0 at end of file, -1 when nothing is ready."""
        fd = self._fd
        if fd is None:
            return 0
        try:
            data = os.read(fd, _READ_CHUNK)
        except BlockingIOError:
            return -1
        except OSError:
            data = b""
        if not data:
            self.close()
            return 0
        self._on_data(data)
        return len(data)

    def drain(self, limit: int) -> int:
        """Read what is already in the pipe (at most about ``limit`` bytes); how much."""
        total = 0
        while total < limit:
            got = self._read_once()
            if got <= 0:
                break
            total += got
        return total

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(fd)
            with contextlib.suppress(OSError):
                os.close(fd)
