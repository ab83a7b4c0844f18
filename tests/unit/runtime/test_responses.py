"""The response dict each kind of trigger gets back (slam/runtime/responses.py)."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

import pytest
from runtime_events import HTTP_KINDS, alb_event, http_v2_event, rest_event

from slam.runtime.wsgi import make_handler

Headers = list[tuple[str, str]]

HEADERS: Headers = [
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Set-Cookie", "session=abc; HttpOnly"),
    ("Set-Cookie", "theme=dark"),
    ("Vary", "Accept"),
    ("Vary", "Cookie"),
    ("X-Name", "Zoë".encode().decode("latin-1")),
]


def app_answering(status: str, headers: Headers, body: bytes) -> Any:
    """A WSGI app that always gives this response."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response(status, headers)
        return [body]

    return app


def answer(event: dict[str, Any], status: str, headers: Headers, body: bytes) -> dict[str, Any]:
    return make_handler(app_answering(status, headers, body))(event, None)  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", ["rest", "http-v1", "alb-multi-value"])
def test_multi_value_responses_keep_every_header(kind: str) -> None:
    response = answer(HTTP_KINDS[kind](), "201 Created", HEADERS, b"made")
    expected = {
        "statusCode": 201,
        "multiValueHeaders": {
            "Content-Type": ["text/plain; charset=utf-8"],
            "Set-Cookie": ["session=abc; HttpOnly", "theme=dark"],
            "Vary": ["Accept", "Cookie"],
            "X-Name": ["Zoë"],
        },
        "body": "made",
        "isBase64Encoded": False,
    }
    if kind == "alb-multi-value":
        expected["statusDescription"] = "201 Created"
    assert response == expected


@pytest.mark.parametrize("kind", ["http-v2", "function-url"])
def test_v2_responses_put_cookies_apart(kind: str) -> None:
    assert answer(HTTP_KINDS[kind](), "404 Not Found", HEADERS, b"gone") == {
        "statusCode": 404,
        "headers": {
            "Content-Type": "text/plain; charset=utf-8",
            "Vary": "Accept, Cookie",
            "X-Name": "Zoë",
        },
        "cookies": ["session=abc; HttpOnly", "theme=dark"],
        "body": "gone",
        "isBase64Encoded": False,
    }


def test_alb_single_value_response_spells_set_cookie_differently() -> None:
    headers = [*HEADERS, ("set-cookie", "third=3")]
    assert answer(alb_event(), "200 OK", headers, b"ok") == {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "headers": {
            "Content-Type": "text/plain; charset=utf-8",
            "Set-Cookie": "session=abc; HttpOnly",
            "set-cookie": "theme=dark",
            "set-cookiE": "third=3",
            "Vary": "Accept, Cookie",
            "X-Name": "Zoë",
        },
        "body": "ok",
        "isBase64Encoded": False,
    }


def test_alb_single_value_response_carries_512_cookies() -> None:
    headers = [("Set-Cookie", f"c{number}=1") for number in range(512)]
    response = answer(alb_event(), "200 OK", headers, b"")
    assert len(response["headers"]) == 512
    assert {name.lower() for name in response["headers"]} == {"set-cookie"}
    assert sorted(response["headers"].values()) == sorted(value for _, value in headers)


def test_alb_single_value_response_with_too_many_cookies_is_a_500(
    capsys: pytest.CaptureFixture[str],
) -> None:
    headers = [("Set-Cookie", f"c{number}=1") for number in range(513)]
    response = answer(alb_event(), "200 OK", headers, b"")
    assert response["statusCode"] == 500
    assert "at most 512 Set-Cookie headers" in capsys.readouterr().err


def test_header_value_that_is_not_utf8_is_kept_as_is() -> None:
    response = answer(http_v2_event(), "200 OK", [("X-Raw", "caf\xe9")], b"")
    assert response["headers"] == {"X-Raw": "caf\xe9"}


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html; charset=utf-8",
        "text/csv",
        "TEXT/PLAIN",
        "application/json",
        "application/problem+json",
        "application/xml",
        "image/svg+xml",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
    ],
)
def test_textual_bodies_are_text(content_type: str) -> None:
    body = "naïve ✓".encode()
    response = answer(rest_event(), "200 OK", [("Content-Type", content_type)], body)
    assert (response["body"], response["isBase64Encoded"]) == ("naïve ✓", False)


@pytest.mark.parametrize(
    "headers",
    [
        [("Content-Type", "image/png")],
        [("Content-Type", "application/octet-stream")],
        [("Content-Type", "application/jsonx")],
        [],
        [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")],
        [("Content-Type", "application/json"), ("content-encoding", "br")],
    ],
)
def test_other_bodies_are_base64(headers: Headers) -> None:
    body = b"\x1f\x8b\x08\x00binary\xff"
    for kind, event_builder in HTTP_KINDS.items():
        response = answer(event_builder(), "200 OK", headers, body)
        assert response["isBase64Encoded"] is True, kind
        assert base64.b64decode(response["body"]) == body


def test_text_that_is_not_utf8_falls_back_to_base64() -> None:
    body = "café".encode("latin-1")
    response = answer(rest_event(), "200 OK", [("Content-Type", "text/plain")], body)
    assert (response["body"], response["isBase64Encoded"]) == ("Y2Fm6Q==", True)


@pytest.mark.parametrize("kind", sorted(HTTP_KINDS))
def test_no_body_is_empty_text(kind: str) -> None:
    response = answer(HTTP_KINDS[kind](), "304 Not Modified", [("Content-Type", "image/png")], b"")
    assert (response["statusCode"], response["body"], response["isBase64Encoded"]) == (
        304,
        "",
        False,
    )


def test_many_content_types_are_all_judged() -> None:
    for number in range(300):
        for content_type, textual in ((f"text/x-{number}", True), (f"image/x-{number}", False)):
            response = make_handler(
                app_answering("200 OK", [("Content-Type", content_type)], b"a")
            )(rest_event(), None)
            assert response["isBase64Encoded"] is not textual, content_type


def test_header_values_lose_surrounding_whitespace() -> None:
    response = answer(
        http_v2_event(), "200 OK", [("X-Padded", "  value "), ("Set-Cookie", " a=1")], b""
    )
    assert (response["headers"], response["cookies"]) == ({"X-Padded": "value"}, ["a=1"])
