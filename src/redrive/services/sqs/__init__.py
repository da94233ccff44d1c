"""Amazon SQS: standard and FIFO queues, dead-letter queues and redrive, on the emulated clock.

The service is :class:`redrive.services.sqs.service.SqsService`; the rules it follows are in
``spec/sqs.md`` (SQS-1..7).
"""
