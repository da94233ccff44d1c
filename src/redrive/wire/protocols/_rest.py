"""What the REST protocols (rest-json, rest-xml) share: everything outside the body's documents.

botocore shares this part of the two protocols as well (``BaseRestSerializer``,
``BaseRestParser``). The model places every input and output member (``location``):

* ``uri`` — a label of ``http.requestUri`` (the router matches the template and hands the
  decoded labels to :meth:`RestProtocol.parse_request`);
* ``querystring`` — one query key (a list repeats it), or, on a map, every query key no other
  member claims;
* ``header`` — one header (a list is comma-separated; a ``jsonvalue`` string is base64 JSON;
  a timestamp is RFC 822 unless ``timestampFormat`` says otherwise); ``headers`` — every header
  with a prefix, as a map;
* ``statusCode`` — the response status (else the operation's ``http.responseCode``);
* otherwise the body: the ``payload`` member alone (a blob or string as the raw bytes, a
  structure as a document), or else a document of all remaining members.

:class:`RestProtocol` does all of it but the documents, which each protocol reads and writes
through four hooks (``_parse_payload``, ``_parse_members``, ``_payload_body``,
``_members_body``).
"""

from __future__ import annotations

import base64
import binascii
import json
from abc import abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from botocore.model import OperationModel, Shape

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpRequest, HttpResponse
from redrive.wire.protocols._jsonvalue import blob_bytes, format_timestamp
from redrive.wire.protocols.base import WireProtocol
from redrive.wire.shapes import float_text, parse_timestamp

__all__ = ["RestProtocol", "split_header_list"]

_NO_BODY_STATUSES = frozenset({204, 304})
_HEADER_TIMESTAMP_FORMAT = "rfc822"


def _has_header(headers: Mapping[str, str], name: str) -> bool:
    lowered = name.lower()
    return any(key.lower() == lowered for key in headers)


# --- text values: URI labels, query strings, headers --------------------------------------


def split_header_list(value: str) -> list[str]:
    """Items of a comma-separated header list; double-quoted items may hold commas and ``\\"``."""
    items: list[str] = []
    position = 0
    length = len(value)
    while position <= length:
        while position < length and value[position] in " \t":
            position += 1
        if position < length and value[position] == '"':
            position += 1
            chars: list[str] = []
            while position < length and value[position] != '"':
                if value[position] == "\\" and value[position + 1 : position + 2] in ('"', "\\"):
                    position += 1
                chars.append(value[position])
                position += 1
            if position >= length:
                raise MalformedRequest(f"Unterminated quoted string in header list: {value!r}")
            position += 1
            items.append("".join(chars))
            comma = value.find(",", position)
            if value[position : comma if comma >= 0 else length].strip():
                raise MalformedRequest(f"Invalid quoted string in header list: {value!r}")
            position = comma + 1 if comma >= 0 else length + 1
        else:
            comma = value.find(",", position)
            end = comma if comma >= 0 else length
            items.append(value[position:end].strip())
            position = end + 1
    return items


def _parse_text(shape: Shape, text: str, where: str) -> Any:
    """A scalar from a URI label, query value or header, by the shape's type."""
    kind = shape.type_name
    if kind == "string":
        if shape.serialization.get("jsonvalue") and shape.serialization.get("location") == "header":
            try:
                return json.loads(base64.b64decode(text, validate=True))
            except (binascii.Error, ValueError, RecursionError) as exc:
                raise MalformedRequest(f"Invalid base64-encoded JSON for {where}") from exc
        return text
    if kind in ("integer", "long"):
        try:
            return int(text.strip())
        except ValueError as exc:
            raise MalformedRequest(f"Expected an integer for {where}, got {text!r}") from exc
    if kind in ("float", "double"):
        try:
            return float(text.strip())
        except ValueError as exc:
            raise MalformedRequest(f"Expected a number for {where}, got {text!r}") from exc
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise MalformedRequest(f"Expected a boolean for {where}, got {text!r}")
    if kind == "timestamp":
        try:
            return parse_timestamp(text.strip())
        except MalformedRequest as exc:
            raise MalformedRequest(f"{exc.message} for {where}") from exc
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedRequest(f"Invalid base64 value for {where}") from exc
    raise MalformedRequest(f"A {kind} cannot be read from {where}")


