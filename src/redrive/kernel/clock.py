"""Emulated clocks.

Every part of redrive reads time from one :class:`Clock`. Two implementations exist:

* :class:`WallClock` - emulated time follows real time, sped up by ``scale``:
  ``now = start + scale * real_elapsed``.
* :class:`VirtualClock` - emulated time *runs* at real speed while at least one
  :class:`Hold` is taken (something is computing) and otherwise stands still until the
  scheduler *jumps* it forward to the next due item on behalf of a waiter. This is Trio's
  autojump clock with compute counted at real speed.

Times are float seconds since the Unix epoch.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from types import TracebackType

from redrive.errors import RedriveError

RealTime = Callable[[], float]


class ClockModeError(RedriveError):
    """An operation that the current clock mode does not allow (e.g. advancing a wall clock)."""


class Hold:
    """A claim that something is computing, so a virtual clock must run at real speed.

    Releasing twice is harmless; a hold is also a context manager.
    """

    def __init__(self, clock: Clock, reason: str) -> None:
        self.reason = reason
        self._clock: Clock | None = clock
        clock._acquire()

    @property
    def active(self) -> bool:
        return self._clock is not None

    def release(self) -> None:
        clock, self._clock = self._clock, None
        if clock is not None:
            clock._release()

    def __enter__(self) -> Hold:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


class Clock(ABC):
    """The emulated clock."""

    mode: str
    scale: float

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []
        self._holds = 0

    @abstractmethod
    def now(self) -> float:
        """Emulated time, epoch seconds."""

    @property
    @abstractmethod
    def running(self) -> bool:
        """Whether emulated time is passing with real time right now."""

    @property
    def rate(self) -> float:
        """Emulated seconds per real second while :attr:`running`."""
        return self.scale

    @abstractmethod
    def motion(self) -> tuple[float, float, float]:
        """``(base, real_base, rate)`` with ``now = base + rate * (real() - real_base)``.

        ``real`` is the clock's real-time source (``time.monotonic`` unless injected), which
        other processes on the machine read the same way, so they can follow the emulated
        clock without asking (the runtime shares this with handler processes). ``rate`` is 0
        while a virtual clock stands still. Listeners (:meth:`subscribe`) hear every change.
        """

    @property
    def holds(self) -> int:
        return self._holds

    @abstractmethod
    def resume_at(self, when: float) -> None:
        """Continue from ``when`` if it is later than now (time saved before a restart)."""

    def hold(self, reason: str = "") -> Hold:
        """Declare that something computes; release the returned :class:`Hold` when done."""
        return Hold(self, reason)

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever the clock's motion changes (hold taken or released)."""
        self._listeners.append(listener)

    def _acquire(self) -> None:
        self._holds += 1
        self._changed()

    def _release(self) -> None:
        self._holds -= 1
        self._changed()

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()


class WallClock(Clock):
    """Emulated time = start + scale x real elapsed time. Holds change nothing."""

    mode = "wall"

    def __init__(
        self,
        scale: float = 1.0,
        start: float | None = None,
        *,
        real: RealTime = time.monotonic,
    ) -> None:
        super().__init__()
        if scale <= 0:
            raise ValueError("time scale must be positive")
        self.scale = float(scale)
        self._real = real
        self._real0 = real()
        self._start = time.time() if start is None else float(start)

    def now(self) -> float:
        return self._start + self.scale * (self._real() - self._real0)

    def resume_at(self, when: float) -> None:
        self._start += max(0.0, when - self.now())
        self._changed()

    def motion(self) -> tuple[float, float, float]:
        return self._start, self._real0, self.scale

    @property
    def running(self) -> bool:
        return True


class VirtualClock(Clock):
    """Stands still unless held (then runs at real speed) or jumped by the scheduler."""

    mode = "virtual"
    scale = 1.0

    def __init__(self, start: float | None = None, *, real: RealTime = time.monotonic) -> None:
        super().__init__()
        self._real = real
        self._base = time.time() if start is None else float(start)
        self._held_since: float | None = None

    def now(self) -> float:
        if self._held_since is None:
            return self._base
        return self._base + (self._real() - self._held_since)

    @property
    def running(self) -> bool:
        return self._holds > 0

    def resume_at(self, when: float) -> None:
        self._base += max(0.0, when - self.now())
        self._changed()

    def motion(self) -> tuple[float, float, float]:
        if self._held_since is None:
            return self._base, 0.0, 0.0
        return self._base, self._held_since, 1.0

    def jump_to(self, when: float) -> None:
        """Move the clock forward to ``when`` (never backwards). Only while not held."""
        if self._holds:
            raise ClockModeError("a held virtual clock runs at real speed and cannot jump")
        if when > self._base:
            self._base = when
            self._changed()

    def _acquire(self) -> None:
        if self._holds == 0:
            self._held_since = self._real()
        super()._acquire()

    def _release(self) -> None:
        if self._holds == 1:
            self._base = self.now()
            self._held_since = None
        super()._release()
