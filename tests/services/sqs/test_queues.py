"""Queues: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue, tags."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from redrive import Cloud
from tests.services.sqs.conftest import ACCOUNT, counts, make_queue, receive, unique
from tests.support import error_of, status_of


def test_create_queue_returns_its_url(cloud: Cloud, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    assert url == f"{cloud.endpoint_url}/{ACCOUNT}/orders"
    assert sqs.get_queue_url(QueueName="orders")["QueueUrl"] == url


def test_create_queue_is_idempotent_with_the_same_attributes(sqs: Any) -> None:
    first = sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "45"})
    again = sqs.create_queue(QueueName="same", Attributes={"VisibilityTimeout": "45"})
    assert again["QueueUrl"] == first["QueueUrl"]
    # attributes left out, or given at their current value, are not a difference
    assert sqs.create_queue(QueueName="same")["QueueUrl"] == first["QueueUrl"]
    assert sqs.create_queue(QueueName="same", Attributes={"DelaySeconds": "0"})["QueueUrl"]


def test_create_queue_with_other_attributes_is_refused(sqs: Any) -> None:
    sqs.create_queue(QueueName="taken", Attributes={"DelaySeconds": "1"})
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName="taken", Attributes={"DelaySeconds": "2"})
    assert error_of(exc) == (
        "QueueAlreadyExists",
        "A queue already exists with the same name and a different value for attribute "
        "DelaySeconds",
    )
    assert isinstance(exc.value, sqs.exceptions.QueueNameExists)


@pytest.mark.parametrize(
    "name",
    ["has space", "dot.ted", "x" * 81, "ünïcode", "slash/name", "name.fifo"],
)
def test_invalid_standard_queue_names_are_refused(sqs: Any, name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName=name)
    assert error_of(exc) == (
        "InvalidParameterValue",
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
    )


def test_queue_name_limits(sqs: Any) -> None:
    assert sqs.create_queue(QueueName="a" * 80)["QueueUrl"].endswith("a" * 80)
    assert sqs.create_queue(QueueName="A-b_9")["QueueUrl"].endswith("/A-b_9")
    assert make_queue(sqs, "f" * 75 + ".fifo").endswith(".fifo")
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName="")
    assert error_of(exc) == ("InvalidParameterValue", "Queue name cannot be empty")


@pytest.mark.parametrize("name", ["nofifo", "f" * 76 + ".fifo", "bad.name.fifo", ".fifo"])
def test_fifo_queue_names_must_end_with_fifo(sqs: Any, name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})
    assert error_of(exc) == (
        "InvalidParameterValue",
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
        "underscores, must end with .fifo suffix and be 1 to 80 in length",
    )


def test_get_queue_url_of_a_missing_queue(sqs: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as exc:
        sqs.get_queue_url(QueueName="missing")
    assert error_of(exc) == (
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
    )
    assert status_of(exc) == 400


def test_queue_url_with_another_host_names_the_same_queue(sqs: Any) -> None:
    url = make_queue(sqs, "elsewhere")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    other = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/elsewhere"
    assert [m["Body"] for m in receive(sqs, other)] == ["x"]


def test_queues_are_per_region(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, "regional")
    west = cloud.client("sqs", region_name="eu-west-1")
    with pytest.raises(west.exceptions.QueueDoesNotExist):
        west.send_message(QueueUrl=url, MessageBody="x")
    assert "QueueUrls" not in west.list_queues(QueueNamePrefix="regional")
    west_url = make_queue(west, "regional")
    assert west_url == url  # same account and name; the Region is the request's
    west.send_message(QueueUrl=west_url, MessageBody="west")
    assert receive(sqs, url) == []


def test_list_queues_by_prefix(sqs: Any) -> None:
    urls = [make_queue(sqs, n) for n in ("lq-app-a", "lq-app-b", "lq-other", "lq-app-c")]
    listed = sqs.list_queues(QueueNamePrefix="lq-")["QueueUrls"]
    assert listed == sorted(urls, key=lambda u: u.rsplit("/", 1)[1])
    found = sqs.list_queues(QueueNamePrefix="lq-app-")["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in found] == ["lq-app-a", "lq-app-b", "lq-app-c"]
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="none")


def test_list_queues_pages_with_max_results(sqs: Any) -> None:
    for i in range(5):
        make_queue(sqs, f"page-{i}")
    first = sqs.list_queues(QueueNamePrefix="page-", MaxResults=2)
    assert [u.rsplit("/", 1)[1] for u in first["QueueUrls"]] == ["page-0", "page-1"]
    second = sqs.list_queues(QueueNamePrefix="page-", MaxResults=2, NextToken=first["NextToken"])
    assert [u.rsplit("/", 1)[1] for u in second["QueueUrls"]] == ["page-2", "page-3"]
    third = sqs.list_queues(QueueNamePrefix="page-", MaxResults=2, NextToken=second["NextToken"])
    assert [u.rsplit("/", 1)[1] for u in third["QueueUrls"]] == ["page-4"]
    assert "NextToken" not in third
    # without MaxResults there is no token
    assert "NextToken" not in sqs.list_queues(QueueNamePrefix="page-")
    paginator = sqs.get_paginator("list_queues")
    pages = list(paginator.paginate(QueueNamePrefix="page-", PaginationConfig={"PageSize": 2}))
    assert sum(len(p["QueueUrls"]) for p in pages) == 5


@pytest.mark.parametrize("params", [{"MaxResults": 0}, {"MaxResults": 1001}, {"NextToken": "x"}])
def test_list_queues_refuses_bad_paging(sqs: Any, params: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.list_queues(**params)
    assert error_of(exc)[0] == "InvalidParameterValue"


def test_delete_queue(sqs: Any) -> None:
    url = make_queue(sqs, "doomed")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.delete_queue(QueueUrl=url)
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="doomed")
    for call in (
        lambda: sqs.send_message(QueueUrl=url, MessageBody="x"),
        lambda: sqs.receive_message(QueueUrl=url),
        lambda: sqs.get_queue_attributes(QueueUrl=url),
        lambda: sqs.delete_queue(QueueUrl=url),
    ):
        with pytest.raises(sqs.exceptions.QueueDoesNotExist):
            call()


def test_name_of_a_deleted_queue_is_reusable_after_60_seconds(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, "reborn")
    sqs.send_message(QueueUrl=url, MessageBody="old")
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(ClientError) as exc:
        sqs.create_queue(QueueName="reborn")
    assert error_of(exc) == (
        "AWS.SimpleQueueService.QueueDeletedRecently",
        "You must wait 60 seconds after deleting a queue before you can create another with "
        "the same name.",
    )
    cloud.advance(60)
    again = sqs.create_queue(QueueName="reborn")["QueueUrl"]
    assert again == url
    assert receive(sqs, again) == []  # the old queue's messages are gone
    assert counts(sqs, again) == (0, 0, 0)


def test_purge_queue_deletes_every_message(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs)
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=10)
    [held] = receive(sqs, url, MaxNumberOfMessages=1)
    assert counts(sqs, url) == (4, 1, 1)
    sqs.purge_queue(QueueUrl=url)
    assert counts(sqs, url) == (0, 0, 0)
    assert receive(sqs, url) == []
    # a handle from before the purge names a message that no longer exists
    sqs.delete_message(QueueUrl=url, ReceiptHandle=held["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody="after")
    cloud.advance(30)
    assert [m["Body"] for m in receive(sqs, url)] == ["after"]


def test_one_purge_per_60_seconds(cloud: Cloud, sqs: Any) -> None:
    url = make_queue(sqs, "purged")
    sqs.purge_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as exc:
        sqs.purge_queue(QueueUrl=url)
    assert error_of(exc) == (
        "AWS.SimpleQueueService.PurgeQueueInProgress",
        "Only one PurgeQueue operation on purged is allowed every 60 seconds.",
    )
    assert status_of(exc) == 403
    cloud.advance(60)
    sqs.purge_queue(QueueUrl=url)


def test_tags(sqs: Any) -> None:
    url = sqs.create_queue(QueueName=unique(), tags={"team": "a", "env": "dev"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "env": "dev"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "prod", "cost": "1"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "env": "prod", "cost": "1"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "cost", "absent"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "prod"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_at_most_50_tags(sqs: Any) -> None:
    url = make_queue(sqs, "tagged")
    sqs.tag_queue(QueueUrl=url, Tags={f"k{i}": "v" for i in range(50)})
    with pytest.raises(ClientError) as exc:
        sqs.tag_queue(QueueUrl=url, Tags={"one-more": "v"})
    assert error_of(exc) == ("InvalidParameterValue", "Too many tags added for queue tagged.")
    assert len(sqs.list_queue_tags(QueueUrl=url)["Tags"]) == 50


def test_tag_operations_on_a_missing_queue(sqs: Any) -> None:
    url = make_queue(sqs)
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.list_queue_tags(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.tag_queue(QueueUrl=url, Tags={"a": "b"})


def test_deleted_and_purged_messages_leave_the_store(cloud: Cloud, sqs: Any) -> None:
    """DeleteQueue and PurgeQueue detach the storage at once; a sweep deletes its rows."""
    from redrive.services.sqs import state
    from tests.services.sqs.conftest import arn, in_engine, name_of

    def rows(sid: int) -> int:
        def count(svc: Any) -> int:
            with svc.store.transaction() as txn:
                return sum(txn.count(table, (sid,)) for table in state.STORAGE_TABLES)

        return in_engine(cloud, count)

    def sid_of(url: str) -> int:
        def find(svc: Any) -> int:
            with svc.store.transaction() as txn:
                return svc.by_arn(txn, arn(name_of(url))).sid

        return in_engine(cloud, find)

    purged, deleted = make_queue(sqs), make_queue(sqs, unique() + ".fifo")
    for i in range(30):
        sqs.send_message(QueueUrl=purged, MessageBody=f"p{i}", DelaySeconds=i % 2)
        sqs.send_message(
            QueueUrl=deleted,
            MessageBody=f"d{i}",
            MessageGroupId=str(i % 3),
            MessageDeduplicationId=str(i),
        )
    old_purged, old_deleted = sid_of(purged), sid_of(deleted)
    assert rows(old_purged) > 0 and rows(old_deleted) > 0
    sqs.purge_queue(QueueUrl=purged)
    sqs.delete_queue(QueueUrl=deleted)
    cloud.advance(1)
    assert rows(old_purged) == 0
    assert rows(old_deleted) == 0
