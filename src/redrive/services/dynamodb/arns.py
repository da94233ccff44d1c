"""Table and stream ARNs and stream labels.

* table: ``arn:<partition>:dynamodb:<region>:<account>:table/<name>``
* stream: ``<table ARN>/stream/<label>``, the label the stream's creation time in UTC as
  ``2015-05-11T21:21:33.291`` (API_streams_Stream.html; AWS's labels look like that).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from redrive.services._base import partition
from redrive.services.dynamodb import errors

#: a table name (API_CreateTable.html: 3-255 characters of [a-zA-Z0-9_.-])
_NAME = r"[a-zA-Z0-9_.-]{3,255}"
_LABEL = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}"
_TABLE_ARN = re.compile(rf"arn:(aws[a-z-]*):dynamodb:([a-z0-9-]+):(\d{{12}}):table/({_NAME})")
_NAME_PATTERN = "[a-zA-Z0-9_.-]+"
_STREAM_ARN = re.compile(
    rf"arn:(aws[a-z-]*):dynamodb:([a-z0-9-]+):(\d{{12}}):table/({_NAME})/stream/({_LABEL})"
)


@dataclass(frozen=True)
class StreamRef:
    """Where a stream lives: its table and label."""

    account: str
    region: str
    table: str
    label: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.account, self.region, self.table, self.label)

    @property
    def arn(self) -> str:
        return stream_arn(self.account, self.region, self.table, self.label)


def table_arn(account: str, region: str, name: str) -> str:
    return f"arn:{partition(region)}:dynamodb:{region}:{account}:table/{name}"


def stream_arn(account: str, region: str, table: str, label: str) -> str:
    return f"{table_arn(account, region, table)}/stream/{label}"


def parse_table_arn(arn: str) -> tuple[str, str, str] | None:
    """(account, region, name) of the table a table ARN names, or None."""
    match = _TABLE_ARN.fullmatch(arn)
    return None if match is None else (match.group(3), match.group(2), match.group(4))


def check_table_name(name: str) -> None:
    """A table name's constraints (3-255 characters of [a-zA-Z0-9_.-]), refused in Coral's
    words: botocore's model now lets TableName carry an ARN of up to 1024 characters, so the
    name's own constraints are checked here."""
    problems = []
    if len(name) > 255:
        problems.append("Member must have length less than or equal to 255")
    if len(name) < 3:
        problems.append("Member must have length greater than or equal to 3")
    if not re.fullmatch(_NAME_PATTERN, name):
        problems.append(f"Member must satisfy regular expression pattern: {_NAME_PATTERN}")
    if problems:
        count = len(problems)
        detail = "; ".join(
            f"Value '{name}' at 'tableName' failed to satisfy constraint: {p}" for p in problems
        )
        plural = "s" if count > 1 else ""
        raise errors.validation(f"{count} validation error{plural} detected: {detail}")


def parse_stream_arn(arn: str) -> StreamRef | None:
    """The stream a stream ARN names, or None if ``arn`` is not one."""
    match = _STREAM_ARN.fullmatch(arn)
    if match is None:
        return None
    return StreamRef(match.group(3), match.group(2), match.group(4), match.group(5))


def label(ms: int) -> str:
    """The label of a stream created at emulated epoch ``ms``."""
    moment = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}"


def label_ms(text: str) -> int:
    """The creation time (epoch ms) a label says."""
    moment = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=dt.timezone.utc)
    return round(moment.timestamp() * 1000)
