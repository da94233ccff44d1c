"""The Runtime API of an environment, spoken by a hand-written worker (status codes, headers)."""

from __future__ import annotations

import base64
import json
import sys
import textwrap
from pathlib import Path

from redrive.runtime import FunctionSpec, Invocation
from redrive.runtime.interpreters import Interpreter
from tests.runtime.envkit import body, kit, run

WORKER = r'''
import http.client, json, os, socket, sys

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
conn = http.client.HTTPConnection(host, int(port))
P = "/2018-06-01/runtime"
seen = {}

def call(method, path, body=None, headers=None):
    conn.request(method, P + path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()

seen["early response"] = call("POST", "/invocation/nope/response", b"{}")[0]
seen["unknown path"] = call("GET", "/nothing/here")[0]
seen["bad sleep"] = call("POST", "/redrive/sleep", b"{}")[0]
status, headers, event = call("GET", "/invocation/next")
request_id = headers["Lambda-Runtime-Aws-Request-Id"]
seen["next"] = [status, {k: v for k, v in headers.items() if k.startswith("Lambda-Runtime")}]
seen["wrong id"] = call("POST", "/invocation/other/response", b"{}")[0]
seen["init error late"] = call("POST", "/init/error", b"{}")[0]

# a response sent the way curl sends big bodies: Expect: 100-continue first
raw = socket.create_connection((host, int(port)))
payload = json.dumps({"echo": json.loads(event)}).encode()
raw.sendall(
    f"POST {P}/invocation/{request_id}/response HTTP/1.1\r\nHost: x\r\n"
    f"Content-Length: {len(payload)}\r\nExpect: 100-continue\r\n\r\n".encode()
)
first = raw.recv(100)
raw.sendall(payload)
rest = raw.recv(1000)
seen["continue"] = first.split(b"\r\n")[0].decode()
seen["accepted"] = rest.split(b"\r\n")[0].decode()
raw.close()
seen["answered twice"] = call("POST", f"/invocation/{request_id}/response", b"{}")[0]

status, headers, event = call("GET", "/invocation/next")
request_id = headers["Lambda-Runtime-Aws-Request-Id"]
call("POST", f"/invocation/{request_id}/response", json.dumps(seen).encode())
status, headers, event = call("GET", "/invocation/next")
request_id = headers["Lambda-Runtime-Aws-Request-Id"]
call(
    "POST", f"/invocation/{request_id}/error", b"not json",
    {"Lambda-Runtime-Function-Error-Type": "Custom.Failure"},
)
call("GET", "/invocation/next")
'''


def test_the_runtime_api_answers_like_aws(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(WORKER))

    def command(spec: FunctionSpec, interpreter: Interpreter) -> list[str]:
        return [sys.executable, "-u", str(script)]

    async def main() -> None:
        async with kit(tmp_path, worker_command=command) as k:
            spec = k.function("", timeout=9)
            context = base64.b64encode(json.dumps({"custom": {"a": 1}}).encode()).decode()
            invocation = Invocation(
                "req-1", b'{"n": 1}', spec.function_arn + ":live",
                client_context=context, cognito_identity='{"cognitoIdentityId": "x"}',
                trace_id="Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419",
            )
            task = k.runtime.submit(spec, invocation)
            await k.scheduler.run_until(task)
            first = task.result()
            assert first.kind == "success" and body(first) == {"echo": {"n": 1}}

            second = await k.invoke(spec)
            seen = body(second)
            assert seen["early response"] == 400
            assert seen["unknown path"] == 404
            assert seen["bad sleep"] == 400
            status, headers = seen["next"]
            assert status == 200
            assert headers["Lambda-Runtime-Aws-Request-Id"] == "req-1"
            assert headers["Lambda-Runtime-Invoked-Function-Arn"] == spec.function_arn + ":live"
            assert headers["Lambda-Runtime-Trace-Id"].startswith("Root=1-5bef4de7")
            assert json.loads(headers["Lambda-Runtime-Client-Context"]) == {"custom": {"a": 1}}
            assert headers["Lambda-Runtime-Cognito-Identity"] == '{"cognitoIdentityId": "x"}'
            deadline_ms = int(headers["Lambda-Runtime-Deadline-Ms"])
            assert deadline_ms == int((first.started_at + 9) * 1000)
            assert seen["wrong id"] == 400
            assert seen["init error late"] == 403
            assert seen["continue"] == "HTTP/1.1 100 "
            assert seen["accepted"] == "HTTP/1.1 202 "
            assert seen["answered twice"] == 403

            third = await k.invoke(spec)
            assert third.kind == "error" and third.error_type == "Custom.Failure"
            assert body(third) == {"errorMessage": "not json", "errorType": "Custom.Failure"}

    run(main)
