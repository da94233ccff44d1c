"""Valid sample values for any botocore shape, generated from the model.

``sample_value(shape, seed_or_rng, depth)`` honours what the model says about a value:
enums, min/max length, min/max range, and (loosely) ``pattern``. Strings prefer simple
lower-case alphanumerics; when a pattern compiles with Python's ``re`` and the simple
candidates do not match it, a string is generated from the pattern itself. Timestamps are aware
UTC datetimes with whole milliseconds (whole seconds in headers: botocore writes those from
whole epoch seconds), blobs are bytes, and recursion stops at ``depth``: below it a structure
carries only its required members (or one member, never none: empty structures do not survive
the query protocol).

The same seed gives the same value every time.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
import re
import string
import sys
from collections.abc import Iterator
from typing import Any

from botocore.model import OperationModel, Shape

if sys.version_info >= (3, 11):
    import re._constants as sre_constants
    import re._parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants
    import sre_parse

__all__ = [
    "sample_input",
    "sample_output",
    "sample_value",
]

UTC = dt.timezone.utc
_EPOCH_START = dt.datetime(2020, 1, 1, tzinfo=UTC)
_ALNUM = string.ascii_lowercase + string.digits
_PREFERRED_CHARS = string.ascii_lowercase + string.digits + string.ascii_uppercase + "-_."
_HARD_DEPTH_FLOOR = -4


def sample_value(shape: Shape, seed_or_rng: int | random.Random = 0, depth: int = 4) -> Any:
    """A valid value for ``shape``."""
    rng = seed_or_rng if isinstance(seed_or_rng, random.Random) else random.Random(seed_or_rng)
    return _value(shape, rng, depth)


def sample_input(operation: OperationModel, seed: int = 0, depth: int = 4) -> dict[str, Any]:
    """Sample input parameters for ``operation`` (``{}`` when it takes none)."""
    if operation.input_shape is None:
        return {}
    value: dict[str, Any] = sample_value(operation.input_shape, seed, depth)
    return value


def sample_output(operation: OperationModel, seed: int = 0, depth: int = 4) -> dict[str, Any]:
    """A sample output structure for ``operation`` (``{}`` when it returns none)."""
    if operation.output_shape is None:
        return {}
    value: dict[str, Any] = sample_value(operation.output_shape, seed, depth)
    return value


# -- per type ---------------------------------------------------------------------------------


def _value(shape: Shape, rng: random.Random, depth: int) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, rng, depth)
    if kind == "list":
        return _list(shape, rng, depth)
    if kind == "map":
        return _map(shape, rng, depth)
    if kind == "string":
        return _string(shape, rng)
    if kind in ("integer", "long", "short", "byte"):
        return _integer(shape, rng)
    if kind in ("float", "double"):
        return _float(shape, rng)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "timestamp":
        return _timestamp(shape, rng)
    if kind == "blob":
        return _blob(shape, rng)
    raise TypeError(f"no sample for shape type {kind!r} ({shape.name})")


def _structure(shape: Shape, rng: random.Random, depth: int) -> dict[str, Any]:
    if shape.metadata.get("document"):
        return {"doc": "value", "n": 1}
    members = shape.members
    required = set(shape.required_members)
    usable = [
        name
        for name, member in members.items()
        if not member.serialization.get("eventstream")
        and not member.metadata.get("eventstream")
        and not _is_event_stream(member)
    ]
    if shape.metadata.get("union"):
        if not usable:
            return {}
        name = usable[rng.randrange(len(usable))] if depth > 0 else usable[0]
        return {name: _value(members[name], rng, depth - 1)}
    result: dict[str, Any] = {}
    for name in usable:
        if depth <= 0 and name not in required:
            continue
        if depth < _HARD_DEPTH_FLOOR:
            continue
        result[name] = _value(members[name], rng, depth - 1)
    if not result and usable:
        # An empty structure does not survive every protocol (query writes nothing for it):
        # give it one member, a scalar if there is one.
        scalars = [n for n in usable if members[n].type_name not in _CONTAINERS]
        name = (scalars or usable)[0]
        result[name] = _value(members[name], rng, min(depth - 1, 0))
    return result


_CONTAINERS = ("structure", "list", "map")


def _is_event_stream(shape: Shape) -> bool:
    return shape.type_name == "structure" and bool(shape.serialization.get("eventstream"))


def _count(shape: Shape, rng: random.Random, depth: int) -> int:
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", low + 2))
    if depth <= 0:
        return max(low, 1) if depth > _HARD_DEPTH_FLOOR else low
    return max(low, min(high, 1 + rng.randrange(2)))


def _list(shape: Shape, rng: random.Random, depth: int) -> list[Any]:
    count = _count(shape, rng, depth)
    values = [_value(shape.member, rng, depth - 1) for _ in range(count)]
    return values


def _map(shape: Shape, rng: random.Random, depth: int) -> dict[Any, Any]:
    count = _count(shape, rng, depth)
    result: dict[Any, Any] = {}
    for attempt in range(count * 4):
        if len(result) >= count:
            break
        key = _value(shape.key, rng, depth - 1)
        if key in result and attempt < count * 4 - 1:
            continue
        result[key] = _value(shape.value, rng, depth - 1)
    return result


def _integer(shape: Shape, rng: random.Random) -> int:
    if shape.serialization.get("location") == "statusCode":
        return 200  # becomes the HTTP status of the response
    low = _bound(shape.metadata.get("min"), 0)
    high = _bound(shape.metadata.get("max"), low + 100)
    low_i = int(low) if float(low).is_integer() else int(low) + 1
    high_i = int(high)
    return rng.randint(low_i, min(high_i, low_i + 100))


def _float(shape: Shape, rng: random.Random) -> float:
    low = float(_bound(shape.metadata.get("min"), 0))
    high = float(_bound(shape.metadata.get("max"), low + 100))
    # quarters are exact in binary and in every textual format
    steps = int(min(high - low, 100) * 4)
    base = float(int(low * 4)) / 4
    if base < low:
        base += 0.25
    return base + 0.25 * rng.randint(0, max(steps - 1, 0))


def _bound(value: Any, default: float) -> float:
    if value is None:
        return default
    return float(value)


def _timestamp(shape: Shape, rng: random.Random) -> dt.datetime:
    seconds = rng.randrange(0, 4 * 365 * 86400)
    in_header = shape.serialization.get("location") == "header"
    fmt = shape.serialization.get("timestampFormat") or shape.metadata.get("timestampFormat")
    # botocore writes header timestamps from whole epoch seconds, whatever their format
    whole_seconds = fmt == "rfc822" or in_header
    millis = 0 if whole_seconds else rng.randrange(1000)
    return _EPOCH_START + dt.timedelta(seconds=seconds, milliseconds=millis)


def _blob(shape: Shape, rng: random.Random) -> bytes:
    length = _length(shape, 12)
    return bytes(rng.choice(_ALNUM.encode()) for _ in range(length))


def _length(shape: Shape, preferred: int) -> int:
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", max(low, preferred)))
    return max(low, min(high, preferred))


# -- strings ----------------------------------------------------------------------------------


def _string(shape: Shape, rng: random.Random) -> Any:
    enum = shape.metadata.get("enum")
    if enum:
        return enum[rng.randrange(len(enum))]
    if shape.serialization.get("jsonvalue") or shape.metadata.get("jsonvalue"):
        return {"key": "value"}
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", max(low, 64)))
    length = max(low, min(high, 10))
    pattern = shape.metadata.get("pattern")
    simple = _simple(rng, length)
    if not pattern:
        return simple
    try:
        compiled = re.compile(pattern)
    except (re.error, OverflowError, ValueError):
        return simple  # not a Python regex (\p{L}, ...): the simple string is the best guess
    candidates = itertools.chain(
        [
            simple,
            "".join(rng.choice(string.ascii_lowercase) for _ in range(length)),
            "".join(rng.choice(string.digits) for _ in range(length)),
            "1" + "".join(rng.choice(string.digits) for _ in range(max(length - 1, 0))),
        ],
        _from_pattern(pattern, rng, low, high),
    )
    for candidate in candidates:
        if low <= len(candidate) <= high and compiled.fullmatch(candidate):
            return candidate
    return simple


def _simple(rng: random.Random, length: int) -> str:
    if length == 0:
        return ""
    return rng.choice(string.ascii_lowercase) + "".join(
        rng.choice(_ALNUM) for _ in range(length - 1)
    )


def _from_pattern(pattern: str, rng: random.Random, low: int, high: int) -> Iterator[str]:
    """Strings generated from ``pattern`` with several repeat counts and branch choices."""
    parsed = _parse(pattern)
    if parsed is None:
        return
    for repeat in (max(low, 1), 1, 3, 8, 16, max(low, 1) * 2, high if high < 200 else 32):
        for branch in ("first", "last", "random"):
            try:
                yield _gen(parsed, rng, repeat, branch)
            except _CannotGenerate:
                continue


@functools.cache
def _parse(pattern: str) -> Any:
    try:
        return sre_parse.parse(pattern)
    except (re.error, OverflowError, ValueError):
        return None


class _CannotGenerate(Exception):
    pass


def _gen(items: Any, rng: random.Random, repeat: int, branch: str) -> str:
    out: list[str] = []
    for op, arg in items:
        out.append(_gen_one(op, arg, rng, repeat, branch))
    return "".join(out)


def _gen_one(op: Any, arg: Any, rng: random.Random, repeat: int, branch: str) -> str:
    c = sre_constants
    if op == c.LITERAL:
        return chr(arg)
    if op == c.NOT_LITERAL:
        return next(ch for ch in _PREFERRED_CHARS if ord(ch) != arg)
    if op == c.ANY:
        return rng.choice(_ALNUM)
    if op == c.IN:
        return _gen_in(arg, rng)
    if op == c.BRANCH:
        options = arg[1]
        if branch == "first":
            chosen = options[0]
        elif branch == "last":
            chosen = options[-1]
        else:
            chosen = options[rng.randrange(len(options))]
        return _gen(chosen, rng, repeat, branch)
    if op == c.SUBPATTERN:
        return _gen(arg[-1], rng, repeat, branch)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) or getattr(c, "POSSESSIVE_REPEAT", None) == op:
        low, high, sub = arg
        top = high if high != c.MAXREPEAT else max(low, repeat)
        count = max(low, min(top, repeat))
        # nested repeats stay short: the outer count already sets the length
        return "".join(_gen(sub, rng, 1, branch) for _ in range(count))
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""
    if op == c.CATEGORY:
        return _category(arg)
    raise _CannotGenerate(str(op))


def _category(category: Any) -> str:
    c = sre_constants
    if category in (c.CATEGORY_DIGIT,):
        return "1"
    if category in (c.CATEGORY_WORD, c.CATEGORY_NOT_SPACE, c.CATEGORY_NOT_DIGIT):
        return "a"
    if category in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD):
        return " "
    raise _CannotGenerate(str(category))


def _gen_in(items: Any, rng: random.Random) -> str:
    return rng.choice(_char_pool(tuple(items)))


@functools.cache
def _char_pool(items: tuple[Any, ...]) -> list[str]:
    c = sre_constants
    negate = False
    allowed: list[str] = []
    excluded_literals: set[int] = set()
    excluded_ranges: list[tuple[int, int]] = []
    for op, arg in items:
        if op == c.NEGATE:
            negate = True
        elif op == c.LITERAL:
            allowed.append(chr(arg))
            excluded_literals.add(arg)
        elif op == c.RANGE:
            allowed.extend(chr(code) for code in range(arg[0], min(arg[1], arg[0] + 200) + 1))
            excluded_ranges.append(arg)
        elif op == c.CATEGORY:
            allowed.append(_category(arg))
        else:
            raise _CannotGenerate(str(op))
    if negate:
        for ch in _PREFERRED_CHARS:
            code = ord(ch)
            if code in excluded_literals:
                continue
            if any(lo <= code <= hi for lo, hi in excluded_ranges):
                continue
            return [ch]
        raise _CannotGenerate("negated set excludes every preferred character")
    preferred = [ch for ch in allowed if ch in _ALNUM]
    pool = preferred or [ch for ch in allowed if ch.isprintable() and ch != " "] or allowed
    if not pool:
        raise _CannotGenerate("empty set")
    return sorted(set(pool))
