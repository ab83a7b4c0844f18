"""The gateway's pure functions: routes, integration URIs, resource policies, proxy answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from slam.local import gateway, restapi
from slam.local.gateway_logs import ExecutionLog
from slam.local.restapi import (
    Integration,
    LambdaReply,
    Resource,
    RestApi,
    Stage,
)

from .rest_apis import FUNCTION, LAMBDA, api_of, request


@pytest.mark.parametrize(
    ("path", "resource", "parameters"),
    [
        ("/", "/", None),
        ("/tasks", "/tasks", None),  # a literal part beats {id} and {proxy+}
        ("/tasks/42", "/tasks/{id}", {"id": "42"}),  # {id} beats {proxy+}
        ("/tasks/42/notes", "/{proxy+}", {"proxy": "tasks/42/notes"}),
        ("/other%20thing", "/{proxy+}", {"proxy": "other thing"}),
    ],
)
def test_a_request_reaches_the_most_specific_resource(
    path: str, resource: str, parameters: dict[str, str] | None
):
    api = api_of("/", "/{proxy+}", "/tasks", "/tasks/{id}")
    route = gateway.match(api, "GET", path)
    assert route is not None
    assert (route.resource.path, route.path_parameters) == (resource, parameters)


def test_no_route_without_a_resource_or_a_method():
    api = api_of("/tasks", methods=("GET",))
    assert gateway.match(api, "GET", "/") is None  # no root resource
    assert gateway.match(api, "GET", "/tasks/1") is None  # no deeper resource
    assert gateway.match(api, "POST", "/tasks") is None  # no such method
    assert gateway.match(api, "GET", "/tasks").method == "GET"  # type: ignore[union-attr]
    greedy = api_of("/{proxy+}")
    assert gateway.match(greedy, "GET", "/") is None  # {proxy+} needs a part


def test_the_integration_uri_names_the_stages_alias():
    assert gateway.lambda_arn(LAMBDA.uri, {"STAGE": "dev"}) == f"{FUNCTION}:dev"
    assert gateway.lambda_arn(LAMBDA.uri, {}) is None  # an empty qualifier
    assert gateway.lambda_arn("https://example.com/", {"STAGE": "dev"}) is None


class Functions:
    """An Integrations of canned replies, for the gateway's own logic."""

    def __init__(
        self, reply: LambdaReply | None = None, allowed: bool = True, missing: bool = False
    ):
        self.reply = reply
        self.allowed = allowed
        self.missing = missing
        self.events: list[dict[str, Any]] = []

    def permitted(self, function_arn: str, source_arn: str) -> bool:
        return self.allowed

    def invoke(self, function_arn: str, event: bytes, wait: float) -> LambdaReply | None:
        if self.missing:
            raise gateway.IntegrationError(f"Function not found: {function_arn}")
        self.events.append(json.loads(event))
        return self.reply


def execute(
    functions: Functions,
    stage: Stage | None = None,
    path: str = "/",
    integration: Integration | None = LAMBDA,
) -> tuple[restapi.HttpResponse, list[str]]:
    api = RestApi(
        "abc123",
        "123456789012",
        "us-east-1",
        (
            Resource("r", "/{proxy+}", {"ANY": integration}),
            Resource("root", "/", {"ANY": integration}),
        ),
    )
    log = ExecutionLog("req-1")
    stage = stage or Stage(
        "dev", {"STAGE": "dev"}, {"*/*": {"loggingLevel": "INFO", "dataTraceEnabled": True}}
    )
    response = gateway.execute(api, stage, request(path), functions, log)
    return response, [entry.message for entry in log.entries]


def proxy_answer(**answer: Any) -> bytes:
    return json.dumps(answer).encode()


CUSTOMER_ERROR = "Lambda execution failed with status 200 due to customer function error"
OK = LambdaReply(proxy_answer(statusCode=200, body="hi"), False, "lambda-1")


def test_an_execution_logs_each_step_at_info_with_data_trace():
    response, lines = execute(Functions(OK), path="/tasks")
    assert response.status == 200 and ("x-amzn-RequestId", "req-1") in response.headers
    assert lines[:5] == [
        "(req-1) Extended Request Id: req-1",
        "(req-1) Starting execution for request: req-1",
        "(req-1) HTTP Method: GET, Resource Path: /tasks",
        "(req-1) Method request path: {proxy=tasks}",
        "(req-1) Method request query string: {}",
    ]
    assert (
        f"(req-1) Sending request to https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/{FUNCTION}:dev/invocations"
        in lines
    )
    assert any(
        line.startswith("(req-1) Endpoint request body after transformations: {") for line in lines
    )
    assert lines[-2:] == [
        "(req-1) Successfully completed execution",
        "(req-1) Method completed with status: 200",
    ]


def test_data_traces_are_cut_at_1_kb():
    reply = LambdaReply(proxy_answer(statusCode=200, body="x" * 5000), False)
    _, lines = execute(Functions(reply))
    (body,) = [line for line in lines if "Method response body after transformations" in line]
    assert body.endswith("x [TRUNCATED]")


@pytest.mark.parametrize(
    ("functions", "integration", "status", "error"),
    [
        (
            Functions(OK, allowed=False),
            LAMBDA,
            500,
            "Execution failed due to configuration error: Invalid permissions on Lambda function",
        ),
        (
            Functions(missing=True),
            LAMBDA,
            500,
            f"Execution failed due to configuration error: Function not found: {FUNCTION}:dev",
        ),
        (Functions(None), LAMBDA, 504, "Execution failed due to a timeout error"),
        (
            Functions(OK),
            Integration("HTTP_PROXY", "https://example.com/"),
            500,
            "Execution failed due to configuration error: Invalid endpoint address",
        ),
        (
            Functions(OK),
            None,
            500,
            "Execution failed due to configuration error: Invalid endpoint address",
        ),
        (
            Functions(LambdaReply(b'{"errorMessage": "boom"}', True, "l-2")),
            LAMBDA,
            502,
            f"{CUSTOMER_ERROR}: boom. Lambda request id: l-2",
        ),
        (
            Functions(LambdaReply(b"not json", True, "l-3")),
            LAMBDA,
            502,
            f"{CUSTOMER_ERROR}: not json. Lambda request id: l-3",
        ),
        (
            Functions(LambdaReply(b"[]", False)),
            LAMBDA,
            502,
            "Execution failed due to configuration error: Malformed Lambda proxy response",
        ),
    ],
)
def test_a_failure_logs_its_error_at_the_error_level(
    functions: Functions, integration: Integration | None, status: int, error: str
):
    stage = Stage("dev", {"STAGE": "dev"}, {"~1{proxy+}/ANY": {"loggingLevel": "ERROR"}})
    response, lines = execute(functions, stage, "/x", integration)
    assert response.status == status
    assert lines == [f"(req-1) {error}", f"(req-1) Method completed with status: {status}"]


def test_a_stage_without_logging_logs_nothing():
    response, lines = execute(Functions(OK), Stage("dev", {"STAGE": "dev"}))
    assert (response.status, lines) == (200, [])
