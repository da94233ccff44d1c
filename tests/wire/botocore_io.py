"""botocore on the other side of the wire: what a botocore client sends, and what it reads.

The wire tests prove redrive against botocore itself, never against hand-written expectations:

* :func:`botocore_request`: params serialized by botocore's own serializer for an operation
  (and, unless told not to, signed with SigV4), as the server receives them;
* :func:`botocore_parse`: what a botocore client makes of one of our responses;
  :func:`botocore_parse_shape`: what botocore's parser makes of it against any shape;
* :func:`parse_http`, :func:`request_round_trip` and :func:`response_round_trip`: one way
  through a redrive protocol and back to botocore's terms;
* :class:`RedriveEndpoint` and :func:`client_for`: a real botocore client whose requests a
  redrive protocol answers in-process (a ``before-send`` hook, no server).

Models come from botocore's own session (:func:`model`), loaded once per name; the router's
tests use :func:`redrive.wire.specs.service_model`, the loader the router itself uses (both
read the same model files).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import (
    AWSRequest,
    AWSResponse,
    HeadersDict,
    create_request_object,
    prepare_request_dict,
)
from botocore.config import Config
from botocore.credentials import Credentials as BotoCredentials
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer

from redrive.errors import ServiceError
from redrive.wire.http import HttpRequest, HttpResponse
from redrive.wire.protocols import WireProtocol
from redrive.wire.protocols.cbor import path_operation
from redrive.wire.protocols.json import target_operation
from redrive.wire.uri import match_uri

__all__ = [
    "ACCESS_KEY_ID",
    "ENDPOINT",
    "SESSION",
    "Handler",
    "RedriveEndpoint",
    "botocore_parse",
    "botocore_parse_shape",
    "botocore_request",
    "client_for",
    "form",
    "http_request",
    "model",
    "operation",
    "parse_http",
    "request_round_trip",
    "response_round_trip",
    "sign_v4",
]

ENDPOINT = "http://127.0.0.1:4566"
ACCESS_KEY_ID = "AKIDREDRIVETEST"
SECRET_ACCESS_KEY = "dummy-secret-key"
#: the protocols whose operations are told apart by URI template, with labels in the path
REST_PROTOCOLS = frozenset({"rest-json", "rest-xml"})

SESSION = botocore.session.get_session()


# --- models -------------------------------------------------------------------------------


@functools.cache
def model(name: str) -> ServiceModel:
    """botocore's service model called ``name``, as a botocore client loads it."""
    return SESSION.get_service_model(name)


def operation(service: str, name: str) -> OperationModel:
    return model(service).operation_model(name)


# --- requests: what botocore sends --------------------------------------------------------


def sign_v4(
    request: AWSRequest,
    signing_name: str,
    region: str = "us-east-1",
    access_key_id: str = ACCESS_KEY_ID,
) -> None:
    """Add a SigV4 ``Authorization`` header to ``request``, with dummy credentials."""
    creds = BotoCredentials(access_key_id, SECRET_ACCESS_KEY)
    SigV4Auth(creds, signing_name, region).add_auth(request)


def http_request(sent: Any) -> HttpRequest:
    """A request botocore is about to send (``AWSRequest`` or prepared), as our HttpRequest.

    Header names are lower-cased; values botocore still keeps as bytes are decoded; a body
    that is a stream is read.
    """
    split = urlsplit(sent.url)
    headers = {
        name.lower(): value.decode() if isinstance(value, bytes) else str(value)
        for name, value in sent.headers.items()
    }
    return HttpRequest(
        method=sent.method,
        path=split.path or "/",
        query=split.query,
        headers=headers,
        body=_body_bytes(sent.body),
    )


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        return body.encode()
    return bytes(body)


