"""Amazon Kinesis Data Streams limits and defaults, each with the page it comes from."""

from __future__ import annotations

MS_PER_SECOND = 1000
MS_PER_HOUR = 3_600_000

# -- streams ----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html

#: capacity modes (StreamModeDetails.StreamMode)
PROVISIONED = "PROVISIONED"
ON_DEMAND = "ON_DEMAND"
#: an on-demand stream starts with 4 shards (4 MB/s of write capacity, 1 MB/s per shard)
#: https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html
ON_DEMAND_SHARDS = 4
#: stream states (StreamDescription.StreamStatus)
CREATING = "CREATING"
ACTIVE = "ACTIVE"
DELETING = "DELETING"
#: CreateStream and DeleteStream are asynchronous (CREATING -> ACTIVE, DELETING -> gone).
#: redrive runs both transitions as scheduler work due this many emulated seconds later.
#: They take no emulated time: under the virtual clock nothing moves time while a client polls
#: DescribeStream with real sleeps (boto3's ``stream_exists`` waits 10 real seconds between
#: polls), so any longer transition would keep that waiter from ever seeing ACTIVE.
CREATE_SECONDS = 0.0
DELETE_SECONDS = 0.0

# -- quotas -----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html

#: default shard quota of an account for provisioned streams: 20,000 in these Regions ...
LARGE_SHARD_QUOTA_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
LARGE_SHARD_QUOTA = 20_000
#: ... and 1,000 in the others (some have 6,000; redrive uses the smaller figure)
SHARD_QUOTA = 1_000
#: at most 50 on-demand streams per account (and Region)
ON_DEMAND_STREAM_QUOTA = 50

# -- retention --------------------------------------------------------------------------------
# https://docs.aws.amazon.com/kinesis/latest/APIReference/API_IncreaseStreamRetentionPeriod.html

DEFAULT_RETENTION_HOURS = 24
MIN_RETENTION_HOURS = 24
MAX_RETENTION_HOURS = 8760

# -- records ----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html and
# API_PutRecords.html

#: hash keys are 128-bit: 0 .. 2**128 - 1 (MD5 of the partition key, or ExplicitHashKey)
HASH_KEY_SPACE = 1 << 128
#: the maximum record size (data + partition key) unless the stream sets MaxRecordSizeInKiB
DEFAULT_MAX_RECORD_KIB = 1024
KIB = 1024
#: a PutRecords request: at most 500 records and 10 MiB in all, partition keys included
MAX_PUT_RECORDS = 500
MAX_PUT_RECORDS_BYTES = 10 * 1024 * 1024

# -- reading ----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html

#: at most 10,000 records (the default Limit) and 10 MiB per GetRecords call
MAX_GET_RECORDS = 10_000
MAX_GET_RECORDS_BYTES = 10 * 1024 * 1024
#: a shard iterator expires 5 minutes after it was returned (GetShardIterator)
ITERATOR_TTL_MS = 300_000
#: ListShards NextToken values expire after 300 seconds (ListShards)
NEXT_TOKEN_TTL_MS = 300_000

# -- listing ----------------------------------------------------------------------------------

#: DescribeStream Limit and ListStreams Limit: default 100, at most 100 results
#: (API_DescribeStream.html, API_ListStreams.html)
DEFAULT_DESCRIBE_LIMIT = 100
MAX_DESCRIBE_LIMIT = 100
#: ListShards MaxResults: default 1,000, at most 1,000 results (API_ListShards.html)
MAX_LIST_SHARDS = 1000

# -- tags -------------------------------------------------------------------------------------
#: https://docs.aws.amazon.com/streams/latest/dev/tagging.html : up to 50 tags per stream
MAX_TAGS = 50

# -- metrics ----------------------------------------------------------------------------------
#: https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
NAMESPACE = "AWS/Kinesis"

# -- redrive's own choices --------------------------------------------------------------------
#: store rows handled per step when trimming expired records
TRIM_BATCH = 500
