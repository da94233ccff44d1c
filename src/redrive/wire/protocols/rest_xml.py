"""The ``rest-xml`` protocol: S3, Route 53, CloudFront.

Everything outside the body is what rest-json does - botocore shares that part of the two
protocols (``BaseRestSerializer``, ``BaseRestParser``), and so does this module: members with
a ``location`` (``uri``, ``querystring``, ``header``, ``headers``, ``statusCode``) and a blob
or string ``payload`` are handled by :class:`~redrive.wire.protocols._rest.RestProtocol`,
which this class extends, as :class:`~redrive.wire.protocols.rest_json.RestJsonProtocol` does.

The body differs:

* with a ``payload`` member: a blob or string is the raw body; a structure is one XML
  element named by the member's ``locationName`` (``<Tagging xmlns="...">``);
* otherwise the remaining members, as children of a root element named by the shape's
  ``locationName`` (the shape's name when it has none);
* values are written and read as :mod:`redrive.wire.protocols._xml` describes: flattened
  lists, ``xmlAttribute`` members, ``xmlNamespace``; timestamps ISO 8601 in the body, RFC 822
  in headers unless ``timestampFormat`` says otherwise.

Responses carry the request id as ``x-amz-request-id`` and ``x-amzn-RequestId``. Errors are
S3's form, which botocore reads for every rest-xml service::

    <?xml version="1.0" encoding="UTF-8"?>
    <Error><Code>NoSuchKey</Code><Message>...</Message><RequestId>...</RequestId></Error>
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpResponse
from redrive.wire.protocols import register
from redrive.wire.protocols._rest import RestProtocol
from redrive.wire.protocols._xml import (
    XML_DECLARATION,
    escape_text,
    local_name,
    namespace_attribute,
    parse_document,
    read_members,
    read_value,
    write_error_fields,
    write_members,
    write_value,
)
from redrive.wire.shapes import error_shape, structure_shape_for_error

__all__ = ["RestXmlProtocol"]

_XML_CONTENT_TYPE = "application/xml"


def _check_root(root_tag: str, expected: object) -> None:
    if expected and local_name(root_tag) != expected:
        raise MalformedRequest(
            f"The XML you provided was not well-formed or did not validate against our "
            f"published schema: expected root element {expected}, got {local_name(root_tag)}"
        )


class RestXmlProtocol(RestProtocol):
    name = "rest-xml"
    serialization_error_code = "MalformedXML"

    # --- request body -------------------------------------------------------------------

    def _parse_payload(self, member: Shape, name: str, body: bytes) -> Any:
        if not body.strip():
            return None
        root = parse_document(body)
        _check_root(root.tag, member.serialization.get("name"))
        return read_value(member, root, name)

    def _parse_members(self, shape: Shape, body: bytes, members: list[str]) -> Mapping[str, Any]:
        if not body.strip():
            return {}
        root = parse_document(body)
        _check_root(root.tag, shape.serialization.get("name"))
        return read_members(shape, root)

    # --- responses ----------------------------------------------------------------------

    def serialize_response(
        self,
        operation: OperationModel,
        output: Mapping[str, Any],
        request_id: str,
    ) -> HttpResponse:
        response = super().serialize_response(operation, output, request_id)
        response.headers["x-amz-request-id"] = request_id
        return response

    def _payload_body(self, member: Shape, name: str, value: Any) -> tuple[bytes, str | None]:
        if member.serialization.get("eventstream"):
            return b"", None
        out = [XML_DECLARATION]
        write_value(out, member, value, str(member.serialization.get("name", name)))
        return "".join(out).encode("utf-8"), _XML_CONTENT_TYPE

    def _members_body(
        self, shape: Shape, output: Mapping[str, Any], members: list[str]
    ) -> tuple[bytes, str | None]:
        root = str(shape.serialization.get("name") or shape.name)
        out = [XML_DECLARATION, f"<{root}{namespace_attribute(shape)}>"]
        write_members(out, shape, output)
        out.append(f"</{root}>")
        return "".join(out).encode("utf-8"), _XML_CONTENT_TYPE

    def serialize_error(
        self,
        service: ServiceModel,
        error: ServiceError,
        request_id: str,
    ) -> HttpResponse:
        info = error_shape(service, error.code)
        shape = structure_shape_for_error(service, info.shape_name)
        out = [
            XML_DECLARATION,
            f"<Error><Code>{escape_text(info.query_code)}</Code>",
            f"<Message>{escape_text(error.message)}</Message>",
        ]
        write_error_fields(out, shape, error)
        out.append(f"<RequestId>{escape_text(request_id)}</RequestId></Error>")
        headers: dict[str, str] = {
            "x-amz-request-id": request_id,
            "x-amzn-RequestId": request_id,
            "Content-Type": _XML_CONTENT_TYPE,
        }
        self._write_error_headers(shape, error, headers)
        return HttpResponse(error.status, headers, "".join(out).encode("utf-8"))


register(RestXmlProtocol())
