"""XML values walked from botocore shapes, shared by the query and rest-xml protocols.

Writing (service output to XML text) follows what botocore's ``QueryParser`` and
``RestXMLParser`` read:

* a structure is an element holding one child element per member, named by the member's
  ``locationName`` (the member name otherwise); ``xmlAttribute`` members are attributes of the
  structure's element; a shape's ``xmlNamespace`` becomes an ``xmlns`` (or ``xmlns:prefix``)
  attribute on its element;
* a list is ``<Name><member>..</member></Name>`` (the list member's ``locationName`` instead of
  ``member`` when it has one), or, when ``flattened``, one ``<Name>`` element per item, where
  ``Name`` is the list member's ``locationName`` if it has one;
* a map is ``<Name><entry><key>..</key><value>..</value></entry></Name>`` (``key``/``value``
  renamed by the key and value shapes' ``locationName``), or, when ``flattened``, one
  ``<Name><key>..</key><value>..</value></Name>`` per entry;
* scalars are text: booleans ``true``/``false``, floats with ``NaN``/``Infinity``/
  ``-Infinity``, blobs base64, timestamps ISO 8601 with milliseconds and ``Z`` unless the
  shape's ``timestampFormat`` says ``rfc822`` or ``unixTimestamp``.

Reading (rest-xml request bodies) accepts what botocore's ``RestXMLSerializer`` writes, which
is the same layout; namespaces are ignored, as botocore ignores them. Bodies are parsed with
:mod:`xml.etree.ElementTree` with document type declarations refused (so no entities, no
external resources).

:func:`parse_text` reads one scalar from text; the query protocol uses it for form values.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Iterable, Mapping
from email.utils import formatdate
from typing import Any
from xml.etree import ElementTree as ET

from botocore.model import Shape

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.shapes import SPECIAL_FLOATS, UTC, float_text, parse_timestamp, to_datetime

__all__ = [
    "XML_DECLARATION",
    "element_name",
    "escape_attribute",
    "escape_text",
    "format_timestamp",
    "local_name",
    "namespace_attribute",
    "parse_document",
    "parse_text",
    "read_members",
    "read_value",
    "scalar_text",
    "write_error_fields",
    "write_members",
    "write_value",
]

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

_INTEGER = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER_TYPES = frozenset({"integer", "long", "short", "byte"})
_FLOAT_TYPES = frozenset({"float", "double"})
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#xD;",
        "\n": "&#xA;",
        "\t": "&#x9;",
    }
)
#: element names an error's own fields may not take (the protocols write these themselves)
_RESERVED_ERROR_ELEMENTS = frozenset({"Code", "Message", "Type", "RequestId", "HostId"})


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- names ------------------------------------------------------------------------------


def element_name(name: str, member: Shape) -> str:
    """The element name of structure member ``name`` (as botocore's XML parsers look it up).

    A flattened list whose member shape has a ``locationName`` repeats under that name.
    """
    if member.type_name == "list" and member.serialization.get("flattened"):
        item_name = member.member.serialization.get("name")
        if item_name:
            return str(item_name)
    return str(member.serialization.get("name", name))


def local_name(tag: str) -> str:
    """An ElementTree tag or attribute name without its ``{namespace}``."""
    return tag.rsplit("}", 1)[1] if tag.startswith("{") else tag


def namespace_attribute(shape: Shape) -> str:
    """`` xmlns="..."`` (or ``xmlns:prefix``) for a shape with ``xmlNamespace``, else ``""``."""
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, str):
        return f' xmlns="{escape_attribute(namespace)}"'
    if isinstance(namespace, Mapping) and namespace.get("uri"):
        prefix = namespace.get("prefix")
        attribute = f"xmlns:{prefix}" if prefix else "xmlns"
        return f' {attribute}="{escape_attribute(str(namespace["uri"]))}"'
    return ""


# --- scalars ------------------------------------------------------------------------------


def escape_text(text: str) -> str:
    """``text`` escaped for element content (``\\r`` kept as a character reference)."""
    return text.translate(_TEXT_ESCAPES)


def escape_attribute(text: str) -> str:
    """``text`` escaped for a double-quoted attribute value."""
    return text.translate(_ATTRIBUTE_ESCAPES)


def format_timestamp(value: object, timestamp_format: str = "iso8601") -> str:
    """An output timestamp as text: ISO 8601 with milliseconds and ``Z`` by default."""
    moment = to_datetime(value).astimezone(UTC)
    fmt = timestamp_format.lower()
    if fmt == "rfc822":
        return formatdate(int(moment.replace(microsecond=0).timestamp()), usegmt=True)
    millis = moment.microsecond // 1000
    if fmt == "unixtimestamp":
        whole = int(moment.replace(microsecond=0).timestamp())
        return f"{whole}.{millis:03d}" if millis else str(whole)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def scalar_text(shape: Shape, value: object, path: str = "") -> str:
    """The text of an output scalar. Raises TypeError for a value of the wrong type."""
    kind = shape.type_name
    where = path or "output"
    if kind == "string":
        if isinstance(value, str):
            return value
    elif kind == "boolean":
        if isinstance(value, bool):
            return "true" if value else "false"
    elif kind in _INTEGER_TYPES:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
    elif kind in _FLOAT_TYPES:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float_text(float(value))
    elif kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", "iso8601")
        return format_timestamp(value, str(fmt))
    elif kind == "blob":
        if isinstance(value, str):
            value = value.encode("utf-8")
        if isinstance(value, (bytes, bytearray, memoryview)):
            return base64.b64encode(bytes(value)).decode("ascii")
    else:
        raise TypeError(f"unsupported shape type {kind} at {where}")
    raise TypeError(f"expected a {kind} for {where}, got {type(value).__name__}")


def parse_text(shape: Shape, text: str, where: str) -> Any:
    """A request scalar from its text, by the shape's type; MalformedRequest if it is not one."""
    kind = shape.type_name
    if kind == "string":
        return text
    stripped = text.strip()
    if kind in _INTEGER_TYPES:
        if _INTEGER.fullmatch(stripped):
            return int(stripped)
        raise MalformedRequest(f"Expected an integer for {where}, got {text!r}")
    if kind in _FLOAT_TYPES:
        if stripped in SPECIAL_FLOATS:
            return SPECIAL_FLOATS[stripped]
        if _FLOAT.fullmatch(stripped):
            number = float(stripped)
            if math.isinf(number):
                raise MalformedRequest(f"Number out of range for {where}: {text!r}")
            return number
        raise MalformedRequest(f"Expected a number for {where}, got {text!r}")
    if kind == "boolean":
        lowered = stripped.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise MalformedRequest(f"Expected a boolean for {where}, got {text!r}")
    if kind == "timestamp":
        try:
            return parse_timestamp(stripped)
        except MalformedRequest as exc:
            raise MalformedRequest(f"{exc.message} for {where}") from exc
    if kind == "blob":
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedRequest(f"Invalid base64 value for {where}") from exc
    raise MalformedRequest(f"A {kind} cannot be read from text at {where}")


# --- writing ------------------------------------------------------------------------------


def write_value(out: list[str], shape: Shape, value: Any, name: str, path: str = "") -> None:
    """Append the element(s) ``name`` for output ``value`` of ``shape`` to ``out``."""
    kind = shape.type_name
    if kind == "structure":
        _write_structure(out, shape, value, name, path)
    elif kind == "list":
        _write_list(out, shape, value, name, path)
    elif kind == "map":
        _write_map(out, shape, value, name, path)
    else:
        text = escape_text(scalar_text(shape, value, path))
        out.append(f"<{name}{namespace_attribute(shape)}>{text}</{name}>")


def write_members(out: list[str], shape: Shape, value: Mapping[str, Any], path: str = "") -> None:
    """Append the child elements of structure ``value``: members in the body, None skipped.

    Members the model places elsewhere (``location``: headers, status code, URI), attributes
    and event streams are left out.
    """
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping for {path or 'output'}, got {type(value).__name__}")
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        serialization = member.serialization
        if (
            serialization.get("location")
            or serialization.get("xmlAttribute")
            or serialization.get("eventstream")
        ):
            continue
        write_value(out, member, item, element_name(name, member), _join(path, name))


def _attributes(shape: Shape, value: Mapping[str, Any], path: str) -> str:
    parts = [namespace_attribute(shape)]
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None or not member.serialization.get("xmlAttribute"):
            continue
        attribute = str(member.serialization.get("name", name))
        text = scalar_text(member, item, _join(path, name))
        parts.append(f' {attribute}="{escape_attribute(text)}"')
    return "".join(parts)


def _write_structure(out: list[str], shape: Shape, value: Any, name: str, path: str) -> None:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping for {path or 'output'}, got {type(value).__name__}")
    out.append(f"<{name}{_attributes(shape, value, path)}>")
    write_members(out, shape, value, path)
    out.append(f"</{name}>")


def _items(value: Any, path: str) -> Iterable[Any]:
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"expected a list for {path or 'output'}, got {type(value).__name__}")
    return value


