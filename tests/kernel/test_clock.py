"""The emulated clocks: a wall clock with a time scale and the virtual clock's two motions."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from redrive.errors import RedriveError
from redrive.kernel import Clock, ClockModeError, VirtualClock, WallClock
from tests.kernel.fakes import T0, FakeReal

# -- wall clock --------------------------------------------------------------------------------


def test_wall_clock_runs_scale_times_faster_than_real_time() -> None:
    real = FakeReal()
    clock = WallClock(scale=60, start=T0, real=real)
    assert clock.now() == T0
    real.t += 1.0
    assert clock.now() == T0 + 60.0
    real.t += 0.5
    assert clock.now() == T0 + 90.0
    assert clock.mode == "wall"
    assert clock.running
    assert clock.rate == 60.0


def test_wall_clock_unscaled_follows_real_time() -> None:
    real = FakeReal()
    clock = WallClock(start=T0, real=real)
    real.t += 2.25
    assert clock.now() == T0 + 2.25
    assert clock.rate == 1.0


def test_wall_clock_starts_at_the_real_epoch_time_by_default() -> None:
    before = time.time()
    clock = WallClock(real=FakeReal())
    after = time.time()
    assert before <= clock.now() <= after


@pytest.mark.parametrize("scale", [0, -1, -0.5])
def test_wall_clock_rejects_a_non_positive_scale(scale: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        WallClock(scale=scale, real=FakeReal())


def test_holds_do_not_change_the_wall_clock() -> None:
    real = FakeReal()
    clock = WallClock(scale=10, start=T0, real=real)
    with clock.hold("compute"):
        assert clock.holds == 1
        real.t += 1.0
        assert clock.now() == T0 + 10.0
    assert clock.holds == 0
    real.t += 1.0
    assert clock.now() == T0 + 20.0
    assert clock.running


# -- virtual clock -----------------------------------------------------------------------------


def test_virtual_clock_stands_still_while_nobody_holds_it() -> None:
    real = FakeReal()
    clock = VirtualClock(start=T0, real=real)
    real.t += 100.0
    assert clock.now() == T0
    assert not clock.running
    assert clock.mode == "virtual"
    assert clock.rate == 1.0


def test_virtual_clock_starts_at_the_real_epoch_time_by_default() -> None:
    before = time.time()
    clock = VirtualClock(real=FakeReal())
    after = time.time()
    assert before <= clock.now() <= after


def test_held_virtual_clock_runs_at_real_speed_and_stands_still_once_released() -> None:
    real = FakeReal()
    clock = VirtualClock(start=T0, real=real)
    hold = clock.hold("handler computing")
    assert hold.active
    assert hold.reason == "handler computing"
    assert clock.running
    real.t += 2.5
    assert clock.now() == T0 + 2.5
    hold.release()
    assert not hold.active
    assert not clock.running
    real.t += 10.0
    assert clock.now() == T0 + 2.5


def test_nested_holds_keep_the_clock_running_until_the_last_is_released() -> None:
    real = FakeReal()
    clock = VirtualClock(start=T0, real=real)
    first = clock.hold("a")
    real.t += 1.0
    second = clock.hold("b")
    assert clock.holds == 2
    real.t += 1.0
    first.release()
    assert clock.running
    real.t += 1.0
    assert clock.now() == T0 + 3.0
    second.release()
    real.t += 1.0
    assert clock.now() == T0 + 3.0
    assert clock.holds == 0


def test_releasing_a_hold_twice_is_harmless() -> None:
    real = FakeReal()
    clock = VirtualClock(start=T0, real=real)
    other = clock.hold()
    hold = clock.hold()
    hold.release()
    hold.release()
    assert clock.holds == 1
    assert clock.running
    other.release()
    assert clock.holds == 0


def test_a_hold_is_a_context_manager_released_even_on_error() -> None:
    real = FakeReal()
    clock = VirtualClock(start=T0, real=real)
    with pytest.raises(RuntimeError), clock.hold("boom") as hold:
        real.t += 1.0
        raise RuntimeError
    assert not hold.active
    assert clock.holds == 0
    assert clock.now() == T0 + 1.0


def test_virtual_clock_jumps_forward_never_backwards() -> None:
    clock = VirtualClock(start=T0, real=FakeReal())
    clock.jump_to(T0 + 60)
    assert clock.now() == T0 + 60
    clock.jump_to(T0 + 30)
    assert clock.now() == T0 + 60


def test_a_held_virtual_clock_cannot_jump() -> None:
    clock = VirtualClock(start=T0, real=FakeReal())
    with clock.hold(), pytest.raises(ClockModeError):
        clock.jump_to(T0 + 60)
    assert clock.now() == T0


def test_listeners_hear_every_change_of_motion() -> None:
    clock = VirtualClock(start=T0, real=FakeReal())
    heard: list[tuple[int, bool]] = []
    clock.subscribe(lambda: heard.append((clock.holds, clock.running)))
    hold = clock.hold()
    hold.release()
    hold.release()  # a second release changes nothing, so nobody is told
    assert heard == [(1, True), (0, False)]


@pytest.mark.parametrize(
    "make",
    [
        lambda real: WallClock(scale=5, start=T0, real=real),
        lambda real: VirtualClock(start=T0, real=real),
    ],
    ids=["wall", "virtual"],
)
def test_resume_at_moves_forward_only(make: Callable[[FakeReal], Clock]) -> None:
    real = FakeReal()
    clock = make(real)
    clock.resume_at(T0 - 100)
    assert clock.now() == T0
    clock.resume_at(T0 + 100)
    assert clock.now() == T0 + 100


def test_clock_mode_error_is_a_redrive_error() -> None:
    assert issubclass(ClockModeError, RedriveError)
