"""Runtime basics: cold then warm, one environment per function version, what a handler sees."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from redrive.runtime.environment import State
from tests.runtime.envkit import OWN_RUNTIME, T0, alive, body, kit, run, texts

COUNTER = """
    import os
    count = 0

    def handler(event, context):
        global count
        count += 1
        print("call", count)
        return {"count": count, "pid": os.getpid()}
"""


def test_cold_then_warm_keeps_module_globals(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(COUNTER)
            first = await k.invoke(spec)
            second = await k.invoke(spec)
            assert first.kind == second.kind == "success"
            assert body(first)["count"] == 1
            assert body(second)["count"] == 2  # same process: the module's global survived
            assert body(first)["pid"] == body(second)["pid"]
            assert first.cold and not second.cold
            assert first.init_duration_ms is not None and first.init_duration_ms > 0
            assert second.init_duration_ms is None
            assert first.interpreter.startswith(OWN_RUNTIME + " (")
            assert second.interpreter == ""
            assert first.environment_id == second.environment_id
            assert first.log_stream == second.log_stream
            assert re.fullmatch(r"2023/11/14/\[\$LATEST\][0-9a-f]{32}", first.log_stream)
            assert texts(first) == ["call 1\n"] and texts(second) == ["call 2\n"]
            assert first.started_at >= T0 and first.ended_at >= first.started_at
            assert first.max_memory_used_mb > 0
            envs = k.runtime.environments()
            assert len(envs) == 1 and envs[0].pid == body(first)["pid"]

    run(main)


def test_two_functions_get_their_own_environments(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            one, two = k.function(COUNTER), k.function(COUNTER)
            a, b = await k.invoke(one), await k.invoke(two)
            again = await k.invoke(one)
            assert body(a)["pid"] != body(b)["pid"]
            assert a.log_stream != b.log_stream
            assert body(again) == {"count": 2, "pid": body(a)["pid"]}
            keys = {env.credentials.access_key_id for env in k.runtime.environments()}
            assert len(keys) == 2
            assert all(re.fullmatch(r"ASIA[A-Z0-9]{16}", key) for key in keys)

    run(main)


def test_concurrent_invocations_start_a_second_environment(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import os, time
                def handler(event, context):
                    time.sleep(5)
                    return os.getpid()
                """
            )
            tasks = [k.submit(spec), k.submit(spec)]
            await k.scheduler.run_until(asyncio.gather(*tasks))
            one, two = (task.result() for task in tasks)
            assert one.kind == two.kind == "success"
            assert one.payload != two.payload and one.cold and two.cold
            assert len(k.runtime.environments()) == 2
            # both slept 5 emulated seconds side by side
            assert 5000 <= one.duration_ms < 5500 and 5000 <= two.duration_ms < 5500

    run(main)


def test_handler_sees_the_lambda_environment(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import os
                def handler(event, context):
                    keys = [
                        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "AWS_DEFAULT_REGION",
                        "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
                        "AWS_EXECUTION_ENV", "AWS_LAMBDA_INITIALIZATION_TYPE",
                        "LAMBDA_TASK_ROOT", "_HANDLER", "AWS_LAMBDA_RUNTIME_API", "TZ",
                        "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                        "AWS_SESSION_TOKEN", "MY_SETTING", "REDRIVE_CLOCK_FILE",
                    ]
                    return {
                        "env": {key: os.environ.get(key) for key in keys},
                        "cwd": os.getcwd(),
                        "remaining": context.get_remaining_time_in_millis(),
                        "request_id": context.aws_request_id,
                        "stream": context.log_stream_name,
                        "arn": context.invoked_function_arn,
                    }
                """,
                name="env-fn",
                memory=256,
                timeout=7,
                environment={"MY_SETTING": "yes", "AWS_REGION": "eu-west-1"},
            )
            outcome = await k.invoke(spec)
            got = body(outcome)
            env = got["env"]
            (environment,) = k.runtime.environments()
            assert env["AWS_LAMBDA_FUNCTION_NAME"] == "env-fn"
            assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
            assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
            assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"  # reserved
            assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/env-fn"
            assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == outcome.log_stream == got["stream"]
            assert env["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{OWN_RUNTIME}"
            assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
            assert env["LAMBDA_TASK_ROOT"] == str(spec.code_dir) == got["cwd"]
            assert env["_HANDLER"] == "handler.handler"
            assert env["AWS_LAMBDA_RUNTIME_API"] == environment.runtime_api
            assert env["TZ"] == ":UTC"
            assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
            assert env["AWS_ACCESS_KEY_ID"] == environment.credentials.access_key_id
            assert env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
            assert env["MY_SETTING"] == "yes"
            assert env["REDRIVE_CLOCK_FILE"]
            assert got["request_id"] == outcome.request_id
            assert got["arn"] == spec.function_arn
            # the deadline is start + timeout in emulated time; little time has passed
            assert 6900 <= got["remaining"] <= 7000

    run(main)


def test_handler_exception_is_a_function_error_and_the_environment_stays(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                class CustomException(Exception):
                    pass

                def handler(event, context):
                    if event.get("fail"):
                        raise CustomException("some error occurred")
                    return "ok"
                """
            )
            failed = await k.invoke(spec, {"fail": True})
            assert failed.kind == "error" and failed.error_type == "CustomException"
            error = body(failed)
            assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
            assert error["errorMessage"] == "some error occurred"
            assert error["requestId"] == failed.request_id
            assert any("[ERROR] CustomException: some error occurred\n" in text
                       for text in texts(failed))
            fine = await k.invoke(spec)
            assert fine.kind == "success" and not fine.cold
            assert fine.environment_id == failed.environment_id

    run(main)


