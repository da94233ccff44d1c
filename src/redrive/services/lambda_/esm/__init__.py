"""Event source mappings: the Lambda service polling a queue on its own schedule (SQSM).

:mod:`.state` stores the mappings, :mod:`.mapping` validates and shows them,
:mod:`.operations` holds the API, :mod:`.pollers` keeps one poller per enabled mapping and
:mod:`.sqs_poller` is the SQS one: it receives batches through the SQS service's internal
interface, invokes the function and deletes what succeeded. The queue never calls Lambda.
:mod:`.filter_criteria` checks a mapping's ``FilterCriteria`` and says which records pass,
with the pattern matcher of :mod:`.filtering`.

Stream sources (Kinesis, DynamoDB Streams): :mod:`.stream_mapping` holds their settings,
:mod:`.stream_poller` one worker per shard reading through :mod:`.stream_sources`, with
checkpoints in :mod:`.checkpoints`, retry/bisect/partial-response decisions in
:mod:`.stream_retry` and OnFailure records in :mod:`.stream_failures`. Both pollers hand
batches to the function through :mod:`.attempts`.
"""
