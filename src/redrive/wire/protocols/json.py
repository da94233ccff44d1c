"""The ``json`` protocol (awsJson1_0 / awsJson1_1): DynamoDB, Kinesis, CloudWatch Logs, SQS.

Every request is ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>`` and a JSON body
holding the input structure; the response body is the output structure. Errors are
``{"__type": <shape name>, "message": ...}`` with the same name in ``x-amzn-ErrorType``, and
``x-amzn-query-error: <code>;Sender|Receiver`` for ``awsQueryCompatible`` services (SQS).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import OperationModel, ServiceModel

from redrive.errors import MalformedRequest, ServiceError
from redrive.wire.http import HttpRequest, HttpResponse
from redrive.wire.protocols import register
from redrive.wire.protocols._jsonvalue import (
    JSON,
    decode_json_document,
    dump_structure,
    encode_json,
    error_document,
    parse_structure,
    query_error_header,
)
from redrive.wire.protocols.base import WireProtocol
from redrive.wire.shapes import error_shape

__all__ = ["JsonProtocol", "content_type", "target_operation"]


def content_type(service: ServiceModel) -> str:
    """``application/x-amz-json-1.0`` or ``-1.1``, as the model's ``jsonVersion`` says."""
    return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"


def target_operation(request: HttpRequest) -> tuple[str, str] | None:
    """``(targetPrefix, operation)`` from the ``X-Amz-Target`` header, if it has one."""
    target = request.headers.get("x-amz-target", "")
    prefix, dot, operation = target.rpartition(".")
    if not dot or not prefix or not operation:
        return None
    return prefix, operation


class JsonProtocol(WireProtocol):
    name = "json"
    serialization_error_code = "SerializationException"

    def parse_request(
        self,
        operation: OperationModel,
        request: HttpRequest,
        uri_params: Mapping[str, str],
    ) -> dict[str, Any]:
        shape = operation.input_shape
        document = decode_json_document(request.body)
        if shape is None or document is None:
            return {}
        if not isinstance(document, dict):
            raise MalformedRequest("Request body must be a JSON object")
        try:
            return parse_structure(shape, document, JSON)
        except RecursionError as exc:
            raise MalformedRequest("Request body is nested too deeply") from exc

    def serialize_response(
        self,
        operation: OperationModel,
        output: Mapping[str, Any],
        request_id: str,
    ) -> HttpResponse:
        shape = operation.output_shape
        document = {} if shape is None else dump_structure(shape, output, JSON)
        return HttpResponse(
            200,
            {
                "x-amzn-RequestId": request_id,
                "Content-Type": content_type(operation.service_model),
            },
            encode_json(document),
        )

    def serialize_error(
        self,
        service: ServiceModel,
        error: ServiceError,
        request_id: str,
    ) -> HttpResponse:
        headers = {
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": error_shape(service, error.code).shape_name,
            "Content-Type": content_type(service),
        }
        headers.update(query_error_header(service, error))
        headers.update(error.headers)
        return HttpResponse(
            error.status, headers, encode_json(error_document(service, error, JSON))
        )


register(JsonProtocol())
