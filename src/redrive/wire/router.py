"""Which service, operation and protocol an HTTP request is for.

:func:`route` reads, in this order:

1. **Credentials.** A SigV4 ``Authorization`` header (``AWS4-HMAC-SHA256
   Credential=<AKID>/<date>/<region>/<service>/aws4_request, ...``) or a presigned URL's
   ``X-Amz-Credential`` gives the access key id, the region and the signing name. The
   signing name narrows the candidate services (``monitoring`` -> cloudwatch; ``dynamodb`` ->
   dynamodb and dynamodbstreams); a signing name no botocore model uses is an
   :class:`UnknownService`. Unsigned requests are matched against the services redrive
   implements first and, for json, rpc-v2-cbor and query, then against every botocore
   service; their region is ``us-east-1``.
2. **smithy-rpc-v2-cbor**: a ``smithy-protocol: rpc-v2-cbor`` header or a path
   ``/service/<Name>/operation/<Op>``; ``<Name>`` is the model's ``targetPrefix``.
3. **json**: an ``X-Amz-Target: <targetPrefix>.<Op>`` header; the prefix picks the service
   among those sharing a signing name.
4. **query**: an ``Action`` parameter in the query string or a form-encoded body, whatever
   the path (older SDKs post SQS requests to the queue URL, ``/<account>/<queue>``). The
   ``Version`` parameter, when it names one candidate's API version, picks among them.
   Query-compatible JSON services (SQS, CloudWatch) also accept query requests.
5. **REST** (rest-json, rest-xml): the ``requestUri`` templates of the candidate services'
   operations with the request's method (:mod:`redrive.wire.uri`); the most specific template
   wins across all candidates. Operations sharing a template are told apart by their
   required query keys and headers (S3 ``UploadPart`` needs ``uploadId``, ``CopyObject`` the
   ``x-amz-copy-source`` header) and by query keys only one of them knows. Unsigned requests
   try the REST services redrive implements.
   S3 buckets in the host name (virtual-hosted style) are moved into the path first
   (:func:`redrive.wire.quirks.virtual_host_bucket`).

A signal only counts when a candidate service speaks its protocol: an ``X-Amz-Target`` sent
to Lambda's signing name is ignored and the request is matched as REST.

A known botocore service that redrive does not implement is still routed, so the dispatcher
can answer 501 naming service and operation.

Errors (all :class:`RoutingError`, carrying the protocol and service to write them with):

=============================  ======  =========================================================
code                           status  when
=============================  ======  =========================================================
``UnknownService``             400     signing name unknown to botocore, or an unsigned request
                                       that matches no service
``UnknownOperationException``  400     json: the service has no such operation, the target
                                       prefix is not the service's, or no ``X-Amz-Target``
``UnknownOperationException``  404     REST: no template of the service matches method and
                                       path; rpc-v2-cbor: an unknown operation, or a path that
                                       is not ``/service/<S>/operation/<O>``
``InvalidAction``              400     query: "The action X is not valid for this web service."
``MissingAction``              400     query: a request to a query-only service without Action
=============================  ======  =========================================================
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from urllib.parse import parse_qsl, quote, unquote

from botocore.model import OperationModel, ServiceModel

from redrive.errors import ServiceError
from redrive.wire import quirks, specs
from redrive.wire.http import HttpRequest
from redrive.wire.uri import match_uri, parse_template, rank_operations

__all__ = [
    "CBOR",
    "DEFAULT_REGION",
    "Credentials",
    "InvalidAction",
    "MissingAction",
    "Route",
    "RoutingError",
    "UnknownOperation",
    "UnknownService",
    "credentials",
    "route",
]

DEFAULT_REGION = "us-east-1"  # unsigned requests (DESIGN.md, Contracts: region from request)
CBOR = "smithy-rpc-v2-cbor"
JSON = "json"
QUERY = "query"
REST_PROTOCOLS = ("rest-json", "rest-xml")

_CBOR_PATH = re.compile(r"/service/(?P<service>[^/]+)/operation/(?P<operation>[^/]+)/?")
_CREDENTIAL = re.compile(r"Credential=(?P<scope>[^,\s]+)")
_SIGV2 = re.compile(r"^AWS (?P<akid>[^:\s]+):")
_FORM = "application/x-www-form-urlencoded"


# -- results and errors -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """Where a request goes.

    :func:`route` always sets ``operation_model`` (it raises for unknown operations); the
    field is optional for routes built elsewhere, which the dispatcher answers with 501.
    """

    service_model: ServiceModel
    operation_model: OperationModel | None
    operation_name: str
    protocol: str
    region: str
    access_key_id: str | None
    uri_params: dict[str, str] = field(default_factory=dict)

    @property
    def service_name(self) -> str:
        """The botocore name of the service (``logs``, ``cloudwatch``)."""
        return str(self.service_model.service_name)


class RoutingError(ServiceError):
    """A request that cannot be routed; ``protocol``/``service_model`` say how to answer.

    Either may be None when the request gave no clue; the dispatcher then guesses.
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int,
        *,
        protocol: str | None,
        service_model: ServiceModel | None,
    ) -> None:
        super().__init__(code, message, status)
        self.protocol = protocol
        self.service_model = service_model


