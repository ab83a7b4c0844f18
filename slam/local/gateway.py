"""API Gateway's REST API Lambda proxy integration, as AWS runs it, in pure functions.

    response = execute(api, stage, request, integrations, execution_log)

:func:`execute` takes an HTTP request to a stage (:class:`HttpRequest`, built from a WSGI
environ by :func:`request_from_environ`), finds the resource and method
(:func:`match`: literal path parts, then ``{param}``, then ``{proxy+}``), substitutes the
stage variables in the ``AWS_PROXY`` integration's URI (:func:`lambda_arn`), asks whether
the function's resource policy lets this API and stage invoke it, sends the REST v1 proxy
event (:func:`proxy_event`) and turns the function's answer into the HTTP response
(:func:`proxy_response`), with API Gateway's errors: 403 ``Missing Authentication
Token``, 500 for a configuration error (a missing permission), 502 for a function error
or a malformed answer, 504 past the integration's ``timeoutInMillis``.

The Lambda side is an :class:`Integrations` object, so the same code serves the local
AWS (moto's functions) and ``slam serve``. Nothing here imports moto or boto3.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote

from .gateway_logs import ExecutionLog

#: API Gateway's default and maximum integration timeout, in milliseconds.
DEFAULT_TIMEOUT_MS = 29_000
_PROXY_KEYS = frozenset(("statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"))
_LAMBDA_URI = re.compile(
    r"^arn:[\w-]+:apigateway:[\w-]+:lambda:path/[\w-]+/functions/(.+)/invocations$"
)
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")


@dataclass(frozen=True)
class HttpRequest:
    """A request to a stage: ``path`` is percent-encoded, as sent, without the stage."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        """The last value of a header, whatever the case of its name."""
        lowered = name.lower()
        values = [value for key, value in self.headers if key.lower() == lowered]
        return values[-1] if values else None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Integration:
    type: str  # "AWS_PROXY", "HTTP", "MOCK"...
    uri: str
    timeout_ms: int = DEFAULT_TIMEOUT_MS


@dataclass(frozen=True)
class Resource:
    """A resource of the API: its ID, path (``/tasks/{id}``) and methods' integrations."""

    id: str
    path: str
    methods: Mapping[str, Integration | None]


@dataclass(frozen=True)
class RestApi:
    id: str
    account: str
    region: str
    resources: tuple[Resource, ...]
    binary_media_types: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        return f"{self.id}.execute-api.{self.region}.amazonaws.com"


@dataclass(frozen=True)
class Stage:
    """A deployed stage: its variables and method settings (``"*/*"``: every method)."""

    name: str
    variables: Mapping[str, str] = field(default_factory=dict)
    method_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def logging(self, resource_path: str, method: str) -> tuple[str, bool]:
        """The logging level (OFF, ERROR or INFO) and data trace for one method."""
        escaped = resource_path.replace("/", "~1")
        for key in (f"{escaped}/{method}", "*/*"):
            settings = self.method_settings.get(key)
            if settings is not None:
                level = str(settings.get("loggingLevel") or "OFF").upper()
                return level, bool(settings.get("dataTraceEnabled"))
        return "OFF", False


@dataclass(frozen=True)
class Route:
    """The resource and method a request reaches, with its path parameters."""

    resource: Resource
    method: str  # the method's key: "GET", or "ANY"
    integration: Integration | None
    path_parameters: Mapping[str, str] | None


@dataclass(frozen=True)
class LambdaReply:
    payload: bytes
    function_error: bool
    request_id: str = ""


class IntegrationError(Exception):
    """The integration cannot reach its function (a configuration error: 500)."""


class MalformedResponse(ValueError):
    """The function's answer is not a Lambda proxy response."""


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


def request_from_environ(
    environ: Mapping[str, Any], path: str, headers: Sequence[tuple[str, str]] | None = None
) -> HttpRequest:
    """The request a WSGI environ holds; ``path`` is its path within the stage, encoded.

    ``headers`` are the headers as sent, when the server kept them; otherwise they are
    rebuilt from the environ's ``HTTP_*`` keys.
    """
    if headers is None:
        headers = list(_environ_headers(environ))
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    return HttpRequest(
        method=environ.get("REQUEST_METHOD", "GET"),
        path=path or "/",
        query=environ.get("QUERY_STRING", ""),
        headers=tuple(headers),
        body=body,
        source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        protocol=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
    )


