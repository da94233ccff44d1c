"""The time shim: handler code in a worker process sees redrive's emulated clock.

Runs inside worker interpreters (Python 3.9+, stdlib only, never imports redrive).
:func:`install` is called before user code is imported - by ``sitecustomize`` at interpreter
start (so it also works under AWS's own ``awslambdaric``) and again, harmlessly, by
``_redrive_bootstrap``. Without ``REDRIVE_CLOCK_FILE`` in the environment it does nothing.

What it changes:

* ``time.time``, ``time.time_ns``, ``time.monotonic``, ``time.monotonic_ns`` read the emulated
  clock from the shared clock file (format: ``redrive.runtime.clockfile``). Each process keeps
  a floor so that two readings never go backwards, even across a change of motion.
  ``monotonic`` is emulated seconds counted from an origin chosen by the first process to
  install the shim (``_REDRIVE_MONOTONIC_ORIGIN``, inherited by child processes), so that its
  values stay as small as real ``CLOCK_MONOTONIC`` readings: asyncio adds its clock resolution
  (1 ns) to ``monotonic()``, which would vanish in the rounding of epoch-sized floats and make a
  loop spin forever on a clock that stands still. After a sleep to ``until`` the clock reads at
  least one float step past ``until`` for the same reason.
* ``time.sleep`` asks the engine to wake it at an emulated time
  (``POST /2018-06-01/runtime/redrive/sleep`` on ``AWS_LAMBDA_RUNTIME_API``), so the engine
  knows the environment sleeps and a virtual clock can jump. Only the worker process uses the
  endpoint: the one whose pid is in ``_REDRIVE_SHIM_PID`` (set by the bootstrap, see
  :func:`claim_process`, or else by the first process to install the shim, e.g. under
  ``awslambdaric``; a process without the variable counts as the worker). Its child processes
  (subprocess, multiprocessing) follow the clock file with short real sleeps instead, so they
  never make the engine believe the environment is asleep.
* ``time.gmtime``, ``localtime``, ``ctime``, ``asctime``, ``strftime`` called without a time.
* ``datetime.datetime`` and ``datetime.date`` in the ``datetime`` module become subclasses whose
  ``now``/``utcnow``/``today`` use emulated time. ``isinstance`` and ``issubclass`` accept the
  original classes' instances both ways, ``repr`` is unchanged, and pickles name
  ``datetime.datetime`` as before (copyreg reducers keep instances of the original classes
  picklable).
* ``selectors.DefaultSelector`` (what asyncio's default loop uses) becomes a wrapper whose
  ``select(timeout)`` with ``timeout > 0`` first polls without waiting and, when nothing is
  ready, sleeps on the emulated clock through the same endpoint while still watching the
  registered file objects: real I/O that arrives first cancels the sleep (the connection to
  the endpoint is closed) and is returned at once. So ``asyncio.sleep(3600)`` takes no real
  time under a virtual clock.
* ``datetime`` and ``selectors`` are patched when first imported (a post-import hook on
  ``sys.meta_path``), so handlers that never use them do not pay for importing them.

Not changed: ``time.perf_counter``/``process_time`` (CPU measurement stays real),
``time.clock_gettime``, waits with a timeout in ``threading``/``queue``/``socket`` (real time),
and code that captured ``time.time`` or ``datetime.datetime`` before the shim was installed.
"""

from __future__ import annotations

import math
import mmap
import os
import struct
import sys
import time
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import ModuleType
    from typing import Any

    from redrive.runtime.worker import _redrive_http as _http
elif __package__:  # imported as redrive.runtime.worker._redrive_timeshim (engine-side tests)
    from . import _redrive_http as _http
else:
    import _redrive_http as _http

ENV_CLOCK_FILE = "REDRIVE_CLOCK_FILE"
ENV_RUNTIME_API = "AWS_LAMBDA_RUNTIME_API"
ENV_SHIM_PID = "_REDRIVE_SHIM_PID"
ENV_MONOTONIC_ORIGIN = "_REDRIVE_MONOTONIC_ORIGIN"
SLEEP_PATH = "/2018-06-01/runtime/redrive/sleep"

