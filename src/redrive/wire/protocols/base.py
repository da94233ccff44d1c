"""The interface every wire protocol implements.

Values crossing this interface are plain Python, shaped by the botocore model:

================  ===========================================================
botocore type     Python value (parsed request params and service outputs)
================  ===========================================================
structure         ``dict`` keyed by member name (only members present)
list              ``list``
map               ``dict``
string            ``str``
integer/long      ``int``
float/double      ``float`` (``int`` accepted on output)
boolean           ``bool``
blob              ``bytes`` (``str`` accepted on output: UTF-8 encoded)
timestamp         ``datetime`` aware, UTC, on input; ``datetime`` or epoch seconds
                  (``int``/``float``) accepted on output
================  ===========================================================

Parsers raise :class:`~redrive.errors.MalformedRequest` for bodies they cannot decode and
never anything else for client input. Serializers skip output members whose value is None.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from botocore.model import OperationModel, ServiceModel

from redrive.errors import ServiceError
from redrive.wire.http import HttpRequest, HttpResponse


class WireProtocol(ABC):
    """Parse requests and serialize responses and errors for one AWS protocol."""

    #: botocore's name for the protocol: json, rest-json, query, rest-xml, smithy-rpc-v2-cbor
    name: ClassVar[str]
    #: error code for a body that cannot be decoded at all
    serialization_error_code: ClassVar[str]

    @abstractmethod
    def parse_request(
        self,
        operation: OperationModel,
        request: HttpRequest,
        uri_params: Mapping[str, str],
    ) -> dict[str, Any]:
        """The operation's input parameters, as botocore's client would have taken them.

        ``uri_params`` are the decoded labels matched from the request URI template (REST
        protocols only; empty otherwise).
        """

    @abstractmethod
    def serialize_response(
        self,
        operation: OperationModel,
        output: Mapping[str, Any],
        request_id: str,
    ) -> HttpResponse:
        """The HTTP response for a successful call, with the protocol's request-id header."""

    @abstractmethod
    def serialize_error(
        self,
        service: ServiceModel,
        error: ServiceError,
        request_id: str,
    ) -> HttpResponse:
        """The HTTP response for ``error``, in the protocol's error format.

        The error's ``code`` is what an SDK user sees. When the model has an error shape with
        that code (its name, or its query code: the ``error.code`` trait, or the code
        :data:`redrive.wire.quirks.QUERY_ERROR_CODES` gives it), the protocol uses the shape's
        name where it writes a type (``__type``), the query code where it writes a code
        (``<Code>``) and, for ``awsQueryCompatible`` services, adds the
        ``x-amzn-query-error: <query code>;<Sender|Receiver>`` header.
        """
