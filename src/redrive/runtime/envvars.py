"""The environment variables of a worker process, as AWS sets them, plus redrive's own.

Reserved variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html)
win over the function's own ``Environment``; AWS refuses such keys at CreateFunction anyway.
Nothing of the engine's own environment leaks in except ``PATH``, so a handler's boto3 sees
only the dummy credentials and ``AWS_ENDPOINT_URL`` of its environment. ``AWS_CONFIG_FILE``
and ``AWS_SHARED_CREDENTIALS_FILE`` point at nothing, so the developer's real ``~/.aws`` files
are never read by a handler (a Lambda sandbox has none either).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from redrive.runtime.constants import INITIALIZATION_TYPE, LANG, TZ
from redrive.runtime.types import FunctionSpec


@dataclass(frozen=True)
class Credentials:
    """The dummy credentials of one environment; the key id identifies it (DESIGN, Time)."""

    access_key_id: str
    secret_access_key: str
    session_token: str


@dataclass(frozen=True)
class WorkerSetup:
    """What one worker is started with, beyond the function's spec."""

    worker_dir: str
    runtime_api: str  # 127.0.0.1:<port>
    log_stream: str
    credentials: Credentials
    endpoint_url: str
    clock_file: str
    interpreter: str
    #: the AWS SDK the runtime provides, last on the path ("" when the interpreter has it)
    sdk_dir: str = ""


def worker_environment(spec: FunctionSpec, setup: WorkerSetup) -> dict[str, str]:
    """Every variable of the worker's environment."""
    env = dict(spec.environment)
    user_pythonpath = env.get("PYTHONPATH", "")
    code_dir = str(spec.code_dir)
    pythonpath = os.pathsep.join(
        p for p in (setup.worker_dir, code_dir, user_pythonpath, setup.sdk_dir) if p
    )
    interpreter_bin = os.path.dirname(setup.interpreter)
    host_path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group or f"/aws/lambda/{spec.function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": setup.log_stream,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": INITIALIZATION_TYPE,
            "AWS_LAMBDA_RUNTIME_API": setup.runtime_api,
            "LAMBDA_TASK_ROOT": code_dir,
            "LAMBDA_RUNTIME_DIR": setup.worker_dir,
            "_HANDLER": spec.handler,
            "TZ": TZ,
            "LANG": LANG,
            "PATH": os.pathsep.join(p for p in (interpreter_bin, host_path) if p),
            "PYTHONPATH": pythonpath,
            "AWS_ACCESS_KEY_ID": setup.credentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY": setup.credentials.secret_access_key,
            "AWS_SESSION_TOKEN": setup.credentials.session_token,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "REDRIVE_CLOCK_FILE": setup.clock_file,
        }
    )
    if setup.endpoint_url:
        env["AWS_ENDPOINT_URL"] = setup.endpoint_url
    return env