# Native formats ("@", no prefix), not "<": CPython packs and unpacks standard-size ("<", "=")
# integers one byte at a time, so a reader could see a torn sequence number while the writer
# carries into its next byte, and the seqlock would accept a torn record. Native formats copy
# each 8-byte field with one memcpy (one aligned 8-byte move on x86-64). On the little-endian
# 64-bit machines redrive runs on, the layout is the same as "<Qddd".
_SEQ = struct.Struct("Q")
_MOTION = struct.Struct("ddd")
_SIZE = 40  # seq, three floats, crc32 of the floats (see redrive/runtime/clockfile.py)

# The real functions, captured before anything is patched.
_real_time = time.time
_real_monotonic = time.monotonic
_real_sleep = time.sleep
_real_gmtime = time.gmtime
_real_localtime = time.localtime
_real_ctime = time.ctime
_real_asctime = time.asctime
_real_strftime = time.strftime

_NOT_GIVEN: Any = object()


class ClockReader:
    """Reads the shared clock file (seqlock protocol; stdlib-only twin of clockfile.py)."""

    #: real seconds a write may stay half-done before the reader gives up (a dead writer)
    patience = 2.0

    def __init__(self, path: str) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            self._map = mmap.mmap(fd, _SIZE, access=mmap.ACCESS_READ)
        finally:
            os.close(fd)
        self.path = path
        self._floor = 0.0

    def read(self) -> tuple[int, float, float, float, float]:
        """``(seq, base, real_base, rate, real)`` - ``real`` read inside the seqlock window."""
        m = self._map
        spins = 0
        give_up = 0.0
        while True:
            (seq,) = _SEQ.unpack_from(m, 0)
            if not seq & 1:
                floats = m[8:32]
                (check,) = _SEQ.unpack_from(m, 32)
                real = _real_monotonic()
                (again,) = _SEQ.unpack_from(m, 0)
                if again == seq and zlib.crc32(floats) == check:
                    base, real_base, rate = _MOTION.unpack(floats)
                    return seq, base, real_base, rate, real
            spins += 1
            if spins > 100:
                if not give_up:
                    give_up = _real_monotonic() + self.patience
                elif _real_monotonic() > give_up:
                    raise RuntimeError(f"redrive clock file {self.path} is stuck mid-write")
                _real_sleep(0.0001)

    def motion(self) -> tuple[float, float, float]:
        _, base, real_base, rate, _ = self.read()
        return base, real_base, rate

    def now(self) -> float:
        """Emulated epoch seconds; never less than a value this process saw before."""
        _, base, real_base, rate, real = self.read()
        t = base + rate * (real - real_base) if rate else base
        if t < self._floor:
            return self._floor
        self._floor = t
        return t

    def raise_floor(self, t: float) -> None:
        """Report times after ``t`` from now on (the engine said ``t`` has come)."""
        self._floor = max(self._floor, math.nextafter(t, math.inf))


class _State:
    reader: ClockReader | None = None
    origin = 0.0  # emulated epoch seconds at monotonic() == 0
    installed = False
    local: Any = None  # a _thread._local holding each thread's sleep connection


def now() -> float:
    """Emulated epoch seconds (real time when no clock file is installed)."""
    reader = _State.reader
    return reader.now() if reader is not None else _real_time()


def claim_process() -> None:
    """Declare this process the worker: it, not its parent, talks to the sleep endpoint.

    Also exports the monotonic origin so that the worker's child processes share it.
    """
    os.environ[ENV_SHIM_PID] = str(os.getpid())
    if _State.installed:
        os.environ[ENV_MONOTONIC_ORIGIN] = repr(_State.origin)


def installed() -> bool:
    return _State.installed


def reader() -> ClockReader | None:
    """The clock file reader, once installed."""
    return _State.reader


# -- sleeping ----------------------------------------------------------------------------------

def _sleep_connection() -> _http.Connection | None:
    """This thread's connection to the sleep endpoint, or None when we must not use it."""
    address = os.environ.get(ENV_RUNTIME_API)
    if not address or os.environ.get(ENV_SHIM_PID, str(os.getpid())) != str(os.getpid()):
        return None
    local = _State.local
    if local is None:
        import _thread

        local = _State.local = _thread._local()
    conn: _http.Connection | None = getattr(local, "conn", None)
    if conn is None:
        host, port = _http.split_address(address)
        conn = _http.Connection(host, port)
        local.conn = conn
    return conn


