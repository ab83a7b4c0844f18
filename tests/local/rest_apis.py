"""A REST API and HTTP requests to it, as the gateway's and the proxy's tests build them."""

from __future__ import annotations

from slam.local.restapi import HttpRequest, Integration, Resource, RestApi

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:tasks"
LAMBDA = Integration(
    "AWS_PROXY",
    f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}:${{stageVariables.STAGE}}/invocations",
)


def api_of(
    *paths: str, methods: tuple[str, ...] = ("ANY",), binary: tuple[str, ...] = ()
) -> RestApi:
    resources = tuple(
        Resource(f"r{index}", path, {method: LAMBDA for method in methods})
        for index, path in enumerate(paths)
    )
    return RestApi("abc123", "123456789012", "us-east-1", resources, binary)


def request(
    path: str = "/",
    method: str = "GET",
    headers: tuple[tuple[str, str], ...] = (),
    body: bytes = b"",
) -> HttpRequest:
    return HttpRequest(method, path, "", headers, body, "203.0.113.7")
