"""The Lambda proxy integration's formats: the REST API (v1) event and the answer to it.

:func:`proxy_event` builds the event API Gateway sends a function for a request;
:func:`proxy_response` turns the function's answer into the HTTP response, or raises
:class:`MalformedResponse` when it is not a proxy response (API Gateway answers 502).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

from .restapi import HttpRequest, HttpResponse, RestApi, Route, Stage

_PROXY_KEYS = frozenset(("statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"))


class MalformedResponse(ValueError):
    """The function's answer is not a Lambda proxy response."""


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
    headers = _passed_on(_merged_headers(answer.get("headers"), answer.get("multiValueHeaders")))
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


def _passed_on(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The function's headers as API Gateway passes them on: some renamed, some dropped.

    As AWS's "important notes for REST APIs" list them: the client gets
    ``x-amzn-Remapped-WWW-Authenticate`` instead of ``WWW-Authenticate``, for example.
    """
    passed = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in _REMAPPED:
            passed.append((f"x-amzn-Remapped-{name}", value))
        elif lowered not in _DROPPED:
            passed.append((name, value))
    return passed


_REMAPPED = frozenset(
    (
        "authorization",
        "connection",
        "content-length",
        "content-md5",
        "date",
        "max-forwards",
        "server",
        "user-agent",
        "www-authenticate",
    )
)
_DROPPED = frozenset(
    ("expect", "host", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade")
)


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
