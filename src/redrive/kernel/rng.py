"""One seeded source of randomness with named, independent child streams.

Each consumer asks for its own stream by name (``rng.stream("async-retry-jitter")``); a
stream's sequence depends only on the seed and its name, so adding a new consumer never
changes the numbers another consumer draws. Nothing in redrive uses the global ``random``.
"""

from __future__ import annotations

import hashlib
import random

#: the version (4 bits at 76) and variant (2 bits at 62) fields of a UUID's 128-bit integer
_CLEAR_VERSION_AND_VARIANT = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_V4_RFC4122 = (0x4 << 76) | (0x2 << 62)


class Rng:
    """The run's seeded generator (``--seed``)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def stream(self, name: str) -> random.Random:
        """The child generator called ``name``; the same object on every call."""
        stream = self._streams.get(name)
        if stream is None:
            digest = hashlib.sha256(f"{self.seed}\x00{name}".encode()).digest()
            stream = random.Random(int.from_bytes(digest, "big"))
            self._streams[name] = stream
        return stream

    def uuid4(self, name: str) -> str:
        """A version-4 UUID string drawn from stream ``name`` (the string
        ``uuid.UUID(int=bits, version=4)`` gives, formatted without building the object:
        every request id goes through here)."""
        bits = self.stream(name).getrandbits(128) & _CLEAR_VERSION_AND_VARIANT | _V4_RFC4122
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def hex(self, name: str, length: int) -> str:
        """``length`` lowercase hex characters drawn from stream ``name``."""
        if length <= 0:
            return ""
        return f"{self.stream(name).getrandbits(4 * length):0{length}x}"
