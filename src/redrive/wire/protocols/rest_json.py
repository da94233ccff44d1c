"""The ``rest-json`` protocol (restJson1): Lambda, API Gateway, and most newer services.

Members with a ``location`` (URI labels, query string, headers, status code) and a blob or
string ``payload`` are what every REST protocol does (:mod:`redrive.wire.protocols._rest`).
The rest of the body is JSON: a structure ``payload`` member alone, or else a JSON object of all
remaining members.

Errors carry the error shape's name in ``x-amzn-ErrorType`` and a JSON body
``{"message": ..., "Type": "User"|"Service"}`` plus the error's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import ServiceModel, Shape

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpResponse
from redrive.wire.protocols import register
from redrive.wire.protocols._jsonvalue import (
    JSON,
    decode_json_document,
    dump_structure,
    dump_value,
    encode_json,
    error_fields,
    message_key,
    parse_structure,
    parse_value,
)
from redrive.wire.protocols._rest import RestProtocol, split_header_list
from redrive.wire.shapes import error_shape, structure_shape_for_error

__all__ = ["RestJsonProtocol", "split_header_list"]

_JSON_CONTENT_TYPE = "application/json"


class RestJsonProtocol(RestProtocol):
    name = "rest-json"
    serialization_error_code = "SerializationException"

    def _parse_payload(self, member: Shape, name: str, body: bytes) -> Any:
        document = decode_json_document(body)
        if document is None:
            return None
        return parse_value(member, document, JSON, name)

    def _parse_members(self, shape: Shape, body: bytes, members: list[str]) -> Mapping[str, Any]:
        document = decode_json_document(body)
        if document is None:
            return {}
        if not isinstance(document, dict):
            raise MalformedRequest("Request body must be a JSON object")
        return parse_structure(shape, document, JSON, members=members)

    def _payload_body(self, member: Shape, name: str, value: Any) -> tuple[bytes, str | None]:
        return encode_json(dump_value(member, value, JSON, name)), _JSON_CONTENT_TYPE

    def _members_body(
        self, shape: Shape, output: Mapping[str, Any], members: list[str]
    ) -> tuple[bytes, str | None]:
        document = dump_structure(shape, output, JSON, members=members)
        return encode_json(document), _JSON_CONTENT_TYPE

    def serialize_error(
        self,
        service: ServiceModel,
        error: ServiceError,
        request_id: str,
    ) -> HttpResponse:
        info = error_shape(service, error.code)
        shape = structure_shape_for_error(service, info.shape_name)
        headers: dict[str, str] = {
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": info.shape_name,
            "Content-Type": _JSON_CONTENT_TYPE,
        }
        document: dict[str, Any] = {
            message_key(shape, JSON): error.message,
            "Type": "User" if error.sender_fault else "Service",
        }
        document.update(error_fields(shape, error, JSON, body_only=True))
        self._write_error_headers(shape, error, headers)
        return HttpResponse(error.status, headers, encode_json(document))


register(RestJsonProtocol())