class UnknownService(RoutingError):
    """No AWS service that redrive knows of matches the request."""

    def __init__(self, message: str, *, protocol: str | None = None) -> None:
        super().__init__("UnknownService", message, 400, protocol=protocol, service_model=None)


class UnknownOperation(RoutingError):
    """The service is known, the operation is not (json, rpc-v2-cbor, REST)."""

    def __init__(
        self, message: str, *, protocol: str, service_model: ServiceModel, status: int = 400
    ) -> None:
        super().__init__(
            "UnknownOperationException",
            message,
            status,
            protocol=protocol,
            service_model=service_model,
        )


class InvalidAction(RoutingError):
    """query: the Action names no operation of the service."""

    def __init__(self, action: str, service_model: ServiceModel) -> None:
        super().__init__(
            "InvalidAction",
            f"The action {action} is not valid for this web service.",
            400,
            protocol=QUERY,
            service_model=service_model,
        )


class MissingAction(RoutingError):
    """query: no Action parameter."""

    def __init__(self, service_model: ServiceModel) -> None:
        super().__init__(
            "MissingAction",
            "The request must contain the parameter Action.",
            400,
            protocol=QUERY,
            service_model=service_model,
        )


# -- credentials ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """What the request's signature tells: who, where, for which service (each may be None)."""

    access_key_id: str | None
    region: str | None
    signing_name: str | None


def credentials(request: HttpRequest) -> Credentials | None:
    """The credential scope of a SigV4 header or presigned URL; None when unsigned.

    SigV4a scopes (``<AKID>/<date>/<service>/aws4_request``) take the region from
    ``X-Amz-Region-Set``; SigV2 (``AWS <AKID>:<signature>``) gives the access key only.
    """
    header = request.headers.get("authorization", "")
    scope: str | None = None
    found = _CREDENTIAL.search(header)
    if found is not None:
        scope = found.group("scope")
    elif header:
        v2 = _SIGV2.match(header)
        if v2 is not None:
            return Credentials(v2.group("akid"), None, None)
    if scope is None:
        for key, value in request.query_params():
            if key == "X-Amz-Credential":
                scope = value
                break
    if scope is None:
        return None
    parts = scope.split("/")
    if len(parts) >= 5:
        return Credentials(parts[0] or None, parts[2] or None, parts[3] or None)
    if len(parts) == 4:  # SigV4a: no region in the scope
        region_set = request.headers.get("x-amz-region-set", "").split(",")[0].strip()
        return Credentials(parts[0] or None, region_set or None, parts[2] or None)
    return Credentials(parts[0] or None, None, None)


# -- candidates -------------------------------------------------------------------------------


