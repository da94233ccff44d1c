"""Stored documents as the API shows them (DescribeLogGroups / DescribeLogStreams items)."""

from __future__ import annotations

from typing import Any

from redrive.services.logs import arns
from redrive.services.logs.constants import DEFAULT_LOG_GROUP_CLASS
from redrive.services.logs.events import sequence_token
from redrive.services.logs.state import Doc


def log_group(account: str, region: str, doc: Doc) -> dict[str, Any]:
    name = doc["logGroupName"]
    out: dict[str, Any] = {
        "logGroupName": name,
        "creationTime": doc["creationTime"],
        "metricFilterCount": 0,
        "arn": arns.group_arn_star(account, region, name),
        "storedBytes": int(doc.get("storedBytes", 0)),
        "logGroupClass": doc.get("logGroupClass", DEFAULT_LOG_GROUP_CLASS),
        "logGroupArn": arns.group_arn(account, region, name),
        "deletionProtectionEnabled": bool(doc.get("deletionProtectionEnabled", False)),
    }
    if doc.get("retentionInDays") is not None:
        out["retentionInDays"] = doc["retentionInDays"]
    if doc.get("kmsKeyId"):
        out["kmsKeyId"] = doc["kmsKeyId"]
    return out


def log_stream(account: str, region: str, group: str, doc: Doc) -> dict[str, Any]:
    """A stream; the event fields only once it has events. ``storedBytes`` is always 0, as
    AWS reports for streams since 2019 (API_LogStream.html)."""
    name = doc["logStreamName"]
    out: dict[str, Any] = {
        "logStreamName": name,
        "creationTime": doc["creationTime"],
        "arn": arns.stream_arn(account, region, group, name),
        "storedBytes": 0,
    }
    if int(doc.get("seq", 0)) > 0:
        out["firstEventTimestamp"] = doc["firstEventTimestamp"]
        out["lastEventTimestamp"] = doc["lastEventTimestamp"]
        out["lastIngestionTime"] = doc["lastIngestionTime"]
        out["uploadSequenceToken"] = sequence_token(doc)
    return out