def deadline(seconds: float) -> float:
    """Emulated now + ``seconds``, rounded up so that ``deadline - now >= seconds``."""
    start = now()
    until = start + seconds
    while until - start < seconds:
        until = math.nextafter(until, math.inf)
    return until


def _sleep_body(until: float) -> bytes:
    return f'{{"until": {float(until)!r}}}'.encode("ascii")


def _check_sleep_answer(response: _http.Response, until: float) -> None:
    if response.status != 200:
        raise RuntimeError(
            f"redrive sleep endpoint answered {response.status}: {response.body[:300]!r}"
        )
    if _State.reader is not None:
        _State.reader.raise_floor(until)


def sleep_until(until: float) -> None:
    """Block until emulated time reaches ``until`` (epoch seconds)."""
    conn = _sleep_connection()
    if conn is None:
        _follow_until(until)
        return
    try:
        response = conn.request(
            "POST", SLEEP_PATH, _sleep_body(until), {"Content-Type": "application/json"}
        )
    except BaseException:
        conn.close()  # interrupted (signal, KeyboardInterrupt): the engine sees the sleep end
        raise
    _check_sleep_answer(response, until)


def _follow_until(until: float) -> None:
    """Wait for emulated ``until`` by watching the clock file (no endpoint to ask)."""
    reader = _State.reader
    if reader is None:
        delay = until - _real_time()
        if delay > 0:
            _real_sleep(delay)
        return
    while True:
        _, base, real_base, rate, real = reader.read()
        t = base + rate * (real - real_base) if rate else base
        if t >= until:
            reader.raise_floor(until)
            return
        _real_sleep(min((until - t) / rate, 0.05) if rate > 0 else 0.01)


def _seconds(secs: object) -> float:
    """Validate a ``time.sleep`` argument the way CPython does."""
    if isinstance(secs, (str, bytes, bytearray)) or secs is None:
        raise TypeError(f"'{type(secs).__name__}' object cannot be interpreted as an integer")
    try:
        value = float(secs)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"'{type(secs).__name__}' object cannot be interpreted as an integer"
        ) from None
    if math.isnan(value):
        raise ValueError("Invalid value NaN (not a number)")
    if value < 0:
        raise ValueError("sleep length must be non-negative")
    if value > 9.2e9:  # beyond what CPython's _PyTime_t holds in nanoseconds
        raise OverflowError("timestamp too large to convert to C _PyTime_t")
    return value


def sleep(secs: float, /) -> None:
    """Emulated ``time.sleep``."""
    value = _seconds(secs)
    if value == 0:
        return
    sleep_until(deadline(value))


def time_() -> float:
    return now()


def time_ns() -> int:
    return int(now() * 1e9)


def monotonic() -> float:
    return now() - _State.origin


def monotonic_ns() -> int:
    return int((now() - _State.origin) * 1e9)


def gmtime(secs: Any = None) -> time.struct_time:
    return _real_gmtime(now() if secs is None else secs)


def localtime(secs: Any = None) -> time.struct_time:
    return _real_localtime(now() if secs is None else secs)


def ctime(secs: Any = None) -> str:
    return _real_ctime(now() if secs is None else secs)


def asctime(t: Any = _NOT_GIVEN) -> str:
    return _real_asctime(_real_localtime(now()) if t is _NOT_GIVEN else t)


def strftime(format: str, t: Any = _NOT_GIVEN) -> str:
    return _real_strftime(format, _real_localtime(now()) if t is _NOT_GIVEN else t)


_TIME_PATCHES = {
    "time": time_,
    "time_ns": time_ns,
    "monotonic": monotonic,
    "monotonic_ns": monotonic_ns,
    "sleep": sleep,
    "gmtime": gmtime,
    "localtime": localtime,
    "ctime": ctime,
    "asctime": asctime,
    "strftime": strftime,
}


def _builtin_like(name: str, fake: Any, real: Any) -> Any:
    """A callable that, like the C function it replaces, does not bind as a method.

    ``logging.Formatter.converter = time.localtime`` (logging's own default) and
    ``= time.gmtime`` (AWS's runtime) store these as class attributes; a plain Python function
    there would receive the formatter as its first argument.
    """
    kind = type(name, (), {"__call__": staticmethod(fake), "__slots__": ()})
    kind.__module__ = "time"
    kind.__doc__ = real.__doc__

    def __repr__(self: object) -> str:
        return f"<redrive emulated time.{name}>"

    kind.__repr__ = __repr__  # type: ignore[method-assign,assignment]
    return kind()


