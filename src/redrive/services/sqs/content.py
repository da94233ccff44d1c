"""What a message may contain: body characters, message attributes, FIFO ids, size.

Message attributes arrive in the API shape (``{"DataType": "String", "StringValue": "x"}``,
``BinaryValue`` as bytes) and are stored as JSON documents (``{"t": type, "s": string}`` or
``{"t": type, "b": base64}``); :func:`to_store` and :func:`from_store` convert.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from redrive.services.sqs import constants as c
from redrive.services.sqs import errors

ApiAttributes = dict[str, dict[str, Any]]
StoredAttributes = dict[str, dict[str, str]]

#: characters AWS refuses in a message body (everything outside the XML 1.0 Char production)
_INVALID_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
_DATA_TYPE = re.compile(r"(String|Number|Binary)(\..+)?")
#: MessageGroupId / MessageDeduplicationId: alphanumeric and punctuation, 1-128
_FIFO_ID = re.compile(r"[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}")
_RESERVED_PREFIXES = ("aws.", "amazon.")


def check_body(body: str) -> None:
    """Raise for an empty body or one with characters SQS refuses."""
    if body == "":
        raise errors.missing_parameter("MessageBody")
    if _INVALID_CHARS.search(body):
        raise errors.invalid_contents()


def check_attributes(attributes: Mapping[str, Mapping[str, Any]] | None) -> None:
    """Raise InvalidParameterValue for message attributes SQS refuses (SQS-7)."""
    if not attributes:
        return
    if len(attributes) > c.MAX_MESSAGE_ATTRIBUTES:
        raise errors.invalid_parameter(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{c.MAX_MESSAGE_ATTRIBUTES}]."
        )
    for name, value in attributes.items():
        _check_name(name)
        data_type = str(value.get("DataType") or "")
        if not data_type:
            raise errors.invalid_parameter(
                f"The message attribute '{name}' must contain non-empty message attribute type."
            )
        if len(data_type) > c.MAX_ATTRIBUTE_TYPE_LENGTH or not _DATA_TYPE.fullmatch(data_type):
            raise errors.invalid_parameter(
                f"The type of message (user) attribute '{name}' is invalid. You must use only "
                "the following supported type prefixes: Binary, Number, String."
            )
        if value.get("StringListValues") or value.get("BinaryListValues"):
            raise errors.invalid_parameter(
                f"Message attribute '{name}' uses list values, which SQS reserves for future use."
            )
        if data_type.startswith("Binary"):
            if not value.get("BinaryValue"):
                raise errors.invalid_parameter(
                    f"The message attribute '{name}' with type 'Binary' must use field 'Binary'."
                )
            continue
        text = value.get("StringValue")
        if text is None or text == "":
            kind = "String" if data_type.startswith("String") else "Number"
            raise errors.invalid_parameter(
                f"The message attribute '{name}' with type '{kind}' must use field 'String'."
            )
        if _INVALID_CHARS.search(str(text)):
            raise errors.invalid_parameter(
                f"The message attribute '{name}' contains invalid characters."
            )
        if data_type.startswith("Number") and not _is_number(str(text)):
            raise errors.invalid_parameter(
                f"Can't cast the value of message (user) attribute '{name}' to a number."
            )


def check_system_attributes(attributes: Mapping[str, Mapping[str, Any]] | None) -> None:
    """``MessageSystemAttributes``: only ``AWSTraceHeader``, a String (the model's enum)."""
    if not attributes:
        return
    for name, value in attributes.items():
        if name != "AWSTraceHeader":
            raise errors.invalid_parameter(f"Message system attribute name '{name}' is invalid.")
        if str(value.get("DataType")) != "String" or not value.get("StringValue"):
            raise errors.invalid_parameter(
                "The message system attribute 'AWSTraceHeader' must be of type 'String' with "
                "a non-empty value."
            )


def check_fifo_id(name: str, value: str) -> None:
    """MessageGroupId / MessageDeduplicationId: alphanumeric and punctuation, 1-128."""
    if not _FIFO_ID.fullmatch(value):
        raise errors.invalid_value(
            name,
            value,
            f"{name} can only include alphanumeric and punctuation characters. 1 to 128 in length.",
        )


def size_of(body: str, attributes: Mapping[str, Mapping[str, Any]] | None) -> int:
    """Bytes a message counts against MaximumMessageSize: body plus attribute names, types
    and values (UTF-8)."""
    total = len(body.encode("utf-8"))
    for name, value in (attributes or {}).items():
        total += len(name.encode("utf-8"))
        total += len(str(value.get("DataType", "")).encode("utf-8"))
        binary = value.get("BinaryValue")
        if binary is not None:
            total += len(bytes(binary))
        else:
            total += len(str(value.get("StringValue", "")).encode("utf-8"))
    return total


def to_store(attributes: Mapping[str, Mapping[str, Any]] | None) -> StoredAttributes:
    stored: StoredAttributes = {}
    for name, value in (attributes or {}).items():
        data_type = str(value["DataType"])
        binary = value.get("BinaryValue")
        if data_type.startswith("Binary") and binary is not None:
            stored[name] = {"t": data_type, "b": base64.b64encode(bytes(binary)).decode()}
        else:
            stored[name] = {"t": data_type, "s": str(value.get("StringValue", ""))}
    return stored


def from_store(stored: Mapping[str, Mapping[str, str]]) -> ApiAttributes:
    api: ApiAttributes = {}
    for name, value in stored.items():
        if "b" in value:
            api[name] = {"DataType": value["t"], "BinaryValue": base64.b64decode(value["b"])}
        else:
            api[name] = {"DataType": value["t"], "StringValue": value["s"]}
    return api


def select(stored: Mapping[str, Mapping[str, str]], wanted: Iterable[str] | None) -> ApiAttributes:
    """The message attributes ``MessageAttributeNames`` asks for, in the API shape.

    ``All`` or ``.*`` selects every attribute; ``prefix.*`` those whose name starts with
    ``prefix``; anything else names one attribute.
    """
    names = list(wanted or ())
    if not names or not stored:
        return {}
    if any(n in ("All", ".*") for n in names):
        return from_store(stored)
    prefixes = [n[:-2] for n in names if n.endswith(".*")]
    exact = set(names)
    chosen = {
        name: value
        for name, value in stored.items()
        if name in exact or any(name.startswith(p) for p in prefixes)
    }
    return from_store(chosen)


def _check_name(name: str) -> None:
    if len(name) > c.MAX_ATTRIBUTE_NAME_LENGTH:
        raise errors.invalid_parameter(
            "Message (user) attribute names must be shorter than 256 Bytes"
        )
    if (
        not _ATTRIBUTE_NAME.fullmatch(name)
        or name.lower().startswith(_RESERVED_PREFIXES)
        or name.startswith(".")
        or name.endswith(".")
        or ".." in name
    ):
        raise errors.invalid_parameter(
            f"The message attribute name '{name}' is invalid. Attribute names can contain "
            "alphanumeric characters, hyphens, underscores and periods; they cannot start "
            "with 'AWS.' or 'Amazon.', start or end with a period, or contain two periods "
            "in a row."
        )


def _is_number(text: str) -> bool:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return False
    return value.is_finite()
