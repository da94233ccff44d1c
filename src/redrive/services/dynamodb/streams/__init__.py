"""DynamoDB Streams: the streams of DynamoDB tables (botocore ``dynamodbstreams``)."""
