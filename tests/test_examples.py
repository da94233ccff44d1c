"""The example applications under ``examples/`` run end to end (DESIGN.md, How we know it works).

``examples/sqs_partial_batch``: an SQS consumer using Powertools' ``BatchProcessor`` with
``ReportBatchItemFailures``, run once on the virtual clock by its own ``run.run(cloud)``; the
tests below check what it leaves behind, one spec rule at a time.
"""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from redrive import Cloud

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_example(name: str, module: str = "run") -> ModuleType:
    """``examples/<name>/<module>.py`` as a module (the examples are not a package)."""
    path = EXAMPLES / name / f"{module}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}_{module}", path)
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


@pytest.fixture(scope="module")
def partial_batch() -> Iterator[tuple[ModuleType, dict[str, Any]]]:
    """The SQS partial-batch example, run once: ``(its run module, what run() returned)``."""
    example = load_example("sqs_partial_batch")
    with Cloud(clock="virtual", seed=0) as cloud:
        result = example.run(cloud)
        yield example, result


def ids_of(result: dict[str, Any], *, fail: bool) -> set[str]:
    """Message ids of the orders that fail (or do not)."""
    return {mid for mid, order in result["orders"].items() if bool(order.get("fail")) == fail}


def order_lines(result: dict[str, Any]) -> list[str]:
    """The record handler's log lines, ``order N processed|failed (receive K)``, oldest first."""
    return [line for line in result["logs"] if line.startswith("order ")]


def test_powertools_is_imported_from_the_deployment_package(
    partial_batch: tuple[ModuleType, dict[str, Any]],
) -> None:
    """The handler really imports Powertools, and from its own zip, not from this machine."""
    example, result = partial_batch
    [init] = [line for line in result["logs"] if line.startswith("INIT powertools ")]
    assert json.loads(init.removeprefix("INIT powertools "))["file"] == (
        "aws_lambda_powertools/__init__.py"
    )
    names = zipfile.ZipFile(io.BytesIO(example.build_zip())).namelist()
    assert "handler.py" in names
    for top in ("aws_lambda_powertools/utilities/batch/__init__.py", "jmespath/__init__.py",
                "typing_extensions.py"):
        assert top in names
    assert not [name for name in names if "__pycache__" in name or name.startswith("..")]


def test_reported_failures_stay_and_the_rest_is_deleted_once__SQSM_7(
    partial_batch: tuple[ModuleType, dict[str, Any]],
) -> None:
    """SQSM-7: with ReportBatchItemFailures, Lambda deletes every message of the batch except
    those the function's ``batchItemFailures`` lists; those stay in the queue."""
    _example, result = partial_batch
    good, bad = ids_of(result, fail=False), ids_of(result, fail=True)
    assert len(good) == 3 and len(bad) == 2
    first = result["batches"][0]
    assert first["outcome"] == "success" and first["error_type"] is None
    assert first["messages"] == list(result["orders"])  # one batch, in send order
    assert set(first["deleted"]) == good
    assert set(first["returned"]) == bad
    # the function's own response listed exactly the failing messages
    [response] = [line for line in result["logs"] if line.startswith("BATCH RESPONSE ")]
    reported = json.loads(response.removeprefix("BATCH RESPONSE "))["batchItemFailures"]
    assert sorted(item["itemIdentifier"] for item in reported) == sorted(bad)
    # succeeded messages: processed once, deleted exactly once, never seen again
    deleted = Counter(mid for batch in result["batches"] for mid in batch["deleted"])
    assert deleted == dict.fromkeys(good, 1)
    assert all(not good & set(batch["messages"]) for batch in result["batches"][1:])
    processed = [line for line in order_lines(result) if " processed " in line]
    assert processed == [
        "order 1 processed (receive 1)", "order 3 processed (receive 1)",
        "order 5 processed (receive 1)",
    ]


def test_failed_messages_return_after_the_visibility_timeout__SQSM_6_SQSM_8(
    partial_batch: tuple[ModuleType, dict[str, Any]],
) -> None:
    """SQSM-8: when every record fails Powertools raises, and a function error fails the whole
    batch whatever ReportBatchItemFailures says. SQSM-6: nothing of a failed batch is deleted;
    its messages come back after the visibility timeout, their receive count one higher."""
    example, result = partial_batch
    bad = ids_of(result, fail=True)
    retries = result["batches"][1:]
    assert len(retries) == example.MAX_RECEIVE_COUNT - 1
    for batch in retries:
        assert sorted(batch["messages"]) == sorted(bad)
        assert batch["outcome"] == "function_error"
        assert batch["error_type"] == "BatchProcessingError"
        assert batch["deleted"] == []
        assert sorted(batch["returned"]) == sorted(bad)
        assert not batch["cold"]
    # received at the send, back after each 30 s visibility timeout (the first batch started
    # a little later: its cold start imported Powertools in real time)
    starts = [batch["started_at"] - result["start"] for batch in result["batches"]]
    timeout = example.VISIBILITY_TIMEOUT_S
    assert starts[0] == pytest.approx(0, abs=3)
    assert starts[1:] == [pytest.approx(timeout * n, abs=1) for n in (1, 2)]
    failed = [line for line in order_lines(result) if " failed " in line]
    assert failed == [
        f"order {n} failed (receive {receive})" for receive in (1, 2, 3) for n in (2, 4)
    ]
    errors = [line.split(":", 1)[0] for line in result["logs"] if line.startswith("[ERROR] ")]
    assert errors == ["[ERROR] BatchProcessingError"] * 2


def test_failed_messages_reach_the_dlq_after_max_receive_count__SQS_3(
    partial_batch: tuple[ModuleType, dict[str, Any]],
) -> None:
    """SQS-3: after ``maxReceiveCount`` (3) receives the next receive moves the message to the
    DLQ with its message id and body: the function is not invoked a fourth time."""
    example, result = partial_batch
    bad = ids_of(result, fail=True)
    assert len(result["batches"]) == example.MAX_RECEIVE_COUNT
    received = Counter(mid for batch in result["batches"] for mid in batch["messages"])
    assert {mid: received[mid] for mid in bad} == dict.fromkeys(bad, example.MAX_RECEIVE_COUNT)
    assert sorted((m["MessageId"], m["Body"]) for m in result["dlq"]) == sorted(
        (mid, json.dumps(result["orders"][mid])) for mid in bad
    )
    assert result["queue"] == (0, 0)  # nothing left in the source queue, nothing in flight
