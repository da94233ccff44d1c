"""Walking botocore shapes over JSON-like documents, shared by json, rest-json and cbor.

A *document* is what a body decoder produced (``json.loads`` or ``cbor2``): dicts, lists,
strings, numbers, booleans and None, plus bytes and datetimes for CBOR. The walkers here turn a
document into the plain values of :mod:`redrive.wire.protocols.base` (``parse_*``) and plain
values into a document ready for the encoder (``dump_*``), dispatching on the shape's
``type_name``.

The two formats differ only in the leaves JSON lacks, so each has a :class:`Codec`:

============  ===========================================  ==================================
type          JSON                                         CBOR
============  ===========================================  ==================================
blob          base64 string                                byte string
timestamp     epoch seconds, unless ``timestampFormat``    tag 1 around epoch seconds
float         number; ``"NaN"``, ``"Infinity"``,           number (CBOR has NaN and infinity)
              ``"-Infinity"`` as strings
member names  ``serialization.name`` (``jsonName``) first  the member name (botocore's CBOR
                                                           parser reads nothing else)
============  ===========================================  ==================================

Parsers raise :class:`~redrive.errors.MalformedRequest` for any value of the wrong type, naming
the member; dumpers raise ``TypeError`` for service output of the wrong type, which is a bug in
the service. Both skip None.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Mapping
from email.utils import formatdate
from typing import Any

import cbor2
import orjson
from botocore.model import ServiceModel, Shape

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.shapes import (
    SPECIAL_FLOATS,
    UTC,
    error_shape,
    float_text,
    is_query_compatible,
    parse_timestamp,
    structure_shape_for_error,
    to_datetime,
)

__all__ = [
    "CBOR",
    "JSON",
    "Codec",
    "blob_bytes",
    "decode_json_document",
    "dump_structure",
    "dump_value",
    "encode_json",
    "error_document",
    "error_fields",
    "format_timestamp",
    "message_key",
    "parse_structure",
    "parse_value",
    "query_error_header",
]


def _kind(value: object) -> str:
    """A short name for a value's type in error messages, in the document's own terms."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, (bytes, bytearray)):
        return "byte string"
    return type(value).__name__