class _Candidates:
    """The services a request may be for: implemented ones first, then the rest (lazily)."""

    def __init__(self, signing: str | None, implemented: Collection[str]) -> None:
        self.signing = signing
        self.implemented = [s for s in implemented if s in specs.available_services()]
        self._quick: list[str] | None = None
        self._complete: list[str] | None = None
        self._speaking: dict[str, list[str]] = {}

    def _order(self, names: Iterable[str]) -> list[str]:
        names = set(names)
        first = [s for s in self.implemented if s in names]
        return first + sorted(names - set(first))

    def quick(self) -> list[str]:
        """Signed: matches among implemented and likely names. Unsigned: implemented."""
        if self._quick is None:
            if self.signing is None:
                self._quick = list(self.implemented)
            else:
                among = set(self.implemented) | set(specs.likely_names(self.signing))
                self._quick = self._order(specs.services_with("signing_name", self.signing, among))
        return self._quick

    def complete(self) -> list[str]:
        """Signed: every service with the signing name. Unsigned: the implemented ones."""
        if self._complete is None:
            if self.signing is None:
                self._complete = list(self.implemented)
            else:
                self._complete = self._order(specs.services_with("signing_name", self.signing))
        return self._complete

    def tiers(self) -> Iterator[list[str] | None]:
        """Where to look, cheapest first (lazily): quick, then complete (signed) or every
        service (unsigned, None)."""
        yield self.quick()
        yield self.complete() if self.signing is not None else None

    def order(self, names: Iterable[str]) -> list[str]:
        """``names`` with the implemented services first, in their given order, then sorted."""
        return self._order(names)

    def speaking(self, protocol: str) -> list[str]:
        """The candidates that speak ``protocol``: quick ones if any do, else complete ones."""
        found = self._speaking.get(protocol)
        if found is None:
            found = _speaking(self.quick(), protocol) or _speaking(self.complete(), protocol)
            self._speaking[protocol] = found
        return found

    def any_speaks(self, protocol: str) -> bool:
        """Whether the signal of ``protocol`` applies: unsigned, or a candidate speaks it."""
        return self.signing is None or bool(self.speaking(protocol))


@lru_cache(maxsize=256)
def _candidates(signing: str | None, services: tuple[str, ...]) -> _Candidates:
    """One :class:`_Candidates` per signing name: it only caches what the models say."""
    return _Candidates(signing, services)


def _models(names: Iterable[str]) -> list[ServiceModel]:
    return [specs.service_model(name) for name in names]


@cache
def _operation_names(service: str) -> frozenset[str]:
    return frozenset(specs.service_model(service).operation_names)


# -- route ------------------------------------------------------------------------------------


def route(request: HttpRequest, services: Collection[str]) -> Route:
    """Route ``request``; ``services`` are the botocore names redrive implements.

    Raises a :class:`RoutingError` subclass when the request cannot be routed.
    """
    creds = credentials(request)
    region = (creds.region if creds else None) or DEFAULT_REGION
    access_key_id = creds.access_key_id if creds else None
    signing = creds.signing_name if creds else None
    candidates = _candidates(signing, tuple(services))
    if signing is not None and not candidates.quick() and not candidates.complete():
        raise UnknownService(
            f"No AWS service signs its requests as {signing!r}; check the service name in "
            "the request's credential scope.",
            protocol=_guess_protocol(request),
        )

    def done(
        model: ServiceModel,
        operation: OperationModel,
        protocol: str,
        uri_params: dict[str, str] | None = None,
    ) -> Route:
        return Route(
            service_model=model,
            operation_model=operation,
            operation_name=str(operation.name),
            protocol=protocol,
            region=region,
            access_key_id=access_key_id,
            uri_params={} if uri_params is None else uri_params,
        )

    headers = request.headers
    cbor_path = _CBOR_PATH.fullmatch(request.path)
    if headers.get("smithy-protocol", "").strip().lower() == "rpc-v2-cbor" or (
        cbor_path is not None and request.method == "POST" and candidates.any_speaks(CBOR)
    ):
        model, operation = _route_rpc(CBOR, request, cbor_path, candidates)
        return done(model, operation, CBOR)

    if headers.get("x-amz-target", "").strip() and candidates.any_speaks(JSON):
        model, operation = _route_rpc(JSON, request, None, candidates)
        return done(model, operation, JSON)

    query = _route_query(request, candidates)
    if query is not None:
        return done(query[0], query[1], QUERY)

    return done(*_route_rest(request, candidates))


def _guess_protocol(request: HttpRequest) -> str:
    """A protocol to answer an unroutable request in (see :mod:`redrive.wire.dispatch`)."""
    content_type = request.headers.get("content-type", "")
    if request.headers.get("smithy-protocol") or "cbor" in content_type:
        return CBOR
    if request.headers.get("x-amz-target") or "json" in content_type:
        return JSON
    return QUERY


# -- rpc: json and rpc-v2-cbor ----------------------------------------------------------------