def _parse_header(shape: Shape, text: str, where: str) -> Any:
    if shape.type_name != "list":
        return _parse_text(shape, text, where)
    member = shape.member
    items = split_header_list(text)
    fmt = member.serialization.get("timestampFormat", _HEADER_TIMESTAMP_FORMAT)
    if member.type_name == "timestamp" and fmt.lower() == "rfc822":
        # "Mon, 01 Jan 2024 00:00:00 GMT, Tue, ..." - each date holds one comma of its own.
        items = [", ".join(items[index : index + 2]) for index in range(0, len(items), 2)]
    return [_parse_text(member, item, where) for item in items]


def _quote_list_item(text: str) -> str:
    if '"' in text or "," in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _header_text(shape: Shape, value: object) -> str:
    """An output header value, by the shape's type."""
    kind = shape.type_name
    if kind == "list":
        member = shape.member
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise TypeError(f"expected a list for a header, got {type(value).__name__}")
        parts = [_header_text(member, item) for item in value if item is not None]
        if member.type_name == "string":
            parts = [_quote_list_item(part) for part in parts]
        return ",".join(parts)
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", _HEADER_TIMESTAMP_FORMAT)
        return str(format_timestamp(value, str(fmt)))
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"expected a number for a header, got {type(value).__name__}")
        return float_text(float(value))
    if kind == "blob":
        return base64.b64encode(blob_bytes(value)).decode("ascii")
    if kind == "string" and shape.serialization.get("jsonvalue"):
        compact = json.dumps(value, separators=(",", ":"))
        return base64.b64encode(compact.encode("utf-8")).decode("ascii")
    return str(value)


def _literal_query_keys(operation: OperationModel) -> frozenset[str]:
    """Query keys written into ``requestUri`` itself (``/path?versioning``)."""
    _, _, query = str(operation.http.get("requestUri", "")).partition("?")
    return frozenset(key for key, _ in parse_qsl(query, keep_blank_values=True))


# --- the protocol -----------------------------------------------------------------------


