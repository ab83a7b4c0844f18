"""What the local AWS and ``slam serve`` share: Lambda's request limit at the gateway, the
gateway's wait for an invocation, a worker started ahead of its invocations, and listening."""

from __future__ import annotations

import json
import socket
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from slam.errors import SlamError
from slam.local import gateway
from slam.local.functions import (
    REQUEST_LIMIT,
    Functions,
    FunctionVersion,
    Invocation,
    reply_within,
)
from slam.local.gateway_logs import ExecutionLog
from slam.local.restapi import HttpRequest, Integration, LambdaReply, Resource, RestApi, Stage
from slam.local.server import listen

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:tasks"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}:dev/invocations"
API = RestApi(
    "abc123",
    "123456789012",
    "us-east-1",
    (Resource("r", "/", {"ANY": Integration("AWS_PROXY", URI)}),),
)
STAGE = Stage("dev", {}, {"*/*": {"loggingLevel": "ERROR"}})
RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"


class Recorder:
    """Integrations that answer 200 and keep the events they got."""

    def __init__(self) -> None:
        self.events: list[bytes] = []

    def permitted(self, function_arn: str, source_arn: str) -> bool:
        return True

    def invoke(self, function_arn: str, event: bytes, wait: float) -> LambdaReply | None:
        self.events.append(event)
        return LambdaReply(b'{"statusCode": 200, "body": "ok"}', False)


def post(body: bytes) -> tuple[int, bytes, list[str], Recorder]:
    recorder = Recorder()
    log = ExecutionLog("req-1")
    request = HttpRequest("POST", "/", "", (("Content-Type", "text/plain"),), body, "203.0.113.7")
    response = gateway.execute(API, STAGE, request, recorder, log)
    return response.status, response.body, [entry.message for entry in log.entries], recorder


def test_an_event_over_lambdas_request_limit_is_answered_500_without_invoking():
    # the event wraps the body in JSON: a body a little under 6 MB is over the limit
    status, body, log, recorder = post(b"x" * (REQUEST_LIMIT - 100))

    assert (status, json.loads(body)) == (500, {"message": "Internal server error"})
    assert recorder.events == []
    assert log == [
        "(req-1) Execution failed due to configuration error: Lambda invocation failed with "
        "status: 413 (the event is over Lambda's 6 MB)",
        "(req-1) Method completed with status: 500",
    ]


def test_an_event_within_the_limit_reaches_the_function():
    status, body, _, recorder = post(b"x" * (REQUEST_LIMIT - 10_000))

    assert (status, body) == (200, b"ok")
    assert REQUEST_LIMIT - 10_000 < len(recorder.events[0]) <= REQUEST_LIMIT


def test_the_gateway_stops_waiting_for_a_late_invocation():
    late: Future[Invocation] = Future()
    assert reply_within(late, 0.01) is None


@pytest.fixture
def functions() -> Iterator[Functions]:
    pool = Functions()
    yield pool
    pool.shutdown()


def version(tmp_path: Path, source: str) -> FunctionVersion:
    folder = tmp_path / "code"
    folder.mkdir()
    (folder / "app.py").write_text(textwrap.dedent(source))
    return FunctionVersion(
        "123456789012",
        "us-east-1",
        "tasks",
        "$LATEST",
        RUNTIME,
        "app.handler",
        10,
        128,
        (),
        str(folder),
    )


@pytest.mark.slow
def test_a_warmed_worker_serves_the_next_invocation_with_no_init(
    functions: Functions, tmp_path: Path
):
    function = version(
        tmp_path,
        """
        import os
        print("importing")
        def handler(event, context):
            return os.getpid()
        """,
    )
    ready = functions.warm(function)
    [pid] = functions.worker_pids()

    invocation = functions.invoke(function, b"{}", FUNCTION)

    assert ready.kind == "ready"
    assert [entry.message for entry in ready.logs] == ["importing\n"]
    assert json.loads(invocation.payload) == pid
    assert "Init Duration" not in invocation.logs[-1].message


@pytest.mark.slow
def test_a_worker_whose_init_fails_is_not_kept(functions: Functions, tmp_path: Path):
    function = version(tmp_path, "import missing_module\n")

    failed = functions.warm(function)

    assert failed.kind == "init_error"
    assert failed.message["init_error"]["errorType"] == "Runtime.ImportModuleError"
    assert functions.worker_pids() == []
    invocation = functions.invoke(function, b"{}", FUNCTION)  # the next one meets it too
    assert json.loads(invocation.payload)["errorType"] == "Runtime.ImportModuleError"


def test_listen_gives_a_free_port_and_a_taken_one_is_one_line():
    with listen("127.0.0.1", 0) as listening:
        port = listening.getsockname()[1]
        with pytest.raises(SlamError) as raised:
            listen("127.0.0.1", port)
    assert raised.value.message == f"port {port} on 127.0.0.1 is already in use"
    assert isinstance(listening, socket.socket)


def test_a_port_out_of_range_is_one_line():
    with pytest.raises(SlamError) as raised:
        listen("127.0.0.1", 70000)
    assert raised.value.message.startswith("cannot listen on 127.0.0.1:70000: ")
