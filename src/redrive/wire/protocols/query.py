"""The ``query`` protocol (awsQuery): SNS, STS, IAM, and CloudWatch and SQS for older SDKs.

A request is ``Action=<Operation>&Version=<apiVersion>&...`` form-encoded in a POST body, or
in the query string of a GET (both are read; the body wins on a repeated key). Parameters are
the input members flattened into dotted names, exactly as botocore's ``QuerySerializer``
writes them:

* a structure member: ``Parent.Member`` (the member's ``locationName`` if it has one);
* a list: ``Name.member.1``, ``Name.member.2``, ... (``member`` renamed by the list member's
  ``locationName``); a flattened list ``Name.1``, ... - or, when the list member has a
  ``locationName``, that name in place of the last part (``Attribute.1``); an empty list is
  sent as ``Name=``;
* a map: ``Name.entry.N.key`` / ``Name.entry.N.value`` (flattened: ``Name.N.key``), ``key``
  and ``value`` renamed by the key and value shapes' ``locationName``;
* scalars as text: ``true``/``false``, numbers, ISO 8601 timestamps, base64 blobs.

Unknown parameters are ignored; when two members are sent under one name, the first in
model order takes the values. A response is
``<OpResponse xmlns=...><OpResult>...</OpResult><ResponseMetadata>...`` (the output shape's
``resultWrapper``), an error ``<ErrorResponse><Error><Type/><Code/><Message/></Error>
<RequestId/></ErrorResponse>``; both are ``text/xml``.

Per-service differences (:mod:`redrive.wire.quirks`): the names a service's current model
lost are restored (:func:`redrive.wire.specs.query_model`, SQS), and a request sent to a
resource's URL without naming it in the parameters gets it from the URL
(``POST /000000000000/orders`` -> ``QueueUrl=http://<host>/000000000000/orders``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from botocore.model import OperationModel, ServiceModel, Shape

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire import quirks
from redrive.wire.http import HttpRequest, HttpResponse
from redrive.wire.protocols import register
from redrive.wire.protocols._xml import (
    element_name,
    escape_attribute,
    escape_text,
    parse_text,
    write_error_fields,
    write_members,
)
from redrive.wire.protocols.base import WireProtocol
from redrive.wire.shapes import error_shape, structure_shape_for_error
from redrive.wire.specs import query_model

__all__ = ["QueryProtocol", "decode_form", "xml_namespace"]

_CONTENT_TYPE = "text/xml"
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_INDEX = re.compile(r"[1-9][0-9]*")


def decode_form(text: str, where: str) -> list[tuple[str, str]]:
    """Decoded ``key=value`` pairs of a form body or query string, blank values kept.

    Raises MalformedRequest for a ``%`` not followed by two hex digits or escapes that do not
    decode as UTF-8.
    """
    if _BAD_PERCENT.search(text):
        raise MalformedRequest(f"Invalid percent-encoding in the {where}")
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise MalformedRequest(f"The {where} is not valid UTF-8 once decoded") from exc


def xml_namespace(service: ServiceModel) -> str:
    """The namespace of the service's XML: ``xmlNamespace``, else the conventional one."""
    namespace = service.metadata.get("xmlNamespace")
    if isinstance(namespace, Mapping):
        namespace = namespace.get("uri")
    if namespace:
        return str(namespace)
    prefix = service.metadata.get("endpointPrefix") or service.service_name
    return f"https://{prefix}.amazonaws.com/doc/{service.api_version}/"


# --- flattened names ---------------------------------------------------------------------


class _Node:
    """One dotted-name component: the value sent for exactly this name, and the longer names."""

    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, _Node] = {}

    @classmethod
    def tree(cls, pairs: Iterable[tuple[str, str]]) -> _Node:
        root = cls()
        for name, value in pairs:
            node = root
            for part in name.split("."):
                child = node.children.get(part)
                if child is None:
                    child = node.children[part] = cls()
                node = child
            node.value = value
        return root


class _Missing:
    """Marks a member absent from the request."""


_MISSING = _Missing()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _read_members(shape: Shape, node: _Node, path: str) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    taken: set[str] = set()
    for name, member in shape.members.items():
        sent_as = element_name(name, member)
        if sent_as in taken:
            # SQS ReceiveMessage: AttributeNames and MessageSystemAttributeNames are both
            # AttributeName.N; no request can tell them apart, the first member reads them
            continue
        taken.add(sent_as)
        key = str(member.serialization.get("name", name))
        value = _read(member, node, key, _join(path, key))
        if value is not _MISSING:
            parsed[name] = value
    return parsed


def _read(shape: Shape, parent: _Node, key: str, path: str) -> Any:
    """The value of ``shape`` sent under ``parent``'s child ``key``, or ``_MISSING``."""
    kind = shape.type_name
    if kind == "list":
        return _read_list(shape, parent, key, path)
    node = parent.children.get(key)
    if node is None:
        return _MISSING
    if kind == "structure":
        # botocore sends nothing for a structure without members set: no names, no member
        return _read_members(shape, node, path) if node.children else _MISSING
    if kind == "map":
        return _read_map(shape, node, path)
    if node.value is None:
        return _MISSING
    return parse_text(shape, node.value, path)


def _indexed(node: _Node, path: str) -> list[tuple[str, _Node]]:
    """The children of a list or map holder, in index order; every name must be an index."""
    items: list[tuple[int, str, _Node]] = []
    for name, child in node.children.items():
        if not _INDEX.fullmatch(name):
            raise MalformedRequest(f"Invalid member index {name!r} in {path}.{name}")
        items.append((int(name), name, child))
    items.sort(key=lambda item: item[0])
    return [(name, child) for _, name, child in items]