def _patch_time() -> None:
    for name, fake in _TIME_PATCHES.items():
        real = getattr(time, name, None)
        if real is not None:
            setattr(time, name, _builtin_like(name, fake, real))


# -- datetime ----------------------------------------------------------------------------------


def _patch_datetime(_module: ModuleType) -> None:
    import copyreg
    import datetime as dt

    real_date = dt.date
    real_datetime = dt.datetime
    if getattr(real_datetime, "_redrive_emulated", False):
        return
    utc = dt.timezone.utc

    class DateMeta(type):
        def __instancecheck__(cls, obj: object) -> bool:
            return isinstance(obj, real_date)

        def __subclasscheck__(cls, sub: type) -> bool:
            return issubclass(sub, real_date)

    class DatetimeMeta(DateMeta):
        def __instancecheck__(cls, obj: object) -> bool:
            return isinstance(obj, real_datetime)

        def __subclasscheck__(cls, sub: type) -> bool:
            return issubclass(sub, real_datetime)

    class date(dt.date, metaclass=DateMeta):
        __slots__ = ()
        _redrive_emulated = True

        @classmethod
        def today(cls) -> Any:
            return cls.fromtimestamp(now())

        def __repr__(self) -> str:
            text = real_date.__repr__(self)
            return "datetime." + text if text.startswith("date(") else text

    class datetime(dt.datetime, metaclass=DatetimeMeta):
        __slots__ = ()
        _redrive_emulated = True

        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return cls.fromtimestamp(now(), tz)

        @classmethod
        def utcnow(cls) -> Any:
            if sys.version_info >= (3, 12):
                import warnings

                warnings.warn(
                    "datetime.datetime.utcnow() is deprecated and scheduled for removal in a "
                    "future version. Use timezone-aware objects to represent datetimes in UTC: "
                    "datetime.datetime.now(datetime.UTC).",
                    DeprecationWarning,
                    stacklevel=2,
                )
            return cls.fromtimestamp(now(), utc).replace(tzinfo=None)

        @classmethod
        def today(cls) -> Any:
            return cls.fromtimestamp(now())

        def __repr__(self) -> str:
            text = real_datetime.__repr__(self)
            return "datetime." + text if text.startswith("datetime(") else text

    for fake, real in ((date, real_date), (datetime, real_datetime)):
        fake.__module__ = "datetime"
        fake.__qualname__ = real.__qualname__
        fake.__name__ = real.__name__
        fake.__doc__ = real.__doc__

    # Pickles of the original classes' instances name "datetime.datetime", which is now the
    # emulated class: reduce them to it (unpickling anywhere else gives the real class).
    def reduce_date(obj: Any) -> Any:
        return date, obj.__reduce__()[1]

    def reduce_datetime(obj: Any) -> Any:
        return datetime, obj.__reduce__()[1]

    copyreg.pickle(real_date, reduce_date)
    copyreg.pickle(real_datetime, reduce_datetime)
    dt.date = date  # type: ignore[misc]
    dt.datetime = datetime  # type: ignore[misc]


# -- selectors (asyncio) -----------------------------------------------------------------------


