"""Where each shard of a stream mapping continues: its checkpoint in the store (STRM-3, -9).

Table ``lambda.esm.checkpoints``: key ``(account, region, uuid, shard_id)`` -> ``{"after":
sequence number}``, the last record of the shard that is done with (processed, or discarded
after its OnFailure record). The poller writes it in the transaction that records the batch's
outcome, so after a crash the shard resumes right after it: records are processed at least
once and never skipped. A shard without a checkpoint starts at the mapping's
StartingPosition (LATEST is pinned to a checkpoint when the shard is first polled).
"""

from __future__ import annotations

from redrive.services.lambda_.esm.stream_sources import Position
from redrive.store import Transaction

TABLE = "lambda.esm.checkpoints"


#: account, region, mapping UUID, shard id
Where = tuple[str, str, str, str]


def get(txn: Transaction, where: Where) -> Position | None:
    doc = txn.get(TABLE, where)
    return None if doc is None else Position(after=str(doc["after"]))


def put(txn: Transaction, where: Where, after: str) -> None:
    txn.put(TABLE, where, {"after": after})


def forget(txn: Transaction, account: str, region: str, uuid: str) -> None:
    """Drop a deleted mapping's checkpoints."""
    for key, _doc in list(txn.scan(TABLE, (account, region, uuid))):
        txn.delete(TABLE, key)