class RestProtocol(WireProtocol):
    """A REST protocol but for its documents, which subclasses read and write."""

    def parse_request(
        self,
        operation: OperationModel,
        request: HttpRequest,
        uri_params: Mapping[str, str],
    ) -> dict[str, Any]:
        shape = operation.input_shape
        if shape is None:
            return {}
        params: dict[str, Any] = {}
        query = request.query_params()
        headers = {key.lower(): value for key, value in request.headers.items()}
        claimed_query_keys = set(_literal_query_keys(operation))
        query_maps: list[str] = []
        body_members: list[str] = []
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            key = str(member.serialization.get("name", name))
            if location == "uri":
                if key in uri_params:
                    params[name] = _parse_text(member, uri_params[key], f"URI label {key}")
            elif location == "querystring":
                if member.type_name == "map":
                    query_maps.append(name)
                    continue
                claimed_query_keys.add(key)
                values = [value for query_key, value in query if query_key == key]
                where = f"query parameter {key}"
                if not values:
                    continue
                if member.type_name == "list":
                    params[name] = [_parse_text(member.member, value, where) for value in values]
                else:
                    params[name] = _parse_text(member, values[0], where)
            elif location == "header":
                if key.lower() in headers:
                    params[name] = _parse_header(member, headers[key.lower()], f"header {key}")
            elif location == "headers":
                prefix = key.lower()
                found = {
                    header[len(prefix) :]: value
                    for header, value in headers.items()
                    if header.startswith(prefix)
                }
                if found:
                    params[name] = {
                        suffix: _parse_text(member.value, value, f"header {prefix}{suffix}")
                        for suffix, value in found.items()
                    }
            elif location is None:
                body_members.append(name)
        for name in query_maps:
            found_map = self._parse_query_map(shape.members[name], query, claimed_query_keys)
            if found_map:
                params[name] = found_map
        self._parse_body(shape, request.body, body_members, params)
        return params

    @staticmethod
    def _parse_query_map(
        shape: Shape, query: Iterable[tuple[str, str]], claimed: set[str]
    ) -> dict[str, Any]:
        value_shape = shape.value
        parsed: dict[str, Any] = {}
        for key, value in query:
            if key in claimed:
                continue
            where = f"query parameter {key}"
            if value_shape.type_name == "list":
                parsed.setdefault(key, []).append(_parse_text(value_shape.member, value, where))
            elif key not in parsed:
                parsed[key] = _parse_text(value_shape, value, where)
        return parsed

    def _parse_body(
        self, shape: Shape, body: bytes, body_members: list[str], params: dict[str, Any]
    ) -> None:
        payload = shape.serialization.get("payload")
        try:
            if payload is not None:
                member = shape.members[payload]
                if member.type_name == "blob":
                    if body:
                        params[payload] = body
                elif member.type_name == "string":
                    if body:
                        try:
                            params[payload] = body.decode("utf-8")
                        except UnicodeDecodeError as exc:
                            raise MalformedRequest("Request body is not valid UTF-8") from exc
                else:
                    value = self._parse_payload(member, payload, body)
                    if value is not None:
                        params[payload] = value
            elif body_members:
                params.update(self._parse_members(shape, body, body_members))
        except RecursionError as exc:
            raise MalformedRequest("Request body is nested too deeply") from exc

    @abstractmethod
    def _parse_payload(self, member: Shape, name: str, body: bytes) -> Any:
        """The structure payload ``name`` read from the body document; None if it is empty."""

    @abstractmethod
    def _parse_members(self, shape: Shape, body: bytes, members: list[str]) -> Mapping[str, Any]:
        """The body ``members`` of ``shape`` read from the body document (none if it is empty)."""

    def serialize_response(
        self,
        operation: OperationModel,
        output: Mapping[str, Any],
        request_id: str,
    ) -> HttpResponse:
        status = int(operation.http.get("responseCode", 200))
        headers: dict[str, str] = {"x-amzn-RequestId": request_id}
        shape = operation.output_shape
        if shape is None:
            return HttpResponse(status, headers, b"")
        body_members: list[str] = []
        located: set[str] = set()
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            value = output.get(name)
            if location is None:
                body_members.append(name)
            elif value is None:
                continue
            elif location == "statusCode":
                status = int(value)
                located.add(location)
            else:
                self._write_headers(member, name, value, headers)
        body, body_type = self._response_body(shape, output, body_members)
        if status in _NO_BODY_STATUSES:
            if body.strip() in (b"", b"{}") or "statusCode" in located:
                body, body_type = b"", None
            else:
                # Some models give 204 to operations whose output has a body (billingconductor
                # ListTagsForResource); a 204 cannot carry it, so such a response is a 200.
                status = 200
        if body_type is not None and not _has_header(headers, "Content-Type"):
            headers["Content-Type"] = body_type
        return HttpResponse(status, headers, body)

    @staticmethod
    def _write_headers(member: Shape, name: str, value: Any, headers: dict[str, str]) -> None:
        location = member.serialization.get("location")
        key = str(member.serialization.get("name", name))
        if location == "header":
            if member.type_name == "list" and not value:
                return  # an empty list is no header at all
            headers[key] = _header_text(member, value)
        elif location == "headers":
            for suffix, item in value.items():
                if item is not None:
                    headers[f"{key}{suffix}"] = _header_text(member.value, item)

    @classmethod
    def _write_error_headers(
        cls, shape: Shape | None, error: ServiceError, headers: dict[str, str]
    ) -> None:
        """The error's fields that ``shape`` places in headers, then the error's own headers."""
        if shape is not None:
            for name, value in error.fields.items():
                member = shape.members.get(name)
                if value is not None and member is not None:
                    cls._write_headers(member, name, value, headers)
        headers.update(error.headers)

    def _response_body(
        self, shape: Shape, output: Mapping[str, Any], body_members: list[str]
    ) -> tuple[bytes, str | None]:
        payload = shape.serialization.get("payload")
        if payload is not None:
            member = shape.members[payload]
            value = output.get(payload)
            if value is None:
                return b"", None
            if member.type_name == "blob":
                return blob_bytes(value, payload), "application/octet-stream"
            if member.type_name == "string":
                return blob_bytes(value, payload), "text/plain"
            return self._payload_body(member, payload, value)
        if not body_members:
            return b"", None
        return self._members_body(shape, output, body_members)

    @abstractmethod
    def _payload_body(self, member: Shape, name: str, value: Any) -> tuple[bytes, str | None]:
        """The body and its content type for the structure payload ``name`` (not None)."""

    @abstractmethod
    def _members_body(
        self, shape: Shape, output: Mapping[str, Any], members: list[str]
    ) -> tuple[bytes, str | None]:
        """The body and its content type for the body ``members`` of ``output``."""
