"""The proxy integration's formats: the event a function gets, and its answer as HTTP."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from slam.local import gateway, proxy, restapi
from slam.local.proxy import MalformedResponse
from slam.local.restapi import Stage

from .rest_apis import api_of, request


def test_binary_media_types_match_with_wildcards():
    assert proxy.is_binary("image/png", ["*/*"])
    assert proxy.is_binary("image/png; q=1", ["image/*"])
    assert not proxy.is_binary("text/plain", ["image/*"])
    assert not proxy.is_binary(None, [])


def proxy_answer(**answer: Any) -> bytes:
    return json.dumps(answer).encode()


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'"a string"',
        proxy_answer(statusCode=200, body="", cookies=["a=1"]),  # a key of HTTP APIs
        proxy_answer(body="no status"),
        proxy_answer(statusCode=True),
        proxy_answer(statusCode=99),
        proxy_answer(statusCode=200, body={"not": "text"}),
        proxy_answer(statusCode=200, isBase64Encoded="yes"),
        proxy_answer(statusCode=200, headers=["a"]),
        proxy_answer(statusCode=200, multiValueHeaders={"A": "not a list"}),
        proxy_answer(statusCode=200, headers={"A": {"nested": 1}}),
        proxy_answer(statusCode=200, body="!!", isBase64Encoded=True),
    ],
)
def test_a_malformed_answer_is_refused(payload: bytes):
    api = api_of("/", binary=("*/*",))
    with pytest.raises(MalformedResponse):
        proxy.proxy_response(payload, api, request())


def test_some_headers_of_the_answer_are_renamed_or_dropped():
    answer = proxy_answer(
        statusCode=401,
        headers={
            "WWW-Authenticate": "Basic",
            "Content-Length": "2",
            "Transfer-Encoding": "chunked",
        },
        multiValueHeaders={"Server": ["gunicorn"], "X-Kept": ["yes"]},
        body="no",
    )
    response = proxy.proxy_response(answer, api_of("/"), request())
    assert response.headers == (
        ("x-amzn-Remapped-Server", "gunicorn"),
        ("X-Kept", "yes"),
        ("x-amzn-Remapped-WWW-Authenticate", "Basic"),
        ("x-amzn-Remapped-Content-Length", "2"),
        ("Content-Type", "application/json"),
    )


def test_an_answer_becomes_a_response():
    api = api_of("/")
    answer = proxy_answer(statusCode="204", headers={"X-Count": 3}, body=None)
    response = proxy.proxy_response(answer, api, request())
    assert response == restapi.HttpResponse(
        204, (("X-Count", "3"), ("Content-Type", "application/json")), b""
    )


@pytest.mark.parametrize(
    ("binary", "accept", "body"),
    [
        ((), "image/png", b"iVBORw=="),  # no binary media types: base64 text, as on AWS
        (("image/png",), "image/png", b"\x89PNG"),
        (("image/png",), "text/html", b"iVBORw=="),
        (("*/*",), None, b"\x89PNG"),
    ],
)
def test_a_base64_body_is_decoded_for_a_binary_accept_type(
    binary: tuple[str, ...], accept: str | None, body: bytes
):
    api = api_of("/", binary=binary)
    headers = (("Accept", accept),) if accept else ()
    answer = proxy_answer(
        statusCode=200, body=base64.b64encode(b"\x89PNG").decode(), isBase64Encoded=True
    )
    assert proxy.proxy_response(answer, api, request(headers=headers)).body == body


def test_the_event_forwards_the_clients_chain_of_addresses():
    api = api_of("/{proxy+}")
    route = gateway.match(api, "GET", "/a")
    assert route is not None
    event = proxy.proxy_event(
        api, Stage("dev"), route, request("/a", headers=(("X-Forwarded-For", "192.0.2.1"),)), "id"
    )
    assert event["headers"]["X-Forwarded-For"] == "192.0.2.1, 203.0.113.7"
    assert event["stageVariables"] is None
