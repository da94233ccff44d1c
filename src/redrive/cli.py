"""The ``redrive`` command: parse arguments, start the engine, print."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from redrive.errors import RedriveError

DEFAULT_HOST = "127.0.0.1"
#: Port 4566 is the edge port SDK users already point at for local AWS emulators.
DEFAULT_PORT = 4566


def default_data_dir() -> Path:
    """``$REDRIVE_DATA_DIR``, else ``$XDG_DATA_HOME/redrive``, else ``~/.local/share/redrive``."""
    explicit = os.environ.get("REDRIVE_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "redrive"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redrive",
        description="AWS Lambda's failure handling, locally, on a clock you control.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the AWS APIs and the control API")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (loopback)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 4566)")
    serve.add_argument(
        "--clock", choices=("wall", "virtual"), default="wall", help="emulated clock"
    )
    serve.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        metavar="K",
        help="wall clock only: emulated seconds per real second",
    )
    serve.add_argument("--seed", type=int, default=0, help="seed of all randomness")
    where = serve.add_mutually_exclusive_group()
    where.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"keep state in DIR across restarts (default {default_data_dir()})",
    )
    where.add_argument("--in-memory", action="store_true", help="write nothing to disk")
    serve.add_argument(
        "--account-concurrency",
        type=int,
        default=1000,
        metavar="N",
        help="the account's Lambda concurrency limit",
    )
    return parser


def serve(args: argparse.Namespace) -> int:
    from redrive.engine import Engine
    from redrive.server import bind, make_server

    data_dir = None if args.in_memory else (args.data_dir or default_data_dir())
    engine = Engine(
        clock=args.clock,
        time_scale=args.time_scale,
        seed=args.seed,
        data_dir=data_dir,
        account_concurrency=args.account_concurrency,
    )
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        engine.platform.store.close()
        raise RedriveError(f"cannot listen on {args.host}:{args.port}: {exc}") from exc
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    engine.platform.endpoint_url = f"http://{shown}:{port}"
    clock = engine.platform.clock
    scale = f" x{clock.scale:g}" if clock.mode == "wall" else ""
    print(
        f"redrive listening on {engine.platform.endpoint_url} "
        f"(clock {clock.mode}{scale}, seed {args.seed}, "
        f"data {engine.platform.store.location})",
        flush=True,
    )
    asyncio.run(make_server(engine).serve(sockets=[sock]))
    print("redrive stopped: store flushed and closed", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
    except RedriveError as exc:
        print(f"redrive: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
