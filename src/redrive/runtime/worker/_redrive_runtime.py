"""redrive's default Python runtime: what AWS's Python runtime does, in one small module.

The engine starts ``<python> -u _redrive_bootstrap.py`` (a stub that calls :func:`main`, so
that this module's compiled code comes from ``__pycache__`` instead of being compiled on every
cold start - a script run as ``__main__`` never is cached) with ``_HANDLER``,
``AWS_LAMBDA_RUNTIME_API`` and the rest of the Lambda environment. It installs the time shim,
imports the handler (init; a failure is posted to ``/runtime/init/error`` and the process
exits with status 1), then serves events from ``/runtime/invocation/next`` forever, posting
each result to ``/response`` or an error object (errors.md ERR-1, ERR-2, ERR-5) to ``/error``.

Behaviour follows aws/aws-lambda-python-runtime-interface-client ``awslambdaric/bootstrap.py``:
the handler-name rules and fault messages, the context object, the root-logger handler and its
``[LEVEL]\\t<time>\\t<request id>\\t<message>`` lines (observability.md OBS-13), and the single
``[ERROR]`` log event of an unhandled exception. Log events that span lines use ``\\r`` between
lines (as AWS's stdout log sink does for errors): the engine splits output on ``\\n`` and turns
``\\r`` back into ``\\n``.

Runs inside worker interpreters (Python 3.9+, stdlib only, never imports redrive), and keeps
its own imports few: start-up cost is paid by every cold start.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType, TracebackType
    from typing import Any

    from redrive.runtime.worker import _redrive_http as _http
    from redrive.runtime.worker import _redrive_timeshim as _shim
elif __package__:  # imported as redrive.runtime.worker._redrive_runtime (engine-side tests)
    from . import _redrive_http as _http
    from . import _redrive_timeshim as _shim
else:
    import _redrive_http as _http
    import _redrive_timeshim as _shim

API_PREFIX = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
ERROR_LOG_INDENT = "\u00a0"  # AWS indents traceback lines with no-break spaces (OBS-13)
INIT_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function "
    "code. However, in rare cases, a Lambda runtime update can cause unexpected function "
    "behavior. For functions using managed runtimes, runtime updates can be triggered by a "
    "function change, or can be applied automatically. To determine if the runtime has been "
    "updated, check the runtime version in the INIT_START log entry. If this error correlates "
    "with a change in the runtime version, you may be able to mitigate this error by "
    "temporarily rolling back to the previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)
#: where a function's code lives in AWS, and so in the paths its stack traces show (ERR-1)
AWS_TASK_ROOT = "/var/task"
_THIS_FILE = os.path.abspath(__file__)
_HERE = os.path.dirname(_THIS_FILE)
#: frames from these files lead into the handler and are left out of stack traces
_OWN_FILES = frozenset((_THIS_FILE, os.path.join(_HERE, "_redrive_bootstrap.py")))
#: the shim stands in for C functions (time.sleep, ...): its frames are left out too
_SHIM_FILES = frozenset(
    os.path.join(_HERE, name) for name in ("_redrive_timeshim.py", "_redrive_http.py")
)


class LogState:
    """What log lines carry: the current (or last) invocation's request id; "" during init."""

    request_id = ""


class Fault(Exception):
    """A runtime fault with its own errorType (ERR-5)."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


# -- errors ------------------------------------------------------------------------------------


def make_error(
    message: str, error_type: str, stack_trace: list[str], request_id: str = ""
) -> dict[str, Any]:
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id,
        "stackTrace": stack_trace or [],
    }


def exception_error(
    exc: BaseException, tb: TracebackType | None, request_id: str = ""
) -> dict[str, Any]:
    """The error object of an exception, without the runtime's own leading frames."""
    import traceback

    frames = [
        (frame.filename, frame.lineno, frame.name, frame.line)
        for frame in traceback.extract_tb(tb)
    ]
    for i, frame in enumerate(frames):
        if os.path.abspath(frame[0]) not in _OWN_FILES:
            frames = frames[i:]
            break
    frames = [
        (_shown_path(frame[0]), *frame[1:])
        for frame in frames
        if os.path.abspath(frame[0]) not in _SHIM_FILES
    ]
    try:
        message = str(exc)
    except Exception:
        message = f"<exception str() failed: {type(exc).__name__}>"
    # plain tuples, as awslambdaric passes them: no column carets in the formatted frames
    stack = traceback.format_list(frames)  # type: ignore[arg-type]
    return make_error(message, type(exc).__name__, stack, request_id)


def _shown_path(filename: str) -> str:
    """A file of the function's code as AWS shows it, under ``/var/task`` (ERR-1); redrive
    unpacks the code elsewhere (``LAMBDA_TASK_ROOT``), other files keep their own path."""
    root = os.environ.get("LAMBDA_TASK_ROOT")
    if not root:
        return filename
    root, absolute = os.path.abspath(root), os.path.abspath(filename)
    if absolute.startswith(root + os.sep):
        return AWS_TASK_ROOT + absolute[len(root) :]
    return filename