def _malformed(path: str, expected: str, value: object) -> MalformedRequest:
    where = path or "input"
    return MalformedRequest(f"Expected {expected} for {where}, got {_kind(value)}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def format_timestamp(value: object, timestamp_format: str) -> str | int | float:
    """An output timestamp in ``timestamp_format`` (iso8601, rfc822 or unixtimestamp).

    Precision is whole milliseconds, as AWS sends; RFC 822 has whole seconds only.
    """
    moment = to_datetime(value).astimezone(UTC)
    millis = moment.microsecond // 1000
    fmt = timestamp_format.lower()
    if fmt == "iso8601":
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{text}.{millis:03d}Z" if millis else f"{text}Z"
    if fmt == "rfc822":
        return formatdate(int(moment.replace(microsecond=0).timestamp()), usegmt=True)
    return _epoch(moment)


def _epoch(moment: dt.datetime) -> int | float:
    """Epoch seconds of an aware datetime: an int when whole, else rounded to milliseconds."""
    millis = moment.microsecond // 1000
    whole = int(moment.replace(microsecond=0).timestamp())
    return round(whole + millis / 1000, 3) if millis else whole


def _timestamp(value: object, path: str) -> dt.datetime:
    try:
        return parse_timestamp(value)
    except MalformedRequest as exc:
        raise MalformedRequest(f"{exc.message} for {path or 'input'}") from exc


class Codec:
    """The leaves of one document format. Subclasses: :data:`JSON` and :data:`CBOR`."""

    #: default ``timestampFormat`` for timestamps in the body
    default_timestamp_format = "unixTimestamp"

    def member_keys(self, name: str, member: Shape) -> tuple[str, ...]:
        """Keys under which a member may appear in a request document, preferred first."""
        wire_name = member.serialization.get("name")
        if wire_name and wire_name != name:
            return (wire_name, name)
        return (name,)

    def output_key(self, name: str, member: Shape) -> str:
        """The key a member is written under."""
        return str(member.serialization.get("name", name))

    def is_null(self, value: object) -> bool:
        return value is None

    def parse_blob(self, value: object, path: str) -> bytes:
        raise NotImplementedError

    def parse_timestamp(self, value: object, path: str) -> dt.datetime:
        raise NotImplementedError

    def parse_float(self, value: object, path: str) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError as exc:
                raise MalformedRequest(f"Number out of range for {path or 'input'}") from exc
        raise _malformed(path, "a number", value)

    def dump_blob(self, value: bytes) -> object:
        raise NotImplementedError

    def dump_timestamp(self, value: object, shape: Shape) -> object:
        raise NotImplementedError

    def dump_float(self, value: float) -> object:
        return value


class _JsonCodec(Codec):
    def parse_blob(self, value: object, path: str) -> bytes:
        if not isinstance(value, str):
            raise _malformed(path, "a base64 string", value)
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedRequest(f"Invalid base64 value for {path or 'input'}") from exc

    def parse_timestamp(self, value: object, path: str) -> dt.datetime:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _malformed(path, "a timestamp", value)
        return _timestamp(value, path)

    def parse_float(self, value: object, path: str) -> float:
        if isinstance(value, str) and value in SPECIAL_FLOATS:
            return SPECIAL_FLOATS[value]
        return super().parse_float(value, path)

    def dump_blob(self, value: bytes) -> object:
        return base64.b64encode(value).decode("ascii")

    def dump_timestamp(self, value: object, shape: Shape) -> object:
        fmt = shape.serialization.get("timestampFormat", self.default_timestamp_format)
        return format_timestamp(value, str(fmt))

    def dump_float(self, value: float) -> object:
        return value if math.isfinite(value) else float_text(value)


class _CborCodec(Codec):
    def output_key(self, name: str, member: Shape) -> str:
        # botocore's RpcV2CBORParser looks members up by member name only.
        return name

    def member_keys(self, name: str, member: Shape) -> tuple[str, ...]:
        # botocore's CBOR serializer writes ``serialization.name`` when a member has one.
        wire_name = member.serialization.get("name")
        if wire_name and wire_name != name:
            return (name, wire_name)
        return (name,)

    def is_null(self, value: object) -> bool:
        return value is None or value is cbor2.undefined

    def parse_blob(self, value: object, path: str) -> bytes:
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        raise _malformed(path, "a byte string", value)

    def parse_timestamp(self, value: object, path: str) -> dt.datetime:
        # cbor2 decodes tag 1 (and tag 0) into aware datetimes; bare numbers are tolerated.
        if isinstance(value, dt.datetime):
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _timestamp(value, path)
        raise _malformed(path, "a timestamp (tag 1)", value)

    def dump_blob(self, value: bytes) -> object:
        return value

    def dump_timestamp(self, value: object, shape: Shape) -> object:
        # RPC v2 CBOR ignores timestampFormat: always tag 1 around epoch seconds.
        return cbor2.CBORTag(1, _epoch(to_datetime(value).astimezone(UTC)))


JSON: Codec = _JsonCodec()
CBOR: Codec = _CborCodec()


# --- parsing: document -> plain values ---------------------------------------------------


def parse_value(shape: Shape, value: object, codec: Codec, path: str = "") -> Any:
    """The plain value of ``value`` (a decoded document node) as ``shape`` describes it."""
    parser = _PARSERS.get(shape.type_name)
    if parser is None:
        raise MalformedRequest(f"Unsupported member type {shape.type_name} at {path or 'input'}")
    return parser(shape, value, codec, path)


def parse_structure(
    shape: Shape,
    value: object,
    codec: Codec,
    path: str = "",
    members: Iterable[str] | None = None,
) -> dict[str, Any]:
    """A structure's members found in ``value``; ``members`` limits which are read.

    Unknown keys are ignored, null members are absent.
    """
    if getattr(shape, "is_document_type", False):
        raise MalformedRequest(f"Document type not allowed at {path or 'input'}")
    if not isinstance(value, Mapping):
        raise _malformed(path, "an object", value)
    shape_members = shape.members
    names = shape_members if members is None else members
    parsed: dict[str, Any] = {}
    for name in names:
        member = shape_members[name]
        for key in codec.member_keys(name, member):
            if key in value:
                raw = value[key]
                if not codec.is_null(raw):
                    parsed[name] = parse_value(member, raw, codec, _join(path, name))
                break
    return parsed


def _parse_structure(shape: Shape, value: object, codec: Codec, path: str) -> Any:
    if getattr(shape, "is_document_type", False):
        return value
    return parse_structure(shape, value, codec, path)


def _parse_list(shape: Shape, value: object, codec: Codec, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _malformed(path, "an array", value)
    member = shape.member
    return [
        parse_value(member, item, codec, f"{path}[{index}]")
        for index, item in enumerate(value)
        if not codec.is_null(item)
    ]


def _parse_map(shape: Shape, value: object, codec: Codec, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _malformed(path, "an object", value)
    value_shape = shape.value
    parsed: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _malformed(path, "string keys", key)
        if not codec.is_null(item):
            parsed[key] = parse_value(value_shape, item, codec, _join(path, key))
    return parsed


def _parse_string(shape: Shape, value: object, codec: Codec, path: str) -> Any:
    if isinstance(value, str):
        return value
    if shape.serialization.get("jsonvalue"):
        return value  # a JSON value carried in the body as itself, as botocore passes it
    raise _malformed(path, "a string", value)


def _parse_integer(shape: Shape, value: object, codec: Codec, path: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _malformed(path, "an integer", value)


def _parse_float(shape: Shape, value: object, codec: Codec, path: str) -> float:
    return codec.parse_float(value, path)


def _parse_boolean(shape: Shape, value: object, codec: Codec, path: str) -> bool:
    if isinstance(value, bool):
        return value
    raise _malformed(path, "a boolean", value)


def _parse_blob(shape: Shape, value: object, codec: Codec, path: str) -> bytes:
    return codec.parse_blob(value, path)


def _parse_timestamp(shape: Shape, value: object, codec: Codec, path: str) -> dt.datetime:
    return codec.parse_timestamp(value, path)


_Parser = Callable[[Shape, object, Codec, str], Any]

_PARSERS: dict[str, _Parser] = {
    "structure": _parse_structure,
    "list": _parse_list,
    "map": _parse_map,
    "string": _parse_string,
    "integer": _parse_integer,
    "long": _parse_integer,
    "float": _parse_float,
    "double": _parse_float,
    "boolean": _parse_boolean,
    "blob": _parse_blob,
    "timestamp": _parse_timestamp,
}


def decode_json_document(body: bytes) -> object | None:
    """``body`` decoded as JSON; None when it is empty. Raises MalformedRequest."""
    if not body.strip():
        return None
    try:
        document: object = orjson.loads(body)
    except orjson.JSONDecodeError:
        # What orjson refuses (integers beyond 64 bits, UTF-16/32 or a BOM, NaN, very deep
        # nesting) is decided by the standard library, as before orjson was used here.
        try:
            document = json.loads(body)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
            raise MalformedRequest(f"Could not parse request body as JSON: {exc}") from exc
    if document is None:
        raise MalformedRequest("Request body must be a JSON object, not null")
    return document


def encode_json(document: object) -> bytes:
    """Compact JSON for a response body, UTF-8 (orjson; what it cannot encode goes through
    :mod:`json`). Float members never hold NaN or infinities here: :func:`_dump_float` has
    turned them into AWS's strings already."""
    try:
        return orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # integers beyond 64 bits, lone surrogates, other types
        return json.dumps(document, separators=(",", ":"), allow_nan=False).encode("utf-8")


# --- dumping: plain values -> document ---------------------------------------------------


def dump_value(shape: Shape, value: object, codec: Codec, path: str = "") -> Any:
    """The document node for ``value`` (service output) as ``shape`` describes it."""
    dumper = _DUMPERS.get(shape.type_name)
    if dumper is None:
        raise TypeError(f"unsupported shape type {shape.type_name} at {path or 'output'}")
    return dumper(shape, value, codec, path)


def dump_structure(
    shape: Shape,
    value: Mapping[str, Any],
    codec: Codec,
    path: str = "",
    members: Iterable[str] | None = None,
) -> dict[str, Any]:
    """A structure's document: only members of the shape (or of ``members``), None skipped."""
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping for {path or 'output'}, got {type(value).__name__}")
    shape_members = shape.members
    names = shape_members if members is None else members
    document: dict[str, Any] = {}
    for name in names:
        item = value.get(name)
        if item is None:
            continue
        member = shape_members[name]
        if member.serialization.get("eventstream"):
            continue  # event streams are not supported by these serializers
        document[codec.output_key(name, member)] = dump_value(
            member, item, codec, _join(path, name)
        )
    return document


def _dump_structure(shape: Shape, value: object, codec: Codec, path: str) -> Any:
    if getattr(shape, "is_document_type", False):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping for {path or 'output'}, got {type(value).__name__}")
    return dump_structure(shape, value, codec, path)


def _dump_list(shape: Shape, value: object, codec: Codec, path: str) -> list[Any]:
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"expected a list for {path}, got {type(value).__name__}")
    member = shape.member
    return [
        dump_value(member, item, codec, f"{path}[{index}]")
        for index, item in enumerate(value)
        if item is not None
    ]


def _dump_map(shape: Shape, value: object, codec: Codec, path: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping for {path}, got {type(value).__name__}")
    value_shape = shape.value
    return {
        str(key): dump_value(value_shape, item, codec, _join(path, str(key)))
        for key, item in value.items()
        if item is not None
    }


def _dump_string(shape: Shape, value: object, codec: Codec, path: str) -> Any:
    if isinstance(value, str):
        return str(value)
    if shape.serialization.get("jsonvalue"):
        return value  # a JSON value (not only its text) the service hands back as is
    raise TypeError(f"expected a string for {path}, got {type(value).__name__}")


def _dump_integer(shape: Shape, value: object, codec: Codec, path: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer for {path}, got {value!r}")


def _dump_float(shape: Shape, value: object, codec: Codec, path: str) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return codec.dump_float(float(value))
    raise TypeError(f"expected a number for {path}, got {type(value).__name__}")


def _dump_boolean(shape: Shape, value: object, codec: Codec, path: str) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"expected a boolean for {path}, got {type(value).__name__}")


def _dump_blob(shape: Shape, value: object, codec: Codec, path: str) -> object:
    return codec.dump_blob(blob_bytes(value, path))


def blob_bytes(value: object, path: str = "") -> bytes:
    """An output blob as bytes (``str`` is UTF-8 encoded)."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"expected bytes for {path or 'output'}, got {type(value).__name__}")


def _dump_timestamp(shape: Shape, value: object, codec: Codec, path: str) -> object:
    return codec.dump_timestamp(value, shape)


_Dumper = Callable[[Shape, object, Codec, str], Any]

_DUMPERS: dict[str, _Dumper] = {
    "structure": _dump_structure,
    "list": _dump_list,
    "map": _dump_map,
    "string": _dump_string,
    "integer": _dump_integer,
    "long": _dump_integer,
    "float": _dump_float,
    "double": _dump_float,
    "boolean": _dump_boolean,
    "blob": _dump_blob,
    "timestamp": _dump_timestamp,
}


# --- errors -----------------------------------------------------------------------------


def message_key(shape: Shape | None, codec: Codec) -> str:
    """Where an error's message goes: the shape's own message member, else ``message``."""
    if shape is not None:
        for name, member in shape.members.items():
            if name.lower() == "message" and not member.serialization.get("location"):
                return codec.output_key(name, member)
    return "message"


def error_fields(
    shape: Shape | None, error: ServiceError, codec: Codec, *, body_only: bool = False
) -> dict[str, Any]:
    """The error's extra ``fields`` as document members.

    Fields that are members of the error shape are dumped through it; other fields are copied
    as given. With ``body_only``, members the shape locates elsewhere (headers) are left out.
    """
    document: dict[str, Any] = {}
    members = shape.members if shape is not None else {}
    for name, value in error.fields.items():
        if value is None:
            continue
        member = members.get(name)
        if member is None:
            document[name] = value
        elif body_only and member.serialization.get("location"):
            continue
        else:
            document[codec.output_key(name, member)] = dump_value(member, value, codec, name)
    return document


def error_document(service: ServiceModel, error: ServiceError, codec: Codec) -> dict[str, Any]:
    """``{"__type": <shape name>, "message": ...}`` plus the error's fields (json, cbor)."""
    info = error_shape(service, error.code)
    shape = structure_shape_for_error(service, info.shape_name)
    document: dict[str, Any] = {"__type": info.shape_name, message_key(shape, codec): error.message}
    document.update(error_fields(shape, error, codec))
    return document


def query_error_header(service: ServiceModel, error: ServiceError) -> dict[str, str]:
    """``x-amzn-query-error`` for ``awsQueryCompatible`` services, else nothing."""
    if not is_query_compatible(service):
        return {}
    info = error_shape(service, error.code)
    fault = "Sender" if error.sender_fault else "Receiver"
    return {"x-amzn-query-error": f"{info.query_code};{fault}"}
