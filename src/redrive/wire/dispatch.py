"""From an HTTP request to an HTTP response: route, parse, validate, call, serialize.

:func:`dispatch` never raises (except for cancellation). Its steps:

1. a gzip ``Content-Encoding`` is undone (botocore compresses large CloudWatch bodies), then
   :func:`~redrive.wire.router.route` finds service, operation and protocol;
2. an operation the backend does not implement is ``NotImplemented`` (501), named;
3. the protocol parses the request (:class:`~redrive.errors.MalformedRequest` becomes the
   protocol's own serialization error: ``SerializationException``, ``MalformedQueryString``...);
4. :func:`~redrive.wire.validate.validate` checks the model's constraints;
5. the backend runs the :class:`Call`; its output is serialized by the protocol.

A :class:`~redrive.errors.ServiceError` from any step is serialized by the protocol. Anything
else is a redrive bug: it is logged with its traceback and answered ``500 InternalFailure``
("redrive internal error: <ExceptionType>: <message>"), so a client mistake never shows as a 500.

When routing fails before a service is known, the error is written in a best-guess form:
a JSON body ``{"__type": ..., "message": ...}`` for requests that look like JSON or CBOR
(``X-Amz-Target``, ``smithy-protocol``, a JSON content type), the query protocol's XML
``<ErrorResponse>`` otherwise.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from xml.sax.saxutils import escape

from redrive.errors import MalformedRequest, NotImplementedOperation, ServiceError
from redrive.wire.http import HttpRequest, HttpResponse
from redrive.wire.protocols import WireProtocol, get_protocol
from redrive.wire.router import Route, RoutingError, route
from redrive.wire.validate import validate

__all__ = ["Backend", "Call", "dispatch"]

log = logging.getLogger("redrive.wire")

#: the most a gzip request body may inflate to; AWS's own request limits are far below it
#: (CloudWatch PutMetricData: 1 MB; Lambda Invoke: 6 MB)
MAX_INFLATED_BODY = 64 * 1024 * 1024


@dataclass(frozen=True)
class Call:
    """One parsed and validated operation call, handed to the backend."""

    service: str
    operation: str
    params: dict[str, Any] = field(default_factory=dict)
    region: str = "us-east-1"
    access_key_id: str | None = None
    request_id: str = ""
    protocol: str = ""


class Backend(Protocol):
    """What the wire layer calls: the services redrive implements."""

    @property
    def services(self) -> Collection[str]:
        """botocore names of the implemented services."""
        ...

    def implements(self, service: str, operation: str) -> bool:
        """Whether ``operation`` of ``service`` is implemented."""
        ...

    async def call(self, call: Call) -> Mapping[str, Any]:
        """Run the call; return the output structure or raise ServiceError."""
        ...


async def dispatch(request: HttpRequest, backend: Backend, request_id: str) -> HttpResponse:
    """The response to ``request``; never raises."""
    found: Route | None = None
    protocol: WireProtocol | None = None
    try:
        request, body_problem = _decode_body(request)
        found = route(request, backend.services)
        protocol = get_protocol(found.protocol)
        operation = found.operation_model
        if operation is None or not backend.implements(found.service_name, found.operation_name):
            raise NotImplementedOperation(found.service_name, found.operation_name)
        if body_problem is not None:
            raise MalformedRequest(body_problem)
        params = protocol.parse_request(operation, request, found.uri_params)
        validate(found.service_name, operation, params)
        output = await backend.call(
            Call(
                service=found.service_name,
                operation=found.operation_name,
                params=params,
                region=found.region,
                access_key_id=found.access_key_id,
                request_id=request_id,
                protocol=found.protocol,
            )
        )
        return protocol.serialize_response(operation, output, request_id)
    except MalformedRequest as exc:
        code = protocol.serialization_error_code if protocol else exc.code
        error = ServiceError(code, exc.message, exc.status, headers=exc.headers)
        return _error_response(request, error, found, protocol, request_id)
    except ServiceError as exc:
        return _error_response(request, exc, found, protocol, request_id)
    except Exception as exc:
        return _internal_failure(request, exc, found, protocol, request_id)


def _decode_body(request: HttpRequest) -> tuple[HttpRequest, str | None]:
    """``request`` with a gzip ``Content-Encoding`` undone, or the reason it cannot be.

    botocore gzips large bodies of operations with the ``requestcompression`` trait
    (CloudWatch ``PutMetricData`` from 10 KiB). A body that does not inflate is routed as it
    came and then refused with the protocol's serialization error.
    """
    header = request.headers.get("content-encoding", "")
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    if "gzip" not in codings:
        return request, None
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(request.body, MAX_INFLATED_BODY)
    except zlib.error as exc:
        return request, f"The request body is not valid gzip data: {exc}"
    if inflater.unconsumed_tail:
        return request, f"The request body inflates to more than {MAX_INFLATED_BODY} bytes"
    if not inflater.eof:
        return request, "The request body is truncated gzip data"
    headers = dict(request.headers)
    rest = [c for c in codings if c != "gzip"]
    if rest:
        headers["content-encoding"] = ", ".join(rest)
    else:
        del headers["content-encoding"]
    return replace(request, body=body, headers=headers), None


def _internal_failure(
    request: HttpRequest,
    exc: Exception,
    found: Route | None,
    protocol: WireProtocol | None,
    request_id: str,
) -> HttpResponse:
    where = f"{found.service_name}.{found.operation_name}" if found else request.path
    log.exception("redrive internal error in %s %s (%s)", request.method, where, request_id)
    error = ServiceError(
        "InternalFailure",
        f"redrive internal error: {type(exc).__name__}: {exc}",
        500,
        sender_fault=False,
    )
    return _error_response(request, error, found, protocol, request_id)


def _error_response(
    request: HttpRequest,
    error: ServiceError,
    found: Route | None,
    protocol: WireProtocol | None,
    request_id: str,
) -> HttpResponse:
    """``error`` in the protocol of the request, or a best-guess form; never raises."""
    try:
        if found is not None and protocol is not None:
            return protocol.serialize_error(found.service_model, error, request_id)
        if isinstance(error, RoutingError) and error.protocol and error.service_model:
            return get_protocol(error.protocol).serialize_error(
                error.service_model, error, request_id
            )
    except Exception:
        log.exception("redrive could not serialize %s (%s)", error.code, request_id)
        error = ServiceError(
            "InternalFailure",
            f"redrive internal error: could not serialize error {error.code}: {error.message}",
            500,
            sender_fault=False,
        )
    protocol_name = error.protocol if isinstance(error, RoutingError) else None
    if protocol_name is None:
        protocol_name = _guess_protocol(request)
    if protocol_name in {"query", "rest-xml"}:
        return _xml_error(error, request_id)
    return _json_error(error, request_id)


def _guess_protocol(request: HttpRequest) -> str:
    headers = request.headers
    content_type = headers.get("content-type", "")
    if (
        headers.get("x-amz-target")
        or headers.get("smithy-protocol")
        or "json" in content_type
        or "cbor" in content_type
    ):
        return "json"
    return "query"


def _json_error(error: ServiceError, request_id: str) -> HttpResponse:
    body = {"__type": error.code, "message": error.message, **error.fields}
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "x-amzn-RequestId": request_id,
        **error.headers,
    }
    return HttpResponse(error.status, headers, json.dumps(body, default=str).encode())


def _xml_error(error: ServiceError, request_id: str) -> HttpResponse:
    fault = "Sender" if error.sender_fault else "Receiver"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<ErrorResponse><Error>"
        f"<Type>{fault}</Type><Code>{escape(error.code)}</Code>"
        f"<Message>{escape(error.message)}</Message>"
        f"</Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    )
    headers = {"Content-Type": "text/xml", "x-amzn-RequestId": request_id, **error.headers}
    return HttpResponse(error.status, headers, body.encode())
