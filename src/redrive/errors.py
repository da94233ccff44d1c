"""The error tree of redrive.

::

    RedriveError                 anything redrive raises on purpose
    ├── ConfigError              bad flags or arguments (CLI, Cloud(...)); never reaches the wire
    ├── StoreError               the durable store cannot be opened or migrated
    └── ServiceError             an AWS-facing error: code, message, HTTP status, fault side
        ├── MalformedRequest     the body or query string cannot be decoded at all; the wire
        │                        layer turns it into the protocol's serialization error
        └── NotImplementedOperation
                                 a known service, an operation redrive does not implement (501)

A :class:`ServiceError` carries everything the wire layer needs to serialize it for any
protocol, as data: the AWS error code, the message, the HTTP status and whether the sender is
at fault. The code is the one an SDK user sees (``ResourceNotFoundException``,
``InvalidParameterValue``, ``AWS.SimpleQueueService.NonExistentQueue``); the wire layer finds
the matching error shape in the service model to write the protocol's own form (``__type``,
``x-amzn-query-error``, ``<Code>``). Services raise it; nothing else needs to know how the error
looks on the wire.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "MalformedRequest",
    "NotImplementedOperation",
    "RedriveError",
    "ServiceError",
    "StoreError",
]


class RedriveError(Exception):
    """Base class of every error redrive raises on purpose."""


class ConfigError(RedriveError):
    """Invalid configuration given by the user (flags, ``Cloud(...)`` arguments)."""


class StoreError(RedriveError):
    """The durable store cannot be opened, read or migrated."""


class ServiceError(RedriveError):
    """An error the AWS API would return, carried as data.

    ``code`` is the error code as AWS names it; ``status`` the HTTP status; ``sender_fault``
    tells client errors (``Sender``) from server errors (``Receiver``). ``fields`` are extra
    members some errors carry in their body (for example ``Type`` or ``Reason`` in Lambda's
    errors); ``headers`` extra response headers.
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        sender_fault: bool | None = None,
        fields: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = status < 500 if sender_fault is None else sender_fault
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


class MalformedRequest(ServiceError):
    """A request body or query string that cannot be decoded.

    Raised by protocol parsers with a human-readable reason; the dispatcher replaces ``code``
    with the protocol's own serialization error code (``SerializationException`` for JSON and
    CBOR, ``MalformedQueryString`` for query, ``MalformedXML`` for REST-XML).
    """

    def __init__(self, message: str) -> None:
        super().__init__("SerializationException", message, 400)


class NotImplementedOperation(ServiceError):
    """A request for an operation of a known service that redrive does not implement."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            "NotImplemented",
            f"redrive does not implement operation {operation} of service {service} yet",
            501,
            sender_fault=False,
        )
        self.service = service
        self.operation = operation