def _write_list(out: list[str], shape: Shape, value: Any, name: str, path: str) -> None:
    member = shape.member
    items = _items(value, path)
    if shape.serialization.get("flattened"):
        for index, item in enumerate(items):
            if item is not None:
                write_value(out, member, item, name, f"{path}[{index}]")
        return
    item_name = str(member.serialization.get("name", "member"))
    out.append(f"<{name}{namespace_attribute(shape)}>")
    for index, item in enumerate(items):
        if item is not None:
            write_value(out, member, item, item_name, f"{path}[{index}]")
    out.append(f"</{name}>")


def _write_map(out: list[str], shape: Shape, value: Any, name: str, path: str) -> None:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping for {path or 'output'}, got {type(value).__name__}")
    key_shape, value_shape = shape.key, shape.value
    key_name = str(key_shape.serialization.get("name", "key"))
    value_name = str(value_shape.serialization.get("name", "value"))
    flattened = bool(shape.serialization.get("flattened"))
    entry_name = name if flattened else "entry"
    if not flattened:
        out.append(f"<{name}{namespace_attribute(shape)}>")
    for key, item in value.items():
        if item is None:
            continue
        out.append(f"<{entry_name}>")
        write_value(out, key_shape, str(key), key_name, path)
        write_value(out, value_shape, item, value_name, _join(path, str(key)))
        out.append(f"</{entry_name}>")
    if not flattened:
        out.append(f"</{name}>")


