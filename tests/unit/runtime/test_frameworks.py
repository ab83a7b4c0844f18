"""Real Flask and Django apps behind every kind of event (slam/runtime/wsgi.py)."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
import runtime_django
from runtime_apps import PNG, flask_app
from runtime_events import (
    ALB_HOST,
    API_HOST,
    CUSTOM_HOST,
    HTTP_KINDS,
    URL_HOST,
    alb_event,
    function_url_event,
    http_v1_event,
    http_v2_event,
    rest_event,
)

from slam.runtime.wsgi import make_handler

QUERY = [("tag", "a"), ("tag", "b"), ("q", "x&y=z"), ("name", "José")]
RAW_QUERY = "tag=a&tag=b&q=x%26y%3Dz&name=Jos%C3%A9"
COOKIES = [("Cookie", "a=1; b=2")]
BODY = '{"done": true}'


def parse_raw(query: str) -> list[tuple[str, str]]:
    """Split a raw query string into raw pairs, as ALB hands them over."""
    return [(key, value) for key, _, value in (pair.partition("=") for pair in query.split("&"))]


def request_events() -> dict[str, tuple[dict[str, Any], str, str, str]]:
    """The same request, POST /items/café, as each kind of event.

    Each value is (event, host, SCRIPT_NAME the links must carry, client address).
    """
    path = "/items/caf%C3%A9"
    auth = {"principalId": "user-42"}
    v2_fields: dict[str, Any] = {"raw_query": RAW_QUERY, "cookies": ["a=1", "b=2"], "body": BODY}
    alb_fields: dict[str, Any] = {"headers": COOKIES, "query": parse_raw(RAW_QUERY), "body": BODY}
    v1_fields: dict[str, Any] = {"headers": COOKIES, "query": QUERY, "body": BODY}
    return {
        "rest": (
            rest_event("POST", path, authorizer=auth, **v1_fields),
            API_HOST,
            "/prod",
            "203.0.113.7",
        ),
        "rest-custom-domain": (
            rest_event("POST", f"/api{path}", host=CUSTOM_HOST, **v1_fields),
            CUSTOM_HOST,
            "/api",
            "203.0.113.7",
        ),
        "http-v1": (
            http_v1_event("POST", path, stage="prod", **v1_fields),
            API_HOST,
            "/prod",
            "203.0.113.7",
        ),
        "http-v2": (
            http_v2_event("POST", path, stage="prod", **v2_fields),
            API_HOST,
            "/prod",
            "203.0.113.9",
        ),
        "http-v2-default": (http_v2_event("POST", path, **v2_fields), API_HOST, "", "203.0.113.9"),
        "function-url": (
            function_url_event("POST", path, **v2_fields),
            URL_HOST,
            "",
            "203.0.113.9",
        ),
        "alb-multi-value": (
            alb_event("POST", path, multi_value=True, **alb_fields),
            ALB_HOST,
            "",
            "72.21.198.66",
        ),
        "alb": (
            alb_event("POST", path, binary=True, **alb_fields),
            ALB_HOST,
            "",
            "72.21.198.66",
        ),
    }


EVENTS = request_events()


def expected_view(kind: str) -> dict[str, Any]:
    """What the view reports for EVENTS[kind]."""
    _, host, script_name, address = EVENTS[kind]
    return {
        "name": "café",
        "path": f"{script_name}/items/café",
        "link": f"{script_name}/items/next",
        "external": f"https://{host}{script_name}/items/next",
        # ALB without multi-value headers keeps the last value of a repeated name
        "args": {"tag": ["b"] if kind == "alb" else ["a", "b"], "q": ["x&y=z"], "name": ["José"]},
        "cookies": {"a": "1", "b": "2"},
        "body": BODY,
        "remote_addr": address,
        "remote_user": "user-42" if kind == "rest" else None,
    }


def seen(response: dict[str, Any]) -> dict[str, Any]:
    """The JSON the view answered with."""
    assert response["statusCode"] == 200
    assert response["isBase64Encoded"] is False
    return json.loads(response["body"])  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_flask_sees_the_request_and_builds_working_links(kind: str) -> None:
    event = EVENTS[kind][0]
    original = copy.deepcopy(event)
    view = seen(make_handler(flask_app(), base_path="/api")(event, None))
    assert view.pop("script_root") == EVENTS[kind][2]
    assert view == expected_view(kind) | {"path": "/items/café"}  # Flask's path omits the root
    assert event == original


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_django_sees_the_request_and_builds_working_links(kind: str) -> None:
    event = EVENTS[kind][0]
    original = copy.deepcopy(event)
    view = seen(make_handler(runtime_django.application(), base_path="/api")(event, None))
    assert view.pop("path_info") == "/items/café"
    assert view == expected_view(kind)
    assert event == original


def test_flask_rest_response_whole() -> None:
    response = make_handler(flask_app())(rest_event("GET", "/cookies"), None)
    assert response == {
        "statusCode": 200,
        "multiValueHeaders": {
            "Content-Type": ["text/html; charset=utf-8"],
            "Content-Length": ["11"],
            "Set-Cookie": ["session=abc; HttpOnly; Path=/", "theme=dark; Path=/"],
        },
        "body": "two cookies",
        "isBase64Encoded": False,
    }


def test_flask_v2_response_whole() -> None:
    response = make_handler(flask_app())(http_v2_event("GET", "/cookies"), None)
    assert response == {
        "statusCode": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8", "Content-Length": "11"},
        "cookies": ["session=abc; HttpOnly; Path=/", "theme=dark; Path=/"],
        "body": "two cookies",
        "isBase64Encoded": False,
    }


def test_django_alb_response_whole() -> None:
    response = make_handler(runtime_django.application())(alb_event("GET", "/cookies"), None)
    assert response == {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "headers": {
            "Content-Type": "text/plain; charset=utf-8",
            "Set-Cookie": "session=abc; HttpOnly; Path=/",
            "set-cookie": "theme=dark; Path=/",
        },
        "body": "two cookies",
        "isBase64Encoded": False,
    }


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
def test_flask_binary_response_is_base64(kind: str) -> None:
    response = make_handler(flask_app())(HTTP_KINDS[kind]("GET", "/logo.png"), None)
    assert response["isBase64Encoded"] is True
    assert base64.b64decode(response["body"]) == PNG


def test_flask_error_page_hides_the_traceback() -> None:
    response = make_handler(flask_app())(rest_event("GET", "/boom"), None)
    assert response["statusCode"] == 500
    assert "secret detail" not in response["body"]
