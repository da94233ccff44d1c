"""`redrive serve` as a user runs it: startup line, control API, clocks, bad input, shutdown."""

from __future__ import annotations

import urllib.request

from tests.serverproc import ServerProcess


def test_startup_line_names_address_clock_and_data(server: ServerProcess) -> None:
    line = server.startup_line
    assert line.startswith("redrive listening on http://127.0.0.1:")
    assert "clock virtual" in line
    assert "data memory" in line


def test_health(server: ServerProcess) -> None:
    assert server.control("GET", "/_redrive/health") == (200, {"status": "ok"})


def test_clock_reports_mode_and_now(server: ServerProcess) -> None:
    status, body = server.control("GET", "/_redrive/clock")
    assert status == 200
    assert body["mode"] == "virtual"
    assert body["scale"] == 1.0
    assert isinstance(body["now"], float)


def test_virtual_clock_stands_still_and_advances_exactly(server: ServerProcess) -> None:
    before = server.now()
    assert server.now() == before  # nobody waiting, nothing held: time stands still
    after = server.advance(3600)
    assert after == before + 3600
    assert server.now() == after


def test_advance_refuses_bad_bodies(server: ServerProcess) -> None:
    for body in ({"seconds": -1}, {"seconds": "ten"}, {"secs": 1}, [1], {"seconds": True}):
        status, answer = server.control("POST", "/_redrive/clock/advance", body)
        assert status == 400, body
        assert answer["error"] == "BadRequest"
    request = urllib.request.Request(
        server.endpoint_url + "/_redrive/clock/advance", data=b"{not json", method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("expected 400")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400


def test_unknown_control_endpoint_is_404(server: ServerProcess) -> None:
    status, body = server.control("GET", "/_redrive/nothing-here")
    assert status == 404
    assert body["error"] == "NotFound"


def test_wall_clock_refuses_advance_with_400() -> None:
    proc = ServerProcess("--in-memory", "--clock", "wall", "--time-scale", "60")
    try:
        assert "clock wall x60" in proc.startup_line
        status, body = proc.control("GET", "/_redrive/clock")
        assert (status, body["mode"], body["scale"]) == (200, "wall", 60.0)
        status, body = proc.control("POST", "/_redrive/clock/advance", {"seconds": 5})
        assert status == 400
        assert body["error"] == "WallClock"
    finally:
        assert proc.terminate() == 0


def test_sigterm_stops_gracefully() -> None:
    proc = ServerProcess("--in-memory")
    assert proc.control("GET", "/_redrive/health")[0] == 200
    assert proc.terminate() == 0
