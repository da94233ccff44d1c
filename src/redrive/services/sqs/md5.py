"""The checksums SQS returns: MD5OfBody and MD5OfMessageAttributes (SQS-5).

``MD5OfMessageAttributes`` (and ``MD5OfMessageSystemAttributes``) is the MD5 of the attributes
encoded as AWS documents: attributes sorted by name, each written as its name, its data type,
a transport byte (1 for String and Number, 2 for Binary) and its value, every string and value
preceded by its length as a 4-byte big-endian integer.
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

_STRING_TRANSPORT = b"\x01"
_BINARY_TRANSPORT = b"\x02"


def md5_of_body(body: str) -> str:
    """Lowercase hex MD5 of the UTF-8 body (SQS-5)."""
    return hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """MD5 of message attributes in the API shape, or None when there are none (SQS-5)."""
    if not attributes:
        return None
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        value = attributes[name]
        data_type = str(value["DataType"])
        digest.update(_framed(name.encode("utf-8")))
        digest.update(_framed(data_type.encode("utf-8")))
        binary = value.get("BinaryValue")
        if data_type.startswith("Binary") and binary is not None:
            digest.update(_BINARY_TRANSPORT)
            digest.update(_framed(bytes(binary)))
        else:
            digest.update(_STRING_TRANSPORT)
            digest.update(_framed(str(value.get("StringValue", "")).encode("utf-8")))
    return digest.hexdigest()


def _framed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data
