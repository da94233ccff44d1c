"""Worker output: lines split on newlines, records rejoined, long lines cut, floods capped."""

from __future__ import annotations

from redrive.runtime.output import LineSplitter, LogBuffer, line_text
from redrive.runtime.types import LogLine


def test_lines_are_split_across_reads() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"one\ntw") == [b"one"]
    assert splitter.feed(b"o\nthr") == [b"two"]
    assert splitter.feed(b"") == []
    assert splitter.flush() == b"thr"
    assert splitter.flush() is None


def test_a_line_longer_than_the_cap_is_cut() -> None:
    splitter = LineSplitter(max_line=4)
    assert splitter.feed(b"abcdefghij") == [b"abcd", b"efgh"]
    assert splitter.feed(b"\n") == [b"ij"]


def test_line_text_restores_multi_line_records() -> None:
    assert line_text(b"x") == "x\n"  # OBS-13: print("x") is the event "x\n"
    assert line_text(b"[ERROR] E: boom\rTraceback:\r  frame") == (
        "[ERROR] E: boom\nTraceback:\n  frame\n"
    )
    assert line_text(b"windows\r") == "windows\n"
    assert line_text(b"\xff") == "\ufffd\n"


def test_the_buffer_keeps_the_most_recent_lines_and_says_what_it_dropped() -> None:
    buffer = LogBuffer(keep_bytes=10)
    for i in range(6):
        buffer.add(LogLine(1000 + i, f"line{i}\n"))  # 6 characters each
    lines = buffer.take()
    assert [line.text for line in lines[1:]] == ["line5\n"]
    note = lines[0]
    assert note.timestamp_ms == 1000
    assert note.text.startswith("REDRIVE: 5 earlier output lines (30 characters) were dropped")
    assert buffer.take() == []  # taken: empty again, and the count starts over
    buffer.add(LogLine(2000, "ok\n"))
    assert [line.text for line in buffer.take()] == ["ok\n"]
