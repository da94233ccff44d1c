"""Amazon Kinesis Data Streams: streams, shards, records and retention on the emulated clock.

The service is :class:`redrive.services.kinesis.service.KinesisService`; what a Lambda event
source mapping needs of it (``spec/streams.md``, STRM-1) is its internal interface.
"""
