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
``lambda.versions``     ``(account, region, name, number)`` -> a published version: the frozen
                        configuration of ``$LATEST`` when it was published (VER-1, VER-2;
                        fields in :mod:`.versions`); its package is in ``lambda.code`` under
                        the version's number
``lambda.aliases``      ``(account, region, name, alias)`` -> an alias (VER-3; fields in
                        :mod:`.aliases`)
``lambda.policies``     ``(account, region, name, qualifier)`` -> the resource-based policy
                        of the function (qualifier ``""``), a version or an alias (VER-6..8;
                        fields in :mod:`.policy`)
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
VERSIONS = "lambda.versions"
ALIASES = "lambda.aliases"
POLICIES = "lambda.policies"

Doc = dict[str, Any]


# -- functions --------------------------------------------------------------------------------


def get_function(txn: Transaction, account: str, region: str, name: str) -> Doc | None:
    doc: Doc | None = txn.get(FUNCTIONS, (account, region, name))
    return doc


def put_function(txn: Transaction, account: str, region: str, doc: Doc) -> None:
    txn.put(FUNCTIONS, (account, region, doc["FunctionName"]), doc)


def delete_function(txn: Transaction, account: str, region: str, name: str) -> None:
    """The function and everything that belongs to it: versions, aliases, policies, configs."""
    txn.delete(FUNCTIONS, (account, region, name))
    txn.delete(CONCURRENCY, (account, region, name))
    for table in (CODE, EVENT_INVOKE_CONFIGS, VERSIONS, ALIASES, POLICIES):
        for key, _ in list(txn.scan(table, (account, region, name))):
            txn.delete(table, key)


def iter_functions(
    txn: Transaction,
    account: str,
    region: str,
    *,
    after: str | None = None,
    start: str | None = None,
) -> Iterator[Doc]:
    """Functions in name order: those named after ``after``, or from ``start`` on, if given."""
    first: tuple[str, ...] | None = None
    if after is not None:
        first = (account, region, after + "\x00")
    elif start is not None:
        first = (account, region, start)
    for _key, doc in txn.scan(FUNCTIONS, (account, region), start=first):
        yield doc


# -- code -------------------------------------------------------------------------------------


def put_code(
    txn: Transaction, account: str, region: str, name: str, *, info: CodeInfo, data: bytes
) -> None:
    """Keep ``data``, the package of ``$LATEST``."""
    doc = {"sha256_hex": info.sha256_hex, "zip": base64.b64encode(data).decode()}
    txn.put(CODE, (account, region, name, LATEST), doc)


def copy_code(txn: Transaction, account: str, region: str, name: str, version: str) -> None:
    """Keep the package of ``$LATEST`` as the package of the new version ``version``."""
    doc = txn.get(CODE, (account, region, name, LATEST))
    if doc is None:  # a function is never stored without its code
        raise RuntimeError(f"the code of function {name} is missing")
    txn.put(CODE, (account, region, name, version), doc)


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


# -- versions ---------------------------------------------------------------------------------


def get_version(txn: Transaction, account: str, region: str, name: str, number: int) -> Doc | None:
    doc: Doc | None = txn.get(VERSIONS, (account, region, name, number))
    return doc


def put_version(txn: Transaction, account: str, region: str, doc: Doc) -> None:
    txn.put(VERSIONS, (account, region, doc["FunctionName"], int(doc["Version"])), doc)


def delete_version(txn: Transaction, account: str, region: str, name: str, number: int) -> None:
    """The version, its package, and its policy and EventInvokeConfig."""
    txn.delete(VERSIONS, (account, region, name, number))
    txn.delete(CODE, (account, region, name, str(number)))
    txn.delete(POLICIES, (account, region, name, str(number)))
    txn.delete(EVENT_INVOKE_CONFIGS, (account, region, name, str(number)))


def iter_versions(
    txn: Transaction, account: str, region: str, name: str, *, after: int | None = None
) -> Iterator[Doc]:
    """A function's versions in number order, those numbered after ``after`` if it is given."""
    start = None if after is None else (account, region, name, after + 1)
    for _key, doc in txn.scan(VERSIONS, (account, region, name), start=start):
        yield doc


def last_version(txn: Transaction, account: str, region: str, name: str) -> Doc | None:
    """The function's highest-numbered version, or None."""
    found = txn.first(VERSIONS, (account, region, name), reverse=True)
    return None if found is None else dict(found[1])


# -- aliases ----------------------------------------------------------------------------------


def get_alias(txn: Transaction, account: str, region: str, name: str, alias: str) -> Doc | None:
    doc: Doc | None = txn.get(ALIASES, (account, region, name, alias))
    return doc


def put_alias(txn: Transaction, account: str, region: str, name: str, doc: Doc) -> None:
    txn.put(ALIASES, (account, region, name, doc["Name"]), doc)


def delete_alias(txn: Transaction, account: str, region: str, name: str, alias: str) -> bool:
    """The alias, and its policy and EventInvokeConfig; True if it existed."""
    txn.delete(POLICIES, (account, region, name, alias))
    txn.delete(EVENT_INVOKE_CONFIGS, (account, region, name, alias))
    return txn.delete(ALIASES, (account, region, name, alias))


def iter_aliases(
    txn: Transaction, account: str, region: str, name: str, *, after: str | None = None
) -> Iterator[Doc]:
    """A function's aliases in name order, those named after ``after`` if it is given."""
    start = None if after is None else (account, region, name, after + "\x00")
    for _key, doc in txn.scan(ALIASES, (account, region, name), start=start):
        yield doc


# -- resource-based policies ------------------------------------------------------------------


def get_policy(
    txn: Transaction, account: str, region: str, name: str, qualifier: str
) -> Doc | None:
    """The policy of ``qualifier`` (``""``: the function's own), or None."""
    doc: Doc | None = txn.get(POLICIES, (account, region, name, qualifier))
    return doc


def put_policy(
    txn: Transaction, account: str, region: str, name: str, qualifier: str, *, doc: Doc
) -> None:
    txn.put(POLICIES, (account, region, name, qualifier), doc)


def delete_policy(txn: Transaction, account: str, region: str, name: str, qualifier: str) -> None:
    txn.delete(POLICIES, (account, region, name, qualifier))
