"""ARNs of log groups and streams, and reading log group identifiers (a name or an ARN)."""

from __future__ import annotations

from redrive.services._base import partition


def group_arn(account_id: str, region: str, group: str) -> str:
    """``logGroupArn``: the ARN without the trailing ``:*``."""
    return f"arn:{partition(region)}:logs:{region}:{account_id}:log-group:{group}"


def group_arn_star(account_id: str, region: str, group: str) -> str:
    """``arn`` of DescribeLogGroups: the ARN with ``:*`` (it covers the group's streams)."""
    return group_arn(account_id, region, group) + ":*"


def stream_arn(account_id: str, region: str, group: str, stream: str) -> str:
    return f"{group_arn(account_id, region, group)}:log-stream:{stream}"


def parse_group_arn(arn: str) -> tuple[str, str, str] | None:
    """(account, region, group name) of a log group ARN (with or without ``:*``), or None."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "logs" or parts[5] != "log-group":
        return None
    rest = parts[6:]
    if len(rest) == 2 and rest[1] == "*":
        rest = rest[:1]
    if len(rest) != 1 or not rest[0]:
        return None
    return parts[4], parts[3], rest[0]


def group_name_from_identifier(identifier: str, account_id: str, region: str) -> str | None:
    """The log group a ``logGroupIdentifier`` names in this account and region, or None.

    An identifier is a name or an ARN; an ARN of another account or region names no group
    here (redrive has no cross-account observability).
    """
    if not identifier.startswith("arn:"):
        return identifier
    parsed = parse_group_arn(identifier)
    if parsed is None or parsed[0] != account_id or parsed[1] != region:
        return None
    return parsed[2]
