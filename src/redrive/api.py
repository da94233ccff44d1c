"""Cloud: redrive inside a Python process, for tests, scripts and the simulator."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from redrive.engine import Engine
from redrive.errors import ConfigError, RedriveError
from redrive.server import bind, make_server

T = TypeVar("T")

DEFAULT_REGION = "us-east-1"
#: Dummy credentials: redrive accepts any signature; these only make boto3 sign requests.
DUMMY_ACCESS_KEY_ID = "redrive"
DUMMY_SECRET_ACCESS_KEY = "redrive"  # not a secret: redrive accepts any signature


class Cloud:
    """A private emulated cloud served on a free loopback port.

    ``clock="virtual"`` (the default here) stands still until :meth:`advance` or a waiting
    call moves it; ``clock="wall"`` follows real time times ``time_scale``. ``data_dir=None``
    keeps everything in memory. Use as a context manager::

        with redrive.Cloud() as cloud:
            logs = cloud.client("logs")
            cloud.advance(60)
    """

    def __init__(
        self,
        clock: str = "virtual",
        time_scale: float = 1.0,
        seed: int = 0,
        data_dir: str | Path | None = None,
        *,
        account_concurrency: int = 1000,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._settings: dict[str, Any] = {
            "clock": clock,
            "time_scale": time_scale,
            "seed": seed,
            "data_dir": data_dir,
            "account_concurrency": account_concurrency,
        }
        self._host = host
        self._port = port
        self._engine: Engine | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: BaseException | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Cloud:
        if self._thread is not None:
            raise ConfigError("this Cloud is already started")
        engine = Engine(**self._settings)
        sock = bind(self._host, self._port)
        self.host, self.port = sock.getsockname()[:2]
        engine.platform.endpoint_url = self.endpoint_url
        server = make_server(engine)
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(server.serve(sockets=[sock]))
            except BaseException as exc:
                self._failure = exc
            finally:
                sock.close()
                loop.close()

        self._engine, self._server, self._loop = engine, server, loop
        self._thread = threading.Thread(target=run, name="redrive-cloud", daemon=True)
        self._thread.start()
        while not server.started:
            self._thread.join(0.005)
            if not self._thread.is_alive():
                raise RedriveError(f"redrive failed to start: {self._failure!r}")
        return self

    def close(self) -> None:
        """Stop serving, stop background work and close the store."""
        if self._thread is None:
            return
        self._server.request_exit()
        self._thread.join(30)
        self._thread = None

    def __enter__(self) -> Cloud:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- using it -------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise ConfigError("this Cloud is not started: use `with Cloud() as cloud:`")
        return self._engine

    @property
    def endpoint_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def clock_mode(self) -> str:
        return self.engine.platform.clock.mode

    def client(self, service_name: str, region_name: str = DEFAULT_REGION, **kwargs: Any) -> Any:
        """A boto3 client bound to this cloud: dummy credentials, SDK retries off."""
        return make_client(self.endpoint_url, service_name, region_name, **kwargs)

    def now(self) -> float:
        """Emulated time, epoch seconds."""
        return self.engine.platform.clock.now()

    def advance(self, seconds: float) -> float:
        """Run all work due within ``seconds`` of emulated time (virtual clock only)."""
        return self._call(self.engine.advance(seconds))

    def ledger(
        self, function: str | None = None, request_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The ledger, oldest entry first: every invocation attempt, and for each async
        event its enqueueing, every try (with the backoff chosen) and its fate. Filter by
        ``function`` name and by ``request_id``."""
        return self._call(self._ledger(function, request_id))

    async def _ledger(self, function: str | None, request_id: str | None) -> list[dict[str, Any]]:
        return self.engine.ledger(function, request_id)

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None or self._thread is None:
            coro.close()
            raise ConfigError("this Cloud is not started: use `with Cloud() as cloud:`")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()


def make_client(endpoint_url: str, service_name: str, region_name: str, **kwargs: Any) -> Any:
    """A boto3 client for ``endpoint_url`` (the only place redrive imports boto3)."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1}, read_timeout=900, connect_timeout=10)
    if "config" in kwargs:
        config = config.merge(kwargs.pop("config"))
    return boto3.session.Session().client(
        service_name,
        endpoint_url=endpoint_url,
        region_name=region_name,
        aws_access_key_id=kwargs.pop("aws_access_key_id", DUMMY_ACCESS_KEY_ID),
        aws_secret_access_key=kwargs.pop("aws_secret_access_key", DUMMY_SECRET_ACCESS_KEY),
        config=config,
        **kwargs,
    )
