"""Typed access to the stored document of a named resource in one account and Region.

SQS queues, Kinesis streams and DynamoDB tables each keep one document with the resource's
``name``, ``account``, ``region`` and storage id ``sid``; each service's own class adds what
only it has. Nothing here reads the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class RegionalDocument:
    """A resource document: ``doc`` as stored, with typed access to the common fields."""

    doc: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.doc["name"])

    @property
    def account(self) -> str:
        return str(self.doc["account"])

    @property
    def region(self) -> str:
        return str(self.doc["region"])

    @property
    def sid(self) -> int:
        """The storage id its records are kept under (a new one for a re-created resource)."""
        return int(self.doc["sid"])
