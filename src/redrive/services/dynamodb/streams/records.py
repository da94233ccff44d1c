"""Stream records: what a write puts into a stream, and the record as GetRecords shows it.

A write that changes an item produces one record (Streams.html): INSERT when the item did not
exist, MODIFY when it did, REMOVE when it was deleted. A write that changes nothing (putting
an item equal to the stored one, an update that sets what is there, deleting a missing item)
produces none: "If you perform a PutItem or UpdateItem operation that does not change any
data in an item, DynamoDB Streams does not write a stream record for that operation."

The images kept follow the stream's view type: KEYS_ONLY none, NEW_IMAGE the item after the
write, OLD_IMAGE the item before it, NEW_AND_OLD_IMAGES both (an INSERT has no old image, a
REMOVE no new one). SizeBytes is the size of the keys plus the images kept (:mod:`..values`).
"""

from __future__ import annotations

from typing import Any

from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import values
from redrive.services.dynamodb.streams import sequence
from redrive.services.dynamodb.streams.log import StoredRecord
from redrive.services.dynamodb.values import Item

INSERT = "INSERT"
MODIFY = "MODIFY"
REMOVE = "REMOVE"

KEEPS_NEW = ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
KEEPS_OLD = ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")


def changed(old: Item | None, new: Item | None) -> bool:
    """Whether a write from ``old`` to ``new`` changes any data."""
    if old is None or new is None:
        return old is not new
    if old.keys() != new.keys():
        return True
    return not all(values.equal(old[k], new[k]) for k in old)


def contents(
    view: str, keys: Item, old: Item | None, new: Item | None
) -> tuple[str, Item | None, Item | None, int]:
    """(event name, new image kept, old image kept, size) of the record of a write."""
    event_name = INSERT if old is None else REMOVE if new is None else MODIFY
    new_image = new if view in KEEPS_NEW else None
    old_image = old if view in KEEPS_OLD else None
    size = values.item_size(keys)
    size += values.item_size(new_image) if new_image is not None else 0
    size += values.item_size(old_image) if old_image is not None else 0
    return event_name, new_image, old_image, size


def stream_record(
    record: StoredRecord, *, stream_arn: str, region: str, view: str, wire: bool
) -> dict[str, Any]:
    """The record as GetRecords returns it (``wire``: binary values as bytes, the arrival
    time as epoch seconds for the serializer) or as a Lambda event carries it (STRM-2:
    binary values base64, ``ApproximateCreationDateTime`` whole epoch seconds)."""
    convert = values.item_to_wire if wire else _same
    number = record.sequence_number
    body: dict[str, Any] = {
        # AWS: "rounded down to the closest second" (API_streams_StreamRecord.html)
        "ApproximateCreationDateTime": record.ms // c.MS_PER_SECOND,
        "Keys": convert(record.keys),
    }
    if record.new_image is not None:
        body["NewImage"] = convert(record.new_image)
    if record.old_image is not None:
        body["OldImage"] = convert(record.old_image)
    body["SequenceNumber"] = number
    body["SizeBytes"] = record.size
    body["StreamViewType"] = view
    return {
        "eventID": sequence.event_id(stream_arn, number),
        "eventName": record.event_name,
        "eventVersion": c.EVENT_VERSION,
        "eventSource": c.EVENT_SOURCE,
        "awsRegion": region,
        "dynamodb": body,
    }


def _same(item: Item) -> Item:
    return item