def _environ_headers(environ: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            yield key.replace("_", "-").title(), environ[key]
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            yield key[5:].replace("_", "-").title(), value


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


def _media_type(value: str | None) -> str:
    return (value or "").partition(";")[0].strip().lower()


def _media_matches(pattern: str, media_type: str) -> bool:
    kind, _, subtype = pattern.lower().partition("/")
    other_kind, _, other_subtype = media_type.partition("/")
    return kind in ("*", other_kind) and subtype in ("*", other_subtype)


def is_binary(media_type: str | None, binary_media_types: Iterable[str]) -> bool:
    """Whether a media type is one of the API's binary media types (wildcards allowed)."""
    wanted = _media_type(media_type)
    return any(_media_matches(pattern, wanted) for pattern in binary_media_types)


def proxy_event(
    api: RestApi, stage: Stage, route: Route, request: HttpRequest, request_id: str
) -> dict[str, Any]:
    """The REST API (v1) proxy event API Gateway sends for a request."""
    headers = _forwarded_headers(api, request)
    single = {name: value for name, value in headers}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        multi.setdefault(name, []).append(value)
    query = parse_qsl(request.query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)
    body: str | None = None
    binary = False
    if request.body:
        binary = is_binary(request.header("Content-Type"), api.binary_media_types)
        body = (
            base64.b64encode(request.body).decode()
            if binary
            else request.body.decode("utf-8", "replace")
        )
    return {
        "resource": route.resource.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": dict(query) or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(route.path_parameters) if route.path_parameters else None,
        "stageVariables": dict(stage.variables) or None,
        "requestContext": _request_context(api, stage, route, request, request_id),
        "body": body,
        "isBase64Encoded": binary,
    }


def _forwarded_headers(api: RestApi, request: HttpRequest) -> list[tuple[str, str]]:
    """The client's headers as API Gateway passes them on: its own host and forwarding headers."""
    forwarded_for = request.header("X-Forwarded-For")
    replaced = {
        "host",
        "x-forwarded-for",
        "x-forwarded-port",
        "x-forwarded-proto",
        "x-amzn-trace-id",
    }
    headers = [(name, value) for name, value in request.headers if name.lower() not in replaced]
    trace = f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"
    return [
        ("Host", api.domain),
        *headers,
        ("X-Amzn-Trace-Id", trace),
        (
            "X-Forwarded-For",
            f"{forwarded_for}, {request.source_ip}" if forwarded_for else request.source_ip,
        ),
        ("X-Forwarded-Port", "443"),
        ("X-Forwarded-Proto", "https"),
    ]


def _request_context(
    api: RestApi, stage: Stage, route: Route, request: HttpRequest, request_id: str
) -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    return {
        "accountId": api.account,
        "apiId": api.id,
        "domainName": api.domain,
        "domainPrefix": api.id,
        "extendedRequestId": base64.b64encode(secrets.token_bytes(12)).decode()[:15] + "=",
        "httpMethod": request.method,
        "identity": {
            "accessKey": None,
            "accountId": None,
            "caller": None,
            "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
            "principalOrgId": None,
            "sourceIp": request.source_ip,
            "user": None,
            "userAgent": request.header("User-Agent"),
            "userArn": None,
        },
        "path": f"/{stage.name}{request.path}",
        "protocol": request.protocol,
        "requestId": request_id,
        "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "requestTimeEpoch": int(now.timestamp() * 1000),
        "resourceId": route.resource.id,
        "resourcePath": route.resource.path,
        "stage": stage.name,
    }


def proxy_response(payload: bytes, api: RestApi, request: HttpRequest) -> HttpResponse:
    """The HTTP response of a Lambda proxy answer; MalformedResponse when it is not one."""
    try:
        answer = json.loads(payload)
    except ValueError:
        raise MalformedResponse("the answer is not JSON") from None
    if not isinstance(answer, dict) or not set(answer) <= _PROXY_KEYS:
        raise MalformedResponse("the answer is not an object of the proxy response's keys")
    status = _status(answer.get("statusCode"))
    headers = _merged_headers(answer.get("headers"), answer.get("multiValueHeaders"))
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    body = answer.get("body")
    if body is None:
        body = ""
    if not isinstance(body, str) or not isinstance(answer.get("isBase64Encoded", False), bool):
        raise MalformedResponse("body must be a string, isBase64Encoded a boolean")
    data = body.encode()
    if answer.get("isBase64Encoded") and _binary_accepted(request, api):
        try:
            data = base64.b64decode(body, validate=True)
        except ValueError:
            raise MalformedResponse("the body is not base64") from None
    return HttpResponse(status, tuple(headers), data)


def _status(value: Any) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
        raise MalformedResponse("statusCode must be an HTTP status")
    return value


def _merged_headers(single: Any, multi: Any) -> list[tuple[str, str]]:
    """headers and multiValueHeaders as one list; a pair given in both appears once."""
    if not isinstance(single or {}, dict) or not isinstance(multi or {}, dict):
        raise MalformedResponse("headers must be objects")
    pairs: list[tuple[str, str]] = []
    for name, values in (multi or {}).items():
        if not isinstance(values, list):
            raise MalformedResponse("multiValueHeaders must hold lists")
        pairs.extend((name, _header_value(value)) for value in values)
    seen = {(name.lower(), value) for name, value in pairs}
    for name, value in (single or {}).items():
        text = _header_value(value)
        if (name.lower(), text) not in seen:
            pairs.append((name, text))
    return pairs


def _header_value(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MalformedResponse("header values must be strings")
    return str(value)


def _binary_accepted(request: HttpRequest, api: RestApi) -> bool:
    """Whether API Gateway turns a base64 body into bytes: the Accept type is binary for the API."""
    accepted = [_media_type(part) for part in (request.header("Accept") or "*/*").split(",")]
    return any(
        _media_matches(pattern, media) or _media_matches(media, pattern.lower())
        for pattern in api.binary_media_types
        for media in accepted[:1]
    )


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
