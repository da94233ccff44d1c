"""Store access for functions, their code and their reserved concurrency.

Tables (every key starts with account id and region):

``lambda.functions``    ``(account, region, name)`` -> function document (configuration of
                        ``$LATEST``, tags, revision ids; see :mod:`.config` for its fields)
``lambda.code``         ``(account, region, name, version)`` -> ``{"sha256_hex": ...,
                        "zip": <base64 of the package>}``; kept apart from the function
                        document so listing functions never loads packages
``lambda.concurrency``  ``(account, region, name)`` -> reserved concurrency (functions that
                        have one), so the account's unreserved pool is one short scan (CONC-3)
``lambda.event-invoke-configs``
                        ``(account, region, name, qualifier)`` -> the EventInvokeConfig of
                        ``$LATEST``, a version or an alias (ASYNC-11, ASYNC-12; fields in
                        :mod:`.event_invoke_config`)
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from redrive.services.lambda_.code import CodeInfo
from redrive.services.lambda_.constants import LATEST
from redrive.store import Transaction

FUNCTIONS = "lambda.functions"
CODE = "lambda.code"
CONCURRENCY = "lambda.concurrency"
EVENT_INVOKE_CONFIGS = "lambda.event-invoke-configs"

Doc = dict[str, Any]


# -- functions --------------------------------------------------------------------------------


def get_function(txn: Transaction, account: str, region: str, name: str) -> Doc | None:
    doc: Doc | None = txn.get(FUNCTIONS, (account, region, name))
    return doc


def put_function(txn: Transaction, account: str, region: str, doc: Doc) -> None:
    txn.put(FUNCTIONS, (account, region, doc["FunctionName"]), doc)


def delete_function(txn: Transaction, account: str, region: str, name: str) -> None:
    txn.delete(FUNCTIONS, (account, region, name))
    for key, _ in list(txn.scan(CODE, (account, region, name))):
        txn.delete(CODE, key)
    txn.delete(CONCURRENCY, (account, region, name))
    for key, _ in list(txn.scan(EVENT_INVOKE_CONFIGS, (account, region, name))):
        txn.delete(EVENT_INVOKE_CONFIGS, key)


def iter_functions(
    txn: Transaction, account: str, region: str, *, after: str | None = None
) -> Iterator[Doc]:
    """Functions in name order, those named after ``after`` only if it is given."""
    start = None if after is None else (account, region, after + "\x00")
    for _key, doc in txn.scan(FUNCTIONS, (account, region), start=start):
        yield doc


# -- code -------------------------------------------------------------------------------------


def put_code(
    txn: Transaction, account: str, region: str, name: str, *, info: CodeInfo, data: bytes
) -> None:
    """Keep ``data``, the package of ``$LATEST`` (versions come later)."""
    doc = {"sha256_hex": info.sha256_hex, "zip": base64.b64encode(data).decode()}
    txn.put(CODE, (account, region, name, LATEST), doc)


def get_code(
    txn: Transaction, account: str, region: str, name: str, version: str = LATEST
) -> tuple[str, bytes] | None:
    """(sha256 hex, zip bytes) of a function version's package, or None."""
    doc = txn.get(CODE, (account, region, name, version))
    if doc is None:
        return None
    return str(doc["sha256_hex"]), base64.b64decode(doc["zip"])


# -- reserved concurrency ---------------------------------------------------------------------


def get_reserved(txn: Transaction, account: str, region: str, name: str) -> int | None:
    value = txn.get(CONCURRENCY, (account, region, name))
    return None if value is None else int(value)


def put_reserved(txn: Transaction, account: str, region: str, name: str, value: int) -> None:
    txn.put(CONCURRENCY, (account, region, name), value)


def delete_reserved(txn: Transaction, account: str, region: str, name: str) -> None:
    txn.delete(CONCURRENCY, (account, region, name))


def reserved_by_function(txn: Transaction, account: str, region: str) -> dict[str, int]:
    """Reserved concurrency of every function that has one, by function name."""
    return {str(key[2]): int(value) for key, value in txn.scan(CONCURRENCY, (account, region))}


# -- event invoke configs ---------------------------------------------------------------------


def get_event_invoke_config(
    txn: Transaction, account: str, region: str, name: str, qualifier: str
) -> Doc | None:
    doc: Doc | None = txn.get(EVENT_INVOKE_CONFIGS, (account, region, name, qualifier))
    return doc


def put_event_invoke_config(
    txn: Transaction, account: str, region: str, name: str, doc: Doc
) -> None:
    """Keep ``doc`` as the config of function ``name`` and ``doc["Qualifier"]``."""
    txn.put(EVENT_INVOKE_CONFIGS, (account, region, name, doc["Qualifier"]), doc)


def delete_event_invoke_config(
    txn: Transaction, account: str, region: str, name: str, qualifier: str
) -> bool:
    return txn.delete(EVENT_INVOKE_CONFIGS, (account, region, name, qualifier))


def iter_event_invoke_configs(
    txn: Transaction, account: str, region: str, name: str, *, after: str | None = None
) -> Iterator[Doc]:
    """A function's configs in qualifier order, those after ``after`` only if it is given."""
    start = None if after is None else (account, region, name, after + "\x00")
    for _key, doc in txn.scan(EVENT_INVOKE_CONFIGS, (account, region, name), start=start):
        yield doc
