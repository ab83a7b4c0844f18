"""slam serve's Lambda side, in process: the gateway's timeout, workers lost and replaced,
functions that are not the project's, and a stop that leaves no worker."""

from __future__ import annotations

import io
import json
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from slam.local import gateway
from slam.local.console import Console
from slam.local.functions import Functions, FunctionVersion
from slam.local.gateway_logs import ExecutionLog
from slam.local.restapi import HttpRequest, HttpResponse, Integration, Resource, RestApi, Stage
from slam.local.serve import Invocations, StageIntegrations, split_stage

from .served import process_running

pytestmark = pytest.mark.slow  # worker processes

RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:tasks-api"
APP = """
import os, time

def handler(event, context):
    path = event["path"]
    if path == "/slow":
        print("slow, but done")
        time.sleep(1.5)
    if path == "/exit":
        os._exit(3)
    return {"statusCode": 200, "body": str(os.getpid())}
"""


@pytest.fixture
def functions() -> Iterator[Functions]:
    pool = Functions()
    yield pool
    pool.shutdown()


@pytest.fixture
def function(tmp_path: Path) -> FunctionVersion:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    return FunctionVersion(
        "123456789012", "us-east-1", "tasks-api", "$LATEST", RUNTIME, "app.handler", 10, 128, (),
        str(tmp_path),
    )  # fmt: skip


def api(function_arn: str = ARN, timeout_ms: int = 29_000) -> RestApi:
    uri = (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        f"{function_arn}:${{stageVariables.STAGE}}/invocations"
    )
    integration = Integration("AWS_PROXY", uri, timeout_ms)
    resources = (Resource("r", "/{proxy+}", {"ANY": integration}),)
    return RestApi("a1b2c3d4e5", "123456789012", "us-east-1", resources)


def get(rest_api: RestApi, integrations: StageIntegrations, path: str) -> HttpResponse:
    request = HttpRequest("GET", path, "", (), b"", "127.0.0.1")
    stage = Stage("dev", {"STAGE": "dev"})
    return gateway.execute(rest_api, stage, request, integrations, ExecutionLog("req"))


def test_past_the_integrations_timeout_the_gateway_answers_504_and_the_output_follows(
    functions: Functions, function: FunctionVersion
):
    out = io.StringIO()
    integrations = StageIntegrations(function, Invocations(functions, Console(out)))

    response = get(api(timeout_ms=300), integrations, "/slow")

    assert (response.status, response.body) == (504, b'{"message": "Endpoint request timed out"}')
    deadline = time.monotonic() + 30
    while "slow, but done" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "slow, but done\n" in out.getvalue()  # the invocation ran on, as on AWS


def test_a_worker_that_exits_is_a_502_and_is_replaced_before_the_next_request(
    functions: Functions, function: FunctionVersion
):
    out = io.StringIO()
    integrations = StageIntegrations(function, Invocations(functions, Console(out)))
    first = int(get(api(), integrations, "/pid").body)

    lost = get(api(), integrations, "/exit")

    assert (lost.status, lost.body) == (502, b'{"message": "Internal server error"}')
    assert "Runtime exited with error: exit status 3" in out.getvalue()
    deadline = time.monotonic() + 30
    while not functions.worker_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert functions.worker_pids() != []  # started with no request waiting for it
    assert not process_running(first)
    assert int(get(api(), integrations, "/pid").body) != first


def test_a_function_other_than_the_projects_is_a_configuration_error(
    functions: Functions, function: FunctionVersion
):
    integrations = StageIntegrations(function, Invocations(functions, Console(io.StringIO())))
    other = "arn:aws:lambda:us-east-1:123456789012:function:another"

    response = get(api(other), integrations, "/pid")

    assert (response.status, json.loads(response.body)) == (
        500,
        {"message": "Internal server error"},
    )
    assert functions.worker_pids() == []


def test_once_closed_no_invocation_starts_and_no_worker_is_left(
    functions: Functions, function: FunctionVersion
):
    invocations = Invocations(functions, Console(io.StringIO()))
    integrations = StageIntegrations(function, invocations)
    pid = int(get(api(), integrations, "/pid").body)

    invocations.close()

    assert not process_running(pid)
    assert get(api(), integrations, "/pid").status == 500
    assert functions.worker_pids() == []


@pytest.mark.parametrize(
    ("target", "place"),
    [
        ("/dev/tasks?page=2", ("dev", "/tasks", "page=2")),
        ("/dev", ("dev", "/", "")),
        ("/dev/", ("dev", "/", "")),
        ("/", ("", "/", "")),
        ("/prod/a%20b/c/", ("prod", "/a%20b/c/", "")),
    ],
)
def test_a_request_target_names_its_stage_its_path_and_its_query(
    target: str, place: tuple[str, str, str]
):
    assert split_stage(target) == place
