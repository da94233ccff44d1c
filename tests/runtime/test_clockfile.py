"""The shared clock file: the engine's writer and the worker's stdlib-only reader agree."""

from __future__ import annotations

import mmap
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from redrive.kernel.clock import VirtualClock, WallClock
from redrive.runtime.clockfile import (
    LAYOUT,
    SIZE,
    ClockFile,
    ClockFileError,
    default_directory,
    emulated_now,
    pack_record,
    read_file,
    read_motion,
)
from redrive.runtime.worker._redrive_timeshim import ClockReader
from tests.kernel.fakes import T0, FakeReal


def test_the_file_is_40_bytes_of_seq_the_clocks_motion_and_its_check(tmp_path: Path) -> None:
    clock = VirtualClock(start=T0)
    with ClockFile(tmp_path / "clock", clock) as cf:
        raw = (tmp_path / "clock").read_bytes()
        assert len(raw) == SIZE == 40
        seq, base, real_base, rate, check = LAYOUT.unpack(raw)
        assert check == zlib.crc32(raw[8:32])
        assert (base, real_base, rate) == clock.motion() == (T0, 0.0, 0.0)
        assert seq == cf.seq and seq % 2 == 0
        assert read_file(cf.path) == (seq, T0, 0.0, 0.0)
        assert cf.read() == (seq, T0, 0.0, 0.0)
    assert not (tmp_path / "clock").exists()


def test_every_change_of_motion_is_published(tmp_path: Path) -> None:
    clock = VirtualClock(start=T0)
    with ClockFile(tmp_path / "clock", clock) as cf:
        seq0 = cf.seq
        hold = clock.hold("compute")
        seq, base, real_base, rate = read_file(cf.path)
        assert seq == seq0 + 2
        assert (base, rate) == (T0, 1.0)
        assert real_base == clock.motion()[1]
        time.sleep(0.01)
        hold.release()
        seq, base, _, rate = read_file(cf.path)
        assert seq == seq0 + 4
        assert rate == 0.0 and base == clock.now() >= T0 + 0.01
        clock.jump_to(T0 + 3600)
        assert read_file(cf.path)[1:] == (T0 + 3600, 0.0, 0.0)


def test_a_scaled_wall_clock_is_published_with_its_rate(tmp_path: Path) -> None:
    clock = WallClock(scale=60, start=T0)
    with ClockFile(tmp_path / "clock", clock) as cf:
        _, base, real_base, rate = read_file(cf.path)
        assert rate == 60.0
        assert emulated_now(base, real_base, rate) == pytest.approx(clock.now(), abs=0.5)
        clock.resume_at(T0 + 10_000)
        _, base, real_base, rate = read_file(cf.path)
        assert emulated_now(base, real_base, rate) == pytest.approx(clock.now(), abs=0.5)


def test_the_worker_reader_agrees_with_the_engine(tmp_path: Path) -> None:
    clock = VirtualClock(start=T0)
    with ClockFile(tmp_path / "clock", clock) as cf:
        reader = ClockReader(str(cf.path))
        assert reader.now() == clock.now() == T0
        assert reader.motion() == clock.motion()
        clock.jump_to(T0 + 42.5)
        assert reader.now() == T0 + 42.5
        with clock.hold():
            a = clock.now()
            r = reader.now()
            b = clock.now()
            assert a <= r <= b
            assert reader.motion() == clock.motion()
        assert reader.now() == clock.now()


def test_the_worker_reader_agrees_with_a_scaled_wall_clock(tmp_path: Path) -> None:
    clock = WallClock(scale=1000, start=T0)
    with ClockFile(tmp_path / "clock", clock) as cf:
        reader = ClockReader(str(cf.path))
        a = clock.now()
        r = reader.now()
        b = clock.now()
        assert a <= r <= b


