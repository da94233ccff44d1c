"""Queue attributes: GetQueueAttributes, SetQueueAttributes and their validation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.sqs.conftest import arn, counts, make_queue, name_of, unique
from tests.support import error_of


def all_attributes(sqs: Any, url: str) -> dict[str, str]:
    attributes: dict[str, str] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
        "Attributes"
    ]
    return attributes


def test_standard_queue_attributes(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    attrs = all_attributes(sqs, url)
    created = attrs.pop("CreatedTimestamp")
    assert int(created) == int(cloud.now())
    assert attrs.pop("LastModifiedTimestamp") == created
    assert attrs == {
        "QueueArn": arn(name_of(url)),
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
        "DelaySeconds": "0",
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "ReceiveMessageWaitTimeSeconds": "0",
        "VisibilityTimeout": "30",
        "SqsManagedSseEnabled": "true",
    }


def test_fifo_queue_attributes(sqs: Any) -> None:
    url = make_queue(sqs, unique() + ".fifo")
    attrs = all_attributes(sqs, url)
    assert {k: attrs[k] for k in attrs if "Fifo" in k or "Dedup" in k} == {
        "FifoQueue": "true",
        "ContentBasedDeduplication": "false",
        "DeduplicationScope": "queue",
        "FifoThroughputLimit": "perQueue",
    }


def test_attributes_given_at_creation(sqs: Any) -> None:
    url = make_queue(
        sqs,
        DelaySeconds="5",
        MaximumMessageSize="2048",
        MessageRetentionPeriod="60",
        ReceiveMessageWaitTimeSeconds="20",
        VisibilityTimeout="0",
        Policy='{"Version": "2012-10-17", "Statement": []}',
    )
    attrs = all_attributes(sqs, url)
    assert (
        attrs["DelaySeconds"],
        attrs["MaximumMessageSize"],
        attrs["MessageRetentionPeriod"],
        attrs["ReceiveMessageWaitTimeSeconds"],
        attrs["VisibilityTimeout"],
        attrs["Policy"],
    ) == ("5", "2048", "60", "20", "0", '{"Version": "2012-10-17", "Statement": []}')


def test_get_some_attributes_or_none(sqs: Any) -> None:
    url = make_queue(sqs)
    chosen = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["VisibilityTimeout", "QueueArn"]
    )
    assert chosen["Attributes"] == {"VisibilityTimeout": "30", "QueueArn": arn(name_of(url))}
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)
    # an attribute the queue does not have is left out
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])


def test_set_queue_attributes(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    created = all_attributes(sqs, url)["CreatedTimestamp"]
    cloud.advance(10)
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"VisibilityTimeout": "69", "DelaySeconds": "420"}
    )
    attrs = all_attributes(sqs, url)
    assert (attrs["VisibilityTimeout"], attrs["DelaySeconds"]) == ("69", "420")
    assert attrs["CreatedTimestamp"] == created
    assert int(attrs["LastModifiedTimestamp"]) == int(created) + 10
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": '{"Statement": []}'})
    assert all_attributes(sqs, url)["Policy"] == '{"Statement": []}'
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert "Policy" not in all_attributes(sqs, url)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DelaySeconds", "901"),
        ("DelaySeconds", "-1"),
        ("DelaySeconds", " 6"),
        ("DelaySeconds", "1.5"),
        ("DelaySeconds", ""),
        ("MaximumMessageSize", "1023"),
        ("MaximumMessageSize", "1048577"),
        ("MessageRetentionPeriod", "59"),
        ("MessageRetentionPeriod", "1209601"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("VisibilityTimeout", "43201"),
        ("VisibilityTimeout", "abc"),
        ("KmsDataKeyReusePeriodSeconds", "59"),
        ("KmsDataKeyReusePeriodSeconds", "86401"),
        ("SqsManagedSseEnabled", "yes"),
        ("Policy", "not json"),
        ("Policy", "[]"),
    ],
)
def test_invalid_attribute_values(sqs: Any, name: str, value: str) -> None:
    for call in (
        lambda: sqs.create_queue(QueueName=unique(), Attributes={name: value}),
        lambda: sqs.set_queue_attributes(QueueUrl=make_queue(sqs), Attributes={name: value}),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (
            "InvalidAttributeValue",
            f"Invalid value for the parameter {name}.",
        )


def test_limits_of_attribute_values_are_allowed(sqs: Any) -> None:
    url = make_queue(
        sqs,
        DelaySeconds="900",
        MaximumMessageSize="1024",
        MessageRetentionPeriod="1209600",
        ReceiveMessageWaitTimeSeconds="0",
        VisibilityTimeout="43200",
    )
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"MaximumMessageSize": "1048576", "MessageRetentionPeriod": "60"}
    )


@pytest.mark.parametrize("name", ["QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp"])
def test_read_only_attributes_are_refused(sqs: Any, name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName=unique(), Attributes={name: "1"})
    assert error_of(exc) == ("InvalidAttributeName", f"Unknown Attribute {name}.")
    with pytest.raises(ClientError) as exc:
        sqs.set_queue_attributes(QueueUrl=make_queue(sqs), Attributes={name: "1"})
    assert error_of(exc) == ("InvalidAttributeName", f"Unknown Attribute {name}.")


def test_fifo_attributes_on_a_standard_queue(sqs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName=unique(), Attributes={"ContentBasedDeduplication": "true"})
    assert error_of(exc) == ("InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication.")
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName=unique(), Attributes={"DeduplicationScope": "queue"})
    assert error_of(exc) == (
        "InvalidAttributeName",
        "You can specify the DeduplicationScope only when FifoQueue is set to true.",
    )
    # FifoQueue=false names a standard queue
    assert make_queue(sqs, unique(), FifoQueue="false")


def test_queue_type_cannot_change(sqs: Any) -> None:
    fifo = make_queue(sqs, unique() + ".fifo")
    with pytest.raises(ClientError) as exc:
        sqs.set_queue_attributes(QueueUrl=fifo, Attributes={"FifoQueue": "false"})
    assert error_of(exc) == (
        "InvalidAttributeValue",
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
    )
    sqs.set_queue_attributes(QueueUrl=fifo, Attributes={"FifoQueue": "true"})  # no change
    with pytest.raises(ClientError) as exc:
        sqs.set_queue_attributes(QueueUrl=make_queue(sqs), Attributes={"FifoQueue": "true"})
    assert error_of(exc) == ("InvalidAttributeName", "Unknown Attribute FifoQueue.")
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName=unique() + ".fifo", Attributes={"FifoQueue": "maybe"})
    assert error_of(exc) == ("InvalidAttributeValue", "Invalid value for the parameter FifoQueue.")


def test_fifo_attribute_values(sqs: Any) -> None:
    url = make_queue(
        sqs,
        unique() + ".fifo",
        ContentBasedDeduplication="TRUE",
        DeduplicationScope="messageGroup",
        FifoThroughputLimit="perMessageGroupId",
    )
    attrs = all_attributes(sqs, url)
    assert (
        attrs["ContentBasedDeduplication"],
        attrs["DeduplicationScope"],
        attrs["FifoThroughputLimit"],
    ) == ("true", "messageGroup", "perMessageGroupId")
    for name, value in (("DeduplicationScope", "group"), ("FifoThroughputLimit", "perGroup")):
        with pytest.raises(ClientError) as exc:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value})
        assert error_of(exc) == (
            "InvalidAttributeValue",
            f"Invalid value for the parameter {name}.",
        )


def test_kms_encryption_attributes(sqs: Any) -> None:
    url = make_queue(sqs, KmsMasterKeyId="alias/aws/sqs")
    attrs = all_attributes(sqs, url)
    assert (
        attrs["KmsMasterKeyId"],
        attrs["KmsDataKeyReusePeriodSeconds"],
        attrs["SqsManagedSseEnabled"],
    ) == ("alias/aws/sqs", "300", "false")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsDataKeyReusePeriodSeconds": "860"})
    assert all_attributes(sqs, url)["KmsDataKeyReusePeriodSeconds"] == "860"
    sse_error = (
        "InvalidAttributeName",
        "You can use one type of server-side encryption (SSE) at one time. You can either "
        "enable KMS SSE or SQS SSE.",
    )
    with pytest.raises(ClientError) as exc:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"SqsManagedSseEnabled": "true"})
    assert error_of(exc) == sse_error
    with pytest.raises(ClientError) as exc:
        make_queue(sqs, SqsManagedSseEnabled="true", KmsMasterKeyId="alias/aws/sqs")
    assert error_of(exc) == sse_error


def test_approximate_counts_follow_message_states(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="a")
    sqs.send_message(QueueUrl=url, MessageBody="b")
    sqs.send_message(QueueUrl=url, MessageBody="c", DelaySeconds=60)
    assert counts(sqs, url) == (2, 0, 1)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
    assert counts(sqs, url) == (1, 1, 1)
    cloud.advance(30)  # the visibility timeout ends
    assert counts(sqs, url) == (2, 0, 1)
    cloud.advance(30)  # the delay ends
    assert counts(sqs, url) == (3, 0, 0)


# -- redrive policies -----------------------------------------------------------------------


def test_redrive_policy_is_stored_in_canonical_form(sqs: Any) -> None:
    dlq = make_queue(sqs)
    policy = json.dumps({"maxReceiveCount": "5", "deadLetterTargetArn": arn(name_of(dlq))})
    url = make_queue(sqs, RedrivePolicy=policy)
    assert all_attributes(sqs, url)["RedrivePolicy"] == (
        f'{{"deadLetterTargetArn":"{arn(name_of(dlq))}","maxReceiveCount":5}}'
    )
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in all_attributes(sqs, url)


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        ("{}", "Redrive policy does not contain mandatory attribute: maxReceiveCount."),
        (
            '{"maxReceiveCount":5}',
            "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
        ),
        (
            '{"deadLetterTargetArn":"DLQ","maxReceiveCount":0}',
            "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.",
        ),
        (
            '{"deadLetterTargetArn":"DLQ","maxReceiveCount":1001}',
            "Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both "
            "inclusive.",
        ),
        (
            '{"deadLetterTargetArn":"dummy","maxReceiveCount":42}',
            "Invalid value for deadLetterTargetArn.",
        ),
        (
            '{"deadLetterTargetArn":"arn:aws:sns:us-east-1:000000000000:t","maxReceiveCount":5}',
            "Only SQS queues are valid resources for deadLetterTargetArn.",
        ),
        (
            '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nope","maxReceiveCount":5}',
            "Dead letter target does not exist.",
        ),
        (
            '{"deadLetterTargetArn":"DLQ","maxReceiveCount":5,"extra":1}',
            "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].",
        ),
    ],
)
def test_invalid_redrive_policies(sqs: Any, policy: str, reason: str) -> None:
    dlq = make_queue(sqs)
    policy = policy.replace('"DLQ"', json.dumps(arn(name_of(dlq))))
    with pytest.raises(ClientError) as exc:
        make_queue(sqs, RedrivePolicy=policy)
    assert error_of(exc) == (
        "InvalidParameterValue",
        f"Value {policy} for parameter RedrivePolicy is invalid. Reason: {reason}",
    )


def test_redrive_policy_must_be_a_json_map(sqs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        make_queue(sqs, RedrivePolicy="[]")
    assert error_of(exc) == (
        "InvalidAttributeValue",
        "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid "
        "JSON map.",
    )


def test_dead_letter_queue_must_have_the_same_type(sqs: Any) -> None:
    fifo_dlq = make_queue(sqs, unique() + ".fifo")
    policy = json.dumps({"deadLetterTargetArn": arn(name_of(fifo_dlq)), "maxReceiveCount": 5})
    with pytest.raises(ClientError) as exc:
        make_queue(sqs, RedrivePolicy=policy)
    assert error_of(exc) == (
        "InvalidParameterValue",
        f"Value {policy} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must "
        "be same type of queue as the source..",
    )
    assert make_queue(sqs, unique() + ".fifo", RedrivePolicy=policy)


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        ("badjson", None),
        ("[]", None),
        ("{}", None),
        ('{"redrivePermission":"dummy"}', None),
        ('{"redrivePermission":"allowAll","dummy":"value"}', None),
        ('{"redrivePermission":"byQueue","sourceQueueArns":"arn:aws:sqs"}', None),
        (
            '{"redrivePermission":"byQueue"}',
            "Amazon SQS can't create the redrive allow policy. When you specify the byQueue "
            "permission type, you must also specify one or more sourceQueueArns values.",
        ),
        (
            '{"redrivePermission":"byQueue","sourceQueueArns":[]}',
            "Amazon SQS can't create the redrive allow policy. When you specify the byQueue "
            "permission type, you must also specify one or more sourceQueueArns values.",
        ),
        (
            json.dumps(
                {
                    "redrivePermission": "byQueue",
                    "sourceQueueArns": [arn(f"x{i}") for i in range(11)],
                }
            ),
            "Amazon SQS can't create the redrive allow policy. The maximum number of source "
            "queue ARNs you can specify is 10.",
        ),
        (
            '{"redrivePermission":"denyAll","sourceQueueArns":["arn:aws:sqs:us-east-1:1:x"]}',
            "Amazon SQS can't create the redrive allow policy. To specify one or more source "
            "queue ARNs, you must set redrivePermission to byQueue.",
        ),
    ],
)
def test_invalid_redrive_allow_policies(sqs: Any, policy: str, reason: str | None) -> None:
    with pytest.raises(ClientError) as exc:
        make_queue(sqs, RedriveAllowPolicy=policy)
    if reason is None:
        assert error_of(exc) == (
            "InvalidAttributeValue",
            "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create "
            "the redrive allow policy, as it\u2019s in an unsupported format.",
        )
    else:
        assert error_of(exc) == (
            "InvalidParameterValue",
            f"Value {policy} for parameter RedriveAllowPolicy is invalid. Reason: {reason}",
        )


def test_redrive_allow_policy_is_checked_when_a_source_names_the_queue(sqs: Any) -> None:
    allowed_source = unique()
    dlq = make_queue(
        sqs,
        RedriveAllowPolicy=json.dumps(
            {"redrivePermission": "byQueue", "sourceQueueArns": [arn(allowed_source)]}
        ),
    )
    policy = json.dumps({"deadLetterTargetArn": arn(name_of(dlq)), "maxReceiveCount": 3})
    assert make_queue(sqs, allowed_source, RedrivePolicy=policy)
    stranger = unique()
    with pytest.raises(ClientError) as exc:
        make_queue(sqs, stranger, RedrivePolicy=policy)
    assert error_of(exc)[0] == "InvalidParameterValue"
    assert "RedriveAllowPolicy" in error_of(exc)[1]
    denied = make_queue(sqs, RedriveAllowPolicy='{"redrivePermission":"denyAll"}')
    with pytest.raises(ClientError):
        sqs.set_queue_attributes(
            QueueUrl=make_queue(sqs),
            Attributes={
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": arn(name_of(denied)), "maxReceiveCount": 3}
                )
            },
        )
    assert all_attributes(sqs, denied)["RedriveAllowPolicy"] == '{"redrivePermission":"denyAll"}'


def test_list_dead_letter_source_queues(sqs: Any) -> None:
    dlq = make_queue(sqs, unique("dlsq"))
    policy = json.dumps({"deadLetterTargetArn": arn(name_of(dlq)), "maxReceiveCount": 3})
    sources = sorted(make_queue(sqs, unique("dlsq"), RedrivePolicy=policy) for _ in range(3))
    make_queue(sqs, unique("dlsq"))
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == sources
    first = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert first["queueUrls"] == sources[:2]
    rest = sqs.list_dead_letter_source_queues(
        QueueUrl=dlq, MaxResults=2, NextToken=first["NextToken"]
    )
    assert rest["queueUrls"] == sources[2:]
    assert sqs.list_dead_letter_source_queues(QueueUrl=sources[0])["queueUrls"] == []


def test_unknown_attribute_names_are_sqs_invalid_attribute_name(sqs: Any) -> None:
    """SQS answers an unknown name itself, not with a model validation error."""
    name = unique("bogus")
    with pytest.raises(ClientError) as created:
        sqs.create_queue(QueueName=name, Attributes={"Bogus": "1"})
    assert error_of(created) == ("InvalidAttributeName", "Unknown Attribute Bogus.")
    assert sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", []) == []
    url = make_queue(sqs)
    with pytest.raises(ClientError) as read:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"])
    assert error_of(read) == ("InvalidAttributeName", "Unknown Attribute Bogus.")
    with pytest.raises(ClientError) as written:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Bogus": "1"})
    assert error_of(written) == ("InvalidAttributeName", "Unknown Attribute Bogus.")