def write_error_fields(out: list[str], shape: Shape | None, error: ServiceError) -> None:
    """Append an error's extra ``fields`` as elements (inside ``<Error>``).

    Fields that are members of the error shape are written through it (members the shape
    locates in headers are left to the caller); others are written as text when they are
    scalars. Fields named like the elements the protocols write themselves are skipped.
    """
    members = shape.members if shape is not None else {}
    for name, value in error.fields.items():
        if value is None:
            continue
        member = members.get(name)
        if member is None:
            if name in _RESERVED_ERROR_ELEMENTS or not isinstance(value, (str, int, float)):
                continue
            text = _plain_text(value)
            out.append(f"<{name}>{escape_text(text)}</{name}>")
            continue
        if member.serialization.get("location") or member.serialization.get("xmlAttribute"):
            continue
        tag = element_name(name, member)
        if tag in _RESERVED_ERROR_ELEMENTS:
            continue
        write_value(out, member, value, tag, name)


def _plain_text(value: str | int | float) -> str:
    """Text of a scalar that no shape describes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return float_text(value)
    return str(value)


# --- reading ------------------------------------------------------------------------------


class _NoDoctypeBuilder(ET.TreeBuilder):
    """A tree builder that refuses document type declarations (and so any entity)."""

    def doctype(self, name: str, pubid: str, system: str) -> None:
        raise MalformedRequest("Document type declarations are not allowed in request XML")


def parse_document(body: bytes) -> ET.Element:
    """The root element of an XML request body. Raises MalformedRequest."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise MalformedRequest("Document type declarations are not allowed in request XML")
    parser = ET.XMLParser(target=_NoDoctypeBuilder())
    try:
        parser.feed(body)
        root: ET.Element = parser.close()
    except ET.ParseError as exc:
        raise MalformedRequest(
            f"The XML you provided was not well-formed or did not validate: {exc}"
        ) from exc
    return root