def test_the_worker_reader_never_goes_backwards(tmp_path: Path) -> None:
    real = FakeReal(100.0)
    clock = VirtualClock(start=T0, real=real)
    with ClockFile(tmp_path / "clock", clock) as cf:
        reader = ClockReader(str(cf.path))
        cf.write(T0 + 10, 0.0, 0.0)
        assert reader.now() == T0 + 10
        cf.write(T0 + 5, 0.0, 0.0)  # a stale motion: the reader keeps its floor
        assert reader.now() == T0 + 10
        reader.raise_floor(T0 + 20)
        assert reader.now() > T0 + 20


def test_an_odd_sequence_number_means_a_write_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    path.write_bytes(pack_record(7, T0, 0.0, 0.0))
    with pytest.raises(ClockFileError, match="never completed"):
        read_motion(path.read_bytes(), patience=0.05)
    reader = ClockReader(str(path))
    reader.patience = 0.05
    with pytest.raises(RuntimeError, match="stuck mid-write"):
        reader.now()
    path.write_bytes(pack_record(8, T0, 0.0, 0.0))
    assert reader.now() == T0
    assert read_motion(path.read_bytes()) == (8, T0, 0.0, 0.0)


def test_a_short_file_is_refused() -> None:
    with pytest.raises(ClockFileError, match="expected 40"):
        read_motion(b"\0" * 16)


_HAMMER = """
import sys, time
from redrive.kernel.clock import VirtualClock
from redrive.runtime.clockfile import ClockFile
cf = ClockFile(sys.argv[1], VirtualClock(start=0.0))
print("ready", flush=True)
k = 0.0
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    k += 1.0
    cf.write(k, 2 * k, 3 * k)
print(int(k), flush=True)
sys.stdin.read()
"""


def test_readers_never_see_a_torn_write_from_another_process(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    writer = subprocess.Popen(
        [sys.executable, "-c", _HAMMER, str(path), "1.0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        reader = ClockReader(str(path))
        fd = os.open(path, os.O_RDONLY)
        m = mmap.mmap(fd, SIZE, access=mmap.ACCESS_READ)
        os.close(fd)
        checked = 0
        end = time.monotonic() + 0.8  # inside the writer's 1.0 s of writing
        while time.monotonic() < end:
            base, real_base, rate = reader.motion()
            assert (real_base, rate) == (2 * base, 3 * base)
            seq, base, real_base, rate = read_motion(m)
            assert seq % 2 == 0
            assert (real_base, rate) == (2 * base, 3 * base)
            checked += 1
        m.close()
        writes = int(writer.stdout.readline())
        # Enough overlap to mean something even on a loaded 2-core machine (unloaded, both
        # counts are in the hundreds of thousands).
        assert writes > 100 and checked > 100
    finally:
        writer.kill()
        writer.communicate()


def test_close_removes_the_file_and_stops_following_the_clock(tmp_path: Path) -> None:
    clock = VirtualClock(start=T0)
    cf = ClockFile(tmp_path / "clock", clock)
    reader = ClockReader(str(cf.path))  # a worker's mapping outlives the file
    listeners_before = len(clock._listeners)
    cf.close()
    assert cf.closed
    assert not cf.path.exists()
    assert len(clock._listeners) == listeners_before - 1
    clock.jump_to(T0 + 1)  # no error from a closed file
    cf.close()  # twice is harmless
    assert reader.now() == T0
    with pytest.raises(ClockFileError, match="closed"):
        cf.read()


def test_create_picks_a_fresh_name(tmp_path: Path) -> None:
    clock = VirtualClock(start=T0)
    with ClockFile.create(clock, tmp_path) as a, ClockFile.create(clock, tmp_path) as b:
        assert a.path != b.path
        assert a.path.parent == tmp_path and a.path.stat().st_size == SIZE
        clock.jump_to(T0 + 5)
        assert read_file(a.path)[1] == read_file(b.path)[1] == T0 + 5
    assert list(tmp_path.iterdir()) == []
    assert default_directory().is_dir()
