"""Amazon SQS limits and defaults, each with the page (or spec rule) it comes from."""

from __future__ import annotations

MS_PER_SECOND = 1000

# -- queue attributes -----------------------------------------------------------------------
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
# (the same ranges are in botocore's sqs model, CreateQueue ``Attributes`` documentation)

#: DelaySeconds: 0-900 s, default 0; also the per-message ``DelaySeconds`` range
DEFAULT_DELAY_SECONDS = 0
MAX_DELAY_SECONDS = 900
#: MaximumMessageSize: 1,024 B - 1,048,576 B (1 MiB), default 1 MiB (raised from 256 KiB in
#: August 2025; the botocore model redrive ships documents the new range)
MIN_MAXIMUM_MESSAGE_SIZE = 1024
MAX_MAXIMUM_MESSAGE_SIZE = 1_048_576
DEFAULT_MAXIMUM_MESSAGE_SIZE = 1_048_576
#: MessageRetentionPeriod: 60 s - 14 days, default 4 days (SQS-6)
MIN_RETENTION_SECONDS = 60
MAX_RETENTION_SECONDS = 1_209_600
DEFAULT_RETENTION_SECONDS = 345_600
#: ReceiveMessageWaitTimeSeconds: 0-20 s, default 0; also ReceiveMessage ``WaitTimeSeconds``
DEFAULT_RECEIVE_WAIT_SECONDS = 0
MAX_WAIT_SECONDS = 20
#: VisibilityTimeout: 0 s - 12 h, default 30 s (SQS-1)
DEFAULT_VISIBILITY_TIMEOUT = 30
MAX_VISIBILITY_TIMEOUT = 43_200
#: KmsDataKeyReusePeriodSeconds: 60 s - 24 h, default 300 s
MIN_KMS_REUSE_SECONDS = 60
MAX_KMS_REUSE_SECONDS = 86_400
DEFAULT_KMS_REUSE_SECONDS = 300
#: queues are encrypted with SSE-SQS unless a KMS key is given (default since 2022-10)
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
DEFAULT_SQS_MANAGED_SSE = "true"
#: FIFO high throughput settings and their defaults
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/high-throughput-fifo.html
DEDUPLICATION_SCOPES = ("messageGroup", "queue")
DEFAULT_DEDUPLICATION_SCOPE = "queue"
FIFO_THROUGHPUT_LIMITS = ("perQueue", "perMessageGroupId")
DEFAULT_FIFO_THROUGHPUT_LIMIT = "perQueue"

# -- redrive (SQS-3) ------------------------------------------------------------------------
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
#: RedrivePolicy ``maxReceiveCount``: 1-1000
MIN_MAX_RECEIVE_COUNT = 1
MAX_MAX_RECEIVE_COUNT = 1000
#: RedriveAllowPolicy: permissions and at most 10 ``sourceQueueArns`` (botocore model docs)
REDRIVE_PERMISSIONS = ("allowAll", "denyAll", "byQueue")
MAX_REDRIVE_SOURCE_ARNS = 10

# -- queue names ----------------------------------------------------------------------------
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
#: 1-80 characters of [A-Za-z0-9_-]; a FIFO queue's name ends with ``.fifo`` (counted)
MAX_QUEUE_NAME_LENGTH = 80
FIFO_SUFFIX = ".fifo"
#: after DeleteQueue, the name cannot be reused for 60 s (QueueDeletedRecently)
QUEUE_NAME_REUSE_SECONDS = 60
#: one PurgeQueue per queue every 60 s (PurgeQueueInProgress)
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
PURGE_INTERVAL_SECONDS = 60

# -- ListQueues / ListDeadLetterSourceQueues ------------------------------------------------
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html
#: at most 1,000 results; MaxResults 1-1000
MAX_LIST_RESULTS = 1000

# -- tags -----------------------------------------------------------------------------------
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-tags.html
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256

# -- messages -------------------------------------------------------------------------------
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
#: at most 10 message attributes per message
MAX_MESSAGE_ATTRIBUTES = 10
#: attribute names: up to 256 characters of [A-Za-z0-9_.-], not starting with ``AWS.`` or
#: ``Amazon.``, not starting or ending with ``.``, no ``..``
MAX_ATTRIBUTE_NAME_LENGTH = 256
#: attribute data types (String, Number, Binary, each optionally ``.<custom>``): 256 chars
MAX_ATTRIBUTE_TYPE_LENGTH = 256
#: MessageGroupId / MessageDeduplicationId / ReceiveRequestAttemptId: 1-128 characters
MAX_FIFO_ID_LENGTH = 128

# -- batches --------------------------------------------------------------------------------
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
#: at most 10 entries; the sum of all message sizes at most 1 MiB
MAX_BATCH_ENTRIES = 10
MAX_BATCH_BYTES = 1_048_576
#: batch entry ids: up to 80 characters of [A-Za-z0-9_-]
MAX_BATCH_ENTRY_ID_LENGTH = 80

# -- ReceiveMessage -------------------------------------------------------------------------
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
MAX_RECEIVE_MESSAGES = 10

#: in-flight messages per queue: about 120,000 for standard queues (a short poll at the quota
#: gets OverLimit, a long poll no error), 120,000 for FIFO queues (no error either way)
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html
MAX_INFLIGHT_MESSAGES = 120_000

# -- FIFO -----------------------------------------------------------------------------------
#: deduplication interval and ReceiveRequestAttemptId validity: 5 minutes
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
DEDUPLICATION_WINDOW_SECONDS = 300
#: SequenceNumber is a 128-bit number, shown as a decimal string; redrive's start well into
#: AWS's usual 20-digit range and grow by one per message
SEQUENCE_NUMBER_BASE = 18_000_000_000_000_000_000

# -- message move tasks ---------------------------------------------------------------------
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
#: MaxNumberOfMessagesPerSecond: at most 500
MAX_MOVE_RATE = 500
#: ListMessageMoveTasks MaxResults 1-10, default 1
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html
DEFAULT_LIST_MOVE_TASKS = 1
MAX_LIST_MOVE_TASKS = 10

# -- metrics --------------------------------------------------------------------------------
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
NAMESPACE = "AWS/SQS"
#: queue gauges are pushed at one-minute intervals ...
SAMPLE_INTERVAL_SECONDS = 60
#: ... for queues active (any API call) within the last six hours
#: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/MonitorSQSwithCloudWatch.html
ACTIVE_WINDOW_SECONDS = 6 * 3600

# -- redrive's own choices ------------------------------------------------------------------
#: where queue URLs point when redrive does not know its own address (LocalStack's port)
DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
#: message move tasks without MaxNumberOfMessagesPerSecond move at this rate (AWS: "system
#: optimized"; redrive uses the documented maximum)
DEFAULT_MOVE_RATE = MAX_MOVE_RATE
#: store rows handled per scan while settling a queue (visibility and retention)
SETTLE_BATCH = 500
