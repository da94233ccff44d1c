"""One module per AWS protocol; :func:`get_protocol` returns the implementation by name."""

from __future__ import annotations

from redrive.wire.protocols.base import WireProtocol

_REGISTRY: dict[str, WireProtocol] = {}


def register(protocol: WireProtocol) -> WireProtocol:
    _REGISTRY[protocol.name] = protocol
    return protocol


def get_protocol(name: str) -> WireProtocol:
    """The protocol called ``name`` (a botocore protocol name such as ``rest-json``)."""
    if not _REGISTRY:
        _load_all()
    return _REGISTRY[name]


def _load_all() -> None:
    from redrive.wire.protocols import (  # noqa: F401 - imported to register
        cbor,
        json,
        query,
        rest_json,
        rest_xml,
    )


__all__ = ["WireProtocol", "get_protocol", "register"]
