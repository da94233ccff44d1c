"""The real ``_redrive_bootstrap.py`` in a subprocess, against a fake Runtime API.

Every test runs under this interpreter and under Python 3.9 (skipped when absent): the worker
files must work on every Python a Lambda function may use, without redrive installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.runtime.worker_fakeapi import T0, Harness

# -- results -------------------------------------------------------------------------------


def test_a_result_is_posted_as_json(h: Harness, python: str) -> None:
    h.write("handler.py", "def handler(event, context):\n    return {'got': event, 'n': 1.5}\n")
    h.start(python=python)
    posted = h.invoke({"a": [1, 2, "x"]})
    assert posted.kind == "response"
    assert posted.json() == {"got": {"a": [1, 2, "x"]}, "n": 1.5}
    assert posted.headers["content-type"] == "application/json"


def test_none_becomes_null__INV_5(h: Harness, python: str) -> None:
    h.write("handler.py", "def handler(event, context):\n    pass\n")
    h.start(python=python)
    posted = h.invoke({})
    assert (posted.kind, posted.body) == ("response", b"null")


def test_strings_bytes_and_decimals_are_marshalled_like_aws(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "from decimal import Decimal\n"
        "def handler(event, context):\n"
        "    kind = event['kind']\n"
        "    if kind == 'str': return 'caf\\u00e9'\n"
        "    if kind == 'bytes': return b'\\x00raw'\n"
        "    return {'price': Decimal('1.50'), 'big': Decimal('12345678901234567890.123'),\n"
        "            'int': Decimal(7)}\n",
    )
    h.start(python=python)
    assert h.invoke({"kind": "str"}).body == '"café"'.encode()  # python3.12+: no \\u escapes
    raw = h.invoke({"kind": "bytes"})
    assert (raw.body, raw.headers["content-type"]) == (b"\x00raw", "application/unknown")
    dec = h.invoke({"kind": "dec"})
    assert dec.body == b'{"price": 1.50, "big": 12345678901234567890.123, "int": 7}'


def test_python_before_3_12_escapes_non_ascii(h: Harness, python: str) -> None:
    h.write("handler.py", "def handler(event, context):\n    return 'caf\\u00e9'\n")
    h.start(python=python, env={"AWS_EXECUTION_ENV": "AWS_Lambda_python3.9"})
    assert h.invoke({}).body == b'"caf\\u00e9"'


def test_an_unserializable_result_is_a_marshal_error__ERR_5(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import datetime\n"
        "def handler(event, context):\n"
        "    return {'when': datetime.datetime(2020, 1, 1)}\n",
    )
    worker = h.start(python=python)
    rid = h.api.add_event({})
    posted = h.api.result(rid)
    assert posted.kind == "error"
    assert posted.json() == {
        "errorMessage": (
            "Unable to marshal response: Object of type datetime is not JSON serializable"
        ),
        "errorType": "Runtime.MarshalError",
        "requestId": rid,
        "stackTrace": [],
    }
    assert (
        "[ERROR] Runtime.MarshalError: Unable to marshal response: Object of type datetime is not "
        "JSON serializable\rTraceback (most recent call last):\n"
    ) in worker.stdout


def test_an_unparseable_event_is_an_unmarshal_error(h: Harness, python: str) -> None:
    h.write("handler.py", "def handler(event, context):\n    return 1\n")
    h.start(python=python)
    rid = h.api.add_event(raw=b"{not json")
    body = h.api.result(rid).json()
    assert body["errorType"] == "Runtime.UnmarshalError"
    assert body["errorMessage"].startswith("Unable to unmarshal input: Expecting property name")
    assert body["requestId"] == rid


# -- handler exceptions ------------------------------------------------------------------------

RAISING = '''\
class CustomException(Exception):
    pass


def helper(kind):
    if kind == "custom":
        raise CustomException("some error occurred")
    if kind == "key":
        return {}["action"]
    raise Exception("Test exception (this is intentional)")


def handler(event, context):
    return helper(event["kind"])
'''


def test_an_exception_becomes_the_error_object__ERR_1(h: Harness, python: str) -> None:
    h.write("handler.py", RAISING)
    worker = h.start(python=python)
    rid = h.api.add_event({"kind": "plain"})
    posted = h.api.result(rid)
    assert posted.kind == "error"
    assert posted.headers["lambda-runtime-function-error-type"] == "Unhandled"
    path = "/var/task/handler.py"  # as AWS shows the function's code (ERR-1)
    assert posted.body.startswith(b'{"errorMessage": ')  # key order as AWS returns it
    assert posted.json() == {
        "errorMessage": "Test exception (this is intentional)",
        "errorType": "Exception",
        "requestId": rid,
        "stackTrace": [
            f'  File "{path}", line 14, in handler\n    return helper(event["kind"])\n',
            f'  File "{path}", line 10, in helper\n'
            '    raise Exception("Test exception (this is intentional)")\n',
        ],
    }
    # one log event: lines joined by \r, frames indented with no-break spaces (OBS-13)
    nb = "\u00a0"
    assert (
        "[ERROR] Exception: Test exception (this is intentional)\r"
        "Traceback (most recent call last):\r"
        f'{nb * 2}File "{path}", line 14, in handler\r'
        f'{nb * 4}return helper(event["kind"])\r'
        f'{nb * 2}File "{path}", line 10, in helper\r'
        f'{nb * 4}raise Exception("Test exception (this is intentional)")\n'
    ) in worker.stdout


def test_error_type_is_the_class_name_and_message_is_str(h: Harness, python: str) -> None:
    h.write("handler.py", RAISING)
    h.start(python=python)
    custom = h.invoke({"kind": "custom"}).json()
    assert custom["errorType"] == "CustomException"
    assert custom["errorMessage"] == "some error occurred"
    key = h.invoke({"kind": "key"}).json()
    assert (key["errorType"], key["errorMessage"]) == ("KeyError", "'action'")


def test_the_worker_survives_an_error_and_serves_the_next_event(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import os\n"
        "def handler(event, context):\n"
        "    if event.get('fail'): raise ValueError('no')\n"
        "    return os.getpid()\n",
    )
    h.start(python=python)
    assert h.invoke({"fail": True}).kind == "error"
    first = h.invoke({}).json()
    assert h.invoke({}).json() == first


def test_sys_exit_in_the_handler_ends_the_process(h: Harness, python: str) -> None:
    h.write("handler.py", "import sys\ndef handler(event, context):\n    sys.exit(0)\n")
    worker = h.start(python=python)
    h.api.add_event({})
    assert worker.wait_exit() == 0
    assert h.api.posted == []


# -- init errors -------------------------------------------------------------------------------


def _init_error(h: Harness, python: str, handler: str) -> tuple[dict[str, object], str, str]:
    worker = h.start(handler, python=python)
    posted = h.api.wait_for("init_error")
    assert worker.wait_exit() == 1
    assert h.api.next_calls == []
    body = posted.json()
    assert posted.headers["lambda-runtime-function-error-type"] == body["errorType"]
    return body, worker.stdout, worker.stderr


def test_a_missing_module_is_an_import_module_error__ERR_5(h: Harness, python: str) -> None:
    body, out, _ = _init_error(h, python, "nothere.handler")
    assert body == {
        "errorMessage": "Unable to import module 'nothere': No module named 'nothere'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }
    assert "\tLAMBDA_WARNING: Unhandled exception." in out
    assert out.startswith("[WARNING]\t")
    assert (
        "[ERROR] Runtime.ImportModuleError: Unable to import module 'nothere': No module named "
        "'nothere'\rTraceback (most recent call last):\n"
    ) in out


def test_a_missing_dependency_is_an_import_module_error_too(h: Harness, python: str) -> None:
    h.write("handler.py", "import requests_that_do_not_exist\n")
    body, _, _ = _init_error(h, python, "handler.handler")
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"] == (
        "Unable to import module 'handler': No module named 'requests_that_do_not_exist'"
    )


def test_a_missing_function_is_handler_not_found(h: Harness, python: str) -> None:
    h.write("handler.py", "x = 1\n")
    body, _, _ = _init_error(h, python, "handler.nope")
    assert (body["errorType"], body["errorMessage"]) == (
        "Runtime.HandlerNotFound", "Handler 'nope' missing on module 'handler'"
    )


def test_a_handler_without_a_dot_is_malformed(h: Harness, python: str) -> None:
    body, _, _ = _init_error(h, python, "handler")
    assert body["errorType"] == "Runtime.MalformedHandlerName"
    assert body["errorMessage"] == (
        "Bad handler 'handler': not enough values to unpack (expected 2, got 1)"
    )


def test_a_builtin_module_cannot_be_the_handler(h: Harness, python: str) -> None:
    body, _, _ = _init_error(h, python, "sys.handler")
    assert (body["errorType"], body["errorMessage"]) == (
        "Runtime.BuiltInModuleConflict", "Cannot use built-in module sys as a handler module"
    )


def test_a_syntax_error_is_a_user_code_syntax_error(h: Harness, python: str) -> None:
    h.write("handler.py", "def handler(event, context):\n    return (1,\n\nx = = 2\n")
    body, _, _ = _init_error(h, python, "handler.handler")
    assert body["errorType"] == "Runtime.UserCodeSyntaxError"
    assert str(body["errorMessage"]).startswith("Syntax error in module 'handler': ")
    assert body["requestId"] == ""
    [trace] = body["stackTrace"]  # type: ignore[misc]
    assert trace.startswith('  File "/var/task/handler.py" Line ')
    assert "\n    " in trace


def test_an_exception_at_import_keeps_its_type_and_importlib_frames__ERR_2(
    h: Harness, python: str
) -> None:
    h.write("handler.py", "import os\nraise RuntimeError('broken at import')\n")
    body, out, _ = _init_error(h, python, "handler.handler")
    assert (body["errorType"], body["errorMessage"], body["requestId"]) == (
        "RuntimeError", "broken at import", ""
    )
    frames = body["stackTrace"]
    assert isinstance(frames, list)
    assert "importlib/__init__.py" in frames[0] and ", in import_module\n" in frames[0]
    assert frames[-1] == (
        '  File "/var/task/handler.py", line 2, in <module>\n'
        "    raise RuntimeError('broken at import')\n"
    )
    assert not any("_redrive_" in f for f in frames)
    assert "[ERROR] RuntimeError: broken at import\rTraceback (most recent call last):\r" in out


# -- handler names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "path"),
    [
        ("pkg/mod.handler", "pkg/mod.py"),
        ("pkg.sub.mod.handler", "pkg/sub/mod.py"),
        ("lambda_function.lambda_handler", "lambda_function.py"),
    ],
)
def test_handler_names(h: Harness, python: str, handler: str, path: str) -> None:
    parts = Path(path).parts
    for i in range(1, len(parts)):
        h.write("/".join(parts[:i]) + "/__init__.py", "")
    func = handler.rsplit(".", 1)[1]
    h.write(path, f"def {func}(event, context):\n    return __name__\n")
    h.start(handler, python=python)
    assert h.invoke({}).json() == Path(path).with_suffix("").as_posix().replace("/", ".")


# -- the context object ------------------------------------------------------------------------

CONTEXT = '''\
import os


def handler(event, context):
    cc = context.client_context
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "client_context": None if cc is None else {
            "custom": cc.custom, "env": cc.env,
            "installation_id": cc.client and cc.client.installation_id,
            "app_title": cc.client and cc.client.app_title,
        },
        "identity": [context.identity.cognito_identity_id,
                     context.identity.cognito_identity_pool_id],
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "repr": repr(context).startswith("LambdaContext([aws_request_id="),
    }
'''


def test_the_context_object(h: Harness, python: str) -> None:
    h.write("handler.py", CONTEXT)
    h.start(python=python)
    client_context = {
        "custom": {"k": "v"}, "env": {"platform": "x"},
        "client": {"installation_id": "inst", "app_title": "app"},
    }
    rid = h.api.add_event(
        {},
        deadline=T0 + 2.5,
        headers={
            "Lambda-Runtime-Client-Context": json.dumps(client_context),
            "Lambda-Runtime-Cognito-Identity": json.dumps(
                {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}
            ),
            "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
        },
    )
    got = h.api.result(rid).json()
    assert got == {
        "aws_request_id": rid,
        "function_name": "fn",
        "function_version": "$LATEST",
        "invoked_function_arn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
        "memory_limit_in_mb": "256",  # a string, as awslambdaric reads it from the environment
        "log_group_name": "/aws/lambda/fn",
        "log_stream_name": "2023/11/14/[$LATEST]0123456789abcdef0123456789abcdef",
        "remaining": 2500,  # deadline - emulated now; the fake's virtual clock stands still
        "client_context": {
            "custom": {"k": "v"}, "env": {"platform": "x"},
            "installation_id": "inst", "app_title": "app",
        },
        "identity": ["id-1", "pool-1"],
        "trace": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
        "repr": True,
    }


def test_context_defaults_and_remaining_time_never_negative(h: Harness, python: str) -> None:
    h.write("handler.py", CONTEXT)
    h.start(python=python)
    rid = h.api.add_event({}, deadline=T0 - 10, headers={"Lambda-Runtime-Trace-Id": ""})
    got = h.api.result(rid).json()
    assert got["remaining"] == 0
    assert got["client_context"] is None
    assert got["identity"] == [None, None]


def test_a_bad_client_context_is_a_context_unmarshal_error(h: Harness, python: str) -> None:
    h.write("handler.py", CONTEXT)
    h.start(python=python)
    rid = h.api.add_event({}, headers={"Lambda-Runtime-Client-Context": "{oops"})
    body = h.api.result(rid).json()
    assert body["errorType"] == "Runtime.LambdaContextUnmarshalError"
    assert body["errorMessage"].startswith("Unable to parse Client Context JSON: ")


# -- warm environments -------------------------------------------------------------------------


def test_module_globals_persist_across_events(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import os\nCOUNT = 0\nINIT_PID = os.getpid()\n"
        "def handler(event, context):\n"
        "    global COUNT\n"
        "    COUNT += 1\n"
        "    return [COUNT, INIT_PID == os.getpid()]\n",
    )
    h.start(python=python)
    assert h.invoke({}).json() == [1, True]
    assert h.invoke({}).json() == [2, True]
    assert h.invoke({}).json() == [3, True]
    h.api.wait_next_calls(4)  # one worker served them all


# -- output and logging ------------------------------------------------------------------------

LOGGING = '''\
import logging
import sys

logger = logging.getLogger()
logger.warning("at import")
logger.info("info at import is below the default WARNING level")


def handler(event, context):
    if event.get("level"):
        logger.setLevel(logging.INFO)
    logger.info("hello %s", "world")
    logging.getLogger("child").warning("two\\nlines")
    try:
        {}["k"]
    except KeyError:
        logger.exception("caught")
    print("printed", 42)
    print("multi\\nline print")
    sys.stderr.write("to stderr\\n")
    context.log("via context.log\\n")
    return "ok"
'''


def test_log_lines_have_the_aws_format__OBS_13(h: Harness, python: str) -> None:
    h.write("handler.py", LOGGING)
    worker = h.start(python=python)
    rid = h.api.add_event({"level": True})
    assert h.api.result(rid).json() == "ok"
    h.api.clock.jump_to(T0 + 1.25)  # type: ignore[attr-defined]
    rid2 = h.api.add_event({})
    assert h.api.result(rid2).json() == "ok"
    lines = worker.stdout.split("\n")
    stamp = "2023-11-14T22:13:20.000Z"  # T0, emulated
    stamp2 = "2023-11-14T22:13:21.250Z"
    assert lines[0] == f"[WARNING]\t{stamp}\t\tat import"
    assert lines[1] == f"[INFO]\t{stamp}\t{rid}\thello world"
    assert lines[2] == f"[WARNING]\t{stamp}\t{rid}\ttwo\rlines"
    assert lines[3].startswith(f"[ERROR]\t{stamp}\t{rid}\tcaught\rTraceback (most recent call")
    assert lines[3].endswith("KeyError: 'k'")
    assert lines[4:8] == ["printed 42", "multi", "line print", "via context.log"]
    assert lines[8] == f"[INFO]\t{stamp2}\t{rid2}\thello world"
    assert "info at import" not in worker.stdout
    assert worker.stderr == "to stderr\nto stderr\n"


def test_output_is_flushed_before_the_answer(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import io, sys\n"
        "sys.stdout = io.TextIOWrapper(open(1, 'wb', closefd=False), write_through=False)\n"
        "def handler(event, context):\n"
        "    print('buffered line')\n"
        "    return 1\n",
    )
    worker = h.start(python=python)
    h.invoke({})
    worker.stop()  # SIGKILL: only what was flushed before the POST survives
    assert worker.stdout == "buffered line\n"


def test_the_bootstrap_prints_nothing_and_never_imports_redrive(h: Harness, python: str) -> None:
    h.write(
        "handler.py",
        "import sys\n"
        "def handler(event, context):\n"
        "    return sorted(m for m in sys.modules if m.startswith('redrive'))\n",
    )
    worker = h.start(python=python)
    assert h.invoke({}).json() == []
    assert worker.stdout == ""
    assert worker.stderr == ""
