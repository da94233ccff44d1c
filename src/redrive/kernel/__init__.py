"""The kernel: emulated time, deterministic scheduling and seeded randomness.

It knows nothing of AWS, HTTP or processes; everything above it reads time from a
:class:`Clock` and schedules work on the :class:`Scheduler`.
"""

from redrive.kernel.clock import Clock, ClockModeError, Hold, VirtualClock, WallClock
from redrive.kernel.rng import Rng
from redrive.kernel.scheduler import Deferral, Handle, Scheduler

__all__ = [
    "Clock",
    "ClockModeError",
    "Deferral",
    "Handle",
    "Hold",
    "Rng",
    "Scheduler",
    "VirtualClock",
    "WallClock",
]
