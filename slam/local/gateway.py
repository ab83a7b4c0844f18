"""API Gateway's REST API Lambda proxy integration, as AWS runs it, in pure functions.

    response = execute(api, stage, request, integrations, execution_log)

:func:`execute` takes an HTTP request to a stage (the values of :mod:`slam.local.restapi`),
finds the resource and method (:func:`match`: literal path parts, then ``{param}``, then
``{proxy+}``), substitutes the stage variables in the ``AWS_PROXY`` integration's URI
(:func:`lambda_arn`), asks whether the function's resource policy lets this API and stage
invoke it, sends the REST v1 proxy event and turns the function's answer into the HTTP
response (:mod:`slam.local.proxy`), with API Gateway's errors: 403 ``Missing
Authentication Token``, 500 for a configuration error (a missing permission, an event
over Lambda's 6 MB request limit), 502 for a function error or a malformed answer, 504
past the integration's ``timeoutInMillis``.

The Lambda side is an :class:`Integrations` object, so the same code serves the local
AWS (moto's functions) and ``slam serve``. Nothing here imports moto or boto3.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import unquote

from .functions import REQUEST_LIMIT
from .gateway_logs import ExecutionLog
from .proxy import MalformedResponse, proxy_event, proxy_response
from .restapi import HttpRequest, HttpResponse, LambdaReply, Resource, RestApi, Route, Stage

_LAMBDA_URI = re.compile(
    r"^arn:[\w-]+:apigateway:[\w-]+:lambda:path/[\w-]+/functions/(.+)/invocations$"
)
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


class IntegrationError(Exception):
    """The integration cannot reach its function (a configuration error: 500)."""


class Integrations(Protocol):
    """The Lambda side of the gateway."""

    def permitted(self, function_arn: str, source_arn: str) -> bool:
        """Whether the function's resource policy lets API Gateway invoke it from there."""

    def invoke(self, function_arn: str, event: bytes, wait: float) -> LambdaReply | None:
        """Invoke the function; None if no answer came within ``wait`` seconds.

        Raises IntegrationError when there is no such function.
        """


def _error(status: int, body: str, error_type: str | None = None) -> HttpResponse:
    headers = [("Content-Type", "application/json")]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    return HttpResponse(status, tuple(headers), body.encode())


MISSING_AUTHENTICATION_TOKEN = _error(
    403, '{"message":"Missing Authentication Token"}', "MissingAuthenticationTokenException"
)
INTERNAL_SERVER_ERROR = _error(
    500, '{"message": "Internal server error"}', "InternalServerErrorException"
)
BAD_GATEWAY = _error(502, '{"message": "Internal server error"}', "InternalServerErrorException")
GATEWAY_TIMEOUT = _error(504, '{"message": "Endpoint request timed out"}')


def match(api: RestApi, method: str, path: str) -> Route | None:
    """The route of a request, as API Gateway chooses it; None when no method matches."""
    segments = [unquote(part) for part in path.split("/") if part]
    best: tuple[tuple[int, ...], Resource, dict[str, str]] | None = None
    for resource in api.resources:
        found = _match_path(resource.path, segments)
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], resource, found[1])
    if best is None:
        return None
    _, resource, parameters = best
    for key in (method, "ANY"):
        if key in resource.methods:
            return Route(resource, key, resource.methods[key], parameters or None)
    return None


def _match_path(
    template: str, segments: list[str]
) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """How well a resource path matches: a rank (literal > {param} > {proxy+}) and parameters."""
    parts = [part for part in template.split("/") if part]
    rank: list[int] = []
    parameters: dict[str, str] = {}
    for index, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            if index != len(parts) - 1 or index >= len(segments):
                return None
            parameters[part[1:-2]] = "/".join(segments[index:])
            return (*rank, 0), parameters
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            parameters[part[1:-1]] = segments[index]
            rank.append(1)
        elif part == segments[index]:
            rank.append(2)
        else:
            return None
    if len(parts) != len(segments):
        return None
    return (*rank, 3), parameters


def lambda_arn(uri: str, variables: Mapping[str, str]) -> str | None:
    """The function ARN of an ``AWS_PROXY`` integration URI, stage variables substituted."""
    resolved = _STAGE_VARIABLE.sub(lambda found: variables.get(found.group(1), ""), uri)
    found = _LAMBDA_URI.match(resolved)
    if found is None:
        return None
    arn = unquote(found.group(1))
    return None if arn.endswith(":") else arn


def source_arn(api: RestApi, stage: str, request: HttpRequest) -> str:
    """The ARN API Gateway presents as ``AWS:SourceArn`` when it invokes the function."""
    where = f"{api.id}/{stage}/{request.method}{request.path}"
    return f"arn:aws:execute-api:{api.region}:{api.account}:{where}"


def execute(
    api: RestApi,
    stage: Stage,
    request: HttpRequest,
    integrations: Integrations,
    execution_log: ExecutionLog,
) -> HttpResponse:
    """Serve one request to a stage, as API Gateway does; ``execution_log`` gets its log."""
    route = match(api, request.method, request.path)
    if route is None:
        response = MISSING_AUTHENTICATION_TOKEN
    else:
        execution_log.configure(*stage.logging(route.resource.path, route.method))
        execution_log.start(request, route.path_parameters)
        response = _integrate(api, stage, route, request, integrations, execution_log)
        execution_log.completed(response)
    request_id = ("x-amzn-RequestId", execution_log.request_id)
    return HttpResponse(response.status, (*response.headers, request_id), response.body)


def _integrate(
    api: RestApi,
    stage: Stage,
    route: Route,
    request: HttpRequest,
    integrations: Integrations,
    execution_log: ExecutionLog,
) -> HttpResponse:
    integration = route.integration
    arn = (
        lambda_arn(integration.uri, stage.variables)
        if integration and integration.type == "AWS_PROXY"
        else None
    )
    if integration is None or arn is None:
        execution_log.error("Execution failed due to configuration error: Invalid endpoint address")
        return INTERNAL_SERVER_ERROR
    if not integrations.permitted(arn, source_arn(api, stage.name, request)):
        execution_log.error(
            "Execution failed due to configuration error: Invalid permissions on Lambda function"
        )
        return INTERNAL_SERVER_ERROR
    event = json.dumps(proxy_event(api, stage, route, request, execution_log.request_id)).encode()
    execution_log.sending(arn, event)
    if len(event) > REQUEST_LIMIT:  # Lambda refuses it (413), and API Gateway answers 500
        execution_log.error(
            "Execution failed due to configuration error: "
            "Lambda invocation failed with status: 413 (the event is over Lambda's 6 MB)"
        )
        return INTERNAL_SERVER_ERROR
    started = time.perf_counter()
    try:
        reply = integrations.invoke(arn, event, integration.timeout_ms / 1000)
    except IntegrationError as error:
        execution_log.error(f"Execution failed due to configuration error: {error}")
        return INTERNAL_SERVER_ERROR
    if reply is None:
        execution_log.error("Execution failed due to a timeout error")
        return GATEWAY_TIMEOUT
    execution_log.received(reply, (time.perf_counter() - started) * 1000)
    if reply.function_error:
        execution_log.function_error(reply)
        return BAD_GATEWAY
    try:
        return proxy_response(reply.payload, api, request)
    except MalformedResponse:
        execution_log.error(
            "Execution failed due to configuration error: Malformed Lambda proxy response"
        )
        return BAD_GATEWAY
