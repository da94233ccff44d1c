"""Queue ARNs and queue URLs, and reading them back.

A queue is named by (account, region, name). Its ARN is
``arn:<partition>:sqs:<region>:<account>:<name>``; its URL is
``<endpoint>/<account>/<name>``, and a URL is read by its path only (the region is the
request's, as redrive's URLs carry none), so a URL with another host still names the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from redrive.services._base import partition


@dataclass(frozen=True)
class QueueRef:
    """Where a queue lives and what it is called."""

    account: str
    region: str
    name: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.account, self.region, self.name)

    @property
    def arn(self) -> str:
        return queue_arn(self.account, self.region, self.name)


def queue_arn(account: str, region: str, name: str) -> str:
    return f"arn:{partition(region)}:sqs:{region}:{account}:{name}"


def queue_url(endpoint: str, account: str, name: str) -> str:
    return f"{endpoint.rstrip('/')}/{account}/{name}"


def parse_arn(arn: str) -> QueueRef | None:
    """The queue an SQS ARN names, or None if ``arn`` is not an SQS queue ARN."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
        return None
    region, account, name = parts[3], parts[4], parts[5]
    if not (region and account and name):
        return None
    return QueueRef(account, region, name)


def is_arn(value: str) -> bool:
    """Whether ``value`` has the shape of an ARN of any service."""
    parts = value.split(":")
    return len(parts) >= 6 and parts[0] == "arn" and all(parts[1:3]) and bool(parts[5])


@lru_cache(maxsize=4096)  # every message operation reads its QueueUrl; few distinct ones
def parse_url(url: str, region: str) -> QueueRef | None:
    """The queue a QueueUrl names in ``region``, or None if it is not a queue URL."""
    path = urlsplit(url).path if "://" in url else url
    segments = [unquote(s) for s in path.split("/") if s]
    if len(segments) < 2:
        return None
    account, name = segments[-2], segments[-1]
    if not account or not name:
        return None
    return QueueRef(account, region, name)
