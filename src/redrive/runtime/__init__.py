"""Execution environments: real handler code in worker processes, on the emulated clock.

The Lambda service hands the runtime a :class:`FunctionSpec` (what to run) and an
:class:`Invocation` (one event); the runtime finds an idle environment for that function
version or starts one (a cold start), runs the event and returns an :class:`Outcome`.
Everything else - concurrency limits, logs, metrics, retries - is the service's business.

Worker processes reach the engine through the Lambda Runtime API on a loopback port of their
own (``AWS_LAMBDA_RUNTIME_API``), plus two redrive extensions described in
``redrive.runtime.worker``: the shared clock file and the sleep endpoint.
"""

from redrive.runtime.pool import Runtime
from redrive.runtime.types import FunctionSpec, Invocation, LogLine, Outcome

__all__ = ["FunctionSpec", "Invocation", "LogLine", "Outcome", "Runtime"]
