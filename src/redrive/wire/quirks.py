"""The per-service differences of the wire layer, in one table (STYLE.md habit 7).

Everything else in ``redrive.wire`` is generic over botocore's models; what one service does
differently from the others is written here, with where it comes from.

Validation errors
    The code and message form of the error a service returns when input fails the model's
    constraints (required, length, range, enum, pattern). Coral-based services answer with
    the "N validation error(s) detected: ..." message (see :mod:`redrive.wire.validate`) under
    their own code:

    * logs: ``InvalidParameterException`` (CloudWatch Logs API reference, Common Errors; the
      service models no ``ValidationException``).
    * cloudwatch: ``MissingParameter`` "The parameter <Name> is required." for a missing
      required top-level member, ``InvalidParameterValue`` with the Coral message for the rest
      (CloudWatch API reference, Common Errors).
    * lambda: ``ValidationException`` (Lambda API reference, Common Errors).
    * any other service: ``ValidationException``.

    All are HTTP 400 and the sender's fault.

S3 virtual-hosted-style addressing
    botocore addresses S3 buckets in the host name (``<bucket>.localhost:4566``,
    ``<bucket>.s3.<region>.amazonaws.com``) unless the endpoint is an IP address or path
    style is forced. :func:`virtual_host_bucket` finds such a bucket so the router can match
    the path-style templates of the model (Amazon S3 User Guide, "Virtual hosting of
    buckets").
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "VALIDATION",
    "VIRTUAL_HOSTED",
    "ValidationStyle",
    "validation_style",
    "virtual_host_bucket",
]


@dataclass(frozen=True)
class ValidationStyle:
    """How a service reports input that fails the model's constraints."""

    #: the error code for constraint violations
    code: str
    #: the code for a missing required top-level member, if it differs (query-style services)
    missing_code: str | None = None
    #: the message for ``missing_code``; ``{name}`` is the member name as the model spells it
    missing_message: str = "The parameter {name} is required."
    status: int = 400


DEFAULT_VALIDATION = ValidationStyle("ValidationException")

#: botocore service name -> validation style; services not listed use DEFAULT_VALIDATION
VALIDATION: Mapping[str, ValidationStyle] = {
    "logs": ValidationStyle("InvalidParameterException"),
    "cloudwatch": ValidationStyle("InvalidParameterValue", missing_code="MissingParameter"),
    "lambda": ValidationStyle("ValidationException"),
}


def validation_style(service: str) -> ValidationStyle:
    """The validation style of the botocore service ``service``."""
    return VALIDATION.get(service, DEFAULT_VALIDATION)


#: botocore services whose buckets may be named in the host (virtual-hosted style)
VIRTUAL_HOSTED: frozenset[str] = frozenset({"s3"})

_S3_HOST = re.compile(r"^(?P<bucket>.+?)\.s3[.-]", re.IGNORECASE)
_LOCALHOST_SUFFIX = ".localhost"


def virtual_host_bucket(host: str) -> str | None:
    """The bucket named in a virtual-hosted-style S3 ``Host`` header, if any.

    Recognised: ``<bucket>.s3.<...>`` / ``<bucket>.s3-<...>`` and ``<bucket>.localhost``
    (with or without a port). IP addresses and bare ``localhost`` name no bucket.
    """
    name = host.strip().lower()
    if name.startswith("["):  # IPv6 literal
        return None
    name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return None
    if name.endswith(_LOCALHOST_SUFFIX) and len(name) > len(_LOCALHOST_SUFFIX):
        return name[: -len(_LOCALHOST_SUFFIX)]
    found = _S3_HOST.match(name)
    if found is not None:
        return found.group("bucket")
    return None