def error_log_event(error: dict[str, Any]) -> str:
    """The one log event AWS writes for an error: lines joined by ``\\r``, ending in ``\\n``."""
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + error["errorType"]
    if error.get("errorMessage"):
        if error.get("errorType"):
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error.get("stackTrace") or []:
        if element == "":
            lines.append("")
            continue
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append(ERROR_LOG_INDENT * (len(line) - len(stripped)) + stripped)
    return "\r".join(lines).replace("\n", "\r") + "\n"


def log_error(error: dict[str, Any]) -> None:
    sys.stdout.write(error_log_event(error))


def flush_output() -> None:
    """Flush what the handler wrote: the engine drains the pipes once a POST arrives."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # a broken stream must not stop the answer
            continue


# -- JSON --------------------------------------------------------------------------------------


def _ensure_ascii() -> bool:
    """awslambdaric writes non-ASCII characters as they are from python3.12 on."""
    env = os.environ.get("AWS_EXECUTION_ENV", "")
    prefix = "AWS_Lambda_python3."
    if env.startswith(prefix):
        try:
            return int(env[len(prefix) :]) < 12
        except ValueError:
            return False
    return False


def to_json(value: Any) -> str:
    """JSON like awslambdaric's encoder: ``Decimal`` written exactly, NaN allowed."""
    import json

    decimals: list[str] = []

    def default(obj: Any) -> Any:
        if type(obj).__name__ == "Decimal" and type(obj).__module__ in ("decimal", "_decimal"):
            if obj.is_nan():
                return float("nan")
            decimals.append(str(obj))
            return f"\x00redrive-decimal-{len(decimals) - 1}\x00"
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    text = json.dumps(value, default=default, ensure_ascii=_ensure_ascii())
    for i, literal in enumerate(decimals):
        text = text.replace(f'"\\u0000redrive-decimal-{i}\\u0000"', literal, 1)
    return text


# -- handler -----------------------------------------------------------------------------------


def load_handler(handler: str) -> Callable[..., Any]:
    """Import the handler module and find the function (awslambdaric's ``_get_handler``)."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {e}") from None
    import importlib

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise Fault(
                "Runtime.BuiltInModuleConflict",
                f"Cannot use built-in module {modname} as a handler module",
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise Fault(
            "Runtime.ImportModuleError", f"Unable to import module '{modname}': {e}"
        ) from None
    except SyntaxError as e:
        trace = [f'  File "{_shown_path(str(e.filename))}" Line {e.lineno}\n    {e.text}']
        raise Fault(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{modname}': {e}", trace
        ) from None
    try:
        function: Callable[..., Any] = getattr(module, fname)
    except AttributeError:
        raise Fault(
            "Runtime.HandlerNotFound", f"Handler '{fname}' missing on module '{modname}'"
        ) from None
    return function


# -- context -----------------------------------------------------------------------------------


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, data: dict[str, Any] | None) -> None:
        data = data or {}
        self.cognito_identity_id = data.get("cognitoIdentityId")
        self.cognito_identity_pool_id = data.get("cognitoIdentityPoolId")

    def __repr__(self) -> str:
        return (
            f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}])"
        )


class Client:
    __slots__ = (
        "app_package_name", "app_title", "app_version_code", "app_version_name",
        "installation_id",
    )

    def __init__(self, data: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, data.get(name))

    def __repr__(self) -> str:
        fields = ",".join(f"{name}={getattr(self, name)}" for name in self.__slots__)
        return f"Client([{fields}])"


class ClientContext:
    __slots__ = ("client", "custom", "env")

    def __init__(self, data: dict[str, Any]) -> None:
        client = data.get("client")
        self.client = Client(client) if isinstance(client, dict) else client
        self.custom = data.get("custom")
        self.env = data.get("env")

    def __repr__(self) -> str:
        return f"ClientContext([custom={self.custom},env={self.env},client={self.client}])"


class LambdaContext:
    """The handler's second argument, as the AWS Python runtime builds it."""

    def __init__(
        self,
        request_id: str,
        client_context: dict[str, Any] | None,
        cognito_identity: dict[str, Any] | None,
        deadline_ms: int,
        invoked_function_arn: str | None,
        *,
        tenant_id: str | None = None,
    ) -> None:
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        # a string, as in AWS's runtime (it comes straight from the environment)
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = (
            ClientContext(client_context) if isinstance(client_context, dict) else None
        )
        self.identity = CognitoIdentity(cognito_identity)
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        import time

        remaining = self._deadline_ms - int(time.time() * 1000)  # the shim's emulated time
        return remaining if remaining > 0 else 0

    def log(self, msg: object) -> None:
        sys.stdout.write(str(msg))

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},"
            f"identity={self.identity},"
            f"tenant_id={self.tenant_id}])"
        )