def _route_rpc(
    protocol: str,
    request: HttpRequest,
    cbor_path: re.Match[str] | None,
    candidates: _Candidates,
) -> tuple[ServiceModel, OperationModel]:
    if protocol == CBOR:
        if cbor_path is None:
            speaking = candidates.speaking(CBOR)
            if not speaking:
                raise UnknownService(
                    f"No service matches the RPC v2 CBOR request to {request.path}",
                    protocol=CBOR,
                )
            raise UnknownOperation(
                "RPC v2 CBOR requests go to /service/<Service>/operation/<Operation>, "
                f"not {request.path}",
                protocol=CBOR,
                service_model=specs.service_model(speaking[0]),
                status=404,
            )
        prefix = unquote(cbor_path.group("service"))
        name = unquote(cbor_path.group("operation"))
        missing_status = 404
    else:
        target = request.headers["x-amz-target"].strip()
        prefix, _, name = target.rpartition(".")
        missing_status = 400
    return _rpc_operation(protocol, prefix, name, missing_status, candidates)


@lru_cache(maxsize=4096)
def _rpc_operation(
    protocol: str, prefix: str, name: str, missing_status: int, candidates: _Candidates
) -> tuple[ServiceModel, OperationModel]:
    """The service and operation an RPC request names (cached: SDKs repeat a few targets)."""
    for tier in candidates.tiers():
        found = [
            s for s in specs.services_with("target_prefix", prefix, tier) if _speaks(s, protocol)
        ]
        if not found:
            continue
        model = specs.service_model(candidates.order(found)[0])
        if name and name in _operation_names(model.service_name):
            return model, model.operation_model(name)
        raise UnknownOperation(
            f"Operation {name or '(none)'} is not part of service {model.service_id}",
            protocol=protocol,
            service_model=model,
            status=missing_status,
        )
    speaking = candidates.speaking(protocol)
    if candidates.signing is None or not speaking:
        raise UnknownService(f"No AWS service has the target prefix {prefix!r}", protocol=protocol)
    model = specs.service_model(speaking[0])
    raise UnknownOperation(
        f"{prefix}.{name} is not an operation of service {model.service_id}",
        protocol=protocol,
        service_model=model,
        status=missing_status,
    )


def _speaks(service: str, protocol: str) -> bool:
    return specs.supports(specs.service_model(service), protocol)


def _speaking(names: Iterable[str], protocol: str) -> list[str]:
    return [s for s in names if _speaks(s, protocol)]


# -- query ------------------------------------------------------------------------------------


def _form_params(request: HttpRequest) -> list[tuple[str, str]]:
    if not _is_form(request):
        return []
    return parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)


def _is_form(request: HttpRequest) -> bool:
    return request.headers.get("content-type", "").strip().lower().startswith(_FORM)


def _route_query(
    request: HttpRequest, candidates: _Candidates
) -> tuple[ServiceModel, OperationModel] | None:
    action: str | None = None
    version: str | None = None
    for key, value in [*request.query_params(), *_form_params(request)]:
        if key == "Action" and action is None:
            action = value
        elif key == "Version" and version is None:
            version = value
    if action is None or not candidates.any_speaks(QUERY):
        return None
    first: ServiceModel | None = None
    for tier in candidates.tiers():
        speakers = candidates.order(specs.services_speaking(QUERY, tier))
        if not speakers:
            continue
        models = _models(speakers)
        same_version = [m for m in models if version and m.api_version == version]
        for model in same_version or models:
            first = first or model
            if action in _operation_names(model.service_name):
                return model, model.operation_model(action)
    if first is not None:
        raise InvalidAction(action, first)
    raise UnknownService(
        f"No AWS service speaking the query protocol has an action {action!r}", protocol=QUERY
    )


# -- REST -------------------------------------------------------------------------------------


def _rest_protocol(model: ServiceModel) -> str | None:
    for protocol in specs.protocols(model):
        if protocol in REST_PROTOCOLS:
            return protocol
    return None


@cache
def _ranked(service: str, method: str) -> list[OperationModel]:
    model = specs.service_model(service)
    operations = [model.operation_model(name) for name in model.operation_names]
    return rank_operations(op for op in operations if op.http.get("method", "POST") == method)


#: a REST operation a request matches: (model, operation, protocol, URI labels)
_RestMatch = tuple[ServiceModel, OperationModel, str, dict[str, str]]


def _route_rest(request: HttpRequest, candidates: _Candidates) -> _RestMatch:
    method = request.method.upper()
    host = request.headers.get("host", "")
    tiers: Iterator[list[str]] = iter([candidates.quick()])
    if candidates.signing is not None:
        tiers = itertools.chain(tiers, _later(candidates.complete))
    query_keys = frozenset(key for key, _ in request.query_params())
    header_names = frozenset(request.headers)
    for tier in tiers:
        found = _best_rest_match(
            tuple(tier),
            method=method,
            host=host,
            path=request.path,
            query=request.query,
            query_keys=query_keys,
            header_names=header_names,
        )
        if found is not None:
            service, operation_name, params = found
            model = specs.service_model(service)
            protocol = _rest_protocol(model)
            assert protocol is not None
            return model, model.operation_model(operation_name), protocol, dict(params)
    raise _unroutable(request, candidates)


