"""What an invocation leaves behind: platform log lines (OBS-11/12) and metrics (OBS-1..6)."""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from redrive.runtime import FunctionSpec, LogLine, Outcome
from redrive.services._base import Platform
from redrive.services.cloudwatch.service import CloudWatchService
from redrive.services.lambda_ import config, qualifiers
from redrive.services.logs.service import LogsService

NAMESPACE = "AWS/Lambda"  # OBS-1
LOG_TAIL_BYTES = 4096  # INV-6: the last 4 KB of the invocation's log


@dataclass(frozen=True)
class RuntimeVersion:
    """What INIT_START names: ``python:3.12.v<N>`` and its ARN (OBS-11)."""

    name: str
    arn: str


def runtime_version(runtime: str, region: str) -> RuntimeVersion:
    """The version INIT_START names (OBS-11); its ARN is the one GetFunction reports in
    ``RuntimeVersionConfig``."""
    major_minor = runtime.removeprefix("python")
    return RuntimeVersion(f"python:{major_minor}.v1", config.runtime_version_arn(region, runtime))


def report_lines(
    outcome: Outcome, *, version: str, memory_mb: int, runtime: RuntimeVersion
) -> list[LogLine]:
    """Every log event of one attempt, in order, with emulated timestamps.

    Cold start: redrive's interpreter line and INIT_START, then START, the handler's own
    lines, END and REPORT (``Init Duration`` on cold starts, ``Status: timeout`` on
    timeouts, OBS-11/12).
    """
    start_ms = int(outcome.started_at * 1000)
    end_ms = int(outcome.ended_at * 1000)
    rid = outcome.request_id
    lines: list[LogLine] = []
    # A cold start writes INIT_START; an init retried inside the invocation after it ran out
    # of time ("suppressed init") has no init phase of its own and writes none.
    if outcome.cold and outcome.init_duration_ms is not None:
        init_ms = start_ms - math.ceil(outcome.init_duration_ms)
        if outcome.interpreter:
            lines.append(LogLine(init_ms, f"REDRIVE Interpreter: {outcome.interpreter}\n"))
        lines.append(
            LogLine(
                init_ms,
                f"INIT_START Runtime Version: {runtime.name}\tRuntime Version ARN: {runtime.arn}\n",
            )
        )
    lines.append(LogLine(start_ms, f"START RequestId: {rid} Version: {version}\n"))
    lines.extend(outcome.logs)
    lines.append(LogLine(end_ms, f"END RequestId: {rid}\n"))
    report = (
        f"REPORT RequestId: {rid}\tDuration: {outcome.duration_ms:.2f} ms\t"
        f"Billed Duration: {billed_ms(outcome.duration_ms)} ms\t"
        f"Memory Size: {memory_mb} MB\tMax Memory Used: {outcome.max_memory_used_mb} MB\t"
    )
    if outcome.cold and outcome.init_duration_ms is not None:
        report += f"Init Duration: {outcome.init_duration_ms:.2f} ms\t"
    if outcome.kind == "timeout":
        report += "Status: timeout"
    lines.append(LogLine(end_ms, report + "\n"))
    return lines


def billed_ms(duration_ms: float) -> int:
    """``Duration`` rounded up to the whole millisecond (OBS-5, recorded: 3.01 -> 4, 2.90 -> 3).

    Whether a cold start's billed duration also includes the init phase since August 2025 is
    not confirmed (OBS-5); redrive bills the handler time only, as every recording shows.
    """
    return max(1, math.ceil(round(duration_ms, 2)))


def log_tail(lines: Sequence[LogLine]) -> str:
    """The base64 of the last 4 KB of the log text, for ``X-Amz-Log-Result`` (INV-6, OBS-15)."""
    text = "".join(line.text for line in lines).encode()
    return base64.b64encode(text[-LOG_TAIL_BYTES:]).decode()


def write_logs(
    platform: Platform, spec: FunctionSpec, stream: str, lines: Sequence[LogLine]
) -> None:
    """Append the lines to the function's log group, one event each, each ending in a newline
    as AWS writes them (OBS-13: ``print("x")`` is the event ``x\\n``)."""
    logs = cast(LogsService, platform.service("logs"))
    events = [
        (line.timestamp_ms, line.text if line.text.endswith("\n") else line.text + "\n")
        for line in lines
    ]
    logs.append_events(spec.account_id, spec.region, spec.log_group, stream, events)


def record_metrics(
    platform: Platform,
    spec: FunctionSpec,
    points: Sequence[tuple[str, float, str]],
    *,
    timestamp: float | None = None,
    qualifier: str | None = None,
) -> None:
    """Data points ``(metric, value, unit)`` in ``AWS/Lambda``, written as one batch, each
    under the dimension sets of OBS-1: by FunctionName and for the whole Region; when the
    function was invoked with a ``qualifier`` also by ``FunctionName, Resource``
    (``<function>:<qualifier>``), and for an alias by ``FunctionName, Resource,
    ExecutedVersion`` (the version that ran). The sets are the ones CloudWatch lists for
    AWS/Lambda (aws-cdk-lib ``lambda-canned-metrics.generated``)."""
    cloudwatch = cast(CloudWatchService, platform.service("cloudwatch"))
    sets = dimension_sets(spec, qualifier)
    cloudwatch.record_values(
        spec.account_id, spec.region, NAMESPACE, points, dimension_sets=sets, timestamp=timestamp
    )


def dimension_sets(spec: FunctionSpec, qualifier: str | None) -> list[dict[str, str] | None]:
    """The dimension sets a data point of ``spec`` invoked with ``qualifier`` is stored under.

    The Region-wide metric (no dimension) is not among them: CloudWatch reads it as the
    rollup of the metrics by FunctionName (CloudWatch's ``constants.ROLLUPS``)."""
    by_function = {"FunctionName": spec.function_name}
    sets: list[dict[str, str] | None] = [by_function]
    if qualifier:
        by_resource = {**by_function, "Resource": f"{spec.function_name}:{qualifier}"}
        sets.append(by_resource)
        if qualifiers.kind(qualifier) == "alias":
            sets.append({**by_resource, "ExecutedVersion": spec.version})
    return sets
