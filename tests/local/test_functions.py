"""Functions and workers without moto, as ``slam serve`` runs them on an unpacked package."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from slam.local import functions as functions_module
from slam.local.functions import Functions, FunctionVersion

from .conftest import process_running
from .probe import PROBE

RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.fixture
def functions() -> Iterator[Functions]:
    pool = Functions()
    yield pool
    pool.shutdown()


def version_of(code_dir: Path, handler: str = "app.handler", timeout: int = 10) -> FunctionVersion:
    return FunctionVersion(
        account="123456789012",
        region="eu-west-1",
        name="local",
        version="$LATEST",
        runtime=RUNTIME,
        handler=handler,
        timeout=timeout,
        memory=128,
        environment=(("GREETING", "hello"),),
        code_dir=str(code_dir),
    )


def code(tmp_path: Path, source: str, name: str = "app.py") -> Path:
    folder = tmp_path / "code"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(source))
    return folder


ARN = "arn:aws:lambda:eu-west-1:123456789012:function:local"


def test_an_unpacked_package_runs_without_an_aws(functions: Functions, tmp_path: Path):
    version = version_of(code(tmp_path, PROBE))
    invocation = functions.invoke(version, b'{"action": "print", "text": "hi"}', ARN)
    answer = json.loads(invocation.payload)
    assert (invocation.status, invocation.function_error) == ("success", False)
    assert "AWS_ENDPOINT_URL" not in answer["environment"]  # no server to call back
    assert answer["environment"]["GREETING"] == "hello"
    assert [entry.message for entry in invocation.logs][:3] == [
        f"init in {answer['pid']}\n",
        f"START RequestId: {invocation.request_id} Version: $LATEST\n",
        "hi\n",
    ]
    assert functions.worker_pids() == [answer["pid"]]
    functions.retire("123456789012", "eu-west-1", "local")
    assert functions.worker_pids() == []
    assert not process_running(answer["pid"])


def test_a_background_invocation_gives_a_future(functions: Functions, tmp_path: Path):
    version = version_of(code(tmp_path, PROBE))
    future = functions.submit(version, b"{}", ARN, {"custom": {"user": "me"}})
    assert json.loads(future.result(timeout=60).payload)["calls"] == 1


def test_the_client_context_and_decimals_reach_the_handler(functions: Functions, tmp_path: Path):
    source = """
        import decimal

        def handler(event, context):
            return {"custom": context.client_context.custom, "price": decimal.Decimal("1.5")}
    """
    version = version_of(code(tmp_path, source))
    invocation = functions.invoke(version, b"{}", ARN, {"custom": {"user": "me"}})
    assert json.loads(invocation.payload) == {"custom": {"user": "me"}, "price": 1.5}


def test_an_event_that_is_not_json_is_the_runtimes_unmarshal_error(
    functions: Functions, tmp_path: Path
):
    invocation = functions.invoke(version_of(code(tmp_path, PROBE)), b"{nope", ARN)
    error = json.loads(invocation.payload)
    assert error["errorType"] == "Runtime.UnmarshalError"
    assert error["errorMessage"].startswith("Unable to unmarshal input: ")


@pytest.mark.parametrize(
    ("source", "handler", "error_type", "message", "frames"),
    [
        (
            "def handler(:\n",
            "app.handler",
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'app': invalid syntax (app.py, line 1)",
            1,
        ),
        (
            "",
            "app",
            "Runtime.MalformedHandlerName",
            "Bad handler 'app': not enough values to unpack (expected 2, got 1)",
            0,
        ),
        (
            "",
            "sys.handler",
            "Runtime.BuiltInModuleConflict",
            "Cannot use built-in module sys as a handler module",
            0,
        ),
        (
            "raise RuntimeError('no configuration')\n",
            "app.handler",
            "RuntimeError",
            "no configuration",
            4,
        ),
    ],
)
def test_init_errors_as_lambdas_runtime_reports_them(
    functions: Functions,
    tmp_path: Path,
    source: str,
    handler: str,
    error_type: str,
    message: str,
    frames: int,
):
    invocation = functions.invoke(version_of(code(tmp_path, source), handler), b"{}", ARN)
    error = json.loads(invocation.payload)
    assert (error["errorType"], error["errorMessage"], error["requestId"]) == (
        error_type,
        message,
        "",
    )
    assert len(error["stackTrace"]) >= frames and bool(error["stackTrace"]) == bool(frames)
    assert invocation.function_error


def test_a_worker_that_exits_during_init(functions: Functions, tmp_path: Path):
    version = version_of(code(tmp_path, "import os\nos._exit(2)\n"))
    invocation = functions.invoke(version, b"{}", ARN)
    error = json.loads(invocation.payload)
    assert error == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {invocation.request_id} Error: Runtime exited with error:"
        " exit status 2",
    }
    init_report = invocation.logs[0].message
    assert init_report.endswith("\tPhase: init\tStatus: error\tError Type: Runtime.ExitError\n")


def test_an_init_past_its_time_is_a_timeout(
    functions: Functions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(functions_module, "INIT_SECONDS", 0)
    version = version_of(code(tmp_path, "import time\ntime.sleep(30)\n"), timeout=1)
    invocation = functions.invoke(version, b"{}", ARN)
    assert invocation.status == "timeout"
    assert json.loads(invocation.payload)["errorType"] == "Sandbox.Timedout"
    assert invocation.logs[-1].message.endswith("\tStatus: timeout\n")
    assert "\tPhase: init\tStatus: timeout\n" in invocation.logs[0].message


def test_shutdown_kills_busy_workers_too(functions: Functions, tmp_path: Path):
    source = """
        import os
        import pathlib
        import time

        def handler(event, context):
            pathlib.Path(event["started"]).write_text(str(os.getpid()))
            time.sleep(60)
    """
    started = tmp_path / "started"
    version = version_of(code(tmp_path, source))
    busy = functions.submit(version, json.dumps({"started": str(started)}).encode(), ARN)
    deadline = time.monotonic() + 60  # a bound for a loaded machine, not a timing check
    while not started.exists() or not started.read_text():
        assert time.monotonic() < deadline, "the invocation did not start"
        time.sleep(0.01)
    functions.shutdown()
    assert busy.result(timeout=60).status == "error"  # its worker was killed
    assert not process_running(int(started.read_text()))
    assert functions.worker_pids() == []
