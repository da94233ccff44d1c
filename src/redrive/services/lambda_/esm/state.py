"""Event source mappings in the store.

Table ``lambda.esm``: key ``(account, region, uuid)`` -> the mapping document (the fields of
``EventSourceMappingConfiguration`` that redrive keeps, plus ``Qualifier`` and the function's
unqualified ``FunctionName``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from redrive.store import Transaction

TABLE = "lambda.esm"

Doc = dict[str, Any]


def get(txn: Transaction, account: str, region: str, uuid: str) -> Doc | None:
    doc: Doc | None = txn.get(TABLE, (account, region, uuid))
    return doc


def put(txn: Transaction, account: str, region: str, doc: Doc) -> None:
    txn.put(TABLE, (account, region, doc["UUID"]), doc)


def delete(txn: Transaction, account: str, region: str, uuid: str) -> None:
    txn.delete(TABLE, (account, region, uuid))


def in_region(txn: Transaction, account: str, region: str) -> Iterator[Doc]:
    """The mappings of one account and Region, by UUID."""
    for _key, doc in txn.scan(TABLE, (account, region)):
        yield doc


def everywhere(txn: Transaction) -> Iterator[tuple[str, str, Doc]]:
    """(account, region, mapping) of every mapping."""
    for key, doc in txn.scan(TABLE):
        yield str(key[0]), str(key[1]), doc
