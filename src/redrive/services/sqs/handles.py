"""Acting on a message by receipt handle: DeleteMessage and ChangeMessageVisibility.

A handle that is not one of redrive's, or names another queue, is ReceiptHandleIsInvalid.
A well-formed handle is otherwise honoured as AWS documents (DeleteMessage API reference):

* Standard queues: deleting with the most recent handle deletes the message, even after its
  visibility timeout ended; with an older handle (the message was received again since) "the
  request succeeds, but the message will not be deleted"; a message already deleted (or
  purged) is a success too.
* FIFO queues: a handle whose message became visible again or was received again is expired
  (InvalidParameterValue "The receipt handle has expired.").
* ChangeMessageVisibility needs the message in flight under this very handle
  (MessageNotInflight otherwise); the new timeout counts from now and the total since the
  receive may not pass 12 hours (SQS-1).
"""

from __future__ import annotations

from redrive.services.sqs import constants as c
from redrive.services.sqs import errors, receipts
from redrive.services.sqs.messages import INFLIGHT, Messages
from redrive.services.sqs.state import Doc


def _locate(messages: Messages, handle: str) -> tuple[int, int, Doc | None]:
    """(seq, nonce, message state or None if gone) of a handle of this queue."""
    receipt = receipts.decode(handle)
    if receipt is None or receipt.qid != messages.queue.qid:
        raise errors.receipt_handle_invalid(handle)
    if receipt.sid != messages.sid:  # the queue was purged since
        return receipt.seq, receipt.nonce, None
    return receipt.seq, receipt.nonce, messages.get(receipt.seq)


def delete(messages: Messages, handle: str) -> bool:
    """Delete by receipt handle; whether a message was deleted."""
    seq, nonce, meta = _locate(messages, handle)
    if meta is None:
        return False
    current = int(meta["rc"]) == nonce
    if messages.fifo:
        if not current or meta["st"] != INFLIGHT:
            raise errors.receipt_handle_expired(handle)
    elif not current:
        return False
    messages.remove(seq, meta)
    return True


def change_visibility(messages: Messages, handle: str, timeout: int) -> None:
    if not 0 <= timeout <= c.MAX_VISIBILITY_TIMEOUT:
        raise errors.invalid_value(
            "VisibilityTimeout",
            timeout,
            f"Must be between 0 and {c.MAX_VISIBILITY_TIMEOUT}, if provided.",
        )
    seq, nonce, meta = _locate(messages, handle)
    if meta is None:
        raise errors.message_not_available(handle)
    if int(meta["rc"]) != nonce or meta["st"] != INFLIGHT:
        raise errors.message_not_inflight()
    received_ms = int(meta.get("ra", messages.now_ms))
    spent = (messages.now_ms - received_ms) / c.MS_PER_SECOND
    if spent + timeout > c.MAX_VISIBILITY_TIMEOUT:
        raise errors.visibility_beyond_limit(timeout, c.MAX_VISIBILITY_TIMEOUT)
    messages.hide_until(seq, meta, messages.now_ms + timeout * c.MS_PER_SECOND)
