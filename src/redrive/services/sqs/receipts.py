"""Receipt handles: opaque to clients, a direct key to the message for redrive.

A handle encodes the queue id, the storage id, the message's sequence number and its receive
count at that receive (the *nonce*: every receive increments it, so a handle from an earlier
receive is recognisably stale), with a checksum so that garbage is told from a stale handle.
Deleting by handle is then one lookup, whatever the queue's depth.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

_TAG_BYTES = 10


@dataclass(frozen=True)
class Receipt:
    qid: int
    sid: int
    seq: int
    nonce: int


def encode(receipt: Receipt) -> str:
    payload = f"{receipt.qid}:{receipt.sid}:{receipt.seq}:{receipt.nonce}"
    raw = f"{payload}:{_tag(payload)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(handle: str) -> Receipt | None:
    """The receipt a handle stands for, or None if it is not one of redrive's handles."""
    try:
        padded = handle + "=" * (-len(handle) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (ValueError, binascii.Error, UnicodeError):
        return None
    parts = raw.split(":")
    if len(parts) != 5:
        return None
    payload = ":".join(parts[:4])
    if parts[4] != _tag(payload) or not all(p.isdigit() for p in parts[:4]):
        return None
    qid, sid, seq, nonce = (int(p) for p in parts[:4])
    return Receipt(qid, sid, seq, nonce)


def _tag(payload: str) -> str:
    return hashlib.blake2b(payload.encode(), digest_size=_TAG_BYTES).hexdigest()