def botocore_request(
    operation: OperationModel,
    params: Mapping[str, Any],
    protocol: str | None = None,
    *,
    region: str = "us-east-1",
    sign: bool = True,
    endpoint: str = ENDPOINT,
    access_key_id: str = ACCESS_KEY_ID,
) -> HttpRequest:
    """``params`` serialized by botocore in ``protocol`` (default: the model's first) and,
    unless ``sign`` is false, signed with SigV4 and dummy credentials."""
    service = operation.service_model
    chosen = protocol or (service.metadata.get("protocols") or [service.metadata["protocol"]])[0]
    serializer = create_serializer(chosen, include_validation=False)
    request_dict = serializer.serialize_to_request(dict(params), operation)
    prepare_request_dict(request_dict, endpoint_url=endpoint)  # applies any host prefix
    aws_request = create_request_object(request_dict)
    if sign:
        signing_name = service.metadata.get("signingName") or service.metadata["endpointPrefix"]
        sign_v4(aws_request, signing_name, region, access_key_id)
    prepared = aws_request.prepare()
    request = http_request(prepared)
    request.headers.setdefault("host", urlsplit(prepared.url).netloc)
    return request


def form(request: HttpRequest) -> dict[str, str]:
    """The parameters of a query-protocol request: its query string and its form body."""
    return dict(request.query_params()) | dict(
        HttpRequest("GET", "/", request.body.decode()).query_params()
    )


# --- responses: what botocore reads -------------------------------------------------------


def botocore_parse_shape(
    shape: Shape | None, response: HttpResponse, protocol: str, body: Any = None
) -> dict[str, Any]:
    """What botocore's ``protocol`` parser makes of ``response`` read as ``shape``.

    ``body`` replaces the response's bytes (a stream, as a client hands one over).
    """
    headers = HeadersDict()  # case-insensitive, as a client's response headers
    for name, value in response.headers.items():
        headers[name] = value
    parsed: dict[str, Any] = create_parser(protocol).parse(
        {
            "status_code": response.status,
            "headers": headers,
            "body": response.body if body is None else body,
        },
        shape,
    )
    return parsed


def botocore_parse(
    operation: OperationModel | None, response: HttpResponse, protocol: str
) -> dict[str, Any]:
    """What botocore's client would make of ``response`` to ``operation``.

    ``None`` for an error reply read without an operation. A successful streaming output is
    handed to the parser as a stream, as botocore's endpoint does, and read back to bytes.
    """
    if operation is None:
        return botocore_parse_shape(None, response, protocol)
    body = None
    if operation.has_streaming_output and response.status < 300:
        body = StreamingBody(io.BytesIO(response.body), len(response.body))
    parsed = botocore_parse_shape(operation.output_shape, response, protocol, body)
    for name, value in list(parsed.items()):
        if isinstance(value, StreamingBody):
            parsed[name] = value.read()
    return parsed


# --- through a redrive protocol -----------------------------------------------------------


def parse_http(
    protocol: WireProtocol, operation: OperationModel, request: HttpRequest
) -> dict[str, Any]:
    """What ``protocol`` parses from ``request``; REST requests must match the URI template."""
    labels: Mapping[str, str] = {}
    if protocol.name in REST_PROTOCOLS:
        matched = match_uri(operation, request.path, request.query)
        assert matched is not None, (
            f"{request.path}?{request.query} does not match {operation.http}"
        )
        labels = matched
    return protocol.parse_request(operation, request, labels)


def request_round_trip(
    protocol: WireProtocol, operation: OperationModel, params: Mapping[str, Any]
) -> dict[str, Any]:
    """``params`` as botocore sends them in ``protocol``, parsed back by ``protocol``."""
    return parse_http(protocol, operation, botocore_request(operation, params, protocol.name))


