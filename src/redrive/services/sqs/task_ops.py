"""Message move task operations (redrive out of a dead-letter queue, :mod:`.move_tasks`)."""

from __future__ import annotations

from redrive.services._base import Output, Params, RequestContext, operation
from redrive.services.sqs import arns, attributes, errors, move_tasks, state
from redrive.services.sqs import constants as c
from redrive.services.sqs.core import SqsCore
from redrive.services.sqs.state import Queue
from redrive.store import Transaction


class TaskOperations(SqsCore):
    @operation("StartMessageMoveTask")
    def start_message_move_task(self, ctx: RequestContext, params: Params) -> Output:
        rate = params.get("MaxNumberOfMessagesPerSecond")
        if rate is not None and not 1 <= rate <= c.MAX_MOVE_RATE:
            raise errors.invalid_value(
                "MaxNumberOfMessagesPerSecond", rate, f"Must be between 1 and {c.MAX_MOVE_RATE}."
            )
        with self.store.transaction() as txn:
            source = self._task_queue(txn, str(params["SourceArn"]), "SourceArn")
            if not _is_dead_letter_queue(txn, source):
                raise errors.not_a_dead_letter_queue()
            destination = None
            if params.get("DestinationArn"):
                destination = self._task_queue(txn, str(params["DestinationArn"]), "DestinationArn")
                if destination.qid == source.qid:
                    raise errors.invalid_parameter(
                        "The destination queue must not be the source queue."
                    )
                if destination.fifo != source.fifo:
                    raise errors.invalid_parameter(
                        "The destination queue must be the same type of queue as the source."
                    )
            handle = self.tasks.begin(txn, source, destination, rate)
        return {"TaskHandle": handle}

    @operation("ListMessageMoveTasks")
    def list_message_move_tasks(self, ctx: RequestContext, params: Params) -> Output:
        limit = params.get("MaxResults")
        if limit is not None and not 1 <= limit <= c.MAX_LIST_MOVE_TASKS:
            raise errors.invalid_value(
                "MaxResults", limit, f"Must be between 1 and {c.MAX_LIST_MOVE_TASKS}."
            )
        with self.store.transaction() as txn:
            source = self._task_queue(txn, str(params["SourceArn"]), "SourceArn")
            results = self.tasks.listing(txn, source.arn, limit or c.DEFAULT_LIST_MOVE_TASKS)
        return {"Results": results}

    @operation("CancelMessageMoveTask")
    def cancel_message_move_task(self, ctx: RequestContext, params: Params) -> Output:
        decoded = move_tasks.decode_handle(str(params["TaskHandle"]))
        if decoded is None:
            raise errors.invalid_task_handle()
        task_id, source_arn = decoded
        with self.store.transaction() as txn:
            source = self._task_queue(txn, source_arn, "SourceArn")
            moved = self.tasks.cancel(txn, source.account, source.region, task_id)
        return {"ApproximateNumberOfMessagesMoved": moved}

    def _task_queue(self, txn: Transaction, arn: str, parameter: str) -> Queue:
        if not arns.is_arn(arn):
            raise errors.invalid_arn(parameter)
        ref = arns.parse_arn(arn)
        queue = None if ref is None else state.get_queue(txn, ref)
        if queue is None:
            raise errors.resource_not_found(parameter)
        self.sampler.touch(queue)
        return queue


def _is_dead_letter_queue(txn: Transaction, queue: Queue) -> bool:
    """Whether some queue of the same account and Region names ``queue`` as its DLQ."""
    for other in state.iter_queues(txn, queue.account, queue.region):
        policy = other.attributes.get("RedrivePolicy")
        if policy and attributes.parse_redrive_policy(policy).dead_letter_target_arn == queue.arn:
            return True
    return False