def test_output_lines_are_split_stamped_and_attributed(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            spec = k.function(
                """
                import logging, sys, time
                print("at import")
                logging.getLogger().setLevel(logging.INFO)

                def handler(event, context):
                    print("first")
                    sys.stderr.write("to stderr\\n")
                    logging.info("two\\nlines")
                    time.sleep(2)
                    print("after sleep", end="")
                    return None
                """
            )
            outcome = await k.invoke(spec)
            lines = texts(outcome)
            assert lines[0] == "at import\n"
            assert "first\n" in lines and "to stderr\n" in lines
            (record,) = [line for line in lines if line.startswith("[INFO]")]
            assert record.endswith("\ttwo\nlines\n")  # one event, inner newline restored
            assert lines[-1] == "after sleep\n"
            stamps = {line.text: line.timestamp_ms for line in outcome.logs}
            assert stamps["after sleep\n"] - stamps["first\n"] >= 2000
            assert stamps["at import\n"] <= int(outcome.started_at * 1000)
            again = await k.invoke(spec)
            assert texts(again)[0] == "first\n"  # nothing of the first invocation leaks

    run(main)


def test_shutdown_kills_every_worker(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            specs = [k.function(COUNTER) for _ in range(3)]
            outcomes = [await k.invoke(spec) for spec in specs]
            pids = [body(outcome)["pid"] for outcome in outcomes]
            assert all(alive(pid) for pid in pids)
            await k.runtime.shutdown()
            assert not any(alive(pid) for pid in pids)
            assert k.runtime.environments() == []

    run(main)


def test_discarded_environments_are_not_reused(tmp_path: Path) -> None:
    async def main() -> None:
        async with kit(tmp_path) as k:
            source = """
                import os, time
                def handler(event, context):
                    time.sleep(event.get("sleep", 0))
                    return os.getpid()
            """
            spec, other = k.function(source), k.function(source)
            pair = [k.submit(spec, {"sleep": 1}), k.submit(spec, {"sleep": 1})]
            await k.scheduler.run_until(asyncio.gather(*pair))
            pids = {int(body(task.result())) for task in pair}
            kept = int(body(await k.invoke(other)))
            busy = k.submit(spec, {"sleep": 5})  # one of the two is busy while we discard
            await k.until(
                lambda: any(env.state is State.BUSY for env in k.runtime.environments())
            )
            assert k.runtime.discard(spec.function_name) == 2
            await k.scheduler.run_until(busy)
            assert busy.result().kind == "success"  # an invocation in flight finishes
            await k.until(lambda: k.runtime.environments(spec.function_name) == [])
            await k.until(lambda: not any(alive(pid) for pid in pids))
            assert (await k.invoke(spec)).cold
            assert int(body(await k.invoke(other))) == kept

    run(main)