def _read_list(shape: Shape, parent: _Node, key: str, path: str) -> Any:
    member = shape.member
    item_name = member.serialization.get("name")
    if shape.serialization.get("flattened"):
        # botocore puts the items of a flattened list whose member has a locationName under
        # that name, in place of the list's own: "Attribute.1", not "Attributes.1".
        holder_key = str(item_name) if item_name else key
        items_path = _join(path.rpartition(".")[0], holder_key)
        holder = parent.children.get(holder_key)
    else:
        items_path = f"{path}.{item_name or 'member'}"
        outer = parent.children.get(key)
        holder = outer.children.get(str(item_name or "member")) if outer is not None else None
    if holder is not None and holder.children:
        return [
            value
            for name, child in _indexed(holder, items_path)
            if (value := _read(member, holder, name, f"{items_path}.{name}")) is not _MISSING
        ]
    own = parent.children.get(key)
    if own is not None and (own.value is not None or holder is not None):
        return []  # "Name=": botocore's empty list
    return _MISSING


def _read_map(shape: Shape, node: _Node, path: str) -> Any:
    flattened = bool(shape.serialization.get("flattened"))
    holder = node if flattened else node.children.get("entry")
    entries_path = path if flattened else f"{path}.entry"
    if holder is None or not holder.children:
        return {} if node.value is not None else _MISSING
    key_shape, value_shape = shape.key, shape.value
    key_name = str(key_shape.serialization.get("name", "key"))
    value_name = str(value_shape.serialization.get("name", "value"))
    parsed: dict[str, Any] = {}
    for index, entry in _indexed(holder, entries_path):
        entry_path = f"{entries_path}.{index}"
        key = _read(key_shape, entry, key_name, f"{entry_path}.{key_name}")
        if key is _MISSING:
            raise MalformedRequest(f"Map entry {entry_path} has no {key_name}")
        value = _read(value_shape, entry, value_name, f"{entry_path}.{value_name}")
        if value is not _MISSING:
            parsed[str(key)] = value
        elif value_shape.type_name == "structure":
            parsed[str(key)] = {}  # a value whose members are all unset sends nothing
    return parsed


# --- per-service views -------------------------------------------------------------------


def _query_view(operation: OperationModel) -> OperationModel:
    """``operation`` of the model as the query protocol walks it (see ``query_model``)."""
    model = query_model(operation.service_model)
    if model is operation.service_model:
        return operation
    return model.operation_model(operation.name)


def _request_url(request: HttpRequest) -> str | None:
    """The URL a request was sent to, when its path names a resource (not ``/``).

    redrive is served over plain HTTP, so the scheme is ``http``.
    """
    path = request.path.rstrip("/")
    if not path:
        return None
    host = request.headers.get("host") or "localhost"
    return f"http://{host}{path}"


# --- the protocol -----------------------------------------------------------------------


class QueryProtocol(WireProtocol):
    name = "query"
    serialization_error_code = "MalformedQueryString"

    def parse_request(
        self,
        operation: OperationModel,
        request: HttpRequest,
        uri_params: Mapping[str, str],
    ) -> dict[str, Any]:
        pairs = decode_form(request.query, "query string") if request.query else []
        if request.body:
            try:
                text = request.body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise MalformedRequest("The request body is not valid UTF-8") from exc
            pairs += decode_form(text, "request body")
        shape = _query_view(operation).input_shape
        if shape is None:
            return {}
        try:
            parsed = _read_members(shape, _Node.tree(pairs), "")
        except RecursionError as exc:  # a recursive shape named ever deeper
            raise MalformedRequest("Request parameters are nested too deeply") from exc
        member = quirks.QUERY_URL_MEMBERS.get(operation.service_model.service_name)
        if member is not None and member in shape.members and member not in parsed:
            url = _request_url(request)
            if url is not None:
                parsed[member] = url
        return parsed

    def serialize_response(
        self,
        operation: OperationModel,
        output: Mapping[str, Any],
        request_id: str,
    ) -> HttpResponse:
        operation = _query_view(operation)
        name = operation.name
        namespace = escape_attribute(xml_namespace(operation.service_model))
        out = [f'<{name}Response xmlns="{namespace}">']
        shape = operation.output_shape
        if shape is not None:
            # Every query model gives its outputs a resultWrapper; SQS's JSON model does not,
            # but AWS still wraps the query form of its responses in <OpResult>.
            wrapper = str(shape.serialization.get("resultWrapper") or f"{name}Result")
            out.append(f"<{wrapper}>")
            write_members(out, shape, output)
            out.append(f"</{wrapper}>")
        out.append(
            f"<ResponseMetadata><RequestId>{escape_text(request_id)}</RequestId>"
            f"</ResponseMetadata></{name}Response>"
        )
        headers = {"x-amzn-RequestId": request_id, "Content-Type": _CONTENT_TYPE}
        return HttpResponse(200, headers, "".join(out).encode("utf-8"))

    def serialize_error(
        self,
        service: ServiceModel,
        error: ServiceError,
        request_id: str,
    ) -> HttpResponse:
        service = query_model(service)
        info = error_shape(service, error.code)
        shape = structure_shape_for_error(service, info.shape_name)
        namespace = escape_attribute(xml_namespace(service))
        fault = "Sender" if error.sender_fault else "Receiver"
        out = [
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{fault}</Type>',
            f"<Code>{escape_text(info.query_code)}</Code>",
            f"<Message>{escape_text(error.message)}</Message>",
        ]
        write_error_fields(out, shape, error)
        out.append(f"</Error><RequestId>{escape_text(request_id)}</RequestId></ErrorResponse>")
        headers = {"x-amzn-RequestId": request_id, "Content-Type": _CONTENT_TYPE}
        headers.update(error.headers)
        return HttpResponse(error.status, headers, "".join(out).encode("utf-8"))


register(QueryProtocol())
