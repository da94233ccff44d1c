"""The ``smithy-rpc-v2-cbor`` protocol (Smithy RPC v2 CBOR): CloudWatch in current botocore.

Requests are ``POST /service/<ServiceName>/operation/<Operation>`` with ``smithy-protocol:
rpc-v2-cbor`` and a CBOR map body (``application/cbor``) holding the input structure keyed by
member name; timestamps are tag 1 around epoch seconds, blobs are byte strings. Responses carry
the same header and a CBOR map; errors are ``{"__type": <shape name>, "message": ...}``, with
``x-amzn-query-error`` for ``awsQueryCompatible`` services as in the json protocol.

botocore's response parser (``RpcV2CBORParser``) needs a map whenever the operation has an
output shape (an empty body makes it fail), so this serializer always writes one then, and an
empty body only for operations without output.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import cbor2
from botocore.model import OperationModel, ServiceModel

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpRequest, HttpResponse
from redrive.wire.protocols import register
from redrive.wire.protocols._jsonvalue import (
    CBOR,
    dump_structure,
    error_document,
    parse_structure,
    query_error_header,
)
from redrive.wire.protocols.base import WireProtocol

__all__ = ["CONTENT_TYPE", "CborProtocol", "decode_cbor", "path_operation"]

CONTENT_TYPE = "application/cbor"


def path_operation(path: str) -> tuple[str, str] | None:
    """``(service, operation)`` from ``/service/<ServiceName>/operation/<Operation>``."""
    parts = path.split("/")
    if len(parts) != 5 or parts[0] or parts[1] != "service" or parts[3] != "operation":
        return None
    if not parts[2] or not parts[4]:
        return None
    return parts[2], parts[4]


def decode_cbor(body: bytes) -> object:
    """Exactly one CBOR data item from ``body``. Raises MalformedRequest."""
    stream = io.BytesIO(body)
    try:
        document = cbor2.CBORDecoder(stream).decode()
    # cbor2's semantic decoders (dates, fractions, regular expressions, MIME, ...) run on
    # client bytes; whatever they raise means the body is not a CBOR item we can use.
    except Exception as exc:
        raise MalformedRequest(f"Could not parse request body as CBOR: {exc}") from exc
    if stream.tell() != len(body):
        raise MalformedRequest("Unexpected data after the CBOR item in the request body")
    return document


def _response_headers(request_id: str) -> dict[str, str]:
    return {"x-amzn-RequestId": request_id, "smithy-protocol": "rpc-v2-cbor"}


class CborProtocol(WireProtocol):
    name = "smithy-rpc-v2-cbor"
    serialization_error_code = "SerializationException"

    def parse_request(
        self,
        operation: OperationModel,
        request: HttpRequest,
        uri_params: Mapping[str, str],
    ) -> dict[str, Any]:
        shape = operation.input_shape
        if shape is None or not request.body:
            return {}
        document = decode_cbor(request.body)
        if not isinstance(document, dict):
            raise MalformedRequest("Request body must be a CBOR map")
        try:
            return parse_structure(shape, document, CBOR)
        except RecursionError as exc:
            raise MalformedRequest("Request body is nested too deeply") from exc

    def serialize_response(
        self,
        operation: OperationModel,
        output: Mapping[str, Any],
        request_id: str,
    ) -> HttpResponse:
        headers = _response_headers(request_id)
        shape = operation.output_shape
        if shape is None:
            return HttpResponse(200, headers, b"")
        headers["Content-Type"] = CONTENT_TYPE
        return HttpResponse(200, headers, cbor2.dumps(dump_structure(shape, output, CBOR)))

    def serialize_error(
        self,
        service: ServiceModel,
        error: ServiceError,
        request_id: str,
    ) -> HttpResponse:
        headers = _response_headers(request_id)
        headers["Content-Type"] = CONTENT_TYPE
        headers.update(query_error_header(service, error))
        headers.update(error.headers)
        return HttpResponse(
            error.status, headers, cbor2.dumps(error_document(service, error, CBOR))
        )


register(CborProtocol())