@lru_cache(maxsize=4096)
def _best_rest_match(
    tier: tuple[str, ...],
    *,
    method: str,
    host: str,
    path: str,
    query: str,
    query_keys: frozenset[str],
    header_names: frozenset[str],
) -> tuple[str, str, tuple[tuple[str, str], ...]] | None:
    """The most specific REST operation of ``tier`` for this request: (service, operation,
    URI parameters). Cached: a client calling the same resource again routes at once."""
    best: tuple[tuple[object, ...], tuple[str, str, tuple[tuple[str, str], ...]]] | None = None
    for rank, service in enumerate(tier):
        model = specs.service_model(service)
        if _rest_protocol(model) is None:
            continue
        service_path = path
        if service in quirks.VIRTUAL_HOSTED:
            bucket = quirks.virtual_host_bucket(host)
            if bucket is not None:
                service_path = "/" + quote(bucket, safe="") + ("" if path == "/" else path)
        for index, operation in enumerate(_ranked(service, method)):
            params = match_uri(operation, service_path, query)
            if params is None:
                continue
            queries, headers, known = _bindings(service, str(operation.name))
            satisfied = queries <= query_keys and headers <= header_names
            key = (
                parse_template(str(operation.http["requestUri"])).specificity(),
                not satisfied,
                len(query_keys - known),
                -(len(queries) + len(headers)),
                rank,
                index,
            )
            if best is None or key < best[0]:
                best = (key, (service, str(operation.name), tuple(params.items())))
    return None if best is None else best[1]


def _later(make: Callable[[], list[str]]) -> Iterator[list[str]]:
    yield make()


@cache
def _bindings(
    service: str, operation: str
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Required query keys, required (lower-case) header names, and every query key of the
    operation's input.

    Operations sharing one template are told apart by them (S3: ``UploadPart`` needs
    ``uploadId`` and ``partNumber``, ``CopyObject`` the ``x-amz-copy-source`` header,
    ``ListDirectoryBuckets`` alone knows ``max-directory-buckets``).
    """
    shape = specs.service_model(service).operation_model(operation).input_shape
    if shape is None:
        return frozenset(), frozenset(), frozenset()
    queries: set[str] = set()
    headers: set[str] = set()
    known: set[str] = set()
    required = set(shape.required_members)
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = str(member.serialization.get("name", name))
        if location == "querystring":
            known.add(wire_name)
            if name in required:
                queries.add(wire_name)
        elif location == "header" and name in required:
            headers.add(wire_name.lower())
    return frozenset(queries), frozenset(headers), frozenset(known)


def _unroutable(request: HttpRequest, candidates: _Candidates) -> RoutingError:
    where = f"{request.method.upper()} {request.path}"
    if candidates.signing is None:
        return UnknownService(
            "Cannot tell which AWS service this unsigned request is for: it has no "
            f"X-Amz-Target or Action, and {where} matches no operation of the services "
            "redrive implements. Sign the request (any dummy credentials) so the service "
            "is known.",
            protocol=_guess_protocol(request),
        )
    for service in candidates.complete():
        model = specs.service_model(service)
        protocol = _rest_protocol(model)
        if protocol is not None:
            return UnknownOperation(
                f"No operation of service {model.service_id} matches {where}",
                protocol=protocol,
                service_model=model,
                status=404,
            )
    query = candidates.speaking(QUERY)
    json = candidates.speaking(JSON)
    if query and (_is_form(request) or not json):
        return MissingAction(specs.service_model(query[0]))
    if json:
        return UnknownOperation(
            "Missing X-Amz-Target header: cannot tell which operation is called",
            protocol=JSON,
            service_model=specs.service_model(json[0]),
        )
    cbor = candidates.speaking(CBOR)
    if cbor:
        return UnknownOperation(
            f"RPC v2 CBOR requests go to /service/<Service>/operation/<Operation>, not {where}",
            protocol=CBOR,
            service_model=specs.service_model(cbor[0]),
            status=404,
        )
    return UnknownService(f"redrive cannot route {where}", protocol=_guess_protocol(request))