def response_round_trip(
    protocol: WireProtocol,
    operation: OperationModel,
    output: Mapping[str, Any],
    request_id: str = "rid",
    *,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    streaming: bool = True,
) -> dict[str, Any]:
    """``output`` serialized by ``protocol`` and read back by botocore, ResponseMetadata apart.

    Checks that the response has ``status`` (when given) and ``headers``, and that botocore
    reads the request id and the status from it. ``streaming=False`` reads a streaming
    payload as botocore's parser does on its own (text), not as a client does (bytes).
    """
    response = protocol.serialize_response(operation, output, request_id)
    if status is not None:
        assert response.status == status
    for name, value in (headers or {}).items():
        assert response.headers[name] == value
    if streaming:
        parsed = botocore_parse(operation, response, protocol.name)
    else:
        parsed = botocore_parse_shape(operation.output_shape, response, protocol.name)
    metadata = parsed.pop("ResponseMetadata")
    assert metadata["RequestId"] == request_id
    assert metadata["HTTPStatusCode"] == response.status
    return parsed


# --- a real botocore client, answered in-process ------------------------------------------

Handler = Callable[[str, dict[str, Any]], Mapping[str, Any]]

REQUEST_ID = "rid"


class _RawBody(io.BytesIO):
    """A response body as urllib3 hands it to botocore."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


class RedriveEndpoint:
    """A ``before-send`` hook: answers a botocore client through a redrive protocol.

    The operation is the one the client called; the request must name it as its protocol
    says (``X-Amz-Target``, the RPC v2 path, ``Action``, the URI template). Its parsed params
    are recorded in ``received``. The answer is ``handler(operation, params)`` when a handler
    is given, else ``outputs[operation]`` (``{}`` by default) or the error
    ``errors[operation]``; a ServiceError is serialized as the protocol's error reply.
    """

    def __init__(
        self, protocol: WireProtocol, service: str, handler: Handler | None = None
    ) -> None:
        self.protocol = protocol
        self.service = service
        self.handler: Handler = handler or self._from_tables
        self.outputs: dict[str, Mapping[str, Any]] = {}
        self.errors: dict[str, ServiceError] = {}
        self.received: list[tuple[str, dict[str, Any]]] = []

    def _from_tables(self, name: str, params: dict[str, Any]) -> Mapping[str, Any]:
        if name in self.errors:
            raise self.errors[name]
        return self.outputs.get(name, {})

    def __call__(self, request: Any, event_name: str, **_: Any) -> AWSResponse:
        name = event_name.rsplit(".", 1)[-1]
        http = http_request(request)
        self._check_operation_named(request, http, name)
        service = model(self.service)
        operation = service.operation_model(name)
        try:
            params = parse_http(self.protocol, operation, http)
            self.received.append((name, params))
            output = self.handler(name, params)
            response = self.protocol.serialize_response(operation, output, REQUEST_ID)
        except ServiceError as error:
            response = self.protocol.serialize_error(service, error, REQUEST_ID)
        return AWSResponse(request.url, response.status, response.headers, _RawBody(response.body))

    def _check_operation_named(self, sent: Any, request: HttpRequest, name: str) -> None:
        protocol = self.protocol.name
        if protocol == "json":
            found = target_operation(request)
        elif protocol == "smithy-rpc-v2-cbor":
            assert sent.headers["smithy-protocol"] == b"rpc-v2-cbor"
            found = path_operation(request.path)
        elif protocol == "query":
            found = ("", form(request)["Action"])
        else:
            return  # REST: parse_http matches the operation's URI template
        assert found is not None
        assert found[1] == name, (found, name)


def client_for(
    endpoint: RedriveEndpoint,
    *,
    session: botocore.session.Session | None = None,
    config: Config | None = None,
) -> Any:
    """A botocore client of ``endpoint``'s service whose requests ``endpoint`` answers.

    One attempt per call (no retries); ``config`` adds to that. The client comes from a
    session of its own (or ``session``), never from :data:`SESSION`: client customizations
    edit the models of their session (S3's take ``{Bucket}`` out of every ``requestUri``).
    """
    base = Config(retries={"total_max_attempts": 1})
    client = (session or botocore.session.get_session()).create_client(
        endpoint.service,
        region_name="us-east-1",
        endpoint_url="http://redrive.test",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret",
        config=base if config is None else base.merge(config),
    )
    client.meta.events.register("before-send", endpoint)
    return client