def _patch_selectors(_module: ModuleType) -> None:
    import selectors

    real_default = selectors.DefaultSelector
    if getattr(real_default, "_redrive_emulated", False):
        return
    sleeping = object()

    class EmulatedSelector(selectors.BaseSelector):
        """Waits with a timeout sleep on the emulated clock (see the module docstring).

        Limitation: a wait is one emulated sleep. While it lasts the engine counts the
        environment as sleeping, so under a virtual clock an asyncio handler waiting with a
        timeout on I/O from outside redrive may see the clock jump to that timeout.
        """

        _redrive_emulated = True

        def __init__(self) -> None:
            self._inner = real_default()

        def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
            return self._inner.register(fileobj, events, data)

        def unregister(self, fileobj: Any) -> selectors.SelectorKey:
            return self._inner.unregister(fileobj)

        def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
            return self._inner.modify(fileobj, events, data)

        def get_key(self, fileobj: Any) -> selectors.SelectorKey:
            return self._inner.get_key(fileobj)

        def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
            return self._inner.get_map()

        def close(self) -> None:
            self._inner.close()

        def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
            inner = self._inner
            if timeout is None or timeout <= 0 or _State.reader is None:
                return inner.select(timeout)
            ready = inner.select(0)
            if ready:
                return ready
            until = deadline(timeout)
            conn = _sleep_connection()
            if conn is None:
                return self._follow(until)
            for attempt in (1, 2):
                try:
                    return self._sleep_or_io(conn, until)
                except _http.StaleConnection:
                    conn.close()
                    if attempt == 2:
                        raise
                except BaseException:
                    conn.close()
                    raise
            raise AssertionError("unreachable")  # pragma: no cover

        def _sleep_or_io(
            self, conn: _http.Connection, until: float
        ) -> list[tuple[selectors.SelectorKey, int]]:
            inner = self._inner
            conn.send("POST", SLEEP_PATH, _sleep_body(until), {"Content-Type": "application/json"})
            fd = conn.fileno()
            inner.register(fd, selectors.EVENT_READ, sleeping)
            try:
                events = inner.select(None)
            finally:
                inner.unregister(fd)
            mine = [(key, ev) for key, ev in events if key.data is not sleeping]
            if len(mine) == len(events):
                conn.close()  # real I/O came first: closing the connection cancels the sleep
                return mine
            _check_sleep_answer(conn.read_response(), until)
            return mine or inner.select(0)

        def _follow(self, until: float) -> list[tuple[selectors.SelectorKey, int]]:
            """No endpoint (child process): watch the clock file, polling for I/O."""
            while True:
                remaining = until - now()
                if remaining <= 0:
                    return self._inner.select(0)
                ready = self._inner.select(0.01)
                if ready:
                    return ready

    selectors.DefaultSelector = EmulatedSelector  # type: ignore[misc,assignment]


# -- patching modules when they are first imported --------------------------------------------


class _PostImportHook:
    """Runs callbacks right after a module is first imported, before its importer sees it.

    Lets the shim (and the bootstrap's logging set-up) leave ``datetime``, ``selectors`` and
    ``logging`` unimported - and unpaid for at start-up - in handlers that never use them.
    """

    def __init__(self) -> None:
        self.waiting: dict[str, list[Callable[[ModuleType], None]]] = {}

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in self.waiting:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _PostImportLoader(spec.loader, self)  # type: ignore[assignment]
        return spec

    def run(self, module: ModuleType) -> None:
        for callback in self.waiting.pop(module.__name__, []):
            callback(module)
        if not self.waiting and self in sys.meta_path:
            sys.meta_path.remove(self)


class _PostImportLoader:
    def __init__(self, inner: Any, hook: _PostImportHook) -> None:
        self._inner = inner
        self._hook = hook

    def create_module(self, spec: Any) -> Any:
        return self._inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._inner.exec_module(module)
        module.__loader__ = self._inner
        if module.__spec__ is not None:
            module.__spec__.loader = self._inner
        self._hook.run(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


_hook = _PostImportHook()


def when_imported(name: str, callback: Callable[[ModuleType], None]) -> None:
    """Call ``callback(module)`` once the top-level module ``name`` is imported (now if it is)."""
    module = sys.modules.get(name)
    if module is not None:
        callback(module)
        return
    _hook.waiting.setdefault(name, []).append(callback)
    if _hook not in sys.meta_path:
        sys.meta_path.insert(0, _hook)


# -- install -----------------------------------------------------------------------------------


def install() -> bool:
    """Patch time, datetime and selectors; returns whether the shim is (now) installed."""
    if _State.installed:
        return True
    path = os.environ.get(ENV_CLOCK_FILE)
    if not path:
        return False
    reader = _State.reader = ClockReader(path)
    os.environ.setdefault(ENV_SHIM_PID, str(os.getpid()))
    try:
        _State.origin = float(os.environ[ENV_MONOTONIC_ORIGIN])
    except (KeyError, ValueError):
        _State.origin = reader.now() - _real_monotonic()
        os.environ[ENV_MONOTONIC_ORIGIN] = repr(_State.origin)
    _patch_time()
    when_imported("datetime", _patch_datetime)
    when_imported("selectors", _patch_selectors)
    _State.installed = True
    return True
