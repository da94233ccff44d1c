"""The values exchanged between the Lambda service and the runtime."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FunctionSpec:
    """Everything an execution environment needs to run one function version.

    Two specs with the same :attr:`key` may share environments; any change to code or
    configuration gives a new key (``code_sha256`` and ``revision``), so warm environments of
    the old configuration are never reused.
    """

    function_name: str
    version: str  # "$LATEST" or "1", "2", ...
    function_arn: str  # unqualified ARN
    region: str
    account_id: str
    runtime: str  # "python3.12"
    handler: str  # "module.func" or "pkg/mod.func"
    code_dir: Path  # unpacked code (LAMBDA_TASK_ROOT)
    code_sha256: str
    revision: str  # changes with every configuration update
    memory_mb: int
    timeout_s: int
    environment: dict[str, str] = field(default_factory=dict)
    log_group: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        return (
            self.account_id, self.region, self.function_name, self.version,
            self.code_sha256, self.revision,
        )


@dataclass(frozen=True)
class Invocation:
    """One event for one attempt."""

    request_id: str
    payload: bytes
    invoked_function_arn: str
    client_context: str | None = None  # base64 JSON as sent by the caller, or None
    cognito_identity: str | None = None
    trace_id: str = ""


@dataclass(frozen=True)
class LogLine:
    """One line a handler (or its runtime) wrote, stamped with emulated epoch milliseconds."""

    timestamp_ms: int
    text: str


@dataclass
class Outcome:
    """What happened to one invocation in an environment.

    ``kind`` is ``success`` (``payload`` is the handler's JSON result), ``error`` (a function
    error: ``payload`` is the error object of errors.md and ``error_type`` its ``errorType``)
    or ``timeout`` (``error_type`` ``Sandbox.Timedout``). Runtime faults (init errors,
    ``Runtime.ExitError``, out of memory, oversized response) are ``error`` with their error
    types. Times are emulated.
    """

    kind: str
    payload: bytes
    error_type: str | None
    request_id: str
    environment_id: str
    log_stream: str  # YYYY/MM/DD/[<version>]<32 hex>, one per environment (OBS-10)
    cold: bool
    started_at: float  # emulated epoch seconds when the handler got the event
    ended_at: float
    duration_ms: float  # handler time, emulated
    init_duration_ms: float | None  # cold starts only
    max_memory_used_mb: int
    interpreter: str = ""  # e.g. "python3.12 (/usr/bin/python3.12)", said on cold start
    logs: list[LogLine] = field(default_factory=list)


#: told an attempt's outcome synchronously, the moment the runtime knows it
OutcomeCallback = Callable[[Outcome], None]
