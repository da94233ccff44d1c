"""botocore's service models, loaded on demand and cached, and the indexes the router needs.

* :func:`service_model` loads one model by its botocore name (``logs``, ``cloudwatch``).
* :func:`signing_name`, :func:`target_prefix` and :func:`protocols` read a model's metadata.
* :func:`query_model` is a model as the query protocol walks it: with the query names
  :data:`redrive.wire.quirks.QUERY_NAMES` restores (SQS's JSON model lost them).
* :func:`services_with` finds the services whose signing name or target prefix is a given
  value. Asked about a few candidate names (``among``), it loads only those; asked about all
  services it builds a full index once, from the ``metadata`` at the head of each of the
  ~420 model files (about 0.1 s; decoding the whole models would take 3 s). Nothing is
  loaded at import.

A model may list several protocols (``metadata.protocols``; CloudWatch: smithy-rpc-v2-cbor,
json and query); the request decides which one is used (see :mod:`redrive.wire.router`).
Services marked ``awsQueryCompatible`` (SQS, CloudWatch) also accept the query protocol,
which older SDKs still speak to them.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader
from botocore.model import ServiceModel

from redrive.wire import quirks

__all__ = [
    "Attribute",
    "available_services",
    "likely_names",
    "protocols",
    "query_model",
    "service_model",
    "services_speaking",
    "services_with",
    "signing_name",
    "supports",
    "target_prefix",
]

Attribute = Literal["signing_name", "target_prefix"]

#: botocore names worth trying first for a signing name that is not itself a service name;
#: an optimisation only (each guess is checked against the model), the full index is the truth.
_LIKELY_NAMES: Mapping[str, tuple[str, ...]] = {
    "monitoring": ("cloudwatch",),
    "states": ("stepfunctions",),
    "dynamodb": ("dynamodb", "dynamodbstreams"),
    "apigateway": ("apigateway", "apigatewayv2"),
    "s3": ("s3", "s3control"),
    "execute-api": ("apigatewaymanagementapi",),
    "elasticloadbalancing": ("elb", "elbv2"),
}


@cache
def _loader() -> Loader:
    return Loader()


@cache
def available_services() -> frozenset[str]:
    """The botocore names of every service model botocore ships."""
    return frozenset(_loader().list_available_services("service-2"))


@cache
def service_model(name: str) -> ServiceModel:
    """The botocore service model called ``name``; KeyError if botocore has none."""
    if name not in available_services():
        raise KeyError(f"botocore has no service model named {name!r}")
    data = _loader().load_service_model(name, "service-2")
    return ServiceModel(data, service_name=name)


def query_model(model: ServiceModel) -> ServiceModel:
    """``model`` as the query protocol reads and writes it.

    For a service listed in :data:`redrive.wire.quirks.QUERY_NAMES`, the botocore model of
    that name with the listed ``locationName`` traits and ``xmlNamespace`` added, and the
    ``resultWrapper`` every query model gives an output (``<Operation>Result``) where the
    model has none (built once); ``model`` itself for any other service.
    """
    name = str(model.service_name)
    if name not in quirks.QUERY_NAMES or name not in available_services():
        return model
    return _query_model(name)


@cache
def _query_model(name: str) -> ServiceModel:
    names = quirks.QUERY_NAMES[name]
    data = copy.deepcopy(_loader().load_service_model(name, "service-2"))
    data["metadata"]["xmlNamespace"] = names.xml_namespace
    for operation_name, operation in data["operations"].items():
        if "output" in operation:
            operation["output"].setdefault("resultWrapper", f"{operation_name}Result")
    shapes = data["shapes"]
    for where, location_name in names.location_names.items():
        shape_name, _, part = where.partition(".")
        shape = shapes[shape_name]  # KeyError: the table names a shape the model lacks
        if not part:
            target = shape
        elif shape["type"] == "structure":
            target = shape["members"][part]
        elif (shape["type"], part) in (("list", "member"), ("map", "key"), ("map", "value")):
            target = shape[part]
        else:
            raise KeyError(f"{name}: {where} names no member of a {shape['type']}")
        target["locationName"] = location_name
    return ServiceModel(data, service_name=name)


def _metadata_signing_name(metadata: Mapping[str, Any]) -> str:
    return str(metadata.get("signingName") or metadata.get("endpointPrefix") or "")


def signing_name(model: ServiceModel) -> str:
    """The SigV4 signing name: metadata ``signingName``, else ``endpointPrefix``."""
    return _metadata_signing_name(model.metadata)


def target_prefix(model: ServiceModel) -> str | None:
    """The ``X-Amz-Target`` prefix (also the RPC v2 service name), if the model has one."""
    value = model.metadata.get("targetPrefix")
    return str(value) if value else None


def protocols(model: ServiceModel) -> tuple[str, ...]:
    """The protocols the model lists, preferred first (``metadata.protocols``)."""
    listed = model.metadata.get("protocols")
    if listed:
        return tuple(str(p) for p in listed)
    return (str(model.metadata["protocol"]),)


def supports(model: ServiceModel, protocol: str) -> bool:
    """Whether requests to ``model`` may use ``protocol`` (query also if query-compatible)."""
    return _entry_of(model.metadata).speaks(protocol)


def likely_names(signing: str) -> tuple[str, ...]:
    """botocore names likely to have the signing name ``signing`` (unchecked guesses)."""
    return _LIKELY_NAMES.get(signing, (signing,))


@dataclass(frozen=True)
class _Entry:
    signing_name: str
    target_prefix: str | None
    protocols: tuple[str, ...]
    query_compatible: bool

    def speaks(self, protocol: str) -> bool:
        return protocol in self.protocols or (protocol == "query" and self.query_compatible)


def _entry_of(metadata: Mapping[str, Any]) -> _Entry:
    prefix = metadata.get("targetPrefix")
    listed = metadata.get("protocols") or [metadata["protocol"]]
    return _Entry(
        signing_name=_metadata_signing_name(metadata),
        target_prefix=str(prefix) if prefix else None,
        protocols=tuple(str(p) for p in listed),
        query_compatible="awsQueryCompatible" in metadata,
    )


@cache
def _full_index() -> dict[str, _Entry]:
    index: dict[str, _Entry] = {}
    for name in sorted(available_services()):
        metadata = _peek_metadata(name)
        if metadata is None:
            # throwaway loader: its instance cache would keep every raw model alive
            metadata = Loader().load_service_model(name, "service-2")["metadata"]
        index[name] = _entry_of(metadata)
    return index


_PEEK_BYTES = 16384
_decoder = json.JSONDecoder()


def _peek_metadata(name: str) -> dict[str, Any] | None:
    """The ``metadata`` object of a model, read from the head of its file (fast path).

    Model files start with ``{"version": ..., "metadata": {...}, "operations": ...``;
    decoding only that object takes milliseconds where the whole model takes ~10 ms
    (x 420). None when the file is not laid out so; the caller then loads the whole model.
    """
    loader = _loader()
    try:
        version = loader.determine_latest_version(name, "service-2")
        for root in loader.search_paths:
            base = os.path.join(root, name, version, "service-2.json")
            if os.path.isfile(base):
                with open(base, "rb") as plain:
                    head = plain.read(_PEEK_BYTES)
                break
            if os.path.isfile(base + ".gz"):
                with gzip.open(base + ".gz") as packed:
                    head = packed.read(_PEEK_BYTES)
                break
        else:
            return None
        text = head.decode("utf-8", "ignore")
        start = text.index("{", text.index('"metadata"'))
        metadata, _ = _decoder.raw_decode(text, start)
    except (OSError, ValueError, EOFError, gzip.BadGzipFile, DataNotFoundError):
        return None
    if not isinstance(metadata, dict) or "endpointPrefix" not in metadata:
        return None
    if "protocol" not in metadata:
        return None
    return metadata


def _entries(among: Iterable[str] | None) -> Iterable[tuple[str, _Entry]]:
    if among is None:
        return _full_index().items()
    known = available_services()
    return [(name, _entry(name)) for name in sorted(set(among)) if name in known]


@cache
def _entry(name: str) -> _Entry:
    return _entry_of(service_model(name).metadata)


def services_with(
    attribute: Attribute, value: str, among: Iterable[str] | None = None
) -> list[str]:
    """botocore names of the services whose ``attribute`` equals ``value``, sorted.

    With ``among``, only those names are considered (and loaded); names botocore does not
    know are ignored. Without it, every service is (through the full index, built once).
    """
    return sorted(name for name, entry in _entries(among) if getattr(entry, attribute) == value)


def services_speaking(protocol: str, among: Iterable[str] | None = None) -> list[str]:
    """botocore names of the services that accept ``protocol`` (see :func:`supports`), sorted.

    ``among`` limits the search as in :func:`services_with`.
    """
    return sorted(name for name, entry in _entries(among) if entry.speaks(protocol))
