"""Event source mappings: the Lambda service polling a queue on its own schedule (SQSM).

:mod:`.state` stores the mappings, :mod:`.mapping` validates and shows them,
:mod:`.operations` holds the API, :mod:`.pollers` keeps one poller per enabled mapping and
:mod:`.sqs_poller` is the SQS one: it receives batches through the SQS service's internal
interface, invokes the function and deletes what succeeded. The queue never calls Lambda.
:mod:`.filter_criteria` checks a mapping's ``FilterCriteria`` and says which records pass,
with the pattern matcher of :mod:`.filtering`.
"""
