"""Stream ARNs: ``arn:<partition>:kinesis:<region>:<account>:stream/<name>``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from redrive.services._base import partition

#: a stream name (API_CreateStream.html: 1-128 characters of [a-zA-Z0-9_.-])
_NAME = re.compile(r"[a-zA-Z0-9_.-]{1,128}")
_ARN = re.compile(r"arn:(aws[a-z-]*):kinesis:([a-z0-9-]+):(\d{12}):stream/(.+)")


@dataclass(frozen=True)
class StreamRef:
    """Where a stream lives and what it is called."""

    account: str
    region: str
    name: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.account, self.region, self.name)

    @property
    def arn(self) -> str:
        return stream_arn(self.account, self.region, self.name)


def stream_arn(account: str, region: str, name: str) -> str:
    return f"arn:{partition(region)}:kinesis:{region}:{account}:stream/{name}"


def parse_arn(arn: str) -> StreamRef | None:
    """The stream a Kinesis stream ARN names, or None if ``arn`` is not one."""
    match = _ARN.fullmatch(arn)
    if match is None or not _NAME.fullmatch(match.group(4)):
        return None
    return StreamRef(match.group(3), match.group(2), match.group(4))
