"""The shared clock file: how worker processes follow the emulated clock without asking.

A clock file is exactly :data:`SIZE` (40) bytes, the native struct ``"QdddQ"`` (on the
little-endian 64-bit machines redrive runs on, the same bytes as ``"<QdddQ"``):

====== ======== ====================================================================
offset type     meaning
====== ======== ====================================================================
0      uint64   ``seq``: sequence number of a seqlock; odd while a write is under way
8      float64  ``base``: emulated epoch seconds at ``real_base``
16     float64  ``real_base``: seconds of ``CLOCK_MONOTONIC`` as ``time.monotonic()`` reads
                them in any process on the machine
24     float64  ``rate``: emulated seconds per real second (0 while a virtual clock
                stands still)
32     uint64   ``check``: ``zlib.crc32`` of bytes 8-31 (the three floats)
====== ======== ====================================================================

Emulated now = ``base + rate * (time.monotonic() - real_base)``. This is exactly
:meth:`redrive.kernel.clock.Clock.motion`, so the clock must use ``time.monotonic`` as its
real-time source (the default).

The writer (:class:`ClockFile`, one per engine or per environment) sets ``seq`` to the next odd
value, writes the three floats and their check, then sets ``seq`` to the next even value. A
reader maps the file read-only, reads ``seq`` (retrying while it is odd), copies the floats and
the check, re-reads ``seq``, and retries if it changed or the check does not match
(:func:`read_motion`). The check makes a torn record detectable whatever the memory ordering
between processes: without it a reader under load was seen to accept a record half-written.
The worker keeps its own stdlib-only copy of the reader in ``worker/_redrive_timeshim.py``; a
test checks that both agree.
"""

from __future__ import annotations

import mmap
import os
import struct
import tempfile
import threading
import time
import zlib
from pathlib import Path

from redrive.kernel.clock import Clock

# Native formats ("@", no prefix), not "<": CPython packs and unpacks standard-size ("<", "=")
# integers one byte at a time, so a reader could see a torn sequence number while the writer
# carries into its next byte, and the seqlock would accept a torn record. Native formats copy
# each 8-byte field with one memcpy (one aligned 8-byte move on x86-64). On the little-endian
# 64-bit machines redrive runs on, the layout is the same as "<Qddd".
#: the whole record
LAYOUT = struct.Struct("QdddQ")
SIZE = LAYOUT.size  # 40
_SEQ = struct.Struct("Q")
_MOTION = struct.Struct("ddd")
_MOTION_OFFSET = _SEQ.size
_CHECK_OFFSET = _MOTION_OFFSET + _MOTION.size


def pack_record(seq: int, base: float, real_base: float, rate: float) -> bytes:
    """A whole clock-file record (for writing a file at once, and for tests)."""
    floats = _MOTION.pack(base, real_base, rate)
    return _SEQ.pack(seq) + floats + _SEQ.pack(zlib.crc32(floats))
#: environment variable that names the clock file in a worker's environment
ENV_VAR = "REDRIVE_CLOCK_FILE"


def default_directory() -> Path:
    """Where clock files go: ``/dev/shm`` when it exists and is writable, else the temp dir."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return Path(tempfile.gettempdir())


def _yield() -> None:
    if hasattr(os, "sched_yield"):
        os.sched_yield()


class ClockFileError(RuntimeError):
    """A clock file that cannot be read (wrong size, or a writer stuck half-way)."""


def read_motion(
    buffer: mmap.mmap | bytes | bytearray, *, patience: float = 1.0
) -> tuple[int, float, float, float]:
    """``(seq, base, real_base, rate)`` read from ``buffer`` with the seqlock protocol.

    Gives up with :class:`ClockFileError` if a write stays half-done for ``patience`` real
    seconds (a writer that died mid-write).
    """
    if len(buffer) < SIZE:
        raise ClockFileError(f"clock file has {len(buffer)} bytes, expected {SIZE}")
    deadline: float | None = None
    while True:
        (seq,) = _SEQ.unpack_from(buffer, 0)
        if not seq & 1:
            floats = bytes(buffer[_MOTION_OFFSET:_CHECK_OFFSET])
            (check,) = _SEQ.unpack_from(buffer, _CHECK_OFFSET)
            (again,) = _SEQ.unpack_from(buffer, 0)
            if again == seq and zlib.crc32(floats) == check:
                base, real_base, rate = _MOTION.unpack(floats)
                return seq, base, real_base, rate
        if deadline is None:
            deadline = time.monotonic() + patience
        elif time.monotonic() > deadline:
            raise ClockFileError("clock file write never completed (seq stays odd or moving)")
        _yield()


def read_file(path: str | os.PathLike[str]) -> tuple[int, float, float, float]:
    """``(seq, base, real_base, rate)`` of the clock file at ``path``."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), SIZE, access=mmap.ACCESS_READ) as m:
        return read_motion(m)


def emulated_now(base: float, real_base: float, rate: float, real: float | None = None) -> float:
    """Emulated time from a motion, at ``real`` (``time.monotonic()`` when not given)."""
    if not rate:
        return base
    return base + rate * ((time.monotonic() if real is None else real) - real_base)


class ClockFile:
    """Publishes a clock's motion in a file that worker processes map read-only.

    The file is written whole on creation (so a reader never sees a short file), rewritten on
    every change of the clock's motion, and removed by :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], clock: Clock) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._seq = 0
        self._closed = False
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, bytes(SIZE))
            self._map = mmap.mmap(fd, SIZE, access=mmap.ACCESS_WRITE)
        finally:
            os.close(fd)
        self.write(*clock.motion())
        os.replace(tmp, self.path)
        clock.subscribe(self._on_change)

    @classmethod
    def create(cls, clock: Clock, directory: str | os.PathLike[str] | None = None) -> ClockFile:
        """A clock file with a fresh unique name in ``directory`` (:func:`default_directory`)."""
        where = Path(directory) if directory is not None else default_directory()
        fd, name = tempfile.mkstemp(prefix="redrive-clock-", suffix=".bin", dir=where)
        os.close(fd)
        return cls(name, clock)

    @property
    def seq(self) -> int:
        """The sequence number last written (even)."""
        return self._seq

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, base: float, real_base: float, rate: float) -> None:
        """Publish a motion (seqlock: odd seq, the floats, next even seq)."""
        with self._lock:
            if self._closed:
                return
            seq = self._seq
            floats = _MOTION.pack(base, real_base, rate)
            _SEQ.pack_into(self._map, 0, seq + 1)
            self._map[_MOTION_OFFSET:_CHECK_OFFSET] = floats
            _SEQ.pack_into(self._map, _CHECK_OFFSET, zlib.crc32(floats))
            _SEQ.pack_into(self._map, 0, seq + 2)
            self._seq = seq + 2

    def read(self) -> tuple[int, float, float, float]:
        """``(seq, base, real_base, rate)`` as a reader would see it now."""
        with self._lock:
            if self._closed:
                raise ClockFileError("clock file is closed")
            return read_motion(self._map)

    def close(self) -> None:
        """Stop following the clock and remove the file (workers keep their mapping)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._map.close()
        # Clock offers no unsubscribe; drop our listener so a closed file is not kept alive.
        listeners = self._clock._listeners
        if self._on_change in listeners:
            listeners.remove(self._on_change)
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> ClockFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _on_change(self) -> None:
        self.write(*self._clock.motion())
