"""Amazon DynamoDB and DynamoDB Streams limits and defaults, each with the page it comes from."""

from __future__ import annotations

MS_PER_SECOND = 1000
MS_PER_HOUR = 3_600_000

# -- tables -----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html

#: table states (TableDescription.TableStatus)
CREATING = "CREATING"
ACTIVE = "ACTIVE"
UPDATING = "UPDATING"
DELETING = "DELETING"
#: billing modes
PROVISIONED = "PROVISIONED"
PAY_PER_REQUEST = "PAY_PER_REQUEST"
#: CreateTable, UpdateTable and DeleteTable are asynchronous (CREATING -> ACTIVE, UPDATING ->
#: ACTIVE, DELETING -> gone). redrive runs each transition as scheduler work due this many
#: emulated seconds later: 0, for the reason Kinesis gives (kinesis/constants.py): under the
#: virtual clock nothing moves time while boto3's ``table_exists`` waiter sleeps 20 real
#: seconds between polls, so a longer transition would never be seen to end.
CREATE_SECONDS = 0.0
UPDATE_SECONDS = 0.0
DELETE_SECONDS = 0.0
#: ProvisionedThroughput units may not exceed this (the "out of bounds" check, as the
#: dynalite suite checks it against AWS: architect/dynalite validations/createTable.js)
MAX_CAPACITY_UNITS = 1_000_000_000_000
#: ListTables Limit: 1-100, default 100 (API_ListTables.html)
MAX_LIST_TABLES = 100

# -- items ------------------------------------------------------------------------------------
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html

#: an item (attribute names and values) may be at most 400 KB
MAX_ITEM_BYTES = 400 * 1024
#: a partition key value at most 2048 bytes, a sort key value at most 1024 bytes
MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024
#: numbers: up to 38 significant digits, magnitude from 1E-130 to 9.99...E+125
#: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
MAX_NUMBER_DIGITS = 38
MAX_NUMBER_EXPONENT = 125
MIN_NUMBER_EXPONENT = -130
#: item sizes (developerguide/CapacityUnitCalculations.html): a list or map costs 3 bytes
#: plus 1 byte per element; a number 1 byte per two significant digits plus 1 byte
CONTAINER_OVERHEAD = 3
ELEMENT_OVERHEAD = 1
#: Query and Scan read at most 1 MB of items per call (API_Query.html)
MAX_PAGE_BYTES = 1024 * 1024
#: capacity units: a write unit per 1 KB written, a read unit per 4 KB read strongly
#: consistent (half of it eventually consistent) (CapacityUnitCalculations.html)
WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096

# -- streams ----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
#: stream states (StreamDescription.StreamStatus)
ENABLING = "ENABLING"
ENABLED = "ENABLED"
DISABLING = "DISABLING"
DISABLED = "DISABLED"
#: stream records are kept 24 hours; a disabled stream (and its records) stays readable for
#: 24 hours after it was disabled
RETENTION_MS = 24 * MS_PER_HOUR
#: GetRecords Limit: at most 1000 records (the default) and 1 MB (API_streams_GetRecords.html)
MAX_GET_RECORDS = 1000
MAX_GET_RECORDS_BYTES = 1024 * 1024
#: a shard iterator expires 15 minutes after it was returned (API_streams_GetShardIterator.html)
ITERATOR_TTL_MS = 15 * 60 * 1000
#: ListStreams and DescribeStream Limit: at most 100 (API_streams_ListStreams.html)
MAX_LIST_STREAMS = 100
DESCRIBE_STREAM_LIMIT = 100
#: what a record says about itself (STRM-2)
EVENT_VERSION = "1.1"
EVENT_SOURCE = "aws:dynamodb"

# -- redrive's own choices --------------------------------------------------------------------
#: store rows deleted per step when trimming expired stream records
TRIM_BATCH = 500