def _parse_json_header(value: str | None, name: str) -> Any:
    if not value:
        return None
    import json

    try:
        return json.loads(value)
    except Exception as e:
        raise Fault(
            "Runtime.LambdaContextUnmarshalError", f"Unable to parse {name} JSON: {e}"
        ) from None


# -- logging -----------------------------------------------------------------------------------


def setup_logging(_module: ModuleType) -> None:
    """The root-logger handler of AWS's Python runtime (text format, OBS-13).

    Installed when ``logging`` is first imported (by the handler, a library, or the init-error
    path), before the importer sees the module: a handler that never logs never pays for it.
    """
    import logging
    import time

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                text = self.format(record)
                if text.endswith("\n"):
                    text = text[:-1]
                sys.stdout.write(text.replace("\n", "\r") + "\n")
            except Exception:
                self.handleError(record)

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            setattr(record, "aws_request_id", LogState.request_id)  # noqa: B010
            return True

    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(LambdaLoggerFilter())
    root = logging.getLogger()
    # AWS leaves the root level alone (WARNING) unless a log level is configured.
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    level = {"WARN": "WARNING", "FATAL": "CRITICAL"}.get(level, level)
    if level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        root.setLevel(level)
    root.addHandler(handler)


# -- the Runtime API ---------------------------------------------------------------------------


class RuntimeApi:
    """The Lambda Runtime API over one keep-alive connection."""

    def __init__(self, address: str) -> None:
        host, port = _http.split_address(address)
        self.conn = _http.Connection(host, port)

    def next(self) -> _http.Response:
        response = self.conn.request("GET", f"{API_PREFIX}/invocation/next")
        if response.status != 200:
            raise _http.HttpError(
                f"GET /invocation/next answered {response.status}: {response.body[:300]!r}"
            )
        return response

    def post_response(self, request_id: str, body: bytes, content_type: str) -> None:
        flush_output()
        self.conn.request(
            "POST", f"{API_PREFIX}/invocation/{request_id}/response", body,
            {"Content-Type": content_type},
        )

    def post_error(self, request_id: str, error: dict[str, Any]) -> None:
        flush_output()
        self.conn.request(
            "POST", f"{API_PREFIX}/invocation/{request_id}/error",
            to_json(error).encode("utf-8"),
            {"Content-Type": "application/json", ERROR_TYPE_HEADER: "Unhandled"},
        )

    def post_init_error(self, error: dict[str, Any]) -> None:
        flush_output()
        self.conn.request(
            "POST", f"{API_PREFIX}/init/error", to_json(error).encode("utf-8"),
            {"Content-Type": "application/json", ERROR_TYPE_HEADER: error["errorType"]},
        )


# -- the loop ----------------------------------------------------------------------------------


def handle_event(api: RuntimeApi, handler: Callable[..., Any], event: _http.Response) -> None:
    headers = event.headers
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    LogState.request_id = request_id
    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id is not None:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    error: dict[str, Any] | None = None
    body = b""
    content_type = "application/json"
    try:
        context = LambdaContext(
            request_id,
            _parse_json_header(headers.get("lambda-runtime-client-context"), "Client Context"),
            _parse_json_header(headers.get("lambda-runtime-cognito-identity"), "Cognito Identity"),
            int(headers.get("lambda-runtime-deadline-ms") or 0),
            headers.get("lambda-runtime-invoked-function-arn"),
            tenant_id=headers.get("lambda-runtime-aws-tenant-id"),
        )
        request_type = headers.get("content-type")
        if request_type is None or request_type.split(";")[0].strip() == "application/json":
            import json

            try:
                payload: Any = json.loads(event.body)
            except Exception as e:
                raise Fault("Runtime.UnmarshalError", f"Unable to unmarshal input: {e}") from None
        else:
            payload = event.body
        result = handler(payload, context)
        if isinstance(result, bytes):
            body, content_type = result, "application/unknown"
        else:
            try:
                body = to_json(result).encode("utf-8")
            except Exception as e:
                raise Fault("Runtime.MarshalError", f"Unable to marshal response: {e}") from None
    except Fault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace, request_id)
    except Exception as e:
        error = exception_error(e, e.__traceback__, request_id)

    if error is not None:
        log_error(error)
        api.post_error(request_id, error)
    else:
        api.post_response(request_id, body, content_type)


def main() -> None:
    _shim.install()
    _shim.claim_process()
    worker_dir = os.path.dirname(_THIS_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != worker_dir]
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    _shim.when_imported("logging", setup_logging)
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        if isinstance(e, Fault):
            error = make_error(e.message, e.error_type, e.trace)
        else:
            error = exception_error(e, e.__traceback__)
        import logging

        logging.warning(INIT_WARNING)
        log_error(error)
        api.post_init_error(error)
        sys.exit(1)
    while True:
        try:
            # handle_event answers every exception of the handler itself: an OSError here
            # comes from the Runtime API (the engine discarded this environment)
            handle_event(api, handler, api.next())
        except OSError as e:
            sys.stderr.write(f"redrive bootstrap: Runtime API unavailable: {e}\n")
            sys.exit(1)