def _children_by_name(element: ET.Element) -> dict[str, list[ET.Element]]:
    groups: dict[str, list[ET.Element]] = {}
    for child in element:
        groups.setdefault(local_name(child.tag), []).append(child)
    return groups


def _attribute(element: ET.Element, name: str) -> str | None:
    """The attribute ``name`` (``prefix:local`` or ``local``), whatever its namespace."""
    wanted = name.rsplit(":", 1)[-1]
    for key, value in element.attrib.items():
        if key == name or local_name(key) == wanted:
            return value
    return None


def read_members(shape: Shape, element: ET.Element, path: str = "") -> dict[str, Any]:
    """The members of structure ``shape`` found in ``element``; unknown children are ignored.

    Members located outside the body (headers, URI, query string) are not read.
    """
    groups = _children_by_name(element)
    parsed: dict[str, Any] = {}
    for name, member in shape.members.items():
        serialization = member.serialization
        if serialization.get("location"):
            continue
        where = _join(path, name)
        if serialization.get("xmlAttribute"):
            text = _attribute(element, str(serialization.get("name", name)))
            if text is not None:
                parsed[name] = parse_text(member, text, where)
            continue
        found = _lookup(groups, name, member)
        if not found:
            continue
        flattened = bool(serialization.get("flattened"))
        if member.type_name == "list" and flattened:
            parsed[name] = [
                read_value(member.member, item, f"{where}[{index}]")
                for index, item in enumerate(found)
            ]
        elif member.type_name == "map" and flattened:
            parsed[name] = _read_entries(member, found, where)
        else:
            parsed[name] = read_value(member, found[0], where)
    return parsed


def _lookup(groups: Mapping[str, list[ET.Element]], name: str, member: Shape) -> list[ET.Element]:
    # botocore's serializer names a flattened list's items after the structure member, its
    # parser after the list member's locationName; accept both, and the bare member name.
    for candidate in (element_name(name, member), member.serialization.get("name"), name):
        if candidate and candidate in groups:
            return groups[candidate]
    return []


def read_value(shape: Shape, element: ET.Element, path: str = "") -> Any:
    """The request value of ``shape`` held by ``element``."""
    kind = shape.type_name
    if kind == "structure":
        return read_members(shape, element, path)
    if kind == "list":
        return [
            read_value(shape.member, item, f"{path}[{index}]") for index, item in enumerate(element)
        ]
    if kind == "map":
        return _read_entries(shape, list(element), path)
    return parse_text(shape, element.text or "", path or "input")


def _read_entries(shape: Shape, entries: Iterable[ET.Element], path: str) -> dict[str, Any]:
    key_shape, value_shape = shape.key, shape.value
    key_name = str(key_shape.serialization.get("name", "key"))
    value_name = str(value_shape.serialization.get("name", "value"))
    parsed: dict[str, Any] = {}
    for entry in entries:
        key_element = value_element = None
        for child in entry:
            tag = local_name(child.tag)
            if tag == key_name:
                key_element = child
            elif tag == value_name:
                value_element = child
        if key_element is None:
            raise MalformedRequest(f"A map entry without a {key_name} in {path or 'input'}")
        key = str(read_value(key_shape, key_element, path))
        if value_element is not None:
            parsed[key] = read_value(value_shape, value_element, _join(path, key))
        elif value_shape.type_name == "structure":
            parsed[key] = {}
    return parsed
