"""Limits and names of execution environments, each with where it comes from."""

from __future__ import annotations

#: The Runtime API version every path starts with (AWS_LAMBDA_RUNTIME_API docs,
#: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
API_PREFIX = "/2018-06-01/runtime"

#: INV-8: a response larger than this is refused (6 MiB + 100 B).
MAX_RESPONSE_BYTES = 6_291_556
#: A hard ceiling on any request body the Runtime API reads into memory; the rest of a larger
#: body is read and dropped so one connection cannot exhaust the engine.
MAX_REQUEST_BYTES = MAX_RESPONSE_BYTES + 1024

#: The on-demand INIT phase may take at most 10 s; when it does not finish, Lambda retries the
#: init during the first invoke, within the function's timeout ("suppressed init").
#: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (Init phase)
INIT_TIMEOUT_S = 10.0

#: How long an idle environment lives before it is reaped (emulated seconds). AWS keeps idle
#: environments for an unspecified time (minutes to hours); redrive picks 10 minutes.
DEFAULT_IDLE_TIMEOUT_S = 600.0

#: Output kept per invocation: the last 256 KiB of lines; older lines are dropped and one
#: ``REDRIVE`` line says how much. A flooding handler therefore costs bounded memory.
LOG_KEEP_BYTES = 256 * 1024
#: CloudWatch Logs' largest event is 256 KiB (minus 26 B overhead); a longer "line" is cut.
#: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
MAX_LINE_BYTES = 256 * 1024 - 26
#: After a response arrives, at most this much output still in the pipes is read before the
#: outcome is completed (a background thread that floods forever cannot stall completion).
DRAIN_MAX_BYTES = 4 * 1024 * 1024

#: Real seconds between two memory checks of an environment that is initialising or busy,
#: and before the first check once it starts computing (most invocations are over sooner: they
#: are measured once, when their response arrives).
MEMORY_POLL_S = 0.01
MEMORY_FIRST_POLL_S = 0.05

#: ERR-3: the error type of a timed-out invocation.
TIMEOUT_ERROR_TYPE = "Sandbox.Timedout"
#: ERR-4: the error type when the runtime process exits during an invocation or init.
EXIT_ERROR_TYPE = "Runtime.ExitError"
#: An invocation whose process grew past MemorySize. Recent AWS REPORT lines say
#: ``Status: error  Error Type: Runtime.OutOfMemory`` with ``Max Memory Used`` equal to
#: ``Memory Size``; the message is the one the kill produces (older accounts reported the same
#: kill as ``Runtime.ExitError``). [inferred from public REPORT lines, 2024-2026]
OUT_OF_MEMORY_ERROR_TYPE = "Runtime.OutOfMemory"
#: INV-8 / ERR-6.
RESPONSE_TOO_LARGE_ERROR_TYPE = "Function.ResponseSizeTooLarge"

#: Values AWS gives every Python function (Lambda "Defined runtime environment variables",
#: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
INITIALIZATION_TYPE = "on-demand"
LANG = "en_US.UTF-8"
TZ = ":UTC"
